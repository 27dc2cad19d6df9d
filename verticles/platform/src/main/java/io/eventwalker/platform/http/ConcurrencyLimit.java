package io.eventwalker.platform.http;

import io.eventwalker.platform.Lifecycle;
import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * The requests a service works on at once, shared by its HTTP verticles, and each client's share
 * of them (SPEC §5: one client cannot use up the service for others). A request counts against its
 * client (who {@code clientOf} says it is: a player or operator, else an address) and against the
 * service's budget from the moment its route starts until its answer ends or its connection goes.
 * Beyond the client's share it is answered 429, beyond the budget 503, at once, before its body is
 * read: a flood cannot make the service buffer and parse more bodies than its heap holds, and one
 * client holds at most its share of the budget however many connections it opens. Health,
 * readiness, metrics and the live bridge are not counted.
 */
public final class ConcurrencyLimit implements Lifecycle.Requests {

  /** What {@link #acquire} decided. */
  public enum Admission { ADMITTED, OVER_CLIENT_SHARE, OVER_BUDGET }

  private final int max;
  private final int perClient;
  private final AtomicInteger inFlight = new AtomicInteger();
  /** Requests in flight per client; a client with none has no entry, so this holds at most {@code max} entries. */
  private final ConcurrentHashMap<String, Integer> byClient = new ConcurrentHashMap<>();

  /** {@code max} requests at once in all, {@code perClient} of them of any one client. */
  public ConcurrencyLimit(int max, int perClient) {
    this.max = max;
    this.perClient = perClient;
  }

  public static ConcurrencyLimit of(HttpConfig config) {
    return new ConcurrencyLimit(config.maxConcurrentRequests(), config.maxConcurrentPerClient());
  }

  @Override
  public int inFlight() {
    return inFlight.get();
  }

  /** Takes a place for a request of {@code client}, or says why there is none; an admitted request must be {@link #release}d. */
  public Admission acquire(String client) {
    boolean[] admitted = {false};
    byClient.compute(client, (key, held) -> {
      int current = held == null ? 0 : held;
      if (current >= perClient) {
        return held;
      }
      admitted[0] = true;
      return current + 1;
    });
    if (!admitted[0]) {
      return Admission.OVER_CLIENT_SHARE;
    }
    if (inFlight.incrementAndGet() > max) {
      inFlight.decrementAndGet();
      releaseShare(client);
      return Admission.OVER_BUDGET;
    }
    return Admission.ADMITTED;
  }

  /** Gives back the place of an admitted request of {@code client}. */
  public void release(String client) {
    inFlight.decrementAndGet();
    releaseShare(client);
  }

  private void releaseShare(String client) {
    byClient.computeIfPresent(client, (key, held) -> held > 1 ? held - 1 : null);
  }

  /**
   * A route handler for the service's API routes, ahead of the body handler and after whatever
   * tells who the client is ({@code clientOf}).
   */
  public Handler<RoutingContext> handler(Function<RoutingContext, String> clientOf) {
    return ctx -> {
      String client = clientOf.apply(ctx);
      switch (acquire(client)) {
        case ADMITTED -> {
          ctx.addEndHandler(ended -> release(client)); // called when the response ends or the connection is lost
          ctx.next();
        }
        case OVER_CLIENT_SHARE -> {
          HttpMeters.of(ctx).refused("client_share");
          ctx.response().putHeader("Retry-After", "1");
          Problems.write(ctx, Problem.of(429, "this client already has " + perClient + " requests in progress, the most one"
            + " client may; nothing was done; try again once one is answered"));
        }
        case OVER_BUDGET -> {
          HttpMeters.of(ctx).refused("capacity");
          Problems.write(ctx, Problem.of(503, "the service is working on as many requests as it takes (" + max + "); nothing"
            + " was done; try again"));
        }
      }
    };
  }
}
