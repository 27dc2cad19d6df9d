package io.eventwalker.platform.validation;

import java.util.ArrayList;
import java.util.List;

/** Collects field errors while one input is checked, so a client learns all of them at once. */
public final class Errors {

  private final List<FieldError> errors = new ArrayList<>();
  private final Integer index;

  public Errors(Integer index) {
    this.index = index;
  }

  public void add(String field, String message) {
    errors.add(new FieldError(field, index, message));
  }

  public boolean isEmpty() {
    return errors.isEmpty();
  }

  public List<FieldError> list() {
    return errors;
  }

  public void throwIfAny() throws ValidationException {
    if (!errors.isEmpty()) {
      throw new ValidationException(errors);
    }
  }
}
