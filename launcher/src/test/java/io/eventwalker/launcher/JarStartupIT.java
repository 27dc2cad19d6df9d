package io.eventwalker.launcher;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** The packaged jar as a new user first meets it: its command line, and a dependency that does not answer. */
class JarStartupIT extends JarProcesses {

  /**
   * The first minutes of a wrong RabbitMQ port, as a user meets them: both services start and
   * serve, {@code /ready} answers 503 naming the broker's address, vhost and user, and the log
   * says so at most once per {@code DEPENDENCY_LOG_INTERVAL_MS} for each service's user (not
   * several WARNs a second); SIGTERM still stops the process cleanly.
   */
  @Test
  void aWrongRabbitMqPortIsNamedOnReadyAndInTheLogOncePerInterval() throws Exception {
    int linePort = freePort();
    int betPort = freePort();
    int rabbitPort = freePort();
    Map<String, String> env = env(linePort, betPort);
    env.putAll(Map.of("LOG_FORMAT", "json", "RABBITMQ_PORT", String.valueOf(rabbitPort), "DEPENDENCY_LOG_INTERVAL_MS", "2000",
      "RABBITMQ_RECONNECT_MS", "100", "DEPENDENCY_RETRY_MAX_MS", "200"));
    Path log = Files.createTempFile("event-walker-", ".log");
    Process process = start(List.of("all"), env, log);
    String lineBroker = "RabbitMQ at 127.0.0.1:" + rabbitPort + " (vhost /, user line-provider)";
    String betBroker = "RabbitMQ at 127.0.0.1:" + rabbitPort + " (vhost /, user bet-maker)";
    assertThat(awaitNotReady(process, linePort)).contains(lineBroker).contains("connection refused");
    assertThat(awaitNotReady(process, betPort)).contains(betBroker).contains("connection refused");
    long until = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (outageLines(log, betBroker).size() < 3 && System.nanoTime() < until) {
      assertThat(process.isAlive()).isTrue();
      Thread.sleep(100); // poll interval, bounded by the deadline
    }
    process.destroy();
    assertThat(process.waitFor(20, TimeUnit.SECONDS)).isTrue();
    assertThat(process.exitValue()).as("exit status after SIGTERM").isEqualTo(0);
    for (String broker : List.of(lineBroker, betBroker)) {
      List<JsonObject> lines = outageLines(log, broker);
      assertThat(lines).as(broker).hasSizeGreaterThanOrEqualTo(2);
      for (int i = 1; i < lines.size(); i++) {
        assertThat(lines.get(i).getLong("timestamp") - lines.get(i - 1).getLong("timestamp")).as("between two lines about " + broker)
          .isGreaterThanOrEqualTo(1_995);
      }
      assertThat(lines.get(lines.size() - 1).getString("formattedMessage")).containsPattern("[0-9]+ failed attempts since the last line");
    }
    assertThat(Files.readString(log)).doesNotContain("com.rabbitmq").doesNotContain(SECRET);
  }

  /** The OutageLog lines about {@code dependency} in a JSON log. */
  private static List<JsonObject> outageLines(Path log, String dependency) throws IOException {
    return Files.readAllLines(log, StandardCharsets.UTF_8).stream().filter(line -> line.startsWith("{"))
      .map(JsonObject::new)
      .filter(line -> line.getString("loggerName").endsWith(".OutageLog") && line.getString("formattedMessage").contains(dependency))
      .toList();
  }

  /**
   * The command line as a user meets it: no command or an unknown one prints the usage and exits
   * 2, {@code help} exits 0; a secret that is too short, or not even a string, is refused without
   * being shown; a value of the environment is taken as written ({@code 007} stays {@code 007}).
   */
  @Test
  void theCommandLineSaysHowToUseItAndNeverShowsASecret() throws Exception {
    Map<String, String> env = env(freePort(), freePort());
    assertThat(command(env)[0]).isEqualTo("2");
    assertThat(command(env, "serve")[0]).isEqualTo("2");
    String[] help = command(env, "help", "token");
    assertThat(help[0]).isEqualTo("0");
    assertThat(help[1]).startsWith("Usage: java -jar event-walker.jar token");
    String marker = "secret-" + UUID.randomUUID().toString().substring(0, 8);
    for (String secret : List.of(marker, "{\"key\":\"" + marker + "\"}", "[\"" + marker + "\"]")) {
      env.put("AUTH_JWT_SECRET", secret);
      String[] refused = command(env, "token", "alice");
      assertThat(refused[0]).as(secret).isEqualTo("1");
      assertThat(refused[1]).as(secret).contains("AUTH_JWT_SECRET").doesNotContain(marker);
    }
    env.put("AUTH_JWT_SECRET", SECRET);
    env.put("BM_SUBSCRIBER", "007");
    String[] names = command(env, "names");
    assertThat(names[0]).as(names[1]).isEqualTo("0");
    assertThat(names[1]).contains("\"subscriber\" : \"007\"");
  }
}
