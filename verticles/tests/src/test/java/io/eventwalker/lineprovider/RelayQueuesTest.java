package io.eventwalker.lineprovider;

import io.eventwalker.testing.Await;
import io.eventwalker.testing.Backing;
import io.eventwalker.testing.Rabbit;
import io.eventwalker.testing.TestSystem;
import io.eventwalker.wire.Topology;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * An update is never published to nobody. A subscriber's queue that line-provider's RabbitMQ user
 * may not declare (permissions not updated, say) takes nothing out of service: line-provider stays
 * ready and takes changes, the updates for that subscriber wait in the outbox, and they go as soon
 * as the queue is there (the subscriber declares its own when it starts). A queue whose binding was
 * removed returns the update unrouted: it stays in the outbox, and goes once bound again.
 */
class RelayQueuesTest {

  private final String user = "lp-limited-" + UUID.randomUUID().toString().substring(0, 8);
  private final String password = UUID.randomUUID().toString();
  private TestSystem system;
  private boolean created;

  @AfterEach
  void stop() {
    if (system != null) {
      system.close();
    }
    if (created) {
      Backing.rabbitmqctl("delete_user", user);
    }
  }

  @Test
  void anUpdateReturnedUnroutedStaysInTheOutboxUntilTheQueueIsBoundAgain() {
    system = TestSystem.both();
    long deadline = Instant.now().getEpochSecond() + 3600;
    assertThat(system.lineProvider().post("/event", "{\"event_id\":\"unbound\",\"ratio\":2,\"deadline\":" + deadline + "}").status())
      .isEqualTo(201);
    assertThat(system.betMaker().post("/bet", "{\"event_id\":\"unbound\",\"sum_bet\":10}").status()).isEqualTo(201);
    try (Rabbit betMaker = Rabbit.asBetMaker()) { // anyone allowed to write to the queue may unbind it
      betMaker.channel().queueUnbind(Topology.updatesQueue(system.subscriber()), Topology.UPDATES_EXCHANGE, system.subscriber());
    } catch (Exception e) {
      throw new AssertionError(e);
    }
    assertThat(system.lineProvider().put("/event", "{\"event_id\":\"unbound\",\"status\":\"FINISHED_WIN\"}").status()).isEqualTo(200);
    Await.until("the result delivered all the same, and settled", Duration.ofSeconds(15), () -> system.count(
      "SELECT count(*) FROM " + system.bmSchema() + ".bets WHERE event_id = 'unbound' AND status = 'WON'") == 1);
  }

  @Test
  void aQueueLineProviderMayNotDeclareHoldsItsUpdatesInTheOutboxAndLineProviderStaysReady() {
    Backing.requireRunning();
    Backing.rabbitmqctl("add_user", user, password);
    created = true;
    system = TestSystem.start(false, false, line -> {
      String requests = line.getString("LINE_PROVIDER_QUEUE").replace(".", "\\.");
      // Everything line-provider needs but the subscriber queues.
      Backing.rabbitmqctl("set_permissions", "-p", "/", user,
        "^(" + requests + "|event-walker\\.event-updates|event-walker\\.dead-letter)$",
        "^(amq\\.default|event-walker\\.event-updates)$",
        "^(" + requests + "|event-walker\\.event-updates|event-walker\\.dead-letter)$");
      line.put("LP_RABBITMQ_USER", user).put("LP_RABBITMQ_PASSWORD", password);
    }, bets -> { });
    system.startLineProvider();
    String subscriber = system.subscriber();
    String queue = Topology.updatesQueue(subscriber);
    Await.until("line-provider ready without the subscriber's queue", Duration.ofSeconds(15),
      () -> system.lineProvider().get("/ready").status() == 200);

    // The subscriber is subscribed to the event (as its subscribe request would have left it).
    Redis redis = Redis.createClient(system.vertx, Backing.redis().url());
    try {
      redis.send(Request.cmd(Command.SADD).arg(system.lineProviderConfig.getString("LP_REDIS_PREFIX") + "subscribers:held")
        .arg(subscriber)).await();
    } finally {
      redis.close();
    }
    long deadline = Instant.now().getEpochSecond() + 3600;
    assertThat(system.lineProvider().post("/event", "{\"event_id\":\"held\",\"ratio\":2,\"deadline\":" + deadline + "}").status())
      .isEqualTo(201);
    assertThat(system.lineProvider().get("/ready").status()).isEqualTo(200);

    // The subscriber starts and declares its own queue: the update that waited is delivered.
    try (Rabbit betMaker = Rabbit.asBetMaker()) {
      Topology.declareUpdates(betMaker.channel(), subscriber);
      Await.until("the waiting update delivered", Duration.ofSeconds(15), () -> betMaker.messageCount(queue) == 1);
    } catch (Exception e) {
      throw new AssertionError(e);
    }
    assertThat(system.count("SELECT count(*) FROM " + system.lpSchema() + ".outbox WHERE published_at IS NULL")).isZero();
  }
}
