package io.eventwalker.launcher;

import io.eventwalker.launcher.Walkthrough.Answer;
import io.eventwalker.launcher.Walkthrough.Step;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** How {@link ReadmeWalkthroughIT} reads the README's commands and compares an answer with the one shown. */
class WalkthroughTest {

  private static final String README = String.join("\n",
    "# Title",
    "```sh",
    "curl -s not-in-the-walkthrough",
    "```",
    "<!-- walkthrough: begin -->",
    "```sh",
    "TOKEN=$(make-token)",
    "```",
    "Prose.",
    "",
    "```sh",
    "curl -s -X POST $URL/event \\",
    "  -d '{\"a\": 1}'",
    "# 201 {\"a\":1,",
    "#      \"b\":\"two words\",...}",
    "# (prose under a command)",
    "",
    "# prose before a command",
    "curl -s $URL/events",
    "# 200 [{\"id\":\"…\"}, ...]",
    "```",
    "```json",
    "{\"not\": \"a command\"}",
    "```",
    "<!-- walkthrough: end -->",
    "```sh",
    "curl -s after-the-end",
    "# 200 {}",
    "```");

  @Test
  void readsTheCommandsOfTheWalkthroughAndTheAnswersUnderThem() {
    Walkthrough walkthrough = Walkthrough.of(README);
    assertThat(walkthrough.steps()).extracting(Step::command).containsExactly(
      "TOKEN=$(make-token)",
      "curl -s -X POST $URL/event \\\n  -d '{\"a\": 1}'",
      "curl -s $URL/events");
    assertThat(walkthrough.steps().get(0).answer()).isEmpty();
    assertThat(walkthrough.steps().get(1).answer()).contains(new Answer(201, "{\"a\":1, \"b\":\"two words\",...}"));
    assertThat(walkthrough.steps().get(2).answer()).contains(new Answer(200, "[{\"id\":\"…\"}, ...]"));
    assertThat(walkthrough.steps().get(1).reads()).isFalse();
    assertThat(walkthrough.steps().get(2).reads()).isTrue();
  }

  @Test
  void anAnswerMatchesWithItsWildcardsAndWrappingAndNothingElse() {
    Answer created = new Answer(201, "{\"a\":1, \"b\":\"two words\",...}");
    assertThat(created.matches(201, "{\"a\":1,\"b\":\"two words\",\"c\":3}")).isTrue();
    assertThat(created.matches(200, "{\"a\":1,\"b\":\"two words\",\"c\":3}")).as("another status").isFalse();
    assertThat(created.matches(201, "{\"a\":1,\"b\":\"two words!\",\"c\":3}")).as("another value").isFalse();
    assertThat(created.matches(201, "{\"a\":1,\"b\":\"two words\",\"c\":3}\ntrailing")).as("more after the end").isFalse();
    assertThat(created.matches(201, "{\"x\":0,\"a\":1,\"b\":\"two words\"}")).as("more before the start").isFalse();

    Answer headers = new Answer(201, "HTTP/1.1 201 Created ... Location: /bet/… ... {\"id\":\"…\"}");
    assertThat(headers.matches(201, "HTTP/1.1 201 Created\r\nContent-Type: application/json\r\nLocation: /bet/1\r\n\r\n{\"id\":\"1\"}"))
      .isTrue();
    assertThat(headers.matches(201, "HTTP/1.1 201 Created\r\nContent-Type: application/json\r\n\r\n{\"id\":\"1\"}"))
      .as("without the header").isFalse();
  }

  @Test
  void aReadmeWithoutAWalkthroughIsAnError() {
    assertThatThrownBy(() -> Walkthrough.of("# nothing here")).isInstanceOf(IllegalArgumentException.class)
      .hasMessageContaining("walkthrough");
  }

  /** The README's own walkthrough parses into commands, most of them with an answer to compare. */
  @Test
  void theReadmesWalkthroughHasCommandsWithAnswers() throws Exception {
    Walkthrough walkthrough = Walkthrough.of(Files.readString(Path.of("..", "README.md")));
    assertThat(walkthrough.steps().get(0).command()).isEqualTo("source .dev/env");
    assertThat(walkthrough.steps().stream().filter(step -> step.answer().isPresent()).count()).isGreaterThanOrEqualTo(15);
    assertThat(walkthrough.steps()).allSatisfy(step -> assertThat(step.command()).doesNotContain("localhost:800"));
    assertThat(walkthrough.steps().stream().map(Step::answer).flatMap(Optional::stream))
      .allSatisfy(answer -> assertThat(answer.status()).isBetween(200, 499));
  }
}
