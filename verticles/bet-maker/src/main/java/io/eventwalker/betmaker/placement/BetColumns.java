package io.eventwalker.betmaker.placement;

import io.eventwalker.betmaker.bets.Bet;
import io.eventwalker.betmaker.bets.BetIds;
import io.eventwalker.betmaker.bets.BetRequest;
import io.eventwalker.betmaker.bets.BetStatus;
import io.eventwalker.betmaker.bus.BetMessages.PlaceBets;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.Tuple;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.UUID;

/**
 * A placement group's bets as the columns of {@code BetQueries.PLACE}: each bet is one row, with a
 * fresh id, its request's position in the group and its player, and the rows are turned into one
 * array per column (the {@code unnest} insert writes a whole group in one statement). Also the
 * group's events and players (sorted, as they are locked) and, after the insert, each request's stored bets.
 */
final class BetColumns {

  private final List<PlaceBets> requests;
  private final UUID[] betIds;
  private final String[] eventIds;
  private final String[] sums;
  private final Integer[] requestOf;
  private final String[] players;
  private final String[] seenRatios;
  private final String[] acceptOdds;
  private final String[] events;
  private final String[] distinctPlayers;

  private BetColumns(List<PlaceBets> requests, int bets) {
    this.requests = requests;
    betIds = new UUID[bets];
    eventIds = new String[bets];
    sums = new String[bets];
    requestOf = new Integer[bets];
    players = new String[bets];
    seenRatios = new String[bets];
    acceptOdds = new String[bets];
    TreeSet<String> distinct = new TreeSet<>();
    TreeSet<String> whose = new TreeSet<>();
    int row = 0;
    for (int request = 0; request < requests.size(); request++) {
      whose.add(requests.get(request).playerId());
      for (BetRequest bet : requests.get(request).bets()) {
        add(row++, request, requests.get(request).playerId(), bet);
        distinct.add(bet.eventId());
      }
    }
    events = distinct.toArray(String[]::new);
    distinctPlayers = whose.toArray(String[]::new);
  }

  /** The columns of the bets of {@code requests}, in order. */
  static BetColumns of(List<PlaceBets> requests) {
    return new BetColumns(requests, requests.stream().mapToInt(request -> request.bets().size()).sum());
  }

  private void add(int row, int request, String player, BetRequest bet) {
    betIds[row] = BetIds.next();
    eventIds[row] = bet.eventId();
    sums[row] = bet.sumBet().toPlainString();
    requestOf[row] = request;
    players[row] = player;
    seenRatios[row] = bet.ratio() == null ? null : bet.ratio().toPlainString();
    acceptOdds[row] = bet.acceptOdds().wire();
  }

  /** {@code BetQueries.PLACE}'s parameters, {@code $1} to {@code $9}: only the requests {@code stakes} took may be inserted. */
  Tuple insert(Stakes stakes) {
    return Tuple.of(betIds, eventIds, sums, requestOf, events, players, seenRatios, acceptOdds)
      .addArrayOfInteger(stakes.taken().toArray(Integer[]::new));
  }

  List<PlaceBets> requests() {
    return requests;
  }

  /** The group's players, sorted and distinct: the order their balances are locked in. */
  String[] players() {
    return distinctPlayers;
  }

  /** The group's events, sorted and distinct. */
  String[] events() {
    return events;
  }

  int size() {
    return betIds.length;
  }

  UUID betId(int row) {
    return betIds[row];
  }

  String eventId(int row) {
    return eventIds[row];
  }

  /** The request bet {@code row} belongs to. */
  PlaceBets requestOf(int row) {
    return requests.get(requestOf[row]);
  }

  /** For each request, its bets as the insert stored them ({@code rows}), in order; null for a request it refused. */
  List<List<Bet>> stored(RowSet<Row> rows) {
    Map<UUID, Row> stored = new HashMap<>(rows.size() * 2);
    rows.forEach(row -> stored.put(row.getUUID("bet_id"), row));
    List<List<Bet>> outcomes = new ArrayList<>(requests.size());
    int k = 0;
    for (PlaceBets request : requests) {
      List<Bet> bets = new ArrayList<>();
      for (BetRequest asked : request.bets()) {
        Row row = stored.get(betIds[k++]);
        if (row != null) {
          bets.add(new Bet(row.getUUID("bet_id"), request.playerId(), asked.eventId(), asked.sumBet(), row.getBigDecimal("ratio"),
            BetStatus.PENDING, null, row.getOffsetDateTime("created_at").toInstant(), null, row.getLong("seq")));
        }
      }
      outcomes.add(bets.size() == request.bets().size() ? bets : null);
    }
    return outcomes;
  }
}
