package io.eventwalker.betmaker;

import io.eventwalker.betmaker.bets.BetRequest;
import io.eventwalker.platform.config.Settings;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.math.BigDecimal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** {@code BM_MAX_SUM_BET} is checked at start-up against the column it is stored in. */
class BetRequestTest {

  private static Settings settings(String max) {
    return new Settings("bet-maker", new JsonObject().put("BM_MAX_SUM_BET", max));
  }

  @ParameterizedTest
  @ValueSource(strings = {"1000000.00", "0.01", "9999999999.99", "250"})
  void aStakeLimitTheColumnHoldsIsTaken(String max) {
    assertThat(BetRequest.maxSumBet(settings(max))).isEqualByComparingTo(new BigDecimal(max));
  }

  @ParameterizedTest
  @ValueSource(strings = {"10000000000.00", "0", "-5", "1.005", "lots", "NaN", "1e12"})
  void anythingElseStopsStartUpNamingTheKey(String max) {
    assertThatThrownBy(() -> BetRequest.maxSumBet(settings(max)))
      .isInstanceOf(Settings.ConfigException.class)
      .hasMessageContaining("BM_MAX_SUM_BET");
  }
}
