package io.eventwalker.betmaker.live;

import io.eventwalker.betmaker.cluster.ClusterWatch;
import io.eventwalker.betmaker.config.BetMakerConfig.BridgeLimits;
import io.eventwalker.betmaker.metrics.BetMeters;
import io.eventwalker.platform.http.ClientSockets;
import io.vertx.core.Vertx;

/**
 * What the process's bridge verticles share, SockJS and TCP alike: who listens where
 * ({@link LiveListeners}, which settlement's pushes consult) and how many sockets each client holds
 * ({@link ClientSockets}). Made once by {@code BetMakerVerticle} and handed to whoever needs it;
 * nothing reaches it through a static or a process-wide map.
 */
public record BridgeState(LiveListeners listeners, ClientSockets sockets) {

  /** The state of one bet-maker; starts forgetting what cluster members that leave watched, and meters the sockets held. */
  public static BridgeState start(Vertx vertx, BridgeLimits limits, BetMeters meters) {
    ClusterWatch cluster = new ClusterWatch(vertx);
    cluster.forgetLeavingMembers();
    BridgeState state = new BridgeState(new LiveListeners(cluster), new ClientSockets(limits.maxSocketsPerClient()));
    meters.bridgeSockets(state.sockets()::total);
    return state;
  }
}
