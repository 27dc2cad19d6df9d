package io.eventwalker.platform.validation;

import io.eventwalker.platform.json.StrictJson;

import java.util.Map;

/** Message bodies (from RabbitMQ) read strictly ({@link StrictJson}). */
public final class MessageBodies {

  private MessageBodies() {
  }

  /** {@code body} as a JSON object; anything else is a {@link ValidationException}. */
  public static Map<?, ?> parseObject(byte[] body) throws ValidationException {
    Object parsed;
    try {
      parsed = StrictJson.parse(body);
    } catch (StrictJson.MalformedJsonException e) {
      throw new ValidationException("", e.getMessage());
    }
    if (parsed instanceof Map<?, ?> map) {
      return map;
    }
    throw new ValidationException("", "a message must be a JSON object, got " + StrictJson.typeName(parsed));
  }
}
