package io.eventwalker.wire;

import io.eventwalker.platform.Timestamps;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;

import java.time.OffsetDateTime;
import java.util.List;

/**
 * Events as both services store them: columns {@code event_id, ratio, deadline, status, version}.
 * Each service has its own table; this is only the mapping.
 */
public final class EventRows {

  private EventRows() {
  }

  public static EventState read(Row row) {
    return new EventState(row.getString("event_id"), row.getBigDecimal("ratio"),
      row.getOffsetDateTime("deadline").toInstant(), EventStatus.valueOf(row.getString("status")),
      row.getLong("version"));
  }

  /**
   * Five parallel arrays (ids, ratios as text, deadlines, statuses, versions) for
   * {@code unnest($1::text[], $2::text[], $3::timestamptz[], $4::text[], $5::bigint[])}.
   */
  public static Tuple columns(List<EventState> states) {
    int n = states.size();
    String[] ids = new String[n];
    String[] ratios = new String[n];
    OffsetDateTime[] deadlines = new OffsetDateTime[n];
    String[] statuses = new String[n];
    Long[] versions = new Long[n];
    for (int i = 0; i < n; i++) {
      EventState state = states.get(i);
      ids[i] = state.eventId();
      ratios[i] = state.ratio().toPlainString();
      deadlines[i] = Timestamps.toOffsetDateTime(state.deadline());
      statuses[i] = state.status().name();
      versions[i] = state.version();
    }
    return Tuple.of(ids, ratios, deadlines, statuses, versions);
  }
}
