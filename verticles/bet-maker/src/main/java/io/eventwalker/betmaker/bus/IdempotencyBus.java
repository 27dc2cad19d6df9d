package io.eventwalker.betmaker.bus;

import io.eventwalker.betmaker.bus.BetMessages.ClaimKey;
import io.eventwalker.betmaker.bus.BetMessages.KeyClaim;
import io.eventwalker.betmaker.bus.BetMessages.ReleaseKey;
import io.eventwalker.platform.eventbus.LocalBus;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;

/** The idempotency keys' addresses ({@code IdempotencyKeysVerticle}): claim and release a key. */
public final class IdempotencyBus {

  private IdempotencyBus() {
  }

  /** Claims {@code key} for this request: see {@code ClaimOutcome} for the answers. */
  public static Future<KeyClaim> claim(Vertx vertx, ClaimKey key, DeliveryOptions options) {
    return LocalBus.request(vertx, Addresses.IDEMPOTENCY_CLAIM, key, options);
  }

  /** Frees a key whose request stored nothing, so a retry may claim it at once. */
  public static Future<Void> release(Vertx vertx, ReleaseKey key, DeliveryOptions options) {
    return LocalBus.request(vertx, Addresses.IDEMPOTENCY_RELEASE, key, options).mapEmpty();
  }
}
