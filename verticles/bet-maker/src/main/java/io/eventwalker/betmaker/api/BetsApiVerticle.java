package io.eventwalker.betmaker.api;

import io.eventwalker.betmaker.bets.BetRequest;
import io.eventwalker.betmaker.bets.BetResponses;
import io.eventwalker.betmaker.bets.BetStatus;
import io.eventwalker.betmaker.bus.Addresses;
import io.eventwalker.betmaker.bus.BetMessages.ClaimKey;
import io.eventwalker.betmaker.bus.BetMessages.GetBet;
import io.eventwalker.betmaker.bus.BetMessages.ListBets;
import io.eventwalker.betmaker.bus.BetMessages.OpenEvents;
import io.eventwalker.betmaker.bus.BetMessages.PlaceBets;
import io.eventwalker.betmaker.bus.BetMessages.Placement;
import io.eventwalker.betmaker.bus.LineProviderBus;
import io.eventwalker.betmaker.bus.PlacementBus;
import io.eventwalker.betmaker.bus.ReadsBus;
import io.eventwalker.betmaker.config.BetMakerConfig;
import io.eventwalker.betmaker.conflicts.ConflictsApi;
import io.eventwalker.betmaker.idempotency.IdempotentPlacement;
import io.eventwalker.betmaker.live.BridgeState;
import io.eventwalker.betmaker.live.LiveBridge;
import io.eventwalker.betmaker.live.LiveSockets;
import io.eventwalker.betmaker.metrics.BetMeters;
import io.eventwalker.betmaker.wallet.WalletApi;
import io.eventwalker.platform.auth.Bearer;
import io.eventwalker.platform.auth.Identity;
import io.eventwalker.platform.eventbus.LocalBus;
import io.eventwalker.platform.http.ConcurrencyLimit;
import io.eventwalker.platform.http.Problem;
import io.eventwalker.platform.http.Problems;
import io.eventwalker.platform.http.QueryParams;
import io.eventwalker.platform.http.RateLimiter;
import io.eventwalker.platform.http.Readiness;
import io.eventwalker.platform.http.Responses;
import io.eventwalker.platform.http.Routers;
import io.eventwalker.platform.tracing.Tracing;
import io.eventwalker.platform.validation.Batch;
import io.eventwalker.platform.validation.ValidationException;
import io.eventwalker.wire.EventIds;
import io.eventwalker.wire.EventPage;
import io.eventwalker.wire.EventState;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;

import java.math.BigDecimal;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Pattern;

/** bet-maker's HTTP API (port 8000): parse and validate, ask the other verticles, answer. */
public final class BetsApiVerticle extends VerticleBase {

  private static final Set<String> LIST_BETS_PARAMS = Set.of("status", "event_id", "limit", "cursor");
  private static final Set<String> LIST_EVENTS_PARAMS = Set.of("limit", "cursor");
  private static final Pattern BET_ID = Pattern.compile("[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");
  private static final int DEFAULT_BETS_PAGE = 100;
  private static final int MAX_PAGE = 1000;
  public static final String OPENAPI = "openapi/bet-maker.json";

  private final BetMakerConfig config;
  private final RateLimiter rateLimiter;
  private final ConcurrencyLimit concurrency;
  private final BridgeState bridges;
  private final DeliveryOptions requestOptions;
  private final BigDecimal maxSumBet;
  private final long placeTimeoutMs;
  private final long commitTimeoutMs;
  private Bearer bearer;
  private LiveSockets sockets;
  private BetMeters meters;
  private IdempotentPlacement idempotency;

