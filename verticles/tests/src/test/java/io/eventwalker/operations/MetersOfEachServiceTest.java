package io.eventwalker.operations;

import io.eventwalker.testing.Await;
import io.eventwalker.testing.Http;
import io.eventwalker.testing.TestSystem;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * With both services in one Vert.x (as {@code all} runs them), each {@code /metrics} shows its own
 * service's meters, the series of Vert.x that are its own (its HTTP server's requests, its database
 * and Redis pools and clients) and the process's (the JVM, the worker pools), and nothing of the
 * other service's.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class MetersOfEachServiceTest {

  private TestSystem system;
  private Http line;
  private Http bets;
  private int linePort;
  private int betsPort;

  @BeforeAll
  void start() {
    linePort = FreePorts.one();
    betsPort = FreePorts.one();
    system = TestSystem.start(true, true, line -> line.put("LP_HTTP_PORT", linePort), bets -> bets.put("BM_HTTP_PORT", betsPort));
    line = system.lineProvider();
    bets = system.betMaker();
  }

  @AfterAll
  void stop() {
    system.close();
  }

  @Test
  void eachServiceShowsItsOwnAndTheProcesssSeriesAndNoneOfTheOthers() {
    assertThat(line.get("/event/no-such-event").status()).isEqualTo(404);
    assertThat(bets.get("/events").status()).isEqualTo(200);
    String lineLocal = "local=\"0.0.0.0:" + linePort + "\"";
    String betsLocal = "local=\"0.0.0.0:" + betsPort + "\"";
    // A request is counted once its answer is written, a moment after the client has it.
    String lineScrape = Await.value("line-provider's request counted", Duration.ofSeconds(10), () -> line.get("/metrics").body(),
      text -> text.contains("vertx_http_server_requests_total{code=\"404\"," + lineLocal));
    String betsScrape = Await.value("bet-maker's request counted", Duration.ofSeconds(10), () -> bets.get("/metrics").body(),
      text -> text.contains("vertx_http_server_requests_total{code=\"200\"," + betsLocal));

    assertThat(lineScrape)
      .contains("line_provider_outbox_backlog_rows", "pool_name=\"line-provider/" + system.lpSchema() + "\"",
        "client_namespace=\"event-walker-line-provider\"", "rabbitmq_reconnects_total{connection=\"line-provider-outbox\"}")
      .doesNotContain(betsLocal, "bet_maker_", "pool_name=\"bet-maker/", "client_namespace=\"event-walker-bet-maker",
        "connection=\"bet-maker-");
    assertThat(betsScrape)
      .contains("bet_maker_bets_placed_total", "pool_name=\"bet-maker/" + system.bmSchema() + "\"",
        "client_namespace=\"event-walker-bet-maker\"", "rabbitmq_reconnects_total{connection=\"bet-maker-line-client\"}")
      .doesNotContain(lineLocal, "line_provider_", "pool_name=\"line-provider/", "client_namespace=\"event-walker-line-provider",
        "connection=\"line-provider-");
    for (String scrape : new String[] {lineScrape, betsScrape}) {
      assertThat(scrape).as("the process's meters, on both").contains("jvm_memory_used_bytes", "pool_name=\"vert.x-worker-thread\"",
        "http_requests_refused_total{reason=\"capacity\"}");
    }
  }
}
