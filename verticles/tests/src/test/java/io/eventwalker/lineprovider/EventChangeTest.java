package io.eventwalker.lineprovider;

import io.eventwalker.lineprovider.bus.EventChange;
import io.eventwalker.wire.EventState;
import io.eventwalker.wire.EventStatus;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.math.BigDecimal;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class EventChangeTest {

  private static final Instant DEADLINE = Instant.parse("2030-01-01T00:00:00Z");
  private static final EventState OPEN = new EventState("e1", new BigDecimal("1.50"), DEADLINE, EventStatus.NEW, 4);

  @Test
  void aChangeMakesTheNextVersion() throws Exception {
    EventState next = new EventChange("e1", new BigDecimal("2.00"), null, null, null).applyTo(OPEN);
    assertThat(next.version()).isEqualTo(5);
    assertThat(next.ratio()).isEqualByComparingTo("2.00");
    assertThat(next.deadline()).isEqualTo(DEADLINE);
    assertThat(next.status()).isEqualTo(EventStatus.NEW);
  }

  @Test
  void aChangeThatAltersNothingKeepsTheVersion() throws Exception {
    EventState same = new EventChange("e1", new BigDecimal("1.5"), DEADLINE, EventStatus.NEW, null).applyTo(OPEN);
    assertThat(same).isSameAs(OPEN);
  }

  @ParameterizedTest
  @EnumSource(value = EventStatus.class, names = {"FINISHED_WIN", "FINISHED_LOSE"})
  void newMovesToAFinishedStatus(EventStatus finished) throws Exception {
    EventState next = new EventChange("e1", null, null, finished, null).applyTo(OPEN);
    assertThat(next.status()).isEqualTo(finished);
    assertThat(next.version()).isEqualTo(5);
  }

  @ParameterizedTest
  @EnumSource(EventStatus.class)
  void aFinishedEventIsFinal(EventStatus target) {
    EventState finished = new EventState("e1", new BigDecimal("1.50"), DEADLINE, EventStatus.FINISHED_WIN, 5);
    assertThatThrownBy(() -> new EventChange("e1", null, null, target, null).applyTo(finished))
      .isInstanceOf(EventChange.RefusedException.class).hasMessageContaining("finished");
    assertThatThrownBy(() -> new EventChange("e1", new BigDecimal("3.00"), null, null, null).applyTo(finished))
      .isInstanceOf(EventChange.RefusedException.class);
  }

  @Test
  void aStaleExpectedVersionIsRefused() throws Exception {
    assertThatThrownBy(() -> new EventChange("e1", new BigDecimal("2.00"), null, null, 3L).applyTo(OPEN))
      .isInstanceOf(EventChange.RefusedException.class).hasMessageContaining("version 4");
    assertThat(new EventChange("e1", new BigDecimal("2.00"), null, null, 4L).applyTo(OPEN).version()).isEqualTo(5);
  }

  @Test
  void statusRulesAreNewToFinishedOnly() {
    assertThat(EventStatus.NEW.canMoveTo(EventStatus.NEW)).isTrue();
    assertThat(EventStatus.NEW.canMoveTo(EventStatus.FINISHED_WIN)).isTrue();
    assertThat(EventStatus.NEW.canMoveTo(EventStatus.FINISHED_LOSE)).isTrue();
    for (EventStatus from : new EventStatus[] {EventStatus.FINISHED_WIN, EventStatus.FINISHED_LOSE}) {
      for (EventStatus to : EventStatus.values()) {
        assertThat(from.canMoveTo(to)).isFalse();
      }
    }
  }
}
