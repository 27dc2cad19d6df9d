package io.eventwalker.hostile;

import io.eventwalker.testing.Http;
import io.eventwalker.testing.Jwts;
import io.eventwalker.testing.RawHttp;
import io.eventwalker.testing.TestSystem;
import io.vertx.core.json.JsonObject;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Generated hostile requests to every write endpoint, over HTTP against the real databases:
 * mutated JSON, wrong types, boundary numbers, huge strings, deep nesting, wrong content types,
 * query parameters and bad {@code Idempotency-Key}s. Every answer must be a 4xx problem+json
 * (never a 5xx), and neither database may change.
 */
class HostileRequestsPropertiesTest {

  private static TestSystem system;
  private static long deadline;

  /** One generated request. */
  record Attempt(String method, String path, String contentType, byte[] body, Map<String, String> headers, String why) {
    @Override
    public String toString() {
      String text = new String(body, StandardCharsets.UTF_8);
      return method + " " + path + " [" + contentType + "] " + headers + " " + why + ": "
        + (text.length() > 200 ? text.substring(0, 200) + "…(" + text.length() + " bytes)" : text);
    }
  }

  @BeforeContainer
  static void start() {
    // The rate limits would answer most of these 429 before their parsers saw them.
    system = TestSystem.start(true, true, line -> line.put("LP_RATE_LIMIT_PER_S", 0), bets -> bets.put("BM_RATE_LIMIT_PER_S", 0));
    deadline = Instant.now().getEpochSecond() + 3600;
    assertThat(system.lineProvider().post("/event", "{\"event_id\":\"open-1\",\"ratio\":2,\"deadline\":" + deadline + "}").status())
      .isEqualTo(201);
  }

  @AfterContainer
  static void stop() {
    system.close();
  }

  @Property(tries = 1000)
  void createEventRefusesHostileInput(@ForAll("hostileEventCreations") Attempt attempt) {
    assertRefusedAndNothingChanged(system.lineProvider(), attempt);
  }

  @Property(tries = 1000)
  void updateEventRefusesHostileInput(@ForAll("hostileEventUpdates") Attempt attempt) {
    assertRefusedAndNothingChanged(system.lineProvider(), attempt);
  }

  @Property(tries = 1000)
  void placeBetRefusesHostileInput(@ForAll("hostileBets") Attempt attempt) {
    assertRefusedAndNothingChanged(system.betMaker(), attempt);
  }

  private static void assertRefusedAndNothingChanged(Http http, Attempt attempt) {
    String before = snapshot();
    Http.Response response = RawHttp.send(RawHttp.port(http), attempt.method(), attempt.path(), headers(attempt), attempt.body());
    assertThat(response.status()).as(attempt + " → " + response).isBetween(400, 499);
    assertThat(response.contentType()).as(attempt.toString()).startsWith("application/problem+json");
    JsonObject problem = response.object();
    assertThat(problem.getInteger("status")).isEqualTo(response.status());
    assertThat(problem.getString("detail")).isNotBlank();
    assertThat(response.body()).doesNotContain("Exception").doesNotContain("\tat ").doesNotContain("SELECT ");
    assertThat(snapshot()).as("databases after " + attempt).isEqualTo(before);
  }

  /** The attempt's headers; a valid token of the service's kind unless the attempt brings its own (hostile) one. */
  private static Map<String, String> headers(Attempt attempt) {
    java.util.HashMap<String, String> headers = new java.util.HashMap<>(attempt.headers());
    if (!headers.containsKey("Authorization")) {
      headers.put("Authorization", "Bearer " + (attempt.path().startsWith("/event")
        ? Jwts.operator(system.secret, "hostile-operator") : system.token("hostile-player")));
    }
    if (attempt.contentType() != null) {
      headers.put("Content-Type", attempt.contentType());
    }
    return headers;
  }

  private static String snapshot() {
    String lp = system.lpSchema();
    String bm = system.bmSchema();
    return system.sql("SELECT (SELECT count(*) || ':' || coalesce(sum(version), 0) FROM " + lp + ".events) || '/' || "
      + "(SELECT count(*) FROM " + lp + ".outbox) || '/' || (SELECT count(*) FROM " + bm + ".bets) || '/' || "
      + "(SELECT count(*) FROM " + bm + ".idempotency_keys) AS s").get(0).getString("s");
  }

  // ---- generators ----

