package io.eventwalker.betmaker.line;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import io.eventwalker.betmaker.bus.Addresses;
import io.eventwalker.betmaker.bus.BetMessages.OpenEvents;
import io.eventwalker.betmaker.bus.BetMessages.Subscribe;
import io.eventwalker.betmaker.config.BetMakerConfig;
import io.eventwalker.betmaker.metrics.BetMeters;
import io.eventwalker.platform.batching.GroupQueue;
import io.eventwalker.platform.http.Failures;
import io.eventwalker.platform.http.Problem;
import io.eventwalker.platform.http.ProblemException;
import io.eventwalker.platform.messaging.RabbitConnector.Delivery;
import io.eventwalker.platform.messaging.RabbitConnector;
import io.eventwalker.platform.tracing.Tracing;
import io.eventwalker.platform.validation.ValidationException;
import io.eventwalker.wire.EventPage;
import io.eventwalker.wire.EventState;
import io.eventwalker.wire.EventStates;
import io.eventwalker.wire.LineReply;
import io.eventwalker.wire.LineRequest;
import io.eventwalker.wire.Topology;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.Message;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * Asks line-provider over RabbitMQ: request/reply with {@code reply_to} (RabbitMQ's direct
 * reply-to, consumed on the same channel it publishes on) and {@code correlation_id}, each request
 * stamped with bet-maker's {@code user-id}; a reply counts only when its {@code user-id} is
 * line-provider's ({@code BM_LINE_PROVIDER_RABBITMQ_USER}; the broker checks it). Every
 * request has a timeout ({@code BM_LINE_TIMEOUT_MS}); a reply arriving later matches no pending
 * request and is dropped.
 *
 * <p>Concurrent identical {@code get_events} requests share one request in flight. Asks for
 * events' current states are batched (see {@link #subscribe}).
 */
public final class LineProviderClientVerticle extends VerticleBase {

  private static final Logger LOG = LoggerFactory.getLogger(LineProviderClientVerticle.class);
  private static final String DIRECT_REPLY_TO = "amq.rabbitmq.reply-to";

  private record Waiter(Set<String> ids, boolean renew, String traceparent, Promise<EventStates> promise) {
  }

