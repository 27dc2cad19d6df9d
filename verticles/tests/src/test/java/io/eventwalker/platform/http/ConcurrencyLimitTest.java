package io.eventwalker.platform.http;

import io.eventwalker.platform.http.ConcurrencyLimit.Admission;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The budget of requests in flight and each client's share of it, without Vert.x. */
class ConcurrencyLimitTest {

  @Test
  void aClientHoldsAtMostItsShareAndTheRestStaysForOthers() {
    ConcurrencyLimit limit = new ConcurrencyLimit(5, 2);
    assertThat(limit.acquire("subject:hog")).isEqualTo(Admission.ADMITTED);
    assertThat(limit.acquire("subject:hog")).isEqualTo(Admission.ADMITTED);
    for (int i = 0; i < 10; i++) {
      assertThat(limit.acquire("subject:hog")).as("beyond its share").isEqualTo(Admission.OVER_CLIENT_SHARE);
    }
    assertThat(limit.inFlight()).isEqualTo(2);
    assertThat(limit.acquire("subject:other")).isEqualTo(Admission.ADMITTED);
    assertThat(limit.acquire("address:192.0.2.7")).isEqualTo(Admission.ADMITTED);
    assertThat(limit.acquire("address:192.0.2.8")).isEqualTo(Admission.ADMITTED);
    assertThat(limit.acquire("address:192.0.2.9")).as("the budget is spent").isEqualTo(Admission.OVER_BUDGET);
    assertThat(limit.inFlight()).isEqualTo(5);

    limit.release("subject:hog");
    assertThat(limit.acquire("address:192.0.2.9")).as("a place given back").isEqualTo(Admission.ADMITTED);
    limit.release("address:192.0.2.9");
    assertThat(limit.acquire("subject:hog")).as("its share has room again").isEqualTo(Admission.ADMITTED);
  }

  @Test
  void aRefusalOverTheBudgetTakesNothingFromTheClientsShare() {
    ConcurrencyLimit limit = new ConcurrencyLimit(1, 1);
    assertThat(limit.acquire("a")).isEqualTo(Admission.ADMITTED);
    assertThat(limit.acquire("b")).isEqualTo(Admission.OVER_BUDGET);
    limit.release("a");
    assertThat(limit.acquire("b")).isEqualTo(Admission.ADMITTED);
    assertThat(limit.inFlight()).isEqualTo(1);
  }

  @Test
  void theAddressesOfOneSlash64AreOneClient() {
    ConcurrencyLimit limit = new ConcurrencyLimit(100, 2);
    assertThat(limit.acquire(RateLimiter.ADDRESS + ClientAddress.key("2001:db8:5:6::1"))).isEqualTo(Admission.ADMITTED);
    assertThat(limit.acquire(RateLimiter.ADDRESS + ClientAddress.key("2001:db8:5:6::2"))).isEqualTo(Admission.ADMITTED);
    assertThat(limit.acquire(RateLimiter.ADDRESS + ClientAddress.key("2001:db8:5:6:dead:beef:0:3")))
      .as("a third address of the same /64").isEqualTo(Admission.OVER_CLIENT_SHARE);
    assertThat(limit.acquire(RateLimiter.ADDRESS + ClientAddress.key("2001:db8:5:7::1"))).isEqualTo(Admission.ADMITTED);
  }
}
