package io.eventwalker.platform.cluster;

import io.eventwalker.platform.config.Settings;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Whether, and how, a service's instances share a clustered event bus (SPEC §6): part of the
 * process's settings ({@code conf/process.json}), read before Vert.x starts. Clustering is on
 * when {@code CLUSTER_HOST} or {@code CLUSTER_MEMBERS} is set (not empty), off otherwise (one
 * process, a local event bus, exactly as before).
 *
 * @param host    this member's address as the others reach it; null lets Hazelcast pick one of the machine's
 * @param port    this member's Hazelcast port
 * @param members the other members' {@code host:port} (a name may resolve to several hosts), TCP-IP join
 * @param busPort the clustered event bus's own port; 0 picks a free one (members learn it through Hazelcast)
 */
public record ClusterConfig(String host, int port, List<String> members, int busPort) {

  /** Empty when clustering is off; a setting that cannot be used stops start-up, naming it. */
  public static Optional<ClusterConfig> read(Settings settings) {
    String host = settings.string("CLUSTER_HOST").trim();
    String members = settings.string("CLUSTER_MEMBERS").trim();
    int port = settings.integer("CLUSTER_PORT", 0, 65535);
    int busPort = settings.integer("CLUSTER_BUS_PORT", 0, 65535);
    if (!host.isEmpty() && !host.matches("[A-Za-z0-9._:-]{1,253}")) {
      throw settings.invalid("CLUSTER_HOST", "a host name or an IP address");
    }
    List<String> others = new ArrayList<>();
    if (!members.isEmpty()) {
      for (String member : members.split(",")) {
        String trimmed = member.trim();
        if (!trimmed.matches("[A-Za-z0-9._-]{1,253}(:[0-9]{1,5})?")) {
          throw settings.invalid("CLUSTER_MEMBERS", "comma-separated host:port");
        }
        others.add(trimmed);
      }
    }
    if (host.isEmpty() && others.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(new ClusterConfig(host.isEmpty() ? null : host, port, List.copyOf(others), busPort));
  }
}
