package io.eventwalker.platform.runtime;

import io.eventwalker.platform.cluster.ClusterConfig;
import io.eventwalker.platform.cluster.Clustering;
import io.eventwalker.platform.metrics.VertxMetrics;
import io.eventwalker.platform.tracing.Tracing;
import io.opentelemetry.api.OpenTelemetry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxBuilder;
import io.vertx.core.VertxOptions;
import io.vertx.tracing.opentelemetry.OpenTelemetryOptions;
import io.vertx.tracing.opentelemetry.OpenTelemetryTracingFactory;

/**
 * The Vert.x instance a service runs in: with Prometheus metrics ({@link VertxMetrics}), tracing
 * when asked ({@link Tracing}), failures nobody handled logged ({@link UnhandledFailures}), and
 * clustered when the process is one of several ({@link Clustering}).
 */
public final class VertxRuntime {

  private VertxRuntime() {
  }

  public static Vertx create() {
    return create(0);
  }

  /** {@code eventLoops} 0 keeps Vert.x's default (twice the cores). */
  public static Vertx create(int eventLoops) {
    return create(eventLoops, null);
  }

  /** {@code openTelemetry}: what it traces with ({@link Tracing}), null for no tracing. */
  public static Vertx create(int eventLoops, OpenTelemetry openTelemetry) {
    VertxMetrics metrics = new VertxMetrics();
    Vertx vertx = builder(options(eventLoops, metrics), metrics, openTelemetry).build();
    started(vertx, metrics, openTelemetry);
    return vertx;
  }

  /**
   * A member of the service's cluster (SPEC §6): the same Vert.x, with its event bus clustered
   * through Hazelcast ({@link Clustering}). Completes once it joined.
   */
  public static Future<Vertx> createClustered(int eventLoops, String service, ClusterConfig cluster, OpenTelemetry openTelemetry) {
    VertxMetrics metrics = new VertxMetrics();
    VertxOptions options = options(eventLoops, metrics).setEventBusOptions(Clustering.eventBus(cluster));
    return builder(options, metrics, openTelemetry)
      .withClusterManager(Clustering.manager(service, cluster))
      .buildClustered()
      .onSuccess(vertx -> started(vertx, metrics, openTelemetry));
  }

  private static VertxBuilder builder(VertxOptions options, VertxMetrics metrics, OpenTelemetry openTelemetry) {
    VertxBuilder builder = Vertx.builder().withMetrics(metrics.factory());
    if (openTelemetry != null) {
      // HTTP, the event bus and PostgreSQL are traced by Vert.x; a trace context arriving with a request is followed.
      options.setTracingOptions(new OpenTelemetryOptions());
      builder.withTracer(new OpenTelemetryTracingFactory(openTelemetry));
    }
    return builder.with(options);
  }

  private static void started(Vertx vertx, VertxMetrics metrics, OpenTelemetry openTelemetry) {
    metrics.started(vertx);
    vertx.exceptionHandler(UnhandledFailures::log);
    if (openTelemetry != null) {
      Tracing.register(vertx, openTelemetry);
    }
  }

  private static VertxOptions options(int eventLoops, VertxMetrics metrics) {
    VertxOptions options = new VertxOptions().setMetricsOptions(metrics.options());
    if (eventLoops > 0) {
      options.setEventLoopPoolSize(eventLoops);
    }
    return options;
  }
}
