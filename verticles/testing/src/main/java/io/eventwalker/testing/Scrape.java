package io.eventwalker.testing;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Reads samples off a service's {@code /metrics} (Prometheus text), as Prometheus would. */
public final class Scrape {

  private Scrape() {
  }

  /**
   * The value of the first sample named {@code name} on {@code service}'s {@code /metrics} whose
   * labels contain {@code labels} (empty: any); 0 when there is none yet (counters appear on first use).
   */
  public static double sample(Http service, String name, String labels) {
    String text = service.get("/metrics").body();
    Matcher m = Pattern.compile("(?m)^" + Pattern.quote(name) + (labels.isEmpty() ? "" : "\\{[^}]*" + Pattern.quote(labels) + "[^}]*\\}")
      + "(\\{[^}]*\\})? ([0-9.eE+-]+)$").matcher(text);
    return m.find() ? Double.parseDouble(m.group(2)) : 0;
  }
}
