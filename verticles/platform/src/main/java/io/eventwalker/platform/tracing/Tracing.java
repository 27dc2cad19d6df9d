package io.eventwalker.platform.tracing;

import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.TextMapGetter;
import io.opentelemetry.sdk.autoconfigure.AutoConfiguredOpenTelemetrySdk;
import io.vertx.core.Vertx;
import org.slf4j.spi.LoggingEventBuilder;

import java.util.Collections;
import java.util.HashMap;
import java.util.Map;
import java.util.WeakHashMap;

/**
 * Tracing with OpenTelemetry: one trace per story, {@code PUT /event} → outbox → RabbitMQ →
 * bet-maker's settlement, and {@code POST /bet} → line-provider's check. Vert.x traces HTTP, the
 * event bus and PostgreSQL itself; the hops it cannot see carry the W3C {@value #TRACEPARENT} by
 * hand: in the outbox row (so a trace survives a restart between commit and publish) and in the
 * headers of every AMQP message.
 *
 * <p>Configured by the standard OpenTelemetry environment variables ({@code OTEL_SERVICE_NAME},
 * {@code OTEL_EXPORTER_OTLP_ENDPOINT}, {@code OTEL_EXPORTER_OTLP_PROTOCOL}, {@code OTEL_TRACES_SAMPLER},
 * …). Nothing is traced or exported unless an OTLP endpoint is set; only traces are exported
 * (metrics are on {@code /metrics}, logs on standard output). The protocol is {@code http/protobuf}
 * (port 4318) unless {@code OTEL_EXPORTER_OTLP_PROTOCOL} says {@code grpc}.
 */
public final class Tracing {

  /** The W3C trace context header, as stored in the outbox and sent with AMQP messages. */
  public static final String TRACEPARENT = "traceparent";
  private static final String SCOPE = "io.eventwalker";
  private static final Map<Vertx, OpenTelemetry> OF = Collections.synchronizedMap(new WeakHashMap<>());
  /** Whether any Vert.x of this process traces: when none does (the usual case), nothing is looked up per request. */
  private static volatile boolean anyTraced;

  private static final TextMapGetter<Map<String, ?>> HEADERS = new TextMapGetter<>() {
    @Override
    public Iterable<String> keys(Map<String, ?> carrier) {
      return carrier.keySet();
    }

    @Override
    public String get(Map<String, ?> carrier, String key) {
      Object value = carrier == null ? null : carrier.get(key);
      return value == null ? null : value.toString(); // AMQP hands strings over as LongString
    }
  };

  private Tracing() {
  }

  /**
   * The SDK the environment asks for, or null (tracing off) when neither
   * {@code OTEL_EXPORTER_OTLP_ENDPOINT} nor {@code OTEL_EXPORTER_OTLP_TRACES_ENDPOINT} is set.
   * {@code service} names the service unless {@code OTEL_SERVICE_NAME} does.
   */
  public static OpenTelemetry fromEnvironment(Map<String, String> env, String service) {
    if (blank(env.get("OTEL_EXPORTER_OTLP_ENDPOINT")) && blank(env.get("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT"))) {
      return null;
    }
    return AutoConfiguredOpenTelemetrySdk.builder()
      .addPropertiesSupplier(() -> Map.of(
        "otel.service.name", service,
        "otel.exporter.otlp.protocol", "http/protobuf",
        "otel.traces.exporter", "otlp",
        "otel.metrics.exporter", "none",
        "otel.logs.exporter", "none"))
      .build()
      .getOpenTelemetrySdk();
  }

  /** Records the SDK {@code vertx} traces with (see {@code VertxRuntime}). */
  public static void register(Vertx vertx, OpenTelemetry openTelemetry) {
    OF.put(vertx, openTelemetry);
    anyTraced = true;
  }

  /** The SDK of {@code vertx}; a no-op one when tracing is off. */
  public static OpenTelemetry of(Vertx vertx) {
    return anyTraced ? OF.getOrDefault(vertx, OpenTelemetry.noop()) : OpenTelemetry.noop();
  }

  /** The {@value #TRACEPARENT} of the span current on this thread's Vert.x context, or null when there is none. */
  public static String current(Vertx vertx) {
    return anyTraced ? traceparent(vertx, Context.current()) : null;
  }

  public static String traceparent(Vertx vertx, Context context) {
    Map<String, String> carrier = new HashMap<>(2);
    of(vertx).getPropagators().getTextMapPropagator().inject(context, carrier, Map::put);
    return carrier.get(TRACEPARENT);
  }

  /**
   * Starts a span of {@code kind} whose parent is {@code traceparent} (a root span when null or
   * unreadable). End it with {@link #end}.
   */
  public static Span start(Vertx vertx, String name, SpanKind kind, String traceparent) {
    Context parent = traceparent == null ? Context.root()
      : of(vertx).getPropagators().getTextMapPropagator().extract(Context.root(), Map.of(TRACEPARENT, traceparent), HEADERS);
    return of(vertx).getTracer(SCOPE).spanBuilder(name).setSpanKind(kind).setParent(parent).startSpan();
  }

  /** The {@value #TRACEPARENT} of message headers, or null. */
  public static String traceparent(Map<String, ?> headers) {
    return headers == null ? null : HEADERS.get(headers, TRACEPARENT);
  }

  /** The {@value #TRACEPARENT} that makes {@code span} the parent of what follows, or null when not traced. */
  public static String traceparent(Vertx vertx, Span span) {
    return span.getSpanContext().isValid() ? traceparent(vertx, Context.root().with(span)) : null;
  }

  /** The trace id of {@code span}, for a log line's {@code trace_id}, or null when not traced. */
  public static String traceId(Span span) {
    return span.getSpanContext().isValid() ? span.getSpanContext().getTraceId() : null;
  }

  /** {@code log} with the {@code trace_id} of {@code span} as a field, when it is traced. */
  public static LoggingEventBuilder log(LoggingEventBuilder log, Span span) {
    String traceId = traceId(span);
    return traceId == null ? log : log.addKeyValue("trace_id", traceId);
  }

  /** {@code log} with the trace id of {@code traceparent} as its {@code trace_id}, when there is one. */
  public static LoggingEventBuilder log(LoggingEventBuilder log, String traceparent) {
    String[] parts = traceparent == null ? new String[0] : traceparent.split("-");
    return parts.length == 4 ? log.addKeyValue("trace_id", parts[1]) : log;
  }

  /** Ends {@code span}, marked failed with {@code failure} unless that is null. */
  public static void end(Span span, Throwable failure) {
    if (failure != null) {
      span.setStatus(StatusCode.ERROR, String.valueOf(failure.getMessage()));
    }
    span.end();
  }

  private static boolean blank(String value) {
    return value == null || value.isBlank();
  }
}
