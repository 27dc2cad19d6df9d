package io.eventwalker.testing;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Instant;
import java.util.Base64;

/**
 * Tokens for tests, signed here with HMAC-SHA256 by hand (not by the library the services check
 * them with), including the hostile ones: {@code alg: none}, a tampered payload, expired, no
 * {@code exp}, another issuer or audience.
 */
public final class Jwts {

  private static final Base64.Encoder URL = Base64.getUrlEncoder().withoutPadding();

  private Jwts() {
  }

  /** A player's token: {@code sub}, valid for an hour. */
  public static String player(String secret, String subject) {
    return sign(secret, claims(subject, 3600));
  }

  /** An operator's token: {@code roles: ["operator"]}. */
  public static String operator(String secret, String subject) {
    return sign(secret, claims(subject, 3600).put("roles", new JsonArray().add("operator")));
  }

  /** {@code sub} and {@code exp} {@code ttlSeconds} from now (negative: already expired). */
  public static JsonObject claims(String subject, long ttlSeconds) {
    long now = Instant.now().getEpochSecond();
    return new JsonObject().put("sub", subject).put("iat", now).put("exp", now + ttlSeconds);
  }

  public static String sign(String secret, JsonObject claims) {
    String signed = encode(new JsonObject().put("alg", "HS256").put("typ", "JWT")) + "." + encode(claims);
    return signed + "." + URL.encodeToString(hmac(secret, signed));
  }

  /** An unsigned token ({@code alg: none}, empty signature). */
  public static String unsigned(JsonObject claims) {
    return encode(new JsonObject().put("alg", "none").put("typ", "JWT")) + "." + encode(claims) + ".";
  }

  /** {@code token} with its payload replaced by {@code claims}, the signature kept. */
  public static String tampered(String token, JsonObject claims) {
    String[] parts = token.split("\\.");
    return parts[0] + "." + encode(claims) + "." + parts[2];
  }

  private static String encode(JsonObject json) {
    return URL.encodeToString(json.encode().getBytes(StandardCharsets.UTF_8));
  }

  private static byte[] hmac(String secret, String data) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
      return mac.doFinal(data.getBytes(StandardCharsets.UTF_8));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }
}
