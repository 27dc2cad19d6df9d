package io.eventwalker.betmaker.live;

import io.eventwalker.betmaker.bus.Addresses;
import io.eventwalker.betmaker.cluster.ClusterWatch;

import java.util.Arrays;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;

/**
 * Per {@code bets.<bet_id>} and {@code players.<player_id>} address, the bridge sockets listening on
 * it (either bridge's), so that a settlement of many bets builds and publishes a push only for the
 * bets and players somebody watches ({@link SettlementPushes}). {@link LiveSession} reports each
 * socket's own registrations (an {@code unregister} for an address the socket never registered
 * changes nothing, and a socket's registrations end with it). One per bet-maker ({@link BridgeState}),
 * so the process's bridge verticles count together; with several bet-makers, the addresses listened
 * to are shared by them ({@link ClusterWatch}).
 */
public final class LiveListeners {

  private final ClusterWatch cluster;
  private final Map<String, Integer> listeners = new ConcurrentHashMap<>();

  /** Tells {@code cluster} of the first listener of an address and of its last. */
  public LiveListeners(ClusterWatch cluster) {
    this.cluster = cluster;
  }

  /** A socket registered {@code address}. */
  void started(String address) {
    if (isCounted(address)) {
      countListener(address, +1);
    }
  }

  /** A socket that had registered {@code address} unregistered it, or closed. */
  void stopped(String address) {
    if (isCounted(address)) {
      countListener(address, -1);
    }
  }

  /** Counts a socket's listening on a bet's or player's address; the first and the last tell the cluster ({@link ClusterWatch}). */
  private void countListener(String address, int delta) {
    listeners.compute(address, (k, count) -> {
      int before = count == null ? 0 : count;
      int next = before + delta;
      if ((before == 0) != (next <= 0)) {
        cluster.watching(address, next > 0);
      }
      return next > 0 ? next : null;
    });
  }

  /** Bets' and players' addresses are counted: their pushes are built only for those somebody listens to. */
  private static boolean isCounted(String address) {
    return address.startsWith(Addresses.LIVE_BET_PREFIX) || address.startsWith(Addresses.LIVE_PLAYER_PREFIX);
  }

  /** The players some bridge socket listens to (every settlement of their bets is pushed to them). */
  public String[] watchedPlayers() {
    return watchedAddresses().stream()
      .filter(address -> address.startsWith(Addresses.LIVE_PLAYER_PREFIX))
      .map(address -> address.substring(Addresses.LIVE_PLAYER_PREFIX.length()))
      .toArray(String[]::new);
  }

  /** The bets some bridge socket listens on (their settlement is pushed; nobody hears the others'). */
  public UUID[] watchedBets() {
    Set<String> addresses = watchedAddresses();
    UUID[] bets = new UUID[addresses.size()];
    int n = 0;
    for (String address : addresses) {
      if (!address.startsWith(Addresses.LIVE_BET_PREFIX)) {
        continue;
      }
      try {
        bets[n] = UUID.fromString(address.substring(Addresses.LIVE_BET_PREFIX.length()));
        n++;
      } catch (IllegalArgumentException notABet) {
        // only bets.<uuid> addresses are counted; the bridge permits no other
      }
    }
    return Arrays.copyOf(bets, n);
  }

  /** Whether some bridge socket listens on an address now (as of this call): on this instance, or on any when clustered. */
  public Predicate<String> heard() {
    return watchedAddresses()::contains;
  }

  /** The bets' and players' addresses some bridge socket listens on: this process's, or the cluster's. */
  private Set<String> watchedAddresses() {
    return cluster.addresses().orElseGet(() -> Set.copyOf(listeners.keySet()));
  }
}
