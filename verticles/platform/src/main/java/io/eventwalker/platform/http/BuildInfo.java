package io.eventwalker.platform.http;

import io.vertx.core.json.JsonObject;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;

/**
 * What is running ({@code GET /info}): the project's version, the git commit it was built from and
 * when, written into the jar by the build (verticles/pom.xml, {@code src/main/build-info/}). A value
 * the build could not know (no git, no history: a source archive, a Docker build without the
 * {@code GIT_COMMIT} argument) is {@code unknown}.
 */
public record BuildInfo(String version, String commit, String buildTime) {

  static final String RESOURCE = "io/eventwalker/build.properties";
  static final String UNKNOWN = "unknown";

  public static BuildInfo read() {
    Properties properties = new Properties();
    try (InputStream in = BuildInfo.class.getClassLoader().getResourceAsStream(RESOURCE)) {
      if (in != null) {
        properties.load(in);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + RESOURCE, e);
    }
    String commit = known(properties.getProperty("commit"));
    return new BuildInfo(known(properties.getProperty("version")), commit.matches("[0-9a-f]{40}") ? commit : UNKNOWN,
      known(properties.getProperty("build_time")));
  }

  /** A value filled in by the build, or {@code unknown} for one left as its {@code ${…}} placeholder. */
  private static String known(String value) {
    return value == null || value.isBlank() || value.contains("${") ? UNKNOWN : value.trim();
  }

  public JsonObject toJson(String service) {
    return new JsonObject().put("service", service).put("version", version).put("commit", commit).put("build_time", buildTime);
  }
}
