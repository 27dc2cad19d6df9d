package io.eventwalker.betmaker.bus;

import io.eventwalker.betmaker.bus.WalletMessages.EntryPage;
import io.eventwalker.betmaker.bus.WalletMessages.GetWallet;
import io.eventwalker.betmaker.bus.WalletMessages.ListEntries;
import io.eventwalker.betmaker.bus.WalletMessages.MoneyMoved;
import io.eventwalker.betmaker.bus.WalletMessages.MoveMoney;
import io.eventwalker.betmaker.bus.WalletMessages.Wallet;
import io.eventwalker.platform.eventbus.LocalBus;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;

/** The wallet's addresses ({@code WalletVerticle}): deposits and withdrawals, a player's wallet and entries. */
public final class WalletBus {

  private WalletBus() {
  }

  /** A deposit or withdrawal, under its operator's key; fails with the problem of a refusal (409 insufficient funds, 422 key reused). */
  public static Future<MoneyMoved> move(Vertx vertx, MoveMoney move, DeliveryOptions options) {
    return LocalBus.request(vertx, Addresses.WALLET_MOVE, move, options);
  }

  public static Future<Wallet> get(Vertx vertx, GetWallet wallet, DeliveryOptions options) {
    return LocalBus.request(vertx, Addresses.WALLET_GET, wallet, options);
  }

  public static Future<EntryPage> entries(Vertx vertx, ListEntries entries, DeliveryOptions options) {
    return LocalBus.request(vertx, Addresses.WALLET_ENTRIES, entries, options);
  }
}
