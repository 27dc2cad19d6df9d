package io.eventwalker.wire;

import io.eventwalker.platform.validation.MessageBodies;
import io.eventwalker.platform.validation.Errors;
import io.eventwalker.platform.validation.ValidationException;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * line-provider's reply to a {@link LineRequest}:
 * {@code {"status":200,"events":[EventState...],"missing":[id...],"next_after":id?}} on success,
 * {@code {"status":4xx|5xx,"detail":"..."}} otherwise (an unknown event is a 404 reply, never silence).
 */
public record LineReply(int status, String detail, List<EventState> events, List<String> missing, String nextAfter) {

  public LineReply {
    events = events == null ? List.of() : List.copyOf(events);
    missing = missing == null ? List.of() : List.copyOf(missing);
  }

  public static LineReply ok(List<EventState> events, List<String> missing, String nextAfter) {
    return new LineReply(200, null, events, missing, nextAfter);
  }

  public static LineReply error(int status, String detail) {
    return new LineReply(status, detail, List.of(), List.of(), null);
  }

  public boolean isOk() {
    return status == 200;
  }

  public Buffer toBuffer() {
    JsonObject json = new JsonObject().put("status", status);
    if (isOk()) {
      JsonArray list = new JsonArray();
      events.forEach(event -> list.add(event.toJson()));
      json.put("events", list).put("missing", new JsonArray(new ArrayList<>(missing)));
      if (nextAfter != null) {
        json.put("next_after", nextAfter);
      }
    } else {
      json.put("detail", detail);
    }
    return json.toBuffer();
  }

  public static LineReply parse(Buffer body) throws ValidationException {
    Map<?, ?> map = MessageBodies.parseObject(body.getBytes());
    if (!(map.get("status") instanceof BigDecimal code)) {
      throw new ValidationException("status", "a reply must be a JSON object with a status");
    }
    int status = code.intValue();
    if (status != 200) {
      return error(status, String.valueOf(map.get("detail")));
    }
    List<EventState> events = new ArrayList<>();
    if (map.get("events") instanceof List<?> list) {
      for (Object item : list) {
        events.add(EventState.fromMap(item));
      }
    }
    List<String> missing = new ArrayList<>();
    Errors errors = new Errors(null);
    if (map.get("missing") instanceof List<?> list) {
      for (Object id : list) {
        missing.add(EventIds.parse(id, "missing", errors));
      }
    }
    errors.throwIfAny();
    Object next = map.get("next_after");
    return ok(events, missing, next instanceof String id ? id : null);
  }
}
