package io.eventwalker.betmaker.idempotency;

import io.eventwalker.betmaker.bets.BetQueries;
import io.eventwalker.betmaker.bus.Addresses;
import io.eventwalker.betmaker.bus.BetMessages.ClaimKey;
import io.eventwalker.betmaker.bus.BetMessages.ClaimOutcome;
import io.eventwalker.betmaker.bus.BetMessages.KeyClaim;
import io.eventwalker.betmaker.bus.BetMessages.ReleaseKey;
import io.eventwalker.betmaker.config.BetMakerConfig;
import io.eventwalker.platform.db.Databases;
import io.eventwalker.platform.http.Failures;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.Message;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The store of {@code POST /bet}'s {@code Idempotency-Key}s, for {@link IdempotentPlacement} (which
 * holds the rules): a key is claimed by a request before its bets are placed, completed with the
 * answer in the same transaction as the bets ({@link IdempotentPlacement#complete}), released when
 * nothing was stored, replayed afterwards, and purged after {@code BM_IDEMPOTENCY_RETENTION_S}.
 */
public final class IdempotencyKeysVerticle extends VerticleBase {

  private static final Logger LOG = LoggerFactory.getLogger(IdempotencyKeysVerticle.class);
  private static final long PURGE_EVERY_MS = 600_000;

  private final BetMakerConfig config;
  private Pool pool;

  public IdempotencyKeysVerticle(BetMakerConfig config) {
    this.config = config;
  }

  @Override
  public Future<?> start() {
    pool = Databases.pool(vertx, config.database(), "bet-maker");
    vertx.eventBus().<ClaimKey>localConsumer(Addresses.IDEMPOTENCY_CLAIM, this::claim);
    vertx.eventBus().<ReleaseKey>localConsumer(Addresses.IDEMPOTENCY_RELEASE, this::release);
    vertx.setPeriodic(PURGE_EVERY_MS, id -> purge(config.idempotencyRetentionS()));
    return Future.succeededFuture();
  }

  private void claim(Message<ClaimKey> msg) {
    claim(msg.body(), true)
      .onSuccess(msg::reply)
      .onFailure(failure -> fail(msg, failure));
  }

  /**
   * Claims a key for this attempt: a new key is claimed; a completed one is replayed; one claimed
   * by an attempt that may still commit is in flight; one whose claim lapsed, and whose row no
   * transaction holds, is taken over (that attempt can no longer complete it). The key is read
   * before it is inserted: an insert would wait for a transaction completing the key to end.
   */
  private Future<KeyClaim> claim(ClaimKey key, boolean again) {
    return pool.preparedQuery(BetQueries.READ_KEY).execute(Tuple.of(key.playerId(), key.key())).compose(rows -> {
      if (rows.size() == 0) {
        return pool.preparedQuery(BetQueries.CLAIM_KEY).execute(Tuple.of(key.playerId(), key.key(), key.requestHash(), key.token(), key.leaseMillis()))
          .compose(inserted -> inserted.size() > 0 ? Future.succeededFuture(new KeyClaim(ClaimOutcome.CLAIMED, 0, null))
            // Claimed by a concurrent attempt between our read and our insert: read it again.
            : again ? claim(key, false) : Future.succeededFuture(new KeyClaim(ClaimOutcome.IN_FLIGHT, 0, null)));
      }
      Row row = rows.iterator().next();
      if (!row.getString("request_hash").equals(key.requestHash())) {
        return Future.succeededFuture(new KeyClaim(ClaimOutcome.MISMATCH, 0, null));
      }
      if (row.getString("response") != null) {
        return Future.succeededFuture(new KeyClaim(ClaimOutcome.REPLAY, row.getInteger("status_code"), row.getString("response")));
      }
      if (!row.getBoolean("lapsed")) {
        return Future.succeededFuture(new KeyClaim(ClaimOutcome.IN_FLIGHT, 0, null));
      }
      return pool.preparedQuery(BetQueries.TAKE_OVER_KEY).execute(Tuple.of(key.playerId(), key.key(), key.token(), key.leaseMillis()))
        .compose(taken -> taken.size() > 0 ? Future.succeededFuture(new KeyClaim(ClaimOutcome.CLAIMED, 0, null))
          // Held by a transaction about to commit, or completed or released meanwhile: read it again.
          : again ? claim(key, false) : Future.succeededFuture(new KeyClaim(ClaimOutcome.IN_FLIGHT, 0, null)));
    });
  }

  private void release(Message<ReleaseKey> msg) {
    pool.preparedQuery(BetQueries.RELEASE_KEY).execute(Tuple.of(msg.body().playerId(), msg.body().key(), msg.body().token()))
      .onSuccess(rows -> msg.reply("OK"))
      .onFailure(failure -> fail(msg, failure));
  }

  private void purge(long retentionSeconds) {
    pool.preparedQuery(BetQueries.PURGE_KEYS).execute(Tuple.of(retentionSeconds))
      .onFailure(failure -> LOG.warn("idempotency key purge failed: {}", failure.getMessage()));
  }

  private static void fail(Message<?> msg, Throwable failure) {
    Failures.reply(msg, failure, LOG);
  }
}
