package io.eventwalker.launcher;

import io.eventwalker.launcher.ShellSession.Result;
import io.eventwalker.launcher.Walkthrough.Answer;
import io.eventwalker.launcher.Walkthrough.Step;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The README's walkthrough, as a newcomer runs it: {@code bin/dev} in one terminal, on ports other
 * than 8000/8001 and with its own schemas, queues and Redis keys (set as any user sets them: the
 * configuration's variables); in a second shell, {@code source .dev/env} and every command of the
 * walkthrough as written, each answer compared with the one the README shows under it
 * ({@link Walkthrough}). Then {@code bin/dev --reset} and the whole walkthrough once more: it runs
 * again, on the kept secret. The only change to the README's text is the path of the env file
 * ({@code EW_DEV_DIR}, so that a developer's own {@code .dev} is left alone).
 */
class ReadmeWalkthroughIT {

  private static final Duration READY_WITHIN = Duration.ofSeconds(240);
  /** How long a read may take to show what the README shows (a settlement "within moments"). */
  private static final Duration SETTLES_WITHIN = Duration.ofSeconds(30);
  private final DevSettings settings = new DevSettings();
  private final List<DevScript> started = new ArrayList<>();

  @AfterEach
  void stop() throws Exception {
    for (DevScript dev : started) {
      dev.close();
    }
    settings.dropWhatTheServicesMade();
  }

  @Test
  void theWalkthroughRunsAsWrittenOnOtherPortsAndAgainAfterAReset() throws Exception {
    Walkthrough walkthrough = Walkthrough.of(Files.readString(DevScript.ROOT.resolve("README.md")));
    Path devDir = Files.createTempDirectory("event-walker-dev");
    Path envFile = devDir.resolve("env");
    Map<String, String> environment = settings.environment(devDir);

    DevScript dev = start(environment);
    String secret = secretIn(envFile);
    assertThat(secret).as("a secret made for this machine").hasSizeGreaterThanOrEqualTo(32);
    assertThat(Files.getPosixFilePermissions(envFile)).isEqualTo(PosixFilePermissions.fromString("rw-------"));
    assertThat(Files.readString(envFile)).contains("LP_URL=http://localhost:" + environment.get("LP_HTTP_PORT"))
      .contains("BM_URL=http://localhost:" + environment.get("BM_HTTP_PORT"));
    walk(walkthrough, envFile);
    dev.stopsWithItsServices();

    DevScript again = start(environment, "--reset");
    assertThat(again.output()).contains("reset: dropping the schemas " + environment.get("LP_PG_SCHEMA"));
    assertThat(secretIn(envFile)).as("the secret is kept").isEqualTo(secret);
    walk(walkthrough, envFile);
    again.stopsWithItsServices();
  }

  private DevScript start(Map<String, String> environment, String... args) throws Exception {
    DevScript dev = new DevScript(environment, args);
    started.add(dev);
    dev.awaitLine(DevScript.READY, READY_WITHIN);
    return dev;
  }

  /** Every command in one shell, as typed; each answer shown in the README compared with the one given. */
  private static void walk(Walkthrough walkthrough, Path envFile) throws Exception {
    Map<String, String> clean = new HashMap<>();
    clean.put("PATH", DevScript.JAVA_BIN + ":" + System.getenv("PATH"));
    clean.put("HOME", System.getProperty("user.home"));
    clean.put("LANG", "C.UTF-8");
    try (ShellSession shell = new ShellSession(DevScript.ROOT, clean)) {
      for (Step step : walkthrough.steps()) {
        String command = step.command().replace("source .dev/env", "source " + envFile);
        Result result = shell.run(command, Duration.ofSeconds(120));
        assertThat(result.exit()).as("exit status of:\n%s\n%s", step.command(), result.output()).isZero();
        if (step.answer().isEmpty()) {
          continue;
        }
        Answer shown = step.answer().get();
        Result answer = result.http();
        long deadline = System.nanoTime() + SETTLES_WITHIN.toNanos();
        while (step.reads() && !shown.matches(answer.exit(), answer.output()) && System.nanoTime() < deadline) {
          Thread.sleep(100); // poll interval of a read that waits for a settlement, bounded by the deadline
          answer = shell.run(command, Duration.ofSeconds(30)).http();
        }
        assertThat(shown.matches(answer.exit(), answer.output()))
          .as("the README shows, under\n%s\nthe answer\n%s %s\nbut it was\n%s %s", step.command(), shown.status(), shown.text(),
            answer.exit(), answer.output())
          .isTrue();
      }
    }
  }

  private static String secretIn(Path envFile) throws IOException {
    return Files.readAllLines(envFile).stream().filter(line -> line.startsWith("export AUTH_JWT_SECRET="))
      .map(line -> line.substring("export AUTH_JWT_SECRET=".length())).findFirst().orElse("");
  }
}
