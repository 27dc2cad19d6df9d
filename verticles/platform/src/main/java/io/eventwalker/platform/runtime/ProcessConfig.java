package io.eventwalker.platform.runtime;

import io.eventwalker.platform.cluster.ClusterConfig;
import io.eventwalker.platform.config.Settings;
import io.vertx.core.json.JsonObject;

import java.util.Optional;

/**
 * The settings of the process the services run in, needed before Vert.x starts
 * ({@code conf/process.json}, each key overridable by the environment, like a service's).
 *
 * @param graceMs    {@code SHUTDOWN_GRACE_MS}: how long a stop waits for the work in hand (0 to 10 minutes)
 * @param eventLoops {@code EVENT_LOOPS}: Vert.x event-loop threads (1 to 999); 0 when empty, Vert.x's own (twice the cores)
 * @param cluster    {@code CLUSTER_*}: empty when this process runs alone
 */
public record ProcessConfig(long graceMs, int eventLoops, Optional<ClusterConfig> cluster) {

  public static final String NAME = "process";

  public static ProcessConfig read(JsonObject config) {
    Settings settings = new Settings(NAME, config);
    Integer eventLoops = settings.optionalInteger("EVENT_LOOPS", 1, 999);
    return new ProcessConfig(settings.longValue("SHUTDOWN_GRACE_MS", 0, 600_000), eventLoops == null ? 0 : eventLoops,
      ClusterConfig.read(settings));
  }
}
