package io.eventwalker.platform.tracing;

import io.eventwalker.testing.Await;
import io.eventwalker.testing.Http;
import io.eventwalker.testing.TestSystem;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.propagation.ContextPropagators;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * One trace per story, across both services and RabbitMQ, with an in-memory exporter: a result
 * put on line-provider is followed through its outbox row and the broker to bet-maker's
 * settlement; a bet is followed to line-provider's check.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TracingTest {

  private static final AttributeKey<String> EVENT_ID = AttributeKey.stringKey("event_walker.event_id");

  private final InMemorySpanExporter exporter = InMemorySpanExporter.create();
  private OpenTelemetrySdk sdk;
  private TestSystem system;
  private Http line;
  private Http bets;

  @BeforeAll
  void start() {
    sdk = OpenTelemetrySdk.builder()
      .setTracerProvider(SdkTracerProvider.builder().addSpanProcessor(SimpleSpanProcessor.create(exporter)).build())
      .setPropagators(ContextPropagators.create(W3CTraceContextPropagator.getInstance()))
      .build();
    system = TestSystem.traced(sdk);
    line = system.lineProvider();
    bets = system.betMaker();
  }

  @AfterAll
  void stop() {
    system.close();
    sdk.close();
  }

  @Test
  void aResultIsOneTraceFromItsPutToItsSettlement() {
    long deadline = Instant.now().getEpochSecond() + 3600;
    assertThat(line.post("/event", "{\"event_id\":\"traced\",\"ratio\":2,\"deadline\":" + deadline + "}").status()).isEqualTo(201);
    assertThat(bets.post("/bet", "{\"event_id\":\"traced\",\"sum_bet\":5}").status()).isEqualTo(201);
    Await.until("the bet's update (version 1) consumed", Duration.ofSeconds(15), () -> consumed("traced").size() >= 1);
    exporter.reset();

    assertThat(line.put("/event", "{\"event_id\":\"traced\",\"status\":\"FINISHED_WIN\"}").status()).isEqualTo(200);
    Await.until("the result consumed by bet-maker", Duration.ofSeconds(15), () -> !consumed("traced").isEmpty());
    Await.until("the bet settled", Duration.ofSeconds(15), () -> bets.get("/bets?event_id=traced&status=WON").array().size() == 1);
    // Every span asserted on below has ended: the PUT's server span (ended after its answer) included, and the
    // publish span, which ends when line-provider has the broker's confirm, independently of bet-maker's consuming.
    Await.until("the PUT's server span ended", Duration.ofSeconds(15), () -> exporter.getFinishedSpanItems().stream()
      .anyMatch(span -> span.getKind() == SpanKind.SERVER && !span.getParentSpanContext().isValid()
        && span.getName().toUpperCase().contains("PUT")));
    Await.until("the result's publish span ended", Duration.ofSeconds(15), () -> exporter.getFinishedSpanItems().stream()
      .anyMatch(span -> span.getKind() == SpanKind.PRODUCER && span.getTraceId().equals(consumed("traced").get(0).getTraceId())));

    SpanData settled = consumed("traced").get(0);
    String traceId = settled.getTraceId();
    List<SpanData> trace = exporter.getFinishedSpanItems().stream().filter(span -> span.getTraceId().equals(traceId)).toList();
    SpanData put = trace.stream().filter(span -> span.getKind() == SpanKind.SERVER && span.getParentSpanContext().isValid() == false)
      .findFirst().orElseThrow(() -> new AssertionError("no root server span in " + names(trace)));
    assertThat(put.getName()).as("line-provider's HTTP span").containsIgnoringCase("PUT");
    SpanData publish = trace.stream().filter(span -> span.getKind() == SpanKind.PRODUCER).findFirst()
      .orElseThrow(() -> new AssertionError("no publish span in " + names(trace)));
    assertThat(publish.getAttributes().get(EVENT_ID)).isEqualTo("traced");
    assertThat(settled.getParentSpanId()).as("bet-maker's settlement follows line-provider's publish").isEqualTo(publish.getSpanId());
    assertThat(settled.getAttributes().get(AttributeKey.longKey("event_walker.bets_settled"))).isEqualTo(1L);
    assertThat(trace.stream().map(SpanData::getSpanId).collect(Collectors.toSet()))
      .as("the publish hangs off the request's own trace (through the outbox row)").contains(publish.getParentSpanId());
  }

  @Test
  void aBetIsOneTraceWithLineProvidersCheck() {
    long deadline = Instant.now().getEpochSecond() + 3600;
    assertThat(line.post("/event", "{\"event_id\":\"checked\",\"ratio\":2,\"deadline\":" + deadline + "}").status()).isEqualTo(201);
    exporter.reset();
    assertThat(bets.post("/bet", "{\"event_id\":\"checked\",\"sum_bet\":5}").status()).isEqualTo(201);
    // The POST's own server span ends a moment after its answer was sent: wait for it too.
    Await.until("line-provider's answer and the POST traced", Duration.ofSeconds(15), () -> exporter.getFinishedSpanItems().stream()
      .anyMatch(span -> span.getName().startsWith("line-provider.requests "))
      && exporter.getFinishedSpanItems().stream().anyMatch(span -> span.getKind() == SpanKind.SERVER && !span.getParentSpanContext().isValid()
        && span.getName().toUpperCase().contains("POST")));

    SpanData answered = exporter.getFinishedSpanItems().stream().filter(span -> span.getName().startsWith("line-provider.requests "))
      .findFirst().orElseThrow();
    List<SpanData> trace = exporter.getFinishedSpanItems().stream().filter(span -> span.getTraceId().equals(answered.getTraceId())).toList();
    SpanData asked = trace.stream().filter(span -> span.getKind() == SpanKind.CLIENT && span.getName().startsWith("line-provider "))
      .findFirst().orElseThrow(() -> new AssertionError("no client span in " + names(trace)));
    assertThat(answered.getParentSpanId()).isEqualTo(asked.getSpanId());
    SpanData post = trace.stream().filter(span -> span.getKind() == SpanKind.SERVER && !span.getParentSpanContext().isValid())
      .findFirst().orElseThrow(() -> new AssertionError("no root server span in " + names(trace)));
    assertThat(post.getName()).containsIgnoringCase("POST");
  }

  @Test
  void aTraceContextSentByTheCallerIsContinued() {
    String callerTrace = "4bf92f3577b34da6a3ce929d0e0e4736";
    exporter.reset();
    Http.Response events = line.send("GET", "/events", (byte[]) null,
      Map.of("traceparent", "00-" + callerTrace + "-00f067aa0ba902b7-01"));
    assertThat(events.status()).isEqualTo(200);
    // Spans of the caller's trace end before the GET's own (the event-bus request it makes): the wait
    // is for the span that continues the caller's, which ends a moment after the answer.
    SpanData continued = Await.value("a server span continuing the caller's span", Duration.ofSeconds(10),
      () -> exporter.getFinishedSpanItems().stream().filter(span -> span.getKind() == SpanKind.SERVER
        && span.getTraceId().equals(callerTrace) && span.getParentSpanId().equals("00f067aa0ba902b7")).findFirst(),
      Optional::isPresent).orElseThrow();
    assertThat(continued.getName()).as("the span continuing the caller's").containsIgnoringCase("GET");
  }

  private List<SpanData> consumed(String eventId) {
    return exporter.getFinishedSpanItems().stream()
      .filter(span -> span.getKind() == SpanKind.CONSUMER && eventId.equals(span.getAttributes().get(EVENT_ID)))
      .toList();
  }

  private static String names(List<SpanData> spans) {
    return spans.stream().map(span -> span.getKind() + " " + span.getName()).toList().toString();
  }
}
