package io.eventwalker.betmaker;

import io.eventwalker.platform.http.Problem;
import io.eventwalker.platform.http.Problems;
import io.eventwalker.platform.auth.Bearer;
import io.eventwalker.platform.auth.Identity;
import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A per-client request rate limit (the generic cell rate algorithm: a token bucket kept as one
 * number per client). A client is the player of a valid bearer token, else the remote IP address. Over the limit a request is answered
 * 429 with {@code Retry-After} and goes no further. One limiter is shared by all HTTP verticle
 * instances of a service; limits are per process.
 */
public final class RateLimiter {

  private static final int MAX_CLIENTS = 100_000;

  private final boolean unlimited;
  private final long intervalNanos;
  private final long toleranceNanos;
  private final Set<String> exempt;
  private final ConcurrentHashMap<String, AtomicLong> theoreticalArrival = new ConcurrentHashMap<>();

  /** {@code perSecond} sustained requests per client, bursts up to {@code burst}; {@code exempt} addresses are not limited. */
  public RateLimiter(double perSecond, int burst, Set<String> exempt) {
    this.unlimited = false;
    this.intervalNanos = (long) (TimeUnit.SECONDS.toNanos(1) / perSecond);
    this.toleranceNanos = intervalNanos * (Math.max(1, burst) - 1L);
    this.exempt = Set.copyOf(exempt);
  }

  private RateLimiter() {
    this.unlimited = true;
    this.intervalNanos = 0;
    this.toleranceNanos = 0;
    this.exempt = Set.of();
  }

  /** A limiter that lets everything through (the limit turned off). */
  public static RateLimiter unlimited() {
    return new RateLimiter();
  }

  /** {@code BM_RATE_LIMIT_*}: {@code perSecond} 0 turns the limit off. */
  static RateLimiter of(BetMakerConfig.RateLimit config) {
    return config.perSecond() == 0 ? unlimited() : new RateLimiter(config.perSecond(), config.burst(), config.exempt());
  }

  /** How long {@code client} must wait before its next request is allowed; 0 if it may go now (and is counted). */
  public long delayNanos(String client, long now) {
    if (unlimited || exempt.contains(client)) {
      return 0;
    }
    if (theoreticalArrival.size() > MAX_CLIENTS) {
      theoreticalArrival.values().removeIf(tat -> tat.get() < now);
    }
    AtomicLong tat = theoreticalArrival.computeIfAbsent(client, key -> new AtomicLong(now));
    while (true) {
      long current = tat.get();
      long start = Math.max(current, now);
      if (start - now > toleranceNanos) {
        return start - now - toleranceNanos;
      }
      if (tat.compareAndSet(current, start + intervalNanos)) {
        return 0;
      }
    }
  }

  /** A route handler: lets the request through, or answers 429 with {@code Retry-After}. */
  public Handler<RoutingContext> handler() {
    return ctx -> {
      long delay = delayNanos(client(ctx), System.nanoTime());
      if (delay == 0) {
        ctx.next();
        return;
      }
      long seconds = Math.max(1, (delay + TimeUnit.SECONDS.toNanos(1) - 1) / TimeUnit.SECONDS.toNanos(1));
      ctx.response().putHeader("Retry-After", Long.toString(seconds));
      Problems.write(ctx, Problem.of(429, "too many requests from this client; retry after " + seconds + " s"));
    };
  }

  /**
   * Who a request counts against: the player of a valid bearer token, else the client's address
   * (so a player is not limited by others behind the same address, and requests without a valid
   * token are still limited). Exempt addresses are listed as addresses.
   */
  private String client(RoutingContext ctx) {
    Identity identity = ctx.get(Bearer.IDENTITY);
    String address = ctx.request().remoteAddress() == null ? "unknown" : ctx.request().remoteAddress().hostAddress();
    if (exempt.contains(address)) {
      return address;
    }
    return identity != null ? "player:" + identity.subject() : address;
  }

  /** Forgets clients idle for long (called periodically). */
  public void purgeIdle(long now) {
    theoreticalArrival.values().removeIf(tat -> tat.get() < now);
  }
}
