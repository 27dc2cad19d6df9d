package io.eventwalker.platform.http;

import io.eventwalker.platform.db.StatementFailure;
import io.eventwalker.platform.validation.ValidationException;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.ext.web.handler.HttpException;
import org.slf4j.Logger;

/**
 * The one failure codec. {@link #problem} turns any failure into the problem a client should see;
 * {@link #reply} fails an event-bus request with it, as a {@link ProblemException} the requester
 * receives as it was sent. Nothing travels as text to be parsed back.
 */
public final class Failures {

  private Failures() {
  }

  /**
   * The problem a client should see for {@code failure}: a problem's own, 400 for invalid input, the
   * status of a refused HTTP request (a body over the limit, say), 503 for a request on the event bus
   * that found nobody or no answer in time; null for anything else (a bug: the failure handler logs
   * it and answers 500).
   */
  public static Problem problem(Throwable failure) {
    if (failure instanceof ProblemException problem) {
      return problem.problem();
    }
    if (failure instanceof ValidationException invalid) {
      return Problem.invalid(invalid.getMessage(), invalid.errors());
    }
    if (failure instanceof ReplyException reply) {
      return switch (reply.failureType()) {
        case TIMEOUT -> Problem.of(503, "the service did not answer in time; try again");
        case NO_HANDLERS -> Problem.of(503, "the service is not ready yet; try again");
        default -> Problem.of(503, "a dependency failed; try again");
      };
    }
    if (failure instanceof HttpException refused && refused.getStatusCode() >= 400 && refused.getStatusCode() < 500) {
      return Problem.of(refused.getStatusCode(), Problems.defaultDetail(refused.getStatusCode()));
    }
    return null;
  }

  /**
   * {@code failure} as a {@link ProblemException}: {@link #problem}'s answer, else what a failed
   * statement means ({@link StatementFailure}: 400, 503 or 500), else a 500 that blames nothing (a
   * bug). Its reason is the failure's own message (for the log and dead letters, never in the problem).
   */
  public static ProblemException exception(Throwable failure) {
    if (failure instanceof ProblemException problem) {
      return problem;
    }
    Problem problem = problem(failure);
    if (problem == null && StatementFailure.concerns(failure)) {
      StatementFailure kind = StatementFailure.of(failure);
      problem = Problem.of(kind.status(), kind.detail());
    } else if (problem == null) {
      problem = Problem.of(500, "the request failed unexpectedly; it has been logged");
    }
    return new ProblemException(problem, failure.getMessage());
  }

  /** Fails an event-bus request with {@code problem}. */
  public static void reply(Message<?> msg, Problem problem) {
    msg.reply(problem.exception());
  }

  /** Fails an event-bus request with the problem of {@code failure}, logging what is not the client's fault. */
  public static void reply(Message<?> msg, Throwable failure, Logger log) {
    ProblemException answer = exception(failure);
    boolean someonesAnswer = failure instanceof ProblemException || failure instanceof ReplyException
      || failure instanceof ValidationException;
    if (!someonesAnswer && StatementFailure.concerns(failure)) {
      StatementFailure.of(failure).log(log, failure); // PostgreSQL's: logged as its kind deserves
    } else if (!someonesAnswer) {
      log.error("request failed", failure); // nobody's answer: a bug
    }
    msg.reply(answer);
  }

  /** The detail of a failure's problem, for a log line or another problem's detail. */
  public static String detail(Throwable failure) {
    Problem problem = problem(failure);
    return problem == null ? String.valueOf(failure.getMessage()) : problem.detail();
  }

  /** Whether the request timed out waiting for its answer (not a refusal that came back in time). */
  public static boolean isTimeout(Throwable failure) {
    return failure instanceof ReplyException reply && !(failure instanceof ProblemException)
      && reply.failureType() == ReplyFailure.TIMEOUT;
  }
}
