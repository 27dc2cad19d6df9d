package io.eventwalker.betmaker.settlement;

import io.eventwalker.wire.EventState;
import io.vertx.core.Future;

import java.util.List;
import java.util.Set;

/**
 * Where settlement reports what line-provider and bet-maker disagree about; the conflicts
 * capability looks into it ({@code ConflictsVerticle.disagreements}). Each completes at once when
 * given nothing.
 */
public interface Disagreements {

  /** Marks in conflict, where the database still shows one, the states that disagree with bet-maker's ({@code Verdict.CONFLICT}). */
  Future<Void> mark(List<EventState> reported);

  /** Asks line-provider again about events it reported older than bet-maker holds, and marks those it still does. */
  Future<Void> confirm(Set<String> eventIds);
}
