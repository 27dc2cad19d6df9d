package io.eventwalker.launcher;

import io.eventwalker.platform.auth.AuthConfig;
import io.eventwalker.platform.config.Settings;
import io.vertx.core.Vertx;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.PrintStream;
import java.util.concurrent.Callable;

/**
 * {@code token PLAYER [--operator] [--ttl-s N]}: signs a token for local use with the configured
 * {@code AUTH_JWT_SECRET} (and {@code AUTH_JWT_ISSUER}/{@code AUTH_JWT_AUDIENCE} when set): a
 * player's for bet-maker, or with {@code --operator} one whose roles include {@code operator}. It
 * prints the token alone, for a shell variable; an error never shows the secret.
 */
@Command(name = "token", sortOptions = false,
  description = {"Signs a bearer token for local use with AUTH_JWT_SECRET (and AUTH_JWT_ISSUER, AUTH_JWT_AUDIENCE when set)"
    + " and prints it alone, for a shell variable: OPERATOR=$(java -jar event-walker.jar token ops --operator)."})
final class TokenCommand implements Callable<Integer> {

  private final PrintStream out;
  private final PrintStream err;

  @Spec
  CommandSpec spec;

  @Parameters(paramLabel = "PLAYER", description = "the token's subject: 1 to 64 of A-Z a-z 0-9 . _ @ : -")
  String subject;

  @Option(names = "--operator", description = "an operator's token (roles: operator), for line-provider's writes and bet-maker's"
    + " operator routes; without it, a player's token for bet-maker's bets")
  boolean operator;

  @Option(names = "--ttl-s", paramLabel = "SECONDS", defaultValue = "86400",
    description = "how long the token is valid, 1 to 99999999 seconds (default: ${DEFAULT-VALUE})")
  long ttlSeconds;

  @Mixin
  CommonOptions common;

  TokenCommand(PrintStream out, PrintStream err) {
    this.out = out;
    this.err = err;
  }

  @Override
  public Integer call() {
    if (ttlSeconds < 1 || ttlSeconds > 99_999_999) {
      throw new ParameterException(spec.commandLine(), "--ttl-s must be from 1 to 99999999 seconds");
    }
    Vertx vertx = Vertx.vertx();
    try {
      String service = operator ? "line-provider" : "bet-maker";
      AuthConfig auth = AuthConfig.read(new Settings(service, ConfigFiles.load(vertx, service, common.confDir).await()));
      out.println(Tokens.sign(vertx, auth, subject, operator, ttlSeconds));
      return 0;
    } catch (Exception e) {
      err.println("token: " + (e.getMessage() != null ? e.getMessage() : e.toString()));
      return 1;
    } finally {
      vertx.close();
    }
  }
}
