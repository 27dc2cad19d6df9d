package io.eventwalker.betmaker.idempotency;

import io.eventwalker.betmaker.bets.Bet;
import io.eventwalker.betmaker.bets.BetQueries;
import io.eventwalker.betmaker.bets.BetResponses;
import io.eventwalker.betmaker.bus.BetMessages.ClaimKey;
import io.eventwalker.betmaker.bus.BetMessages.KeyInFlight;
import io.eventwalker.betmaker.bus.BetMessages.KeyReused;
import io.eventwalker.betmaker.bus.BetMessages.KeyUnconfirmed;
import io.eventwalker.betmaker.bus.BetMessages.OutcomeUnknown;
import io.eventwalker.betmaker.bus.BetMessages.PlaceBets;
import io.eventwalker.betmaker.bus.BetMessages.Placed;
import io.eventwalker.betmaker.bus.BetMessages.Placement;
import io.eventwalker.betmaker.bus.BetMessages.ReleaseKey;
import io.eventwalker.betmaker.bus.BetMessages.Replayed;
import io.eventwalker.betmaker.bus.IdempotencyBus;
import io.eventwalker.betmaker.config.BetMakerConfig;
import io.eventwalker.platform.eventbus.LocalBus;
import io.eventwalker.platform.http.Failures;
import io.eventwalker.platform.validation.ValidationException;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.UUID;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * {@code Idempotency-Key} around placement (SPEC §2), per player: the request's hash, the claim of
 * the key for a lease ({@link IdempotencyKeysVerticle}), the first answer replayed, the key released
 * when nothing was stored, and the answer recorded in the same transaction as the bets
 * ({@link #complete}). A retry with the same key and body gets the first answer and creates nothing.
 */
public final class IdempotentPlacement {

  private static final Pattern KEY = Pattern.compile("[\\x21-\\x7E]{1,255}");

  private final Vertx vertx;
  private final DeliveryOptions options;
  private final long leaseMillis;

  public IdempotentPlacement(Vertx vertx, BetMakerConfig config) {
    this.vertx = vertx;
    this.options = LocalBus.options(config.http().requestTimeoutMs());
    // Longer than the placement may run and commit. (A takeover never races a commit in any case:
    // completing a key checks the claim and holds its row until the commit.)
    this.leaseMillis = config.placement().placeTimeoutMs() + config.placement().commitTimeoutMs() + 1_000;
  }

  /** Refuses a header that is not a key. */
  public static void check(String key) throws ValidationException {
    if (key != null && !KEY.matcher(key).matches()) {
      throw new ValidationException("Idempotency-Key", "must be 1 to 255 visible ASCII characters");
    }
  }

  /**
   * Places the bets through {@code placement} (given the claim, or null without a key), unless the
   * key says otherwise: the first answer replayed, in flight, reused with another body, or a claim
   * not confirmed. Fails only when the claim failed otherwise (the keys' store unavailable).
   */
  public Future<Placement> place(String player, String key, Buffer body, Function<ClaimKey, Future<Placement>> placement) {
    if (key == null) {
      return placement.apply(null);
    }
    ClaimKey claim = new ClaimKey(player, key, hash(body), UUID.randomUUID(), leaseMillis);
    return IdempotencyBus.claim(vertx, claim, options).transform(claimed -> {
      if (claimed.failed()) {
        return Failures.isTimeout(claimed.cause()) ? Future.succeededFuture(new KeyUnconfirmed(leaseMillis))
          : Future.failedFuture(claimed.cause());
      }
      switch (claimed.result().outcome()) {
        case CLAIMED:
          return placement.apply(claim).compose(outcome -> released(claim, outcome));
        case REPLAY:
          return Future.succeededFuture(new Replayed(claimed.result().status(), claimed.result().body()));
        case IN_FLIGHT:
          return Future.succeededFuture(new KeyInFlight());
        default:
          return Future.succeededFuture(new KeyReused());
      }
    });
  }

  /**
   * Frees the key of a placement that stored nothing, before the answer (a retry right after it
   * must not find the key still claimed). A release that fails leaves a claim whose lease lapses.
   */
  private Future<Placement> released(ClaimKey claim, Placement outcome) {
    if (outcome instanceof Placed || outcome instanceof OutcomeUnknown) {
      return Future.succeededFuture(outcome);
    }
    return IdempotencyBus.release(vertx, new ReleaseKey(claim.playerId(), claim.key(), claim.token()), options)
      .transform(released -> Future.succeededFuture(outcome));
  }

  /**
   * Records each keyed request's answer ({@code bets}: its stored bets, null if refused) inside the
   * transaction that stores the bets; completes with false (the transaction must roll back) if any
   * of their claims was taken over.
   */
  public static Future<Boolean> complete(SqlClient conn, List<PlaceBets> requests, List<List<Bet>> bets) {
    List<String> players = new ArrayList<>();
    List<String> keys = new ArrayList<>();
    List<UUID> tokens = new ArrayList<>();
    List<String> responses = new ArrayList<>();
    for (int r = 0; r < requests.size(); r++) {
      PlaceBets request = requests.get(r);
      if (request.idempotency() != null && bets.get(r) != null) {
        players.add(request.playerId());
        keys.add(request.idempotency().key());
        tokens.add(request.idempotency().token());
        responses.add(BetResponses.created(bets.get(r), request.single()));
      }
    }
    if (keys.isEmpty()) {
      return Future.succeededFuture(true);
    }
    return conn.preparedQuery(BetQueries.COMPLETE_KEYS)
      .execute(Tuple.of(players.toArray(String[]::new), keys.toArray(String[]::new), tokens.toArray(UUID[]::new),
        responses.toArray(String[]::new)))
      .map(completed -> completed.rowCount() == keys.size());
  }

  private static String hash(Buffer body) {
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
}
