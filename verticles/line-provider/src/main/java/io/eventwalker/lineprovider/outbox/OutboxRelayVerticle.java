package io.eventwalker.lineprovider.outbox;

import com.rabbitmq.client.AlreadyClosedException;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import io.eventwalker.lineprovider.bus.Addresses;
import io.eventwalker.lineprovider.bus.EventMessages.MarkPublished;
import io.eventwalker.lineprovider.bus.EventMessages.OutboxRow;
import io.eventwalker.lineprovider.bus.EventMessages.PendingOutbox;
import io.eventwalker.lineprovider.bus.EventMessages.Subscribers;
import io.eventwalker.lineprovider.bus.EventMessages.SubscribersOf;
import io.eventwalker.lineprovider.bus.OutboxBus;
import io.eventwalker.lineprovider.bus.SubscriptionsBus;
import io.eventwalker.lineprovider.config.LineProviderConfig;
import io.eventwalker.lineprovider.metrics.LineProviderMeters;
import io.eventwalker.platform.Failpoints;
import io.eventwalker.platform.db.Leadership;
import io.eventwalker.platform.eventbus.LocalBus;
import io.eventwalker.platform.messaging.RabbitConnector;
import io.eventwalker.platform.tracing.Tracing;
import io.eventwalker.wire.Topology;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.DeliveryOptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Relays committed changes from the outbox table to their subscribers' queues: persistent
 * messages, publisher confirms waited for with a timeout, and rows marked published only after
 * every copy was confirmed. If RabbitMQ or Redis is down the rows stay and are sent later; a
 * crash between publish and mark sends a row twice, which subscribers drop by version. With
 * several line-providers only the elected one relays ({@link Leadership}); a commit on any of
 * them wakes it ({@code line.outbox.written} is published cluster-wide).
 */
public final class OutboxRelayVerticle extends VerticleBase {

  private static final Logger LOG = LoggerFactory.getLogger(OutboxRelayVerticle.class);

  private final LineProviderConfig config;
  private final DeliveryOptions busOptions;
  private final long confirmTimeoutMs;
  private final int batchSize;
  private RabbitConnector connector;
  /** Only the leader among line-provider's instances relays (one at a time keeps each event's updates in order). */
  private Leadership leadership;
  /** Subscribers whose queue was declared on the current connection (touched on the connector thread only). */
  private final Set<String> declared = new HashSet<>();
  /** Subscribers whose queue could not be declared, told once (connector thread only). */
  private final Set<String> missing = new HashSet<>();
  /** Subscribers an update came back unrouted for, during the publish under way (set on the connection's thread). */
  private final Set<String> returned = java.util.concurrent.ConcurrentHashMap.newKeySet();
  private boolean draining;
  private boolean again;
  /** Drains that failed in a row: the first is a WARN, the next ones DEBUG (each poll retries), the end of them INFO. */
  private int pausedDrains;
  /** Publish tasks handed to the connector and not yet finished there (even if their wait timed out). */
  private final AtomicInteger publishesRunning = new AtomicInteger();

  public OutboxRelayVerticle(LineProviderConfig config) {
    this.config = config;
    this.confirmTimeoutMs = config.outbox().confirmTimeoutMs();
    this.batchSize = config.outbox().batch();
    this.busOptions = LocalBus.options(config.http().requestTimeoutMs());
  }

  @Override
  public Future<?> start() {
    connector = new RabbitConnector(vertx, config.rabbit(), "line-provider-outbox", LineProviderMeters.of(vertx).meters(), this::declare)
      .onConnected(connected -> drain());
    vertx.eventBus().consumer(Addresses.OUTBOX_WRITTEN, written -> drain());
    vertx.eventBus().<String>localConsumer(Addresses.READY_RABBITMQ_OUTBOX, connector::answerReadiness);
    vertx.setPeriodic(config.outbox().pollMs(), id -> drain());
    leadership = Leadership.stand(vertx, config.database(), "line-provider", "event-walker-outbox-relay:" + config.database().schema(),
      config.outbox().pollMs(), this::drain);
    return connector.start().onComplete(started -> drain());
  }

