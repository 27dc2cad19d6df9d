package io.eventwalker.launcher;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The jar's command line, run in this JVM (nothing here starts a service or reads the
 * configuration): every command has its own usage, printed by {@code --help}, {@code -h} or
 * {@code help COMMAND} on standard output with status 0; a command line it cannot take prints
 * what is wrong and the usage on standard error, status 2.
 */
class CommandLineTest {

  /** Each command, and what its usage names that no other command's does. */
  private static final Map<String, List<String>> OWN = Map.of(
    "line-provider", List.of("Runs line-provider", "--conf-dir"),
    "bet-maker", List.of("Runs bet-maker", "--conf-dir"),
    "all", List.of("Runs line-provider and bet-maker", "--conf-dir"),
    "token", List.of("PLAYER", "--operator", "--ttl-s"),
    "names", List.of("Prints, as JSON", "--conf-dir"),
    "conflicts", List.of("EVENT_ID", "--url"),
    "dead-letters", List.of("ACTION", "replay"));

  private record Run(int status, String out, String err) {
  }

  private static Run run(String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int status = Main.run(args, new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
    return new Run(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  @Test
  void everyCommandPrintsItsOwnUsageOnHelpAndExitsZero() {
    OWN.forEach((command, own) -> {
      for (String[] args : List.of(new String[] {command, "--help"}, new String[] {command, "-h"}, new String[] {"help", command})) {
        Run help = run(args);
        assertThat(help.status()).as(String.join(" ", args)).isZero();
        assertThat(help.err()).as(String.join(" ", args)).isEmpty();
        assertThat(help.out()).as(String.join(" ", args))
          .startsWith("Usage: java -jar event-walker.jar " + command + " ")
          .contains(own)
          .doesNotContain("Commands:");
      }
    });
    assertThat(run("token", "--help").out()).doesNotContain("--url").doesNotContain("ACTION");
    assertThat(run("conflicts", "--help").out()).doesNotContain("--operator").doesNotContain("PLAYER");
  }

  @Test
  void helpPrintsTheUsageWithEveryCommandAndExitsZero() {
    for (String[] args : List.of(new String[] {"help"}, new String[] {"--help"}, new String[] {"-h"})) {
      Run help = run(args);
      assertThat(help.status()).as(String.join(" ", args)).isZero();
      assertThat(help.out()).startsWith("Usage: java -jar event-walker.jar [-h] COMMAND").contains("Commands:");
      OWN.keySet().forEach(command -> assertThat(help.out()).contains("  " + command + " "));
    }
  }

  @Test
  void anUnknownCommandPrintsTheUsageOnStandardErrorAndExitsTwo() {
    Run unknown = run("serve");
    assertThat(unknown.status()).isEqualTo(2);
    assertThat(unknown.out()).isEmpty();
    assertThat(unknown.err()).startsWith("unknown command: serve").contains("Usage: java -jar event-walker.jar [-h] COMMAND")
      .contains("Commands:");
    Run misspelt = run("tokn", "alice");
    assertThat(misspelt.status()).isEqualTo(2);
    assertThat(misspelt.err()).contains("unknown command: tokn").contains("Did you mean").contains("token").contains("Usage:");
    Run unknownHelp = run("help", "serve");
    assertThat(unknownHelp.status()).isEqualTo(2);
  }

  @Test
  void noCommandPrintsTheUsageOnStandardErrorAndExitsTwo() {
    Run none = run();
    assertThat(none.status()).isEqualTo(2);
    assertThat(none.out()).isEmpty();
    assertThat(none.err()).contains("a command is needed").contains("Usage: java -jar event-walker.jar [-h] COMMAND");
  }

  @Test
  void aWrongArgumentNamesWhatIsWrongAndPrintsThatCommandsUsage() {
    Run noPlayer = run("token");
    assertThat(noPlayer.status()).isEqualTo(2);
    assertThat(noPlayer.err()).contains("Missing required parameter: 'PLAYER'").contains("Usage: java -jar event-walker.jar token ");
    Run ttl = run("token", "alice", "--ttl-s", "0");
    assertThat(ttl.status()).isEqualTo(2);
    assertThat(ttl.err()).contains("--ttl-s must be from 1 to 99999999 seconds");
    assertThat(run("token", "alice", "--ttl-s", "ten").status()).isEqualTo(2);
    Run resolve = run("conflicts", "resolve");
    assertThat(resolve.status()).isEqualTo(2);
    assertThat(resolve.err()).contains("resolve needs the EVENT_ID").contains("Usage: java -jar event-walker.jar conflicts ");
    assertThat(run("dead-letters", "purge").status()).isEqualTo(2);
    assertThat(run("names", "--verbose").err()).contains("Unknown option: '--verbose'");
  }
}
