package io.eventwalker.launcher;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code bin/dev} run from the repository as a process, its output collected as it comes. */
final class DevScript implements AutoCloseable {

  static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
  static final Path JAVA_BIN = Path.of(System.getProperty("java.home"), "bin");
  static final String READY = "Event Walker is ready.";

  private final Process process;
  private final List<String> output = new CopyOnWriteArrayList<>();
  private final Thread reader;

  /**
   * {@code bin/dev args} with this JVM's environment and {@code settings} on top, without a token
   * secret of the test's (bin/dev keeps its own) and with this JVM's {@code java} first on the PATH.
   */
  DevScript(Map<String, String> settings, String... args) throws IOException {
    List<String> command = new ArrayList<>(List.of(ROOT.resolve("bin").resolve("dev").toString()));
    command.addAll(List.of(args));
    ProcessBuilder builder = new ProcessBuilder(command).directory(ROOT.toFile()).redirectErrorStream(true);
    builder.environment().remove("AUTH_JWT_SECRET");
    builder.environment().put("PATH", JAVA_BIN + ":" + System.getenv("PATH"));
    builder.environment().putAll(settings);
    process = builder.start();
    reader = new Thread(() -> {
      try (BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
        String line;
        while ((line = out.readLine()) != null) {
          output.add(line);
        }
      } catch (IOException ended) {
        // bin/dev is gone
      }
    }, "bin-dev-output");
    reader.setDaemon(true);
    reader.start();
  }

  String output() {
    return String.join("\n", output);
  }

  /** Waits for a line containing {@code text}; fails if bin/dev exits first or the time runs out. */
  void awaitLine(String text, Duration within) throws InterruptedException {
    long deadline = System.nanoTime() + within.toNanos();
    while (output.stream().noneMatch(line -> line.contains(text))) {
      assertThat(process.isAlive()).as("bin/dev is running:\n%s", output()).isTrue();
      assertThat(System.nanoTime()).as("bin/dev printed \"%s\" within %s:\n%s", text, within, output()).isLessThan(deadline);
      Thread.sleep(100); // poll interval of its output, bounded by the deadline
    }
  }

  /**
   * Its exit status, once it has exited by itself within {@code within}, and what it printed read to
   * the end: its last lines may still be on their way to the reader when it has exited (up to 10 s
   * more; a process it left running may hold the output open, so that wait is bounded).
   */
  int exitStatus(Duration within) throws InterruptedException {
    assertThat(process.waitFor(within.toMillis(), TimeUnit.MILLISECONDS)).as("bin/dev exited within %s:\n%s", within, output()).isTrue();
    reader.join(10_000);
    return process.exitValue();
  }

  /** SIGTERM (what its trap of Ctrl-C sends on): bin/dev exits 0, and the services it started stop with it. */
  void stopsWithItsServices() throws Exception {
    List<ProcessHandle> services = process.descendants().toList();
    assertThat(services).as("the services bin/dev started").isNotEmpty();
    process.destroy();
    assertThat(exitStatus(Duration.ofSeconds(30))).as("bin/dev's exit status:\n%s", output()).isZero();
    for (ProcessHandle service : services) {
      service.onExit().get(30, TimeUnit.SECONDS);
    }
  }

  /** Whatever still runs, bin/dev and what it started, is killed. */
  @Override
  public void close() throws InterruptedException {
    List<ProcessHandle> children = process.descendants().toList();
    process.destroy();
    if (!process.waitFor(30, TimeUnit.SECONDS)) {
      process.destroyForcibly();
    }
    children.stream().filter(ProcessHandle::isAlive).forEach(ProcessHandle::destroyForcibly);
  }
}
