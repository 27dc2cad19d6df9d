package io.eventwalker.betmaker.cluster;

import com.hazelcast.cluster.MembershipEvent;
import com.hazelcast.cluster.MembershipListener;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.replicatedmap.ReplicatedMap;
import io.eventwalker.platform.cluster.Clustering;
import io.vertx.core.Vertx;

import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * With several bet-makers, which bets' and players' addresses a bridge socket on any of them
 * listens to: a settlement on one instance builds pushes for listeners on every instance (the
 * clustered event bus then delivers them wherever the socket is). Kept in a Hazelcast replicated
 * map (every member holds a copy, so reading it costs no round trip), one entry per member and
 * address, written when a member's first socket registers the address and removed with its last;
 * a member that leaves the cluster (or dies) has its entries removed by the others
 * ({@link #forgetLeavingMembers}). Does nothing when not clustered.
 */
public final class ClusterWatch {

  static final String MAP = "event-walker.bet-maker.watched";
  private static final String SEPARATOR = " ";

  /** Empty when not clustered. */
  private final Optional<HazelcastInstance> hazelcast;

  public ClusterWatch(Vertx vertx) {
    this.hazelcast = Clustering.hazelcast(vertx);
  }

  /** Records that this member listens ({@code on}) or no longer listens to {@code address}. */
  public void watching(String address, boolean on) {
    hazelcast.ifPresent(hz -> {
      String key = hz.getCluster().getLocalMember().getUuid() + SEPARATOR + address;
      ReplicatedMap<String, Boolean> watched = hz.getReplicatedMap(MAP);
      if (on) {
        watched.put(key, Boolean.TRUE);
      } else {
        watched.remove(key);
      }
    });
  }

  /** The bets' and players' addresses listened to on any member; empty when not clustered. */
  public Optional<Set<String>> addresses() {
    return hazelcast.map(hz -> hz.<String, Boolean>getReplicatedMap(MAP).keySet().stream()
      .map(key -> key.substring(key.indexOf(SEPARATOR) + 1))
      .collect(Collectors.toSet()));
  }

  /** Removes the entries of members that leave the cluster (each member does it; removing twice is harmless). */
  public void forgetLeavingMembers() {
    hazelcast.ifPresent(hz -> hz.getCluster().addMembershipListener(new MembershipListener() {
      @Override
      public void memberAdded(MembershipEvent event) {
      }

      @Override
      public void memberRemoved(MembershipEvent event) {
        String prefix = event.getMember().getUuid() + SEPARATOR;
        ReplicatedMap<String, Boolean> watched = hz.getReplicatedMap(MAP);
        watched.keySet().stream().filter(key -> key.startsWith(prefix)).toList().forEach(watched::remove);
      }
    }));
  }
}
