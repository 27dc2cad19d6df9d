package io.eventwalker.hostile;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.eventwalker.betmaker.bets.AcceptOdds;
import io.eventwalker.betmaker.bets.BetRequest;
import io.eventwalker.platform.auth.AuthConfig;
import io.eventwalker.platform.auth.Bearer;
import io.eventwalker.platform.auth.Identity;
import io.eventwalker.lineprovider.bus.EventChange;
import io.eventwalker.lineprovider.api.EventInputs;
import io.eventwalker.lineprovider.bus.NewEvent;
import io.eventwalker.platform.Decimals;
import io.eventwalker.platform.json.StrictJson;
import io.eventwalker.platform.validation.Batch;
import io.eventwalker.platform.validation.ValidationException;
import io.eventwalker.wire.EventIds;
import io.eventwalker.wire.EventState;
import io.eventwalker.wire.LineReply;
import io.eventwalker.wire.LineRequest;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Instant;

/**
 * Fuzz targets for every parser of untrusted bytes: HTTP bodies, bearer tokens and RabbitMQ messages. Each may
 * only accept well-formed input or refuse it with its own exception; anything else (a runtime
 * exception, an accepted value breaking the rules) is a finding.
 *
 * <p>In the normal test run each target replays its corpus under
 * {@code src/test/resources/io/eventwalker/hostile/ParsersFuzzTestInputs/<target>/}. To fuzz, see
 * the README: {@code JAZZER_FUZZ=1 mvn -pl verticles test -Dtest=ParsersFuzzTest -Dskip.npm=true}.
 */
class ParsersFuzzTest {

  /** Checks tokens with a secret no seed or generated input is signed with. */
  private static final Bearer BEARER = Bearer.create(Vertx.vertx(),
    new AuthConfig("a-secret-only-this-test-knows-" + java.util.UUID.randomUUID(), "", "", "", 30));

  private static final BigDecimal MAX_STAKE = new BigDecimal("1000000.00");
  private static final Instant LAST_DEADLINE = Instant.parse("9999-12-31T23:59:59.999999Z");

  @FuzzTest(maxDuration = "60s")
  void eventCreation(byte[] body) {
    Batch<NewEvent> batch;
    try {
      batch = EventInputs.parseCreate(StrictJson.parse(body));
    } catch (StrictJson.MalformedJsonException | ValidationException refused) {
      return;
    }
    for (NewEvent event : batch.items()) {
      requireAmount(event.ratio(), Decimals.MAX_RATIO);
      require(event.deadline().isAfter(Instant.EPOCH) && !event.deadline().isAfter(LAST_DEADLINE), "deadline in range");
      require(event.eventId().matches("[A-Za-z0-9._:-]{1,64}"), "event id pattern");
    }
  }

  @FuzzTest(maxDuration = "60s")
  void eventChange(byte[] body) {
    Batch<EventChange> batch;
    try {
      batch = EventInputs.parseUpdate(StrictJson.parse(body));
    } catch (StrictJson.MalformedJsonException | ValidationException refused) {
      return;
    }
    for (EventChange change : batch.items()) {
      require(change.ratio() != null || change.deadline() != null || change.status() != null, "something to change");
      if (change.ratio() != null) {
        requireAmount(change.ratio(), Decimals.MAX_RATIO);
      }
    }
  }

  @FuzzTest(maxDuration = "60s")
  void betPlacement(byte[] body) {
    Batch<BetRequest> batch;
    try {
      batch = BetRequest.parse(StrictJson.parse(body), MAX_STAKE);
    } catch (StrictJson.MalformedJsonException | ValidationException refused) {
      return;
    }
    require(!batch.items().isEmpty() && batch.items().size() <= Batch.MAX_ITEMS, "batch size");
    for (BetRequest bet : batch.items()) {
      requireAmount(bet.sumBet(), MAX_STAKE);
      require(bet.acceptOdds() != null, "accept_odds");
      if (bet.ratio() != null) {
        requireAmount(bet.ratio(), Decimals.MAX_RATIO);
      } else {
        require(bet.acceptOdds() == AcceptOdds.ANY, "accept_odds without ratio");
      }
    }
  }

