package io.eventwalker.betmaker.wallet;

import io.eventwalker.betmaker.bus.WalletBus;
import io.eventwalker.betmaker.bus.WalletMessages.GetWallet;
import io.eventwalker.betmaker.bus.WalletMessages.ListEntries;
import io.eventwalker.betmaker.bus.WalletMessages.MoveMoney;
import io.eventwalker.betmaker.config.BetMakerConfig;
import io.eventwalker.platform.Decimals;
import io.eventwalker.platform.auth.Bearer;
import io.eventwalker.platform.auth.Identity;
import io.eventwalker.platform.eventbus.LocalBus;
import io.eventwalker.platform.http.QueryParams;
import io.eventwalker.platform.http.Responses;
import io.eventwalker.platform.validation.Batch;
import io.eventwalker.platform.validation.Errors;
import io.eventwalker.platform.validation.ValidationException;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The wallet's routes (SPEC §7): {@code GET /wallet} and {@code GET /wallet/entries} for the player
 * of the token; {@code POST /wallet/deposits} and {@code POST /wallet/withdrawals} for an operator
 * (a token whose {@code roles} include {@code operator}), {@code Idempotency-Key} required.
 */
public final class WalletApi {

  /** At most 1 000 000 000.00 per movement (SPEC §7). */
  public static final BigDecimal MAX_AMOUNT = new BigDecimal("1000000000.00");
  private static final Set<String> MOVE_FIELDS = Set.of("player_id", "amount");
  private static final Set<String> ENTRIES_PARAMS = Set.of("limit", "cursor");
  private static final Pattern KEY = Pattern.compile("[\\x21-\\x7E]{1,255}");
  private static final int DEFAULT_PAGE = 100;
  private static final int MAX_PAGE = 1000;

  private final Vertx vertx;
  private final DeliveryOptions readOptions;
  private final long moveTimeoutMs;
  private final DeliveryOptions moveOptions;

  private WalletApi(Vertx vertx, BetMakerConfig config) {
    this.vertx = vertx;
    this.readOptions = LocalBus.options(config.http().requestTimeoutMs());
    this.moveTimeoutMs = config.placement().placeTimeoutMs();
    // The movement gives up before its deadline, and its commit takes at most BM_COMMIT_TIMEOUT_MS.
    this.moveOptions = LocalBus.options(moveTimeoutMs + config.placement().commitTimeoutMs() + 1_000);
  }

  /**
   * {@code limited}: the API's concurrency limit, after the caller is identified; {@code body}: the
   * JSON body handler with the API's size limit.
   */
  public static void mount(Vertx vertx, BetMakerConfig config, Router router, Handler<RoutingContext> limited, Bearer bearer,
                           BodyHandler body) {
    WalletApi api = new WalletApi(vertx, config);
    Handler<RoutingContext> operator = bearer.identifyOperator(sent -> false); // an operator's token only
    router.get("/wallet").handler(bearer.identify()).handler(limited).handler(Bearer.required()).handler(api::wallet);
    router.get("/wallet/entries").handler(bearer.identify()).handler(limited).handler(Bearer.required()).handler(api::entries);
    for (String path : new String[] {"/wallet/deposits", "/wallet/withdrawals"}) {
      boolean deposit = path.endsWith("deposits");
      // Two routes, as for POST /bet: the body is read only once the operator is known and counted.
      router.post(path).handler(operator).handler(limited).handler(Bearer.requireOperator());
      router.post(path).handler(body).handler(ctx -> api.move(ctx, deposit));
    }
  }

  private void wallet(RoutingContext ctx) {
    QueryParams query = QueryParams.read(ctx.queryParams(), Set.of());
    if (!query.acceptedBy(ctx)) {
      return;
    }
    WalletBus.get(vertx, new GetWallet(subject(ctx)), readOptions)
      .onSuccess(wallet -> Responses.json(ctx, 200, WalletJson.wallet(wallet)))
      .onFailure(ctx::fail);
  }

