package io.eventwalker.operations;

import io.eventwalker.testing.Http;
import io.eventwalker.testing.ProjectFiles;
import io.eventwalker.testing.SystemTest;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code GET /info} on each service says what is running: the service, the project's version (the
 * pom's), the commit this checkout was built from ({@code git rev-parse HEAD}, or {@code unknown}
 * where there is no git history), and when it was built.
 */
class InfoTest extends SystemTest {

  @Test
  void eachServiceSaysWhatIsRunning() throws Exception {
    for (Map.Entry<String, Http> service : Map.of("line-provider", system.lineProvider(), "bet-maker", system.betMaker()).entrySet()) {
      Http.Response answer = service.getValue().as(null).get("/info");
      assertThat(answer.status()).isEqualTo(200);
      JsonObject info = answer.object();
      assertThat(info.fieldNames()).containsExactlyInAnyOrder("service", "version", "commit", "build_time");
      assertThat(info.getString("service")).isEqualTo(service.getKey());
      assertThat(info.getString("version")).isEqualTo(projectVersion());
      assertThat(info.getString("commit")).as("the commit built, as git tells it here").isEqualTo(head());
      assertThat(Instant.parse(info.getString("build_time"))).isBetween(Instant.now().minus(Duration.ofDays(1)), Instant.now());
    }
  }

  /** The version in the parent pom.xml: the first {@code <version>}, the project's own. */
  private static String projectVersion() throws IOException {
    Matcher version = Pattern.compile("<artifactId>event-walker-parent</artifactId>\\s*<version>([^<]+)</version>")
      .matcher(Files.readString(ProjectFiles.path("pom.xml")));
    assertThat(version.find()).as("the project's version in ../pom.xml").isTrue();
    return version.group(1);
  }

  /** {@code git rev-parse HEAD} of this checkout, or {@code unknown} when git or the history is not there. */
  private static String head() throws IOException, InterruptedException {
    Process git;
    try {
      git = new ProcessBuilder("git", "rev-parse", "HEAD").redirectErrorStream(true).start();
    } catch (IOException noGit) {
      return "unknown";
    }
    String out = new String(git.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
    assertThat(git.waitFor(10, TimeUnit.SECONDS)).as("git rev-parse HEAD finished").isTrue();
    return git.exitValue() == 0 && out.matches("[0-9a-f]{40}") ? out : "unknown";
  }
}
