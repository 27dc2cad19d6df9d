package io.eventwalker.platform.metrics;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.prometheus.metrics.model.registry.MultiCollector;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.DataPointSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.HistogramSnapshot;
import io.prometheus.metrics.model.snapshots.InfoSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import io.prometheus.metrics.model.snapshots.StateSetSnapshot;
import io.prometheus.metrics.model.snapshots.SummarySnapshot;
import io.prometheus.metrics.model.snapshots.UnknownSnapshot;
import io.vertx.core.Vertx;
import io.vertx.core.shareddata.Shareable;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * The process's meters, in the registry Vert.x reports to ({@link VertxMetrics}): the JVM's, and
 * Vert.x's own (HTTP servers, pools, database and Redis clients). A series that names a service
 * belongs to that service: its label {@code local} is the address of one of the service's servers
 * ({@link Meters#serving}), its {@code client_namespace} or {@code pool_name} starts with the
 * service's name ({@code event-walker-bet-maker…}, {@code bet-maker/…}). Every other series (the
 * JVM, the worker pools) is the process's, shown on every service's {@code /metrics}. One per
 * Vert.x instance, kept in the instance's local data.
 */
final class ProcessMeters {

  private static final String OF = "event-walker.process-meters";

  private ProcessMeters() {
  }

  /** The registry, as the instance's local data holds it. */
  private record Held(PrometheusMeterRegistry registry) implements Shareable {
  }

  static void register(Vertx vertx, PrometheusMeterRegistry registry) {
    vertx.sharedData().<String, Held>getLocalMap(OF).put(OF, new Held(registry));
  }

  /** The registry Vert.x reports to, null when {@code vertx} was made without metrics. */
  static PrometheusMeterRegistry of(Vertx vertx) {
    Held held = vertx.sharedData().<String, Held>getLocalMap(OF).get(OF);
    return held == null ? null : held.registry();
  }

  /** The process's series that are not another service's, collected with a service's own meters. */
  record OfService(PrometheusMeterRegistry process, Meters service, Supplier<Collection<Meters>> services) implements MultiCollector {

    @Override
    public MetricSnapshots collect() {
      Collection<Meters> all = services.get();
      Predicate<Labels> shown = labels -> {
        List<Meters> owners = all.stream().filter(meters -> names(labels, meters)).toList();
        return owners.isEmpty() || owners.contains(service);
      };
      List<MetricSnapshot> kept = new ArrayList<>();
      for (MetricSnapshot snapshot : process.getPrometheusRegistry().scrape()) {
        MetricSnapshot filtered = filtered(snapshot, shown);
        if (!filtered.getDataPoints().isEmpty()) {
          kept.add(filtered);
        }
      }
      return new MetricSnapshots(kept);
    }
  }

  /**
   * Whether a series names {@code meters}' service. A series naming none is the process's; one
   * naming two (two servers told to listen on port 0 share {@code local}) is shown by both.
   */
  static boolean names(Labels labels, Meters meters) {
    String local = labels.get("local");
    String client = labels.get("client_namespace");
    String pool = labels.get("pool_name");
    return local != null && meters.serves(local)
      || client != null && client.startsWith("event-walker-" + meters.service())
      || pool != null && (pool.startsWith(meters.service() + "/") || pool.startsWith("event-walker-" + meters.service()));
  }

  private static MetricSnapshot filtered(MetricSnapshot snapshot, Predicate<Labels> shown) {
    if (snapshot instanceof CounterSnapshot counter) {
      return new CounterSnapshot(counter.getMetadata(), kept(counter.getDataPoints(), shown));
    } else if (snapshot instanceof GaugeSnapshot gauge) {
      return new GaugeSnapshot(gauge.getMetadata(), kept(gauge.getDataPoints(), shown));
    } else if (snapshot instanceof HistogramSnapshot histogram) {
      return new HistogramSnapshot(histogram.isGaugeHistogram(), histogram.getMetadata(), kept(histogram.getDataPoints(), shown));
    } else if (snapshot instanceof SummarySnapshot summary) {
      return new SummarySnapshot(summary.getMetadata(), kept(summary.getDataPoints(), shown));
    } else if (snapshot instanceof InfoSnapshot info) {
      return new InfoSnapshot(info.getMetadata(), kept(info.getDataPoints(), shown));
    } else if (snapshot instanceof StateSetSnapshot states) {
      return new StateSetSnapshot(states.getMetadata(), kept(states.getDataPoints(), shown));
    } else if (snapshot instanceof UnknownSnapshot unknown) {
      return new UnknownSnapshot(unknown.getMetadata(), kept(unknown.getDataPoints(), shown));
    }
    throw new IllegalStateException("a kind of metric this service does not know: " + snapshot.getClass().getName());
  }

  private static <T extends DataPointSnapshot> List<T> kept(List<T> points, Predicate<Labels> shown) {
    return points.stream().filter(point -> shown.test(point.getLabels())).toList();
  }
}
