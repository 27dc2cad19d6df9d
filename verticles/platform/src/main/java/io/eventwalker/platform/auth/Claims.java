package io.eventwalker.platform.auth;

import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * The types of the claims a token is read for (SPEC §5: a claim of the wrong type makes the token
 * malformed, a 401, never a 5xx). The library that checks signatures reads {@code exp},
 * {@code nbf} and {@code iat} as numbers and {@code aud} as an array, and fails with a
 * {@link ClassCastException} on anything else; it also reads a numeric {@code iss} as text. So the
 * types are checked here first: {@code exp} a number (required), {@code nbf} and {@code iat}
 * numbers, {@code iss} a string, {@code aud} a string or an array of strings, {@code sub} a
 * string, {@code roles} an array of strings. Checking an unverified payload only ever refuses; what
 * it lets through is then verified as before.
 */
final class Claims {

  private Claims() {
  }

  /** Why the payload of {@code token} is malformed, or null when it is not (or cannot be read here: the library says why). */
  static String malformed(String token) {
    JsonObject claims = payload(token);
    return claims == null ? null : wrongType(claims);
  }

  /** The first claim of the wrong type in {@code claims}, said as a 401's reason; null when all are right. */
  static String wrongType(JsonObject claims) {
    if (!claims.containsKey("exp")) {
      return "the token has no exp";
    }
    for (String time : new String[] {"exp", "nbf", "iat"}) {
      if (claims.containsKey(time) && !isFiniteNumber(claims.getValue(time))) {
        return "the token's " + time + " must be a number (seconds since the epoch)";
      }
    }
    for (String text : new String[] {"iss", "sub"}) {
      if (claims.containsKey(text) && !(claims.getValue(text) instanceof String)) {
        return "the token's " + text + " must be a string";
      }
    }
    Object audience = claims.getValue("aud");
    if (claims.containsKey("aud") && !(audience instanceof String) && !isArrayOfStrings(audience)) {
      return "the token's aud must be a string or an array of strings";
    }
    if (claims.containsKey("roles") && !isArrayOfStrings(claims.getValue("roles"))) {
      return "the token's roles must be an array of strings";
    }
    return null;
  }

  private static boolean isFiniteNumber(Object value) {
    return value instanceof Number number && Double.isFinite(number.doubleValue());
  }

  private static boolean isArrayOfStrings(Object value) {
    if (!(value instanceof JsonArray array)) {
      return false;
    }
    for (Object item : array) {
      if (!(item instanceof String)) {
        return false;
      }
    }
    return true;
  }

  /** The token's payload as JSON, or null when it is not a JWS whose payload is a JSON object. */
  private static JsonObject payload(String token) {
    String[] parts = token.split("\\.", -1);
    if (parts.length < 2) {
      return null;
    }
    try {
      Object json = io.vertx.core.json.Json.decodeValue(new String(Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8));
      return json instanceof JsonObject object ? object : null;
    } catch (IllegalArgumentException | DecodeException unreadable) {
      return null;
    }
  }
}
