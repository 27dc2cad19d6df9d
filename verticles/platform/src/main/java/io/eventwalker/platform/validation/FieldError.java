package io.eventwalker.platform.validation;

import io.vertx.core.json.JsonObject;

/**
 * One reason an input was refused. {@code index} is the item's position in a batch, or
 * {@code null} when the body was a single object.
 */
public record FieldError(String field, Integer index, String message) {

  public JsonObject toJson() {
    JsonObject json = new JsonObject().put("field", field);
    if (index != null) {
      json.put("index", index);
    }
    return json.put("message", message);
  }
}
