package io.eventwalker.betmaker.bets;

import io.eventwalker.platform.validation.Errors;

import java.math.BigDecimal;
import java.util.Locale;

/**
 * Odds-change protection (SPEC §2): which ratio a bet accepts, given the one the player saw.
 * {@code exact} (the default when a ratio is given): only that ratio; {@code higher}: that ratio
 * or a higher one; {@code any}: whatever the ratio is at placement. The placing statement applies
 * the same rule in SQL ({@code BetQueries.PLACE}).
 */
public enum AcceptOdds {
  EXACT, HIGHER, ANY;

  /** Whether a bet that saw {@code seen} takes the event's {@code current} ratio. */
  public boolean accepts(BigDecimal seen, BigDecimal current) {
    return switch (this) {
      case EXACT -> current.compareTo(seen) == 0;
      case HIGHER -> current.compareTo(seen) >= 0;
      case ANY -> true;
    };
  }

  /** As written in JSON: lower case. */
  public String wire() {
    return name().toLowerCase(Locale.ROOT);
  }

  static AcceptOdds parse(Object raw, String field, Errors errors) {
    if (raw instanceof String text) {
      for (AcceptOdds value : values()) {
        if (value.wire().equals(text)) {
          return value;
        }
      }
    }
    errors.add(field, "must be one of exact, higher, any");
    return null;
  }
}
