package io.eventwalker.launcher;

import io.eventwalker.betmaker.BetMakerConfig;
import io.eventwalker.platform.auth.Bearer;
import io.vertx.core.Vertx;

import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * {@code java -jar event-walker.jar conflicts [list | resolve EVENT_ID] [--url URL]}: the
 * operator's way out of a conflict between bet-maker and line-provider (SPEC §3.3). {@code list}
 * prints the events in conflict ({@code GET /conflicts}); {@code resolve} makes bet-maker adopt
 * line-provider's current state of the event and settle its PENDING bets by it
 * ({@code POST /conflicts/{event_id}/resolve}). It signs a short-lived operator token with
 * bet-maker's {@code AUTH_JWT_SECRET} (the subject is the operating system's user, recorded with
 * the resolution), or sends {@code EW_OPERATOR_TOKEN} when that is set, and asks bet-maker at
 * {@code --url} (by default its configured port on this machine). Exits 0 on a 2xx answer.
 */
final class ConflictsCommand {

  private static final long TOKEN_TTL_S = 300;

  private final BetMakerConfig config;
  private final PrintStream out;
  private final PrintStream err;

  ConflictsCommand(BetMakerConfig config, PrintStream out, PrintStream err) {
    this.config = config;
    this.out = out;
    this.err = err;
  }

  int run(Vertx vertx, String action, String eventId, String url) throws Exception {
    String base = url != null ? url.replaceAll("/+$", "") : "http://127.0.0.1:" + config.http().port();
    String token = System.getenv("EW_OPERATOR_TOKEN");
    if (token == null || token.isBlank()) {
      token = Tokens.sign(vertx, config.auth(), operatorName(), true, TOKEN_TTL_S);
    }
    HttpRequest.Builder request = HttpRequest.newBuilder().header("Authorization", "Bearer " + token)
      .timeout(Duration.ofSeconds(action.equals("resolve") ? 180 : 10));
    if (action.equals("resolve")) {
      request.uri(URI.create(base + "/conflicts/" + eventId + "/resolve")).POST(HttpRequest.BodyPublishers.noBody());
    } else {
      request.uri(URI.create(base + "/conflicts")).GET();
    }
    HttpResponse<String> answer;
    try {
      answer = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build()
        .send(request.build(), HttpResponse.BodyHandlers.ofString());
    } catch (java.io.IOException e) {
      err.println("conflicts: bet-maker at " + base + " did not answer (" + e.getMessage() + "); give its address with --url");
      return 1;
    }
    boolean ok = answer.statusCode() / 100 == 2;
    (ok ? out : err).println(answer.body());
    return ok ? 0 : 1;
  }

  /** Who resolves: the operating system's user, as a token subject. */
  private static String operatorName() {
    String name = System.getProperty("user.name", "operator").replaceAll("[^A-Za-z0-9._@:-]", "_");
    name = name.isEmpty() ? "operator" : name.substring(0, Math.min(64, name.length()));
    return Bearer.SUBJECT.matcher(name).matches() ? name : "operator";
  }
}
