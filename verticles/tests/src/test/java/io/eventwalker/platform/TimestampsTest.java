package io.eventwalker.platform;

import io.eventwalker.platform.validation.Errors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.math.BigDecimal;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;

class TimestampsTest {

  @ParameterizedTest
  @CsvSource({
    "number, 1893456000, 2030-01-01T00:00:00Z",
    "number, 1893456000.5, 2030-01-01T00:00:00.500Z",
    "number, 1893456000.1234567, 2030-01-01T00:00:00.123457Z",
    "string, 2030-01-01T00:00:00Z, 2030-01-01T00:00:00Z",
    "string, 2030-01-01T02:00:00+02:00, 2030-01-01T00:00:00Z",
    "string, 2030-01-01T00:00:00, 2030-01-01T00:00:00Z",
    "string, 1893456000, 2030-01-01T00:00:00Z"})
  void readsUnixSecondsAndIso(String kind, String raw, String expected) {
    Errors errors = new Errors(null);
    Object value = kind.equals("number") ? new BigDecimal(raw) : raw;
    assertThat(Timestamps.deadline(value, "deadline", errors)).isEqualTo(Instant.parse(expected));
    assertThat(errors.list()).isEmpty();
  }

  @ParameterizedTest
  @ValueSource(strings = {"yesterday", "2030-13-01T00:00:00Z", "2030-01-01", "", "NaN", "-5", "0", "1e20", "1e-999999999",
    "1893456000.0000000000000000000000000001", "1e99999999999"})
  void refusesWhatIsNotAnInstant(String raw) {
    Errors errors = new Errors(null);
    assertThat(Timestamps.deadline(raw, "deadline", errors)).isNull();
    assertThat(errors.list()).hasSize(1);
  }

  @Test
  void refusesOtherTypes() {
    Errors errors = new Errors(null);
    assertThat(Timestamps.deadline(Boolean.TRUE, "deadline", errors)).isNull();
    assertThat(Timestamps.deadline(null, "deadline", errors)).isNull();
    assertThat(errors.list()).hasSize(2);
  }

  @Test
  void writesSecondsWithoutExponentOrTrailingZeros() {
    assertThat(Timestamps.toSeconds(Instant.parse("2030-01-01T00:00:00Z")).toString()).isEqualTo("1893456000");
    assertThat(Timestamps.toSeconds(Instant.parse("2030-01-01T00:00:00.250Z")).toString()).isEqualTo("1893456000.25");
    assertThat(Timestamps.toSeconds(Instant.parse("2030-01-01T00:00:00.000001Z")).toString()).isEqualTo("1893456000.000001");
  }
}
