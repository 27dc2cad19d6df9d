package io.eventwalker.betmaker;

import io.eventwalker.betmaker.events.HeldEvent;
import io.eventwalker.betmaker.events.Verdict;
import io.eventwalker.wire.EventState;
import io.eventwalker.wire.EventStatus;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;

/** What bet-maker does with a state line-provider reports, against what it holds (SPEC §3.3, §3.4). */
class VerdictTest {

  private static final Instant DEADLINE = Instant.parse("2030-01-01T00:00:00Z");

  private static EventState state(String ratio, EventStatus status, long version) {
    return new EventState("e", new BigDecimal(ratio), DEADLINE, status, version);
  }

  private static HeldEvent held(EventState state, boolean settled) {
    return new HeldEvent(state, null, settled);
  }

  @Test
  void anEventBetMakerDoesNotHoldIsApplied() {
    assertThat(Verdict.of(null, state("1.50", EventStatus.NEW, 3))).isEqualTo(Verdict.APPLY);
  }

  @Test
  void aNewerStateOfAnOpenEventIsApplied() {
    assertThat(Verdict.of(held(state("1.50", EventStatus.NEW, 1), false), state("2.00", EventStatus.NEW, 2))).isEqualTo(Verdict.APPLY);
    assertThat(Verdict.of(held(state("1.50", EventStatus.NEW, 1), false), state("1.50", EventStatus.FINISHED_WIN, 5)))
      .isEqualTo(Verdict.APPLY);
  }

  @Test
  void anOlderStateIsOlder() {
    assertThat(Verdict.of(held(state("1.50", EventStatus.NEW, 4), false), state("1.50", EventStatus.NEW, 3))).isEqualTo(Verdict.OLDER);
    assertThat(Verdict.of(held(state("1.50", EventStatus.FINISHED_WIN, 4), true), state("1.50", EventStatus.NEW, 3)))
      .as("a change before the result, late").isEqualTo(Verdict.OLDER);
  }

  @Test
  void aResultOlderThanTheVersionHeldIsAConflict() {
    // Nothing follows a result at line-provider: bet-maker holding version 3 means its copy is not line-provider's.
    assertThat(Verdict.of(held(state("3.00", EventStatus.FINISHED_WIN, 3), true), state("1.50", EventStatus.FINISHED_LOSE, 2)))
      .isEqualTo(Verdict.CONFLICT);
  }

  @Test
  void theSameStateChangesNothingButFinishesASettlementCutShort() {
    assertThat(Verdict.of(held(state("1.50", EventStatus.NEW, 2), false), state("1.5", EventStatus.NEW, 2)))
      .as("1.5 and 1.50 are one ratio").isEqualTo(Verdict.NOTHING);
    assertThat(Verdict.of(held(state("1.50", EventStatus.FINISHED_WIN, 2), true), state("1.50", EventStatus.FINISHED_WIN, 2)))
      .isEqualTo(Verdict.NOTHING);
    assertThat(Verdict.of(held(state("1.50", EventStatus.FINISHED_WIN, 2), false), state("1.50", EventStatus.FINISHED_WIN, 2)))
      .isEqualTo(Verdict.SETTLE_REST);
  }

  @Test
  void theSameVersionWithOtherContentIsAConflict() {
    HeldEvent mine = held(state("1.50", EventStatus.FINISHED_WIN, 2), true);
    assertThat(Verdict.of(mine, state("1.50", EventStatus.FINISHED_LOSE, 2))).isEqualTo(Verdict.CONFLICT);
    assertThat(Verdict.of(held(state("1.50", EventStatus.NEW, 1), false), state("9.99", EventStatus.NEW, 1))).isEqualTo(Verdict.CONFLICT);
    EventState otherDeadline = new EventState("e", new BigDecimal("1.50"), DEADLINE.plusSeconds(1), EventStatus.NEW, 1);
    assertThat(Verdict.of(held(state("1.50", EventStatus.NEW, 1), false), otherDeadline)).isEqualTo(Verdict.CONFLICT);
  }

  @Test
  void aChangeAfterAResultBetMakerHoldsIsAConflict() {
    assertThat(Verdict.of(held(state("1.50", EventStatus.FINISHED_WIN, 2), true), state("1.50", EventStatus.FINISHED_LOSE, 3)))
      .isEqualTo(Verdict.CONFLICT);
    assertThat(Verdict.of(held(state("1.50", EventStatus.CANCELLED, 2), true), state("1.80", EventStatus.NEW, 3)))
      .isEqualTo(Verdict.CONFLICT);
  }
}
