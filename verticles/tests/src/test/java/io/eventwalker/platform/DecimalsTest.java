package io.eventwalker.platform;

import io.eventwalker.platform.validation.Errors;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;

import static org.assertj.core.api.Assertions.assertThat;

class DecimalsTest {

  private static final BigDecimal MAX = new BigDecimal("1000000.00");

  private static BigDecimal read(Object raw, Errors errors) {
    return Decimals.positiveAmount(raw, "sum_bet", MAX, errors);
  }

  @ParameterizedTest
  @CsvSource({"10, 10.00", "10.1, 10.10", "10.10, 10.10", "0.01, 0.01", "1000000, 1000000.00", "1.500, 1.50", "1e2, 100.00", "2.5E1, 25.00"})
  void acceptsExactDecimalsAtScaleTwo(String text, String expected) {
    Errors errors = new Errors(null);
    assertThat(read(new BigDecimal(text), errors)).isEqualByComparingTo(expected).hasScaleOf(2);
    assertThat(read(text, errors)).isEqualByComparingTo(expected);
    assertThat(errors.list()).isEmpty();
  }

  @ParameterizedTest
  @ValueSource(strings = {"1.005", "0", "-1", "0.001", "1000000.01", "1e400", "1e-400", "0.00"})
  void refusesOutOfRangeOrOverPreciseNumbers(String text) {
    Errors errors = new Errors(null);
    assertThat(read(new BigDecimal(text), errors)).isNull();
    assertThat(errors.list()).singleElement().satisfies(e -> assertThat(e.field()).isEqualTo("sum_bet"));
  }

  @ParameterizedTest
  @ValueSource(strings = {"NaN", "Infinity", "-Infinity", "", " 1", "1,5", "0x10", "+1", "1.", ".5", "abc"})
  void refusesStringsThatAreNotDecimals(String text) {
    Errors errors = new Errors(null);
    assertThat(read(text, errors)).isNull();
    assertThat(errors.list()).hasSize(1);
  }

  @Test
  void refusesOtherJsonTypes() {
    for (Object raw : new Object[] {null, Boolean.TRUE, java.util.List.of(), java.util.Map.of()}) {
      Errors errors = new Errors(null);
      assertThat(read(raw, errors)).isNull();
      assertThat(errors.list().get(0).message()).contains("must be a number");
    }
  }
}
