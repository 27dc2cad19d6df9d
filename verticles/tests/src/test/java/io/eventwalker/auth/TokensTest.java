package io.eventwalker.auth;

import io.eventwalker.testing.Http;
import io.eventwalker.testing.Jwts;
import io.eventwalker.testing.TestSystem;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Signature;
import java.security.spec.ECGenParameterSpec;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.arguments;

/**
 * SPEC §5 from outside: bet-maker's bets need a player's token and line-provider's writes an
 * operator's; every bad token is a 401 problem with {@code WWW-Authenticate: Bearer} (never a 5xx)
 * and changes nothing, its challenge with {@code error="invalid_token"} only when a token was sent; a player's token on an operator's route is 403.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TokensTest {

  private static final String ISSUER = "https://id.event-walker.test";
  private static final String AUDIENCE = "event-walker";
  private TestSystem system;
  private KeyPair ecKeys;
  private Path publicKeys;
  private long deadline;

  @BeforeAll
  void start() throws Exception {
    KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
    generator.initialize(new ECGenParameterSpec("secp256r1"));
    ecKeys = generator.generateKeyPair();
    publicKeys = Files.createTempFile("event-walker-keys", ".pem");
    Files.writeString(publicKeys, "-----BEGIN PUBLIC KEY-----\n"
      + Base64.getMimeEncoder(64, "\n".getBytes()).encodeToString(ecKeys.getPublic().getEncoded()) + "\n-----END PUBLIC KEY-----\n");
    system = TestSystem.start(true, true,
      line -> line.put("AUTH_JWT_ISSUER", ISSUER).put("AUTH_JWT_AUDIENCE", AUDIENCE),
      bets -> bets.put("AUTH_JWT_ISSUER", ISSUER).put("AUTH_JWT_AUDIENCE", AUDIENCE)
        .put("AUTH_JWT_PUBLIC_KEYS", publicKeys.toString()));
    deadline = Instant.now().getEpochSecond() + 3600;
    system.fund("alice");
    system.fund("bob");
    assertThat(system.lineProvider().as(operator()).post("/event", event("tokens-1")).status()).isEqualTo(201);
  }

  @AfterAll
  void stop() throws Exception {
    system.close();
    Files.deleteIfExists(publicKeys);
  }

  private JsonObject claims(String subject) {
    return Jwts.claims(subject, 600).put("iss", ISSUER).put("aud", AUDIENCE);
  }

  private String player() {
    return Jwts.sign(system.secret, claims("alice"));
  }

  private String operator() {
    return Jwts.sign(system.secret, claims("ops").put("roles", new JsonArray().add("operator")));
  }

  private String event(String id) {
    return "{\"event_id\":\"" + id + "\",\"ratio\":2,\"deadline\":" + deadline + "}";
  }

  Stream<Arguments> badTokens() {
    String good = Jwts.sign(system.secret, claims("alice"));
    return Stream.of(
      arguments("no Authorization header", null),
      arguments("not a bearer", "Basic YWxpY2U6cGFzcw=="),
      arguments("alg none", "Bearer " + Jwts.unsigned(claims("alice"))),
      arguments("tampered payload", "Bearer " + Jwts.tampered(good, claims("mallory"))),
      arguments("signed with another secret", "Bearer " + Jwts.sign("another-secret-of-at-least-32-bytes!!", claims("alice"))),
      arguments("expired", "Bearer " + Jwts.sign(system.secret, Jwts.claims("alice", -3600).put("iss", ISSUER).put("aud", AUDIENCE))),
      arguments("no exp", "Bearer " + Jwts.sign(system.secret, new JsonObject().put("sub", "alice").put("iss", ISSUER).put("aud", AUDIENCE))),
      arguments("wrong issuer", "Bearer " + Jwts.sign(system.secret, claims("alice").put("iss", "https://elsewhere"))),
      arguments("wrong audience", "Bearer " + Jwts.sign(system.secret, claims("alice").put("aud", "another-service"))),
      arguments("no subject", "Bearer " + Jwts.sign(system.secret, claims("alice").put("sub", ""))),
      arguments("a subject that is not an id", "Bearer " + Jwts.sign(system.secret, claims("alice").put("sub", "a b/c"))),
      arguments("malformed", "Bearer not.a.token"),
      // Well signed, with a claim of the wrong type (SPEC §5: malformed, so 401, never a 5xx).
      arguments("exp a string", "Bearer " + Jwts.sign(system.secret, claims("alice").put("exp", String.valueOf(deadline)))),
      arguments("exp a boolean", "Bearer " + Jwts.sign(system.secret, claims("alice").put("exp", true))),
      arguments("nbf a string", "Bearer " + Jwts.sign(system.secret, claims("alice").put("nbf", "0"))),
      arguments("iat a string", "Bearer " + Jwts.sign(system.secret, claims("alice").put("iat", "0"))),
      arguments("aud a number", "Bearer " + Jwts.sign(system.secret, claims("alice").put("aud", 42))),
      arguments("aud an object", "Bearer " + Jwts.sign(system.secret, claims("alice").put("aud", new JsonObject().put("a", AUDIENCE)))),
      arguments("aud an array holding a number", "Bearer " + Jwts.sign(system.secret,
        claims("alice").put("aud", new JsonArray().add(AUDIENCE).add(7)))),
      arguments("iss a number", "Bearer " + Jwts.sign(system.secret, claims("alice").put("iss", 42))),
      arguments("sub a number", "Bearer " + Jwts.sign(system.secret, claims("alice").put("sub", 12345))),
      arguments("roles a string", "Bearer " + Jwts.sign(system.secret, claims("alice").put("roles", "operator"))),
      arguments("roles holding a number", "Bearer " + Jwts.sign(system.secret,
        claims("alice").put("roles", new JsonArray().add("operator").add(1)))),
      arguments("empty bearer", "Bearer "));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("badTokens")
  void aBadTokenIsA401AndChangesNothing(String name, String authorization) {
    long bets = system.count("SELECT count(*) FROM " + system.bmSchema() + ".bets");
    Map<String, String> headers = authorization == null ? Map.of("Content-Type", "application/json")
      : Map.of("Content-Type", "application/json", "Authorization", authorization);
    Http betMaker = system.betMaker().as(null);
    // RFC 6750 §3.1: a request that sent no bearer credential (none, or another scheme) is challenged without an error code.
    String challenge = authorization == null || !authorization.startsWith("Bearer ")
      ? "Bearer realm=\"event-walker\"" : "Bearer realm=\"event-walker\", error=\"invalid_token\"";
    assertUnauthorized(betMaker.send("POST", "/bet", "{\"event_id\":\"tokens-1\",\"sum_bet\":5}", headers), challenge);
    assertUnauthorized(betMaker.send("GET", "/bets", (String) null, headers), challenge);
    assertUnauthorized(betMaker.send("GET", "/bet/01234567-89ab-7def-8123-456789abcdef", (String) null, headers), challenge);
    assertUnauthorized(system.lineProvider().as(null).send("POST", "/event", event("tokens-" + Math.abs(name.hashCode())), headers), challenge);
    assertThat(system.count("SELECT count(*) FROM " + system.bmSchema() + ".bets")).as("bets after " + name).isEqualTo(bets);
    assertThat(system.lineProvider().get("/event/tokens-" + Math.abs(name.hashCode())).status()).isEqualTo(404);
  }

  @Test
  void aGoodTokenPlacesBetsAndReadsThem() {
    Http alice = system.betMaker().as(player());
    assertThat(alice.post("/bet", "{\"event_id\":\"tokens-1\",\"sum_bet\":5}").status()).isEqualTo(201);
    assertThat(alice.get("/bets").status()).isEqualTo(200);
  }

  @Test
  void aTokenSignedWithAConfiguredPublicKeyIsAccepted() throws Exception {
    String header = base64(new JsonObject().put("alg", "ES256").put("typ", "JWT").encode());
    String payload = base64(claims("bob").encode());
    Signature signer = Signature.getInstance("SHA256withECDSAinP1363Format");
    signer.initSign(ecKeys.getPrivate());
    signer.update((header + "." + payload).getBytes());
    String token = header + "." + payload + "." + Base64.getUrlEncoder().withoutPadding().encodeToString(signer.sign());
    assertThat(system.betMaker().as(token).post("/bet", "{\"event_id\":\"tokens-1\",\"sum_bet\":5}").status()).isEqualTo(201);
  }

  @Test
  void aPlayersTokenOnAnOperatorsRouteIs403AndChangesNothing() {
    Http asPlayer = system.lineProvider().as(player());
    Http.Response created = asPlayer.post("/event", event("tokens-forbidden"));
    assertThat(created.status()).isEqualTo(403);
    assertThat(created.contentType()).startsWith("application/problem+json");
    assertThat(asPlayer.put("/event", "{\"event_id\":\"tokens-1\",\"status\":\"FINISHED_WIN\"}").status()).isEqualTo(403);
    assertThat(system.lineProvider().get("/event/tokens-forbidden").status()).isEqualTo(404);
    assertThat(system.lineProvider().get("/event/tokens-1").object().getString("status")).isEqualTo("NEW");
    assertThat(asPlayer.get("/event/tokens-1").status()).as("reads stay open").isEqualTo(200);
    assertThat(system.betMaker().as(null).get("/events").status()).as("the open events stay open").isEqualTo(200);
  }

  private static void assertUnauthorized(Http.Response response, String challenge) {
    assertThat(response.status()).as(response.toString()).isEqualTo(401);
    assertThat(response.contentType()).startsWith("application/problem+json");
    assertThat(response.header("WWW-Authenticate")).isEqualTo(challenge);
    assertThat(response.object().getInteger("status")).isEqualTo(401);
  }

  private static String base64(String text) {
    return Base64.getUrlEncoder().withoutPadding().encodeToString(text.getBytes());
  }
}
