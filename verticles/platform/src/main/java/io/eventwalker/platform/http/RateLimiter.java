package io.eventwalker.platform.http;

import io.eventwalker.platform.cluster.Clustering;
import io.eventwalker.platform.metrics.Meters;
import io.micrometer.core.instrument.Counter;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import io.vertx.ext.web.RoutingContext;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * A per-client request rate limit (the generic cell rate algorithm: a token bucket kept as one
 * number per client): bet-maker's {@code POST /bet}, line-provider's writes. A client is whoever
 * the route's {@code clientOf} says: the subject of a valid credential, else the client address
 * ({@link ClientAddress}: an IPv6 /64 is one client). Over the limit a request is answered 429
 * with {@code Retry-After} and goes no further. One limiter is shared by all HTTP verticle
 * instances of a service. In one process the number lives in its memory; with several instances
 * ({@link #shared}) it lives in Redis, so N instances allow the rate once, not N times. If Redis
 * does not answer within {@link #SHARED_TIMEOUT_MS}, each instance falls back to its share of the
 * limit (the rate divided by the members of the cluster), so the sum still holds.
 */
public final class RateLimiter {

  private static final int MAX_CLIENTS = 100_000;
  /** How a client key of an address starts (what {@code clientOf} answers without a credential). */
  public static final String ADDRESS = "address:";
  /** The wait for Redis's verdict before the local share decides. */
  static final long SHARED_TIMEOUT_MS = 200;
  /**
   * The generic cell rate algorithm in Redis, on Redis's clock (so the instances' clocks do not
   * matter), in microseconds: KEYS[1] holds the client's theoretical arrival time; ARGV are the
   * emission interval and the tolerance. Answers 0 (allowed, and counted) or the wait in µs.
   */
  static final String GCRA = """
    local t = redis.call('TIME')
    local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
    local interval = tonumber(ARGV[1])
    local tolerance = tonumber(ARGV[2])
    local tat = tonumber(redis.call('GET', KEYS[1])) or now
    local start = math.max(tat, now)
    if start - now > tolerance then
      return start - now - tolerance
    end
    local next = start + interval
    redis.call('SET', KEYS[1], string.format('%.0f', next), 'PX', math.ceil((next - now) / 1000) + 1000)
    return 0
    """;

  private final boolean unlimited;
  private final long intervalNanos;
  private final long toleranceNanos;
  /** Client addresses ({@link ClientAddress} keys) not limited. */
  private final Set<String> exempt;
  private final ConcurrentHashMap<String, AtomicLong> theoreticalArrival = new ConcurrentHashMap<>();
  /** Where the shared limit lives: null when the limit is this process's own. */
  private final Shared shared;
  /** What a refusal is counted as: the meters' prefix, the label of a client with a credential, and the service's own count. */
  private final Meter meter;

  /** The limit kept in Redis under {@code prefix}, and the local shares used while Redis does not answer, by cluster size. */
  private record Shared(Redis redis, String prefix, Vertx vertx, double perSecond, int burst,
                        ConcurrentHashMap<Integer, RateLimiter> shares) {
  }

  /**
   * How refusals are counted, in the service's {@code meters}: {@code <prefix>_rate_limited_requests_total{client}},
   * {@code client} being {@code credentialed} (e.g. {@code player}) or {@code address}; {@code refused} runs too
   * (a service's own count of refusals), and {@code <prefix>_rate_limit_fallbacks_total} counts
   * the verdicts taken without Redis. Each is there from the start, at 0.
   */
  public record Meter(Meters meters, String prefix, String credentialed, Runnable refused) {
    /** No meters (tests). */
    public static final Meter NONE = new Meter(null, null, null, () -> { });

    public Meter {
      if (meters != null) {
        rateLimited(meters, prefix, credentialed);
        rateLimited(meters, prefix, ADDRESS_LABEL);
        fallbacks(meters, prefix);
      }
    }

    private static Counter rateLimited(Meters meters, String prefix, String client) {
      return meters.counter(prefix + "_rate_limited_requests", "requests answered 429, by what they counted against", "client", client);
    }

    private static Counter fallbacks(Meters meters, String prefix) {
      return meters.counter(prefix + "_rate_limit_fallbacks", "verdicts of the shared rate limit taken locally, Redis not answering in time");
    }
  }

  private static final String ADDRESS_LABEL = "address";

  /** {@code perSecond} sustained requests per client, bursts up to {@code burst}; {@code exempt} addresses are not limited. */
  public RateLimiter(double perSecond, int burst, Set<String> exempt) {
    this(perSecond, burst, exempt, null, Meter.NONE);
  }

  private RateLimiter(double perSecond, int burst, Set<String> exempt, Shared shared, Meter meter) {
    this.unlimited = false;
    this.intervalNanos = (long) (TimeUnit.SECONDS.toNanos(1) / perSecond);
    this.toleranceNanos = intervalNanos * (Math.max(1, burst) - 1L);
    this.exempt = exempt.stream().map(ClientAddress::key).collect(Collectors.toUnmodifiableSet());
    this.shared = shared;
    this.meter = meter;
  }

  private RateLimiter() {
    this.unlimited = true;
    this.intervalNanos = 0;
    this.toleranceNanos = 0;
    this.exempt = Set.of();
    this.shared = null;
    this.meter = Meter.NONE;
  }

  /**
   * The limit shared by a service's instances through Redis (keys {@code prefix + client}, each
   * expiring once its bucket is full again).
   */
  public static RateLimiter shared(RateLimitConfig config, Vertx vertx, Redis redis, String prefix, Meter meter) {
    return config.perSecond() == 0 ? unlimited()
      : new RateLimiter(config.perSecond(), config.burst(), config.exempt(),
        new Shared(redis, prefix, vertx, config.perSecond(), config.burst(), new ConcurrentHashMap<>()), meter);
  }

  /** A limiter that lets everything through (the limit turned off). */
  public static RateLimiter unlimited() {
    return new RateLimiter();
  }

  /** This process's own limit; {@code perSecond} 0 turns it off. */
  public static RateLimiter of(RateLimitConfig config, Meter meter) {
    return config.perSecond() == 0 ? unlimited() : new RateLimiter(config.perSecond(), config.burst(), config.exempt(), null, meter);
  }

  /** How long {@code client} must wait before its next request is allowed; 0 if it may go now (and is counted). */
  public long delayNanos(String client, long now) {
    if (unlimited) {
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

  /** Whether requests from {@code address} are not limited (its client, {@link ClientAddress#key}, is listed). */
  boolean exempts(String address) {
    return exempt.contains(ClientAddress.key(address));
  }

  /**
   * A route handler: lets the request through, or answers 429 with {@code Retry-After}. It counts
   * the request against {@code clientOf}'s answer, or, from an exempt address, lets it through.
   */
  public Handler<RoutingContext> handler(Function<RoutingContext, String> clientOf) {
    return ctx -> {
      if (unlimited || exempts(ClientAddress.of(ctx.request()))) {
        ctx.next();
      } else if (shared != null) {
        checkShared(ctx, clientOf.apply(ctx));
      } else {
        String client = clientOf.apply(ctx);
        answer(ctx, client, delayNanos(client, System.nanoTime()));
      }
    };
  }

  private void answer(RoutingContext ctx, String client, long delay) {
    if (delay == 0) {
      ctx.next();
      return;
    }
    meter.refused().run();
    if (meter.meters() != null) {
      Meter.rateLimited(meter.meters(), meter.prefix(), client.startsWith(ADDRESS) ? ADDRESS_LABEL : meter.credentialed()).increment();
    }
    long seconds = Math.max(1, (delay + TimeUnit.SECONDS.toNanos(1) - 1) / TimeUnit.SECONDS.toNanos(1));
    ctx.response().putHeader("Retry-After", Long.toString(seconds));
    Problems.write(ctx, Problem.of(429, "too many requests from this client; retry after " + seconds + " s"));
  }

  /** Asks Redis; the body waits (paused) meanwhile. */
  private void checkShared(RoutingContext ctx, String client) {
    ctx.request().pause();
    sharedDelayNanos(client).onComplete(delay -> {
      if (delay.result() != 0) {
        ctx.request().resume(); // the refused body is read and dropped
      }
      answer(ctx, client, delay.result());
    });
  }

  /**
   * The shared limit's verdict for {@code client} (0: go, and counted): Redis's, or, without it
   * within {@link #SHARED_TIMEOUT_MS}, this instance's share's. Never fails.
   */
  Future<Long> sharedDelayNanos(String client) {
    return shared.redis().send(Request.cmd(Command.EVAL).arg(GCRA).arg(1).arg(shared.prefix() + client)
        .arg(intervalNanos / 1_000).arg(toleranceNanos / 1_000))
      .timeout(SHARED_TIMEOUT_MS, TimeUnit.MILLISECONDS)
      .map(verdict -> TimeUnit.MICROSECONDS.toNanos(verdict.toLong()))
      .recover(noAnswer -> {
        if (meter.meters() != null) {
          Meter.fallbacks(meter.meters(), meter.prefix()).increment();
        }
        int members = Clustering.members(shared.vertx());
        return Future.succeededFuture(shared.shares().computeIfAbsent(members, n -> new RateLimiter(shared.perSecond() / n,
          Math.max(1, shared.burst() / n), exempt)).delayNanos(client, System.nanoTime()));
      });
  }

  /** Forgets clients idle for long (called periodically). */
  public void purgeIdle(long now) {
    theoreticalArrival.values().removeIf(tat -> tat.get() < now);
    if (shared != null) {
      shared.shares().values().forEach(share -> share.purgeIdle(now));
    }
  }
}
