package io.eventwalker.launcher;

import io.eventwalker.betmaker.config.BetMakerConfig;
import io.eventwalker.lineprovider.config.LineProviderConfig;
import io.eventwalker.lineprovider.subscriptions.SubscriptionStoreVerticle;
import io.eventwalker.wire.Topology;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.net.URI;
import java.net.URISyntaxException;

/**
 * The names the services use on PostgreSQL, Redis and RabbitMQ, and where those and the services
 * themselves are, from their configuration ({@code names}): what scripts driving the system
 * ({@code bin/dev}, the fault matrix, the benchmark) would otherwise spell a second time. No
 * password is among them.
 */
final class Names {

  private static final int REDIS_DEFAULT_PORT = 6379;

  private Names() {
  }

  static JsonObject of(LineProviderConfig line, BetMakerConfig bets) {
    String subscriber = bets.line().subscriber();
    return new JsonObject()
      .put("line-provider", new JsonObject()
        .put("schema", line.database().schema())
        .put("redis_prefix", line.redisPrefix())
        .put("rate_limit_prefix", line.rateLimitPrefix())
        // Every key line-provider writes: these two, and those starting with one of the others.
        .put("redis_keys", new JsonObject()
          .put("exact", new JsonArray().add(SubscriptionStoreVerticle.allKey(line.redisPrefix()))
            .add(SubscriptionStoreVerticle.completeKey(line.redisPrefix())))
          .put("starting_with", new JsonArray().add(SubscriptionStoreVerticle.eventKeyPrefix(line.redisPrefix()))
            .add(line.rateLimitPrefix())))
        .put("requests_queue", line.requestsQueue())
        .put("rabbitmq_user", line.rabbit().user())
        .put("http_host", line.http().host())
        .put("http_port", line.http().port()))
      .put("bet-maker", new JsonObject()
        .put("schema", bets.database().schema())
        .put("subscriber", subscriber)
        .put("updates_queue", Topology.updatesQueue(subscriber))
        .put("dead_letter_queue", Topology.deadLetterQueue(subscriber))
        .put("requests_queue", bets.line().queue())
        .put("rabbitmq_user", bets.rabbit().user())
        .put("line_provider_rabbitmq_user", bets.line().lineProviderUser())
        .put("rate_limit_prefix", bets.rateLimitPrefix())
        .put("redis_keys", new JsonObject().put("exact", new JsonArray()).put("starting_with", new JsonArray().add(bets.rateLimitPrefix())))
        .put("http_host", bets.http().host())
        .put("http_port", bets.http().port())
        .put("tcp_bridge_port", bets.bridge().tcpPort()))
      .put("updates_exchange", Topology.UPDATES_EXCHANGE)
      .put("dead_letter_exchange", Topology.DEAD_LETTER_EXCHANGE)
      // Both services read the same PG_*, REDIS_URL and RABBITMQ_* keys.
      .put("postgres", new JsonObject()
        .put("host", line.database().host())
        .put("port", line.database().port())
        .put("database", line.database().database())
        .put("user", line.database().user()))
      .put("redis", redis(line.redis().url()))
      .put("rabbitmq", new JsonObject()
        .put("host", line.rabbit().host())
        .put("port", line.rabbit().port())
        .put("vhost", line.rabbit().vhost()));
  }

  /** Redis's host and port from {@code REDIS_URL} (whose user and password, if any, stay out). */
  static JsonObject redis(String url) {
    URI uri;
    try {
      uri = new URI(url);
    } catch (URISyntaxException e) {
      // The parser's message quotes the whole value, password included.
      throw new IllegalArgumentException("REDIS_URL is not a valid URL (its value is not shown: it may hold a password)");
    }
    String host = uri.getHost() == null ? "127.0.0.1" : uri.getHost().replaceAll("^\\[(.*)]$", "$1");
    return new JsonObject()
      .put("host", host)
      .put("port", uri.getPort() == -1 ? REDIS_DEFAULT_PORT : uri.getPort());
  }
}
