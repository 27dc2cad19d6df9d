package io.eventwalker.platform;

import io.eventwalker.platform.http.ConcurrencyLimit;
import io.eventwalker.platform.http.Problem;
import io.eventwalker.platform.http.Problems;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.ext.web.RoutingContext;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.WeakHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The way out of a running process (SIGTERM), in two phases, bounded by the grace period in all:
 * <ol>
 *   <li>HTTP: from the first moment {@code /ready} answers 503, and so does every new request, with
 *   {@code Retry-After} and {@code Connection: close} ({@link #admit}); the requests already taken
 *   are answered (they are the ones each service's {@link ConcurrencyLimit} counts);</li>
 *   <li>work: each consumer of RabbitMQ stops taking messages and waits for the ones it holds to be
 *   done and acknowledged ({@link Drain}).</li>
 * </ol>
 * Then Vert.x is closed. Work is drained after HTTP because answering a bet needs line-provider's
 * consumer (in {@code all}, in this same process) until the last bet is answered. The servers
 * keep accepting connections until the end, so a client gets its 503 rather than a connection
 * closed under a request it was sending. One per Vert.x instance.
 */
public final class Lifecycle {

  /** A part that holds work to finish before it stops; completes when done or at {@code deadlineMillis}. */
  public interface Drain {
    Future<?> drain(long deadlineMillis);
  }

  /** At least this long new requests are answered 503 before the work is drained and Vert.x closed. */
  static final long REFUSING_MS = 500;
  private static final long POLL_MS = 20;

  private static final Map<Vertx, Lifecycle> OF = Collections.synchronizedMap(new WeakHashMap<>());

  private final List<Drain> drains = new CopyOnWriteArrayList<>();
  /** The services' counts of the requests they work on. */
  private final List<ConcurrencyLimit> requests = new CopyOnWriteArrayList<>();
  private volatile boolean draining;

  private Lifecycle() {
  }

  public static Lifecycle of(Vertx vertx) {
    return OF.computeIfAbsent(vertx, v -> new Lifecycle());
  }

  /** True once the process is on its way out: no new work is taken. */
  public boolean draining() {
    return draining;
  }

  /** The first handler of every router: once draining, answers a request 503 at once ({@code /ready} answers its own 503). */
  public void admit(RoutingContext ctx) {
    if (draining && !ctx.request().path().equals("/ready")) {
      ctx.response().putHeader("Connection", "close").putHeader("Retry-After", "1");
      Problems.write(ctx, Problem.of(503, "the service is shutting down; nothing was done; try again"));
      return;
    }
    ctx.next();
  }

  /** A service's count of the requests it works on: a drain waits until they are answered. */
  public void counting(ConcurrencyLimit limit) {
    requests.add(limit);
  }

  public void working(Drain drain) {
    drains.add(drain);
  }

  public void done(Drain drain) {
    drains.remove(drain);
  }

  /** Drains HTTP, then work, within {@code graceMs} in all; never fails. */
  public Future<Void> drain(Vertx vertx, long graceMs) {
    draining = true;
    long started = System.currentTimeMillis();
    long deadline = started + graceMs;
    Promise<Void> answered = Promise.promise();
    awaitAnswers(vertx, Math.min(started + REFUSING_MS, deadline), deadline, answered);
    return answered.future().transform(served -> {
      List<Future<?>> work = new ArrayList<>();
      drains.forEach(drain -> work.add(drain.drain(deadline)));
      return Future.join(work);
    }).transform(done -> Future.succeededFuture());
  }

  private void awaitAnswers(Vertx vertx, long notBefore, long deadline, Promise<Void> answered) {
    long now = System.currentTimeMillis();
    boolean idle = requests.stream().allMatch(limit -> limit.inFlight() <= 0);
    if ((idle && now >= notBefore) || now >= deadline) {
      answered.complete();
    } else {
      vertx.setTimer(POLL_MS, id -> awaitAnswers(vertx, notBefore, deadline, answered));
    }
  }
}
