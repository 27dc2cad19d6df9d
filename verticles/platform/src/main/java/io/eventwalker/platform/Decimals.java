package io.eventwalker.platform;

import io.eventwalker.platform.json.StrictJson;
import io.eventwalker.platform.validation.Errors;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.regex.Pattern;

/**
 * Exact decimals for money and ratios: parsed from the JSON number's own text (or a decimal
 * string), checked, and kept at scale 2. Nothing here ever goes through {@code double}.
 */
public final class Decimals {

  public static final int SCALE = 2;
  public static final BigDecimal MAX_RATIO = new BigDecimal("10000.00");

  private static final int MAX_TEXT_LENGTH = 100;
  /** Exponents of up to 9 digits: {@link BigDecimal} cannot hold a larger one. */
  private static final Pattern DECIMAL_TEXT = Pattern.compile("-?(0|[1-9][0-9]*)(\\.[0-9]+)?([eE][+-]?[0-9]{1,9})?");

  private Decimals() {
  }

  /**
   * Reads a strictly positive amount with at most two decimal places and at most {@code max}.
   * Returns it at scale 2, or {@code null} after recording why it was refused.
   */
  public static BigDecimal positiveAmount(Object raw, String field, BigDecimal max, Errors errors) {
    BigDecimal value = toDecimal(raw, field, errors);
    if (value == null) {
      return null;
    }
    // Bounds first: comparisons are cheap even for 1e400, rescaling such a value is not.
    if (value.signum() <= 0) {
      errors.add(field, "must be greater than 0");
      return null;
    }
    if (value.compareTo(max) > 0) {
      errors.add(field, "must be at most " + max.toPlainString());
      return null;
    }
    if (value.stripTrailingZeros().scale() > SCALE) {
      errors.add(field, "must have at most " + SCALE + " decimal places");
      return null;
    }
    return value.setScale(SCALE, RoundingMode.UNNECESSARY);
  }

  /** A JSON number or a decimal string as an exact {@link BigDecimal}; {@code null} if it is neither. */
  public static BigDecimal toDecimal(Object raw, String field, Errors errors) {
    if (raw instanceof BigDecimal decimal) {
      return decimal;
    }
    if (raw instanceof String text) {
      if (isDecimalText(text)) {
        return new BigDecimal(text);
      }
      errors.add(field, "must be a finite decimal number, got the string \"" + abbreviate(text) + "\"");
      return null;
    }
    errors.add(field, "must be a number or a decimal string, got " + StrictJson.typeName(raw));
    return null;
  }

  /** Reads a positive whole number (a version, a count); {@code null} after recording why it was refused. */
  public static Long positiveInteger(Object raw, String field, Errors errors) {
    if (raw instanceof BigDecimal number && number.signum() > 0 && number.compareTo(BigDecimal.valueOf(Long.MAX_VALUE)) <= 0
      && number.stripTrailingZeros().scale() <= 0) {
      return number.longValueExact();
    }
    errors.add(field, "must be a positive integer");
    return null;
  }

  /** Whether a string is a plain decimal number such as {@code "1.5"} or {@code "-2e3"}. */
  public static boolean isDecimalText(String text) {
    return text.length() <= MAX_TEXT_LENGTH && DECIMAL_TEXT.matcher(text).matches();
  }

  /** A decimal as it is written in JSON, never in exponent form. */
  public static BigDecimal plain(BigDecimal value) {
    return value.scale() < 0 ? value.setScale(0, RoundingMode.UNNECESSARY) : value;
  }

  static String abbreviate(String text) {
    return text.length() <= 40 ? text : text.substring(0, 40) + "…";
  }
}
