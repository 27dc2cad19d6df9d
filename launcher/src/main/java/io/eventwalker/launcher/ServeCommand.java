package io.eventwalker.launcher;

import io.eventwalker.betmaker.BetMakerVerticle;
import io.eventwalker.lineprovider.LineProviderVerticle;
import io.eventwalker.platform.cluster.ClusterConfig;
import io.eventwalker.platform.runtime.ProcessConfig;
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
 * SIGTERM ({@link Stopping}). The process's settings ({@code SHUTDOWN_GRACE_MS}, {@code EVENT_LOOPS},
 * {@code CLUSTER_*}: {@link ProcessConfig}, {@code conf/process.json} and the environment) and
 * tracing's ({@code OTEL_*}, the environment) are read first; a malformed one stops it at once
 * with status 2, naming it. Start-up has no deadline of its own: a dependency that does not answer is
 * waited for (and said so in the log and on {@code /ready}), every other step is bounded.
 */
@Command(sortOptions = false)
final class ServeCommand implements Callable<Integer> {

  private static final Logger LOG = LoggerFactory.getLogger(ServeCommand.class);
  private static final Map<String, Supplier<Deployable>> SERVICES = Map.of(
    "line-provider", LineProviderVerticle::new,
    "bet-maker", BetMakerVerticle::new);

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
    ProcessConfig process;
    try {
      process = ProcessConfig.read(ConfigFiles.process(common.confDir, System.getenv()));
    } catch (IllegalArgumentException | IllegalStateException e) {
      err.println(e.getMessage());
      return 2;
    }
    long graceMs = process.graceMs();
    int eventLoops = process.eventLoops();
    Optional<ClusterConfig> cluster = process.cluster();
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
}
