package io.eventwalker.platform.http;

import io.vertx.core.Future;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.RoutingContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one failure handler of every router: whatever went wrong becomes an
 * {@code application/problem+json} answer ({@link Failures#problem}). Internals (stack traces,
 * SQL) never reach the body. A client that went away is nobody's error: it is counted and
 * logged at DEBUG, one line without a stack trace.
 */
public final class Problems {

  private static final Logger LOG = LoggerFactory.getLogger(Problems.class);

  private Problems() {
  }

  public static void handle(RoutingContext ctx) {
    if (clientWentAway(ctx)) {
      if (ctx.get(BodyDeadline.EXPIRED) == null) {
        HttpMeters.of(ctx).abandoned();
        LOG.debug("{} {} from {}: the client went away before its answer ({})", ctx.request().method(), ctx.request().path(),
          ClientAddress.of(ctx.request()), String.valueOf(ctx.failure())); // its text: a Throwable argument would log a stack trace
      }
      return;
    }
    Problem problem = Failures.problem(ctx.failure());
    if (problem == null && ctx.statusCode() >= 400 && ctx.statusCode() < 500) {
      problem = Problem.of(ctx.statusCode(), defaultDetail(ctx.statusCode()));
    }
    if (problem == null) {
      LOG.error("request {} {} failed", ctx.request().method(), ctx.request().path(), ctx.failure());
      problem = Problem.of(500, "an unexpected error occurred; it has been logged");
    } else if (problem.status() >= 500) {
      LOG.warn("request {} {} answered {}: {}", ctx.request().method(), ctx.request().path(),
        problem.status(), problem.detail());
    }
    write(ctx, problem);
  }

  /**
   * Whether the request failed because its connection closed or broke under it (the client hung
   * up, or was cut off): a closed connection, or an I/O error reading the request. Nothing can be
   * answered to it.
   */
  static boolean clientWentAway(RoutingContext ctx) {
    return ClientGone.is(ctx.failure());
  }

  /** Answers {@code problem}, unless an answer was already begun (then the response is cut short); completes once written. */
  public static Future<Void> write(RoutingContext ctx, Problem problem) {
    return write(ctx.response(), problem);
  }

  /**
   * The one writer of {@code application/problem+json}: {@code problem} as the answer, with
   * {@code Retry-After: 1} on a 503 or an unknown outcome unless the caller set its own; a response
   * already begun is cut short instead. Completes once written.
   */
  public static Future<Void> write(HttpServerResponse response, Problem problem) {
    if (response.headWritten() || response.closed()) {
      if (!response.ended() && !response.closed()) {
        response.reset();
      }
      return Future.succeededFuture();
    }
    if ((problem.status() == 503 || problem.isOutcomeUnknown()) && !response.headers().contains("Retry-After")) {
      response.putHeader("Retry-After", "1");
    }
    return response
      .setStatusCode(problem.status())
      .putHeader("Content-Type", Problem.CONTENT_TYPE)
      .putHeader("Cache-Control", "no-store")
      .end(problem.toJson().encode());
  }

  static String defaultDetail(int status) {
    return switch (status) {
      case 404 -> "no such resource";
      case 405 -> "method not allowed on this resource";
      case 408 -> "the request did not arrive whole in time";
      case 413 -> "request body is larger than the configured limit";
      default -> Problem.title(status);
    };
  }
}
