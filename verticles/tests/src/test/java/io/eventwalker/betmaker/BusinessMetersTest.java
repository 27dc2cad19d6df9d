package io.eventwalker.betmaker;

import io.eventwalker.testing.Await;
import io.eventwalker.testing.SystemTest;
import static io.eventwalker.testing.Scrape.sample;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;

/** The business meters on /metrics (docs/operations.md) count what happened, by reason and outcome. */
class BusinessMetersTest extends SystemTest {

  @Test
  void placedRefusedAndSettledBetsAreCounted() {
    double placed = sample(bets, "bet_maker_bets_placed_total", "");
    double unknown = sample(bets, "bet_maker_bets_refused_total", "reason=\"unknown_event\"");
    double invalid = sample(bets, "bet_maker_bets_refused_total", "reason=\"invalid\"");
    double closed = sample(bets, "bet_maker_bets_refused_total", "reason=\"event_closed\"");
    double won = sample(bets, "bet_maker_bets_settled_total", "outcome=\"won\"");
    double latencies = sample(bets, "bet_maker_settlement_latency_seconds_count", "");
    double asked = sample(bets, "bet_maker_line_requests_seconds_count", "request=\"subscribe\"")
      + sample(bets, "bet_maker_line_requests_seconds_count", "request=\"get_states\"");

    assertThat(line.post("/event", "{\"event_id\":\"metered\",\"ratio\":2,\"deadline\":" + (Instant.now().getEpochSecond() + 3600) + "}")
      .status()).isEqualTo(201);
    assertThat(bets.post("/bet", "[{\"event_id\":\"metered\",\"sum_bet\":1},{\"event_id\":\"metered\",\"sum_bet\":2}]").status()).isEqualTo(201);
    assertThat(bets.post("/bet", "{\"event_id\":\"no-such-event\",\"sum_bet\":1}").status()).isEqualTo(404);
    assertThat(bets.post("/bet", "{\"event_id\":\"metered\",\"sum_bet\":-1}").status()).isEqualTo(400);
    assertThat(line.put("/event", "{\"event_id\":\"metered\",\"status\":\"FINISHED_WIN\"}").status()).isEqualTo(200);
    Await.until("both bets settled", Duration.ofSeconds(15), () -> bets.get("/bets?event_id=metered&status=WON").array().size() == 2);
    assertThat(bets.post("/bet", "{\"event_id\":\"metered\",\"sum_bet\":1}").status()).isEqualTo(409);

    assertThat(sample(bets, "bet_maker_bets_placed_total", "") - placed).isEqualTo(2);
    assertThat(sample(bets, "bet_maker_bets_refused_total", "reason=\"unknown_event\"") - unknown).isEqualTo(1);
    assertThat(sample(bets, "bet_maker_bets_refused_total", "reason=\"invalid\"") - invalid).isEqualTo(1);
    assertThat(sample(bets, "bet_maker_bets_refused_total", "reason=\"event_closed\"") - closed).isEqualTo(1);
    // Settled bets are counted after the settlement's commit, a moment after GET /bets shows them WON.
    assertThat(Await.value("both settled bets counted", Duration.ofSeconds(15),
      () -> sample(bets, "bet_maker_bets_settled_total", "outcome=\"won\"") - won, counted -> counted >= 2)).isEqualTo(2);
    assertThat(sample(bets, "bet_maker_line_requests_seconds_count", "request=\"subscribe\"")
      + sample(bets, "bet_maker_line_requests_seconds_count", "request=\"get_states\"") - asked)
      .as("line-provider was asked about the bets' event, and its answers timed").isPositive();
    Await.until("the settlement timed", Duration.ofSeconds(15),
      () -> sample(bets, "bet_maker_settlement_latency_seconds_count", "") - latencies == 1);
    // The count and the buckets are updated one after the other: the bucket is waited for too.
    assertThat(Await.value("the settlement in the histogram's buckets", Duration.ofSeconds(15),
      () -> sample(bets, "bet_maker_settlement_latency_seconds_bucket", "le=\"60.0\""), bucket -> bucket >= latencies + 1))
      .as("a histogram Prometheus can take quantiles of; this settlement took well under a minute")
      .isGreaterThanOrEqualTo(latencies + 1);
    assertThat(sample(bets, "bet_maker_settlement_latency_seconds_max", "")).isBetween(0.0, 15.0);
  }

  @Test
  void countersAreThereBeforeAnythingHappened() {
    String metrics = bets.get("/metrics").body();
    for (String reason : java.util.List.of("unknown_event", "event_closed", "odds_changed", "invalid", "rate_limited", "not_stored",
        "outcome_unknown")) {
      assertThat(metrics).contains("bet_maker_bets_refused_total{reason=\"" + reason + "\"}");
    }
    for (String cause : java.util.List.of("forged", "unreadable", "refused", "poison")) {
      assertThat(metrics).contains("bet_maker_updates_dead_lettered_total{cause=\"" + cause + "\"}");
    }
    assertThat(metrics).contains("bet_maker_bets_settled_total{outcome=\"void\"}", "bet_maker_settlement_latency_seconds_count");
  }

  @Test
  void theOutboxBacklogIsOnLineProvidersMetrics() {
    assertThat(line.get("/metrics").body()).contains("line_provider_outbox_backlog_rows", "line_provider_outbox_oldest_age_seconds");
  }
}
