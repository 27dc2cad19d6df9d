package io.eventwalker.wire;

import io.eventwalker.platform.validation.Errors;

import java.util.regex.Pattern;

/** Event ids: 1 to 64 characters of {@code [A-Za-z0-9._:-]}. */
public final class EventIds {

  public static final int MAX_LENGTH = 64;
  private static final Pattern EVENT_ID = Pattern.compile("[A-Za-z0-9._:-]{1," + MAX_LENGTH + "}");

  private EventIds() {
  }

  public static boolean isValid(String id) {
    return id != null && EVENT_ID.matcher(id).matches();
  }

  /** Reads an event id; {@code null} after recording why it was refused. */
  public static String parse(Object raw, String field, Errors errors) {
    if (raw instanceof String id && isValid(id)) {
      return id;
    }
    errors.add(field, "must be a string of 1 to " + MAX_LENGTH + " characters from [A-Za-z0-9._:-]");
    return null;
  }
}
