package io.eventwalker.platform.validation;

import java.util.Arrays;
import java.util.stream.Collectors;

/** Reading an enum constant from JSON: its exact name, nothing else. */
public final class Enums {

  private Enums() {
  }

  /** The constant named {@code raw}; {@code null} after recording an error listing the allowed names. */
  public static <E extends Enum<E>> E parse(Class<E> type, Object raw, String field, Errors errors) {
    if (raw instanceof String text) {
      for (E constant : type.getEnumConstants()) {
        if (constant.name().equals(text)) {
          return constant;
        }
      }
    }
    errors.add(field, "must be one of " + Arrays.stream(type.getEnumConstants()).map(Enum::name).collect(Collectors.joining(", ")));
    return null;
  }
}
