package io.eventwalker.platform.metrics;

import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.core.instrument.distribution.DistributionStatisticConfig;

import java.time.Duration;
import java.util.function.Predicate;
import java.util.stream.LongStream;

/**
 * How durations and sizes are published. A timer that an operator reads quantiles of (the HTTP
 * answers' times per route, and every timer of a service's own) is a histogram with
 * {@link #LATENCY_BUCKETS}, unless it sets buckets of its own: enough for Prometheus's
 * {@code histogram_quantile} from a millisecond to ten seconds. Every other timer (the pools'
 * waits and uses, the database's and Redis's processing, the garbage collector's pauses) and every
 * size (a distribution summary, such as Vert.x's bytes per request and response) is only its
 * {@code _count}, {@code _sum} and {@code _max}. Micrometer's percentile histograms, about 70
 * buckets per timer and 280 per size for every route and status, made one scrape weigh half a
 * megabyte after 30 requests.
 */
final class Histograms {

  /** Prometheus's default buckets, with 1 ms: 1, 5, 10, 25, 50, 100, 250, 500 ms, 1, 2.5, 5, 10 s. */
  static final double[] LATENCY_BUCKETS = LongStream.of(1, 5, 10, 25, 50, 100, 250, 500, 1_000, 2_500, 5_000, 10_000)
    .mapToDouble(ms -> Duration.ofMillis(ms).toNanos()).toArray();

  /** Vert.x's timers that keep their buckets: the HTTP server's answers. */
  static final Predicate<String> VERTX_LATENCIES = name -> name.replace('.', '_').startsWith("vertx_http_server_response_time");

  private Histograms() {
  }

  /** {@code bucketed}: which timers, by name, are histograms. */
  static <R extends MeterRegistry> R configure(R registry, Predicate<String> bucketed) {
    registry.config().meterFilter(new MeterFilter() {
      @Override
      public DistributionStatisticConfig configure(Meter.Id id, DistributionStatisticConfig config) {
        if (id.getType() == Meter.Type.TIMER && bucketed.test(id.getName())) {
          return config.merge(DistributionStatisticConfig.builder().serviceLevelObjectives(LATENCY_BUCKETS).build());
        }
        if (id.getType() == Meter.Type.TIMER || id.getType() == Meter.Type.DISTRIBUTION_SUMMARY) {
          return DistributionStatisticConfig.builder().percentilesHistogram(false).serviceLevelObjectives().percentiles().build()
            .merge(config);
        }
        return config;
      }
    });
    return registry;
  }
}
