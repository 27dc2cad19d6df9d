package io.eventwalker.platform.validation;

import io.eventwalker.platform.json.StrictJson;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A write body: one object, or an array of 1 to {@link #MAX_ITEMS} objects answered item for
 * item in the same shape. A batch is all-or-nothing: any bad item refuses the whole batch, and
 * each error names the item's index.
 */
public record Batch<T>(List<T> items, boolean single) {

  public static final int MAX_ITEMS = 1000;

  /** Reads one item; records problems in {@code errors} and returns {@code null} if there were any. */
  public interface ItemParser<T> {
    T parse(Map<String, Object> item, Errors errors);
  }

  public Batch {
    items = List.copyOf(items);
  }

  @SuppressWarnings("unchecked")
  public static <T> Batch<T> parse(Object body, ItemParser<T> parser) throws ValidationException {
    if (body instanceof Map<?, ?> object) {
      Errors errors = new Errors(null);
      T item = parser.parse((Map<String, Object>) object, errors);
      errors.throwIfAny();
      return new Batch<>(List.of(item), true);
    }
    if (!(body instanceof List<?> array)) {
      throw new ValidationException("", "the body must be a JSON object or an array of objects, got "
        + StrictJson.typeName(body));
    }
    if (array.isEmpty() || array.size() > MAX_ITEMS) {
      throw new ValidationException("", "a batch must hold 1 to " + MAX_ITEMS + " items, got " + array.size());
    }
    List<T> items = new ArrayList<>(array.size());
    List<FieldError> problems = new ArrayList<>();
    for (int i = 0; i < array.size(); i++) {
      Errors errors = new Errors(i);
      Object element = array.get(i);
      if (element instanceof Map<?, ?> object) {
        T item = parser.parse((Map<String, Object>) object, errors);
        items.add(item);
      } else {
        errors.add("", "each item must be a JSON object, got " + StrictJson.typeName(element));
      }
      problems.addAll(errors.list());
    }
    if (!problems.isEmpty()) {
      throw new ValidationException(problems.size() > 100 ? problems.subList(0, 100) : problems);
    }
    return new Batch<>(items, false);
  }

  /** Records an "unknown field" error for every key outside {@code known}. */
  public static void rejectUnknownFields(Map<String, Object> item, Set<String> known, Errors errors) {
    for (String key : item.keySet()) {
      if (!known.contains(key)) {
        errors.add(key, "unknown field; allowed fields are " + String.join(", ", known.stream().sorted().toList()));
      }
    }
  }
}
