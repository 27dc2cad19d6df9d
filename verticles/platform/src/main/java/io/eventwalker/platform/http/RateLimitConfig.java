package io.eventwalker.platform.http;

import io.eventwalker.platform.config.Settings;

import java.util.Set;

/**
 * A service's rate limit per client ({@code <prefix>_RATE_LIMIT_PER_S}, {@code _BURST},
 * {@code _EXEMPT}): sustained requests a second ({@code 0} turns the limit off), the burst, and
 * the client addresses not limited.
 */
public record RateLimitConfig(int perSecond, int burst, Set<String> exempt) {

  /** {@code prefix}: {@code LP} or {@code BM}. */
  public static RateLimitConfig read(Settings settings, String prefix) {
    return new RateLimitConfig(
      settings.integer(prefix + "_RATE_LIMIT_PER_S", 0, 1_000_000),
      settings.integer(prefix + "_RATE_LIMIT_BURST", 1, 1_000_000),
      settings.set(prefix + "_RATE_LIMIT_EXEMPT"));
  }
}
