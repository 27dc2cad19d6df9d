package io.eventwalker.platform.http;

import io.eventwalker.testing.Backing;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisOptions;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.Set;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/** With several bet-makers the rate limit lives in Redis: N instances allow it once, not N times. */
class SharedRateLimitTest {

  private final Vertx vertx = Vertx.vertx();

  @AfterEach
  void close() {
    vertx.close().await();
  }

  private RateLimiter limiter(Redis redis, String prefix) {
    return RateLimiter.shared(new RateLimitConfig(2, 5, Set.of()), vertx, redis, prefix, RateLimiter.Meter.NONE);
  }

  @Test
  void twoInstancesShareOneBucket() {
    Redis redis = Redis.createClient(vertx, Backing.redis().url());
    String prefix = "event-walker:test-" + UUID.randomUUID() + ":rate:";
    RateLimiter first = limiter(redis, prefix);
    RateLimiter second = limiter(redis, prefix);
    long started = System.nanoTime();
    int allowed = 0;
    for (int i = 0; i < 40; i++) {
      long delay = (i % 2 == 0 ? first : second).sharedDelayNanos("player:p").await();
      if (delay == 0) {
        allowed++;
      } else {
        assertThat(delay).isPositive().isLessThanOrEqualTo(1_000_000_000L);
      }
    }
    double seconds = (System.nanoTime() - started) / 1e9;
    // A burst of 5 and 2 a second, across both: never the 10 + 4/s two separate limits would allow.
    assertThat(allowed).isBetween(5, 5 + (int) Math.ceil(2 * seconds) + 1);
    assertThat(first.sharedDelayNanos("player:other").await()).as("another client has its own bucket").isZero();
  }

  @Test
  void withoutRedisEachInstanceAppliesItsShareAndAnswersPromptly() {
    Redis unreachable = Redis.createClient(vertx, new RedisOptions().setConnectionString("redis://127.0.0.1:1"));
    RateLimiter limiter = limiter(unreachable, "event-walker:test:rate:");
    long started = System.nanoTime();
    int allowed = 0;
    for (int i = 0; i < 10; i++) {
      if (limiter.sharedDelayNanos("player:p").await() == 0) {
        allowed++;
      }
    }
    double seconds = (System.nanoTime() - started) / 1e9;
    // Not clustered: this instance's share is the whole limit, applied locally: a burst of 5 and 2 a second over the
    // time the verdicts took (however slow the machine), never more.
    assertThat(allowed).isBetween(5, 5 + (int) Math.ceil(2 * seconds));
    assertThat(seconds * 1e3).as("ms for 10 verdicts without Redis")
      .isLessThan(10 * (RateLimiter.SHARED_TIMEOUT_MS + 500.0));
  }
}
