package io.eventwalker.platform.http;

import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;

/**
 * A {@link Problem} travelling as a failure: thrown along a future chain, and as the failure of an
 * event-bus reply ({@link Failures#reply}), where it reaches the requester as this very object (a
 * {@link ReplyException}, delivered by reference) and never as text to parse. {@code reason}, when
 * given, says more for the log or a dead letter than the client may see; it is not in the problem.
 */
public final class ProblemException extends ReplyException {

  private final transient Problem problem;

  public ProblemException(Problem problem) {
    this(problem, null);
  }

  public ProblemException(Problem problem, String reason) {
    super(ReplyFailure.RECIPIENT_FAILURE, problem.status(),
      problem.status() + " " + problem.detail() + (reason == null ? "" : " (" + reason + ")"), true);
    this.problem = problem;
  }

  public Problem problem() {
    return problem;
  }
}
