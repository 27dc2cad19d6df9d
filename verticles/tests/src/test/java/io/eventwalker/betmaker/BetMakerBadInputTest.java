package io.eventwalker.betmaker;

import io.eventwalker.testing.Http;
import io.eventwalker.testing.TestSystem;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.time.Instant;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.arguments;

/** Bad input to bet-maker: a 4xx problem+json naming the field, and nothing stored. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class BetMakerBadInputTest {

  private TestSystem system;
  private Http bets;

  @BeforeAll
  void start() {
    system = TestSystem.both();
    bets = system.betMaker();
    long deadline = Instant.now().getEpochSecond() + 3600;
    assertThat(system.lineProvider().post("/event", "[{\"event_id\":\"open\",\"ratio\":2,\"deadline\":" + deadline + "},"
      + "{\"event_id\":\"done\",\"ratio\":2,\"deadline\":" + deadline + ",\"status\":\"FINISHED_LOSE\"},"
      + "{\"event_id\":\"late\",\"ratio\":2,\"deadline\":" + (deadline - 7200) + "}]").status()).isEqualTo(201);
    assertThat(bets.post("/bet", "{\"event_id\":\"open\",\"sum_bet\":1}").status()).isEqualTo(201);
  }

  @AfterAll
  void stop() {
    system.close();
  }

  static Stream<Arguments> badBets() {
    String ok = "{\"event_id\":\"open\",\"sum_bet\":5}";
    return Stream.of(
      arguments("malformed JSON", "{\"event_id\":", 400, ""),
      arguments("empty body", "", 400, ""),
      arguments("a bare string", "\"bet\"", 400, ""),
      arguments("duplicate keys", "{\"event_id\":\"open\",\"sum_bet\":5,\"sum_bet\":6}", 400, ""),
      arguments("sum_bet NaN as a string", "{\"event_id\":\"open\",\"sum_bet\":\"NaN\"}", 400, "sum_bet"),
      arguments("sum_bet Infinity as a string", "{\"event_id\":\"open\",\"sum_bet\":\"Infinity\"}", 400, "sum_bet"),
      arguments("sum_bet -Infinity as a string", "{\"event_id\":\"open\",\"sum_bet\":\"-Infinity\"}", 400, "sum_bet"),
      arguments("sum_bet with 3 decimals", "{\"event_id\":\"open\",\"sum_bet\":1.005}", 400, "sum_bet"),
      arguments("sum_bet zero", "{\"event_id\":\"open\",\"sum_bet\":0}", 400, "sum_bet"),
      arguments("sum_bet negative", "{\"event_id\":\"open\",\"sum_bet\":-5}", 400, "sum_bet"),
      arguments("sum_bet 1e400", "{\"event_id\":\"open\",\"sum_bet\":1e400}", 400, "sum_bet"),
      arguments("sum_bet above the maximum", "{\"event_id\":\"open\",\"sum_bet\":1000000.01}", 400, "sum_bet"),
      arguments("sum_bet a word", "{\"event_id\":\"open\",\"sum_bet\":\"ten\"}", 400, "sum_bet"),
      arguments("sum_bet a boolean", "{\"event_id\":\"open\",\"sum_bet\":true}", 400, "sum_bet"),
      arguments("sum_bet null", "{\"event_id\":\"open\",\"sum_bet\":null}", 400, "sum_bet"),
      arguments("sum_bet an array", "{\"event_id\":\"open\",\"sum_bet\":[5]}", 400, "sum_bet"),
      arguments("sum_bet missing", "{\"event_id\":\"open\"}", 400, "sum_bet"),
      arguments("event_id missing", "{\"sum_bet\":5}", 400, "event_id"),
      arguments("event_id of 70 chars", "{\"event_id\":\"" + "e".repeat(70) + "\",\"sum_bet\":5}", 400, "event_id"),
      arguments("event_id a number", "{\"event_id\":7,\"sum_bet\":5}", 400, "event_id"),
      arguments("unknown field", "{\"event_id\":\"open\",\"sum_bet\":5,\"payout\":9}", 400, "payout"),
      arguments("ratio with three places", "{\"event_id\":\"open\",\"sum_bet\":5,\"ratio\":2.005}", 400, "ratio"),
      arguments("accept_odds without ratio", "{\"event_id\":\"open\",\"sum_bet\":5,\"accept_odds\":\"higher\"}", 400, "accept_odds"),
      arguments("unknown accept_odds", "{\"event_id\":\"open\",\"sum_bet\":5,\"ratio\":2,\"accept_odds\":\"lower\"}", 400, "accept_odds"),
      arguments("empty batch", "[]", 400, ""),
      arguments("batch of 1001", "[" + String.join(",", Collections.nCopies(1001, ok)) + "]", 400, ""),
      arguments("batch with a bad item", "[" + ok + ",{\"event_id\":\"open\",\"sum_bet\":0}]", 400, "sum_bet"),
      arguments("batch with a non-object", "[" + ok + ",\"x\"]", 400, ""),
      arguments("unknown event", "{\"event_id\":\"nope\",\"sum_bet\":5}", 404, "event_id"),
      arguments("finished event", "{\"event_id\":\"done\",\"sum_bet\":5}", 409, "event_id"),
      arguments("deadline passed", "{\"event_id\":\"late\",\"sum_bet\":5}", 409, "event_id"),
      arguments("batch with one closed event", "[" + ok + ",{\"event_id\":\"late\",\"sum_bet\":5}]", 409, "event_id"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("badBets")
  void refusedBetsStoreNothing(String name, String body, int status, String field) {
    String before = snapshot();
    Http.Response response = bets.post("/bet", body);
    assertProblem(response, status, field);
    assertThat(snapshot()).as("database after " + name).isEqualTo(before);
  }

  static Stream<Arguments> badRequests() {
    String ok = "{\"event_id\":\"open\",\"sum_bet\":5}";
    return Stream.of(
      arguments("Idempotency-Key too long", "POST", "/bet", ok, Map.of("Idempotency-Key", "k".repeat(256)), 400, "Idempotency-Key"),
      arguments("Idempotency-Key with a space", "POST", "/bet", ok, Map.of("Idempotency-Key", "a b"), 400, "Idempotency-Key"),
      arguments("text/plain body", "POST", "/bet", ok, Map.of("Content-Type", "text/plain"), 415, null),
      arguments("unknown bet status filter", "GET", "/bets?status=OPEN", null, Map.of(), 400, "status"),
      arguments("bad event_id filter", "GET", "/bets?event_id=a%20b", null, Map.of(), 400, "event_id"),
      arguments("limit zero", "GET", "/bets?limit=0", null, Map.of(), 400, "limit"),
      arguments("limit above 1000", "GET", "/bets?limit=1001", null, Map.of(), 400, "limit"),
      arguments("limit negative", "GET", "/bets?limit=-1", null, Map.of(), 400, "limit"),
      arguments("forged cursor", "GET", "/bets?cursor=abc", null, Map.of(), 400, "cursor"),
      arguments("unknown parameter", "GET", "/bets?sort=asc", null, Map.of(), 400, "sort"),
      arguments("bet id not a UUID", "GET", "/bet/12345", null, Map.of(), 400, "bet_id"),
      arguments("unknown bet", "GET", "/bet/00000000-0000-7000-8000-000000000001", null, Map.of(), 404, null),
      arguments("events limit zero", "GET", "/events?limit=0", null, Map.of(), 400, "limit"),
      arguments("events unknown parameter", "GET", "/events?status=NEW", null, Map.of(), 400, "status"),
      arguments("wrong method", "DELETE", "/bet", null, Map.of(), 405, null));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("badRequests")
  void refusedRequestsChangeNothing(String name, String method, String path, String body, Map<String, String> headers,
                                    int status, String field) {
    String before = snapshot();
    Map<String, String> all = new HashMap<>(headers);
    if (body != null) {
      all.putIfAbsent("Content-Type", "application/json");
    }
    Http.Response response = bets.send(method, path, body, all);
    assertProblem(response, status, field);
    assertThat(snapshot()).isEqualTo(before);
  }

  private static void assertProblem(Http.Response response, int status, String field) {
    assertThat(response.status()).as(response.toString()).isEqualTo(status);
    assertThat(response.contentType()).startsWith("application/problem+json");
    JsonObject problem = response.object();
    assertThat(problem.getInteger("status")).isEqualTo(status);
    assertThat(problem.getString("title")).isNotBlank();
    assertThat(problem.getString("detail")).isNotBlank();
    if (field != null) {
      JsonArray errors = problem.getJsonArray("errors");
      assertThat(errors).as(response.toString()).isNotNull();
      List<String> fields = errors.stream().map(e -> ((JsonObject) e).getString("field")).toList();
      assertThat(fields).contains(field);
    }
  }

  private String snapshot() {
    String schema = system.bmSchema();
    return system.sql("SELECT (SELECT count(*) FROM " + schema + ".bets) || '/' || (SELECT count(*) FROM "
      + schema + ".idempotency_keys) || '/' || (SELECT coalesce(sum(sum_bet), 0) FROM " + schema + ".bets) AS s").get(0).getString("s");
  }
}
