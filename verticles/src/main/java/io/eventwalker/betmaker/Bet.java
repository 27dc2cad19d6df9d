package io.eventwalker.betmaker;

import io.eventwalker.shared.Decimals;
import io.eventwalker.shared.Timestamps;
import io.vertx.core.json.JsonObject;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.UUID;

/**
 * A bet as stored. {@code ratio} is the event's ratio when the bet was accepted, locked in;
 * {@code payout} and {@code settledAt} are null while {@code PENDING}; {@code seq} orders bets by
 * acceptance (newest first in listings).
 */
public record Bet(UUID betId, String eventId, BigDecimal sumBet, BigDecimal ratio, BetStatus status,
                  BigDecimal payout, Instant createdAt, Instant settledAt, long seq) {

  /** The payout this bet gets when its event finishes with {@code status}: the bookmakers' rule. */
  public static BigDecimal payoutFor(BetStatus status, BigDecimal sumBet, BigDecimal ratio) {
    return status == BetStatus.WON ? Decimals.payout(sumBet, ratio) : BigDecimal.ZERO.setScale(Decimals.SCALE);
  }

  public JsonObject toJson() {
    JsonObject json = new JsonObject()
      .put("bet_id", betId.toString())
      .put("event_id", eventId)
      .put("sum_bet", sumBet)
      .put("ratio", ratio)
      .put("status", status.name());
    if (payout != null) {
      json.put("payout", payout);
    }
    json.put("created_at", Timestamps.iso(createdAt));
    if (settledAt != null) {
      json.put("settled_at", Timestamps.iso(settledAt));
    }
    return json;
  }
}
