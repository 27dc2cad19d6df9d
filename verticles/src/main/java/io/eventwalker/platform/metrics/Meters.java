package io.eventwalker.platform.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.micrometer.backends.BackendRegistries;

import java.util.function.Supplier;

/**
 * The services' own meters, in the registry {@code /metrics} serves (a private one when metrics
 * are off, so code can count without asking). Names follow Prometheus conventions: a counter
 * {@code x} is scraped as {@code x_total}.
 */
public final class Meters {

  private static final MeterRegistry DETACHED = new SimpleMeterRegistry();

  private Meters() {
  }

  public static Counter counter(String name, String description, String... tags) {
    return Counter.builder(name).description(description).tags(tags).register(registry());
  }

  /**
   * A gauge reading {@code value}, replacing one of the same name registered earlier in this process
   * (one service of a kind per process; a later one, a test's, takes the gauge over).
   */
  public static Gauge gauge(String name, String description, Supplier<Number> value) {
    Gauge earlier = registry().find(name).gauge();
    if (earlier != null) {
      registry().remove(earlier);
    }
    return Gauge.builder(name, value).description(description).strongReference(true).register(registry());
  }

  public static MeterRegistry registry() {
    MeterRegistry registry = BackendRegistries.getDefaultNow();
    return registry == null ? DETACHED : registry;
  }
}
