package io.eventwalker.platform.auth;

import io.eventwalker.platform.config.Settings;

import java.nio.charset.StandardCharsets;

/**
 * How bearer tokens are checked (SPEC §5): HS256 with {@code AUTH_JWT_SECRET} (at least 32 bytes)
 * and/or the RS256/ES256 public keys of {@code AUTH_JWT_PUBLIC_KEYS} (a PEM or JWKS file);
 * {@code iss} and {@code aud} against {@code AUTH_JWT_ISSUER} and {@code AUTH_JWT_AUDIENCE} when
 * set; {@code exp} with {@code AUTH_JWT_LEEWAY_S} of clock skew. Nothing ships with a secret: a
 * service with neither a secret nor keys refuses to start, saying how to give it one.
 */
public record AuthConfig(String secret, String publicKeysFile, String issuer, String audience, int leewayS) {

  public static AuthConfig read(Settings settings) {
    String secret = settings.string("AUTH_JWT_SECRET");
    String keys = settings.string("AUTH_JWT_PUBLIC_KEYS");
    if (!secret.isEmpty() && secret.getBytes(StandardCharsets.UTF_8).length < 32) {
      throw settings.invalidSecret("AUTH_JWT_SECRET", "at least 32 bytes (e.g. openssl rand -hex 32)");
    }
    if (secret.isEmpty() && keys.isEmpty()) {
      throw new Settings.ConfigException(settings.service() + " configuration: set AUTH_JWT_SECRET (at least 32 bytes, e.g."
        + " export AUTH_JWT_SECRET=$(openssl rand -hex 32)) or AUTH_JWT_PUBLIC_KEYS (a PEM or JWKS file): nothing ships with"
        + " a secret, and tokens cannot be checked without one");
    }
    return new AuthConfig(secret, keys, settings.string("AUTH_JWT_ISSUER"), settings.string("AUTH_JWT_AUDIENCE"),
      settings.integer("AUTH_JWT_LEEWAY_S", 0, 300));
  }

  @Override
  public String toString() {
    return "AuthConfig[secret " + (secret.isEmpty() ? "none" : "set") + ", public keys " + (publicKeysFile.isEmpty() ? "none" : publicKeysFile)
      + ", issuer " + issuer + ", audience " + audience + "]";
  }
}
