package io.eventwalker.platform;

import org.slf4j.LoggerFactory;

/**
 * Named spots where the JVM can be made to halt on purpose, to prove recovery from a crash at an
 * exact point (the reliability suite, {@code faults/run}). Off unless the system property
 * {@code eventwalker.failpoint} names the spot; halting skips shutdown hooks, as a kill -9 would.
 */
public final class Failpoints {

  /** bet-maker: a settlement's bets are updated, its transaction not yet committed. */
  public static final String SETTLE_BEFORE_COMMIT = "bet-maker.settle.before-commit";
  /** bet-maker: a large settlement's first chunk (with the event's finished state) is committed, the rest not yet. */
  public static final String SETTLE_BETWEEN_CHUNKS = "bet-maker.settle.between-chunks";
  /** bet-maker: a settlement is committed, its update message not yet acknowledged. */
  public static final String SETTLE_AFTER_COMMIT = "bet-maker.settle.after-commit";
  /** bet-maker: a group of bets is committed (with its Idempotency-Key answers), nobody answered yet. */
  public static final String PLACE_AFTER_COMMIT = "bet-maker.place.after-commit";
  /** line-provider: a change is committed with its outbox row, not yet published. */
  public static final String OUTBOX_BEFORE_PUBLISH = "line-provider.outbox.before-publish";
  /** line-provider: a change is published and confirmed, its outbox row not yet marked (it will be sent again). */
  public static final String OUTBOX_AFTER_PUBLISH = "line-provider.outbox.after-publish";

  private static final String ACTIVE = System.getProperty("eventwalker.failpoint", "");

  private Failpoints() {
  }

  public static void hit(String name) {
    if (ACTIVE.equals(name)) {
      LoggerFactory.getLogger(Failpoints.class).error("failpoint {} reached: halting the JVM", name);
      Runtime.getRuntime().halt(137);
    }
  }
}
