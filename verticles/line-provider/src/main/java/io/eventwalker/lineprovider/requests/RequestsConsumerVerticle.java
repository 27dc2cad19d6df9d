package io.eventwalker.lineprovider.requests;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import io.eventwalker.lineprovider.bus.Addresses;
import io.eventwalker.lineprovider.bus.EventMessages.AddSubscriptions;
import io.eventwalker.lineprovider.bus.EventMessages.GetEvent;
import io.eventwalker.lineprovider.bus.EventMessages.GetStates;
import io.eventwalker.lineprovider.bus.EventMessages.ListEvents;
import io.eventwalker.lineprovider.bus.EventsBus;
import io.eventwalker.lineprovider.bus.SubscriptionsBus;
import io.eventwalker.lineprovider.config.LineProviderConfig;
import io.eventwalker.lineprovider.config.Subscribers;
import io.eventwalker.lineprovider.metrics.LineProviderMeters;
import io.eventwalker.platform.eventbus.LocalBus;
import io.eventwalker.platform.http.Failures;
import io.eventwalker.platform.http.Problem;
import io.eventwalker.platform.messaging.RabbitConnector.Delivery;
import io.eventwalker.platform.messaging.RabbitConnector;
import io.eventwalker.platform.tracing.Tracing;
import io.eventwalker.platform.validation.ValidationException;
import io.eventwalker.wire.LineReply;
import io.eventwalker.wire.LineRequest;
import io.eventwalker.wire.Topology;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.context.Scope;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.DeliveryOptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;

/**
 * Answers bet-maker's requests from its queue ({@code LINE_PROVIDER_QUEUE}, by default
 * {@code line-provider.requests}): {@code get_events}, {@code get_event}, {@code get_states},
 * {@code subscribe} and {@code subscribe_all}.
 *
 * <p>Nothing in a request that the broker does not verify decides anything: who asks is its
 * {@code user-id} (the broker refuses one that is not the publishing connection's own), and only
 * a client listed in {@code LP_SUBSCRIBERS} is answered (403 otherwise); a subscription's name must
 * be one that list gives that user (403 otherwise: a made-up name is neither stored nor given a
 * queue). A reply goes only to a direct reply-to address ({@code amq.rabbitmq.reply-to.*}, the
 * asker's own channel), stamped with line-provider's {@code user-id}; a request asking for a
 * reply anywhere else (another service's queue, say) is dropped, logged and counted.
 */
public final class RequestsConsumerVerticle extends VerticleBase {

  private static final Logger LOG = LoggerFactory.getLogger(RequestsConsumerVerticle.class);
  /** Replies go only here: RabbitMQ's direct reply-to, the asker's own channel (the broker fills in the rest of the name). */
  private static final String DIRECT_REPLY_TO = "amq.rabbitmq.reply-to.";

  private final LineProviderConfig config;
  private final DeliveryOptions busOptions;
  private final int prefetch;
  private final String queue;
  private final Subscribers subscribers;
  private RabbitConnector connector;
  private LineProviderMeters meters;

  public RequestsConsumerVerticle(LineProviderConfig config) {
    this.config = config;
    this.busOptions = LocalBus.options(config.http().requestTimeoutMs());
    this.prefetch = config.requestsPrefetch();
    this.queue = config.requestsQueue();
    this.subscribers = config.subscribers();
  }

  @Override
  public Future<?> start() {
    meters = LineProviderMeters.of(vertx);
    connector = new RabbitConnector(vertx, config.rabbit(), "line-provider-requests", meters.meters(), this::declareAndConsume);
    vertx.eventBus().<String>localConsumer(Addresses.READY_RABBITMQ_REQUESTS, connector::answerReadiness);
    return connector.start();
  }

  @Override
  public Future<?> stop() {
    return connector.stop();
  }

  private void declareAndConsume(RabbitConnector c, Channel ch) throws Exception {
    declareOwnQueue(ch.getConnection());
    ch.basicQos(prefetch);
    c.consume(ch, queue, false, this::handle);
  }

  /**
   * The request queue is line-provider's: declared as {@link Topology#declareRequests} says. One
   * somebody declared again with other arguments (a time to live of 0 drops every request) is
   * refused by the broker on each declaration, which would keep line-provider from ever consuming:
   * it is deleted (it holds only requests, which their askers send again) and declared right.
   */
  private void declareOwnQueue(com.rabbitmq.client.Connection connection) throws Exception {
    try (Channel declaring = connection.createChannel()) {
      Topology.declareRequests(declaring, queue);
      return;
    } catch (java.io.IOException refused) {
      LOG.error("the request queue {} cannot be declared as line-provider declares it ({}); deleting it and declaring it again",
        queue, refused.getCause() == null ? refused.getMessage() : refused.getCause().getMessage());
    } catch (com.rabbitmq.client.AlreadyClosedException closedAfterRefusal) {
      LOG.error("the request queue {} cannot be declared as line-provider declares it; deleting it and declaring it again", queue);
    }
    try (Channel fixing = connection.createChannel()) {
      fixing.queueDelete(queue);
      Topology.declareRequests(fixing, queue);
    }
  }

