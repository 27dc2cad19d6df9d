package io.eventwalker.platform.http;

import org.junit.jupiter.api.Test;

import java.util.Set;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

class RateLimiterTest {

  private static final long SECOND = TimeUnit.SECONDS.toNanos(1);

  @Test
  void allowsABurstThenTheSustainedRate() {
    RateLimiter limiter = new RateLimiter(10, 5, Set.of());
    long now = 1_000 * SECOND;
    for (int i = 0; i < 5; i++) {
      assertThat(limiter.delayNanos("a", now)).as("request %d of the burst", i).isZero();
    }
    long wait = limiter.delayNanos("a", now);
    assertThat(wait).isPositive().isLessThanOrEqualTo(SECOND / 10);
    assertThat(limiter.delayNanos("a", now + wait)).isZero();
    assertThat(limiter.delayNanos("a", now + wait)).isPositive();
  }

  @Test
  void clientsAreCountedApart() {
    RateLimiter limiter = new RateLimiter(1, 1, Set.of());
    long now = 5 * SECOND;
    assertThat(limiter.delayNanos("a", now)).isZero();
    assertThat(limiter.delayNanos("a", now)).isPositive();
    assertThat(limiter.delayNanos("b", now)).isZero();
  }

  @Test
  void anExemptAddressExemptsItsClient() {
    RateLimiter limiter = new RateLimiter(1, 1, Set.of("10.0.0.9", "2001:db8:0:7::1"));
    assertThat(limiter.exempts("10.0.0.9")).isTrue();
    assertThat(limiter.exempts("::ffff:10.0.0.9")).as("the same address, IPv4-mapped").isTrue();
    assertThat(limiter.exempts("2001:db8:0:7:abcd::42")).as("another address of the same /64").isTrue();
    assertThat(limiter.exempts("10.0.0.10")).isFalse();
    assertThat(limiter.exempts("2001:db8:0:8::1")).as("the next /64").isFalse();
  }

  @Test
  void unlimitedLetsEverythingThrough() {
    RateLimiter limiter = RateLimiter.unlimited();
    for (int i = 0; i < 10_000; i++) {
      assertThat(limiter.delayNanos("a", 0)).isZero();
    }
  }
}
