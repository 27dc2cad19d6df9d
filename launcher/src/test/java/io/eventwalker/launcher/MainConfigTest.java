package io.eventwalker.launcher;

import io.eventwalker.platform.runtime.ProcessConfig;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

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
    assertThat(graceMs(null)).isEqualTo(10_000);
    assertThat(graceMs("")).isEqualTo(10_000);
    assertThat(graceMs("0")).isZero();
    assertThat(graceMs("15000")).isEqualTo(15_000);
    for (String bad : new String[] {"-1", "1.5", "10s", "600001", "99999999999", " 5"}) {
      assertThatThrownBy(() -> graceMs(bad)).as(bad).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("SHUTDOWN_GRACE_MS");
    }
  }

  @Test
  void theEventLoopsAreVertxsOwnUnlessSetFrom1To999() {
    assertThat(process(Map.of()).eventLoops()).as("Vert.x's default").isZero();
    assertThat(process(Map.of("EVENT_LOOPS", "4")).eventLoops()).isEqualTo(4);
    for (String bad : new String[] {"0", "1000", "two"}) {
      assertThatThrownBy(() -> process(Map.of("EVENT_LOOPS", bad))).as(bad).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("EVENT_LOOPS");
    }
  }

  @Test
  void theProcessSettingsComeFromTheConfigurationDirectoryWhenItHasThem(@TempDir Path dir) throws Exception {
    assertThat(ProcessConfig.read(ConfigFiles.process(dir.toString(), Map.of())).graceMs()).as("the jar's, when DIR has none")
      .isEqualTo(10_000);
    Files.writeString(dir.resolve("process.json"), ConfigFiles.read("process", null).put("SHUTDOWN_GRACE_MS", 3000).encode());
    assertThat(ProcessConfig.read(ConfigFiles.process(dir.toString(), Map.of())).graceMs()).isEqualTo(3000);
    assertThat(ProcessConfig.read(ConfigFiles.process(dir.toString(), Map.of("SHUTDOWN_GRACE_MS", "4000"))).graceMs())
      .as("the environment on top").isEqualTo(4000);
  }

  private static long graceMs(String value) {
    Map<String, String> env = new HashMap<>();
    env.put("SHUTDOWN_GRACE_MS", value);
    return process(env).graceMs();
  }

  private static ProcessConfig process(Map<String, String> env) {
    return ProcessConfig.read(ConfigFiles.process(null, env));
  }
}
