package io.eventwalker.lineprovider;

import io.eventwalker.lineprovider.api.EventInputs;
import io.eventwalker.lineprovider.bus.EventChange;
import io.eventwalker.lineprovider.bus.NewEvent;
import io.eventwalker.platform.json.StrictJson;
import io.eventwalker.platform.validation.Batch;
import io.eventwalker.platform.validation.FieldError;
import io.eventwalker.platform.validation.ValidationException;
import io.eventwalker.wire.EventStatus;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class EventInputsTest {

  private static Object json(String text) throws StrictJson.MalformedJsonException {
    return StrictJson.parse(text.getBytes(StandardCharsets.UTF_8));
  }

  private static List<FieldError> createErrors(String body) throws Exception {
    try {
      EventInputs.parseCreate(json(body));
    } catch (ValidationException e) {
      return e.errors();
    }
    throw new AssertionError("accepted: " + body);
  }

  @Test
  void createsWithDefaults() throws Exception {
    Batch<NewEvent> batch = EventInputs.parseCreate(json("{\"ratio\": 1.5, \"deadline\": 1893456000}"));
    assertThat(batch.single()).isTrue();
    NewEvent event = batch.items().get(0);
    assertThat(event.eventId()).matches("[0-9a-f-]{36}");
    assertThat(event.ratio()).isEqualByComparingTo("1.50").hasScaleOf(2);
    assertThat(event.deadline()).isEqualTo(Instant.ofEpochSecond(1893456000));
    assertThat(event.status()).isEqualTo(EventStatus.NEW);
  }

  @Test
  void acceptsABatchAndKeepsItsOrder() throws Exception {
    Batch<NewEvent> batch = EventInputs.parseCreate(json(
      "[{\"event_id\":\"a\",\"ratio\":\"2.00\",\"deadline\":\"2030-01-01T00:00:00Z\"},{\"event_id\":\"b\",\"ratio\":3,\"deadline\":1893456000,\"status\":\"FINISHED_LOSE\"}]"));
    assertThat(batch.single()).isFalse();
    assertThat(batch.items()).extracting(NewEvent::eventId).containsExactly("a", "b");
    assertThat(batch.items().get(1).status()).isEqualTo(EventStatus.FINISHED_LOSE);
  }

  @Test
  void reportsEveryBadFieldWithItsIndex() throws Exception {
    List<FieldError> errors = createErrors("[{\"ratio\":1,\"deadline\":1893456000},{\"ratio\":0,\"deadline\":\"soon\",\"x\":1}]");
    assertThat(errors).extracting(FieldError::field).containsExactlyInAnyOrder("x", "ratio", "deadline");
    assertThat(errors).allSatisfy(e -> assertThat(e.index()).isEqualTo(1));
  }

  @Test
  void requiresRatioAndDeadline() throws Exception {
    assertThat(createErrors("{}")).extracting(FieldError::field).containsExactlyInAnyOrder("ratio", "deadline");
  }

  @Test
  void refusesDuplicateIdsInABatch() throws Exception {
    List<FieldError> errors = createErrors("[{\"event_id\":\"a\",\"ratio\":1,\"deadline\":1893456000},{\"event_id\":\"a\",\"ratio\":1,\"deadline\":1893456000}]");
    assertThat(errors).singleElement().satisfies(e -> {
      assertThat(e.field()).isEqualTo("event_id");
      assertThat(e.index()).isEqualTo(1);
    });
  }

  @Test
  void refusesBatchesOutsideOneToAThousand() {
    assertThatThrownBy(() -> EventInputs.parseCreate(json("[]"))).isInstanceOf(ValidationException.class);
    String item = "{\"ratio\":1,\"deadline\":1893456000}";
    String big = "[" + String.join(",", java.util.Collections.nCopies(1001, item)) + "]";
    assertThatThrownBy(() -> EventInputs.parseCreate(json(big))).isInstanceOf(ValidationException.class)
      .hasMessageContaining("1001");
  }

  @Test
  void updateNeedsAnIdAndSomethingToChange() throws Exception {
    assertThatThrownBy(() -> EventInputs.parseUpdate(json("{\"event_id\":\"a\"}")))
      .isInstanceOf(ValidationException.class).hasMessageContaining("at least one of");
    assertThatThrownBy(() -> EventInputs.parseUpdate(json("{\"ratio\":2}")))
      .isInstanceOf(ValidationException.class).hasMessageContaining("event_id");
    EventChange change = EventInputs.parseUpdate(json("{\"event_id\":\"a\",\"status\":\"FINISHED_WIN\",\"version\":3}")).items().get(0);
    assertThat(change.status()).isEqualTo(EventStatus.FINISHED_WIN);
    assertThat(change.ratio()).isNull();
    assertThat(change.expectedVersion()).isEqualTo(3L);
  }

  @Test
  void refusesUnknownStatus() {
    assertThatThrownBy(() -> EventInputs.parseUpdate(json("{\"event_id\":\"a\",\"status\":\"VOIDED\"}")))
      .isInstanceOf(ValidationException.class).hasMessageContaining("status");
  }
}
