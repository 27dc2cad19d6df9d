package io.eventwalker.lineprovider;

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

import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.arguments;

/**
 * Bad input through HTTP against the real database: each case gets its 4xx, a problem+json body
 * naming the offending field, and leaves the events and the outbox exactly as they were.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class LineProviderBadInputTest {

  private static final String OK_DEADLINE = "1893456000";
  private TestSystem system;
  private Http http;

  @BeforeAll
  void start() {
    system = TestSystem.lineProviderOnly();
    http = system.lineProvider();
    assertThat(http.post("/event", "[{\"event_id\":\"seed-open\",\"ratio\":1.50,\"deadline\":" + OK_DEADLINE + "},"
      + "{\"event_id\":\"seed-done\",\"ratio\":2.00,\"deadline\":" + OK_DEADLINE + "}]").status()).isEqualTo(201);
    assertThat(http.put("/event", "{\"event_id\":\"seed-done\",\"status\":\"FINISHED_WIN\"}").status()).isEqualTo(200);
  }

  @AfterAll
  void stop() {
    system.close();
  }

  static Stream<Arguments> badRequests() {
    String item = "{\"ratio\":1.5,\"deadline\":" + OK_DEADLINE + "}";
    String tooMany = "[" + String.join(",", Collections.nCopies(1001, item)) + "]";
    String longId = "x".repeat(70);
    String deep = "[".repeat(200) + "]".repeat(200);
    return Stream.of(
      // malformed or wrongly shaped bodies
      arguments("malformed JSON", "POST", "/event", "{\"ratio\":", 400, ""),
      arguments("empty body", "POST", "/event", "", 400, ""),
      arguments("a string body", "POST", "/event", "\"hello\"", 400, ""),
      arguments("a number body", "POST", "/event", "42", 400, ""),
      arguments("duplicate keys", "POST", "/event", "{\"ratio\":1.5,\"ratio\":2,\"deadline\":" + OK_DEADLINE + "}", 400, ""),
      arguments("deep nesting", "POST", "/event", deep, 400, ""),
      arguments("trailing garbage", "POST", "/event", item + "x", 400, ""),
      // ratio
      arguments("ratio as a word", "POST", "/event", "{\"ratio\":\"abc\",\"deadline\":" + OK_DEADLINE + "}", 400, "ratio"),
      arguments("ratio NaN as a string", "POST", "/event", "{\"ratio\":\"NaN\",\"deadline\":" + OK_DEADLINE + "}", 400, "ratio"),
      arguments("ratio Infinity as a string", "POST", "/event", "{\"ratio\":\"Infinity\",\"deadline\":" + OK_DEADLINE + "}", 400, "ratio"),
      arguments("ratio NaN literal", "POST", "/event", "{\"ratio\":NaN,\"deadline\":" + OK_DEADLINE + "}", 400, ""),
      arguments("ratio with 3 decimals", "POST", "/event", "{\"ratio\":1.005,\"deadline\":" + OK_DEADLINE + "}", 400, "ratio"),
      arguments("ratio zero", "POST", "/event", "{\"ratio\":0,\"deadline\":" + OK_DEADLINE + "}", 400, "ratio"),
      arguments("ratio negative", "POST", "/event", "{\"ratio\":-1.5,\"deadline\":" + OK_DEADLINE + "}", 400, "ratio"),
      arguments("ratio 1e400", "POST", "/event", "{\"ratio\":1e400,\"deadline\":" + OK_DEADLINE + "}", 400, "ratio"),
      arguments("ratio 1e-400", "POST", "/event", "{\"ratio\":1e-400,\"deadline\":" + OK_DEADLINE + "}", 400, "ratio"),
      arguments("ratio above 10000", "POST", "/event", "{\"ratio\":10000.01,\"deadline\":" + OK_DEADLINE + "}", 400, "ratio"),
      arguments("ratio a boolean", "POST", "/event", "{\"ratio\":true,\"deadline\":" + OK_DEADLINE + "}", 400, "ratio"),
      arguments("ratio null", "POST", "/event", "{\"ratio\":null,\"deadline\":" + OK_DEADLINE + "}", 400, "ratio"),
      arguments("ratio missing", "POST", "/event", "{\"deadline\":" + OK_DEADLINE + "}", 400, "ratio"),
      // deadline
      arguments("deadline missing", "POST", "/event", "{\"ratio\":1.5}", 400, "deadline"),
      arguments("deadline a word", "POST", "/event", "{\"ratio\":1.5,\"deadline\":\"tomorrow\"}", 400, "deadline"),
      arguments("deadline negative", "POST", "/event", "{\"ratio\":1.5,\"deadline\":-1}", 400, "deadline"),
      arguments("deadline an object", "POST", "/event", "{\"ratio\":1.5,\"deadline\":{}}", 400, "deadline"),
      arguments("deadline past year 9999", "POST", "/event", "{\"ratio\":1.5,\"deadline\":1e12}", 400, "deadline"),
      // ids, status, unknown fields
      arguments("event_id of 70 chars", "POST", "/event", "{\"event_id\":\"" + longId + "\",\"ratio\":1.5,\"deadline\":" + OK_DEADLINE + "}", 400, "event_id"),
      arguments("event_id with a space", "POST", "/event", "{\"event_id\":\"a b\",\"ratio\":1.5,\"deadline\":" + OK_DEADLINE + "}", 400, "event_id"),
      arguments("event_id a number", "POST", "/event", "{\"event_id\":5,\"ratio\":1.5,\"deadline\":" + OK_DEADLINE + "}", 400, "event_id"),
      arguments("event_id empty", "POST", "/event", "{\"event_id\":\"\",\"ratio\":1.5,\"deadline\":" + OK_DEADLINE + "}", 400, "event_id"),
      arguments("unknown field", "POST", "/event", "{\"odds\":2,\"ratio\":1.5,\"deadline\":" + OK_DEADLINE + "}", 400, "odds"),
      arguments("unknown status", "POST", "/event", "{\"status\":\"VOIDED\",\"ratio\":1.5,\"deadline\":" + OK_DEADLINE + "}", 400, "status"),
      arguments("lower-case status", "POST", "/event", "{\"status\":\"new\",\"ratio\":1.5,\"deadline\":" + OK_DEADLINE + "}", 400, "status"),
      // batches
      arguments("empty batch", "POST", "/event", "[]", 400, ""),
      arguments("batch of 1001", "POST", "/event", tooMany, 400, ""),
      arguments("batch holding a non-object", "POST", "/event", "[" + item + ",7]", 400, ""),
      arguments("batch with a bad third item", "POST", "/event", "[" + item + "," + item + ",{\"ratio\":0,\"deadline\":" + OK_DEADLINE + "}]", 400, "ratio"),
      arguments("batch repeating an id", "POST", "/event", "[{\"event_id\":\"d\",\"ratio\":1,\"deadline\":" + OK_DEADLINE + "},{\"event_id\":\"d\",\"ratio\":1,\"deadline\":" + OK_DEADLINE + "}]", 400, "event_id"),
      arguments("existing id", "POST", "/event", "{\"event_id\":\"seed-open\",\"ratio\":1.5,\"deadline\":" + OK_DEADLINE + "}", 409, "event_id"),
      arguments("batch whose second item exists", "POST", "/event", "[{\"event_id\":\"fresh-1\",\"ratio\":1,\"deadline\":" + OK_DEADLINE + "},{\"event_id\":\"seed-open\",\"ratio\":1,\"deadline\":" + OK_DEADLINE + "}]", 409, "event_id"),
      // updates
      arguments("finished back to NEW", "PUT", "/event", "{\"event_id\":\"seed-done\",\"status\":\"NEW\"}", 409, "event_id"),
      arguments("finished to the other result", "PUT", "/event", "{\"event_id\":\"seed-done\",\"status\":\"FINISHED_LOSE\"}", 409, "event_id"),
      arguments("ratio of a finished event", "PUT", "/event", "{\"event_id\":\"seed-done\",\"ratio\":3}", 409, "event_id"),
      arguments("unknown event", "PUT", "/event", "{\"event_id\":\"nope\",\"ratio\":3}", 404, "event_id"),
      arguments("batch update with an unknown event", "PUT", "/event", "[{\"event_id\":\"seed-open\",\"ratio\":3},{\"event_id\":\"nope\",\"ratio\":3}]", 404, "event_id"),
      arguments("update with nothing to change", "PUT", "/event", "{\"event_id\":\"seed-open\"}", 400, ""),
      arguments("update without event_id", "PUT", "/event", "{\"ratio\":3}", 400, "event_id"),
      arguments("update with a stale version", "PUT", "/event", "{\"event_id\":\"seed-open\",\"ratio\":3,\"version\":99}", 409, "event_id"),
      arguments("update with 3 decimals", "PUT", "/event", "{\"event_id\":\"seed-open\",\"ratio\":2.555}", 400, "ratio"),
      arguments("update with a bad version", "PUT", "/event", "{\"event_id\":\"seed-open\",\"ratio\":3,\"version\":1.5}", 400, "version"),
      // queries and routes
      arguments("unknown status filter", "GET", "/events?status=DONE", null, 400, "status"),
      arguments("limit zero", "GET", "/events?limit=0", null, 400, "limit"),
      arguments("limit above 1000", "GET", "/events?limit=1001", null, 400, "limit"),
      arguments("limit a word", "GET", "/events?limit=ten", null, 400, "limit"),
      arguments("forged cursor", "GET", "/events?cursor=garbage", null, 400, "cursor"),
      arguments("unknown query parameter", "GET", "/events?page=2", null, 400, "page"),
      arguments("repeated query parameter", "GET", "/events?limit=1&limit=2", null, 400, "limit"),
      arguments("event id of 70 chars in the path", "GET", "/event/" + longId, null, 400, "event_id"),
      arguments("unknown event in the path", "GET", "/event/nope", null, 404, null),
      arguments("unsupported method", "DELETE", "/event", null, 405, null),
      arguments("unknown route", "GET", "/nowhere", null, 404, null));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("badRequests")
  void refusedWithAProblemAndNothingChanged(String name, String method, String path, String body, int status, String field) {
    String before = snapshot();
    Http.Response response = http.send(method, path, body, body == null ? Map.of() : Map.of("Content-Type", "application/json"));
    assertProblem(response, status, field);
    assertThat(snapshot()).as("database after " + name).isEqualTo(before);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("transportProblems")
  void refusedBeforeParsing(String name, String contentType, byte[] body, int status) {
    String before = snapshot();
    Http.Response response = http.send("POST", "/event", body, Map.of("Content-Type", contentType));
    assertProblem(response, status, null);
    assertThat(snapshot()).isEqualTo(before);
  }

  static Stream<Arguments> transportProblems() {
    byte[] big = ("{\"event_id\":\"big\",\"ratio\":1.5,\"deadline\":" + OK_DEADLINE + ",\"pad\":\"" + "x".repeat(1_100_000) + "\"}")
      .getBytes(StandardCharsets.UTF_8);
    byte[] fine = ("{\"ratio\":1.5,\"deadline\":" + OK_DEADLINE + "}").getBytes(StandardCharsets.UTF_8);
    return Stream.of(
      arguments("body over the limit", "application/json", big, 413),
      arguments("text/plain body", "text/plain", fine, 415),
      arguments("form body", "application/x-www-form-urlencoded", fine, 415));
  }

  static void assertProblem(Http.Response response, int status, String field) {
    assertThat(response.status()).as(response.toString()).isEqualTo(status);
    assertThat(response.contentType()).startsWith("application/problem+json");
    JsonObject problem = response.object();
    assertThat(problem.getInteger("status")).isEqualTo(status);
    assertThat(problem.getString("type")).isNotBlank();
    assertThat(problem.getString("title")).isNotBlank();
    assertThat(problem.getString("detail")).isNotBlank();
    assertThat(response.body()).doesNotContain("Exception").doesNotContain("SELECT").doesNotContain("\tat ");
    if (field != null) {
      JsonArray errors = problem.getJsonArray("errors");
      assertThat(errors).as("errors of " + response).isNotNull().isNotEmpty();
      List<String> fields = errors.stream().map(e -> ((JsonObject) e).getString("field")).toList();
      assertThat(fields).contains(field);
    }
  }

  private String snapshot() {
    String schema = system.lpSchema();
    return system.sql("SELECT (SELECT count(*) FROM " + schema + ".events) || '/' || "
      + "(SELECT coalesce(sum(version), 0) FROM " + schema + ".events) || '/' || "
      + "(SELECT count(*) FROM " + schema + ".outbox) || '/' || "
      + "(SELECT coalesce(string_agg(event_id || ':' || ratio || ':' || status, ',' ORDER BY event_id), '') FROM " + schema + ".events) AS s")
      .get(0).getString("s");
  }
}
