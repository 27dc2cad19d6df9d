package io.eventwalker.betmaker.bus;

import io.eventwalker.platform.eventbus.LocalCodec;
import io.vertx.core.Vertx;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/** The records of the wallet's addresses (SPEC §7), passed by reference. */
public final class WalletMessages {

  /**
   * An operator's deposit ({@code deposit}) or withdrawal of {@code amount} (positive) for
   * {@code playerId}, under the operator's {@code key} ({@code requestHash}: SHA-256 of the request,
   * so a key reused with another body is caught). Nothing is committed after {@code deadlineMillis}.
   */
  public record MoveMoney(String operator, String key, String requestHash, String playerId, BigDecimal amount, boolean deposit,
                          long deadlineMillis) {
  }

  /** The answer to a {@link MoveMoney}: its status and JSON body, the first one again when {@code replayed}. */
  public record MoneyMoved(int status, String body, boolean replayed) {
  }

  public record GetWallet(String playerId) {
  }

  /** {@code balance}: money the player may bet; {@code pendingStakes}: the stakes of the player's PENDING bets. */
  public record Wallet(String playerId, BigDecimal balance, BigDecimal pendingStakes) {
  }

  /** A player's entries, newest first, before entry {@code before} (null: from the newest). */
  public record ListEntries(String playerId, Long before, int limit) {
  }

  /** One entry of a player's account: {@code amount} signed (a stake is negative), {@code betId} null but for bets. */
  public record Entry(long entryId, String kind, BigDecimal amount, BigDecimal balanceAfter, UUID betId, Instant createdAt) {
  }

  public record EntryPage(List<Entry> entries, Long nextBefore) {
    public EntryPage {
      entries = List.copyOf(entries);
    }
  }

  public static void registerCodecs(Vertx vertx) {
    LocalCodec.register(vertx, MoveMoney.class, MoneyMoved.class, GetWallet.class, Wallet.class, ListEntries.class, EntryPage.class);
  }

  private WalletMessages() {
  }
}
