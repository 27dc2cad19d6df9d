package io.eventwalker.wire;

import java.util.List;

/** A page of events, ordered by id; {@code nextAfter} continues it (null on the last page). */
public record EventPage(List<EventState> events, String nextAfter) {
  public EventPage {
    events = List.copyOf(events);
  }
}
