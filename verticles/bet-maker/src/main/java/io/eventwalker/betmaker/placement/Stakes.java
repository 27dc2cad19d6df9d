package io.eventwalker.betmaker.placement;

import io.eventwalker.betmaker.bets.BetRequest;
import io.eventwalker.betmaker.bus.BetMessages.PlaceBets;
import io.eventwalker.betmaker.events.HeldEvent;
import io.eventwalker.wire.EventStatus;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Which requests of a placement group the players' balances cover (SPEC §7), decided on the
 * balances locked in the group's transaction: each player's requests in the order they came, a
 * request taken whole while its total fits what is left, refused whole otherwise (a later, smaller
 * one may still fit). A request on an event not open, or at a ratio it does not accept (the test
 * of {@code BetQueries.PLACE}, on the rows held), takes nothing and is not taken. Only the requests
 * taken may be inserted ({@code PLACE}'s {@code $9}), so the insert can never debit more than the
 * balances cover: where its own test of the events is stricter (the deadline passed in between),
 * it stores less, never more.
 */
record Stakes(List<Integer> taken, List<Integer> refused, Map<String, BigDecimal> locked) {

  /** {@code balances}: the group's players' balances as locked (a player without an account has none: 0). */
  static Stakes of(List<PlaceBets> requests, Map<String, HeldEvent> held, Map<String, BigDecimal> balances) {
    Map<String, BigDecimal> left = new HashMap<>(balances);
    List<Integer> taken = new ArrayList<>();
    List<Integer> refused = new ArrayList<>();
    Instant now = Instant.now();
    for (int r = 0; r < requests.size(); r++) {
      PlaceBets request = requests.get(r);
      if (!takes(request.bets(), held, now)) {
        continue;
      }
      BigDecimal total = request.bets().stream().map(BetRequest::sumBet).reduce(BigDecimal.ZERO, BigDecimal::add);
      BigDecimal balance = left.getOrDefault(request.playerId(), BigDecimal.ZERO.setScale(2));
      if (balance.compareTo(total) >= 0) {
        left.put(request.playerId(), balance.subtract(total));
        taken.add(r);
      } else {
        refused.add(r);
      }
    }
    return new Stakes(List.copyOf(taken), List.copyOf(refused), Map.copyOf(balances));
  }

  /** Whether every bet of a request is on an event open for bets at a ratio it accepts. */
  private static boolean takes(List<BetRequest> bets, Map<String, HeldEvent> held, Instant now) {
    for (BetRequest bet : bets) {
      HeldEvent event = held.get(bet.eventId());
      if (event == null || event.inConflict() || event.state().status() != EventStatus.NEW || !event.state().deadline().isAfter(now)
        || (bet.ratio() != null && !bet.acceptOdds().accepts(bet.ratio(), event.state().ratio()))) {
        return false;
      }
    }
    return true;
  }

  boolean refuses(int request) {
    return refused.contains(request);
  }

  /** Each player's balance after the group: as locked, or as the insert left it ({@code BetQueries.PLACE}'s rows) for those it debited. */
  Map<String, BigDecimal> after(Iterable<io.vertx.sqlclient.Row> inserted) {
    Map<String, BigDecimal> after = new HashMap<>(locked);
    inserted.forEach(row -> after.put(row.getString("player_id"), row.getBigDecimal("balance")));
    return after;
  }
}
