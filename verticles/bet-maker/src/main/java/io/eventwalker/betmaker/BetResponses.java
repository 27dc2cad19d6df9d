package io.eventwalker.betmaker;

import io.eventwalker.betmaker.BetMessages.NotStored;
import io.eventwalker.betmaker.BetMessages.OutcomeUnknown;
import io.eventwalker.betmaker.BetMessages.Placement;
import io.eventwalker.betmaker.BetMessages.Refused;
import io.eventwalker.platform.Timestamps;
import io.eventwalker.platform.http.Failures;
import io.eventwalker.platform.http.Problem;
import io.eventwalker.platform.validation.FieldError;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.List;
import java.util.Optional;

/**
 * The bodies of bet-maker's answers (SPEC §3.3): a bet, a list of bets, the 201 of
 * {@code POST /bet}, and the problem of a placement that stored nothing (or may not have).
 * Placement records that 201 with its Idempotency-Key in the same transaction as the bets (so a
 * retry replays it and never stores the bets twice), which is why it is built here and not in
 * {@link BetsApiVerticle} alone.
 */
final class BetResponses {

  private BetResponses() {
  }

  static JsonObject bet(Bet bet) {
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

  static JsonArray bets(List<Bet> bets) {
    JsonArray array = new JsonArray();
    bets.forEach(bet -> array.add(bet(bet)));
    return array;
  }

  /** The 201 of {@code POST /bet}: the bets in the shape they were asked (one object, or an array). */
  static String created(List<Bet> bets, boolean single) {
    return single ? bet(bets.get(0)).encode() : bets(bets).encode();
  }

  /** Where a placed bet is read: the {@code Location} of a single bet's 201. */
  static String location(String betId) {
    return "/bet/" + betId;
  }

  /**
   * The {@code Location} of a replayed answer (an {@code Idempotency-Key} used again): a single
   * bet's 201 had one, which is kept with its body only, so it is read back from the body; a
   * batch's 201 had none.
   */
  static Optional<String> replayedLocation(int status, String body) {
    if (status != 201 || body == null || !body.startsWith("{")) {
      return Optional.empty();
    }
    return Optional.ofNullable(new JsonObject(body).getString("bet_id")).map(BetResponses::location);
  }

  /**
   * A placement that got no answer. Placement answers every placement within its deadline plus
   * the commit; if it still has not, the outcome is unknown. A request that found no placement
   * verticle at all stored nothing.
   */
  static Placement unanswered(Throwable failure) {
    if (Failures.isTimeout(failure)) {
      return new OutcomeUnknown("bet-maker did not learn in time whether these bets were stored");
    }
    return new NotStored("the bets could not be handed on to be written (" + failure.getMessage() + ")");
  }

  /** The problem+json of a placement that did not store the bets (or may not have). */
  static Problem problem(Placement outcome, boolean single) {
    if (outcome instanceof Refused refused) {
      int status = refused.unknownEvent() ? 404 : 409;
      String detail = single ? refused.why() : refused.why() + " (item " + refused.index() + ")";
      String field = refused.ratio() != null ? "ratio" : "event_id";
      Problem problem = new Problem(status, Problem.of(status, refused.why()).type(), Problem.title(status), detail,
        List.of(new FieldError(field, single ? null : refused.index(), refused.why())));
      // An odds change says what the ratio is now, so the player can accept it.
      return refused.ratio() == null ? problem : problem.with("ratio", refused.ratio()).with("version", refused.version());
    }
    if (outcome instanceof OutcomeUnknown unknown) {
      return Problem.outcomeUnknown(unknown.why() + ", so they may or may not have been stored: retry with the same"
        + " Idempotency-Key to learn which (GET /bets shows them if they were)");
    }
    // A reason passed on from elsewhere may end in its own "try again": said once, at the end.
    String why = ((NotStored) outcome).why().replaceFirst("; try again$", "");
    return Problem.of(503, why + "; nothing was stored; try again");
  }
}
