package io.eventwalker.launcher;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * One bash, as a person's second shell: commands typed one after another (variables set by one are
 * there for the next), each answered with its output and exit status. {@code curl} answers with its
 * HTTP status too, after the output, as {@code curl -w} writes it.
 */
final class ShellSession implements AutoCloseable {

  private static final String DONE = "@@done ";
  static final String STATUS = "@@status ";

  /** What one command printed (stdout and stderr) and its exit status. */
  record Result(int exit, String output) {

    /** The HTTP status {@code curl} reported last, and the output without that line: (0, output) when there is none. */
    Result http() {
      int at = output.lastIndexOf("\n" + STATUS);
      if (at < 0) {
        return new Result(0, output);
      }
      int status = Integer.parseInt(output.substring(at + 1 + STATUS.length()).strip());
      return new Result(status, output.substring(0, at));
    }
  }

  private final Process bash;
  private final Writer in;
  private final LinkedBlockingQueue<String> lines = new LinkedBlockingQueue<>();

  /** A bash in {@code directory} with only {@code environment} (no variable of the test's own). */
  ShellSession(Path directory, Map<String, String> environment) throws IOException, InterruptedException {
    ProcessBuilder builder = new ProcessBuilder("bash", "--noprofile", "--norc").directory(directory.toFile()).redirectErrorStream(true);
    builder.environment().clear();
    builder.environment().putAll(environment);
    bash = builder.start();
    in = new java.io.OutputStreamWriter(bash.getOutputStream(), StandardCharsets.UTF_8);
    Thread reader = new Thread(() -> {
      try (BufferedReader out = new BufferedReader(new InputStreamReader(bash.getInputStream(), StandardCharsets.UTF_8))) {
        String line;
        while ((line = out.readLine()) != null) {
          lines.add(line);
        }
      } catch (IOException ended) {
        // bash is gone
      }
    }, "shell-output");
    reader.setDaemon(true);
    reader.start();
    // -w prints after whatever curl printed, even when that did not end with a newline.
    run("curl() { command curl -w '\\n" + STATUS + "%{http_code}\\n' \"$@\"; }", Duration.ofSeconds(10));
  }

  /** Types {@code command} and waits at most {@code within} for it to finish. */
  Result run(String command, Duration within) throws IOException, InterruptedException {
    // Its standard input is not the session's: nothing it runs can read the commands that follow.
    in.write("{\n" + command + "\n} </dev/null\nprintf '\\n" + DONE + "%s\\n' \"$?\"\n");
    in.flush();
    List<String> output = new ArrayList<>();
    long deadline = System.nanoTime() + within.toNanos();
    while (true) {
      String line = lines.poll(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
      if (line == null) {
        throw new AssertionError("no answer within " + within + " to: " + command + "\nprinted so far: " + String.join("\n", output));
      }
      if (line.startsWith(DONE)) {
        // The printf's own leading newline ends the command's last line.
        if (!output.isEmpty() && output.get(output.size() - 1).isEmpty()) {
          output.remove(output.size() - 1);
        }
        return new Result(Integer.parseInt(line.substring(DONE.length()).strip()), String.join("\n", output));
      }
      output.add(line);
    }
  }

  @Override
  public void close() throws InterruptedException {
    bash.destroy();
    if (!bash.waitFor(10, TimeUnit.SECONDS)) {
      bash.destroyForcibly();
    }
  }
}
