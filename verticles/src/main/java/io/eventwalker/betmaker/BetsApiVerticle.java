package io.eventwalker.betmaker;

import io.eventwalker.shared.http.Failures;
import io.eventwalker.betmaker.BetMessages.BetPage;
import io.eventwalker.betmaker.BetMessages.ClaimKey;
import io.eventwalker.betmaker.BetMessages.EventPage;
import io.eventwalker.betmaker.BetMessages.GetBet;
import io.eventwalker.betmaker.BetMessages.KeyClaim;
import io.eventwalker.betmaker.BetMessages.ListBets;
import io.eventwalker.betmaker.BetMessages.OpenEvents;
import io.eventwalker.betmaker.BetMessages.PlaceBets;
import io.eventwalker.betmaker.BetMessages.PlacedBets;
import io.eventwalker.betmaker.BetMessages.ReleaseKey;
import io.eventwalker.shared.config.Settings;
import io.eventwalker.shared.http.ConcurrencyLimit;
import io.eventwalker.shared.http.Problem;
import io.eventwalker.shared.http.Problems;
import io.eventwalker.shared.http.QueryParams;
import io.eventwalker.shared.http.RateLimiter;
import io.eventwalker.shared.http.Readiness;
import io.eventwalker.shared.http.Responses;
import io.eventwalker.shared.http.Routers;
import io.eventwalker.shared.validation.Batch;
import io.eventwalker.shared.validation.ValidationException;
import io.eventwalker.shared.wire.EventIds;
import io.eventwalker.shared.wire.EventState;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Pattern;

/** bet-maker's HTTP API (port 8000): parse and validate, ask the other verticles, answer. */
public final class BetsApiVerticle extends VerticleBase {

  private static final Set<String> LIST_BETS_PARAMS = Set.of("status", "event_id", "limit", "cursor");
  private static final Set<String> LIST_EVENTS_PARAMS = Set.of("limit", "cursor");
  private static final Pattern IDEMPOTENCY_KEY = Pattern.compile("[\\x21-\\x7E]{1,255}");
  private static final Pattern BET_ID = Pattern.compile("[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");
  private static final int DEFAULT_BETS_PAGE = 100;
  private static final int MAX_PAGE = 1000;
  private static final String OPENAPI = "openapi/bet-maker.json";

  private final RateLimiter rateLimiter;
  private final ConcurrencyLimit concurrency;
  private DeliveryOptions requestOptions;
  private BigDecimal maxSumBet;
  private long placeTimeoutMs;
  private long commitTimeoutMs;

  /** {@code rateLimiter}, {@code concurrency}: shared by every instance, so the limits are per process, not per event loop. */
  BetsApiVerticle(RateLimiter rateLimiter, ConcurrencyLimit concurrency) {
    this.rateLimiter = rateLimiter;
    this.concurrency = concurrency;
  }

