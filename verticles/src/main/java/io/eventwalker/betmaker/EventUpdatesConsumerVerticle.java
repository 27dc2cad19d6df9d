package io.eventwalker.betmaker;

import com.rabbitmq.client.Channel;
import io.eventwalker.betmaker.BetMessages.ApplyStates;
import io.eventwalker.shared.config.Settings;
import io.eventwalker.shared.json.StrictJson;
import io.eventwalker.shared.messaging.RabbitConnector;
import io.eventwalker.shared.messaging.RabbitConnector.Delivery;
import io.eventwalker.shared.messaging.Topology;
import io.eventwalker.shared.validation.ValidationException;
import io.eventwalker.shared.wire.EventState;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.ReplyException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Consumes line-provider's updates from {@code <BM_SUBSCRIBER>.event-updates} and applies them.
 * A message is acknowledged only after the database commit. One that cannot be read is rejected
 * to the dead-letter queue; one that cannot be applied now (the database is down) is retried
 * with a growing delay while it stays unacknowledged, never requeued in a loop.
 */
public final class EventUpdatesConsumerVerticle extends VerticleBase {

  private static final Logger LOG = LoggerFactory.getLogger(EventUpdatesConsumerVerticle.class);
  private static final long MAX_RETRY_DELAY_MS = 30_000;

  private RabbitConnector connector;
  private String subscriber;
  private int prefetch;
  private DeliveryOptions busOptions;

  @Override
  public Future<?> start() {
    Settings settings = new Settings("bet-maker", config());
    subscriber = settings.string("BM_SUBSCRIBER");
    prefetch = settings.integer("BM_UPDATES_PREFETCH", 1, 10_000, 64);
    busOptions = new DeliveryOptions().setSendTimeout(settings.integer("BM_SETTLE_TIMEOUT_MS", 1_000, 600_000, 120_000));
    connector = new RabbitConnector(vertx, settings, "bet-maker-updates-" + subscriber, this::declareAndConsume);
    vertx.eventBus().<String>consumer(Addresses.READY_RABBITMQ_UPDATES, connector::answerReadiness);
    return connector.start();
  }

  @Override
  public Future<?> stop() {
    return connector.stop();
  }

  private void declareAndConsume(RabbitConnector c, Channel ch) throws Exception {
    Topology.declareUpdates(ch, subscriber);
    ch.basicQos(prefetch);
    c.consume(ch, Topology.updatesQueue(subscriber), false, this::handle);
  }

  private void handle(Delivery delivery) {
    EventState state;
    try {
      state = EventState.fromMap(StrictJson.parse(delivery.body().getBytes()));
    } catch (StrictJson.MalformedJsonException | ValidationException e) {
      LOG.warn("dead-lettering an unreadable update (message_id {}): {}", delivery.properties().getMessageId(), e.getMessage());
      connector.reject(delivery, false);
      return;
    }
    apply(delivery, state, 0);
  }

  private void apply(Delivery delivery, EventState state, int attempt) {
    vertx.eventBus().request(Addresses.EVENTS_APPLY, new ApplyStates(java.util.List.of(state)), busOptions)
      .onSuccess(applied -> connector.ack(delivery))
      .onFailure(failure -> {
        if (failure instanceof ReplyException reply && reply.failureCode() >= 400 && reply.failureCode() < 500) {
          LOG.warn("dead-lettering update {} v{}: refused by the database", state.eventId(), state.version());
          connector.reject(delivery, false);
          return;
        }
        if (delivery.generation() != connector.generation()) {
          return; // its connection is gone: the broker redelivers the message on the new one
        }
        long delay = Math.min(MAX_RETRY_DELAY_MS, 100L << Math.min(attempt, 20));
        LOG.warn("update {} v{} not applied ({}); retrying in {} ms", state.eventId(), state.version(), failure.getMessage(), delay);
        vertx.setTimer(delay, id -> apply(delivery, state, attempt + 1));
      });
  }

}
