package io.eventwalker.platform.messaging;

import io.eventwalker.platform.Lifecycle;
import io.eventwalker.platform.dependencies.Backoff;
import io.eventwalker.platform.dependencies.Dependency;
import io.eventwalker.platform.dependencies.Diagnosis;
import io.eventwalker.platform.dependencies.OutageLog;
import io.eventwalker.platform.metrics.Meters;
import io.eventwalker.platform.http.Problem;
import io.eventwalker.platform.http.Failures;
import io.micrometer.core.instrument.Counter;
import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.DefaultConsumer;
import com.rabbitmq.client.Envelope;
import com.rabbitmq.client.ShutdownSignalException;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.Message;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One RabbitMQ connection and channel owned by one bridge verticle.
 *
 * <p>Every blocking client call runs, in order, on the connector's own thread, never on an event
 * loop; results come back on the verticle's context. The connector reconnects by itself, waiting
 * {@code RABBITMQ_RECONNECT_MS} after a failure and twice as long after each further one, up to
 * {@code DEPENDENCY_RETRY_MAX_MS}; its failures go to the process's {@link OutageLog} (the broker,
 * vhost and user named, what to do, at most one line per interval). On every (re)connect it runs
 * the verticle's {@link Setup} to declare its
 * topology and start its consumers again. Deliveries carry the generation of the connection they
 * came from: an ack for an older connection is dropped (the broker redelivers that message), so
 * a reconnect never produces "unknown delivery tag" channel errors.
 */
public final class RabbitConnector {

  private static final Logger LOG = LoggerFactory.getLogger(RabbitConnector.class);

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
  private final Context context;
  private final String name;
  private final Setup setup;
  private final ConnectionFactory factory;
  private final Dependency broker;
  private final long logIntervalMs;
  private final Backoff backoff;
  /** Why the last attempt failed, while not connected (for readiness). */
  private volatile Diagnosis failing;
  /** Connections made so far (touched on the connector's thread only). */
  private int connections;
  private final long callTimeoutMs;
  private final ThreadPoolExecutor thread;
  private final String user;
  /** {@code rabbitmq_reconnects_total} and {@code rabbitmq_consumers_cancelled_total} of this connection, there from the start. */
  private final Counter reconnects;
  private final Counter consumersCancelled;

  private volatile Handler<Void> connectedHandler = v -> { };
  private volatile Connection connection;
  private volatile Channel channel;
  private volatile long generation;
  private volatile boolean blocked;
  private volatile boolean stopped;
  /** Set on the way out ({@link Lifecycle}): consumers that acknowledge take no more messages. */
  private volatile boolean draining;
  /** Tags of this connection's consumers that acknowledge their messages. */
  private final List<String> workTags = new CopyOnWriteArrayList<>();
  /** Messages of this connection's acknowledging consumers handed out and not yet acknowledged. */
  private final AtomicInteger holding = new AtomicInteger();
  private final Lifecycle.Drain drain = this::drain;

  public RabbitConnector(Vertx vertx, RabbitConfig config, String name, Meters meters, Setup setup) {
    this.vertx = vertx;
    this.reconnects = meters.counter("rabbitmq_reconnects", "connections to RabbitMQ made again after one was lost, by connection",
      "connection", name);
    this.consumersCancelled = meters.counter("rabbitmq_consumers_cancelled", "consumers the broker cancelled (their queue deleted),"
      + " by connection", "connection", name);
    this.context = vertx.getOrCreateContext();
    this.name = name;
    this.setup = setup;
    this.backoff = new Backoff(config.reconnectMs(), config.dependencies().retryMaxMs());
    this.logIntervalMs = config.dependencies().logIntervalMs();
    this.callTimeoutMs = config.callTimeoutMs();
    this.user = config.user();
    this.broker = config.dependency();
    this.factory = RabbitConnections.factory(config);
    this.thread = new ThreadPoolExecutor(1, 1, 0, TimeUnit.MILLISECONDS, new ArrayBlockingQueue<>(10_000), runnable -> {
      Thread t = new Thread(runnable, "rabbitmq-" + name);
      t.setDaemon(true);
      return t;
    });
  }

  /**
   * Makes the first connection attempt and completes when it is done, successful or not: a broker
   * that is down delays messaging, it never stops the service from starting. Later attempts
   * continue in the background.
   */
  public Future<Void> start() {
    Lifecycle.of(vertx).working(drain);
    Promise<Void> attempted = Promise.promise();
    submitConnect(attempted);
    return attempted.future();
  }

