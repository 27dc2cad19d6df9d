package io.eventwalker.betmaker;

import io.eventwalker.shared.validation.Enums;
import io.eventwalker.shared.validation.Errors;
import io.eventwalker.shared.wire.EventStatus;

/** A bet's status: {@code PENDING} until its event finishes, then {@code WON} or {@code LOST}, final. */
public enum BetStatus {
  PENDING,
  WON,
  LOST;

  /** The status a pending bet takes when its event reaches {@code result}. */
  public static BetStatus settledBy(EventStatus result) {
    return switch (result) {
      case FINISHED_WIN -> WON;
      case FINISHED_LOSE -> LOST;
      case NEW -> throw new IllegalArgumentException("NEW does not settle a bet");
    };
  }

  public static BetStatus parse(Object raw, String field, Errors errors) {
    return Enums.parse(BetStatus.class, raw, field, errors);
  }
}