  private void entries(RoutingContext ctx) {
    QueryParams query = QueryParams.read(ctx.queryParams(), ENTRIES_PARAMS);
    int limit = query.limit("limit", DEFAULT_PAGE, MAX_PAGE);
    String cursor = query.cursor("cursor", position -> position.matches("[0-9]{1,18}"));
    if (!query.acceptedBy(ctx)) {
      return;
    }
    WalletBus.entries(vertx, new ListEntries(subject(ctx), cursor == null ? null : Long.parseLong(cursor), limit), readOptions)
      .onSuccess(page -> {
        if (page.nextBefore() != null) {
          ctx.response().putHeader("Next-Cursor", QueryParams.encodeCursor(String.valueOf(page.nextBefore())));
        }
        Responses.json(ctx, 200, WalletJson.entries(page.entries()));
      })
      .onFailure(ctx::fail);
  }

  /** A deposit or a withdrawal: {@code {player_id, amount}}, under the operator's {@code Idempotency-Key}. */
  private void move(RoutingContext ctx, boolean deposit) {
    String key = ctx.request().getHeader("Idempotency-Key");
    String player;
    BigDecimal amount;
    try {
      if (key == null) {
        throw new ValidationException("Idempotency-Key", "is required: a retry with the same key never moves the money twice");
      }
      if (!KEY.matcher(key).matches()) {
        throw new ValidationException("Idempotency-Key", "must be 1 to 255 visible ASCII characters");
      }
      if (!(Responses.jsonBody(ctx) instanceof Map<?, ?> raw)) {
        throw new ValidationException("", "must be a JSON object {player_id, amount}");
      }
      @SuppressWarnings("unchecked")
      Map<String, Object> fields = (Map<String, Object>) raw;
      Errors errors = new Errors(null);
      Batch.rejectUnknownFields(fields, MOVE_FIELDS, errors);
      player = playerId(fields.get("player_id"), errors);
      amount = fields.containsKey("amount") ? Decimals.positiveAmount(fields.get("amount"), "amount", MAX_AMOUNT, errors) : null;
      if (!fields.containsKey("amount")) {
        errors.add("amount", "is required");
      }
      errors.throwIfAny();
    } catch (ValidationException e) {
      ctx.fail(400, e);
      return;
    }
    Identity operator = ctx.get(Bearer.IDENTITY);
    MoveMoney move = new MoveMoney(operator.subject(), key, hash(ctx.request().path(), ctx.body().buffer()), player, amount, deposit,
      System.currentTimeMillis() + moveTimeoutMs);
    WalletBus.move(vertx, move, moveOptions)
      .onSuccess(moved -> {
        if (moved.replayed()) {
          ctx.response().putHeader("Idempotent-Replayed", "true");
        }
        ctx.response().setStatusCode(moved.status()).putHeader("Content-Type", "application/json").end(moved.body());
      })
      .onFailure(ctx::fail);
  }

  private static String playerId(Object raw, Errors errors) {
    if (raw == null) {
      errors.add("player_id", "is required");
      return null;
    }
    if (!(raw instanceof String id) || !Bearer.SUBJECT.matcher(id).matches()) {
      errors.add("player_id", "must be 1 to 64 characters of [A-Za-z0-9._@:-], a player's token subject");
      return null;
    }
    return id;
  }

  private static String subject(RoutingContext ctx) {
    Identity identity = ctx.get(Bearer.IDENTITY);
    return identity.subject();
  }

  /** SHA-256 of the route and body: the same key with another request is refused. */
  private static String hash(String path, Buffer body) {
    try {
      MessageDigest digest = MessageDigest.getInstance("SHA-256");
      digest.update(("POST " + path + "\n").getBytes(StandardCharsets.UTF_8));
      if (body != null) {
        digest.update(body.getBytes());
      }
      return HexFormat.of().formatHex(digest.digest());
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every Java runtime", e);
    }
  }
}