  @Override
  public Future<?> stop() {
    return leadership.stop().compose(stepped -> connector.stop());
  }

  /**
   * On every (re)connect: the updates exchange, and the queue of every subscriber of
   * {@code LP_SUBSCRIBERS} (the only queues line-provider declares or publishes to), so a queue
   * line-provider cannot make shows at once, as an ERROR, not at the first update.
   */
  private void declare(RabbitConnector c, Channel ch) throws Exception {
    declared.clear();
    ch.exchangeDeclare(Topology.UPDATES_EXCHANGE, "direct", true, false, Map.of());
    ch.addReturnListener(unrouted -> returned.add(unrouted.getRoutingKey()));
    for (String subscriber : config.subscribers().names()) {
      if (ensureQueues(ch.getConnection(), subscriber)) {
        declared.add(subscriber);
      }
    }
    ch.confirmSelect();
  }

  /**
   * Whether {@code subscriber}'s queues are there: already (declared by the subscriber itself: a
   * look needs no permission), or declared now. Each attempt on a channel of its own, as a refusal
   * closes the channel. A queue line-provider may not declare is logged as an ERROR and left out:
   * updates for it wait in the outbox (see {@link #publishRows}), nothing else stops.
   */
  private boolean ensureQueues(Connection connection, String subscriber) {
    boolean found;
    try (Channel look = connection.createChannel()) {
      look.queueDeclarePassive(Topology.updatesQueue(subscriber));
      look.queueDeclarePassive(Topology.deadLetterQueue(subscriber));
      found = true;
    } catch (IOException | AlreadyClosedException | java.util.concurrent.TimeoutException absent) {
      found = false; // not there yet: declare it
    }
    if (found) {
      // Bound again too (idempotent), should the binding alone have been removed; where line-provider may not, the
      // subscriber's own declaration binds it.
      try (Channel bind = connection.createChannel()) {
        bind.queueBind(Topology.updatesQueue(subscriber), Topology.UPDATES_EXCHANGE, subscriber);
      } catch (IOException | AlreadyClosedException | java.util.concurrent.TimeoutException refused) {
        LOG.debug("cannot bind the queue of subscriber {} itself: {}", subscriber, reason(refused));
      }
      return there(subscriber);
    }
    try (Channel declaring = connection.createChannel()) {
      Topology.declareUpdates(declaring, subscriber);
      return there(subscriber);
    } catch (Exception refused) {
      if (missing.add(subscriber)) { // once until it is there; the backlog meters show the waiting rows meanwhile
        LOG.error("cannot declare the queue of subscriber {} ({}): its updates wait in the outbox; give line-provider's RabbitMQ user"
          + " the permissions of bin/rabbitmq-users, or start the subscriber, which declares its own", subscriber, reason(refused));
      }
      return false;
    }
  }

  private boolean there(String subscriber) {
    if (missing.remove(subscriber)) {
      LOG.info("the queue of subscriber {} is there: its waiting updates go", subscriber);
    }
    return true;
  }

  private static String reason(Throwable failure) {
    Throwable cause = failure;
    while (cause.getMessage() == null && cause.getCause() != null) {
      cause = cause.getCause();
    }
    return cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage();
  }

  /** Sends everything pending, batch after batch; one drain at a time, re-run if woken meanwhile. */
  void drain() {
    if (draining) {
      again = true;
      return;
    }
    if (!leadership.isLeader() || !connector.isConnected() || connector.isBlocked() || publishesRunning.get() > 0) {
      return; // the periodic tick tries again
    }
    draining = true;
    again = false;
    OutboxBus.pending(vertx, new PendingOutbox(batchSize), busOptions)
      .compose(pending -> relay(pending.rows()))
      .onComplete(done -> {
        draining = false;
        if (done.failed()) {
          if (pausedDrains++ == 0) {
            LOG.warn("outbox relay paused: {}; retrying on every poll, and saying when it resumes", done.cause().getMessage());
          } else {
            LOG.debug("outbox relay still paused: {}", done.cause().getMessage());
          }
          return;
        }
        if (pausedDrains > 0) {
          LOG.info("outbox relay resumed after {} failed attempts", pausedDrains);
          pausedDrains = 0;
        }
        if (done.result() == batchSize || again) {
          drain();
        }
      });
  }

