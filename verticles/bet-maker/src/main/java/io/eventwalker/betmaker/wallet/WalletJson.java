package io.eventwalker.betmaker.wallet;

import io.eventwalker.betmaker.bus.WalletMessages.Entry;
import io.eventwalker.betmaker.bus.WalletMessages.Wallet;
import io.eventwalker.platform.Timestamps;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;

import java.util.List;

/** The wallet's bodies: a wallet, an entry, a page of entries. */
public final class WalletJson {

  private WalletJson() {
  }

  public static JsonObject wallet(Wallet wallet) {
    return new JsonObject().put("player_id", wallet.playerId()).put("balance", wallet.balance()).put("pending_stakes", wallet.pendingStakes());
  }

  public static JsonObject entry(Entry entry) {
    JsonObject json = new JsonObject().put("entry_id", entry.entryId()).put("kind", entry.kind()).put("amount", entry.amount())
      .put("balance_after", entry.balanceAfter());
    if (entry.betId() != null) {
      json.put("bet_id", entry.betId().toString());
    }
    return json.put("created_at", Timestamps.iso(entry.createdAt()));
  }

  public static JsonArray entries(List<Entry> entries) {
    JsonArray array = new JsonArray();
    entries.forEach(entry -> array.add(entry(entry)));
    return array;
  }

  /** A deposit's or withdrawal's 201: the player's entry ({@code WalletQueries.MOVE_CASH}'s row) and whose it is. */
  static JsonObject entry(String playerId, Row row) {
    return entry(new Entry(row.getLong("entry_id"), row.getString("kind"), row.getBigDecimal("amount"), row.getBigDecimal("balance_after"),
      null, row.getOffsetDateTime("created_at").toInstant())).put("player_id", playerId);
  }
}
