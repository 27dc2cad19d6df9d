package io.eventwalker.testing;

import io.eventwalker.testing.Backing.Configured;
import io.eventwalker.testing.Backing.Plan;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.ServerSocket;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The integration tests' guard: a service is used where it is configured when it answers there,
 * started in a container when it does not and Docker is available, and otherwise fails the run with
 * how to start it.
 */
class BackingTest {

  @Test
  void aServiceThatAnswersIsUsedWhereConfiguredWhetherOrNotDockerIsAvailable() {
    assertThat(Backing.decide(true, false)).isEqualTo(Plan.CONFIGURED);
    assertThat(Backing.decide(true, true)).isEqualTo(Plan.CONFIGURED);
  }

  @Test
  void aServiceThatDoesNotAnswerIsStartedInAContainerWhenDockerIsAvailable() {
    assertThat(Backing.decide(false, true)).isEqualTo(Plan.CONTAINER);
  }

  @Test
  void aServiceThatDoesNotAnswerWithoutDockerFailsTheRun() {
    assertThat(Backing.decide(false, false)).isEqualTo(Plan.UNAVAILABLE);
  }

  @Test
  void anUnreachableServiceIsReportedWithHowToStartIt() throws IOException {
    int closedPort;
    try (ServerSocket socket = new ServerSocket(0)) {
      closedPort = socket.getLocalPort();
    }
    Configured redis = new Configured("Redis", "127.0.0.1", closedPort, "redis-server --daemonize yes");
    assertThat(redis.refusal()).isPresent();
    assertThat(redis.howToStart(redis.refusal().orElseThrow()))
      .startsWith("Redis at 127.0.0.1:" + closedPort + " (")
      .endsWith("); start it with: redis-server --daemonize yes");
  }

  @Test
  void aReachableServiceIsNotReported() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      assertThat(new Configured("PostgreSQL", "127.0.0.1", socket.getLocalPort(), "pg_ctlcluster ...").refusal()).isEmpty();
    }
  }

  @Test
  void theFailureListsEveryServiceThatAnswersNowhereAndSaysDockerDoesNotAnswerEither() {
    String failure = Backing.unavailable(List.of(
      "PostgreSQL at 127.0.0.1:5432 (Connection refused); start it with: pg_ctlcluster ...",
      "RabbitMQ at 127.0.0.1:5672 (Connection refused); start it with: rabbitmq-server -detached"));
    assertThat(failure.lines()).containsExactly(
      "integration tests need real services, and these do not answer:",
      "  PostgreSQL at 127.0.0.1:5432 (Connection refused); start it with: pg_ctlcluster ...",
      "  RabbitMQ at 127.0.0.1:5672 (Connection refused); start it with: rabbitmq-server -detached",
      "(.ci/run starts them; addresses come from PG_HOST/PG_PORT, REDIS_HOST/REDIS_PORT, RABBITMQ_HOST/RABBITMQ_PORT;"
        + " no Docker engine answers either, so Testcontainers cannot start them)");
  }
}
