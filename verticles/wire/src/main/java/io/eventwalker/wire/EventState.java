package io.eventwalker.wire;

import io.eventwalker.platform.Decimals;
import io.eventwalker.platform.Timestamps;
import io.eventwalker.platform.json.StrictJson;
import io.eventwalker.platform.validation.Errors;
import io.eventwalker.platform.validation.ValidationException;
import io.vertx.core.json.JsonObject;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.Map;

/**
 * An event as line-provider publishes it: {@code {event_id, ratio, deadline, status, version}}.
 * This is the body of every update message and of every event in a request's reply.
 */
public record EventState(String eventId, BigDecimal ratio, Instant deadline, EventStatus status, long version) {

  public JsonObject toJson() {
    return new JsonObject()
      .put("event_id", eventId)
      .put("ratio", ratio)
      .put("deadline", Timestamps.toSeconds(deadline))
      .put("status", status.name())
      .put("version", version);
  }

  /**
   * Reads an event state from a parsed message. Every field is required; fields this version
   * does not know are ignored, so a newer publisher can add some without breaking consumers.
   */
  public static EventState fromMap(Object raw) throws ValidationException {
    if (!(raw instanceof Map<?, ?> map)) {
      throw new ValidationException("", "an event must be a JSON object, got " + StrictJson.typeName(raw));
    }
    Errors errors = new Errors(null);
    String eventId = EventIds.parse(map.get("event_id"), "event_id", errors);
    BigDecimal ratio = Decimals.positiveAmount(map.get("ratio"), "ratio", Decimals.MAX_RATIO, errors);
    Instant deadline = Timestamps.deadline(map.get("deadline"), "deadline", errors);
    EventStatus status = EventStatus.parse(map.get("status"), "status", errors);
    Long version = Decimals.positiveInteger(map.get("version"), "version", errors);
    errors.throwIfAny();
    return new EventState(eventId, ratio, deadline, status, version);
  }
}
