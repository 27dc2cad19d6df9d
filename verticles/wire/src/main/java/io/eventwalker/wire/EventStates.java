package io.eventwalker.wire;

import java.util.List;

/** The current states of the events asked about that exist, and the ids of those that do not. */
public record EventStates(List<EventState> found, List<String> missing) {
  public EventStates {
    found = List.copyOf(found);
    missing = List.copyOf(missing);
  }
}