  private final BetMakerConfig config;
  private final String queue;
  private final String subscriber;
  private final String lineProviderUser;
  private final long timeoutMs;
  private final int maxInFlight;
  private RabbitConnector connector;
  private BetMeters meters;
  private final Map<String, Promise<LineReply>> pending = new HashMap<>();
  private final Map<OpenEvents, Future<EventPage>> openEventsInFlight = new HashMap<>();
  private GroupQueue<Waiter> subscribeQueue;
  /** Events subscribed to from this process (bounded; forgetting one only means subscribing again). */
  private final Set<String> subscribed = java.util.Collections.newSetFromMap(new java.util.LinkedHashMap<>(1024, 0.75f, true) {
    @Override
    protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
      return size() > 100_000;
    }
  });

  public LineProviderClientVerticle(BetMakerConfig config) {
    this.config = config;
    this.queue = config.line().queue();
    this.subscriber = config.line().subscriber();
    this.lineProviderUser = config.line().lineProviderUser();
    this.timeoutMs = config.line().timeoutMs();
    this.maxInFlight = config.line().batchesInFlight();
  }

  @Override
  public Future<?> start() {
    meters = BetMeters.of(vertx);
    connector = new RabbitConnector(vertx, config.rabbit(), "bet-maker-line-client", meters.meters(), this::declare);
    // Every waiter goes in the next batch, however many: its asks are split into requests of at most LineRequest.MAX_IDS.
    subscribeQueue = new GroupQueue<>(maxInFlight, Integer.MAX_VALUE, waiter -> 1, waiter -> null, (waiter, now) -> true, this::sendBatch);
    var bus = vertx.eventBus();
    bus.<OpenEvents>localConsumer(Addresses.LINE_OPEN_EVENTS, this::openEvents);
    bus.<Subscribe>localConsumer(Addresses.LINE_SUBSCRIBE, this::subscribe);
    bus.<String>localConsumer(Addresses.LINE_SUBSCRIBE_ALL, msg -> request(LineRequest.subscribeAll(subscriber), null)
      .onSuccess(reply -> msg.reply("OK"))
      .onFailure(failure -> fail(msg, failure)));
    bus.<String>localConsumer(Addresses.READY_RABBITMQ_LINE, connector::answerReadiness);
    return connector.start();
  }

  @Override
  public Future<?> stop() {
    return connector.stop();
  }

  private void declare(RabbitConnector c, Channel ch) throws Exception {
    Topology.declareRequests(ch, queue);
    c.consume(ch, DIRECT_REPLY_TO, true, this::onReply);
  }

  // ---- get_events, shared while in flight ----

  private void openEvents(Message<OpenEvents> msg) {
    OpenEvents query = msg.body();
    Future<EventPage> shared = openEventsInFlight.get(query);
    if (shared == null) {
      shared = request(LineRequest.getEvents(query.after(), query.limit()), Tracing.current(vertx))
        .map(reply -> new EventPage(reply.events(), reply.nextAfter()));
      openEventsInFlight.put(query, shared);
      shared.onComplete(done -> openEventsInFlight.remove(query));
    }
    shared.onSuccess(msg::reply).onFailure(failure -> fail(msg, failure));
  }

  // ---- current states, batched ----

  /**
   * The current states of events, asked in batches ({@link GroupQueue}): callers arriving while
   * {@link #maxInFlight} batches are out queue for the next one. The first ask about an event (in this process)
   * subscribes to it; later ones only read its state ({@code get_states}), which line-provider
   * answers without touching Redis. Catch-up re-subscribes every event with pending bets, so a
   * subscription lost with Redis comes back.
   */
  private void subscribe(Message<Subscribe> msg) {
    Promise<EventStates> promise = Promise.promise();
    promise.future().onSuccess(msg::reply).onFailure(failure -> fail(msg, failure));
    subscribeQueue.add(new Waiter(new LinkedHashSet<>(msg.body().eventIds()), msg.body().renew(), msg.body().traceparent(), promise));
  }

  private Future<?> sendBatch(List<Waiter> batch) {
    List<String> fresh = new ArrayList<>();
    List<String> known = new ArrayList<>();
    Set<String> all = new LinkedHashSet<>();
    Set<String> renew = new java.util.HashSet<>();
    // One request serves the batch; it continues the trace of the first traced waiter.
    String traceparent = null;
    for (Waiter waiter : batch) {
      traceparent = traceparent == null ? waiter.traceparent() : traceparent;
      all.addAll(waiter.ids());
      if (waiter.renew()) {
        renew.addAll(waiter.ids());
      }
    }
    for (String id : all) {
      (subscribed.contains(id) && !renew.contains(id) ? known : fresh).add(id);
    }
    List<Future<LineReply>> chunks = new ArrayList<>();
    for (int from = 0; from < fresh.size(); from += LineRequest.MAX_IDS) {
      List<String> chunk = fresh.subList(from, Math.min(fresh.size(), from + LineRequest.MAX_IDS));
      chunks.add(request(LineRequest.subscribe(subscriber, chunk), traceparent));
    }
    for (int from = 0; from < known.size(); from += LineRequest.MAX_IDS) {
      chunks.add(request(LineRequest.getStates(known.subList(from, Math.min(known.size(), from + LineRequest.MAX_IDS))), traceparent));
    }
    return Future.all(chunks).onComplete(done -> {
      if (done.failed()) {
        batch.forEach(waiter -> waiter.promise().fail(done.cause()));
      } else {
        Map<String, EventState> found = new HashMap<>();
        chunks.forEach(chunk -> chunk.result().events().forEach(state -> found.put(state.eventId(), state)));
        fresh.stream().filter(found::containsKey).forEach(subscribed::add); // line-provider subscribes to none it does not know
        for (Waiter waiter : batch) {
          List<EventState> mine = new ArrayList<>();
          List<String> missing = new ArrayList<>();
          for (String id : waiter.ids()) {
            EventState state = found.get(id);
            if (state == null) {
              missing.add(id);
            } else {
              mine.add(state);
            }
          }
          waiter.promise().complete(new EventStates(mine, missing));
        }
      }
    });
  }

  // ---- request/reply ----

  private Future<LineReply> request(LineRequest request, String traceparent) {
    if (connector.isBlocked()) {
      return Future.failedFuture(unavailable("RabbitMQ is blocking publishers (resource alarm)"));
    }
    Span span = Tracing.start(vertx, "line-provider " + request.type(), SpanKind.CLIENT, traceparent);
    span.setAttribute("messaging.system", "rabbitmq");
    span.setAttribute("messaging.destination.name", queue);
    String correlationId = UUID.randomUUID().toString();
    Promise<LineReply> promise = Promise.promise();
    pending.put(correlationId, promise);
    long started = System.nanoTime();
    long timer = vertx.setTimer(timeoutMs, id -> {
      if (pending.remove(correlationId) != null) {
        meters.lineRequestTimeouts(request.type()).increment();
        promise.tryFail(unavailable("line-provider did not answer within " + timeoutMs + " ms"));
      }
    });
    AMQP.BasicProperties properties = new AMQP.BasicProperties.Builder()
      .replyTo(DIRECT_REPLY_TO)
      .userId(connector.user()) // line-provider answers only the users of its LP_SUBSCRIBERS, told apart by this (checked by the broker)
      .correlationId(correlationId)
      .contentType(Topology.JSON)
      .type(request.type())
      .expiration(Long.toString(timeoutMs))
      .headers(span.getSpanContext().isValid() ? Map.<String, Object>of(Tracing.TRACEPARENT, Tracing.traceparent(vertx, span)) : null)
      .build();
    byte[] body = request.toBuffer().getBytes();
    connector.call(ch -> {
      ch.basicPublish("", queue, properties, body);
      return null;
    }).onFailure(failure -> {
      if (pending.remove(correlationId) != null) {
        promise.tryFail(unavailable("line-provider unreachable: " + failure.getMessage()));
      }
    });
    return promise.future().onComplete(done -> {
      vertx.cancelTimer(timer);
      Tracing.end(span, done.cause());
    }).onSuccess(answered -> meters.lineRequests(request.type()).record(System.nanoTime() - started, TimeUnit.NANOSECONDS))
      .compose(reply -> reply.isOk()
      ? Future.succeededFuture(reply)
      : Future.failedFuture(Problem.of(reply.status(), reply.detail()).exception()));
  }

  private void onReply(Delivery delivery) {
    String publisher = delivery.properties().getUserId();
    if (!lineProviderUser.equals(publisher)) {
      // Only line-provider's answers count (the broker checks user-id against the publisher's own user).
      LOG.warn("dropping a reply not published by line-provider (user-id {}, correlation_id {})", publisher,
        delivery.properties().getCorrelationId());
      meters.lineReplyRefused();
      return;
    }
    String correlationId = delivery.properties().getCorrelationId();
    Promise<LineReply> promise = correlationId == null ? null : pending.remove(correlationId);
    if (promise == null) {
      LOG.debug("dropping a late or unknown reply (correlation_id {})", correlationId);
      return;
    }
    try {
      promise.tryComplete(LineReply.parse(delivery.body()));
    } catch (ValidationException e) {
      LOG.warn("unreadable reply from line-provider: {}", e.getMessage());
      promise.tryFail(unavailable("line-provider sent an unreadable reply"));
    }
  }

  private static ProblemException unavailable(String detail) {
    return Problem.of(503, detail).exception();
  }

  /**
   * A failed request to line-provider: its problem ({@link #unavailable}, line-provider's answer, a
   * time-out), else line-provider counts as unreachable (503), whatever went wrong on the way.
   */
  private static void fail(Message<?> msg, Throwable failure) {
    Problem known = Failures.problem(failure);
    Failures.reply(msg, known != null ? known : Problem.of(503, "line-provider unreachable: " + failure.getMessage()));
  }

}
