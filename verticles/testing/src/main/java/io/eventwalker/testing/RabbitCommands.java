package io.eventwalker.testing;

import org.testcontainers.containers.Container.ExecResult;
import org.testcontainers.containers.ExecConfig;
import org.testcontainers.rabbitmq.RabbitMQContainer;
import org.testcontainers.utility.MountableFile;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/** What {@link Backing} runs against RabbitMQ: {@code bin/rabbitmq-users} and {@code rabbitmqctl}, on this machine or in the container. */
final class RabbitCommands {

  /** The variables bin/rabbitmq-users reads; passed on to it when it runs inside a container. */
  private static final List<String> RABBITMQ_USERS_VARIABLES = List.of(
    "LP_RABBITMQ_USER", "LP_RABBITMQ_PASSWORD", "BM_RABBITMQ_USER", "BM_RABBITMQ_PASSWORD", "RABBITMQ_VHOST");

  private RabbitCommands() {
  }

  /** {@code bin/rabbitmq-users} with {@code variables}, run with this machine's rabbitmqctl. */
  static void users(Map<String, String> variables) {
    Path script = rabbitmqUsersScript();
    try {
      ProcessBuilder builder = new ProcessBuilder(script.toString()).redirectErrorStream(true);
      builder.environment().putAll(variables);
      Process process = builder.start();
      String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!process.waitFor(120, TimeUnit.SECONDS) || process.exitValue() != 0) {
        process.destroyForcibly();
        throw new AssertionError(script + " failed (it needs rabbitmqctl, run as root): " + output);
      }
    } catch (IOException e) {
      throw new AssertionError("cannot run " + script + ": " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  /** The same script, run with the container's rabbitmqctl. */
  static void usersIn(RabbitMQContainer container, Map<String, String> given) {
    Path script = rabbitmqUsersScript();
    container.copyFileToContainer(MountableFile.forHostPath(script), "/tmp/rabbitmq-users");
    Map<String, String> variables = new LinkedHashMap<>();
    for (String name : RABBITMQ_USERS_VARIABLES) {
      String value = System.getenv(name);
      if (value != null && !value.isBlank()) {
        variables.put(name, value);
      }
    }
    variables.putAll(given);
    ExecResult result = exec(container, ExecConfig.builder()
      .command(new String[] {"bash", "/tmp/rabbitmq-users"}).envVars(variables).build());
    if (result.getExitCode() != 0) {
      throw new AssertionError(script + " failed in the RabbitMQ container: " + result.getStdout() + result.getStderr());
    }
  }

  /** {@code rabbitmqctl args...} in {@code container}, or on this machine when there is none; what it printed. */
  static String rabbitmqctl(Optional<RabbitMQContainer> container, String... args) {
    String[] command = Stream.concat(Stream.of("rabbitmqctl"), Stream.of(args)).toArray(String[]::new);
    if (container.isPresent()) {
      ExecResult result = exec(container.get(), ExecConfig.builder().command(command).build());
      if (result.getExitCode() != 0) {
        throw new AssertionError(String.join(" ", command) + " failed in the RabbitMQ container: "
          + result.getStdout() + result.getStderr());
      }
      return result.getStdout();
    }
    try {
      // Output goes to a file, so that a long listing never fills a pipe and the deadline below holds.
      Path output = Files.createTempFile("rabbitmqctl", ".out");
      try {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(output.toFile()).start();
        boolean exited = process.waitFor(60, TimeUnit.SECONDS);
        if (!exited) {
          process.destroyForcibly();
        }
        String printed = Files.readString(output, StandardCharsets.UTF_8);
        if (!exited || process.exitValue() != 0) {
          throw new AssertionError(String.join(" ", command) + " failed: " + printed);
        }
        return printed;
      } finally {
        Files.deleteIfExists(output);
      }
    } catch (IOException e) {
      throw new AssertionError("rabbitmqctl is needed on the PATH for this test", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  private static ExecResult exec(RabbitMQContainer container, ExecConfig config) {
    try {
      return container.execInContainer(config);
    } catch (IOException e) {
      throw new AssertionError("cannot run " + String.join(" ", config.getCommand()) + " in the RabbitMQ container", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  private static Path rabbitmqUsersScript() {
    return ProjectFiles.path("bin", "rabbitmq-users");
  }
}
