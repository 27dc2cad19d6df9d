package io.eventwalker.betmaker.bus;

import io.eventwalker.betmaker.bets.Bet;
import io.eventwalker.betmaker.bets.BetRequest;
import io.eventwalker.betmaker.bets.BetStatus;
import io.eventwalker.platform.eventbus.LocalCodec;
import io.eventwalker.wire.EventPage;
import io.eventwalker.wire.EventState;
import io.eventwalker.wire.EventStates;
import io.vertx.core.Vertx;

import java.util.List;
import java.util.Set;
import java.util.UUID;

/** The records bet-maker's verticles exchange over the event bus (passed by reference). */
public final class BetMessages {

  /**
   * Bets to store. {@code idempotency} is null without an {@code Idempotency-Key}; otherwise the
   * answer is recorded under the key in the same transaction as the bets, if this request still
   * holds the key's claim. {@code deadlineMillis} (epoch milliseconds): work on the request that
   * has not reached {@code COMMIT} by then is rolled back and refused with a 503, so a caller that
   * has stopped waiting never gets a bet stored behind its back. {@code traceparent}: the request's
   * trace context, which line-provider's check continues (null when not traced).
   */
  public record PlaceBets(String playerId, List<BetRequest> bets, boolean single, ClaimKey idempotency, long deadlineMillis,
                          String traceparent) {
    public PlaceBets {
      bets = List.copyOf(bets);
    }
  }

  /**
   * What became of a {@link PlaceBets} (placement answers the first four) or, with an
   * {@code Idempotency-Key}, of the request ({@code IdempotentPlacement}). Only {@link Placed}
   * stored the bets (a replayed 201 did, the first time), and only {@link OutcomeUnknown} may have:
   * every other outcome stored nothing, and never will. HTTP: {@code PlacementAnswers}.
   */
  public sealed interface Placement permits Placed, Refused, InsufficientFunds, NotStored, OutcomeUnknown, Replayed,
    KeyInFlight, KeyReused, KeyUnconfirmed {
  }

  /** Stored: the bets as stored, in the order asked. */
  public record Placed(List<Bet> bets) implements Placement {
    public Placed {
      bets = List.copyOf(bets);
    }
  }

  /**
   * Refused by the rules: bet {@code index} of the request is on an event that does not exist
   * ({@code unknownEvent}), takes no bets, or is at a ratio the bet does not accept; {@code why}
   * says which and why. For a ratio refused, {@code ratio} and {@code version} are the event's
   * current ones (null otherwise).
   */
  public record Refused(int index, boolean unknownEvent, String why, java.math.BigDecimal ratio, Long version) implements Placement {
    public Refused(int index, boolean unknownEvent, String why) {
      this(index, unknownEvent, why, null, null);
    }
  }

  /** Refused: the player's balance ({@code balance}, now) does not cover the request's {@code total} (SPEC §7). */
  public record InsufficientFunds(java.math.BigDecimal total, java.math.BigDecimal balance) implements Placement {
  }

  /** Rolled back before any {@code COMMIT} was sent: {@code why} names what failed. */
  public record NotStored(String why) implements Placement {
  }

  /** The {@code COMMIT} was sent and not confirmed: {@code why} says what is known. */
  public record OutcomeUnknown(String why) implements Placement {
  }

  /** The key's first answer, again: its status and body. */
  public record Replayed(int status, String body) implements Placement {
  }

  /** The key is claimed by an attempt that may still commit. */
  public record KeyInFlight() implements Placement {
  }

  /** The key was used with another request. */
  public record KeyReused() implements Placement {
  }

  /** The claim got no answer in time: it may have been written, and then stands for {@code leaseMillis}. */
  public record KeyUnconfirmed(long leaseMillis) implements Placement {
  }

  /** One of the player's bets. */
  public record GetBet(String playerId, UUID betId) {
  }

  /** Newest first; null filters mean any; {@code beforeSeq} continues a previous page. */
  public record ListBets(String playerId, BetStatus status, String eventId, Long beforeSeq, int limit) {
  }

  public record BetPage(List<Bet> bets, Long nextBefore) {
    public BetPage {
      bets = List.copyOf(bets);
    }
  }

  /**
   * Event states to apply where newer. {@code current}: they are line-provider's current states
   * (a reply, not an update message), so one older than bet-maker's is a conflict to look into.
   * {@code inOrder}: an update message that waits for the versions before it: one more than a
   * version ahead of bet-maker's is not applied yet ({@link Applied#waitsForEarlier}: the version
   * between is still on its way, perhaps at another bet-maker), so that listeners hear every
   * change, in order.
   */
  public record ApplyStates(List<EventState> states, boolean current, boolean inOrder) {
    public ApplyStates {
      states = List.copyOf(states);
    }
  }

