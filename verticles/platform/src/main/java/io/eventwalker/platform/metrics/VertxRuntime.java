package io.eventwalker.platform.metrics;

import io.eventwalker.platform.cluster.ClusterConfig;
import io.eventwalker.platform.cluster.Clustering;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxBuilder;
import io.vertx.core.VertxOptions;
import io.vertx.tracing.opentelemetry.OpenTelemetryOptions;
import io.vertx.tracing.opentelemetry.OpenTelemetryTracingFactory;
import io.eventwalker.platform.UnhandledFailures;
import io.eventwalker.platform.tracing.Tracing;
import io.opentelemetry.api.OpenTelemetry;
import io.vertx.micrometer.Label;
import io.vertx.micrometer.MetricsDomain;
import io.vertx.micrometer.MicrometerMetricsFactory;
import io.vertx.micrometer.MicrometerMetricsOptions;
import io.vertx.micrometer.VertxPrometheusOptions;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;

import java.util.EnumSet;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The Vert.x instance a service runs in, with Prometheus metrics: HTTP requests counted and timed
 * per route template, method, status and local address (so the two services stay apart when they
 * share a JVM), in a registry of the instance's own ({@link ProcessMeters}; timers and sizes as
 * {@link Histograms} says). Labels are bounded: no raw paths, no event-bus addresses.
 */
public final class VertxRuntime {

  /** Each instance's registry under a name of its own: Vert.x shares registries of the same name across a JVM's instances. */
  private static final AtomicLong INSTANCES = new AtomicLong();

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
    PrometheusMeterRegistry registry = processRegistry();
    Vertx vertx = builder(options(eventLoops), registry, openTelemetry).build();
    started(vertx, registry, openTelemetry);
    return vertx;
  }

  /**
   * A member of the service's cluster (SPEC §6): the same Vert.x, with its event bus clustered
   * through Hazelcast ({@link Clustering}). Completes once it joined.
   */
  public static Future<Vertx> createClustered(int eventLoops, String service, ClusterConfig cluster, OpenTelemetry openTelemetry) {
    VertxOptions options = options(eventLoops).setEventBusOptions(Clustering.eventBus(cluster));
    PrometheusMeterRegistry registry = processRegistry();
    return builder(options, registry, openTelemetry)
      .withClusterManager(Clustering.manager(service, cluster))
      .buildClustered()
      .onSuccess(vertx -> started(vertx, registry, openTelemetry));
  }

  private static PrometheusMeterRegistry processRegistry() {
    return Histograms.configure(new PrometheusMeterRegistry(PrometheusConfig.DEFAULT), Histograms.VERTX_LATENCIES);
  }

  private static VertxBuilder builder(VertxOptions options, PrometheusMeterRegistry registry, OpenTelemetry openTelemetry) {
    VertxBuilder builder = Vertx.builder().withMetrics(new MicrometerMetricsFactory(registry));
    if (openTelemetry != null) {
      // HTTP, the event bus and PostgreSQL are traced by Vert.x; a trace context arriving with a request is followed.
      options.setTracingOptions(new OpenTelemetryOptions());
      builder.withTracer(new OpenTelemetryTracingFactory(openTelemetry));
    }
    return builder.with(options);
  }

  private static void started(Vertx vertx, PrometheusMeterRegistry registry, OpenTelemetry openTelemetry) {
    ProcessMeters.register(vertx, registry);
    vertx.exceptionHandler(UnhandledFailures::log);
    if (openTelemetry != null) {
      Tracing.register(vertx, openTelemetry);
    }
  }

  private static VertxOptions options(int eventLoops) {
    MicrometerMetricsOptions metrics = new MicrometerMetricsOptions()
      .setEnabled(true)
      .setRegistryName("event-walker-" + INSTANCES.incrementAndGet())
      .setPrometheusOptions(new VertxPrometheusOptions().setEnabled(true))
      .setJvmMetricsEnabled(true)
      .setLabels(EnumSet.of(Label.LOCAL, Label.HTTP_ROUTE, Label.HTTP_METHOD, Label.HTTP_CODE, Label.POOL_TYPE, Label.POOL_NAME, Label.NAMESPACE))
      .addDisabledMetricsCategory(MetricsDomain.EVENT_BUS);
    VertxOptions options = new VertxOptions().setMetricsOptions(metrics);
    if (eventLoops > 0) {
      options.setEventLoopPoolSize(eventLoops);
    }
    return options;
  }
}
