package io.eventwalker.platform.db;

import java.util.List;
import java.util.function.Function;

/** Pages read with one row more than asked for ({@code limit + 1}): whether another page follows is known without a count. */
public final class Pages {

  private Pages() {
  }

  /**
   * Drops the row past {@code limit}, if one was read, and returns the cursor of the next page:
   * {@code cursor} of the last row kept, or null when this is the last page.
   */
  public static <T, C> C trim(List<T> rows, int limit, Function<T, C> cursor) {
    if (rows.size() <= limit) {
      return null;
    }
    rows.subList(limit, rows.size()).clear();
    return cursor.apply(rows.get(limit - 1));
  }
}
