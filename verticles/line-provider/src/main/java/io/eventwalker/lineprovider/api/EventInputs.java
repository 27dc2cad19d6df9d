package io.eventwalker.lineprovider.api;

import io.eventwalker.lineprovider.bus.EventChange;
import io.eventwalker.lineprovider.bus.NewEvent;
import io.eventwalker.platform.Decimals;
import io.eventwalker.platform.Timestamps;
import io.eventwalker.platform.validation.Batch;
import io.eventwalker.platform.validation.Errors;
import io.eventwalker.platform.validation.FieldError;
import io.eventwalker.platform.validation.ValidationException;
import io.eventwalker.wire.EventIds;
import io.eventwalker.wire.EventStatus;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.Function;

/** The rules of line-provider's write bodies (SPEC §1 and §2), without any I/O. */
public final class EventInputs {

  private static final Set<String> CREATE_FIELDS = Set.of("event_id", "ratio", "deadline", "status");
  private static final Set<String> UPDATE_FIELDS = Set.of("event_id", "ratio", "deadline", "status", "version");

  private EventInputs() {
  }

  /** {@code POST /event}: ratio and deadline required, event_id generated when absent, status NEW by default. */
  public static Batch<NewEvent> parseCreate(Object body) throws ValidationException {
    Batch<NewEvent> batch = Batch.parse(body, EventInputs::parseNew);
    rejectDuplicates(batch.items(), NewEvent::eventId);
    return batch;
  }

  /** {@code PUT /event}: event_id plus at least one of ratio, deadline, status. */
  public static Batch<EventChange> parseUpdate(Object body) throws ValidationException {
    Batch<EventChange> batch = Batch.parse(body, EventInputs::parseChange);
    rejectDuplicates(batch.items(), EventChange::eventId);
    return batch;
  }

  private static NewEvent parseNew(Map<String, Object> item, Errors errors) {
    Batch.rejectUnknownFields(item, CREATE_FIELDS, errors);
    String eventId = item.containsKey("event_id")
      ? EventIds.parse(item.get("event_id"), "event_id", errors)
      : UUID.randomUUID().toString();
    BigDecimal ratio = null;
    Instant deadline = null;
    if (item.containsKey("ratio")) {
      ratio = Decimals.positiveAmount(item.get("ratio"), "ratio", Decimals.MAX_RATIO, errors);
    } else {
      errors.add("ratio", "is required");
    }
    if (item.containsKey("deadline")) {
      deadline = Timestamps.deadline(item.get("deadline"), "deadline", errors);
    } else {
      errors.add("deadline", "is required");
    }
    EventStatus status = item.containsKey("status")
      ? EventStatus.parse(item.get("status"), "status", errors)
      : EventStatus.NEW;
    return errors.isEmpty() ? new NewEvent(eventId, ratio, deadline, status) : null;
  }

  private static EventChange parseChange(Map<String, Object> item, Errors errors) {
    Batch.rejectUnknownFields(item, UPDATE_FIELDS, errors);
    String eventId = null;
    if (item.containsKey("event_id")) {
      eventId = EventIds.parse(item.get("event_id"), "event_id", errors);
    } else {
      errors.add("event_id", "is required");
    }
    BigDecimal ratio = item.containsKey("ratio")
      ? Decimals.positiveAmount(item.get("ratio"), "ratio", Decimals.MAX_RATIO, errors) : null;
    Instant deadline = item.containsKey("deadline")
      ? Timestamps.deadline(item.get("deadline"), "deadline", errors) : null;
    EventStatus status = item.containsKey("status")
      ? EventStatus.parse(item.get("status"), "status", errors) : null;
    Long version = null;
    if (item.containsKey("version")) {
      version = Decimals.positiveInteger(item.get("version"), "version", errors);
    }
    if (!item.containsKey("ratio") && !item.containsKey("deadline") && !item.containsKey("status")) {
      errors.add("", "at least one of ratio, deadline, status is required");
    }
    return errors.isEmpty() ? new EventChange(eventId, ratio, deadline, status, version) : null;
  }

  private static <T> void rejectDuplicates(List<T> items, Function<T, String> id) throws ValidationException {
    Map<String, Integer> seen = new HashMap<>();
    List<FieldError> errors = new ArrayList<>();
    for (int i = 0; i < items.size(); i++) {
      Integer first = seen.putIfAbsent(id.apply(items.get(i)), i);
      if (first != null) {
        errors.add(new FieldError("event_id", i, "repeats the event_id of item " + first));
      }
    }
    if (!errors.isEmpty()) {
      throw new ValidationException(errors);
    }
  }
}
