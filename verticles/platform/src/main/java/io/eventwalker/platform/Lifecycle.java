package io.eventwalker.platform;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;

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
 *   {@code Retry-After} and {@code Connection: close} (the first handler of every router,
 *   {@code http.Draining}); the requests already taken are answered (the ones each service
 *   counts, {@link #counting});</li>
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

  /** A count of the requests a service works on (its concurrency limit). */
  public interface Requests {
    int inFlight();
  }

  /** At least this long new requests are answered 503 before the work is drained and Vert.x closed. */
  static final long REFUSING_MS = 500;
  private static final long POLL_MS = 20;

  private static final Map<Vertx, Lifecycle> OF = Collections.synchronizedMap(new WeakHashMap<>());

  private final List<Drain> drains = new CopyOnWriteArrayList<>();
  /** The services' counts of the requests they work on. */
  private final List<Requests> requests = new CopyOnWriteArrayList<>();
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

  /** A service's count of the requests it works on: a drain waits until they are answered. */
  public void counting(Requests limit) {
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
