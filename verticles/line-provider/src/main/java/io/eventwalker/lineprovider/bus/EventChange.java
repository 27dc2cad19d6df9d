package io.eventwalker.lineprovider.bus;

import io.eventwalker.wire.EventState;
import io.eventwalker.wire.EventStatus;

import java.math.BigDecimal;
import java.time.Instant;

/**
 * A change asked by {@code PUT /event}: any of ratio, deadline and status (null when not
 * given), and optionally the version the client expects the event to be at.
 */
public record EventChange(String eventId, BigDecimal ratio, Instant deadline, EventStatus status, Long expectedVersion) {

  /** Thrown when the change cannot apply to the event as it is (the client gets a 409). */
  public static final class RefusedException extends Exception {
    public RefusedException(String message) {
      super(message, null, false, false);
    }
  }

  /**
   * The event after this change. A finished event is final; a change that alters nothing returns
   * {@code current} itself (same version); anything else is the next version.
   */
  public EventState applyTo(EventState current) throws RefusedException {
    if (current.status().isFinished()) {
      throw new RefusedException("event " + current.eventId() + " is " + current.status()
        + "; a finished or cancelled event can no longer change");
    }
    if (expectedVersion != null && expectedVersion != current.version()) {
      throw new RefusedException("event " + current.eventId() + " is at version " + current.version()
        + ", not " + expectedVersion);
    }
    EventStatus nextStatus = status == null ? current.status() : status;
    if (!current.status().canMoveTo(nextStatus)) {
      throw new RefusedException("event " + current.eventId() + " cannot move from " + current.status() + " to " + nextStatus);
    }
    BigDecimal nextRatio = ratio == null ? current.ratio() : ratio;
    Instant nextDeadline = deadline == null ? current.deadline() : deadline;
    boolean unchanged = nextRatio.compareTo(current.ratio()) == 0
      && nextDeadline.equals(current.deadline())
      && nextStatus == current.status();
    if (unchanged) {
      return current;
    }
    return new EventState(current.eventId(), nextRatio, nextDeadline, nextStatus, current.version() + 1);
  }
}
