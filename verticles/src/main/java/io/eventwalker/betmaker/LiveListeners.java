package io.eventwalker.betmaker;

import io.eventwalker.platform.metrics.Meters;
import io.micrometer.core.instrument.Gauge;
import io.eventwalker.platform.http.ClientAddress;
import io.eventwalker.platform.http.Problem;
import io.eventwalker.platform.http.Problems;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.NetSocket;
import io.vertx.core.shareddata.LocalMap;
import io.vertx.ext.bridge.BaseBridgeEvent;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.sockjs.BridgeEvent;
import io.vertx.ext.web.handler.sockjs.SockJSSocket;

import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.Predicate;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The bridge's event hook. It admits at most {@code BM_BRIDGE_MAX_SOCKETS_PER_CLIENT} sockets per
 * client address ({@link ClientAddress}: an IPv6 /64 is one client; one more is closed at once), lets only a bet's or player's owner register their
 * address, and counts, per {@code bets.<bet_id>} and {@code players.<player_id>} address, the
 * sockets listening on it, so that a settlement of many bets builds and publishes a push only for
 * the bets and players somebody watches. Each socket's own registrations are kept: an {@code unregister} for
 * an address the socket never registered changes nothing (the bridge reports one all the same),
 * and a socket's registrations end with it. Counts are shared by the process's HTTP verticles,
 * and, with several bet-makers, the addresses listened to are shared by them ({@link ClusterWatch}).
 */
final class LiveListeners {

  private static final String LISTENERS = "event-walker.live-bet-listeners";
  private static final String SOCKETS = "event-walker.bridge-sockets-per-client";

  private final Vertx vertx;
  private final LocalMap<String, Integer> listeners;
  private final LocalMap<String, Integer> socketsPerClient;
  private final int maxSocketsPerClient;
  /**
   * This bridge's sockets (SockJS or TCP): the client address each counts against (null for a TCP
   * socket, which is not limited per address), and the bet and player addresses it listens on.
   */
  private final Map<Object, Admitted> admitted = new ConcurrentHashMap<>();

  private record Admitted(String client, Set<String> addresses) {
  }

  private LiveListeners(Vertx vertx, int maxSocketsPerClient, boolean gauge) {
    this.vertx = vertx;
    this.listeners = vertx.sharedData().getLocalMap(LISTENERS);
    this.socketsPerClient = vertx.sharedData().getLocalMap(SOCKETS);
    this.maxSocketsPerClient = maxSocketsPerClient;
    LocalMap<String, Integer> counts = socketsPerClient;
    if (gauge) {
      synchronized (LiveListeners.class) { // once per process: every HTTP verticle makes one of these
        if (Meters.registry().find("bet_maker_bridge_sockets").gauge() == null) {
          Gauge.builder("bet_maker_bridge_sockets", () -> counts.values().stream().mapToInt(Integer::intValue).sum())
            .description("bridge sockets open (admitted) in this process")
            .register(Meters.registry());
        }
      }
    }
  }

  /**
   * The hook of the TCP bridge: the same owner rule for registers ({@link Owners}), and the same
   * counting of bets' and players' listeners; a socket's registrations end when it closes.
   */
  static Handler<io.vertx.ext.eventbus.bridge.tcp.BridgeEvent> tcpHook(Vertx vertx, Owners owners) {
    LiveListeners hook = new LiveListeners(vertx, Integer.MAX_VALUE, false);
    return event -> {
      String address = address(event);
      switch (event.type()) {
        case REGISTER -> {
          register(event, owners);
          return;
        }
        case REGISTERED -> hook.registeredTcp(event.socket(), address);
        case UNREGISTER -> hook.unregistered(event.socket(), address);
        default -> {
        }
      }
      event.complete(true);
    };
  }

  private void registeredTcp(NetSocket socket, String address) {
    admitted.computeIfAbsent(socket, first -> {
      socket.closeHandler(closed -> closed(socket));
      return new Admitted(null, ConcurrentHashMap.newKeySet());
    });
    registered(socket, address);
  }

  /**
   * The hook of one bridge: its permissions decide which addresses may be registered at all; this
   * admits sockets, lets only their owner register a bet's or a player's address ({@link Owners}),
   * and counts.
   */
  static Handler<BridgeEvent> hook(Vertx vertx, int maxSocketsPerClient, Owners owners) {
    LiveListeners hook = new LiveListeners(vertx, maxSocketsPerClient, true);
    return event -> {
      switch (event.type()) {
        case SOCKET_CREATED -> {
          event.complete(hook.admit(event.socket()));
          return;
        }
        case REGISTER -> {
          register(event, owners);
          return;
        }
        case REGISTERED -> hook.registered(event.socket(), address(event));
        case UNREGISTER -> hook.unregistered(event.socket(), address(event));
        case SOCKET_CLOSED, SOCKET_ERROR -> hook.closed(event.socket());
        default -> {
        }
      }
      event.complete(true);
    };
  }

