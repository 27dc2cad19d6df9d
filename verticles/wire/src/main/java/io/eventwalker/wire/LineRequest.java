package io.eventwalker.wire;

import io.eventwalker.platform.Decimals;
import io.eventwalker.platform.validation.MessageBodies;
import io.eventwalker.platform.validation.Errors;
import io.eventwalker.platform.validation.ValidationException;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A request from bet-maker to line-provider over RabbitMQ (queue {@code line-provider.requests},
 * with {@code reply_to} and {@code correlation_id}):
 * <ul>
 *   <li>{@code {"type":"get_events","limit":n,"after":id?}}: the events open for bets now, by id;</li>
 *   <li>{@code {"type":"get_event","event_id":id}}: one event;</li>
 *   <li>{@code {"type":"subscribe","subscriber":name,"event_ids":[id,...]}}: subscribe to events
 *       and get their current state;</li>
 *   <li>{@code {"type":"subscribe_all","subscriber":name}}: subscribe to every event, present and future;</li>
 *   <li>{@code {"type":"get_states","event_ids":[id,...]}}: the current state of events already subscribed to.</li>
 * </ul>
 * The reply is a {@link LineReply}.
 */
public record LineRequest(String type, String eventId, List<String> eventIds, String subscriber, String after, int limit) {

  public static final String GET_EVENTS = "get_events";
  public static final String GET_EVENT = "get_event";
  public static final String SUBSCRIBE = "subscribe";
  public static final String SUBSCRIBE_ALL = "subscribe_all";
  public static final String GET_STATES = "get_states";
  public static final int MAX_IDS = 1000;

  public LineRequest {
    eventIds = eventIds == null ? List.of() : List.copyOf(eventIds);
  }

  public static LineRequest getEvents(String after, int limit) {
    return new LineRequest(GET_EVENTS, null, List.of(), null, after, limit);
  }

  public static LineRequest getEvent(String eventId) {
    return new LineRequest(GET_EVENT, eventId, List.of(), null, null, 0);
  }

  public static LineRequest subscribe(String subscriber, List<String> eventIds) {
    return new LineRequest(SUBSCRIBE, null, eventIds, subscriber, null, 0);
  }

  public static LineRequest getStates(List<String> eventIds) {
    return new LineRequest(GET_STATES, null, eventIds, null, null, 0);
  }

  public static LineRequest subscribeAll(String subscriber) {
    return new LineRequest(SUBSCRIBE_ALL, null, List.of(), subscriber, null, 0);
  }

  public Buffer toBuffer() {
    JsonObject json = new JsonObject().put("type", type);
    switch (type) {
      case GET_EVENTS -> json.put("limit", limit).put("after", after);
      case GET_EVENT -> json.put("event_id", eventId);
      case SUBSCRIBE_ALL -> json.put("subscriber", subscriber);
      case GET_STATES -> json.put("event_ids", new JsonArray(new ArrayList<>(eventIds)));
      default -> json.put("subscriber", subscriber).put("event_ids", new JsonArray(new ArrayList<>(eventIds)));
    }
    return json.toBuffer();
  }

  public static LineRequest parse(Buffer body) throws ValidationException {
    Map<?, ?> map = MessageBodies.parseObject(body.getBytes());
    Errors errors = new Errors(null);
    Object type = map.get("type");
    LineRequest request = null;
    if (GET_EVENTS.equals(type)) {
      Long limit = Decimals.positiveInteger(map.get("limit"), "limit", errors);
      String after = map.get("after") == null ? null : EventIds.parse(map.get("after"), "after", errors);
      if (limit != null && limit > MAX_IDS) {
        errors.add("limit", "must be at most " + MAX_IDS);
      }
      request = errors.isEmpty() ? getEvents(after, limit.intValue()) : null;
    } else if (GET_EVENT.equals(type)) {
      String eventId = EventIds.parse(map.get("event_id"), "event_id", errors);
      request = errors.isEmpty() ? getEvent(eventId) : null;
    } else if (SUBSCRIBE_ALL.equals(type)) {
      String subscriber = subscriber(map, errors);
      request = errors.isEmpty() ? subscribeAll(subscriber) : null;
    } else if (SUBSCRIBE.equals(type)) {
      String subscriber = subscriber(map, errors);
      List<String> ids = eventIds(map, errors);
      request = errors.isEmpty() ? subscribe(subscriber, ids) : null;
    } else if (GET_STATES.equals(type)) {
      List<String> ids = eventIds(map, errors);
      request = errors.isEmpty() ? getStates(ids) : null;
    } else {
      errors.add("type", "must be one of " + String.join(", ", GET_EVENTS, GET_EVENT, GET_STATES, SUBSCRIBE, SUBSCRIBE_ALL));
    }
    errors.throwIfAny();
    return request;
  }

  private static List<String> eventIds(Map<?, ?> map, Errors errors) {
    List<String> ids = new ArrayList<>();
    if (map.get("event_ids") instanceof List<?> list && !list.isEmpty() && list.size() <= MAX_IDS) {
      for (Object id : list) {
        ids.add(EventIds.parse(id, "event_ids", errors));
      }
    } else {
      errors.add("event_ids", "must be an array of 1 to " + MAX_IDS + " event ids");
    }
    return ids;
  }

  private static String subscriber(Map<?, ?> map, Errors errors) {
    if (map.get("subscriber") instanceof String name && Topology.isValidSubscriber(name)) {
      return name;
    }
    errors.add("subscriber", "must be a subscriber name ([a-z0-9-], at most 63 characters)");
    return null;
  }
}
