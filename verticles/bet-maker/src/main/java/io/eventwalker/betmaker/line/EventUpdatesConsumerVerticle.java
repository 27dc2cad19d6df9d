package io.eventwalker.betmaker.line;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import io.eventwalker.betmaker.bus.Addresses;
import io.eventwalker.betmaker.bus.BetMessages.ApplyStates;
import io.eventwalker.betmaker.bus.BetMessages;
import io.eventwalker.betmaker.bus.SettlementBus;
import io.eventwalker.betmaker.config.BetMakerConfig;
import io.eventwalker.betmaker.metrics.BetMeters;
import io.eventwalker.platform.eventbus.LocalBus;
import io.eventwalker.platform.http.Failures;
import io.eventwalker.platform.json.StrictJson;
import io.eventwalker.platform.messaging.RabbitConnector.Delivery;
import io.eventwalker.platform.messaging.RabbitConnector;
import io.eventwalker.platform.tracing.Tracing;
import io.eventwalker.platform.validation.ValidationException;
import io.eventwalker.wire.EventState;
import io.eventwalker.wire.Topology;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.context.Scope;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.DeliveryOptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Consumes line-provider's updates from {@code <BM_SUBSCRIBER>.event-updates} and applies them.
 * A message is acknowledged only after the database commit.
 *
 * <p>Only line-provider's updates are applied: the broker validates the {@code user-id} property
 * against the publishing connection's user, and a message whose {@code user-id} is not
 * {@code BM_LINE_PROVIDER_RABBITMQ_USER} is dead-lettered, as is one that cannot be read. A failure
 * that is an outage (PostgreSQL unreachable or restarting, no connection free) is retried with a
 * growing delay for as long as it lasts, never dead-lettered; one that will not go away by itself
 * (data PostgreSQL refuses, a statement it cannot run, a time-out) is dead-lettered after
 * {@code BM_POISON_ATTEMPTS} attempts. A dead letter carries its reason in the
 * {@value Topology#REASON_HEADER} header.
 */
public final class EventUpdatesConsumerVerticle extends VerticleBase {

  private static final Logger LOG = LoggerFactory.getLogger(EventUpdatesConsumerVerticle.class);
  private static final long MAX_RETRY_DELAY_MS = 30_000;
  /** How long an update may wait for the version before it (see {@link ApplyStates#inOrder}). */
  public static final long IN_ORDER_WAIT_MS = 2_000;
  /** How often it looks again meanwhile. */
  private static final long IN_ORDER_RETRY_MS = 20;

  private final BetMakerConfig config;
  private final String subscriber;
  private final String lineProviderUser;
  private final int prefetch;
  private final int poisonAttempts;
  private final long confirmTimeoutMs;
  private final DeliveryOptions busOptions;
  private RabbitConnector connector;
  private BetMeters meters;

  public EventUpdatesConsumerVerticle(BetMakerConfig config) {
    this.config = config;
    this.subscriber = config.line().subscriber();
    this.lineProviderUser = config.line().lineProviderUser();
    this.prefetch = config.updates().prefetch();
    this.poisonAttempts = config.updates().poisonAttempts();
    this.confirmTimeoutMs = config.rabbit().callTimeoutMs();
    this.busOptions = LocalBus.options(config.settlement().timeoutMs());
  }

  @Override
  public Future<?> start() {
    meters = BetMeters.of(vertx);
    connector = new RabbitConnector(vertx, config.rabbit(), "bet-maker-updates-" + subscriber, meters.meters(), this::declareAndConsume);
    vertx.eventBus().<String>localConsumer(Addresses.READY_RABBITMQ_UPDATES, connector::answerReadiness);
    return connector.start();
  }

  @Override
  public Future<?> stop() {
    return connector.stop();
  }

  private void declareAndConsume(RabbitConnector c, Channel ch) throws Exception {
    Topology.declareUpdates(ch, subscriber);
    ch.confirmSelect(); // dead letters are published here and confirmed before the original is acked
    ch.basicQos(prefetch);
    c.consume(ch, Topology.updatesQueue(subscriber), false, this::handle);
  }

  private void handle(Delivery delivery) {
    String publisher = delivery.properties().getUserId();
    if (!lineProviderUser.equals(publisher)) {
      deadLetter(delivery, "forged", "not published by line-provider: user-id " + (publisher == null ? "absent" : publisher)
        + ", expected " + lineProviderUser);
      return;
    }
    // The user-id survives the broker's own dead-lettering: a message of line-provider's captured in
    // another queue and dead-lettered into this one would carry it. Only what line-provider published
    // to the updates exchange, delivered from there, counts.
    String exchange = delivery.envelope().getExchange();
    Map<String, Object> headers = delivery.properties().getHeaders();
    if (!Topology.UPDATES_EXCHANGE.equals(exchange) || (headers != null && headers.containsKey("x-death"))) {
      deadLetter(delivery, "forged", "not delivered from " + Topology.UPDATES_EXCHANGE + " as line-provider published it: came through "
        + (exchange == null || exchange.isEmpty() ? "the default exchange" : exchange)
        + (headers != null && headers.containsKey("x-death") ? ", dead-lettered on the way (x-death)" : ""));
      return;
    }
    EventState state;
    try {
      state = EventState.fromMap(StrictJson.parse(delivery.body().getBytes()));
    } catch (StrictJson.MalformedJsonException | ValidationException e) {
      deadLetter(delivery, "unreadable", "unreadable update: " + e.getMessage());
      return;
    }
    Span span = Tracing.start(vertx, "bet-maker.event-updates process", SpanKind.CONSUMER,
      Tracing.traceparent(delivery.properties().getHeaders()));
    span.setAttribute("messaging.system", "rabbitmq");
    span.setAttribute("messaging.destination.name", Topology.updatesQueue(subscriber));
    span.setAttribute("event_walker.event_id", state.eventId());
    span.setAttribute("event_walker.version", state.version());
    apply(delivery, state, 0, 0, System.nanoTime(), span);
  }

  /**
   * {@code failures}: attempts so far that failed for a reason that will not go away; {@code attempt}:
   * all attempts so far; {@code arrived}: when it was received. For up to {@link #IN_ORDER_WAIT_MS}
   * an update waits for the version before it (on its way, perhaps to another bet-maker), so that
   * listeners hear every version in order; after that it is applied as it is (the version before
   * was lost, or never published to this subscriber).
   */
  private void apply(Delivery delivery, EventState state, int failures, int attempt, long arrived, Span span) {
    boolean inOrder = System.nanoTime() - arrived < TimeUnit.MILLISECONDS.toNanos(IN_ORDER_WAIT_MS);
    Future<BetMessages.Applied> applying;
    try (Scope traced = span.makeCurrent()) { // the settlement's own spans (event bus, PostgreSQL) join the update's trace
      applying = SettlementBus.apply(vertx, new ApplyStates(List.of(state), false, inOrder), busOptions);
    }
    applying
      .onSuccess(applied -> {
        if (applied.waitsForEarlier()) {
          vertx.setTimer(IN_ORDER_RETRY_MS, id -> apply(delivery, state, failures, attempt, arrived, span));
          return;
        }
        Instant changedAt = Topology.changedAt(delivery.properties());
        if (changedAt != null && state.status().isFinished() && applied.applied().contains(state)) {
          meters.settlementLatency(changedAt, Instant.now());
        }
        span.setAttribute("event_walker.bets_settled", applied.settledBets());
        connector.ack(delivery).onComplete(acked -> Tracing.end(span, acked.cause()));
      })
      .onFailure(failure -> {
        // A time-out is not an outage: it will not go away by waiting (Failures would call it 503).
        boolean timedOut = Failures.isTimeout(failure);
        int status = timedOut ? 0 : Failures.exception(failure).problem().status();
        String why = timedOut ? "not applied within BM_SETTLE_TIMEOUT_MS" : failure.getMessage();
        if (status >= 400 && status < 500) {
          Tracing.end(span, failure);
          deadLetter(delivery, "refused", "refused by the database: " + why);
          return;
        }
        if (delivery.generation() != connector.generation()) {
          Tracing.end(span, failure);
          return; // its connection is gone: the broker redelivers the message on the new one
        }
        boolean outage = status == 503; // PostgreSQL unavailable, or settlement not there (yet)
        int lasting = outage ? failures : failures + 1;
        if (lasting >= poisonAttempts) {
          Tracing.end(span, failure);
          deadLetter(delivery, "poison", "not applied after " + lasting + " attempts: " + why);
          return;
        }
        long delay = Math.min(MAX_RETRY_DELAY_MS, 100L << Math.min(attempt, 20));
        span.addEvent("retry");
        Tracing.log(LOG.atWarn(), span).addKeyValue("event_id", state.eventId()).log("update {} v{} not applied ({}, {}); retrying in {} ms", state.eventId(), state.version(),
          outage ? "an outage" : "failure " + lasting + " of " + poisonAttempts, why, delay);
        vertx.setTimer(delay, id -> apply(delivery, state, lasting, attempt + 1, arrived, span));
      });
  }

  /**
   * Publishes the message to the dead-letter exchange with its reason, waits for the broker's
   * confirm, then acknowledges the original (a crash in between leaves a second copy in the
   * dead-letter queue, never a lost one).
   */
  private void deadLetter(Delivery delivery, String cause, String reason) {
    AMQP.BasicProperties original = delivery.properties();
    LOG.warn("dead-lettering update message_id {} (user-id {}): {}", original.getMessageId(), original.getUserId(), reason);
    meters.deadLettered(cause);
    Map<String, Object> headers = new HashMap<>(original.getHeaders() == null ? Map.of() : original.getHeaders());
    headers.put(Topology.REASON_HEADER, reason);
    // Always the broker's word: a header of this name the publisher wrote itself is replaced or dropped.
    if (original.getUserId() != null) {
      headers.put(Topology.PUBLISHER_HEADER, original.getUserId());
    } else {
      headers.remove(Topology.PUBLISHER_HEADER);
    }
    AMQP.BasicProperties properties = original.builder().userId(null).headers(headers).deliveryMode(2).build();
    byte[] body = delivery.body().getBytes();
    connector.call(ch -> {
      ch.basicPublish(Topology.DEAD_LETTER_EXCHANGE, subscriber, properties, body);
      ch.waitForConfirmsOrDie(confirmTimeoutMs);
      return null;
    }, confirmTimeoutMs + 1_000)
      .compose(published -> connector.ack(delivery))
      .onFailure(failure -> LOG.warn("could not dead-letter message_id {} ({}); it is redelivered", original.getMessageId(),
        failure.getMessage()));
  }
}
