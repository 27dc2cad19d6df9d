package io.eventwalker.platform.dependencies;

import io.eventwalker.platform.config.Settings;

/**
 * How a service lives with a dependency that does not answer ({@code DEPENDENCY_*}): the failures
 * of one dependency are logged at most once per {@code logIntervalMs}, with their count, and every
 * retry loop waits at most {@code retryMaxMs} between two attempts.
 */
public record DependencyConfig(long logIntervalMs, long retryMaxMs) {

  public static DependencyConfig read(Settings settings) {
    return new DependencyConfig(
      settings.longValue("DEPENDENCY_LOG_INTERVAL_MS", 100, 3_600_000),
      settings.longValue("DEPENDENCY_RETRY_MAX_MS", 50, 600_000));
  }
}
