package io.eventwalker.platform.db;

import io.vertx.pgclient.PgException;
import org.slf4j.Logger;

/**
 * What a failure nobody answered for means when it comes from PostgreSQL: data a constraint
 * refused (the client's 400, and a defect: validation let it through), an outage that will pass
 * (503), or a statement PostgreSQL could not run (500). The SQLSTATEs are read in
 * {@link Databases}; the one failure codec ({@code platform.http.Failures}) turns the kind into a
 * problem.
 */
public enum StatementFailure {

  REFUSED(400, "the data was refused by a database constraint"),
  UNAVAILABLE(503, "the database is unavailable; try again"),
  NOT_RUN(500, "the database could not run a statement; it has been logged");

  private final int status;
  private final String detail;

  StatementFailure(int status, String detail) {
    this.status = status;
    this.detail = detail;
  }

  /** Whether {@code failure} came from PostgreSQL or from reaching it (else it is none of these kinds). */
  public static boolean concerns(Throwable failure) {
    return failure instanceof PgException || Databases.isConstraintViolation(failure) || Databases.isOutage(failure);
  }

  public static StatementFailure of(Throwable failure) {
    return Databases.isConstraintViolation(failure) ? REFUSED : Databases.isOutage(failure) ? UNAVAILABLE : NOT_RUN;
  }

  /** The status a client is answered. */
  public int status() {
    return status;
  }

  /** What a client is told (never PostgreSQL's own words). */
  public String detail() {
    return detail;
  }

  /** Logs {@code failure} as this kind deserves: an outage as a warning, anything else as an error with its stack trace. */
  public void log(Logger log, Throwable failure) {
    switch (this) {
      case REFUSED -> log.error("PostgreSQL refused data that passed validation", failure);
      case UNAVAILABLE -> log.warn("PostgreSQL unavailable: {}", failure.getMessage());
      case NOT_RUN -> log.error("request failed", failure);
    }
  }
}
