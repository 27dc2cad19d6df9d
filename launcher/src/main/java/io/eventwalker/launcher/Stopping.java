package io.eventwalker.launcher;

import io.eventwalker.platform.Lifecycle;
import io.vertx.core.Vertx;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sun.misc.Signal;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * How a running process ends: SIGTERM or SIGINT drains it ({@link Lifecycle}: {@code /ready}
 * answers 503 at once, new requests 503, requests and messages in hand are finished within
 * {@code SHUTDOWN_GRACE_MS}), closes Vert.x and exits 0 (a second signal meanwhile changes
 * nothing); a start-up that fails closes Vert.x and exits 1. {@link #exitStatus} waits for either.
 */
final class Stopping {

  private static final Logger LOG = LoggerFactory.getLogger(Stopping.class);

  private final Vertx vertx;
  private final long graceMs;
  private final AtomicBoolean stopping = new AtomicBoolean();
  private final AtomicBoolean closed = new AtomicBoolean();
  private final CompletableFuture<Integer> exit = new CompletableFuture<>();

  private Stopping(Vertx vertx, long graceMs) {
    this.vertx = vertx;
    this.graceMs = graceMs;
  }

  /** Takes SIGTERM and SIGINT for {@code vertx}, and closes it if the JVM exits another way. */
  static Stopping on(Vertx vertx, long graceMs) {
    Stopping stopping = new Stopping(vertx, graceMs);
    Runtime.getRuntime().addShutdownHook(new Thread(stopping::close, "shutdown"));
    Signal.handle(new Signal("TERM"), signal -> stopping.stop());
    Signal.handle(new Signal("INT"), signal -> stopping.stop());
    return stopping;
  }

  /** Start-up failed: closes Vert.x; the process exits 1. */
  void failed() {
    if (stopping.getAndSet(true)) {
      return;
    }
    LOG.error("start-up failed; exiting");
    vertx.close().onComplete(done -> exit.complete(1));
  }

  /** Whether the process is on its way out (a start-up cut short by it is not a failure). */
  boolean stopping() {
    return stopping.get();
  }

  /** Blocks until the process is to exit, and says with which status. */
  int exitStatus() {
    return exit.join();
  }

  private void stop() {
    if (stopping.getAndSet(true)) {
      return;
    }
    Thread stopper = new Thread(() -> {
      LOG.info("stopping: finishing the work in hand within {} ms", graceMs);
      try {
        Lifecycle.of(vertx).drain(vertx, graceMs).toCompletionStage().toCompletableFuture().get(graceMs + 1_000, TimeUnit.MILLISECONDS);
      } catch (Exception e) {
        LOG.warn("stopping: the work in hand was not finished within SHUTDOWN_GRACE_MS ({} ms): {}", graceMs, e.getMessage());
      }
      close();
      LOG.info("stopped");
      exit.complete(0);
    }, "stop");
    stopper.start();
  }

  private void close() {
    if (closed.getAndSet(true)) {
      return;
    }
    try {
      vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    } catch (Exception e) {
      LOG.warn("shutdown did not finish cleanly: {}", e.getMessage());
    }
  }
}
