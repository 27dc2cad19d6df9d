package io.eventwalker.testing;

import java.nio.file.Files;
import java.nio.file.Path;

/** Files of the project the tests read (conf/, docs/, bin/, ...), found from wherever Maven runs a module's tests. */
public final class ProjectFiles {

  private static final Path ROOT = root();

  private ProjectFiles() {
  }

  /** {@code first/more...} under the project's root directory. */
  public static Path path(String first, String... more) {
    return ROOT.resolve(Path.of(first, more));
  }

  /** The nearest directory up from here that holds conf/ and bin/rabbitmq-users. */
  private static Path root() {
    for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
      if (Files.isDirectory(dir.resolve("conf")) && Files.isRegularFile(dir.resolve("bin").resolve("rabbitmq-users"))) {
        return dir;
      }
    }
    throw new IllegalStateException("no project root (conf/ and bin/rabbitmq-users) above " + Path.of("").toAbsolutePath());
  }
}
