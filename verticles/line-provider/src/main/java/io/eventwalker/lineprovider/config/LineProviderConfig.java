package io.eventwalker.lineprovider.config;

import io.eventwalker.platform.auth.AuthConfig;
import io.eventwalker.platform.config.RedisConfig;
import io.eventwalker.platform.config.Settings;
import io.eventwalker.platform.db.DatabaseConfig;
import io.eventwalker.platform.dependencies.DependencyConfig;
import io.eventwalker.platform.http.HttpConfig;
import io.eventwalker.platform.http.RateLimitConfig;
import io.eventwalker.platform.messaging.RabbitConfig;
import io.vertx.core.json.JsonObject;

import java.nio.charset.StandardCharsets;

/**
 * line-provider's configuration, read once at start-up from {@code conf/line-provider.json} with
 * the environment on top, and handed to each verticle. Every key is required: a missing or
 * malformed one stops start-up, naming it (docs/configuration.md lists them all).
 */
public record LineProviderConfig(HttpConfig http, String apiKey, RateLimitConfig writeRateLimit, AuthConfig auth, DatabaseConfig database,
                                 RabbitConfig rabbit, RedisConfig redis, int redisPoolSize, String redisPrefix, long subscriptionTtlS,
                                 String requestsQueue, int requestsPrefetch, Subscribers subscribers, Outbox outbox,
                                 DependencyConfig dependencies) {

  /** The operator key is a secret: at least this many bytes (SPEC §5). */
  static final int MIN_API_KEY_BYTES = 32;

  /** The outbox relay: how often it looks, how many rows at a time, the wait for the broker's confirms, and how long published rows are kept. */
  public record Outbox(int pollMs, int batch, int confirmTimeoutMs, long retentionS) {
  }

  public static LineProviderConfig read(JsonObject json) {
    Settings settings = new Settings("line-provider", json);
    String apiKey = settings.string("LP_API_KEY");
    if (!apiKey.isEmpty() && apiKey.getBytes(StandardCharsets.UTF_8).length < MIN_API_KEY_BYTES) {
      throw settings.invalidSecret("LP_API_KEY", "empty (no operator key) or at least " + MIN_API_KEY_BYTES
        + " bytes (e.g. openssl rand -hex 32)");
    }
    DependencyConfig dependencies = DependencyConfig.read(settings);
    return new LineProviderConfig(
      HttpConfig.read(settings, "LP"),
      apiKey,
      RateLimitConfig.read(settings, "LP"),
      AuthConfig.read(settings),
      DatabaseConfig.read(settings, "LP_PG_SCHEMA"),
      RabbitConfig.read(settings, "LP_RABBITMQ_USER", "LP_RABBITMQ_PASSWORD", dependencies),
      RedisConfig.read(settings),
      settings.integer("REDIS_POOL_SIZE", 1, 64),
      settings.redisPrefix("LP_REDIS_PREFIX"),
      settings.longValue("LP_SUBSCRIPTION_TTL_S", 60, 365L * 24 * 3600),
      settings.string("LINE_PROVIDER_QUEUE"),
      settings.integer("LP_REQUESTS_PREFETCH", 1, 10_000),
      Subscribers.read(settings),
      new Outbox(
        settings.integer("LP_OUTBOX_POLL_MS", 10, 600_000),
        settings.integer("LP_OUTBOX_BATCH", 1, 10_000),
        settings.integer("LP_PUBLISH_CONFIRM_TIMEOUT_MS", 100, 60_000),
        settings.longValue("LP_OUTBOX_RETENTION_S", 60, 365L * 24 * 3600)),
      dependencies);
  }

  /** The Redis keys of the write rate limit shared by several line-providers: {@code <LP_REDIS_PREFIX>rate:<client>}. */
  public String rateLimitPrefix() {
    return redisPrefix + "rate:";
  }

  @Override
  public String toString() {
    return "LineProviderConfig[http " + http + ", " + database + ", " + rabbit + "]";
  }
}