  /**
   * Ahead of the bridge: a websocket upgrade from a client address that already holds its share of
   * sockets is refused (429) before it becomes a websocket, which costs far more to open and close.
   * (Other SockJS transports are checked when their socket is created.)
   */
  static Handler<RoutingContext> admission(Vertx vertx, int maxSocketsPerClient) {
    LocalMap<String, Integer> socketsPerClient = vertx.sharedData().getLocalMap(SOCKETS);
    return ctx -> {
      String upgrade = ctx.request().getHeader("Upgrade");
      String client = ClientAddress.of(ctx.request());
      Integer held = socketsPerClient.get(client);
      if (upgrade != null && upgrade.equalsIgnoreCase("websocket") && held != null && held >= maxSocketsPerClient) {
        ctx.response().putHeader("Connection", "close").endHandler(ended -> ctx.request().connection().close());
        Problems.write(ctx, Problem.of(429, "this address already holds " + held + " live connections, the most it may"));
        return;
      }
      ctx.next();
    };
  }

  private static String address(BaseBridgeEvent event) {
    return event.getRawMessage() == null ? null : event.getRawMessage().getString("address");
  }

  /** A register frame, on either bridge: allowed unless it names a bet's or a player's address its token does not own. */
  private static void register(BaseBridgeEvent event, Owners owners) {
    String address = address(event);
    Object headers = event.getRawMessage() == null ? null : event.getRawMessage().getValue("headers");
    if (address == null) {
      event.complete(true); // the bridge refuses it itself
    } else {
      owners.mayListen(address, headers instanceof JsonObject json ? json : null).onComplete(may -> event.complete(may.result()));
    }
  }

  private boolean admit(SockJSSocket socket) {
    String client = ClientAddress.of(socket.remoteAddress());
    boolean[] room = {false};
    socketsPerClient.compute(client, (key, count) -> {
      int current = count == null ? 0 : count;
      room[0] = current < maxSocketsPerClient;
      return room[0] ? current + 1 : count;
    });
    if (room[0]) {
      admitted.put(socket, new Admitted(client, ConcurrentHashMap.newKeySet()));
    }
    return room[0];
  }

  private void registered(Object socket, String address) {
    Admitted own = admitted.get(socket);
    if (own != null && address != null && isCounted(address) && own.addresses().add(address)) {
      countListener(address, +1);
    }
  }

  private void unregistered(Object socket, String address) {
    Admitted own = admitted.get(socket);
    if (own != null && address != null && own.addresses().remove(address)) {
      countListener(address, -1);
    }
  }

  private void closed(Object socket) {
    Admitted own = admitted.remove(socket);
    if (own == null) {
      return;
    }
    for (String address : new HashSet<>(own.addresses())) {
      countListener(address, -1);
    }
    if (own.client() != null) {
      count(socketsPerClient, own.client(), -1);
    }
  }

  /** Counts a socket's listening on a bet's or player's address; the first and the last tell the cluster ({@link ClusterWatch}). */
  private void countListener(String address, int delta) {
    listeners.compute(address, (k, count) -> {
      int before = count == null ? 0 : count;
      int next = before + delta;
      if ((before == 0) != (next <= 0)) {
        ClusterWatch.watching(vertx, address, next > 0);
      }
      return next > 0 ? next : null;
    });
  }

  private static void count(LocalMap<String, Integer> counts, String key, int delta) {
    counts.compute(key, (k, count) -> {
      int next = (count == null ? 0 : count) + delta;
      return next > 0 ? next : null;
    });
  }

  /** Bets' and players' addresses are counted: their pushes are built only for those somebody listens to. */
  private static boolean isCounted(String address) {
    return address.startsWith(Addresses.LIVE_BET_PREFIX) || address.startsWith(Addresses.LIVE_PLAYER_PREFIX);
  }

  /** The players some bridge socket listens to (every settlement of their bets is pushed to them). */
  static String[] watchedPlayers(Vertx vertx) {
    return watchedAddresses(vertx).stream()
      .filter(address -> address.startsWith(Addresses.LIVE_PLAYER_PREFIX))
      .map(address -> address.substring(Addresses.LIVE_PLAYER_PREFIX.length()))
      .toArray(String[]::new);
  }

  /** The bets some bridge socket listens on (their settlement is pushed; nobody hears the others'). */
  static UUID[] watchedBets(Vertx vertx) {
    Set<String> addresses = watchedAddresses(vertx);
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
    return java.util.Arrays.copyOf(bets, n);
  }

  /** Whether some bridge socket listens on an address now: on this instance, or on any when clustered. */
  static Predicate<String> heard(Vertx vertx) {
    return watchedAddresses(vertx)::contains;
  }

  /** The bets' and players' addresses some bridge socket listens on: this process's, or the cluster's. */
  private static Set<String> watchedAddresses(Vertx vertx) {
    return ClusterWatch.addresses(vertx).orElseGet(() -> vertx.sharedData().<String, Integer>getLocalMap(LISTENERS).keySet());
  }
}
