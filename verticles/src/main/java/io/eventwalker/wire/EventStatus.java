package io.eventwalker.wire;

import io.eventwalker.platform.validation.Enums;
import io.eventwalker.platform.validation.Errors;

/** An event's status. {@code NEW} moves once to a finished status; a finished status is final. */
public enum EventStatus {
  NEW,
  FINISHED_WIN,
  FINISHED_LOSE;

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
