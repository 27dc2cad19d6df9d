package io.eventwalker.betmaker.placement;

import io.eventwalker.betmaker.bus.BetMessages.ApplyStates;
import io.eventwalker.betmaker.bus.BetMessages.ConfirmConflicts;
import io.eventwalker.betmaker.bus.BetMessages.MarkConflicts;
import io.eventwalker.betmaker.bus.ConflictsBus;
import io.eventwalker.betmaker.bus.SettlementBus;
import io.eventwalker.betmaker.events.HeldEvent;
import io.eventwalker.betmaker.events.Verdict;
import io.eventwalker.wire.EventState;
import io.eventwalker.wire.EventStates;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * A placement group's check of line-provider's current states against the rows it holds
 * ({@link Verdict}): the group commits only when bet-maker holds every event at line-provider's
 * state or a newer one. Otherwise {@code newer} states are applied and the group written again;
 * states that disagree are marked in conflict, and older ones (or events line-provider does not
 * know) asked about again. An event already in conflict is refused by the insert itself.
 */
public record GroupCheck(List<EventState> newer, List<EventState> disagree, Set<String> older) {

  public static GroupCheck of(Map<String, HeldEvent> held, EventStates states) {
    List<EventState> newer = new ArrayList<>();
    List<EventState> disagree = new ArrayList<>();
    Set<String> older = new TreeSet<>();
    for (EventState state : states.found()) {
      HeldEvent mine = held.get(state.eventId());
      switch (Verdict.of(mine, state)) {
        case APPLY -> newer.add(state);
        case CONFLICT -> { if (!mine.inConflict()) { disagree.add(state); } }
        case OLDER -> { if (!mine.inConflict()) { older.add(state.eventId()); } }
        case SETTLE_REST, NOTHING -> { }
      }
    }
    states.missing().stream().filter(id -> held.containsKey(id) && !held.get(id).inConflict()).forEach(older::add);
    return new GroupCheck(newer, disagree, older);
  }

  /** Whether line-provider and bet-maker disagree about an event (marked, or to ask about again). */
  public boolean regressed() {
    return !disagree.isEmpty() || !older.isEmpty();
  }

  /** Whether the group may commit: bet-maker holds every event at line-provider's state or a newer one. */
  public boolean commits() {
    return newer.isEmpty() && !regressed();
  }

  /**
   * What to do before the group is written again: apply the newer states (a result settles its
   * event at once) or, when there are none, look into what disagrees.
   */
  Future<?> catchUp(Vertx vertx, DeliveryOptions options) {
    return newer.isEmpty() ? lookInto(vertx, options) : SettlementBus.apply(vertx, new ApplyStates(newer, false, false), options);
  }

  /** Marks what disagrees in conflict, and asks line-provider again about the older. */
  Future<Void> lookInto(Vertx vertx, DeliveryOptions options) {
    Future<Void> marked = disagree.isEmpty() ? Future.succeededFuture()
      : ConflictsBus.mark(vertx, new MarkConflicts(disagree, List.of()), options);
    return marked.compose(done -> older.isEmpty() ? Future.succeededFuture()
      : ConflictsBus.confirm(vertx, new ConfirmConflicts(older), options));
  }
}
