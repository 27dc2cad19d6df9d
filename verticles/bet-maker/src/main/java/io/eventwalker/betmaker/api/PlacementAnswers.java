package io.eventwalker.betmaker.api;

import io.eventwalker.betmaker.bets.BetResponses;
import io.eventwalker.betmaker.bus.BetMessages.InsufficientFunds;
import io.eventwalker.betmaker.bus.BetMessages.KeyInFlight;
import io.eventwalker.betmaker.bus.BetMessages.KeyReused;
import io.eventwalker.betmaker.bus.BetMessages.KeyUnconfirmed;
import io.eventwalker.betmaker.bus.BetMessages.NotStored;
import io.eventwalker.betmaker.bus.BetMessages.OutcomeUnknown;
import io.eventwalker.betmaker.bus.BetMessages.Placed;
import io.eventwalker.betmaker.bus.BetMessages.Placement;
import io.eventwalker.betmaker.bus.BetMessages.Refused;
import io.eventwalker.betmaker.bus.BetMessages.Replayed;
import io.eventwalker.betmaker.wallet.Funds;
import io.eventwalker.platform.http.Failures;
import io.eventwalker.platform.http.Problem;
import io.eventwalker.platform.http.Problems;
import io.eventwalker.platform.validation.FieldError;
import io.vertx.ext.web.RoutingContext;

import java.util.List;

/**
 * The answers of {@code POST /bet}: every {@link Placement} turned into HTTP here, and nowhere
 * else. Only {@link Placed} (201) and a {@link Replayed} 201 say the bets are stored; only
 * {@link OutcomeUnknown} and {@link KeyUnconfirmed} (500) that they may be; every other answer
 * stored nothing.
 */
public final class PlacementAnswers {

  private PlacementAnswers() {
  }

  /** Answers {@code ctx} with {@code outcome}; {@code single}: the request was one bet, not an array. */
  static void send(RoutingContext ctx, Placement outcome, boolean single) {
    if (outcome instanceof Placed placed) {
      if (single) {
        ctx.response().putHeader("Location", BetResponses.location(placed.bets().get(0).betId().toString()));
      }
      ctx.response().setStatusCode(201).putHeader("Content-Type", "application/json")
        .end(BetResponses.created(placed.bets(), single));
    } else if (outcome instanceof Replayed replayed) {
      // The first answer again, headers included: a single bet's 201 said where the bet is.
      BetResponses.replayedLocation(replayed.status(), replayed.body())
        .ifPresent(location -> ctx.response().putHeader("Location", location));
      ctx.response().setStatusCode(replayed.status())
        .putHeader("Content-Type", "application/json")
        .putHeader("Idempotent-Replayed", "true")
        .end(replayed.body());
    } else if (outcome instanceof KeyInFlight) {
      ctx.response().putHeader("Retry-After", "1");
      Problems.write(ctx, Problem.of(409, "a request with this Idempotency-Key is still in progress; retry later"));
    } else if (outcome instanceof KeyReused) {
      Problems.write(ctx, Problem.of(422, "this Idempotency-Key was already used with a different request"));
    } else {
      ctx.fail(problem(outcome, single).exception());
    }
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

  /** The problem+json of an outcome that did not store the bets (or may not have). */
  private static Problem problem(Placement outcome, boolean single) {
    if (outcome instanceof Refused refused) {
      int status = refused.unknownEvent() ? 404 : 409;
      String detail = single ? refused.why() : refused.why() + " (item " + refused.index() + ")";
      String field = refused.ratio() != null ? "ratio" : "event_id";
      Problem problem = new Problem(status, Problem.of(status, refused.why()).type(), Problem.title(status), detail,
        List.of(new FieldError(field, single ? null : refused.index(), refused.why())));
      // An odds change says what the ratio is now, so the player can accept it.
      return refused.ratio() == null ? problem : problem.with("ratio", refused.ratio()).with("version", refused.version());
    }
    if (outcome instanceof InsufficientFunds funds) {
      return Funds.insufficient(funds.balance(), "the balance is " + funds.balance().toPlainString() + ", less than the "
        + funds.total().toPlainString() + " these bets stake; nothing was stored");
    }
    if (outcome instanceof OutcomeUnknown unknown) {
      return Problem.outcomeUnknown(unknown.why() + ", so they may or may not have been stored: retry with the same"
        + " Idempotency-Key to learn which (GET /bets shows them if they were)");
    }
    if (outcome instanceof KeyUnconfirmed unconfirmed) {
      // The claim is a write: one that got no answer may still be written. Not a 503 (nothing stored), but unknown.
      return Problem.outcomeUnknown("bet-maker did not learn in time whether this Idempotency-Key was claimed; no bet was placed,"
        + " but the key may stay claimed for up to " + (unconfirmed.leaseMillis() / 1000) + " s: retry with the same Idempotency-Key and"
        + " body to learn which (409: wait and retry)");
    }
    // A reason passed on from elsewhere may end in its own "try again": said once, at the end.
    String why = ((NotStored) outcome).why().replaceFirst("; try again$", "");
    return Problem.of(503, why + "; nothing was stored; try again");
  }
}
