package io.eventwalker.lineprovider.bus;

import io.eventwalker.wire.EventState;
import io.eventwalker.wire.EventStatus;

import java.math.BigDecimal;
import java.time.Instant;

/** An event to create, as validated from {@code POST /event}. */
public record NewEvent(String eventId, BigDecimal ratio, Instant deadline, EventStatus status) {

  /** The event as stored: every event starts at version 1. */
  public EventState firstVersion() {
    return new EventState(eventId, ratio, deadline, status, 1);
  }
}