  /**
   * Whatever an {@code Authorization} header holds, a token signed by nobody the service trusts
   * proves no identity: verification fails (never succeeds, never throws).
   */
  @FuzzTest(maxDuration = "60s")
  void bearerTokens(byte[] header) {
    String authorization = new String(header, StandardCharsets.UTF_8);
    Future<Identity> verified;
    try {
      verified = BEARER.verify(Bearer.token(authorization));
    } catch (RuntimeException thrown) {
      throw new IllegalStateException("verification threw instead of failing: " + thrown, thrown);
    }
    Identity identity = verified.toCompletionStage().toCompletableFuture().handle((ok, failed) -> ok).join();
    require(identity == null, "an identity from a token nobody trusted signed: " + identity);
  }

  /**
   * A message from the broker is refused with a {@link ValidationException}, or accepted as a value
   * that keeps the rules and reads back the same from its own wire form; anything else is a finding.
   */
  @FuzzTest(maxDuration = "60s")
  void messagesFromTheBroker(byte[] body) throws Exception {
    LineRequest request = null;
    try {
      request = LineRequest.parse(Buffer.buffer(body));
    } catch (ValidationException refused) {
      // refused: fine
    }
    if (request != null) {
      requireRules(request);
      require(LineRequest.parse(request.toBuffer()).equals(request), "a request reads back as itself: " + request);
    }
    LineReply reply = null;
    try {
      reply = LineReply.parse(Buffer.buffer(body));
    } catch (ValidationException refused) {
      // refused: fine
    }
    if (reply != null) {
      if (reply.isOk()) {
        reply.events().forEach(ParsersFuzzTest::requireRules);
        reply.missing().forEach(id -> require(EventIds.isValid(id), "missing id pattern"));
      } else {
        require(reply.detail() != null && reply.events().isEmpty() && reply.missing().isEmpty(), "an error reply carries only its detail");
      }
      require(LineReply.parse(reply.toBuffer()).equals(reply), "a reply reads back as itself: " + reply);
    }
    EventState state = null;
    try {
      state = EventState.fromMap(StrictJson.parse(body));
    } catch (StrictJson.MalformedJsonException | ValidationException refused) {
      // refused: fine
    }
    if (state != null) {
      requireRules(state);
      require(EventState.fromMap(StrictJson.parse(state.toJson().toBuffer().getBytes())).equals(state),
        "an event reads back as itself: " + state);
    }
  }

  private static void requireRules(LineRequest request) {
    switch (request.type()) {
      case LineRequest.GET_EVENTS -> require(request.limit() >= 1 && request.limit() <= LineRequest.MAX_IDS
        && (request.after() == null || EventIds.isValid(request.after())) && request.eventIds().isEmpty(), "get_events: " + request);
      case LineRequest.GET_EVENT -> require(request.eventId() != null && EventIds.isValid(request.eventId()), "get_event: " + request);
      case LineRequest.SUBSCRIBE_ALL -> require(request.subscriber() != null && request.eventIds().isEmpty(), "subscribe_all: " + request);
      case LineRequest.SUBSCRIBE, LineRequest.GET_STATES -> {
        require(!request.eventIds().isEmpty() && request.eventIds().size() <= LineRequest.MAX_IDS, "1 to MAX_IDS ids: " + request);
        request.eventIds().forEach(id -> require(EventIds.isValid(id), "event id pattern"));
        require(request.type().equals(LineRequest.GET_STATES) || request.subscriber() != null, "subscribe names its subscriber");
      }
      default -> require(false, "a type of the protocol: " + request.type());
    }
  }

  private static void requireRules(EventState state) {
    requireAmount(state.ratio(), Decimals.MAX_RATIO);
    require(state.version() >= 1, "version");
    require(EventIds.isValid(state.eventId()) && state.status() != null && state.deadline() != null, "an event's fields: " + state);
  }

  private static void requireAmount(BigDecimal amount, BigDecimal max) {
    require(amount.signum() > 0 && amount.compareTo(max) <= 0 && amount.scale() == Decimals.SCALE, "amount rules: " + amount);
  }

  private static void require(boolean condition, String rule) {
    if (!condition) {
      throw new IllegalStateException("accepted input that breaks a rule: " + rule);
    }
  }
}
