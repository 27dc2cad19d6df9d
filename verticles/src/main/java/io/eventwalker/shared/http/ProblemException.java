package io.eventwalker.shared.http;

/** Carries a {@link Problem} through a future chain to the failure handler; no stack trace. */
public final class ProblemException extends RuntimeException {

  private final transient Problem problem;

  public ProblemException(Problem problem) {
    super(problem.status() + " " + problem.detail(), null, false, false);
    this.problem = problem;
  }

  public Problem problem() {
    return problem;
  }
}
