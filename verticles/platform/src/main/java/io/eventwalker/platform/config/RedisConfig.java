package io.eventwalker.platform.config;

/** Where Redis is ({@code REDIS_URL}) and how long a command may take ({@code REDIS_TIMEOUT_MS}). */
public record RedisConfig(String url, int timeoutMs) {

  public static RedisConfig read(Settings settings) {
    return new RedisConfig(settings.string("REDIS_URL"), settings.integer("REDIS_TIMEOUT_MS", 100, 60_000));
  }

  @Override
  public String toString() {
    return "RedisConfig[timeout " + timeoutMs + " ms]";
  }
}
