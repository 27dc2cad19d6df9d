package io.eventwalker.platform;

import io.eventwalker.platform.json.StrictJson;
import io.eventwalker.platform.validation.Errors;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;

/**
 * Deadlines and other instants. On the wire a deadline is Unix seconds (a fraction allowed);
 * an ISO-8601 string is accepted on input. Instants are kept to the microsecond, as PostgreSQL
 * stores them: finer fractions (up to 18 decimal places) are rounded half-even to the microsecond.
 */
public final class Timestamps {

  /** 9999-12-31T23:59:59Z: the last second PostgreSQL and ISO-8601 agree on comfortably. */
  private static final BigDecimal MAX_SECONDS = BigDecimal.valueOf(253402300799L);
  private static final BigDecimal MICROS_PER_SECOND = BigDecimal.valueOf(1_000_000L);
  private static final int MAX_FRACTION_DIGITS = 18;

  private Timestamps() {
  }

  /** Reads a deadline; {@code null} after recording why it was refused. */
  public static Instant deadline(Object raw, String field, Errors errors) {
    BigDecimal seconds;
    if (raw instanceof BigDecimal number) {
      seconds = number;
    } else if (raw instanceof String text && Decimals.isDecimalText(text)) {
      seconds = new BigDecimal(text);
    } else if (raw instanceof String text) {
      return parseIso(text, field, errors);
    } else {
      errors.add(field, "must be Unix seconds (a number) or an ISO-8601 string, got " + StrictJson.typeName(raw));
      return null;
    }
    if (seconds.signum() <= 0 || seconds.compareTo(MAX_SECONDS) > 0) {
      errors.add(field, "must be between 1 and " + MAX_SECONDS.toPlainString() + " Unix seconds");
      return null;
    }
    if (seconds.scale() > MAX_FRACTION_DIGITS && seconds.stripTrailingZeros().scale() > MAX_FRACTION_DIGITS) {
      // Rounding 1e-999999999 would take forever: far finer than a microsecond is refused, not rounded.
      errors.add(field, "must have at most " + MAX_FRACTION_DIGITS + " decimal places");
      return null;
    }
    return fromSeconds(seconds);
  }

  private static Instant parseIso(String text, String field, Errors errors) {
    Instant instant;
    try {
      instant = OffsetDateTime.parse(text).toInstant();
    } catch (DateTimeParseException withoutOffset) {
      try {
        instant = LocalDateTime.parse(text).toInstant(ZoneOffset.UTC);
      } catch (DateTimeParseException e) {
        errors.add(field, "is not an ISO-8601 date-time: \"" + Decimals.abbreviate(text) + "\"");
        return null;
      }
    }
    if (instant.getEpochSecond() <= 0 || instant.getEpochSecond() > MAX_SECONDS.longValue()) {
      errors.add(field, "must be between 1970-01-01T00:00:01Z and 9999-12-31T23:59:59Z");
      return null;
    }
    return instant.truncatedTo(ChronoUnit.MICROS);
  }

  public static Instant fromSeconds(BigDecimal seconds) {
    BigDecimal micros = seconds.multiply(MICROS_PER_SECOND).setScale(0, RoundingMode.HALF_EVEN);
    long total = micros.longValueExact();
    return Instant.ofEpochSecond(Math.floorDiv(total, 1_000_000L), Math.floorMod(total, 1_000_000L) * 1_000L);
  }

  /** Unix seconds with the microsecond fraction, without trailing zeros (e.g. {@code 1767225600.5}). */
  public static BigDecimal toSeconds(Instant instant) {
    BigDecimal seconds = BigDecimal.valueOf(instant.getEpochSecond())
      .add(BigDecimal.valueOf(instant.getNano() / 1_000L, 6))
      .stripTrailingZeros();
    return Decimals.plain(seconds);
  }

  /** ISO-8601 in UTC, e.g. {@code 2026-11-25T17:08:14.123456Z}. */
  public static String iso(Instant instant) {
    return DateTimeFormatter.ISO_INSTANT.format(instant);
  }

  public static OffsetDateTime toOffsetDateTime(Instant instant) {
    return instant.atOffset(ZoneOffset.UTC);
  }
}
