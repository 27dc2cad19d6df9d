package io.eventwalker.platform.http;

import io.eventwalker.platform.validation.Errors;
import io.eventwalker.platform.validation.ValidationException;
import io.vertx.core.MultiMap;
import io.vertx.ext.web.RoutingContext;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/** Query parameters read strictly: each at most once, none outside the endpoint's own list. */
public final class QueryParams {

  private final Map<String, String> values;
  private final Errors errors = new Errors(null);

  private QueryParams(Map<String, String> values) {
    this.values = values;
  }

  public static QueryParams read(MultiMap params, Set<String> allowed) {
    Map<String, String> values = new HashMap<>();
    QueryParams query = new QueryParams(values);
    for (String name : params.names()) {
      if (!allowed.contains(name)) {
        query.errors.add(name, "unknown query parameter; allowed: " + String.join(", ", allowed.stream().sorted().toList()));
      } else if (params.getAll(name).size() > 1) {
        query.errors.add(name, "given more than once");
      } else {
        values.put(name, params.get(name));
      }
    }
    return query;
  }

  public Errors errors() {
    return errors;
  }

  public String get(String name) {
    return values.get(name);
  }

  /** An integer in [1, max], {@code fallback} when absent. */
  public int limit(String name, int fallback, int max) {
    String raw = values.get(name);
    if (raw == null) {
      return fallback;
    }
    if (raw.matches("[0-9]{1,7}")) {
      int value = Integer.parseInt(raw);
      if (value >= 1 && value <= max) {
        return value;
      }
    }
    errors.add(name, "must be an integer from 1 to " + max);
    return fallback;
  }

  /**
   * The position a cursor wraps, or null when absent; an error (and null) when it is not one of
   * ours or its position does not pass {@code isPosition}.
   */
  public String cursor(String name, java.util.function.Predicate<String> isPosition) {
    String raw = values.get(name);
    if (raw == null) {
      return null;
    }
    String decoded = decodeCursor(raw);
    if (decoded == null || !isPosition.test(decoded)) {
      errors.add(name, "is not a cursor returned by this service");
      return null;
    }
    return decoded;
  }

  /** True when every parameter was fine; otherwise fails the request with a 400 listing them and returns false. */
  public boolean acceptedBy(RoutingContext ctx) {
    if (errors.isEmpty()) {
      return true;
    }
    ctx.fail(400, new ValidationException(errors.list()));
    return false;
  }

  /** Cursors are opaque to clients: base64url of a position text, prefixed so foreign strings are refused. */
  public static String encodeCursor(String position) {
    return Base64.getUrlEncoder().withoutPadding().encodeToString(("c1:" + position).getBytes(StandardCharsets.UTF_8));
  }

  static String decodeCursor(String cursor) {
    if (cursor.isEmpty() || cursor.length() > 400) {
      return null;
    }
    try {
      String text = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8);
      return text.startsWith("c1:") && text.length() > 3 ? text.substring(3) : null;
    } catch (IllegalArgumentException e) {
      return null;
    }
  }
}
