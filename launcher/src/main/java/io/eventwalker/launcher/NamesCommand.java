package io.eventwalker.launcher;

import io.eventwalker.betmaker.config.BetMakerConfig;
import io.eventwalker.lineprovider.config.LineProviderConfig;
import io.vertx.core.Vertx;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

import java.io.PrintStream;
import java.util.concurrent.Callable;

/**
 * {@code names}: the names the services use on PostgreSQL, Redis and RabbitMQ under this
 * configuration (file and environment), as JSON ({@link Names}), so that scripts driving the
 * system (the fault matrix, the benchmark) never spell them a second time.
 */
@Command(name = "names", sortOptions = false,
  description = {"Prints, as JSON, the schemas, queues, exchanges, Redis prefixes and RabbitMQ users the services use under"
    + " this configuration (file and environment)."})
final class NamesCommand implements Callable<Integer> {

  private final PrintStream out;
  private final PrintStream err;

  @Mixin
  CommonOptions common;

  NamesCommand(PrintStream out, PrintStream err) {
    this.out = out;
    this.err = err;
  }

  @Override
  public Integer call() {
    Vertx vertx = Vertx.vertx();
    try {
      LineProviderConfig line = LineProviderConfig.read(ConfigFiles.load(vertx, "line-provider", common.confDir).await());
      BetMakerConfig bets = BetMakerConfig.read(ConfigFiles.load(vertx, "bet-maker", common.confDir).await());
      out.println(Names.of(line, bets).encodePrettily());
      return 0;
    } catch (Exception e) {
      err.println("names: " + (e.getMessage() != null ? e.getMessage() : e.toString()));
      return 1;
    } finally {
      vertx.close();
    }
  }
}
