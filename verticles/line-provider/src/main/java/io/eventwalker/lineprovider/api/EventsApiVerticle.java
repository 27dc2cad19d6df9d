package io.eventwalker.lineprovider.api;

import io.eventwalker.lineprovider.bus.Addresses;
import io.eventwalker.lineprovider.bus.EventChange;
import io.eventwalker.lineprovider.bus.EventMessages.CreateEvents;
import io.eventwalker.lineprovider.bus.EventMessages.GetEvent;
import io.eventwalker.lineprovider.bus.EventMessages.ListEvents;
import io.eventwalker.lineprovider.bus.EventMessages.UpdateEvents;
import io.eventwalker.lineprovider.bus.EventsBus;
import io.eventwalker.lineprovider.bus.NewEvent;
import io.eventwalker.lineprovider.config.LineProviderConfig;
import io.eventwalker.lineprovider.events.EventWrites;
import io.eventwalker.lineprovider.live.LineBridge;
import io.eventwalker.lineprovider.metrics.LineProviderMeters;
import io.eventwalker.platform.auth.Bearer;
import io.eventwalker.platform.eventbus.LocalBus;
import io.eventwalker.platform.http.ClientSockets;
import io.eventwalker.platform.http.ConcurrencyLimit;
import io.eventwalker.platform.http.Failures;
import io.eventwalker.platform.http.Problem;
import io.eventwalker.platform.http.QueryParams;
import io.eventwalker.platform.http.RateLimiter;
import io.eventwalker.platform.http.Readiness;
import io.eventwalker.platform.http.Responses;
import io.eventwalker.platform.http.Routers;
import io.eventwalker.platform.tracing.Tracing;
import io.eventwalker.platform.validation.Batch;
import io.eventwalker.platform.validation.Errors;
import io.eventwalker.platform.validation.ValidationException;
import io.eventwalker.wire.EventIds;
import io.eventwalker.wire.EventState;
import io.eventwalker.wire.EventStatus;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;

import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Line-provider's HTTP API (port 8001): parse and validate, ask the repository, answer; and its page,
 * its API docs and the read-only bridge its page follows the line through ({@link LineBridge}).
 */
public final class EventsApiVerticle extends VerticleBase {

  private static final Set<String> LIST_PARAMS = Set.of("status", "limit", "cursor");
  private static final int DEFAULT_PAGE = 100;
  private static final int MAX_PAGE = 1000;
  public static final String OPENAPI = "openapi/line-provider.json";

  private final LineProviderConfig config;
  private final ConcurrencyLimit concurrency;
  private final RateLimiter writeLimit;
  private final DeliveryOptions requestOptions;
  private final DeliveryOptions writeOptions;
  private final long writeTimeoutMs;
  private final ClientSockets bridgeSockets;
  private LineBridge bridge;

  /**
   * {@code concurrency}, {@code writeLimit}: shared by every instance, so the limits are per process
   * (or cluster), not per event loop; {@code bridgeSockets}: the bridge's sockets, counted over them all.
   */
  public EventsApiVerticle(LineProviderConfig config, ConcurrencyLimit concurrency, RateLimiter writeLimit,
                           ClientSockets bridgeSockets) {
    this.config = config;
    this.bridgeSockets = bridgeSockets;
    this.concurrency = concurrency;
    this.writeLimit = writeLimit;
    this.requestOptions = LocalBus.options(config.http().requestTimeoutMs());
    this.writeTimeoutMs = config.http().requestTimeoutMs();
    // The repository answers every write itself, at the latest when its commit is confirmed or
    // found unknown: this answer never comes from a time-out while the write may still commit.
    this.writeOptions = LocalBus.options(writeTimeoutMs + EventWrites.COMMIT_TIMEOUT_MS + 1_000);
  }

  @Override
  public Future<?> start() {
    Readiness readiness = new Readiness(vertx, Map.of(
      "postgres", List.of(Addresses.READY_POSTGRES),
      "redis", List.of(Addresses.READY_REDIS),
      "rabbitmq", List.of(Addresses.READY_RABBITMQ_REQUESTS, Addresses.READY_RABBITMQ_OUTBOX)),
      config.http().readyTimeoutMs());
    BodyHandler body = Routers.jsonBody(config.http().maxBodyBytes());

    Router router = Routers.base(vertx, readiness, OPENAPI, config.http(), LineProviderMeters.of(vertx).meters());
    Bearer bearer = Bearer.create(vertx, config.auth());
    // The operator's credential is checked on routes of its own, ahead of the body handler (which must come first on a route).
    // A write counts against its operator (or, without a valid credential, its address) in the share of requests in flight
    // and the write rate limit before a bad credential's 401, so requests with bad credentials are limited too.
    var operator = bearer.identifyOperator(ApiKey.of(config.apiKey()));
    var limited = concurrency.handler(Bearer::client);
    var writes = writeLimit.handler(Bearer::client);
    router.post("/event").handler(operator).handler(limited).handler(writes).handler(Bearer.requireOperator());
    router.put("/event").handler(operator).handler(limited).handler(writes).handler(Bearer.requireOperator());
    router.post("/event").handler(body).handler(this::create);
    router.put("/event").handler(body).handler(this::update);
    var identify = bearer.identify();
    router.get("/event/:event_id").handler(identify).handler(limited).handler(this::getOne);
    router.get("/events").handler(identify).handler(limited).handler(this::list);
    bridge = LineBridge.mount(vertx, router, bridgeSockets);
    Routers.pages(router, "line-provider");

    return Routers.serve(vertx, router, LineBridge.limitFrames(Routers.serverOptions(config.http())), LineProviderMeters.SERVICE, OPENAPI);
  }

