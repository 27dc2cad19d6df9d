package io.eventwalker.platform.messaging;

import io.eventwalker.platform.Lifecycle;
import io.eventwalker.platform.dependencies.Dependency;
import io.eventwalker.platform.dependencies.Diagnosis;
import io.eventwalker.platform.metrics.Meters;
import io.eventwalker.platform.http.Problem;
import io.eventwalker.platform.http.Failures;
import io.micrometer.core.instrument.Counter;
import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.Envelope;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.Message;

import java.util.concurrent.TimeUnit;

/**
 * One RabbitMQ connection and channel owned by one bridge verticle.
 *
 * <p>Every blocking client call runs, in order, on the connector's own thread ({@link RabbitThread}),
 * never on an event loop; results come back on the verticle's context. The connector reconnects by
 * itself ({@link RabbitRecovery}), waiting {@code RABBITMQ_RECONNECT_MS} after a failure and twice as
 * long after each further one, up to {@code DEPENDENCY_RETRY_MAX_MS}; its failures go to the
 * process's {@code OutageLog} (the broker, vhost and user named, what to do, at most one line per
 * interval). On every (re)connect it runs the verticle's {@link Setup} to declare its topology and
 * start its consumers again. Deliveries carry the generation of the connection they came from
 * ({@link RabbitConsumers}): an ack for an older connection is dropped (the broker redelivers that
 * message), so a reconnect never produces "unknown delivery tag" channel errors.
 */
public final class RabbitConnector {

  /** Work on the current channel, run on the connector's thread. */
  public interface ChannelTask<T> {
    T run(Channel channel) throws Exception;
  }

  /** Declares topology and starts consumers on a fresh channel; runs on every (re)connect. */
  public interface Setup {
    void onConnected(RabbitConnector connector, Channel channel) throws Exception;
  }

  /** A message as a consumer receives it. */
  public record Delivery(long generation, Envelope envelope, AMQP.BasicProperties properties, Buffer body) {
    public long deliveryTag() {
      return envelope.getDeliveryTag();
    }
  }

  private final Vertx vertx;
  private final Dependency broker;
  private final long callTimeoutMs;
  private final String user;
  private final RabbitThread thread;
  private final RabbitConsumers consumers;
  private final RabbitRecovery recovery;
  private final Lifecycle.Drain drain;

  public RabbitConnector(Vertx vertx, RabbitConfig config, String name, Meters meters, Setup setup) {
    this.vertx = vertx;
    // rabbitmq_reconnects_total and rabbitmq_consumers_cancelled_total of this connection, there from the start.
    Counter reconnects = meters.counter("rabbitmq_reconnects", "connections to RabbitMQ made again after one was lost, by connection",
      "connection", name);
    Counter consumersCancelled = meters.counter("rabbitmq_consumers_cancelled", "consumers the broker cancelled (their queue deleted),"
      + " by connection", "connection", name);
    Context context = vertx.getOrCreateContext();
    this.callTimeoutMs = config.callTimeoutMs();
    this.user = config.user();
    this.broker = config.dependency();
    this.thread = new RabbitThread(context, name);
    this.consumers = new RabbitConsumers(this, vertx, context, name, consumersCancelled);
    this.recovery = new RabbitRecovery(vertx, context, config, name, thread, reconnects, consumers::reset, ch -> {
      setup.onConnected(this, ch);
      return null;
    });
    this.drain = consumers::drain;
  }

  /**
   * Makes the first connection attempt and completes when it is done, successful or not: a broker
   * that is down delays messaging, it never stops the service from starting. Later attempts
   * continue in the background.
   */
  public Future<Void> start() {
    Lifecycle.of(vertx).working(drain);
    return recovery.start();
  }

  /** The RabbitMQ user this connector connects as (what the broker validates a published {@code user-id} against). */
  public String user() {
    return user;
  }

  /** Called on the verticle's context after every successful (re)connect and set-up. */
  public RabbitConnector onConnected(Handler<Void> handler) {
    recovery.onConnected(handler);
    return this;
  }

  public boolean isConnected() {
    Channel current = recovery.channel();
    return current != null && current.isOpen() && !recovery.isStopped();
  }

  /** Whether the broker has blocked publishing (a memory or disk alarm). */
  public boolean isBlocked() {
    return recovery.isBlocked();
  }

  public long generation() {
    return recovery.generation();
  }

  /**
   * Runs {@code task} on the current channel; fails at once when there is no connection, and after
   * {@code RABBITMQ_CALL_TIMEOUT_MS} if the client is stuck (a broker alarm blocks publishers).
   */
  public <T> Future<T> call(ChannelTask<T> task) {
    return call(task, callTimeoutMs);
  }

  /** {@link #call(ChannelTask)} with its own timeout (for a wait longer than usual, such as confirms). */
  public <T> Future<T> call(ChannelTask<T> task, long timeoutMs) {
    Channel current = recovery.channel();
    if (current == null || !current.isOpen()) {
      return Future.failedFuture(new IllegalStateException("RabbitMQ is not connected"));
    }
    return thread.call(current, task, timeoutMs);
  }

  /** Answers a readiness probe: "UP" when connected and not blocked by a broker alarm; otherwise the broker and why not. */
  public void answerReadiness(Message<String> probe) {
    if (!isConnected()) {
      Diagnosis why = recovery.failing();
      Failures.reply(probe, Problem.of(503, broker + ": " + (why != null ? why.summary() : "not connected")));
    } else if (recovery.isBlocked()) {
      Failures.reply(probe, Problem.of(503, broker + ": publishing blocked by a broker alarm"));
    } else {
      probe.reply("UP");
    }
  }

  /** Acknowledges a delivery, unless it came from an earlier connection (the broker will redeliver it). */
  public Future<Void> ack(Delivery delivery) {
    return consumers.ack(delivery);
  }

  /**
   * Runs {@code task} (a reply, say) and acknowledges {@code delivery} right after it on the same
   * channel, unless the delivery came from an earlier connection.
   */
  public Future<Void> ackAfter(Delivery delivery, ChannelTask<Void> task) {
    return consumers.ackAfter(delivery, task);
  }

  /**
   * Starts a consumer on {@code queue} whose deliveries are handed to {@code handler} on the
   * verticle's context. Call it from {@link Setup#onConnected}.
   */
  public void consume(Channel ch, String queue, boolean autoAck, Handler<Delivery> handler) throws Exception {
    consumers.consume(ch, queue, autoAck, handler);
  }

  public Future<Void> stop() {
    recovery.stopping();
    Lifecycle.of(vertx).done(drain);
    Future<Void> closed = recovery.close();
    thread.shutdown();
    return closed.timeout(5, TimeUnit.SECONDS).recover(e -> Future.succeededFuture());
  }

  boolean isStopped() {
    return recovery.isStopped();
  }

  /** Closes {@code conn} on the connector's thread (a fresh connection follows). */
  void closeLater(Connection conn) {
    recovery.closeLater(conn);
  }
}
