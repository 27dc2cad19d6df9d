package io.eventwalker.wire;

import io.eventwalker.platform.validation.Enums;
import io.eventwalker.platform.validation.Errors;

/**
 * An event's status. {@code NEW} moves once to a result ({@code FINISHED_WIN},
 * {@code FINISHED_LOSE}) or to {@code CANCELLED} (void); each of those is final.
 */
public enum EventStatus {
  NEW,
  FINISHED_WIN,
  FINISHED_LOSE,
  CANCELLED;

  public boolean isFinished() {
    return this != NEW;
  }

  /** Whether an event in this status may be changed to {@code next}; staying {@code NEW} is allowed. */
  public boolean canMoveTo(EventStatus next) {
    return this == NEW;
  }

  /** Reads a status; {@code null} after recording why it was refused. */
  public static EventStatus parse(Object raw, String field, Errors errors) {
    return Enums.parse(EventStatus.class, raw, field, errors);
  }
}