  private void handle(Delivery delivery) {
    AMQP.BasicProperties props = delivery.properties();
    if (props.getReplyTo() == null || !props.getReplyTo().startsWith(DIRECT_REPLY_TO)) {
      LOG.warn("dropping a request whose reply_to is not a direct reply-to address ({}; user-id {}, correlation_id {})",
        props.getReplyTo(), props.getUserId(), props.getCorrelationId());
      meters.requestRefused("reply_to");
      connector.ack(delivery);
      return;
    }
    Span span = Tracing.start(vertx, "line-provider.requests " + props.getType(), SpanKind.SERVER, Tracing.traceparent(props.getHeaders()));
    span.setAttribute("messaging.system", "rabbitmq");
    span.setAttribute("messaging.destination.name", queue);
    Future<LineReply> answered;
    try (Scope traced = span.makeCurrent()) { // the answer's own spans (event bus, PostgreSQL, Redis) join the request's trace
      answered = subscribers.knows(props.getUserId()) ? answer(delivery, props.getUserId()) : unknownClient(props);
    }
    answered
      .recover(failure -> Future.succeededFuture(failureReply(failure)))
      .compose(reply -> connector.ackAfter(delivery, ch -> {
        // Reply and acknowledge in one go on the connector's thread.
        ch.basicPublish("", props.getReplyTo(), new AMQP.BasicProperties.Builder()
          .correlationId(props.getCorrelationId())
          .contentType(Topology.JSON)
          .userId(connector.user())
          .build(), reply.toBuffer().getBytes());
        return null;
      }))
      .onComplete(replied -> Tracing.end(span, replied.cause()))
      .onFailure(failure -> LOG.warn("could not reply to {} ({}); the request is redelivered or expires",
        props.getCorrelationId(), failure.getMessage()));
  }

  private Future<LineReply> unknownClient(AMQP.BasicProperties props) {
    LOG.warn("refusing a {} request from user-id {}: not a client of LP_SUBSCRIBERS", props.getType(), props.getUserId());
    meters.requestRefused("user");
    return Future.succeededFuture(LineReply.error(403, "line-provider answers only the RabbitMQ users of LP_SUBSCRIBERS; this request's"
      + " user-id is " + (props.getUserId() == null ? "absent" : props.getUserId())));
  }

  /** A subscription under a name LP_SUBSCRIBERS does not give the asking user: refused, nothing stored or declared. */
  private Future<LineReply> refuseName(String user, String subscriber) {
    LOG.warn("refusing to subscribe user-id {} as {}: LP_SUBSCRIBERS does not give it that name", user, subscriber);
    meters.requestRefused("subscriber");
    return Future.succeededFuture(LineReply.error(403, "user " + user + " may not subscribe as " + subscriber + " (LP_SUBSCRIBERS)"));
  }

  private Future<LineReply> answer(Delivery delivery, String user) {
    LineRequest request;
    try {
      request = LineRequest.parse(delivery.body());
    } catch (ValidationException e) {
      return Future.succeededFuture(LineReply.error(400, e.getMessage()));
    }
    return switch (request.type()) {
      case LineRequest.GET_EVENTS -> EventsBus.list(vertx, new ListEvents(null, true, request.after(), request.limit()), busOptions)
        .map(page -> LineReply.ok(page.events(), List.of(), page.nextAfter()));
      case LineRequest.GET_EVENT -> EventsBus.get(vertx, new GetEvent(request.eventId()), busOptions)
        .map(event -> LineReply.ok(List.of(event), List.of(), null));
      case LineRequest.GET_STATES -> EventsBus.states(vertx, new GetStates(request.eventIds()), busOptions)
        .map(states -> LineReply.ok(states.found(), states.missing(), null));
      case LineRequest.SUBSCRIBE_ALL -> !subscribers.allows(user, request.subscriber()) ? refuseName(user, request.subscriber())
        : subscribe(new AddSubscriptions(request.subscriber(), List.of(), true)).map(added -> LineReply.ok(List.of(), List.of(), null));
      // Subscribe first, then read: a change committed after the read is published to the new subscriber.
      default -> !subscribers.allows(user, request.subscriber()) ? refuseName(user, request.subscriber())
        : subscribe(new AddSubscriptions(request.subscriber(), request.eventIds(), false))
          .compose(added -> EventsBus.states(vertx, new GetStates(request.eventIds()), busOptions))
          .map(states -> LineReply.ok(states.found(), states.missing(), null));
    };
  }

  /**
   * Records the subscription in PostgreSQL (what an emptied Redis is rebuilt from), for the events
   * that exist, then adds what was recorded in Redis.
   */
  private Future<String> subscribe(AddSubscriptions subscription) {
    return SubscriptionsBus.record(vertx, subscription, busOptions)
      .compose(recorded -> recorded.eventIds().isEmpty() && !recorded.all() ? Future.succeededFuture("OK")
        : SubscriptionsBus.add(vertx, recorded, busOptions));
  }

  /** The problem of {@code failure} ({@link Failures#problem}) as a reply; one without a problem is unexpected: logged, 503. */
  private static LineReply failureReply(Throwable failure) {
    Problem problem = Failures.problem(failure);
    if (problem == null) {
      LOG.warn("request failed: {}", failure.getMessage());
      problem = Problem.of(503, "line-provider could not answer: " + failure.getMessage());
    }
    return LineReply.error(problem.status(), problem.detail());
  }

}
