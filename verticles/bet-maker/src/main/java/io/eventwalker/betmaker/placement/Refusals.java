package io.eventwalker.betmaker.placement;

import io.eventwalker.betmaker.bets.AcceptOdds;
import io.eventwalker.betmaker.bets.BetRequest;
import io.eventwalker.betmaker.bus.BetMessages.PlaceBets;
import io.eventwalker.betmaker.bus.BetMessages.Refused;
import io.eventwalker.platform.Timestamps;
import io.eventwalker.wire.EventStatus;
import io.vertx.sqlclient.Row;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * Why the placing insert did not take a request ({@code BetQueries.PLACE} stores none of its bets
 * then): read from its events' rows ({@code BetQueries.EVENTS_STATUS}) after the group committed.
 */
final class Refusals {

  private Refusals() {
  }

  /**
   * The request's first bet on an event that is unknown, in conflict, finished or past its
   * deadline; else its first bet at a ratio it does not accept (with the current ratio and version).
   */
  static Refused of(PlaceBets request, Map<String, Row> events) {
    Instant now = Instant.now();
    List<BetRequest> bets = request.bets();
    for (int i = 0; i < bets.size(); i++) {
      Row event = events.get(bets.get(i).eventId());
      String why = null;
      if (event == null) {
        why = "no event " + bets.get(i).eventId();
      } else if (event.getLong("conflict_version") != null) {
        why = "event " + bets.get(i).eventId() + " is in conflict: line-provider reports version " + event.getLong("conflict_version")
          + " but bet-maker holds version " + event.getLong("version") + "; no bets are taken on it until an operator resolves it";
      } else if (EventStatus.valueOf(event.getString("status")).isFinished()) {
        why = "event " + bets.get(i).eventId() + " is " + event.getString("status") + "; bets are closed";
      } else if (!event.getOffsetDateTime("deadline").toInstant().isAfter(now)) {
        why = "bets on event " + bets.get(i).eventId() + " closed at " + Timestamps.iso(event.getOffsetDateTime("deadline").toInstant());
      }
      if (why != null) {
        return new Refused(i, event == null, why);
      }
    }
    for (int i = 0; i < bets.size(); i++) {
      BetRequest bet = bets.get(i);
      Row event = events.get(bet.eventId());
      BigDecimal current = event.getBigDecimal("ratio");
      if (bet.ratio() != null && !bet.acceptOdds().accepts(bet.ratio(), current)) {
        return new Refused(i, false, "the ratio of event " + bet.eventId() + " is " + current.toPlainString() + ", not "
          + bet.ratio().toPlainString() + (bet.acceptOdds() == AcceptOdds.HIGHER ? " or higher" : "")
          + " as the bet accepts; place it again at the current ratio to take it", current, event.getLong("version"));
      }
    }
    return new Refused(0, false, "an event of this request closed for bets");
  }
}
