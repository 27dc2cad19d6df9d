package io.eventwalker.platform.cluster;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ClusterConfigTest {

  @Test
  void withoutClusterSettingsThereIsNoCluster() {
    assertThat(ClusterConfig.from(Map.of())).isEmpty();
    assertThat(ClusterConfig.from(Map.of("CLUSTER_HOST", " ", "CLUSTER_MEMBERS", ""))).isEmpty();
  }

  @Test
  void readsThisMembersAddressAndTheOthers() {
    ClusterConfig cluster = ClusterConfig.from(Map.of("CLUSTER_HOST", "10.0.0.5", "CLUSTER_PORT", "5801",
      "CLUSTER_MEMBERS", "10.0.0.6:5801, bet-maker")).orElseThrow();
    assertThat(cluster.host()).isEqualTo("10.0.0.5");
    assertThat(cluster.port()).isEqualTo(5801);
    assertThat(cluster.members()).isEqualTo(List.of("10.0.0.6:5801", "bet-maker"));
    assertThat(cluster.busPort()).isZero();
  }

  @Test
  void anyOneSettingTurnsItOnWithDefaultsForTheRest() {
    ClusterConfig cluster = ClusterConfig.from(Map.of("CLUSTER_MEMBERS", "a:1")).orElseThrow();
    assertThat(cluster.host()).isNull();
    assertThat(cluster.port()).isEqualTo(ClusterConfig.DEFAULT_PORT);
  }

  @Test
  void aSettingThatCannotBeUsedStopsStartUpNamingIt() {
    assertThatThrownBy(() -> ClusterConfig.from(Map.of("CLUSTER_PORT", "70000"))).hasMessageContaining("CLUSTER_PORT");
    assertThatThrownBy(() -> ClusterConfig.from(Map.of("CLUSTER_PORT", "x"))).hasMessageContaining("CLUSTER_PORT");
    assertThatThrownBy(() -> ClusterConfig.from(Map.of("CLUSTER_MEMBERS", "a:1;b:2"))).hasMessageContaining("CLUSTER_MEMBERS");
    assertThatThrownBy(() -> ClusterConfig.from(Map.of("CLUSTER_HOST", "a b"))).hasMessageContaining("CLUSTER_HOST");
    assertThatThrownBy(() -> ClusterConfig.from(Map.of("CLUSTER_MEMBERS", "a", "CLUSTER_BUS_PORT", "-1")))
      .hasMessageContaining("CLUSTER_BUS_PORT");
  }

  @Test
  void aMemberNamedByAHostIsEveryAddressItHasWithTheDefaultPort() {
    ClusterConfig cluster = ClusterConfig.from(Map.of("CLUSTER_PORT", "5801", "CLUSTER_MEMBERS", "localhost,10.0.0.6:5901")).orElseThrow();
    assertThat(Clustering.members(cluster)).startsWith("localhost:5801").contains("127.0.0.1:5801", "10.0.0.6:5901");
  }
}
