package io.eventwalker.launcher;

import io.eventwalker.betmaker.BetMakerVerticle;
import io.eventwalker.lineprovider.LineProviderVerticle;
import io.eventwalker.platform.cluster.ClusterConfig;
import io.eventwalker.platform.runtime.VertxRuntime;
import io.eventwalker.platform.tracing.Tracing;
import io.opentelemetry.api.OpenTelemetry;
import io.vertx.core.Deployable;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.bridge.SLF4JBridgeHandler;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * {@code line-provider}, {@code bet-maker}, {@code all}: runs the service(s) in this process until
 * SIGTERM ({@link Stopping}). Process settings come from the environment ({@code SHUTDOWN_GRACE_MS},
 * {@code EVENT_LOOPS}, {@code CLUSTER_*}, {@code OTEL_*}); a malformed one stops it at once with
 * status 2, naming it. Start-up has no deadline of its own: a dependency that does not answer is
 * waited for (and said so in the log and on {@code /ready}), every other step is bounded.
 */
@Command(sortOptions = false)
final class ServeCommand implements Callable<Integer> {

  private static final Logger LOG = LoggerFactory.getLogger(ServeCommand.class);
  private static final Map<String, Supplier<Deployable>> SERVICES = Map.of(
    "line-provider", LineProviderVerticle::new,
    "bet-maker", BetMakerVerticle::new);
  private static final long DEFAULT_GRACE_MS = 10_000;

  private final List<String> services;
  private final PrintStream err;

  @Mixin
  CommonOptions common;

  /** {@code services}: line-provider and/or bet-maker, deployed in this order. */
  ServeCommand(List<String> services, PrintStream err) {
    this.services = services;
    this.err = err;
  }

  @Override
  public Integer call() {
    long graceMs;
    int eventLoops;
    Optional<ClusterConfig> cluster;
    try {
      graceMs = shutdownGraceMs(System.getenv("SHUTDOWN_GRACE_MS"));
      eventLoops = eventLoops(System.getenv("EVENT_LOOPS"));
      cluster = ClusterConfig.from(System.getenv());
    } catch (IllegalArgumentException | IllegalStateException e) {
      err.println(e.getMessage());
      return 2;
    }
    if (cluster.isPresent() && services.size() != 1) {
      err.println("a clustered instance runs one service: name line-provider or bet-maker (CLUSTER_* is set)");
      return 2;
    }
    SLF4JBridgeHandler.removeHandlersForRootLogger();
    SLF4JBridgeHandler.install();
    OpenTelemetry tracing;
    try {
      tracing = Tracing.fromEnvironment(System.getenv(), services.size() == 1 ? services.get(0) : "event-walker");
    } catch (RuntimeException e) {
      LOG.error("tracing cannot start with these OTEL_* settings: {}", e.getCause() == null ? e.getMessage() : e.getCause().getMessage());
      return 2;
    }
    Vertx vertx;
    if (cluster.isPresent()) {
      try {
        vertx = VertxRuntime.createClustered(eventLoops, services.get(0), cluster.get(), tracing).await(2, TimeUnit.MINUTES);
      } catch (Exception e) {
        LOG.error("{} could not join its cluster: {}", services.get(0), e.getMessage());
        return 1;
      }
      LOG.info("{} joined its cluster", services.get(0));
    } else {
      vertx = VertxRuntime.create(eventLoops, tracing);
    }
    Stopping stopping = Stopping.on(vertx, graceMs);
    List<Future<String>> deployments = new ArrayList<>();
    for (String name : services) {
      deployments.add(ConfigFiles.load(vertx, name, common.confDir)
        .compose(config -> vertx.deployVerticle(SERVICES.get(name), new DeploymentOptions().setConfig(config)))
        .onFailure(failure -> {
          if (!stopping.stopping()) {
            LOG.error("{} failed to start: {}", name, failure.getMessage());
          }
        }));
    }
    Future.all(deployments).onFailure(failure -> stopping.failed());
    return stopping.exitStatus();
  }

  /** {@code SHUTDOWN_GRACE_MS}: how long a stop waits for the work in hand, 0 to 10 minutes, 10 s by default. */
  static long shutdownGraceMs(String value) {
    if (value == null || value.isBlank()) {
      return DEFAULT_GRACE_MS;
    }
    if (!value.matches("[0-9]{1,6}") || Long.parseLong(value) > 600_000) {
      throw new IllegalArgumentException("SHUTDOWN_GRACE_MS must be a number of milliseconds from 0 to 600000, got " + value);
    }
    return Long.parseLong(value);
  }

  /** {@code EVENT_LOOPS}: Vert.x event-loop threads, 1 to 999 (default, 0: twice the cores). */
  static int eventLoops(String value) {
    if (value == null || value.isBlank()) {
      return 0;
    }
    if (!value.matches("[1-9][0-9]{0,2}")) {
      throw new IllegalArgumentException("EVENT_LOOPS must be a whole number from 1 to 999, got " + value);
    }
    return Integer.parseInt(value);
  }
}
