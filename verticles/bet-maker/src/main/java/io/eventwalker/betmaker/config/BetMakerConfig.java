package io.eventwalker.betmaker.config;

import io.eventwalker.betmaker.bets.BetRequest;
import io.eventwalker.platform.auth.AuthConfig;
import io.eventwalker.platform.config.RedisConfig;
import io.eventwalker.platform.config.Settings;
import io.eventwalker.platform.db.DatabaseConfig;
import io.eventwalker.platform.dependencies.DependencyConfig;
import io.eventwalker.platform.http.HttpConfig;
import io.eventwalker.platform.http.RateLimitConfig;
import io.eventwalker.platform.messaging.RabbitConfig;
import io.eventwalker.wire.Topology;
import io.vertx.core.json.JsonObject;

import java.math.BigDecimal;
import java.util.Set;

/**
 * bet-maker's configuration, read once at start-up from {@code conf/bet-maker.json} with the
 * environment on top, and handed to each verticle. Every key is required: a missing or malformed
 * one stops start-up, naming it (docs/configuration.md lists them all).
 */
public record BetMakerConfig(HttpConfig http, AuthConfig auth, DatabaseConfig database, RabbitConfig rabbit, RedisConfig redis,
                             Placement placement, Settlement settlement, Line line, Updates updates, Bridge bridge,
                             RateLimitConfig rateLimit, long idempotencyRetentionS,
                             DependencyConfig dependencies) {

  /** Taking bets: the stake limit, the deadline of a placement and of its commit, and the group commit's bounds. */
  public record Placement(BigDecimal maxSumBet, int placeTimeoutMs, int commitTimeoutMs, int queueMax, int groupsInFlight,
                          int groupMax) {
  }

  /** Settling: bets per chunk, the wait for an update to be applied, and how often catch-up runs. */
  public record Settlement(int chunk, int timeoutMs, long catchUpIntervalMs) {
  }

  /**
   * Talking to line-provider: its request queue, the name bet-maker subscribes under, the RabbitMQ
   * user line-provider publishes as, and how long and how many batched requests may be out.
   */
  public record Line(String queue, String subscriber, String lineProviderUser, int timeoutMs, int batchesInFlight) {
  }

  /** Consuming updates: unacknowledged deliveries at a time, and the attempts before a poison message is dead-lettered. */
  public record Updates(int prefetch, int poisonAttempts) {
  }

  /**
   * The bridges: the limits both apply to every socket, the other origins allowed to open the SockJS
   * bridge, and the TCP bridge's port ({@code tcpPort} null: no TCP bridge).
   */
  public record Bridge(BridgeLimits limits, Set<String> allowedOrigins, Integer tcpPort) {
  }

  /**
   * What one bridge socket may cost, the same on the SockJS and the TCP bridge (SPEC §3.5): the
   * largest frame (checked before it is buffered), the sockets one client address may hold on both
   * bridges together, the addresses one socket may listen on, and the longest time without a ping.
   */
  public record BridgeLimits(int maxFrameBytes, int maxSocketsPerClient, int maxHandlers, long pingTimeoutMs) {
  }

  /** The Redis keys of the rate limit shared by several bet-makers: {@code event-walker:<BM_SUBSCRIBER>:rate:<client>}. */
  public String rateLimitPrefix() {
    return "event-walker:" + line.subscriber() + ":rate:";
  }

  public static BetMakerConfig read(JsonObject json) {
    Settings settings = new Settings("bet-maker", json);
    String subscriber = settings.string("BM_SUBSCRIBER");
    if (!Topology.isValidSubscriber(subscriber)) {
      throw settings.invalid("BM_SUBSCRIBER", "[a-z0-9][a-z0-9-]{0,62}");
    }
    DependencyConfig dependencies = DependencyConfig.read(settings);
    return new BetMakerConfig(
      HttpConfig.read(settings, "BM"),
      AuthConfig.read(settings),
      DatabaseConfig.read(settings, "BM_PG_SCHEMA"),
      RabbitConfig.read(settings, "BM_RABBITMQ_USER", "BM_RABBITMQ_PASSWORD", dependencies),
      RedisConfig.read(settings),
      new Placement(
        BetRequest.maxSumBet(settings),
        settings.integer("BM_PLACE_TIMEOUT_MS", 100, 600_000),
        settings.integer("BM_COMMIT_TIMEOUT_MS", 100, 600_000),
        settings.integer("BM_PLACE_QUEUE_MAX", 1, 10_000_000),
        settings.integer("BM_BET_GROUPS_IN_FLIGHT", 1, 64),
        settings.integer("BM_BET_GROUP_MAX", 1, 100_000)),
      new Settlement(
        settings.integer("BM_SETTLE_CHUNK", 100, 1_000_000),
        settings.integer("BM_SETTLE_TIMEOUT_MS", 1_000, 600_000),
        settings.longValue("BM_CATCH_UP_INTERVAL_MS", 100, 24L * 3600 * 1000)),
      new Line(
        settings.string("LINE_PROVIDER_QUEUE"),
        subscriber,
        settings.string("BM_LINE_PROVIDER_RABBITMQ_USER"),
        settings.integer("BM_LINE_TIMEOUT_MS", 50, 60_000),
        settings.integer("BM_LINE_BATCHES_IN_FLIGHT", 1, 64)),
      new Updates(
        settings.integer("BM_UPDATES_PREFETCH", 1, 10_000),
        settings.integer("BM_POISON_ATTEMPTS", 1, 1_000)),
      new Bridge(
        new BridgeLimits(
          settings.integer("BM_BRIDGE_MAX_FRAME_BYTES", 1_024, 1_048_576),
          settings.integer("BM_BRIDGE_MAX_SOCKETS_PER_CLIENT", 1, 1_000_000),
          settings.integer("BM_BRIDGE_MAX_HANDLERS", 1, 100_000),
          settings.longValue("BM_BRIDGE_PING_TIMEOUT_MS", 1_000, 600_000)),
        settings.set("BM_BRIDGE_ALLOWED_ORIGINS"),
        settings.optionalInteger("BM_TCP_BRIDGE_PORT", 0, 65535)),
      RateLimitConfig.read(settings, "BM"),
      settings.longValue("BM_IDEMPOTENCY_RETENTION_S", 24 * 3600, 365L * 24 * 3600),
      dependencies);
  }
}
