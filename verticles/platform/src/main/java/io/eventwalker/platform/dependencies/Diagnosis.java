package io.eventwalker.platform.dependencies;

/**
 * What a failure to reach a {@link Dependency} means, in an operator's words: the {@code cause}
 * and what to do about it ({@code fix}). A {@code misconfigured} failure is one that waiting
 * will not cure (a refused login, an unknown vhost or database): someone has to act, so it is
 * logged as an ERROR; anything else is an outage that may pass by itself, a WARN. Either way the
 * service keeps trying, so it recovers as soon as the cause is gone. {@code code} tells causes
 * apart (a new cause is logged at once, whatever the throttle). No diagnosis holds a password.
 */
public record Diagnosis(boolean misconfigured, String code, String cause, String fix) {

  /** What the failure means: a known cause with its fix, or an outage described by the failure's own message. */
  public static Diagnosis of(Dependency dependency, Throwable failure) {
    Diagnosis known = known(dependency, failure);
    return known != null ? known : outage("other", message(failure), "");
  }

  /**
   * A known cause of not reaching the dependency, or null when the failure says nothing about
   * reaching it (PostgreSQL refusing a statement, say).
   */
  public static Diagnosis known(Dependency dependency, Throwable failure) {
    return switch (dependency.kind()) {
      case POSTGRESQL -> PostgresCauses.diagnose(dependency, failure);
      case RABBITMQ -> RabbitMqCauses.diagnose(dependency, failure);
      case REDIS -> RedisCauses.diagnose(dependency, failure);
    };
  }

  static Diagnosis outage(String code, String cause, String fix) {
    return new Diagnosis(false, code, cause, fix);
  }

  static Diagnosis misconfigured(String code, String cause, String fix) {
    return new Diagnosis(true, code, cause, fix);
  }

  /** The cause, then what to do. */
  public String summary() {
    return fix.isEmpty() ? cause : cause + "; " + fix;
  }

  /** The innermost message of a failure (its class when none says anything: never "null"). */
  static String message(Throwable failure) {
    String message = null;
    for (Throwable cause = failure; cause != null; cause = cause.getCause() == cause ? null : cause.getCause()) {
      if (cause.getMessage() != null && !cause.getMessage().isBlank()) {
        message = cause.getMessage();
      }
    }
    return message != null ? message : failure.getClass().getSimpleName();
  }

  /** The first cause of {@code type} in the chain, or null. */
  static <T extends Throwable> T find(Throwable failure, Class<T> type) {
    for (Throwable cause = failure; cause != null; cause = cause.getCause() == cause ? null : cause.getCause()) {
      if (type.isInstance(cause)) {
        return type.cast(cause);
      }
    }
    return null;
  }
}