  /** The RabbitMQ user this connector connects as (what the broker validates a published {@code user-id} against). */
  public String user() {
    return user;
  }

  /** Called on the verticle's context after every successful (re)connect and set-up. */
  public RabbitConnector onConnected(Handler<Void> handler) {
    this.connectedHandler = handler;
    return this;
  }

  public boolean isConnected() {
    Channel current = channel;
    return current != null && current.isOpen() && !stopped;
  }

  /** Whether the broker has blocked publishing (a memory or disk alarm). */
  public boolean isBlocked() {
    return blocked;
  }

  public long generation() {
    return generation;
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
    Channel current = channel;
    if (current == null || !current.isOpen()) {
      return Future.failedFuture(new IllegalStateException("RabbitMQ is not connected"));
    }
    Promise<T> promise = Promise.promise();
    try {
      thread.execute(() -> {
        try {
          T result = task.run(current);
          context.runOnContext(v -> promise.complete(result));
        } catch (Exception e) {
          context.runOnContext(v -> promise.fail(e));
        }
      });
    } catch (RejectedExecutionException e) {
      return Future.failedFuture(new IllegalStateException("RabbitMQ client is saturated", e));
    }
    return promise.future().timeout(timeoutMs, TimeUnit.MILLISECONDS);
  }

  /** Answers a readiness probe: "UP" when connected and not blocked by a broker alarm; otherwise the broker and why not. */
  public void answerReadiness(Message<String> probe) {
    if (!isConnected()) {
      Diagnosis why = failing;
      Failures.reply(probe, Problem.of(503, broker + ": " + (why != null ? why.summary() : "not connected")));
    } else if (blocked) {
      Failures.reply(probe, Problem.of(503, broker + ": publishing blocked by a broker alarm"));
    } else {
      probe.reply("UP");
    }
  }

  /** Acknowledges a delivery, unless it came from an earlier connection (the broker will redeliver it). */
  public Future<Void> ack(Delivery delivery) {
    if (delivery.generation() != generation) {
      LOG.debug("{}: not acking delivery {} of an earlier connection", name, delivery.deliveryTag());
      return Future.succeededFuture();
    }
    return ackAfter(delivery, ch -> null);
  }

  /**
   * Runs {@code task} (a reply, say) and acknowledges {@code delivery} right after it on the same
   * channel, unless the delivery came from an earlier connection.
   */
  public Future<Void> ackAfter(Delivery delivery, ChannelTask<Void> task) {
    return this.<Void>call(ch -> {
      task.run(ch);
      if (delivery.generation() == generation) {
        ch.basicAck(delivery.deliveryTag(), false);
      }
      return null;
    }).onComplete(acked -> {
      if (delivery.generation() == generation) {
        holding.decrementAndGet();
      }
    });
  }

  /**
   * Starts a consumer on {@code queue} whose deliveries are handed to {@code handler} on the
   * verticle's context. Call it from {@link Setup#onConnected}.
   */
  public void consume(Channel ch, String queue, boolean autoAck, Handler<Delivery> handler) throws Exception {
    if (draining && !autoAck) {
      return;
    }
    long consumerGeneration = generation;
    String tag = ch.basicConsume(queue, autoAck, new DefaultConsumer(ch) {
      @Override
      public void handleDelivery(String tag, Envelope envelope, AMQP.BasicProperties properties, byte[] body) {
        Delivery delivery = new Delivery(consumerGeneration, envelope, properties, Buffer.buffer(body));
        if (!autoAck && consumerGeneration == generation) {
          holding.incrementAndGet();
        }
        context.runOnContext(v -> handler.handle(delivery));
      }

      /**
       * The broker cancelled the consumer (its queue was deleted, say): a fresh connection declares
       * the queue again and consumes from it; without this, nothing would consume while the
       * connection looked healthy.
       */
      @Override
      public void handleCancel(String consumerTag) {
        if (!stopped && consumerGeneration == generation) {
          LOG.warn("{}: RabbitMQ cancelled the consumer of {} (the queue was deleted?); reconnecting", name, queue);
          consumersCancelled.increment();
          Connection owned = ch.getConnection();
          thread.execute(() -> closeQuietly(owned));
        }
      }
    });
    if (!autoAck) {
      workTags.add(tag);
    }
  }

