package io.eventwalker.platform.http;

import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * A cap on the requests a service works on at once, shared by its HTTP verticles: beyond it a
 * request is answered 503 at once, before its body is read, so a flood cannot make the service
 * buffer and parse more bodies than its heap holds. Health, readiness, metrics and the live bridge
 * are not counted.
 */
public final class ConcurrencyLimit {

  private final int max;
  private final AtomicInteger inFlight = new AtomicInteger();

  public ConcurrencyLimit(int max) {
    this.max = max;
  }

  public int inFlight() {
    return inFlight.get();
  }

  /** A route handler for the service's API routes, ahead of the body handler. */
  public Handler<RoutingContext> handler() {
    return ctx -> {
      if (inFlight.incrementAndGet() > max) {
        inFlight.decrementAndGet();
        Problems.write(ctx, Problem.of(503, "the service is working on as many requests as it takes (" + max + "); nothing was"
          + " done; try again"));
        return;
      }
      ctx.addEndHandler(ended -> inFlight.decrementAndGet()); // called when the response ends or the connection is lost
      ctx.next();
    };
  }
}
