package io.eventwalker.platform.http;

import io.eventwalker.platform.validation.FieldError;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.List;

/**
 * An RFC 9457 problem detail: {@code {type, title, status, detail}} plus {@code errors} for
 * validation, and any extension {@code members}. The same record travels over the event bus (in a {@link ProblemException}, the
 * failure of a reply) so a repository's refusal reaches the client unchanged.
 */
public record Problem(int status, String type, String title, String detail, List<FieldError> errors, JsonObject members) {

  public static final String CONTENT_TYPE = "application/problem+json";
  private static final String TYPE_BASE = "urn:event-walker:problem:";
  /** A write whose outcome is unknown: it may or may not have been stored (see {@link #outcomeUnknown}). */
  public static final String OUTCOME_UNKNOWN = TYPE_BASE + "outcome-unknown";

  public Problem {
    errors = errors == null ? List.of() : List.copyOf(errors);
    members = members == null ? new JsonObject() : members.copy();
  }

  public Problem(int status, String type, String title, String detail, List<FieldError> errors) {
    this(status, type, title, detail, errors, null);
  }

  /** This problem with an extension member (RFC 9457 §3.2): the current ratio of a refused bet, say. */
  public Problem with(String name, Object value) {
    return new Problem(status, type, title, detail, errors, members.copy().put(name, value));
  }

  public static Problem of(int status, String detail) {
    return new Problem(status, TYPE_BASE + slug(status), title(status), detail, List.of());
  }

  public static Problem invalid(String detail, List<FieldError> errors) {
    return new Problem(400, TYPE_BASE + "invalid-input", "Invalid input", detail, errors);
  }

  /**
   * The one 5xx after which a write may have been stored: the database connection was lost, or
   * did not answer, while it committed. Only a retry with the same {@code Idempotency-Key} learns
   * the truth (the key stays claimed until the attempt is provably over).
   */
  public static Problem outcomeUnknown(String detail) {
    return new Problem(500, OUTCOME_UNKNOWN, "Outcome unknown", detail, List.of());
  }

  public boolean isOutcomeUnknown() {
    return OUTCOME_UNKNOWN.equals(type);
  }

  public ProblemException exception() {
    return new ProblemException(this);
  }

  public JsonObject toJson() {
    JsonObject json = new JsonObject()
      .put("type", type)
      .put("title", title)
      .put("status", status)
      .put("detail", detail);
    if (!errors.isEmpty()) {
      JsonArray list = new JsonArray();
      errors.forEach(error -> list.add(error.toJson()));
      json.put("errors", list);
    }
    members.forEach(member -> {
      if (!json.containsKey(member.getKey())) {
        json.put(member.getKey(), member.getValue());
      }
    });
    return json;
  }

  private static String slug(int status) {
    return switch (status) {
      case 400 -> "invalid-input";
      case 401 -> "unauthorized";
      case 403 -> "forbidden";
      case 404 -> "not-found";
      case 405 -> "method-not-allowed";
      case 408 -> "request-timeout";
      case 409 -> "conflict";
      case 413 -> "body-too-large";
      case 415 -> "unsupported-media-type";
      case 422 -> "unprocessable";
      case 429 -> "too-many-requests";
      case 503 -> "unavailable";
      default -> "http-" + status;
    };
  }

  public static String title(int status) {
    return switch (status) {
      case 400 -> "Invalid input";
      case 401 -> "Unauthorized";
      case 403 -> "Forbidden";
      case 404 -> "Not found";
      case 405 -> "Method not allowed";
      case 406 -> "Not acceptable";
      case 408 -> "Request timeout";
      case 409 -> "Conflict";
      case 413 -> "Request body too large";
      case 414 -> "URI too long";
      case 415 -> "Unsupported media type";
      case 422 -> "Unprocessable request";
      case 429 -> "Too many requests";
      case 431 -> "Request header fields too large";
      case 500 -> "Internal error";
      case 503 -> "Service unavailable";
      case 504 -> "Gateway timeout";
      default -> status >= 500 ? "Server error" : "Bad request";
    };
  }
}
