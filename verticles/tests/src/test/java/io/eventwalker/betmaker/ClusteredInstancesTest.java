package io.eventwalker.betmaker;

import io.eventwalker.betmaker.cluster.ClusterWatch;
import io.eventwalker.betmaker.live.LiveListeners;
import io.eventwalker.platform.cluster.ClusterConfig;
import io.eventwalker.platform.cluster.Clustering;
import io.eventwalker.platform.eventbus.LocalBus;
import io.eventwalker.platform.runtime.VertxRuntime;
import io.eventwalker.testing.Await;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Two members of one service's cluster in this JVM (Hazelcast on loopback): internal requests stay
 * on the instance that sent them, live pushes reach listeners on the other, and which bets are
 * watched is known across members and forgotten with a member that leaves (SPEC §6).
 */
class ClusteredInstancesTest {

  private static final int FIRST_PORT = 15791;
  private static final int SECOND_PORT = 15792;
  private final List<Vertx> members = new CopyOnWriteArrayList<>();

  @AfterEach
  void leave() throws Exception {
    for (Vertx vertx : members) {
      vertx.close().await(30, TimeUnit.SECONDS);
    }
  }

  private Future<Vertx> member(String service, int port, int other) {
    ClusterConfig cluster = new ClusterConfig("127.0.0.1", port, List.of("127.0.0.1:" + other), 0);
    return VertxRuntime.createClustered(1, service, cluster, null).onSuccess(members::add);
  }

  @Test
  void requestsStayLocalPushesReachEveryMemberAndWatchersAreShared() throws Exception {
    String service = "test-" + UUID.randomUUID();
    Vertx first = member(service, FIRST_PORT, SECOND_PORT).await(90, TimeUnit.SECONDS);
    Vertx second = member(service, SECOND_PORT, FIRST_PORT).await(90, TimeUnit.SECONDS);
    Await.until("both members in one cluster", Duration.ofSeconds(30),
      () -> Clustering.members(first) == 2 && Clustering.members(second) == 2);

    // An internal address answers on the instance that asked, whoever else has one.
    first.eventBus().<String>localConsumer("betmaker.test.internal", msg -> msg.reply("first")).completion().await();
    second.eventBus().<String>localConsumer("betmaker.test.internal", msg -> msg.reply("second")).completion().await();
    for (int i = 0; i < 20; i++) {
      assertThat(first.eventBus().<String>request("betmaker.test.internal", "?", LocalBus.options(5_000)).await().body()).isEqualTo("first");
      assertThat(second.eventBus().<String>request("betmaker.test.internal", "?", LocalBus.options(5_000)).await().body()).isEqualTo("second");
    }

    // A live address published on one member reaches a listener on the other (as the bridges register them).
    List<JsonObject> heard = new CopyOnWriteArrayList<>();
    second.eventBus().<JsonObject>consumer("events.clustered", msg -> heard.add(msg.body())).completion().await();
    Await.until("the push to reach the other member", Duration.ofSeconds(10), () -> {
      first.eventBus().publish("events.clustered", new JsonObject().put("version", 2));
      return !heard.isEmpty();
    });
    assertThat(heard.get(0).getInteger("version")).isEqualTo(2);

    // A bet watched on the second member is one the first builds pushes for; the second leaving forgets it.
    UUID bet = UUID.randomUUID();
    ClusterWatch firstWatch = new ClusterWatch(first); // as bet-maker's BridgeState does at start-up
    firstWatch.forgetLeavingMembers();
    LiveListeners watched = new LiveListeners(firstWatch);
    ClusterWatch secondWatch = new ClusterWatch(second);
    secondWatch.watching("bets." + bet, true);
    secondWatch.watching("players.alice", true);
    Await.until("the first member to know the watched bet", Duration.ofSeconds(10),
      () -> Arrays.asList(watched.watchedBets()).contains(bet)
        && Arrays.asList(watched.watchedPlayers()).contains("alice"));
    assertThat(watched.heard().test("bets." + bet)).isTrue();
    members.remove(second);
    second.close().await(30, TimeUnit.SECONDS);
    Await.until("the first member to forget what the one that left watched", Duration.ofSeconds(30),
      () -> watched.watchedBets().length == 0 && watched.watchedPlayers().length == 0);
  }
}
