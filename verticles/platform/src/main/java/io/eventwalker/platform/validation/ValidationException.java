package io.eventwalker.platform.validation;

import java.util.List;

/** Input that cannot be accepted; carries every problem found, field by field. */
public final class ValidationException extends Exception {

  private final transient List<FieldError> errors;

  public ValidationException(List<FieldError> errors) {
    super(summary(errors), null, false, false);
    this.errors = List.copyOf(errors);
  }

  public ValidationException(String field, String message) {
    this(List.of(new FieldError(field, null, message)));
  }

  public List<FieldError> errors() {
    return errors;
  }

  private static String summary(List<FieldError> errors) {
    if (errors.isEmpty()) {
      return "invalid input";
    }
    FieldError first = errors.get(0);
    String field = first.field() == null || first.field().isEmpty() ? "" : first.field();
    String where = first.index() == null ? field : field.isEmpty() ? "item " + first.index() : "item " + first.index() + ", " + field;
    String more = errors.size() > 1 ? " (and " + (errors.size() - 1) + " more)" : "";
    return (where.isEmpty() ? "" : where + ": ") + first.message() + more;
  }
}
