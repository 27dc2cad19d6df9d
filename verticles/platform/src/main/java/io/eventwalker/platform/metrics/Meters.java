package io.eventwalker.platform.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.net.SocketAddress;
import io.vertx.core.shareddata.LocalMap;
import io.vertx.core.shareddata.Shareable;

import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * One service's own meters (docs/operations.md lists them), in a registry of its own. The
 * service's {@code GET /metrics} serves them together with the process's meters that are not
 * another service's ({@link ProcessMeters}): with both services in one process ({@code all}),
 * each one's meters are on its own {@code /metrics} only. One per service and Vert.x instance, kept
 * in the instance's local data. Names follow Prometheus conventions: a counter {@code x} is scraped
 * as {@code x_total}.
 */
public final class Meters implements Shareable {

  private static final String OF = "event-walker.meters";

  private final String service;
  private final PrometheusMeterRegistry registry = Histograms.configure(new PrometheusMeterRegistry(PrometheusConfig.DEFAULT), name -> true);
  /** The addresses ({@code host:port}) this service's servers were asked to listen on. */
  private final Set<String> servers = ConcurrentHashMap.newKeySet();

  private Meters(String service, PrometheusMeterRegistry process, LocalMap<String, Meters> services) {
    this.service = service;
    if (process != null) {
      registry.getPrometheusRegistry().register(new ProcessMeters.OfService(process, this, () -> List.copyOf(services.values())));
    }
  }

  /** {@code service}'s meters in {@code vertx}: {@code line-provider} or {@code bet-maker}. */
  public static Meters of(Vertx vertx, String service) {
    LocalMap<String, Meters> services = vertx.sharedData().getLocalMap(OF);
    return services.computeIfAbsent(service, name -> new Meters(name, ProcessMeters.of(vertx), services));
  }

  public String service() {
    return service;
  }

  public MeterRegistry registry() {
    return registry;
  }

  /** What {@code GET /metrics} serves: this registry's meters and the process's that are not another service's. */
  public PrometheusMeterRegistry prometheus() {
    return registry;
  }

  /** The counter {@code name} with {@code tags} (name, value, …), registered (at 0) on first use. */
  public Counter counter(String name, String description, String... tags) {
    return Counter.builder(name).description(description).tags(tags).register(registry);
  }

  /**
   * A gauge reading {@code value}, replacing one of the same name registered earlier (a later
   * service of the same kind in this Vert.x, a test's, takes the gauge over).
   */
  public Gauge gauge(String name, String description, Supplier<Number> value) {
    Gauge earlier = registry.find(name).gauge();
    if (earlier != null) {
      registry.remove(earlier);
    }
    return Gauge.builder(name, value).description(description).strongReference(true).register(registry);
  }

  /** Registers the counter {@code name} at 0 for each value of its one label {@code tag}. */
  public void countersAtZero(String name, String description, String tag, Collection<String> values) {
    values.forEach(value -> counter(name, description, tag, value));
  }

  /**
   * A server of this service is to listen on {@code host:port}: Vert.x's meters of that server
   * (label {@code local}) are this service's.
   */
  public void serving(String host, int port) {
    servers.add(SocketAddress.inetSocketAddress(port, host).toString()); // as Vert.x spells the label
  }

  boolean serves(String local) {
    return servers.contains(local);
  }
}
