package io.eventwalker.platform.metrics;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.spi.VertxMetricsFactory;
import io.vertx.micrometer.Label;
import io.vertx.micrometer.MetricsDomain;
import io.vertx.micrometer.MicrometerMetricsFactory;
import io.vertx.micrometer.MicrometerMetricsOptions;
import io.vertx.micrometer.VertxPrometheusOptions;

import java.util.EnumSet;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What a Vert.x instance reports to Prometheus: HTTP requests counted and timed per route
 * template, method, status and local address (so the two services stay apart when they share a
 * JVM), in a registry of the instance's own ({@link ProcessMeters}; timers and sizes as
 * {@link Histograms} says). Labels are bounded: no raw paths, no event-bus addresses.
 */
public final class VertxMetrics {

  /** Each instance's registry under a name of its own: Vert.x shares registries of the same name across a JVM's instances. */
  private static final AtomicLong INSTANCES = new AtomicLong();

  private final PrometheusMeterRegistry registry =
    Histograms.configure(new PrometheusMeterRegistry(PrometheusConfig.DEFAULT), Histograms.VERTX_LATENCIES);

  /** The metrics of one Vert.x instance to be built. */
  public VertxMetrics() {
  }

  public VertxMetricsFactory factory() {
    return new MicrometerMetricsFactory(registry);
  }

  public MicrometerMetricsOptions options() {
    return new MicrometerMetricsOptions()
      .setEnabled(true)
      .setRegistryName("event-walker-" + INSTANCES.incrementAndGet())
      .setPrometheusOptions(new VertxPrometheusOptions().setEnabled(true))
      .setJvmMetricsEnabled(true)
      .setLabels(EnumSet.of(Label.LOCAL, Label.HTTP_ROUTE, Label.HTTP_METHOD, Label.HTTP_CODE, Label.POOL_TYPE, Label.POOL_NAME, Label.NAMESPACE))
      .addDisabledMetricsCategory(MetricsDomain.EVENT_BUS);
  }

  /** Once the instance is built: the process's meters in its registry. */
  public void started(Vertx vertx) {
    ProcessMeters.register(vertx, registry);
  }
}
