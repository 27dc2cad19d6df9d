package io.eventwalker.platform.http;

import io.eventwalker.platform.config.Settings;

/**
 * A service's HTTP server ({@code <prefix>_HTTP_*}, {@code <prefix>_MAX_*}) and the waits of its
 * requests: {@code HTTP_BODY_TIMEOUT_MS} for a body to arrive whole after its headers,
 * {@code REQUEST_TIMEOUT_MS} for an answer from another verticle, {@code READY_TIMEOUT_MS} for
 * each check of {@code /ready}.
 */
public record HttpConfig(String host, int port, int instances, int idleTimeoutS, long maxBodyBytes, int maxConcurrentRequests,
                         int maxConcurrentPerClient, int bodyTimeoutMs, int requestTimeoutMs, int readyTimeoutMs) {

  /** {@code prefix}: {@code LP} or {@code BM}. */
  public static HttpConfig read(Settings settings, String prefix) {
    return new HttpConfig(
      settings.string(prefix + "_HTTP_HOST"),
      settings.integer(prefix + "_HTTP_PORT", 0, 65535),
      settings.integer(prefix + "_HTTP_INSTANCES", 1, 64),
      settings.integer("HTTP_IDLE_TIMEOUT_S", 1, 3600),
      settings.longValue(prefix + "_MAX_BODY_BYTES", 1024, 64L << 20),
      settings.integer(prefix + "_MAX_CONCURRENT_REQUESTS", 1, 100_000),
      settings.integer(prefix + "_MAX_CONCURRENT_PER_CLIENT", 1, 100_000),
      settings.integer("HTTP_BODY_TIMEOUT_MS", 100, 600_000),
      settings.integer("REQUEST_TIMEOUT_MS", 100, 60_000),
      settings.integer("READY_TIMEOUT_MS", 100, 60_000));
  }
}
