package io.eventwalker.betmaker.wallet;

import io.eventwalker.platform.http.Problem;

import java.math.BigDecimal;

/** The refusal of a movement the balance does not cover (SPEC §7): 409, type {@code …:insufficient-funds}, with the balance. */
public final class Funds {

  public static final String INSUFFICIENT = "urn:event-walker:problem:insufficient-funds";

  private Funds() {
  }

  public static Problem insufficient(BigDecimal balance, String detail) {
    return new Problem(409, INSUFFICIENT, "Insufficient funds", detail, java.util.List.of()).with("balance", balance);
  }
}
