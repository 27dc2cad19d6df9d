package io.eventwalker.betmaker.bets;

import io.eventwalker.platform.Decimals;
import io.eventwalker.platform.config.Settings;
import io.eventwalker.platform.validation.Batch;
import io.eventwalker.platform.validation.Errors;
import io.eventwalker.platform.validation.ValidationException;
import io.eventwalker.wire.EventIds;

import java.math.BigDecimal;
import java.util.Map;
import java.util.Set;

/**
 * One bet asked by {@code POST /bet}: {@code {event_id, sum_bet, ratio?, accept_odds?}}.
 * {@code ratio} is the ratio the player saw (null: none given, any ratio is taken), and
 * {@code acceptOdds} what the bet accepts against it ({@link AcceptOdds#EXACT} when a ratio is given
 * without it; {@link AcceptOdds#ANY} without a ratio).
 */
public record BetRequest(String eventId, BigDecimal sumBet, BigDecimal ratio, AcceptOdds acceptOdds) {

  private static final Set<String> FIELDS = Set.of("event_id", "sum_bet", "ratio", "accept_odds");

  public BetRequest(String eventId, BigDecimal sumBet) {
    this(eventId, sumBet, null, AcceptOdds.ANY);
  }
  /** The largest stake the bets table holds ({@code sum_bet NUMERIC(12,2)}). */
  static final BigDecimal COLUMN_MAX = new BigDecimal("9999999999.99");

  /**
   * {@code BM_MAX_SUM_BET}, checked against the column it is stored in: a positive amount with at
   * most two decimal places that {@code NUMERIC(12,2)} holds. Anything else stops start-up.
   */
  public static BigDecimal maxSumBet(Settings settings) {
    String raw = settings.string("BM_MAX_SUM_BET");
    BigDecimal max;
    try {
      max = new BigDecimal(raw.trim());
    } catch (NumberFormatException e) {
      throw new Settings.ConfigException("bet-maker configuration: key BM_MAX_SUM_BET must be a decimal amount, got " + raw);
    }
    if (max.signum() <= 0 || max.stripTrailingZeros().scale() > 2 || max.compareTo(COLUMN_MAX) > 0) {
      throw new Settings.ConfigException("bet-maker configuration: key BM_MAX_SUM_BET must be above 0, with at most 2 decimal places,"
        + " and at most " + COLUMN_MAX.toPlainString() + " (what bets.sum_bet NUMERIC(12,2) holds), got " + raw);
    }
    return max;
  }

  /** One object or a batch of 1 to 1000; {@code sum_bet} > 0, two places at most, at most {@code maxSumBet}. */
  public static Batch<BetRequest> parse(Object body, BigDecimal maxSumBet) throws ValidationException {
    return Batch.parse(body, (item, errors) -> parseOne(item, errors, maxSumBet));
  }

  private static BetRequest parseOne(Map<String, Object> item, Errors errors, BigDecimal maxSumBet) {
    Batch.rejectUnknownFields(item, FIELDS, errors);
    String eventId = null;
    BigDecimal sumBet = null;
    if (item.containsKey("event_id")) {
      eventId = EventIds.parse(item.get("event_id"), "event_id", errors);
    } else {
      errors.add("event_id", "is required");
    }
    if (item.containsKey("sum_bet")) {
      sumBet = Decimals.positiveAmount(item.get("sum_bet"), "sum_bet", maxSumBet, errors);
    } else {
      errors.add("sum_bet", "is required");
    }
    BigDecimal ratio = null;
    if (item.containsKey("ratio")) {
      ratio = Decimals.positiveAmount(item.get("ratio"), "ratio", Decimals.MAX_RATIO, errors);
    }
    AcceptOdds accept = ratio == null ? AcceptOdds.ANY : AcceptOdds.EXACT;
    if (item.containsKey("accept_odds")) {
      accept = AcceptOdds.parse(item.get("accept_odds"), "accept_odds", errors);
      if (accept != null && accept != AcceptOdds.ANY && !item.containsKey("ratio")) {
        errors.add("accept_odds", "needs ratio, the ratio the player saw");
      }
    }
    return errors.isEmpty() ? new BetRequest(eventId, sumBet, ratio, accept) : null;
  }
}
