package io.eventwalker.lineprovider.api;

import io.eventwalker.platform.auth.Bearer;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * line-provider's operator API key ({@code LP_API_KEY}), one of the two credentials of its writes
 * (the other is a token with the role {@code operator}). The comparison takes the same time
 * whatever the key sent (digests compared with {@link MessageDigest#isEqual}). With no key
 * configured no key matches: the writes then need an operator token.
 */
final class ApiKey implements Bearer.ApiKeyCheck {

  private final byte[] expected;

  private ApiKey(String configured) {
    this.expected = configured == null || configured.isEmpty() ? null : digest(configured);
  }

  static ApiKey of(String configured) {
    return new ApiKey(configured);
  }

  @Override
  public boolean matches(String sent) {
    return expected != null && sent != null && MessageDigest.isEqual(expected, digest(sent));
  }

  private static byte[] digest(String key) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every Java runtime", e);
    }
  }
}