  /**
   * {@code rateLimiter}, {@code concurrency}: shared by every instance, so the limits are per process,
   * not per event loop; {@code bridges}: what the bridge on its port shares with the process's others.
   */
  public BetsApiVerticle(BetMakerConfig config, RateLimiter rateLimiter, ConcurrencyLimit concurrency, BridgeState bridges) {
    this.config = config;
    this.bridges = bridges;
    this.rateLimiter = rateLimiter;
    this.concurrency = concurrency;
    this.requestOptions = LocalBus.options(config.http().requestTimeoutMs());
    this.maxSumBet = config.placement().maxSumBet();
    this.placeTimeoutMs = config.placement().placeTimeoutMs();
    this.commitTimeoutMs = config.placement().commitTimeoutMs();
  }

  @Override
  public Future<?> start() {
    bearer = Bearer.create(vertx, config.auth());
    meters = BetMeters.of(vertx);
    idempotency = new IdempotentPlacement(vertx, config);
    Readiness readiness = new Readiness(vertx, Map.of(
      "postgres", List.of(Addresses.READY_POSTGRES),
      "redis", List.of(Addresses.READY_REDIS),
      "rabbitmq", List.of(Addresses.READY_RABBITMQ_LINE, Addresses.READY_RABBITMQ_UPDATES)),
      Map.of("event_conflicts", Addresses.READY_CONFLICTS),
      config.http().readyTimeoutMs());
    BodyHandler body = Routers.jsonBody(config.http().maxBodyBytes());

    Router router = Routers.base(vertx, readiness, OPENAPI, config.http(), meters.meters());
    var identify = bearer.identify();
    // Counted against the player of a valid token, else the client address (SPEC §5: a share each).
    var limited = concurrency.handler(Bearer::client);
    var player = Bearer.required();
    // Their own route, ahead of the body handler: a request counts against its player (or, without a
    // valid token, its address) before a bad token's 401, so requests with bad tokens are limited too.
    router.post("/bet").handler(identify).handler(limited).handler(rateLimiter.handler(Bearer::client)).handler(player);
    router.post("/bet").handler(body).handler(this::placeBets);
    router.get("/bets").handler(identify).handler(limited).handler(player).handler(this::listBets);
    router.get("/bet/:bet_id").handler(identify).handler(limited).handler(player).handler(this::getBet);
    router.get("/events").handler(identify).handler(limited).handler(this::openEvents);
    ConflictsApi.mount(vertx, config, router, limited, bearer);
    WalletApi.mount(vertx, config, router, limited, bearer, body);
    Routers.pages(router, "bet-maker");
    sockets = LiveBridge.mount(vertx, router, config, bearer, bridges);
    return Routers.serve(vertx, router, LiveBridge.limitFrames(Routers.serverOptions(config.http()), config.bridge().limits()),
      BetMeters.SERVICE, OPENAPI);
  }

  @Override
  public Future<?> stop() {
    if (sockets != null) {
      sockets.stop();
    }
    return Future.succeededFuture();
  }

  // ---- POST /bet ----

  /** Parse and validate, then placement wrapped in the key's rules, then the answer ({@link PlacementAnswers}). */
  private void placeBets(RoutingContext ctx) {
    String player = player(ctx);
    String key = ctx.request().getHeader("Idempotency-Key");
    Batch<BetRequest> batch;
    try {
      IdempotentPlacement.check(key);
      batch = BetRequest.parse(Responses.jsonBody(ctx), maxSumBet);
    } catch (ValidationException e) {
      meters.refused("invalid");
      ctx.fail(400, e);
      return;
    }
    long deadline = System.currentTimeMillis() + placeTimeoutMs;
    idempotency.place(player, key, ctx.body().buffer(), claim -> place(player, batch, claim, deadline))
      .onSuccess(outcome -> PlacementAnswers.send(ctx, outcome, batch.single()))
      .onFailure(ctx::fail);
  }

