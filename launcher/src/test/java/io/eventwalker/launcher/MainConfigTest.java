package io.eventwalker.launcher;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class MainConfigTest {

  @Test
  void readsTheConfigurationPackedInTheJar() {
    JsonObject lineProvider = ConfigFiles.read("line-provider", null);
    assertThat(lineProvider.getInteger("LP_HTTP_PORT")).isEqualTo(8001);
    JsonObject betMaker = ConfigFiles.read("bet-maker", null);
    assertThat(betMaker.getInteger("BM_HTTP_PORT")).isEqualTo(8000);
  }

  @Test
  void readsAConfigurationDirectory(@TempDir Path dir) throws Exception {
    Files.writeString(dir.resolve("line-provider.json"), "{\"LP_HTTP_PORT\": 9001}");
    assertThat(ConfigFiles.read("line-provider", dir.toString()).getInteger("LP_HTTP_PORT")).isEqualTo(9001);
  }

  @Test
  void aMissingFileIsAClearError(@TempDir Path dir) {
    assertThatThrownBy(() -> ConfigFiles.read("bet-maker", dir.toString()))
      .isInstanceOf(IllegalStateException.class)
      .hasMessageContaining(dir.resolve("bet-maker.json").toString())
      .hasMessageContaining("does not exist or is not readable");
  }

  @Test
  void aFileThatIsNotJsonIsAClearError(@TempDir Path dir) throws Exception {
    Files.writeString(dir.resolve("bet-maker.json"), "PORT=8000");
    assertThatThrownBy(() -> ConfigFiles.read("bet-maker", dir.toString()))
      .isInstanceOf(IllegalStateException.class)
      .hasMessageContaining("is not a JSON object");
  }

  @Test
  void theShutdownGraceIsMillisecondsUpToTenMinutes() {
    assertThat(ServeCommand.shutdownGraceMs(null)).isEqualTo(10_000);
    assertThat(ServeCommand.shutdownGraceMs("")).isEqualTo(10_000);
    assertThat(ServeCommand.shutdownGraceMs("0")).isZero();
    assertThat(ServeCommand.shutdownGraceMs("15000")).isEqualTo(15_000);
    for (String bad : new String[] {"-1", "1.5", "10s", "600001", "99999999999", " 5"}) {
      assertThatThrownBy(() -> ServeCommand.shutdownGraceMs(bad)).as(bad).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("SHUTDOWN_GRACE_MS");
    }
  }
}