  @Override
  public Future<?> start() {
    Settings settings = new Settings("bet-maker", config());
    requestOptions = new DeliveryOptions().setSendTimeout(settings.integer("REQUEST_TIMEOUT_MS", 100, 60_000, 5_000));
    maxSumBet = BetRequest.maxSumBet(settings);
    placeTimeoutMs = settings.integer("BM_PLACE_TIMEOUT_MS", 100, 600_000);
    commitTimeoutMs = settings.integer("BM_COMMIT_TIMEOUT_MS", 100, 600_000);
    Readiness readiness = new Readiness(vertx, Map.of(
      "postgres", List.of(Addresses.READY_POSTGRES),
      "redis", List.of(Addresses.READY_REDIS),
      "rabbitmq", List.of(Addresses.READY_RABBITMQ_LINE, Addresses.READY_RABBITMQ_UPDATES)),
      Map.of("event_conflicts", Addresses.READY_CONFLICTS),
      settings.integer("READY_TIMEOUT_MS", 100, 60_000, 2_000));
    BodyHandler body = Routers.jsonBody(settings.longValue("BM_MAX_BODY_BYTES", 1024, 64L << 20));

    Router router = Routers.base(vertx, readiness, OPENAPI);
    var limited = concurrency.handler();
    router.post("/bet").handler(limited).handler(rateLimiter.handler()); // their own route, ahead of the body handler
    router.post("/bet").handler(body).handler(this::placeBets);
    router.get("/bets").handler(limited).handler(this::listBets);
    router.get("/bet/:bet_id").handler(limited).handler(this::getBet);
    router.get("/events").handler(limited).handler(this::openEvents);
    Routers.pages(router, "bet-maker");
    router.route("/eventbus/*").handler(Routers.sameOrigin(allowedOrigins(settings)))
      .handler(LiveListeners.admission(vertx, settings.integer("BM_BRIDGE_MAX_SOCKETS_PER_CLIENT", 1, 1_000_000)));
    router.route("/eventbus/*").subRouter(LiveBridge.create(vertx, settings));

    HttpServerOptions options = new HttpServerOptions()
      .setHost(settings.string("BM_HTTP_HOST"))
      .setPort(settings.integer("BM_HTTP_PORT", 0, 65535))
      .setIdleTimeout(settings.integer("HTTP_IDLE_TIMEOUT_S", 1, 3600, 60));
    return Routers.serve(vertx, router, options, "bet-maker", OPENAPI);
  }

  private static Set<String> allowedOrigins(Settings settings) {
    Set<String> origins = new java.util.HashSet<>();
    for (String origin : settings.string("BM_BRIDGE_ALLOWED_ORIGINS", "").split(",")) {
      if (!origin.isBlank()) {
        origins.add(origin.trim());
      }
    }
    return origins;
  }

  // ---- POST /bet ----

  private void placeBets(RoutingContext ctx) {
    String key = ctx.request().getHeader("Idempotency-Key");
    Batch<BetRequest> batch;
    try {
      if (key != null && !IDEMPOTENCY_KEY.matcher(key).matches()) {
        throw new ValidationException("Idempotency-Key", "must be 1 to 255 visible ASCII characters");
      }
      batch = BetRequest.parse(Responses.jsonBody(ctx), maxSumBet);
    } catch (ValidationException e) {
      ctx.fail(400, e);
      return;
    }
    long deadline = System.currentTimeMillis() + placeTimeoutMs;
    ClaimKey claim = key == null ? null
      : new ClaimKey(key, requestHash(ctx.body().buffer()), UUID.randomUUID(), claimLeaseMillis());
    Future<Boolean> proceed = claim == null ? Future.succeededFuture(true) : claim(ctx, claim);
    proceed.onSuccess(go -> {
      if (go) {
        place(batch, claim, deadline)
          .onSuccess(placed -> {
            List<Bet> bets = placed.bets();
            if (batch.single()) {
              ctx.response().putHeader("Location", "/bet/" + bets.get(0).betId());
            }
            ctx.response().setStatusCode(201).putHeader("Content-Type", "application/json")
              .end(BetRepositoryVerticle.responseBody(bets, batch.single()));
          })
          .onFailure(failure -> {
            Problem problem = placementProblem(failure);
            if (claim != null && !problem.isOutcomeUnknown()) {
              // Nothing was stored: the key is free for a fresh attempt.
              vertx.eventBus().request(Addresses.IDEMPOTENCY_RELEASE, new ReleaseKey(claim.key(), claim.token()), requestOptions);
            }
            ctx.fail(problem.exception());
          });
      }
    }).onFailure(ctx::fail);
  }

  /**
   * How long a claimed key stays this request's before a retry may take it over: longer than the
   * placement may run and commit. (A takeover never races a commit in any case: completing a key
   * checks the claim and holds its row until the commit.)
   */
  private long claimLeaseMillis() {
    return placeTimeoutMs + commitTimeoutMs + 1_000;
  }

