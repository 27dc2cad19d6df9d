package io.eventwalker.launcher;

import io.eventwalker.betmaker.config.BetMakerConfig;
import io.eventwalker.lineprovider.outbox.DeadLetterReplay;
import io.eventwalker.lineprovider.config.LineProviderConfig;
import io.vertx.core.Vertx;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

import java.io.PrintStream;
import java.util.concurrent.Callable;

/** {@code dead-letters [list|replay]}: the operator's view of the dead-letter queue, see {@link DeadLetterReplay}. */
@Command(name = "dead-letters", sortOptions = false,
  description = {"Lists the updates in bet-maker's dead-letter queue (list, the default), or sends them again (replay): only"
    + " what line-provider published is republished; the rest is asked of line-provider again. Connects to RabbitMQ as"
    + " line-provider's user."})
final class DeadLettersCommand implements Callable<Integer> {

  enum Action { list, replay }

  private final PrintStream out;
  private final PrintStream err;

  @Parameters(paramLabel = "ACTION", arity = "0..1", defaultValue = "list", description = "${COMPLETION-CANDIDATES} (default: list)")
  Action action;

  @Mixin
  CommonOptions common;

  DeadLettersCommand(PrintStream out, PrintStream err) {
    this.out = out;
    this.err = err;
  }

  @Override
  public Integer call() {
    Vertx vertx = Vertx.vertx();
    try {
      LineProviderConfig lineProvider = LineProviderConfig.read(ConfigFiles.load(vertx, "line-provider", common.confDir).await());
      BetMakerConfig betMaker = BetMakerConfig.read(ConfigFiles.load(vertx, "bet-maker", common.confDir).await());
      new DeadLetterReplay(lineProvider, betMaker.line().subscriber(), out).run(vertx, action == Action.replay);
      return 0;
    } catch (Exception e) {
      err.println("dead-letters: " + (e.getMessage() != null ? e.getMessage() : e.toString()));
      return 1;
    } finally {
      vertx.close();
    }
  }
}
