package io.eventwalker.launcher;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.UnmatchedArgumentException;
import picocli.CommandLine.Spec;

import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * {@code java -jar event-walker.jar COMMAND [OPTIONS]}: runs a service ({@link ServeCommand}), or
 * one of the operator's commands, each a class of its own with its own usage
 * ({@code COMMAND --help}, or {@code help COMMAND}). Without a command, or with one it does not
 * know, it prints the usage on standard error and exits 2; {@code help} and {@code --help} exit 0.
 */
@Command(name = "java -jar event-walker.jar", synopsisSubcommandLabel = "COMMAND",
  description = {"Event Walker: the betting line (line-provider) and the bets (bet-maker), in one jar."},
  footer = {"", "Each command's own options: java -jar event-walker.jar COMMAND --help (or: help COMMAND).",
    "The services' configuration keys: conf/<service>.json, each overridable by an environment variable of the same name (docs/configuration.md)."})
public final class Main implements Callable<Integer> {

  private final PrintStream err;

  @Option(names = {"-h", "--help"}, usageHelp = true, description = "print this help and exit")
  boolean help;

  @Spec
  CommandSpec spec;

  private Main(PrintStream err) {
    this.err = err;
  }

  public static void main(String[] args) {
    String logFormat = System.getenv("LOG_FORMAT");
    if (logFormat != null && !logFormat.isBlank() && !logFormat.equals("json") && !logFormat.equals("text")) {
      System.err.println("LOG_FORMAT must be json or text, got " + logFormat);
      System.exit(2);
    }
    System.exit(run(args, System.out, System.err));
  }

  /** Runs the command {@code args} name: its exit status (a service returns once the process is to exit). */
  static int run(String[] args, PrintStream out, PrintStream err) {
    return commandLine(out, err).execute(args);
  }

  /** The command line with every command, in the order its usage lists them. */
  static CommandLine commandLine(PrintStream out, PrintStream err) {
    CommandLine cli = new CommandLine(new Main(err));
    cli.addSubcommand("line-provider", serve(List.of("line-provider"), "Runs line-provider (the betting line, default port 8001)"
      + " until SIGTERM or Ctrl-C.", err));
    cli.addSubcommand("bet-maker", serve(List.of("bet-maker"), "Runs bet-maker (the bets, default port 8000) until SIGTERM or"
      + " Ctrl-C.", err));
    cli.addSubcommand("all", serve(List.of("line-provider", "bet-maker"), "Runs line-provider and bet-maker in this one process"
      + " until SIGTERM or Ctrl-C.", err));
    cli.addSubcommand(new CommandLine(new TokenCommand(out, err)));
    cli.addSubcommand(new CommandLine(new NamesCommand(out, err)));
    cli.addSubcommand(new CommandLine(new ConflictsCommand(out, err)));
    cli.addSubcommand(new CommandLine(new DeadLettersCommand(out, err)));
    cli.addSubcommand(new CommandLine(new LedgerCommand(out, err)));
    cli.addSubcommand(new CommandLine(new CommandLine.HelpCommand()));
    cli.setOut(new PrintWriter(out, true, StandardCharsets.UTF_8));
    cli.setErr(new PrintWriter(err, true, StandardCharsets.UTF_8));
    cli.setParameterExceptionHandler(Main::wrongUse);
    cli.setExecutionExceptionHandler((failure, command, parsed) -> {
      command.getErr().println(command.getCommandName() + ": " + (failure.getMessage() != null ? failure.getMessage() : failure));
      return 1;
    });
    return cli;
  }

  private static CommandLine serve(List<String> services, String description, PrintStream err) {
    CommandLine command = new CommandLine(new ServeCommand(services, err));
    command.getCommandSpec().usageMessage().description(description,
      "It logs every URL it serves once it serves them; a dependency that does not answer is waited for, logged and shown on"
        + " /ready (docs/operations.md).");
    return command;
  }

  /**
   * A command line it cannot take (an unknown command or option, a missing or malformed
   * argument): what is wrong, the likely meant command when there is one, and the usage of the
   * command at fault, all on standard error; status 2.
   */
  private static int wrongUse(ParameterException wrong, String[] args) {
    CommandLine command = wrong.getCommandLine();
    PrintWriter err = command.getErr();
    if (wrong instanceof UnmatchedArgumentException unmatched && command.getParent() == null
      && !unmatched.getUnmatched().isEmpty() && !unmatched.getUnmatched().get(0).startsWith("-")) {
      err.println("unknown command: " + unmatched.getUnmatched().get(0));
    } else {
      err.println(wrong.getMessage());
    }
    UnmatchedArgumentException.printSuggestions(wrong, err);
    command.usage(err);
    return command.getCommandSpec().exitCodeOnInvalidInput();
  }

  /** No command: the usage, on standard error, and status 2. */
  @Override
  public Integer call() {
    err.println("a command is needed: a service to run, or an operator's command");
    spec.commandLine().usage(err);
    return 2;
  }
}