  /**
   * The answer to a failed placement. The repository answers every placement within its deadline
   * plus the commit; if it still has not, the outcome is unknown, and so is one whose commit was
   * not confirmed. Every other failure stored nothing.
   */
  private static Problem placementProblem(Throwable failure) {
    if (Failures.isTimeout(failure)) {
      return Problem.outcomeUnknown("bet-maker did not learn in time whether these bets were stored: retry with the same"
        + " Idempotency-Key to learn which (GET /bets shows them if they were)");
    }
    Problem problem = Failures.problem(failure);
    return problem != null ? problem : Problem.of(503, "the bets could not be placed; nothing was stored; try again");
  }

  /** Completes with true when this request owns the key; otherwise answers the request itself. */
  private Future<Boolean> claim(RoutingContext ctx, ClaimKey claim) {
    return vertx.eventBus().<KeyClaim>request(Addresses.IDEMPOTENCY_CLAIM, claim, requestOptions).map(reply -> {
      KeyClaim outcome = reply.body();
      switch (outcome.outcome()) {
        case CLAIMED:
          return true;
        case REPLAY:
          ctx.response().setStatusCode(outcome.status())
            .putHeader("Content-Type", "application/json")
            .putHeader("Idempotent-Replayed", "true")
            .end(outcome.body());
          return false;
        case IN_FLIGHT:
          ctx.response().putHeader("Retry-After", "1");
          Problems.write(ctx, Problem.of(409, "a request with this Idempotency-Key is still in progress; retry later"));
          return false;
        default:
          Problems.write(ctx, Problem.of(422, "this Idempotency-Key was already used with a different request"));
          return false;
      }
    });
  }

  /**
   * Stores the bets; the repository checks them against line-provider's current states. It gives
   * up on them, storing nothing, once {@code deadline} passes before their commit, and a commit
   * takes at most {@code BM_COMMIT_TIMEOUT_MS}: the wait here is longer than both.
   */
  private Future<PlacedBets> place(Batch<BetRequest> batch, ClaimKey claim, long deadline) {
    long wait = Math.max(0, deadline - System.currentTimeMillis()) + commitTimeoutMs + 1_000;
    return vertx.eventBus().<PlacedBets>request(Addresses.BETS_PLACE, new PlaceBets(batch.items(), batch.single(), claim, deadline),
        new DeliveryOptions().setSendTimeout(wait))
      .map(reply -> reply.body());
  }

  private static String requestHash(Buffer body) {
    try {
      MessageDigest digest = MessageDigest.getInstance("SHA-256");
      digest.update("POST /bet\n".getBytes(StandardCharsets.UTF_8));
      if (body != null) {
        digest.update(body.getBytes());
      }
      return HexFormat.of().formatHex(digest.digest());
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every Java runtime", e);
    }
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
    vertx.eventBus().<BetPage>request(Addresses.BETS_LIST, new ListBets(status, eventId, before, limit), requestOptions)
      .onSuccess(reply -> {
        BetPage page = reply.body();
        if (page.nextBefore() != null) {
          ctx.response().putHeader("Next-Cursor", QueryParams.encodeCursor(String.valueOf(page.nextBefore())));
        }
        JsonArray array = new JsonArray();
        page.bets().forEach(bet -> array.add(bet.toJson()));
        Responses.json(ctx, 200, array);
      })
      .onFailure(ctx::fail);
  }

  private void getBet(RoutingContext ctx) {
    String raw = ctx.pathParam("bet_id");
    if (!BET_ID.matcher(raw).matches()) {
      ctx.fail(400, new ValidationException("bet_id", "must be a UUID"));
      return;
    }
    vertx.eventBus().<Bet>request(Addresses.BETS_GET, new GetBet(UUID.fromString(raw)), requestOptions)
      .onSuccess(reply -> Responses.json(ctx, 200, reply.body().toJson()))
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
    vertx.eventBus().<EventPage>request(Addresses.LINE_OPEN_EVENTS, new OpenEvents(after, limit), requestOptions)
      .onSuccess(reply -> {
        EventPage page = reply.body();
        if (page.nextAfter() != null) {
          ctx.response().putHeader("Next-Cursor", QueryParams.encodeCursor(page.nextAfter()));
        }
        ctx.response().putHeader("Content-Type", "application/json").end(openEventsBody(page));
      })
      .onFailure(ctx::fail);
  }
}
