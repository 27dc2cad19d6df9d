package io.eventwalker.betmaker.bets;

import io.eventwalker.platform.Timestamps;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.List;
import java.util.Optional;

/**
 * The bodies of bet-maker's answers (SPEC §3.3): a bet, a list of bets, and the 201 of
 * {@code POST /bet}. That 201 is recorded with its Idempotency-Key in the same transaction as the
 * bets ({@code IdempotentPlacement.complete}: a retry replays it and never stores the bets twice),
 * which is why it is built here and not where the answer is sent ({@code PlacementAnswers}).
 */
public final class BetResponses {

  private BetResponses() {
  }

  public static JsonObject bet(Bet bet) {
    JsonObject json = new JsonObject()
      .put("bet_id", bet.betId().toString())
      .put("player_id", bet.playerId())
      .put("event_id", bet.eventId())
      .put("sum_bet", bet.sumBet())
      .put("ratio", bet.ratio())
      .put("status", bet.status().name());
    if (bet.payout() != null) {
      json.put("payout", bet.payout());
    }
    json.put("created_at", Timestamps.iso(bet.createdAt()));
    if (bet.settledAt() != null) {
      json.put("settled_at", Timestamps.iso(bet.settledAt()));
    }
    return json;
  }

  public static JsonArray bets(List<Bet> bets) {
    JsonArray array = new JsonArray();
    bets.forEach(bet -> array.add(bet(bet)));
    return array;
  }

  /** The 201 of {@code POST /bet}: the bets in the shape they were asked (one object, or an array). */
  public static String created(List<Bet> bets, boolean single) {
    return single ? bet(bets.get(0)).encode() : bets(bets).encode();
  }

  /** Where a placed bet is read: the {@code Location} of a single bet's 201. */
  public static String location(String betId) {
    return "/bet/" + betId;
  }

  /**
   * The {@code Location} of a replayed answer (an {@code Idempotency-Key} used again): a single
   * bet's 201 had one, which is kept with its body only, so it is read back from the body; a
   * batch's 201 had none.
   */
  public static Optional<String> replayedLocation(int status, String body) {
    if (status != 201 || body == null || !body.startsWith("{")) {
      return Optional.empty();
    }
    return Optional.ofNullable(new JsonObject(body).getString("bet_id")).map(BetResponses::location);
  }
}
