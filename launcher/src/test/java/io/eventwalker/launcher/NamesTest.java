package io.eventwalker.launcher;

import io.eventwalker.betmaker.config.BetMakerConfig;
import io.eventwalker.lineprovider.config.LineProviderConfig;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** {@code names}: what scripts read instead of spelling names and addresses again, from the configuration as given. */
class NamesTest {

  private static final String SECRET = "a-secret-of-at-least-thirty-two-bytes!!";

  private static JsonObject conf(String service, JsonObject overrides) throws Exception {
    return new JsonObject(Files.readString(Path.of("..", "conf", service + ".json"))).put("AUTH_JWT_SECRET", SECRET).mergeIn(overrides);
  }

  @Test
  void namesWhereEverythingIsAsConfiguredAndNoPassword() throws Exception {
    JsonObject overrides = new JsonObject().put("LP_HTTP_PORT", 18101).put("BM_HTTP_PORT", 18100).put("BM_TCP_BRIDGE_PORT", "18102")
      .put("PG_HOST", "db.internal").put("PG_PORT", 5433).put("PG_PASSWORD", "pg-password-never-shown")
      .put("REDIS_URL", "redis://:redis-password-never-shown@[::1]:6380").put("RABBITMQ_PORT", 5673).put("RABBITMQ_VHOST", "dev")
      .put("LP_RABBITMQ_PASSWORD", "lp-password-never-shown").put("BM_RABBITMQ_PASSWORD", "bm-password-never-shown")
      .put("LP_PG_SCHEMA", "lp_names").put("BM_PG_SCHEMA", "bm_names");
    JsonObject names = Names.of(LineProviderConfig.read(conf("line-provider", overrides)), BetMakerConfig.read(conf("bet-maker", overrides)));

    assertThat(names.getJsonObject("line-provider").getInteger("http_port")).isEqualTo(18101);
    assertThat(names.getJsonObject("line-provider").getString("http_host")).isEqualTo("0.0.0.0");
    assertThat(names.getJsonObject("line-provider").getString("schema")).isEqualTo("lp_names");
    assertThat(names.getJsonObject("bet-maker").getInteger("http_port")).isEqualTo(18100);
    assertThat(names.getJsonObject("bet-maker").getInteger("tcp_bridge_port")).isEqualTo(18102);
    assertThat(names.getJsonObject("bet-maker").getString("schema")).isEqualTo("bm_names");
    assertThat(names.getJsonObject("postgres")).isEqualTo(new JsonObject()
      .put("host", "db.internal").put("port", 5433).put("database", "postgres").put("user", "postgres"));
    assertThat(names.getJsonObject("redis")).isEqualTo(new JsonObject().put("host", "::1").put("port", 6380));
    assertThat(names.getJsonObject("rabbitmq")).isEqualTo(new JsonObject().put("host", "127.0.0.1").put("port", 5673).put("vhost", "dev"));
    assertThat(names.encode()).doesNotContain("never-shown").doesNotContain(SECRET);
  }

  @Test
  void theDefaultsAreThoseOfTheShippedConfiguration() throws Exception {
    JsonObject names = Names.of(LineProviderConfig.read(conf("line-provider", new JsonObject())),
      BetMakerConfig.read(conf("bet-maker", new JsonObject())));
    assertThat(names.getJsonObject("line-provider").getInteger("http_port")).isEqualTo(8001);
    assertThat(names.getJsonObject("bet-maker").getInteger("http_port")).isEqualTo(8000);
    assertThat(names.getJsonObject("bet-maker").getValue("tcp_bridge_port")).as("no TCP bridge unless configured").isNull();
    assertThat(names.getJsonObject("redis")).isEqualTo(new JsonObject().put("host", "127.0.0.1").put("port", 6379));
    assertThat(names.getJsonObject("line-provider").getJsonObject("redis_keys")).isEqualTo(new JsonObject()
      .put("exact", new JsonArray().add("lp:subscribers-all").add("lp:subscriptions-complete"))
      .put("starting_with", new JsonArray().add("lp:subscribers:").add("lp:rate:")));
    assertThat(names.getJsonObject("bet-maker").getJsonObject("redis_keys")).isEqualTo(new JsonObject()
      .put("exact", new JsonArray()).put("starting_with", new JsonArray().add("event-walker:bet-maker:rate:")));
  }

  @Test
  void aRedisUrlThatIsNoUrlIsRefusedWithoutItsPassword() {
    assertThatThrownBy(() -> Names.redis("redis://:hunter2 secret@127.0.0.1:6379"))
      .isInstanceOf(IllegalArgumentException.class)
      .hasMessageContaining("REDIS_URL")
      .hasMessageNotContaining("hunter2");
  }
}
