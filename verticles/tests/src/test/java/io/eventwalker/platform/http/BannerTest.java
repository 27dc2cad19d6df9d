package io.eventwalker.platform.http;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.spi.ILoggingEvent;
import io.eventwalker.testing.LogCapture;
import io.eventwalker.testing.TestSystem;
import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Each service logs once, when it serves, every URL it serves at with the port it really bound
 * (here every port is configured 0): its page, docs, API, health, readiness and metrics, and its
 * bridges: line-provider's SockJS one, bet-maker's SockJS and TCP ones.
 */
class BannerTest {

  @Test
  void aWildcardAddressIsShownAsThisMachinesLoopbackAndAnIpv6LiteralInBrackets() {
    assertThat(Routers.urlHost("0.0.0.0")).isEqualTo("127.0.0.1");
    assertThat(Routers.urlHost("::")).isEqualTo("127.0.0.1");
    assertThat(Routers.urlHost("")).isEqualTo("127.0.0.1");
    assertThat(Routers.urlHost("10.1.2.3")).isEqualTo("10.1.2.3");
    assertThat(Routers.urlHost("bets.example")).isEqualTo("bets.example");
    assertThat(Routers.urlHost("fe80::1")).isEqualTo("[fe80::1]");
  }

  @Test
  void eachServiceLogsEveryUrlOnceWithTheBoundPorts() throws Exception {
    try (LogCapture logs = new LogCapture();
         TestSystem system = TestSystem.start(true, true, line -> { }, bets -> bets.put("BM_TCP_BRIDGE_PORT", 0))) {
      int linePort = Routers.boundPort(system.vertx, "line-provider");
      int betPort = Routers.boundPort(system.vertx, "bet-maker");
      int tcpPort = Routers.boundPort(system.vertx, "bet-maker.tcp-bridge");
      assertThat(List.of(linePort, betPort, tcpPort)).doesNotContain(0);

      String line = banner(logs, "line-provider");
      String lineBase = "http://127.0.0.1:" + linePort;
      assertThat(line).startsWith("line-provider serves at " + lineBase + " (it listens on every interface");
      for (String path : List.of("/ ", "/docs ", "/event ", "/events ", "/event/{event_id} ", "/health ", "/ready ", "/metrics ",
        "/openapi.json ")) {
        assertThat(line).contains(lineBase + path);
      }
      assertThat(line).contains("POST, PUT " + lineBase + "/event ").contains("SockJS    " + lineBase + "/eventbus ");

      String bets = banner(logs, "bet-maker");
      String betBase = "http://127.0.0.1:" + betPort;
      for (String path : List.of("/ ", "/docs ", "/bet ", "/bets ", "/bet/{bet_id} ", "/events ", "/conflicts ", "/health ",
        "/ready ", "/metrics ", "/openapi.json ", "/eventbus ")) {
        assertThat(bets).contains(betBase + path);
      }
      assertThat(bets).contains("SockJS    " + betBase + "/eventbus").contains("TCP       tcp://127.0.0.1:" + tcpPort + " ");
      try (Socket socket = new Socket()) {
        socket.connect(new InetSocketAddress("127.0.0.1", tcpPort), 2_000); // the port the banner names is the bridge's
      }
    }
  }

  /** The one banner {@code service} logged. */
  private static String banner(LogCapture logs, String service) {
    List<ILoggingEvent> banners = logs.events().stream()
      .filter(event -> event.getLoggerName().equals(Banner.class.getName()) && event.getFormattedMessage().startsWith(service + " "))
      .toList();
    assertThat(banners).as("banners of " + service).hasSize(1);
    assertThat(banners.get(0).getLevel()).isEqualTo(Level.INFO);
    return banners.get(0).getFormattedMessage();
  }
}