  /**
   * Stores the bets; placement checks them against line-provider's current states. It gives
   * up on them, storing nothing, once {@code deadline} passes before their commit, and a commit
   * takes at most {@code BM_COMMIT_TIMEOUT_MS}: the wait here is longer than both.
   */
  private Future<Placement> place(String player, Batch<BetRequest> batch, ClaimKey claim, long deadline) {
    long wait = Math.max(0, deadline - System.currentTimeMillis()) + commitTimeoutMs + 1_000;
    return PlacementBus.place(vertx, new PlaceBets(player, batch.items(), batch.single(), claim, deadline, Tracing.current(vertx)), wait)
      .recover(failure -> Future.succeededFuture(PlacementAnswers.unanswered(failure)))
      .onSuccess(meters::placement);
  }

  /** The player of the request's token (verified by {@link Bearer#required} before any bet route). */
  private static String player(RoutingContext ctx) {
    Identity identity = ctx.get(Bearer.IDENTITY);
    return identity.subject();
  }

  // ---- GET /bets, GET /bet/{bet_id} ----

  private void listBets(RoutingContext ctx) {
    QueryParams query = QueryParams.read(ctx.queryParams(), LIST_BETS_PARAMS);
    BetStatus status = query.get("status") == null ? null : BetStatus.parse(query.get("status"), "status", query.errors());
    String eventId = query.get("event_id") == null ? null : EventIds.parse(query.get("event_id"), "event_id", query.errors());
    int limit = query.limit("limit", DEFAULT_BETS_PAGE, MAX_PAGE);
    String cursor = query.cursor("cursor", position -> position.matches("[0-9]{1,18}"));
    Long before = cursor == null ? null : Long.parseLong(cursor);
    if (!query.acceptedBy(ctx)) {
      return;
    }
    ReadsBus.list(vertx, new ListBets(player(ctx), status, eventId, before, limit), requestOptions)
      .onSuccess(page -> {
        if (page.nextBefore() != null) {
          ctx.response().putHeader("Next-Cursor", QueryParams.encodeCursor(String.valueOf(page.nextBefore())));
        }
        Responses.json(ctx, 200, BetResponses.bets(page.bets()));
      })
      .onFailure(ctx::fail);
  }

  private void getBet(RoutingContext ctx) {
    String raw = ctx.pathParam("bet_id");
    if (!BET_ID.matcher(raw).matches()) {
      ctx.fail(400, new ValidationException("bet_id", "must be a UUID"));
      return;
    }
    ReadsBus.get(vertx, new GetBet(player(ctx), UUID.fromString(raw)), requestOptions)
      .onSuccess(bet -> {
        if (bet == null) {
          Problems.write(ctx, Problem.of(404, "no bet " + raw));
        } else {
          Responses.json(ctx, 200, BetResponses.bet(bet));
        }
      })
      .onFailure(ctx::fail);
  }

  // ---- GET /events ----

  /** The last page encoded: concurrent requests share one answer from line-provider, and its encoding. */
  private EventPage lastPage;
  private Buffer lastPageBody;

  private Buffer openEventsBody(EventPage page) {
    if (page != lastPage) {
      JsonArray array = new JsonArray();
      for (EventState event : page.events()) {
        JsonObject json = event.toJson();
        json.remove("version");
        array.add(json);
      }
      lastPageBody = array.toBuffer();
      lastPage = page;
    }
    return lastPageBody;
  }

  private void openEvents(RoutingContext ctx) {
    QueryParams query = QueryParams.read(ctx.queryParams(), LIST_EVENTS_PARAMS);
    int limit = query.limit("limit", MAX_PAGE, MAX_PAGE);
    String after = query.cursor("cursor", EventIds::isValid);
    if (!query.acceptedBy(ctx)) {
      return;
    }
    LineProviderBus.openEvents(vertx, new OpenEvents(after, limit), requestOptions)
      .onSuccess(page -> {
        if (page.nextAfter() != null) {
          ctx.response().putHeader("Next-Cursor", QueryParams.encodeCursor(page.nextAfter()));
        }
        ctx.response().putHeader("Content-Type", "application/json").end(openEventsBody(page));
      })
      .onFailure(ctx::fail);
  }
}
