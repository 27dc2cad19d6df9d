package io.eventwalker.platform.http;

import io.vertx.ext.web.RoutingContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one failure handler of every router: whatever went wrong becomes an
 * {@code application/problem+json} answer ({@link Failures#problem}). Internals (stack traces,
 * SQL) never reach the body.
 */
public final class Problems {

  private static final Logger LOG = LoggerFactory.getLogger(Problems.class);

  private Problems() {
  }

  public static void handle(RoutingContext ctx) {
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

  public static void write(RoutingContext ctx, Problem problem) {
    if (ctx.response().headWritten()) {
      if (!ctx.response().ended()) {
        ctx.response().reset();
      }
      return;
    }
    if (problem.status() == 503 || problem.isOutcomeUnknown()) {
      ctx.response().putHeader("Retry-After", "1");
    }
    ctx.response()
      .setStatusCode(problem.status())
      .putHeader("Content-Type", Problem.CONTENT_TYPE)
      .putHeader("Cache-Control", "no-store")
      .end(problem.toJson().encode());
  }

  static String defaultDetail(int status) {
    return switch (status) {
      case 404 -> "no such resource";
      case 405 -> "method not allowed on this resource";
      case 413 -> "request body is larger than the configured limit";
      default -> Problem.title(status);
    };
  }
}
