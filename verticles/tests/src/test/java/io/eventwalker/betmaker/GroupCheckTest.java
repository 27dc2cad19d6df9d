package io.eventwalker.betmaker;

import io.eventwalker.betmaker.events.HeldEvent;
import io.eventwalker.betmaker.placement.GroupCheck;
import io.eventwalker.wire.EventState;
import io.eventwalker.wire.EventStates;
import io.eventwalker.wire.EventStatus;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** A placement group's check of line-provider's current states against the rows it holds (regressions included). */
class GroupCheckTest {

  private static final Instant DEADLINE = Instant.parse("2030-01-01T00:00:00Z");

  private static EventState state(String id, String ratio, EventStatus status, long version) {
    return new EventState(id, new BigDecimal(ratio), DEADLINE, status, version);
  }

  private static HeldEvent held(EventState state) {
    return new HeldEvent(state, null, false);
  }

  private static HeldEvent inConflict(EventState state, long reported) {
    return new HeldEvent(state, reported, false);
  }

  private static GroupCheck check(Map<String, HeldEvent> held, List<EventState> found, List<String> missing) {
    return GroupCheck.of(held, new EventStates(found, missing));
  }

  @Test
  void aGroupCommitsWhenBetMakerHoldsLineProvidersStatesOrNewer() {
    GroupCheck check = check(Map.of("a", held(state("a", "1.50", EventStatus.NEW, 3)), "b", held(state("b", "2.00", EventStatus.NEW, 2))),
      List.of(state("a", "1.50", EventStatus.NEW, 3)), List.of());
    assertThat(check.commits()).isTrue();
    assertThat(check.regressed()).isFalse();
  }

  @Test
  void newerStatesAreAppliedFirst() {
    EventState newer = state("a", "1.80", EventStatus.NEW, 4);
    GroupCheck check = check(Map.of("a", held(state("a", "1.50", EventStatus.NEW, 3))), List.of(newer), List.of());
    assertThat(check.commits()).isFalse();
    assertThat(check.newer()).containsExactly(newer);
    assertThat(check.regressed()).isFalse();
  }

  @Test
  void anEventBetMakerDoesNotHoldIsNewer() {
    EventState unseen = state("a", "1.50", EventStatus.NEW, 1);
    GroupCheck check = check(Map.of(), List.of(unseen), List.of());
    assertThat(check.newer()).containsExactly(unseen);
  }

  @Test
  void theSameVersionWithOtherContentDisagrees() {
    EventState reported = state("a", "1.90", EventStatus.NEW, 3);
    GroupCheck check = check(Map.of("a", held(state("a", "1.50", EventStatus.NEW, 3))), List.of(reported), List.of());
    assertThat(check.commits()).isFalse();
    assertThat(check.regressed()).isTrue();
    assertThat(check.disagree()).containsExactly(reported);
    assertThat(check.older()).isEmpty();
  }

  @Test
  void anOlderStateOrAnEventLineProviderDoesNotKnowIsAskedAgain() {
    GroupCheck check = check(Map.of("a", held(state("a", "1.50", EventStatus.NEW, 5)), "b", held(state("b", "1.50", EventStatus.NEW, 1))),
      List.of(state("a", "1.50", EventStatus.NEW, 4)), List.of("b", "c"));
    assertThat(check.regressed()).isTrue();
    assertThat(check.older()).containsExactly("a", "b");
    assertThat(check.disagree()).isEmpty();
  }

  @Test
  void anEventAlreadyInConflictIsLeftToTheInsertWhichRefusesIt() {
    GroupCheck check = check(Map.of("a", inConflict(state("a", "1.50", EventStatus.NEW, 5), 4), "b", inConflict(state("b", "1.50", EventStatus.NEW, 3), 3)),
      List.of(state("a", "1.50", EventStatus.NEW, 4), state("b", "2.50", EventStatus.NEW, 3)), List.of("c"));
    assertThat(check.commits()).isTrue();
  }
}
