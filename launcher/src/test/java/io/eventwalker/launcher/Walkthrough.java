package io.eventwalker.launcher;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The README's walkthrough as commands: the {@code sh} blocks between {@code <!-- walkthrough: begin}
 * and {@code <!-- walkthrough: end -->}, in order, each command with the answer the README shows under
 * it, if any: a comment {@code # 201 {...}} (the HTTP status, then the output), continued by comment
 * lines indented by two spaces or more. Other comment lines are prose.
 */
record Walkthrough(List<Step> steps) {

  private static final String BEGIN = "<!-- walkthrough: begin";
  private static final String END = "<!-- walkthrough: end -->";
  private static final Pattern ANSWER = Pattern.compile("# (\\d{3})(?:\\s+(.*))?");
  private static final Pattern CONTINUED = Pattern.compile("#\\s{2,}(.*)");

  /** One command (its lines joined as written) and the answer shown under it. */
  record Step(String command, Optional<Answer> answer) {

    /** A command that only reads (curl without a method or a body) may be asked again while what it reads settles. */
    boolean reads() {
      return command.matches("(?s)\\s*curl\\s.*") && !command.matches("(?s).*\\s(-X|-d|--data\\S*)\\s.*");
    }
  }

  /**
   * The answer the README shows: {@code status}, then {@code text}, where {@code …} and {@code ...}
   * stand for any text and whitespace for any whitespace or none (the README wraps long answers).
   */
  record Answer(int status, String text) {

    Pattern pattern() {
      StringBuilder regex = new StringBuilder();
      StringBuilder literal = new StringBuilder();
      String shown = status + " " + text;
      for (int i = 0; i < shown.length(); ) {
        String token = shown.startsWith("...", i) ? "..." : shown.charAt(i) == '…' ? "…"
          : Character.isWhitespace(shown.charAt(i)) ? " " : null;
        if (token == null) {
          literal.append(shown.charAt(i++));
          continue;
        }
        if (!literal.isEmpty()) {
          regex.append(Pattern.quote(literal.toString()));
          literal.setLength(0);
        }
        if (token.equals(" ")) {
          while (i < shown.length() && Character.isWhitespace(shown.charAt(i))) {
            i++;
          }
          regex.append("\\s*");
        } else {
          i += token.length();
          regex.append(".*?");
        }
      }
      if (!literal.isEmpty()) {
        regex.append(Pattern.quote(literal.toString()));
      }
      return Pattern.compile(regex.toString(), Pattern.DOTALL);
    }

    /** Whether an answer with this status and output (a body, or headers and body with {@code curl -i}) is the one shown. */
    boolean matches(int actualStatus, String output) {
      return pattern().matcher((actualStatus + " " + output).strip()).matches();
    }
  }

  static Walkthrough of(String readme) {
    int begin = readme.indexOf(BEGIN);
    int end = readme.indexOf(END);
    if (begin < 0 || end < begin) {
      throw new IllegalArgumentException("the README has no walkthrough between " + BEGIN + " ... and " + END);
    }
    List<Step> steps = new ArrayList<>();
    boolean inBlock = false;
    List<String> block = new ArrayList<>();
    for (String line : readme.substring(begin, end).split("\n", -1)) {
      if (!inBlock && line.strip().equals("```sh")) {
        inBlock = true;
      } else if (inBlock && line.strip().equals("```")) {
        inBlock = false;
        steps.addAll(steps(block));
        block.clear();
      } else if (inBlock) {
        block.add(line);
      }
    }
    if (steps.isEmpty()) {
      throw new IllegalArgumentException("the README's walkthrough has no sh block");
    }
    return new Walkthrough(List.copyOf(steps));
  }

  private static List<Step> steps(List<String> lines) {
    List<Step> steps = new ArrayList<>();
    StringBuilder command = null;
    Integer status = null;
    StringBuilder text = null;
    boolean continuing = false;
    boolean answerOpen = false;
    for (String line : lines) {
      String stripped = line.strip();
      if (continuing) {
        command.append('\n').append(line);
        continuing = stripped.endsWith("\\");
        continue;
      }
      Matcher answer = ANSWER.matcher(stripped);
      Matcher continued = CONTINUED.matcher(line);
      if (command != null && status == null && answer.matches()) {
        status = Integer.parseInt(answer.group(1));
        text = new StringBuilder(answer.group(2) == null ? "" : answer.group(2));
        answerOpen = true;
      } else if (answerOpen && continued.matches()) {
        text.append(' ').append(continued.group(1).strip());
      } else if (stripped.isEmpty() || stripped.startsWith("#")) {
        answerOpen = false;
      } else {
        if (command != null) {
          steps.add(step(command, status, text));
        }
        command = new StringBuilder(line);
        status = null;
        text = null;
        answerOpen = false;
        continuing = stripped.endsWith("\\");
      }
    }
    if (command != null) {
      steps.add(step(command, status, text));
    }
    return steps;
  }

  private static Step step(StringBuilder command, Integer status, StringBuilder text) {
    return new Step(command.toString(), status == null ? Optional.empty() : Optional.of(new Answer(status, text.toString().strip())));
  }
}
