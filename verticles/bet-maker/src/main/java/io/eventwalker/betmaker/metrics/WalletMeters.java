package io.eventwalker.betmaker.metrics;

import io.eventwalker.platform.metrics.Meters;
import io.micrometer.core.instrument.Counter;
import io.vertx.core.Vertx;

import java.math.BigDecimal;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The wallet's meters (docs/operations.md): money moved by kind, as counters of currency units
 * ({@code bet_maker_wallet_money_total{kind}}: deposits, withdrawals, stakes, payouts, refunds), and
 * movements refused because the balance did not cover them ({@code bet_maker_wallet_refused_total}).
 */
public final class WalletMeters {

  private static final String MONEY = "bet_maker_wallet_money";
  private static final String MONEY_HELP = "money moved through players' wallets, by kind (currency units)";
  private static final String REFUSED = "bet_maker_wallet_refused";
  private static final String REFUSED_HELP = "bets and withdrawals refused because the player's balance did not cover them";
  private static final List<String> KINDS = List.of("deposit", "withdrawal", "stake", "payout", "refund");

  private final Meters meters;
  /** The money counters by kind, looked up once: a placement counts each request's stakes. */
  private final Map<String, Counter> money = new HashMap<>();

  private WalletMeters(Meters meters) {
    this.meters = meters;
    KINDS.forEach(kind -> money.put(kind, meters.counter(MONEY, MONEY_HELP, "kind", kind)));
  }

  public static WalletMeters of(Vertx vertx) {
    return new WalletMeters(BetMeters.of(vertx).meters());
  }

  /** Every counter at 0 (they are registered as this is made), so that a dashboard shows 0 rather than no data. */
  public void registerAtZero() {
    meters.counter(REFUSED, REFUSED_HELP);
  }

  /** {@code amount} moved as {@code kind} (one of {@link #KINDS}). */
  public void moved(String kind, BigDecimal amount) {
    if (amount != null && amount.signum() > 0) {
      money.get(kind).increment(amount.doubleValue());
    }
  }

  public void refusedForFunds() {
    meters.counter(REFUSED, REFUSED_HELP).increment();
  }
}
