package io.eventwalker.platform.cluster;

import io.eventwalker.platform.config.Settings;
import io.eventwalker.testing.ProjectFiles;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ClusterConfigTest {

  /** The process's settings as shipped (conf/process.json), with {@code set} on top. */
  private static Optional<ClusterConfig> cluster(Map<String, String> set) {
    try {
      JsonObject conf = new JsonObject(Files.readString(ProjectFiles.path("conf", "process.json")));
      set.forEach(conf::put);
      return ClusterConfig.read(new Settings("process", conf));
    } catch (IOException e) {
      throw new AssertionError("cannot read conf/process.json", e);
    }
  }

  @Test
  void withoutClusterSettingsThereIsNoCluster() {
    assertThat(cluster(Map.of())).isEmpty();
    assertThat(cluster(Map.of("CLUSTER_HOST", " ", "CLUSTER_MEMBERS", ""))).isEmpty();
  }

  @Test
  void readsThisMembersAddressAndTheOthers() {
    ClusterConfig cluster = cluster(Map.of("CLUSTER_HOST", "10.0.0.5", "CLUSTER_PORT", "5801",
      "CLUSTER_MEMBERS", "10.0.0.6:5801, bet-maker")).orElseThrow();
    assertThat(cluster.host()).isEqualTo("10.0.0.5");
    assertThat(cluster.port()).isEqualTo(5801);
    assertThat(cluster.members()).isEqualTo(List.of("10.0.0.6:5801", "bet-maker"));
    assertThat(cluster.busPort()).isZero();
  }

  @Test
  void anyOneSettingTurnsItOnWithTheFilesValuesForTheRest() {
    ClusterConfig cluster = cluster(Map.of("CLUSTER_MEMBERS", "a:1")).orElseThrow();
    assertThat(cluster.host()).isNull();
    assertThat(cluster.port()).isEqualTo(5701);
    assertThat(cluster(Map.of("CLUSTER_HOST", "10.0.0.5"))).isPresent();
  }

  @Test
  void aSettingThatCannotBeUsedStopsStartUpNamingIt() {
    assertThatThrownBy(() -> cluster(Map.of("CLUSTER_PORT", "70000"))).hasMessageContaining("CLUSTER_PORT");
    assertThatThrownBy(() -> cluster(Map.of("CLUSTER_PORT", "x"))).hasMessageContaining("CLUSTER_PORT");
    assertThatThrownBy(() -> cluster(Map.of("CLUSTER_MEMBERS", "a:1;b:2"))).hasMessageContaining("CLUSTER_MEMBERS");
    assertThatThrownBy(() -> cluster(Map.of("CLUSTER_HOST", "a b"))).hasMessageContaining("CLUSTER_HOST");
    assertThatThrownBy(() -> cluster(Map.of("CLUSTER_MEMBERS", "a", "CLUSTER_BUS_PORT", "-1")))
      .hasMessageContaining("CLUSTER_BUS_PORT");
  }

  @Test
  void aMemberNamedByAHostIsEveryAddressItHasWithTheDefaultPort() {
    ClusterConfig cluster = cluster(Map.of("CLUSTER_PORT", "5801", "CLUSTER_MEMBERS", "localhost,10.0.0.6:5901")).orElseThrow();
    assertThat(Clustering.members(cluster)).startsWith("localhost:5801").contains("127.0.0.1:5801", "10.0.0.6:5901");
  }
}