  /**
   * {@code applied}: the states that were newer and are now held; {@code settledBets}: bets settled
   * by them; {@code waitsForEarlier}: nothing was applied, as an {@link ApplyStates#inOrder} update
   * waits for the version before it.
   */
  public record Applied(List<EventState> applied, int settledBets, boolean waitsForEarlier) {
    public Applied {
      applied = List.copyOf(applied);
    }

    public Applied(List<EventState> applied, int settledBets) {
      this(applied, settledBets, false);
    }

    /** Nothing applied: the update waits for the version before it. */
    public static Applied waiting() {
      return new Applied(List.of(), 0, true);
    }
  }

  /** Events line-provider reported at a lower version than bet-maker holds (or not at all): ask again, mark those it still does. */
  public record ConfirmConflicts(Set<String> eventIds) {
    public ConfirmConflicts {
      eventIds = Set.copyOf(eventIds);
    }
  }

  /**
   * line-provider's reported states that disagree with bet-maker's ({@code Verdict.CONFLICT}, or
   * older in a reply asked twice), and the events it does not know though bet-maker holds them:
   * marked in conflict where the database still shows one.
   */
  public record MarkConflicts(List<EventState> reported, List<String> unknown) {
    public MarkConflicts {
      reported = List.copyOf(reported);
      unknown = List.copyOf(unknown);
    }
  }

  /** An operator's resolution of the conflict on an event: bet-maker adopts line-provider's current state of it. */
  public record ResolveConflict(String eventId, String operator) {
  }

  /**
   * A resolved conflict: the state bet-maker held ({@code replaced}), the one it adopted, how many
   * of the event's bets had been settled before (under {@code replaced}: to review) and how many
   * the adopted state settled.
   */
  public record Resolution(EventState replaced, EventState adopted, long settledBefore, int settled) {
    public io.vertx.core.json.JsonObject toJson() {
      return new io.vertx.core.json.JsonObject()
        .put("event_id", adopted.eventId())
        .put("replaced", replaced.toJson())
        .put("adopted", adopted.toJson())
        .put("bets_settled_before", settledBefore)
        .put("bets_settled", settled);
    }
  }

  public record PendingEvents(String after, int limit) {
  }

  public record EventIds(List<String> ids) {
    public EventIds {
      ids = List.copyOf(ids);
    }
  }

  /**
   * {@code requestHash}: SHA-256 of the request, so a key reused with another body is caught.
   * {@code token}: this attempt's claim; only the holder of the current token may complete or
   * release the key. {@code leaseMillis}: how long the claim stands before another attempt may
   * take it over (longer than the attempt can take to commit).
   */
  public record ClaimKey(String playerId, String key, String requestHash, UUID token, long leaseMillis) {
  }

  public enum ClaimOutcome { CLAIMED, REPLAY, IN_FLIGHT, MISMATCH }

  /** For {@code REPLAY}, the first answer's status and body. */
  public record KeyClaim(ClaimOutcome outcome, int status, String body) {
  }

  /** Forgets a claim whose request is known to have stored nothing; only with the claim's token. */
  public record ReleaseKey(String playerId, String key, UUID token) {
  }

  public record OpenEvents(String after, int limit) {
  }

  /**
   * {@code renew}: subscribe again even to events already subscribed to from this process (catch-up
   * does). {@code traceparent}: the trace the request to line-provider belongs to, or null.
   */
  public record Subscribe(List<String> eventIds, boolean renew, String traceparent) {
    public Subscribe {
      eventIds = List.copyOf(eventIds);
    }
  }

  public static void registerCodecs(Vertx vertx) {
    LocalCodec.register(vertx, PlaceBets.class, Placed.class, Refused.class, InsufficientFunds.class, NotStored.class, OutcomeUnknown.class, GetBet.class, ListBets.class, BetPage.class,
      ApplyStates.class, Applied.class, ConfirmConflicts.class, MarkConflicts.class, ResolveConflict.class,
      Resolution.class, PendingEvents.class, EventIds.class, ClaimKey.class, KeyClaim.class,
      ReleaseKey.class, OpenEvents.class, EventPage.class, Subscribe.class, EventStates.class, Bet.class, EventState.class);
  }

  private BetMessages() {
  }
}