  private Future<Integer> relay(List<OutboxRow> rows) {
    if (rows.isEmpty()) {
      return Future.succeededFuture(0);
    }
    Set<String> eventIds = new LinkedHashSet<>();
    rows.forEach(row -> eventIds.add(row.eventId()));
    return SubscriptionsBus.subscribersOf(vertx, new SubscribersOf(List.copyOf(eventIds)), busOptions)
      .compose(subscribers -> publish(rows, subscribers))
      .compose(published -> {
        Failpoints.hit(Failpoints.OUTBOX_AFTER_PUBLISH);
        return Future.succeededFuture();
      })
      .compose(published -> OutboxBus.markPublished(vertx, new MarkPublished(rows.stream().map(OutboxRow::id).toList()),
        busOptions))
      .map(marked -> rows.size());
  }

  private Future<Void> publish(List<OutboxRow> rows, Subscribers subscribers) {
    boolean anyone = rows.stream().anyMatch(row -> !subscribers.byEvent().getOrDefault(row.eventId(), List.of()).isEmpty());
    if (!anyone) {
      return Future.succeededFuture();
    }
    Failpoints.hit(Failpoints.OUTBOX_BEFORE_PUBLISH);
    List<Span> spans = new ArrayList<>(rows.size());
    for (OutboxRow row : rows) {
      Span span = Tracing.start(vertx, "event-walker.event-updates publish", SpanKind.PRODUCER, row.traceparent());
      span.setAttribute("messaging.system", "rabbitmq");
      span.setAttribute("messaging.destination.name", Topology.UPDATES_EXCHANGE);
      span.setAttribute("event_walker.event_id", row.eventId());
      span.setAttribute("event_walker.version", row.version());
      spans.add(span);
    }
    return connector.<Void>call(ch -> {
      publishesRunning.incrementAndGet();
      try {
        returned.clear();
        publishRows(ch, rows, spans, subscribers);
        ch.waitForConfirmsOrDie(confirmTimeoutMs);
        // The broker returns a mandatory message no queue took before it confirms it: a queue or its binding is gone.
        if (!returned.isEmpty()) {
          declared.removeAll(returned);
          throw new IOException("updates came back unrouted for subscriber(s) " + returned + " (a queue or binding was removed);"
            + " the rows stay, and the queue is made sure of again on the next try");
        }
        return null;
      } finally {
        publishesRunning.decrementAndGet();
      }
    }, confirmTimeoutMs + 1_000).onComplete(confirmed -> spans.forEach(span -> Tracing.end(span, confirmed.cause())));
  }

  /** Runs on the connector's thread. */
  private void publishRows(Channel ch, List<OutboxRow> rows, List<Span> spans, Subscribers subscribers) throws Exception {
    for (int i = 0; i < rows.size(); i++) {
      OutboxRow row = rows.get(i);
      String traceparent = Tracing.traceparent(vertx, spans.get(i));
      byte[] body = row.payload().getBytes(StandardCharsets.UTF_8);
      for (String subscriber : subscribers.byEvent().getOrDefault(row.eventId(), List.of())) {
        if (!config.subscribers().names().contains(subscriber)) {
          LOG.debug("skipping subscriber {} of event {}: not in LP_SUBSCRIBERS", subscriber, row.eventId());
          continue;
        }
        if (!declared.contains(subscriber)) {
          if (!ensureQueues(ch.getConnection(), subscriber)) {
            // Never published to nobody: the rows stay in the outbox (its backlog meters show it) and go when the queue is there.
            throw new IOException("the queue of subscriber " + subscriber + " is not there and cannot be declared");
          }
          declared.add(subscriber);
        }
        ch.basicPublish(Topology.UPDATES_EXCHANGE, subscriber, true,
          Topology.updateProperties(row.eventId(), row.version(), connector.user(), row.changedAt(), traceparent), body);
      }
    }
  }

}
