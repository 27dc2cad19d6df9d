package io.eventwalker.platform.cluster;

import com.hazelcast.config.Config;
import com.hazelcast.config.JoinConfig;
import com.hazelcast.config.NetworkConfig;
import com.hazelcast.core.HazelcastInstance;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.EventBusOptions;
import io.vertx.core.internal.VertxInternal;
import io.vertx.core.spi.cluster.ClusterManager;
import io.vertx.spi.cluster.hazelcast.ConfigUtil;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The Hazelcast cluster manager of a service's instances: one cluster per service (named after
 * it, so line-providers and bet-makers never join each other's), members found by TCP-IP join
 * from {@code CLUSTER_MEMBERS}, no multicast. A member that stops answering is dropped after
 * {@link #NO_HEARTBEAT_S} seconds (a killed process closes its connections at once).
 */
public final class Clustering {

  /** Seconds without a heartbeat before a member is taken for dead (Hazelcast's default is 60). */
  static final int NO_HEARTBEAT_S = 10;

  private Clustering() {
  }

  public static HazelcastClusterManager manager(String service, ClusterConfig cluster) {
    Config config = ConfigUtil.loadConfig(); // Vert.x's defaults: its subscription and node maps
    config.setClusterName("event-walker-" + service);
    config.setProperty("hazelcast.logging.type", "slf4j");
    config.setProperty("hazelcast.phone.home.enabled", "false");
    config.setProperty("hazelcast.shutdownhook.enabled", "false"); // Vert.x leaves the cluster on close
    config.setProperty("hazelcast.heartbeat.interval.seconds", "1");
    config.setProperty("hazelcast.max.no.heartbeat.seconds", Integer.toString(NO_HEARTBEAT_S));
    config.setProperty("hazelcast.merge.first.run.delay.seconds", "10");
    config.setProperty("hazelcast.merge.next.run.delay.seconds", "10");
    NetworkConfig network = config.getNetworkConfig();
    network.setPort(cluster.port()).setPortAutoIncrement(false);
    if (cluster.host() != null) {
      String address = resolve(cluster.host());
      config.setProperty("hazelcast.local.localAddress", address);
      config.setProperty("hazelcast.socket.bind.any", "false"); // listen on this address only
      network.setPublicAddress(address + ":" + cluster.port());
    }
    JoinConfig join = network.getJoin();
    join.getMulticastConfig().setEnabled(false);
    join.getAutoDetectionConfig().setEnabled(false);
    join.getTcpIpConfig().setEnabled(true).setConnectionTimeoutSeconds(2);
    for (String member : members(cluster)) {
      join.getTcpIpConfig().addMember(member);
    }
    return new HazelcastClusterManager(config);
  }

  /**
   * {@code CLUSTER_MEMBERS} as Hazelcast is given them: each {@code host:port} (the port is
   * {@code CLUSTER_PORT} when left out), and, for a name, every address it resolves to now, as a
   * compose service's name resolves to all its replicas (Hazelcast itself would try only the
   * first). The name stays in the list, so Hazelcast looks it up again later.
   */
  static List<String> members(ClusterConfig cluster) {
    Set<String> members = new LinkedHashSet<>();
    for (String member : cluster.members()) {
      int colon = member.lastIndexOf(':');
      String host = colon < 0 ? member : member.substring(0, colon);
      int port = colon < 0 ? cluster.port() : Integer.parseInt(member.substring(colon + 1));
      members.add(host + ":" + port);
      try {
        for (InetAddress address : InetAddress.getAllByName(host)) {
          members.add(address.getHostAddress() + ":" + port);
        }
      } catch (UnknownHostException notYet) {
        // not resolvable now (a replica not started yet): Hazelcast tries the name again
      }
    }
    return List.copyOf(members);
  }

  /** The clustered event bus listens on this member's host, on {@code CLUSTER_BUS_PORT} (0: any free port). */
  public static EventBusOptions eventBus(ClusterConfig cluster) {
    EventBusOptions options = new EventBusOptions().setPort(cluster.busPort());
    if (cluster.host() != null) {
      String address = resolve(cluster.host());
      options.setHost(address).setClusterPublicHost(address);
    }
    return options;
  }

  /** The Hazelcast instance the service's Vert.x is clustered with; empty when it is not clustered. */
  public static Optional<HazelcastInstance> hazelcast(Vertx vertx) {
    if (!vertx.isClustered()) {
      return Optional.empty();
    }
    ClusterManager manager = ((VertxInternal) vertx).clusterManager();
    return manager instanceof HazelcastClusterManager hazelcast ? Optional.ofNullable(hazelcast.getHazelcastInstance()) : Optional.empty();
  }

  /** How many members the service's cluster has now (1 when it is not clustered). */
  public static int members(Vertx vertx) {
    return vertx.isClustered() ? Math.max(1, ((VertxInternal) vertx).clusterManager().getNodes().size()) : 1;
  }

  private static String resolve(String host) {
    try {
      return InetAddress.getByName(host).getHostAddress();
    } catch (UnknownHostException e) {
      throw new IllegalStateException("CLUSTER_HOST " + host + " does not resolve", e);
    }
  }
}
