package io.eventwalker.testing;

import io.vertx.core.Vertx;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.net.http.HttpHeaders;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The check {@link Http} runs on every response bites: hand-made responses that break the shipped
 * documents are refused, with the operation, the status and the reason, and conforming ones pass.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ApiContractTest {

  private static final String EVENT = "{\"event_id\":\"derby\",\"ratio\":2.5,\"deadline\":1900000000,\"status\":\"NEW\",\"version\":1}";
  private static final String PROBLEM_404 = "{\"type\":\"about:blank\",\"title\":\"Not Found\",\"status\":404,\"detail\":\"no event derby\"}";

  private Vertx vertx;
  private ApiContract line;
  private ApiContract bets;

  @BeforeAll
  void load() {
    vertx = Vertx.vertx();
    line = ApiContract.of(vertx, "line-provider");
    bets = ApiContract.of(vertx, "bet-maker");
  }

  @AfterAll
  void close() {
    vertx.close().await();
  }

  private static Http.Response response(int status, String contentType, String body, String... headers) {
    Map<String, List<String>> map = new java.util.HashMap<>();
    if (contentType != null) {
      map.put("Content-Type", List.of(contentType));
    }
    for (int i = 0; i < headers.length; i += 2) {
      map.put(headers[i], List.of(headers[i + 1]));
    }
    return new Http.Response(status, HttpHeaders.of(map, (name, value) -> true), body);
  }

  @Test
  void conformingResponsesPass() {
    assertThatCode(() -> {
      line.check("GET", "/event/derby", response(200, "application/json", EVENT));
      line.check("GET", "/events?status=NEW&limit=10", response(200, "application/json; charset=utf-8", "[" + EVENT + "]"));
      line.check("GET", "/event/derby", response(404, "application/problem+json", PROBLEM_404));
      bets.check("GET", "/bets", response(401, "application/problem+json",
        "{\"type\":\"about:blank\",\"title\":\"Unauthorized\",\"status\":401,\"detail\":\"no token\"}",
        "WWW-Authenticate", "Bearer realm=\"event-walker\""));
      line.check("GET", "/docs", response(200, "text/html; charset=utf-8", "<!doctype html>"));
    }).doesNotThrowAnyException();
  }

  @Test
  void aBodyMissingARequiredFieldIsRefused() {
    String noVersion = EVENT.replace(",\"version\":1", "");
    assertThatThrownBy(() -> line.check("GET", "/event/derby", response(200, "application/json", noVersion)))
      .isInstanceOf(AssertionError.class)
      .hasMessageContaining("line-provider GET /event/derby (operation getEvent) answered 200")
      .hasMessageContaining("version");
    String problemWithoutDetail = PROBLEM_404.replace(",\"detail\":\"no event derby\"", "");
    assertThatThrownBy(() -> line.check("GET", "/event/derby", response(404, "application/problem+json", problemWithoutDetail)))
      .isInstanceOf(AssertionError.class)
      .hasMessageContaining("(operation getEvent) answered 404")
      .hasMessageContaining("detail");
  }

  @Test
  void aValueOfTheWrongTypeIsRefused() {
    assertThatThrownBy(() -> line.check("GET", "/event/derby", response(200, "application/json", EVENT.replace("\"version\":1", "\"version\":\"1\""))))
      .isInstanceOf(AssertionError.class)
      .hasMessageContaining("answered 200")
      .hasMessageContaining("/version");
  }

  @Test
  void anUndeclaredStatusIsRefused() {
    assertThatThrownBy(() -> line.check("GET", "/event/derby", response(202, "application/json", EVENT)))
      .isInstanceOf(AssertionError.class)
      .hasMessageContaining("(operation getEvent) answered 202, a status its OpenAPI document does not declare");
  }

  @Test
  void anUndeclaredContentTypeIsRefused() {
    assertThatThrownBy(() -> line.check("GET", "/event/derby", response(200, "text/plain", EVENT)))
      .isInstanceOf(AssertionError.class)
      .hasMessageContaining("with Content-Type text/plain, where its OpenAPI document declares [application/json]");
    assertThatThrownBy(() -> line.check("GET", "/event/derby", response(404, "application/json", PROBLEM_404)))
      .isInstanceOf(AssertionError.class)
      .hasMessageContaining("declares [application/problem+json]");
  }

  @Test
  void whatTheSpecificationPromisesOfAnAnswerIsChecked() {
    String unauthorized = "{\"type\":\"about:blank\",\"title\":\"Unauthorized\",\"status\":401,\"detail\":\"no token\"}";
    assertThatThrownBy(() -> line.check("POST", "/event", response(401, "application/problem+json", unauthorized)))
      .isInstanceOf(AssertionError.class)
      .hasMessageContaining("(operation createEvents) answered 401")
      .hasMessageContaining("www-authenticate");

    String won = "{\"bet_id\":\"3f2b8c1e-7d4a-4e3b-9c5d-2a1b0c9d8e7f\",\"player_id\":\"player-1\",\"event_id\":\"derby\","
      + "\"sum_bet\":10.00,\"ratio\":2.50,\"status\":\"WON\",\"payout\":25.00,\"created_at\":\"2026-11-26T07:00:00Z\","
      + "\"settled_at\":\"2026-11-26T08:00:00Z\"}";
    assertThatCode(() -> bets.check("GET", "/bet/3f2b8c1e-7d4a-4e3b-9c5d-2a1b0c9d8e7f", response(200, "application/json", won)))
      .doesNotThrowAnyException();
    assertThatThrownBy(() -> bets.check("POST", "/bet", response(201, "application/json", won)))
      .as("a bet is placed PENDING")
      .isInstanceOf(AssertionError.class)
      .hasMessageContaining("(operation placeBets) answered 201");
    String pendingWithPayout = won.replace("\"WON\"", "\"PENDING\"");
    assertThatThrownBy(() -> bets.check("GET", "/bets", response(200, "application/json", "[" + pendingWithPayout + "]")))
      .as("no payout while PENDING")
      .isInstanceOf(AssertionError.class)
      .hasMessageContaining("(operation listBets) answered 200");
    String settledWithoutPayout = won.replace(",\"payout\":25.00", "");
    assertThatThrownBy(() -> bets.check("GET", "/bets", response(200, "application/json", "[" + settledWithoutPayout + "]")))
      .as("a settled bet has its payout")
      .isInstanceOf(AssertionError.class)
      .hasMessageContaining("payout");
  }

  @Test
  void pathsAndMethodsOutsideTheDocumentAreNotItsBusiness() {
    assertThatCode(() -> {
      line.check("GET", "/assets/docs/docs.js", response(200, "text/javascript", "(function () {})();"));
      line.check("GET", "/no/such/path", response(404, "application/problem+json", "{}"));
      line.check("DELETE", "/event", response(405, "application/problem+json", "{}"));
    }).doesNotThrowAnyException();
  }
}
