package io.eventwalker.betmaker.bets;

import io.eventwalker.platform.Decimals;
import io.eventwalker.wire.EventStatus;

import java.math.BigDecimal;
import java.math.RoundingMode;

/**
 * The settlement rule, the one place it is written in Java: a PENDING bet on an event that
 * finishes {@code FINISHED_WIN} is {@code WON} and pays {@code sum_bet × ratio} rounded down to
 * cents; on {@code FINISHED_LOSE} it is {@code LOST} and pays 0; on {@code CANCELLED} it is
 * {@code VOID} and pays the stake back. The settling statement
 * ({@code BetQueries.SETTLE_CHUNK}) applies the same rule in SQL, and {@code PayoutRuleTest}
 * checks that the two agree.
 */
public record Payout(BetStatus status, BigDecimal amount) {

  public static Payout of(EventStatus result, BigDecimal sumBet, BigDecimal ratio) {
    return switch (result) {
      case FINISHED_WIN -> new Payout(BetStatus.WON, sumBet.multiply(ratio).setScale(Decimals.SCALE, RoundingMode.DOWN));
      case FINISHED_LOSE -> new Payout(BetStatus.LOST, BigDecimal.ZERO.setScale(Decimals.SCALE));
      case CANCELLED -> new Payout(BetStatus.VOID, sumBet.setScale(Decimals.SCALE));
      case NEW -> throw new IllegalArgumentException("NEW does not settle a bet");
    };
  }
}