  /** Values of the wrong type or out of range for any field. */
  private static Arbitrary<String> hostileValues() {
    return Arbitraries.oneOf(
      Arbitraries.of("null", "true", "false", "[]", "{}", "[1,2]", "{\"a\":1}", "\"\"", "\" \"", "\"NaN\"", "\"Infinity\"",
        "\"-Infinity\"", "\"1e400\"", "0", "-0", "-1", "0.001", "1.005", "1e400", "-1e400", "1e-400", "10000.01",
        "1000000.01", "99999999999999999999999999", "\"12,50\"", "\"0x10\"", "\"1.2.3\"", "\"\\u0000\"", "\"<script>\"",
        "\"' OR 1=1 --\"", "\"DROP TABLE bets\"", "\"%00\"", "1.0e-3", "123456789012345678901234567890.5"),
      Arbitraries.strings().ofMinLength(65).ofMaxLength(5_000).map(s -> new JsonObject().put("s", s).getValue("s").toString())
        .map(s -> "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"").replaceAll("[\\x00-\\x1f]", " ") + "\""),
      Arbitraries.integers().between(33, 400).map(depth -> "[".repeat(depth) + "]".repeat(depth)),
      Arbitraries.integers().between(33, 200).map(depth -> "{\"a\":".repeat(depth) + "1" + "}".repeat(depth)));
  }

  /** Breaks a JSON text: cuts it, drops or inserts a character, doubles it, adds garbage. */
  private static Arbitrary<String> mutated(String json) {
    Arbitrary<Integer> at = Arbitraries.integers().between(0, Math.max(0, json.length() - 1));
    return Arbitraries.oneOf(
      at.map(i -> json.substring(0, i)),
      at.map(i -> json.substring(0, i) + json.substring(i + 1)),
      Combinators.combine(at, Arbitraries.of('{', '}', '[', ']', '"', ',', ':', '\\', 'x', '\u0000', '\n'))
        .as((i, c) -> json.substring(0, i) + c + json.substring(i)),
      Arbitraries.just(json + json),
      Arbitraries.strings().ofMinLength(1).ofMaxLength(20).map(garbage -> json + garbage),
      Arbitraries.just(json.replace("\"", "'")));
  }

  private static Arbitrary<Attempt> withTransportDefects(Arbitrary<Attempt> attempts) {
    Arbitrary<String> contentTypes = Arbitraries.of("text/plain", "application/xml", "multipart/form-data; boundary=x",
      "application/x-www-form-urlencoded", "image/png", "text/json");
    return Arbitraries.oneOf(
      attempts,
      Combinators.combine(attempts, contentTypes).as((a, type) ->
        new Attempt(a.method(), a.path(), type, a.body(), a.headers(), a.why() + ", content type " + type)),
      Combinators.combine(attempts, Arbitraries.of("?x=1", "?limit=10", "?event_id=a", "?cursor=abc", "?%zz", "?a=1&a=2"))
        .as((a, query) -> new Attempt(a.method(), a.path() + query, a.contentType(), a.body(), a.headers(), a.why() + ", query " + query)));
  }

  @Provide
  Arbitrary<Attempt> hostileEventCreations() {
    // Every body carries an unknown field ("zz") or a bad value, so no generated body is valid.
    Arbitrary<String> field = Arbitraries.of("event_id", "ratio", "deadline", "status", "zz");
    Arbitrary<String> wrongValue = Combinators.combine(field, hostileValues()).as((name, value) ->
      "{\"zz\":1,\"" + name + "\":" + value + ",\"ratio\":2,\"deadline\":" + deadline + "}");
    Arbitrary<String> badBatch = Combinators.combine(Arbitraries.integers().between(1, 5), hostileValues())
      .as((n, value) -> "[" + "{\"ratio\":2,\"deadline\":" + deadline + "},".repeat(n) + "{\"ratio\":" + value + ",\"deadline\":1}]");
    String base = "{\"event_id\":\"gen-1\",\"ratio\":1.5,\"deadline\":" + deadline + ",\"zz\":true}";
    Arbitrary<String> bodies = Arbitraries.oneOf(wrongValue, badBatch, mutated(base), hostileValues());
    return withTransportDefects(bodies.map(body -> attempt("POST", "/event", body, Map.of(), "create")));
  }

  @Provide
  Arbitrary<Attempt> hostileEventUpdates() {
    // Unknown events, unknown fields or bad values: nothing may change.
    Arbitrary<String> field = Arbitraries.of("ratio", "deadline", "status", "version", "event_id", "zz");
    Arbitrary<String> wrongValue = Combinators.combine(field, hostileValues()).as((name, value) ->
      "{\"event_id\":\"open-1\",\"" + name + "\":" + value + ",\"zz\":0}");
    Arbitrary<String> unknownEvent = hostileValues().map(value -> "{\"event_id\":\"missing-event\",\"ratio\":" + value + "}");
    String base = "{\"event_id\":\"missing-event\",\"ratio\":2.5}";
    Arbitrary<String> bodies = Arbitraries.oneOf(wrongValue, unknownEvent, mutated(base), hostileValues(),
      Arbitraries.just("{\"event_id\":\"open-1\"}"), Arbitraries.just("{\"event_id\":\"open-1\",\"status\":\"OPEN\"}"));
    return withTransportDefects(bodies.map(body -> attempt("PUT", "/event", body, Map.of(), "update")));
  }

