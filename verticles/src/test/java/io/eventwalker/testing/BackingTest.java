package io.eventwalker.testing;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The integration tests' guard: an unreachable service fails the run with how to start it. */
class BackingTest {

  @Test
  void anUnreachableServiceIsReportedWithHowToStartIt() throws IOException {
    int closedPort;
    try (ServerSocket socket = new ServerSocket(0)) {
      closedPort = socket.getLocalPort();
    }
    List<String> down = new ArrayList<>();
    Backing.probe(down, "Redis", "127.0.0.1", closedPort, "redis-server --daemonize yes");
    assertThat(down).singleElement().asString()
      .contains("Redis at 127.0.0.1:" + closedPort)
      .contains("start it with: redis-server --daemonize yes");
  }

  @Test
  void aReachableServiceIsNotReported() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      List<String> down = new ArrayList<>();
      Backing.probe(down, "PostgreSQL", "127.0.0.1", socket.getLocalPort(), "pg_ctlcluster ...");
      assertThat(down).isEmpty();
    }
  }
}
