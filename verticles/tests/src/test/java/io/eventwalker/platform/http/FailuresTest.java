package io.eventwalker.platform.http;

import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.pgclient.PgException;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The one failure codec: what a client is told for each kind of failure. */
class FailuresTest {

  @Test
  void aProblemTravelsAsItWasMade() {
    Problem conflict = Problem.of(409, "the event is closed");
    assertThat(Failures.exception(conflict.exception()).problem()).isEqualTo(conflict);
  }

  @Test
  void noAnswerInTimeIsA503() {
    assertThat(Failures.exception(new ReplyException(ReplyFailure.TIMEOUT, "no reply")).problem().status()).isEqualTo(503);
  }

  @Test
  void postgresqlsFailuresAreTheirKind() {
    PgException refused = new PgException("duplicate key", "ERROR", "23505", "detail");
    PgException gone = new PgException("terminating connection", "FATAL", "57P01", "detail");
    PgException broken = new PgException("syntax error", "ERROR", "42601", "detail");
    assertThat(Failures.exception(refused).problem().status()).isEqualTo(400);
    assertThat(Failures.exception(gone).problem().status()).isEqualTo(503);
    assertThat(Failures.exception(broken).problem().detail()).isEqualTo("the database could not run a statement; it has been logged");
  }

  @Test
  void aBugIsA500ThatBlamesNothing() {
    Problem problem = Failures.exception(new IllegalStateException("a defect")).problem();
    assertThat(problem.status()).isEqualTo(500);
    assertThat(problem.detail()).isEqualTo("the request failed unexpectedly; it has been logged").doesNotContain("database");
  }
}
