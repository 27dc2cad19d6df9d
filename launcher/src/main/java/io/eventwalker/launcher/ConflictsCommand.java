package io.eventwalker.launcher;

import io.eventwalker.betmaker.config.BetMakerConfig;
import io.eventwalker.platform.auth.Bearer;
import io.eventwalker.wire.EventIds;
import io.vertx.core.Vertx;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.Callable;

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
@Command(name = "conflicts", sortOptions = false,
  description = {"Lists the events bet-maker holds in conflict with line-provider (list, the default), or makes bet-maker adopt"
    + " line-provider's current state of one and settle its PENDING bets by it (resolve EVENT_ID). Signs a short operator"
    + " token with AUTH_JWT_SECRET, or sends EW_OPERATOR_TOKEN when set."})
final class ConflictsCommand implements Callable<Integer> {

  private static final long TOKEN_TTL_S = 300;

  enum Action { list, resolve }

  private final PrintStream out;
  private final PrintStream err;

  @Spec
  CommandSpec spec;

  @Parameters(index = "0", paramLabel = "ACTION", arity = "0..1", defaultValue = "list",
    description = "list (the default), or resolve, which needs EVENT_ID")
  Action action;

  @Parameters(index = "1", paramLabel = "EVENT_ID", arity = "0..1", description = "the event to resolve")
  String eventId;

  @Option(names = "--url", paramLabel = "URL",
    description = "bet-maker's address (default: http://127.0.0.1:<BM_HTTP_PORT>)")
  String url;

  @Mixin
  CommonOptions common;

  ConflictsCommand(PrintStream out, PrintStream err) {
    this.out = out;
    this.err = err;
  }

  @Override
  public Integer call() {
    if (action == Action.resolve && (eventId == null || !EventIds.isValid(eventId))) {
      throw new ParameterException(spec.commandLine(), "resolve needs the EVENT_ID of an event (1 to 64 of A-Z a-z 0-9 . _ : -)");
    }
    if (action == Action.list && eventId != null) {
      throw new ParameterException(spec.commandLine(), "list takes no EVENT_ID");
    }
    Vertx vertx = Vertx.vertx();
    try {
      BetMakerConfig betMaker = BetMakerConfig.read(ConfigFiles.load(vertx, "bet-maker", common.confDir).await());
      return run(vertx, betMaker);
    } catch (Exception e) {
      err.println("conflicts: " + (e.getMessage() != null ? e.getMessage() : e.toString()));
      return 1;
    } finally {
      vertx.close();
    }
  }

  private int run(Vertx vertx, BetMakerConfig config) throws Exception {
    String base = url != null ? url.replaceAll("/+$", "") : "http://127.0.0.1:" + config.http().port();
    String token = System.getenv("EW_OPERATOR_TOKEN");
    if (token == null || token.isBlank()) {
      token = Tokens.sign(vertx, config.auth(), operatorName(), true, TOKEN_TTL_S);
    }
    HttpRequest.Builder request = HttpRequest.newBuilder().header("Authorization", "Bearer " + token)
      .timeout(Duration.ofSeconds(action == Action.resolve ? 180 : 10));
    if (action == Action.resolve) {
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
