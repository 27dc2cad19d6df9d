package io.eventwalker.betmaker;

import io.eventwalker.testing.Await;
import io.eventwalker.testing.BridgeClient;
import io.eventwalker.testing.TestSystem;

import java.time.Duration;

/**
 * Registering a bet's or a player's address on bet-maker's bridge, as its owner. The bridge takes such a register
 * only after its owner check ({@code Owners}: for a bet, a read of the database), and handles the frames that follow
 * it meanwhile: an answer to a later frame, {@link BridgeClient#sync}'s included, does not mean the register took
 * effect. The wait is for what settlement itself consults ({@code LiveListeners.heard}), counted once the bridge
 * listens on the address.
 */
final class BridgeRegistrations {

  private BridgeRegistrations() {
  }

  /** Registers {@code address} on {@code client} with {@code token} and waits until bet-maker listens on it. */
  static void registerOwned(TestSystem system, BridgeClient client, String address, String token) {
    client.register(address, token);
    Await.until("bet-maker's bridge listening on " + address, Duration.ofSeconds(10),
      () -> system.bridges().listeners().heard().test(address));
  }
}
