package io.eventwalker.operations;

import io.eventwalker.testing.ProjectFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The meters docs/operations.md lists, read from its tables: under "## bet-maker" and
 * "## line-provider" each service's own, under "## Both services" those of both. A row's first
 * cell is the meter as Prometheus shows it ({@code name{label}}), its second the type, its third
 * what it counts, where the label's values are written in backticks.
 */
record DocumentedMeters(String section, String name, String type, String label, List<String> values) {

  static final Path DOC = ProjectFiles.path("docs", "operations.md");
  private static final Pattern ROW = Pattern.compile("^\\| `([a-z_]+)(?:\\{([a-z_]+)})?` \\| ([^|]+) \\| ([^|]+) \\|");
  private static final Pattern VALUE = Pattern.compile("`([a-z][a-z0-9_]*)`");

  static List<DocumentedMeters> read() {
    List<String> lines;
    try {
      lines = Files.readAllLines(DOC);
    } catch (IOException e) {
      throw new AssertionError("cannot read " + DOC.toAbsolutePath(), e);
    }
    List<DocumentedMeters> meters = new ArrayList<>();
    String section = null;
    for (String line : lines) {
      if (line.startsWith("## ")) {
        section = line.substring(3).trim();
        continue;
      }
      Matcher row = ROW.matcher(line);
      if (section != null && List.of("bet-maker", "line-provider", "Both services").contains(section) && row.find()) {
        List<String> values = new ArrayList<>();
        if (row.group(2) != null) {
          Matcher value = VALUE.matcher(row.group(4));
          while (value.find()) {
            values.add(value.group(1));
          }
        }
        meters.add(new DocumentedMeters(section, row.group(1), row.group(3).trim(), row.group(2), values));
      }
    }
    return meters;
  }

  /** Whether the service ({@code bet-maker} or {@code line-provider}) has this meter. */
  boolean of(String service) {
    return section.equals(service) || section.equals("Both services");
  }

  /** The sample that shows the meter on {@code /metrics}: a histogram's or a timer's {@code _count}, else its name. */
  String sample() {
    return type.startsWith("histogram") || type.startsWith("timer") ? name + "_count" : name;
  }

  /** The samples that must be on {@code /metrics}: one per documented label value, else one with the label, or the bare name. */
  List<Pattern> expected() {
    String sample = Pattern.quote(sample());
    if (label == null) {
      return List.of(Pattern.compile("(?m)^" + sample + "(\\{[^}]*})? "));
    }
    if (values.isEmpty()) {
      return List.of(Pattern.compile("(?m)^" + sample + "\\{[^}]*\\b" + label + "=\"[^\"]+\"[^}]*} "));
    }
    return values.stream()
      .map(value -> Pattern.compile("(?m)^" + sample + "\\{[^}]*\\b" + label + "=\"" + Pattern.quote(value) + "\"[^}]*} "))
      .toList();
  }
}