  @Provide
  Arbitrary<Attempt> hostileBets() {
    // Bets on events that do not exist, or with bad values: nothing may be stored.
    Arbitrary<String> field = Arbitraries.of("event_id", "sum_bet", "ratio", "accept_odds", "zz");
    Arbitrary<String> wrongValue = Combinators.combine(field, hostileValues()).as((name, value) ->
      "{\"event_id\":\"open-1\",\"sum_bet\":5,\"" + name + "\":" + value + ",\"zz\":1}");
    // 10000.01 is over a ratio's maximum, but a stake the default BM_MAX_SUM_BET (1,000,000) takes.
    Arbitrary<String> badSum = hostileValues().filter(value -> !value.equals("10000.01"))
      .map(value -> "{\"event_id\":\"open-1\",\"sum_bet\":" + value + "}");
    String base = "{\"event_id\":\"no-event\",\"sum_bet\":\"10.00\"}";
    Arbitrary<String> bodies = Arbitraries.oneOf(wrongValue, badSum, mutated(base), hostileValues());
    Arbitrary<Map<String, String>> keys = Arbitraries.oneOf(
      Arbitraries.just(Map.of()),
      Arbitraries.of("", " ", "a b", "ключ", "k".repeat(256), "tab\tkey", "\"quoted\"x y").map(key -> Map.of("Idempotency-Key", key)));
    Arbitrary<Attempt> attempts = Combinators.combine(bodies, keys).as((body, headers) ->
      attempt("POST", "/bet", body, headers, "bet"));
    // A bad Idempotency-Key on an otherwise good bet must be refused too.
    Arbitrary<Attempt> badKeyOnly = Arbitraries.of("", " ", "a b", "ключ", "k".repeat(256), "tab\tkey")
      .map(key -> attempt("POST", "/bet", "{\"event_id\":\"open-1\",\"sum_bet\":1}", Map.of("Idempotency-Key", key), "bad key"));
    // Accepting odds without saying which were seen, or an unknown way of accepting them.
    Arbitrary<Attempt> badOdds = Arbitraries.of("{\"event_id\":\"open-1\",\"sum_bet\":1,\"accept_odds\":\"exact\"}",
        "{\"event_id\":\"open-1\",\"sum_bet\":1,\"accept_odds\":\"higher\"}",
        "{\"event_id\":\"open-1\",\"sum_bet\":1,\"ratio\":2,\"accept_odds\":\"lower\"}",
        "{\"event_id\":\"open-1\",\"sum_bet\":1,\"ratio\":2,\"accept_odds\":\"EXACT\"}")
      .map(body -> attempt("POST", "/bet", body, Map.of(), "bad odds"));
    // A good bet with a token that proves nothing.
    Arbitrary<Attempt> badToken = badTokens().map(token -> attempt("POST", "/bet", "{\"event_id\":\"open-1\",\"sum_bet\":1}",
      Map.of("Authorization", token), "bad token"));
    return withTransportDefects(Arbitraries.oneOf(attempts, badKeyOnly, badOdds, badToken));
  }

  /** Authorization headers that prove nothing: no bearer, alg none, forged, expired, garbage. */
  private static Arbitrary<String> badTokens() {
    JsonObject claims = Jwts.claims("hostile-player", 600);
    return Arbitraries.oneOf(
      Arbitraries.of("", "Bearer", "Bearer ", "Basic aG9zdGlsZTpwbGF5ZXI=", "Bearer " + Jwts.unsigned(claims),
        "Bearer " + Jwts.sign("not-the-services-secret-but-long-enough", claims),
        "Bearer " + Jwts.sign(system.secret, Jwts.claims("hostile-player", -60)),
        "Bearer " + Jwts.sign(system.secret, new JsonObject().put("sub", "hostile-player")),
        "Bearer " + Jwts.tampered(system.token("hostile-player"), Jwts.claims("someone-else", 600))),
      Arbitraries.strings().ofMinLength(1).ofMaxLength(2_000).withCharRange('!', '~').map(garbage -> "Bearer " + garbage),
      hostileValues().filter(value -> !value.matches("[A-Za-z0-9._@:-]{1,64}"))
        .map(value -> "Bearer " + Jwts.sign(system.secret, Jwts.claims("hostile-player", 600).put("sub", value))));
  }

  private static Attempt attempt(String method, String path, String body, Map<String, String> headers, String why) {
    return new Attempt(method, path, "application/json", body.getBytes(StandardCharsets.UTF_8), headers, why);
  }
}