  /**
   * On the way out: the consumers that acknowledge stop taking messages (a reply consumer goes on,
   * as requests in flight still wait for their replies), and this completes once every message they
   * hold is acknowledged, or at {@code deadlineMillis} (the broker then hands what is left to
   * another consumer, or to this service's next start).
   */
  private Future<Void> drain(long deadlineMillis) {
    draining = true;
    if (workTags.isEmpty()) {
      return Future.succeededFuture();
    }
    Promise<Void> drained = Promise.promise();
    call(ch -> {
      for (String tag : workTags) {
        ch.basicCancel(tag);
      }
      return null;
    }).onComplete(cancelled -> awaitAcks(deadlineMillis, drained));
    return drained.future();
  }

  private void awaitAcks(long deadlineMillis, Promise<Void> drained) {
    if (holding.get() <= 0 || !isConnected()) {
      drained.complete();
    } else if (System.currentTimeMillis() >= deadlineMillis) {
      LOG.warn("{}: shutting down with {} RabbitMQ messages not done; the broker delivers them again", name, holding.get());
      drained.complete();
    } else {
      vertx.setTimer(20, id -> awaitAcks(deadlineMillis, drained));
    }
  }

  public Future<Void> stop() {
    stopped = true;
    Lifecycle.of(vertx).done(drain);
    Promise<Void> closed = Promise.promise();
    try {
      thread.execute(() -> {
        closeQuietly(connection);
        connection = null;
        channel = null;
        context.runOnContext(v -> closed.complete());
      });
    } catch (RejectedExecutionException e) {
      closed.tryComplete();
    }
    thread.shutdown();
    return closed.future().timeout(5, TimeUnit.SECONDS).recover(e -> Future.succeededFuture());
  }

  private void submitConnect(Promise<Void> attempted) {
    if (stopped) {
      attempted.tryComplete();
      return;
    }
    try {
      thread.execute(() -> connect(attempted));
    } catch (RejectedExecutionException e) {
      attempted.tryComplete();
    }
  }

  private void connect(Promise<Void> attempted) {
    Connection conn = null;
    try {
      conn = factory.newConnection("event-walker-" + name);
      Channel ch = conn.createChannel();
      long nextGeneration = generation + 1;
      generation = nextGeneration;
      workTags.clear();
      holding.set(0);
      Connection owned = conn;
      conn.addBlockedListener(RabbitConnections.blockedListener(name, nowBlocked -> blocked = nowBlocked));
      conn.addShutdownListener(cause -> onShutdown(owned, cause));
      ch.addShutdownListener(cause -> {
        // Whoever closed it (the broker on an error, or the client itself, as waitForConfirmsOrDie
        // does on a timeout), a closed channel means a fresh connection: the next one redeclares
        // everything and restarts the consumers.
        if (!stopped && !cause.isHardError() && channel == ch) {
          LOG.warn("{}: channel closed ({}); reconnecting", name, cause.getMessage());
          thread.execute(() -> closeQuietly(owned));
        }
      });
      setup.onConnected(this, ch);
      blocked = false;
      connection = conn;
      channel = ch;
      if (!conn.isOpen()) {
        // Lost while the set-up ran: its shutdown listener saw no current connection to replace.
        connection = null;
        channel = null;
        scheduleReconnect();
        return;
      }
      LOG.info("{}: connected to {}", name, broker);
      failing = null;
      backoff.reset();
      OutageLog.of(vertx).recovered(broker, name);
      if (connections++ > 0) {
        reconnects.increment();
      }
      context.runOnContext(connectedHandler);
    } catch (Exception e) {
      failing = OutageLog.of(vertx).failed(broker, name, e, logIntervalMs);
      closeQuietly(conn);
      scheduleReconnect();
    } finally {
      context.runOnContext(v -> attempted.tryComplete());
    }
  }

  private void onShutdown(Connection conn, ShutdownSignalException cause) {
    if (stopped || conn != connection) {
      return; // a connection we already gave up on, or our own shutdown
    }
    LOG.warn("{}: connection to {} lost ({}); reconnecting", name, broker, cause.getMessage());
    connection = null;
    channel = null;
    blocked = false;
    scheduleReconnect();
  }

  private void scheduleReconnect() {
    if (stopped) {
      return;
    }
    vertx.setTimer(backoff.next(), id -> submitConnect(Promise.promise()));
  }

  private void closeQuietly(Connection conn) {
    if (conn == null) {
      return;
    }
    try {
      if (conn.isOpen()) {
        conn.close(1_000);
      }
    } catch (Exception e) {
      LOG.debug("{}: closing the connection: {}", name, e.getMessage());
    }
  }
}
