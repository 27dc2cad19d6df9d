package io.eventwalker.launcher;

import io.eventwalker.platform.auth.AuthConfig;
import io.eventwalker.platform.auth.Bearer;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.JWTOptions;
import io.vertx.ext.auth.PubSecKeyOptions;
import io.vertx.ext.auth.jwt.JWTAuth;
import io.vertx.ext.auth.jwt.JWTAuthOptions;

import java.util.List;

/** Signs tokens for local use ({@code token}) with the services' own HS256 secret. */
final class Tokens {

  private Tokens() {
  }

  static String sign(Vertx vertx, AuthConfig auth, String subject, boolean operator, long ttlSeconds) {
    if (auth.secret().isEmpty()) {
      throw new IllegalStateException("AUTH_JWT_SECRET is not set: tokens of AUTH_JWT_PUBLIC_KEYS are signed by their issuer, not here");
    }
    if (!Bearer.SUBJECT.matcher(subject).matches()) {
      throw new IllegalArgumentException("the player must be 1 to 64 characters of A-Z a-z 0-9 . _ @ : -");
    }
    JWTAuth jwt = JWTAuth.create(vertx, new JWTAuthOptions()
      .addPubSecKey(new PubSecKeyOptions().setAlgorithm("HS256").setBuffer(auth.secret())));
    JWTOptions options = new JWTOptions().setAlgorithm("HS256").setExpiresInSeconds((int) ttlSeconds).setSubject(subject);
    if (!auth.issuer().isEmpty()) {
      options.setIssuer(auth.issuer());
    }
    if (!auth.audience().isEmpty()) {
      options.setAudience(List.of(auth.audience()));
    }
    JsonObject claims = new JsonObject();
    if (operator) {
      claims.put("roles", new JsonArray().add("operator"));
    }
    return jwt.generateToken(claims, options);
  }
}
