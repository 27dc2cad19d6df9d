package io.eventwalker.launcher;

import io.eventwalker.betmaker.config.BetMakerConfig;
import io.eventwalker.betmaker.wallet.LedgerChecks;
import io.eventwalker.platform.db.Databases;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

import java.io.PrintStream;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * {@code java -jar event-walker.jar ledger verify}: checks every invariant of the wallet on
 * bet-maker's database ({@link LedgerChecks}, SPEC §7), reading bet-maker's configuration like the
 * service does. Exits 0 when all hold, 1 naming each violation, 2 when the database cannot be read.
 */
@Command(name = "ledger", sortOptions = false,
  description = {"Checks the wallet's ledger on bet-maker's database (verify): each transfer sums to zero, each player's balance"
    + " equals the player's entries and the last entry's balance_after, no balance below zero, stakes held equal the PENDING"
    + " stakes, each bet staked and credited once. Exits 0 when all hold, 1 naming each violation."})
final class LedgerCommand implements Callable<Integer> {

  enum Action { verify }

  private final PrintStream out;
  private final PrintStream err;

  @Parameters(index = "0", paramLabel = "ACTION", description = "verify")
  Action action;

  @Mixin
  CommonOptions common;

  LedgerCommand(PrintStream out, PrintStream err) {
    this.out = out;
    this.err = err;
  }

  @Override
  public Integer call() {
    Vertx vertx = Vertx.vertx();
    try {
      BetMakerConfig config = BetMakerConfig.read(ConfigFiles.load(vertx, "bet-maker", common.confDir).await());
      Pool pool = Databases.pool(vertx, config.database(), "bet-maker-ledger");
      List<String> violations;
      try {
        violations = LedgerChecks.run(pool).await();
      } finally {
        pool.close();
      }
      if (violations.isEmpty()) {
        out.println("ledger verified: " + LedgerChecks.CHECKS.size() + " invariants hold in schema " + config.database().schema());
        return 0;
      }
      violations.forEach(err::println);
      err.println("ledger: " + violations.size() + " violation(s)");
      return 1;
    } catch (Exception e) {
      err.println("ledger: could not read the ledger (" + (e.getMessage() != null ? e.getMessage() : e.toString()) + ")");
      return 2;
    } finally {
      vertx.close();
    }
  }
}
