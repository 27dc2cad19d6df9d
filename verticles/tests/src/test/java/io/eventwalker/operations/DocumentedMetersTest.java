package io.eventwalker.operations;

import io.eventwalker.platform.metrics.Meters;
import io.eventwalker.testing.TestSystem;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every meter docs/operations.md lists is on the right service's {@code /metrics} from the moment
 * it has started, each documented label value included (a dashboard shows 0, not "no data"), and
 * not on the other's; and every meter of a service's own is in the document. Both services run in
 * one Vert.x, as {@code all} runs them, each on a port of its own.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DocumentedMetersTest {

  private TestSystem system;
  private Map<String, String> scrapes;

  @BeforeAll
  void start() {
    system = TestSystem.start(true, true, line -> line.put("LP_HTTP_PORT", FreePorts.one()), bets -> bets.put("BM_HTTP_PORT", FreePorts.one()));
    scrapes = Map.of("bet-maker", system.betMaker().get("/metrics").body(), "line-provider", system.lineProvider().get("/metrics").body());
  }

  @AfterAll
  void stop() {
    system.close();
  }

  @Test
  void everyDocumentedMeterIsOnItsServicesMetricsFromTheStart() {
    List<DocumentedMeters> documented = DocumentedMeters.read();
    assertThat(documented).as("meters listed in " + DocumentedMeters.DOC).hasSizeGreaterThan(20);
    List<String> missing = new ArrayList<>();
    List<String> crossed = new ArrayList<>();
    for (DocumentedMeters meter : documented) {
      for (String service : List.of("bet-maker", "line-provider")) {
        for (Pattern sample : meter.expected()) {
          boolean shown = sample.matcher(scrapes.get(service)).find();
          if (meter.of(service) && !shown) {
            missing.add(service + ": " + sample.pattern());
          } else if (!meter.of(service) && shown) {
            crossed.add(service + ": " + sample.pattern());
          }
        }
      }
    }
    assertThat(missing).as("documented meters missing from their service's /metrics right after start").isEmpty();
    assertThat(crossed).as("a service's meters on the other service's /metrics").isEmpty();
  }

  @Test
  void everyMeterOfAServiceIsDocumented() {
    List<DocumentedMeters> documented = DocumentedMeters.read();
    for (String service : List.of("bet-maker", "line-provider")) {
      MeterRegistry registry = Meters.of(system.vertx, service).registry();
      Set<String> own = new TreeSet<>();
      for (Meter meter : registry.getMeters()) {
        String name = registry.config().namingConvention().name(meter.getId().getName(), meter.getId().getType(), meter.getId().getBaseUnit());
        own.add(meter.getId().getType() == Meter.Type.COUNTER && !name.endsWith("_total") ? name + "_total" : name);
      }
      Set<String> listed = documented.stream().filter(meter -> meter.of(service)).map(DocumentedMeters::name).collect(Collectors.toSet());
      assertThat(own).as(service + "'s own meters, each listed in " + DocumentedMeters.DOC + " under its service or both").isSubsetOf(listed);
    }
  }
}
