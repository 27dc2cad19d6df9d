package io.eventwalker.betmaker.bets;

import io.eventwalker.platform.validation.Enums;
import io.eventwalker.platform.validation.Errors;

/**
 * A bet's status: {@code PENDING} until its event finishes, then {@code WON} or {@code LOST}, or
 * {@code VOID} when the event is cancelled; final.
 */
public enum BetStatus {
  PENDING,
  WON,
  LOST,
  VOID;

  public static BetStatus parse(Object raw, String field, Errors errors) {
    return Enums.parse(BetStatus.class, raw, field, errors);
  }
}