  @Override
  public Future<?> stop() {
    if (bridge != null) {
      bridge.close();
    }
    return Future.succeededFuture();
  }

  private void create(RoutingContext ctx) {
    Batch<NewEvent> batch;
    try {
      batch = EventInputs.parseCreate(Responses.jsonBody(ctx));
    } catch (ValidationException e) {
      ctx.fail(400, e);
      return;
    }
    EventsBus.create(vertx, new CreateEvents(batch.items(), batch.single(), Tracing.current(vertx),
        System.currentTimeMillis() + writeTimeoutMs), writeOptions)
      .onSuccess(events -> {
        List<EventState> created = events.events();
        if (batch.single()) {
          ctx.response().putHeader("Location", "/event/" + created.get(0).eventId());
        }
        Responses.json(ctx, 201, shape(created, batch.single()));
      })
      .onFailure(failure -> ctx.fail(unanswered(failure)));
  }

  private void update(RoutingContext ctx) {
    Batch<EventChange> batch;
    try {
      batch = EventInputs.parseUpdate(Responses.jsonBody(ctx));
    } catch (ValidationException e) {
      ctx.fail(400, e);
      return;
    }
    EventsBus.update(vertx, new UpdateEvents(batch.items(), batch.single(), Tracing.current(vertx),
        System.currentTimeMillis() + writeTimeoutMs), writeOptions)
      .onSuccess(events -> Responses.json(ctx, 200, shape(events.events(), batch.single())))
      .onFailure(failure -> ctx.fail(unanswered(failure)));
  }

  /**
   * A write the repository did not answer in time. It answers every write itself, at the latest
   * when its commit is confirmed or found unknown, and this side waits longer than that; if the wait
   * runs out all the same (an event loop held up, say), the write may still commit: that is not a
   * 503 (nothing stored) but an unknown outcome, as bet-maker answers a placement it lost track of.
   */
  private static Throwable unanswered(Throwable failure) {
    if (!Failures.isTimeout(failure)) {
      return failure;
    }
    return Problem.outcomeUnknown("line-provider did not learn in time whether this change was stored; read the event to learn"
      + " whether it was").exception();
  }

  private void getOne(RoutingContext ctx) {
    String eventId = ctx.pathParam("event_id");
    if (!EventIds.isValid(eventId)) {
      Errors errors = new Errors(null);
      EventIds.parse(eventId, "event_id", errors);
      ctx.fail(400, new ValidationException(errors.list()));
      return;
    }
    EventsBus.get(vertx, new GetEvent(eventId), requestOptions)
      .onSuccess(event -> Responses.json(ctx, 200, event.toJson()))
      .onFailure(ctx::fail);
  }

  private void list(RoutingContext ctx) {
    QueryParams query = QueryParams.read(ctx.queryParams(), LIST_PARAMS);
    EventStatus status = query.get("status") == null ? null
      : EventStatus.parse(query.get("status"), "status", query.errors());
    int limit = query.limit("limit", DEFAULT_PAGE, MAX_PAGE);
    String after = query.cursor("cursor", EventIds::isValid);
    if (!query.acceptedBy(ctx)) {
      return;
    }
    EventsBus.list(vertx, new ListEvents(status, false, after, limit), requestOptions)
      .onSuccess(page -> {
        if (page.nextAfter() != null) {
          String next = QueryParams.encodeCursor(page.nextAfter());
          ctx.response().putHeader("Next-Cursor", next);
          StringBuilder link = new StringBuilder("</events?limit=").append(limit);
          if (status != null) {
            link.append("&status=").append(status.name());
          }
          ctx.response().putHeader("Link", link.append("&cursor=").append(next).append(">; rel=\"next\"").toString());
        }
        Responses.json(ctx, 200, shape(page.events(), false));
      })
      .onFailure(ctx::fail);
  }

  private static Object shape(List<EventState> events, boolean single) {
    if (single) {
      return events.get(0).toJson();
    }
    JsonArray array = new JsonArray();
    events.forEach(event -> array.add(event.toJson()));
    return array;
  }
}
