package io.eventwalker.betmaker.events;

import io.eventwalker.wire.EventRows;
import io.eventwalker.wire.EventState;
import io.vertx.sqlclient.Row;

/**
 * What bet-maker holds of an event: the last state of it that it applied, whether it is in
 * conflict with line-provider ({@code conflictVersion}: the version line-provider reported, 0 for
 * an event it does not know; null when there is no conflict) and whether its bets are all settled.
 */
public record HeldEvent(EventState state, Long conflictVersion, boolean settled) {

  public boolean inConflict() {
    return conflictVersion != null;
  }

  /** A row with the columns {@code event_id, ratio, deadline, status, version, conflict_version, settled}. */
  public static HeldEvent read(Row row) {
    return new HeldEvent(EventRows.read(row), row.getLong("conflict_version"), Boolean.TRUE.equals(row.getBoolean("settled")));
  }
}
