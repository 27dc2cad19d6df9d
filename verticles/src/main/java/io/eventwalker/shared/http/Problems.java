package io.eventwalker.shared.http;

import io.eventwalker.shared.validation.ValidationException;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one failure handler of every router: whatever went wrong becomes an
 * {@code application/problem+json} answer. Internals (stack traces, SQL) never reach the body.
 */
public final class Problems {

  private static final Logger LOG = LoggerFactory.getLogger(Problems.class);

  private Problems() {
  }

  /** Turns any failure of a request into the problem a client should see. */
  public static Problem from(Throwable failure, int statusCode) {
    if (failure instanceof ProblemException problemException) {
      return problemException.problem();
    }
    if (failure instanceof ValidationException invalid) {
      return Problem.invalid(invalid.getMessage(), invalid.errors());
    }
    if (failure instanceof ReplyException reply) {
      return fromReply(reply);
    }
    if (statusCode >= 400 && statusCode < 500) {
      return Problem.of(statusCode, defaultDetail(statusCode));
    }
    return null;
  }

  /** A refusal sent by another verticle ({@code msg.fail(status, problemJson)}), or its absence. */
  public static Problem fromReply(ReplyException reply) {
    if (reply.failureType() == ReplyFailure.TIMEOUT) {
      return Problem.of(503, "the service did not answer in time; try again");
    }
    if (reply.failureType() == ReplyFailure.NO_HANDLERS) {
      return Problem.of(503, "the service is not ready yet; try again");
    }
    int code = reply.failureCode();
    String message = reply.getMessage();
    if (code >= 400 && code < 600 && message != null && message.startsWith("{")) {
      try {
        return Problem.fromJson(new JsonObject(message));
      } catch (DecodeException | ClassCastException | NullPointerException e) {
        LOG.warn("unreadable problem in a reply: {}", message);
      }
    }
    return Problem.of(503, "a dependency failed; try again");
  }

  public static void handle(RoutingContext ctx) {
    Problem problem = from(ctx.failure(), ctx.statusCode());
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

  private static String defaultDetail(int status) {
    return switch (status) {
      case 404 -> "no such resource";
      case 405 -> "method not allowed on this resource";
      case 413 -> "request body is larger than the configured limit";
      default -> Problem.title(status);
    };
  }
}
