package io.eventwalker.launcher;

import io.eventwalker.betmaker.BetMakerConfig;
import io.eventwalker.lineprovider.LineProviderConfig;
import io.eventwalker.wire.Topology;
import io.vertx.core.json.JsonObject;

/** The names the services use on PostgreSQL, Redis and RabbitMQ, from their configuration ({@code names}). */
final class Names {

  private Names() {
  }

  static JsonObject of(LineProviderConfig line, BetMakerConfig bets) {
    String subscriber = bets.line().subscriber();
    return new JsonObject()
      .put("line-provider", new JsonObject()
        .put("schema", line.database().schema())
        .put("redis_prefix", line.redisPrefix())
        .put("rate_limit_prefix", line.rateLimitPrefix())
        .put("requests_queue", line.requestsQueue())
        .put("rabbitmq_user", line.rabbit().user()))
      .put("bet-maker", new JsonObject()
        .put("schema", bets.database().schema())
        .put("subscriber", subscriber)
        .put("updates_queue", Topology.updatesQueue(subscriber))
        .put("dead_letter_queue", Topology.deadLetterQueue(subscriber))
        .put("requests_queue", bets.line().queue())
        .put("rabbitmq_user", bets.rabbit().user())
        .put("line_provider_rabbitmq_user", bets.line().lineProviderUser())
        .put("rate_limit_prefix", bets.rateLimitPrefix()))
      .put("updates_exchange", Topology.UPDATES_EXCHANGE)
      .put("dead_letter_exchange", Topology.DEAD_LETTER_EXCHANGE);
  }
}
