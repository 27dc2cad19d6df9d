package io.eventwalker.testing;

import io.vertx.core.json.JsonObject;

import java.math.BigDecimal;
import java.util.Map;
import java.util.UUID;

/** Money for the players of a test, deposited through bet-maker's operator route as an operator would (SPEC §7). */
public final class Wallets {

  /** What {@link TestSystem} deposits for each player it signs a token for: more than any test stakes. */
  public static final BigDecimal STARTING = new BigDecimal("1000000000.00");

  private Wallets() {
  }

  /** Deposits {@code amount} for {@code player} through {@code operator} (bet-maker as an operator); the deposit's entry. */
  public static JsonObject deposit(Http operator, String player, BigDecimal amount) {
    return move(operator, "/wallet/deposits", player, amount, UUID.randomUUID().toString());
  }

  /** A deposit or withdrawal ({@code path}) under {@code key}, which must be answered 201: its entry. */
  public static JsonObject move(Http operator, String path, String player, BigDecimal amount, String key) {
    Http.Response answer = operator.send("POST", path, new JsonObject().put("player_id", player).put("amount", amount.toPlainString()).encode(),
      Map.of("Content-Type", "application/json", "Idempotency-Key", key));
    if (answer.status() != 201) {
      throw new AssertionError("POST " + path + " for " + player + " answered " + answer);
    }
    return answer.object();
  }
}
