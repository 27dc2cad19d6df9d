package io.eventwalker.platform.cluster;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Whether, and how, a service's instances share a clustered event bus (SPEC §6): read from the
 * environment before Vert.x starts, so it is not in {@code conf/}. Clustering is on when any of
 * {@code CLUSTER_HOST}, {@code CLUSTER_PORT}, {@code CLUSTER_MEMBERS} is set, off otherwise (one
 * process, a local event bus, exactly as before).
 *
 * @param host    this member's address as the others reach it; null lets Hazelcast pick one of the machine's
 * @param port    this member's Hazelcast port
 * @param members the other members' {@code host:port} (a name may resolve to several hosts), TCP-IP join
 * @param busPort the clustered event bus's own port; 0 picks a free one (members learn it through Hazelcast)
 */
public record ClusterConfig(String host, int port, List<String> members, int busPort) {

  public static final int DEFAULT_PORT = 5701;

  /** Empty when clustering is off; a setting that cannot be used stops start-up, naming it. */
  public static Optional<ClusterConfig> from(Map<String, String> env) {
    String host = blankToNull(env.get("CLUSTER_HOST"));
    String port = blankToNull(env.get("CLUSTER_PORT"));
    String members = blankToNull(env.get("CLUSTER_MEMBERS"));
    String busPort = blankToNull(env.get("CLUSTER_BUS_PORT"));
    if (host == null && port == null && members == null) {
      return Optional.empty();
    }
    if (host != null && !host.matches("[A-Za-z0-9._:-]{1,253}")) {
      throw new IllegalStateException("CLUSTER_HOST must be a host name or an IP address, got " + host);
    }
    List<String> others = new ArrayList<>();
    if (members != null) {
      for (String member : members.split(",")) {
        String trimmed = member.trim();
        if (!trimmed.matches("[A-Za-z0-9._-]{1,253}(:[0-9]{1,5})?")) {
          throw new IllegalStateException("CLUSTER_MEMBERS must be comma-separated host:port, got " + members);
        }
        others.add(trimmed);
      }
    }
    return Optional.of(new ClusterConfig(host, port(port, "CLUSTER_PORT", DEFAULT_PORT), List.copyOf(others),
      port(busPort, "CLUSTER_BUS_PORT", 0)));
  }

  private static int port(String value, String name, int absent) {
    if (value == null) {
      return absent;
    }
    if (!value.matches("[0-9]{1,5}") || Integer.parseInt(value) > 65535) {
      throw new IllegalStateException(name + " must be a port number from 0 to 65535, got " + value);
    }
    return Integer.parseInt(value);
  }

  private static String blankToNull(String value) {
    return value == null || value.isBlank() ? null : value.trim();
  }
}
