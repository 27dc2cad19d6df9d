package io.eventwalker.lineprovider;

import io.eventwalker.platform.http.Problem;
import io.eventwalker.platform.http.Problems;
import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * An operator credential for a service's writes: the request must carry the configured key, as
 * {@code X-Api-Key: <key>} or {@code Authorization: Bearer <key>}, else 401. The comparison takes
 * the same time whatever the key sent (digests compared with {@link MessageDigest#isEqual}). With
 * no key configured the writes are open.
 */
public final class ApiKey {

  private ApiKey() {
  }

  public static Handler<RoutingContext> required(String configuredKey) {
    if (configuredKey == null || configuredKey.isEmpty()) {
      return RoutingContext::next;
    }
    byte[] expected = digest(configuredKey);
    return ctx -> {
      String sent = ctx.request().getHeader("X-Api-Key");
      String authorization = ctx.request().getHeader("Authorization");
      if (sent == null && authorization != null && authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
        sent = authorization.substring(7).trim();
      }
      if (sent != null && MessageDigest.isEqual(expected, digest(sent))) {
        ctx.next();
        return;
      }
      ctx.response().putHeader("WWW-Authenticate", "Bearer realm=\"event-walker\"");
      Problems.write(ctx, Problem.of(401, sent == null
        ? "this operation needs the operator key (header X-Api-Key or Authorization: Bearer)"
        : "the operator key is not valid"));
    };
  }

  private static byte[] digest(String key) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every Java runtime", e);
    }
  }
}
