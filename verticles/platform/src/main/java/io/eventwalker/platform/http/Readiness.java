package io.eventwalker.platform.http;

import io.eventwalker.platform.Lifecycle;
import io.eventwalker.platform.dependencies.Dependency;
import io.eventwalker.platform.dependencies.Diagnosis;
import io.eventwalker.platform.eventbus.LocalBus;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * {@code GET /ready}: asks each dependency's owning verticle over the event bus (the HTTP verticle
 * touches none of them itself) and answers 200, or 503 naming what is down. Details (such as
 * bet-maker's events in conflict with line-provider) are added to the answer without changing its
 * status: they concern some events, not whether the service can serve.
 */
public final class Readiness {

  private final Vertx vertx;
  private final Map<String, List<String>> probes;
  private final Map<String, String> details;
  private final DeliveryOptions options;
  /** How long a probe's answer serves later requests. */
  private static final long PROBES_FRESH_MS = 250;
  /** The last probes and when they were asked (each HTTP verticle has its own Readiness, used on its own event loop). */
  private Map<String, Future<String>> recentProbes;
  private long recentProbesAt;
  /** The details being read, shared by the requests that come meanwhile. */
  private Map<String, Future<Object>> detailsInFlight;

  /** {@code probes}: dependency name → the addresses that must all answer "UP". */
  public Readiness(Vertx vertx, Map<String, List<String>> probes, long timeoutMs) {
    this(vertx, probes, Map.of(), timeoutMs);
  }

  /** {@code details}: field of the answer → the address whose reply (JSON) it shows. */
  public Readiness(Vertx vertx, Map<String, List<String>> probes, Map<String, String> details, long timeoutMs) {
    this.vertx = vertx;
    this.probes = probes;
    this.details = details;
    this.options = LocalBus.options(timeoutMs);
  }

  /**
   * Answers a readiness probe on behalf of a dependency's owning verticle: "UP" once {@code ping}
   * succeeds within {@code timeoutMs}, else a 503 naming {@code dependency} (where it is, as whom),
   * what went wrong and, for a known cause, what to do.
   */
  public static void answer(Message<String> probe, Dependency dependency, Future<?> ping, long timeoutMs) {
    ping.timeout(timeoutMs, TimeUnit.MILLISECONDS)
      .onSuccess(pong -> probe.reply("UP"))
      .onFailure(failure -> Failures.reply(probe, Problem.of(503, dependency + ": " + Diagnosis.of(dependency, failure).summary())));
  }

  /** Asks a dependency's probe at {@code address}: "UP", or a 503 problem saying why not ({@link #answer}). */
  public static Future<String> ping(Vertx vertx, String address, DeliveryOptions options) {
    return LocalBus.request(vertx, address, "ping", options);
  }

  /** Asks for the details shown at {@code address} (JSON: the events in conflict, say). */
  public static Future<Object> list(Vertx vertx, String address, DeliveryOptions options) {
    return LocalBus.request(vertx, address, "list", options);
  }

  public void handle(RoutingContext ctx) {
    if (Lifecycle.of(vertx).draining()) {
      Problems.write(ctx.response().putHeader("Connection", "close"), Problem.of(503, "not ready: shutting down"));
      return;
    }
    Map<String, Future<String>> checks = probes();
    Map<String, Future<Object>> extras = details();
    List<Future<?>> all = new ArrayList<>(checks.values());
    all.addAll(extras.values());
    Future.join(all).onComplete(done -> {
      JsonObject results = new JsonObject();
      List<String> down = new ArrayList<>();
      checks.forEach((name, check) -> {
        if (check.succeeded()) {
          results.put(name, "UP");
        } else {
          results.put(name, "DOWN: " + Failures.detail(check.cause()));
          down.add(name);
        }
      });
      JsonObject shown = new JsonObject();
      extras.forEach((field, extra) -> shown.put(field, extra.succeeded() ? extra.result() : "unknown: " + Failures.detail(extra.cause())));
      if (down.isEmpty()) {
        Responses.json(ctx, 200, new JsonObject().put("status", "UP").put("checks", results).mergeIn(shown));
      } else {
        Problem notReady = Problem.of(503, "not ready: " + String.join(", ", down) + " unavailable").with("checks", results);
        for (String field : shown.fieldNames()) {
          notReady = notReady.with(field, shown.getValue(field));
        }
        Problems.write(ctx, notReady);
      }
    });
  }

  /**
   * The dependencies' probes, shared by the requests of the last {@link #PROBES_FRESH_MS} (and by
   * those that come while they run): a flood of {@code /ready} asks PostgreSQL, Redis and RabbitMQ
   * a few times a second, not once per request, so it cannot exhaust their pools and make a
   * healthy instance look down to its load balancer. Details (the events in conflict) are read
   * for each request.
   */
  private Map<String, Future<String>> probes() {
    long now = System.nanoTime();
    if (recentProbes == null || (recentProbes.values().stream().allMatch(Future::isComplete)
      && now - recentProbesAt > TimeUnit.MILLISECONDS.toNanos(PROBES_FRESH_MS))) {
      Map<String, Future<String>> checks = new LinkedHashMap<>();
      probes.forEach((name, addresses) -> checks.put(name, check(addresses)));
      recentProbes = checks;
      recentProbesAt = now;
    }
    return recentProbes;
  }

  /**
   * The details (the events in conflict), read afresh for each request, except that requests
   * coming while a read is under way share it: however many ask at once, one read at a time.
   */
  private Map<String, Future<Object>> details() {
    if (detailsInFlight == null || detailsInFlight.values().stream().allMatch(Future::isComplete)) {
      Map<String, Future<Object>> extras = new LinkedHashMap<>();
      details.forEach((field, address) -> extras.put(field, list(vertx, address, options)));
      detailsInFlight = extras;
    }
    return detailsInFlight;
  }

  private Future<String> check(List<String> addresses) {
    List<Future<String>> answers = new ArrayList<>();
    for (String address : addresses) {
      answers.add(ping(vertx, address, options));
    }
    return Future.all(answers).map("UP");
  }
}
