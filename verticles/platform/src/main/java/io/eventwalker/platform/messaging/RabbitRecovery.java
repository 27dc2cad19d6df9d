package io.eventwalker.platform.messaging;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.ShutdownSignalException;
import io.eventwalker.platform.dependencies.Backoff;
import io.eventwalker.platform.dependencies.Dependency;
import io.eventwalker.platform.dependencies.Diagnosis;
import io.eventwalker.platform.dependencies.OutageLog;
import io.eventwalker.platform.messaging.RabbitConnector.ChannelTask;
import io.micrometer.core.instrument.Counter;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.RejectedExecutionException;

/**
 * A {@link RabbitConnector}'s connection and channel, kept up: connects on its thread, runs the
 * set-up on every fresh channel, notices a lost connection or a closed channel, and connects again
 * after {@code RABBITMQ_RECONNECT_MS}, twice as long after each further failure, up to
 * {@code DEPENDENCY_RETRY_MAX_MS}. Failures go to the process's {@link OutageLog}. Each connection
 * is a new generation, which its deliveries carry.
 */
final class RabbitRecovery {

  /** Logged as the connector's lines. */
  private static final Logger LOG = LoggerFactory.getLogger(RabbitConnector.class);

  private final Vertx vertx;
  private final Context context;
  private final String name;
  private final RabbitThread thread;
  private final ChannelTask<Void> setup;
  private final Runnable newConnection;
  private final ConnectionFactory factory;
  private final Dependency broker;
  private final long logIntervalMs;
  private final Backoff backoff;
  private final Counter reconnects;
  /** Why the last attempt failed, while not connected (for readiness). */
  private volatile Diagnosis failing;
  /** Connections made so far (touched on the connector's thread only). */
  private int connections;

  private volatile Handler<Void> connectedHandler = v -> { };
  private volatile Connection connection;
  private volatile Channel channel;
  private volatile long generation;
  private volatile boolean blocked;
  private volatile boolean stopped;

  /** {@code newConnection}: told of each connection before {@code setup} runs on its channel. */
  RabbitRecovery(Vertx vertx, Context context, RabbitConfig config, String name, RabbitThread thread, Counter reconnects,
                 Runnable newConnection, ChannelTask<Void> setup) {
    this.vertx = vertx;
    this.context = context;
    this.name = name;
    this.thread = thread;
    this.reconnects = reconnects;
    this.newConnection = newConnection;
    this.setup = setup;
    this.backoff = new Backoff(config.reconnectMs(), config.dependencies().retryMaxMs());
    this.logIntervalMs = config.dependencies().logIntervalMs();
    this.broker = config.dependency();
    this.factory = RabbitConnections.factory(config);
  }

  void onConnected(Handler<Void> handler) {
    this.connectedHandler = handler;
  }

  /** The current channel, or null while not connected. */
  Channel channel() {
    return channel;
  }

  long generation() {
    return generation;
  }

  boolean isBlocked() {
    return blocked;
  }

  boolean isStopped() {
    return stopped;
  }

  /** Why the last attempt failed, or null. */
  Diagnosis failing() {
    return failing;
  }

  /** Makes the first attempt; completes when it is done, successful or not. */
  Future<Void> start() {
    Promise<Void> attempted = Promise.promise();
    submitConnect(attempted);
    return attempted.future();
  }

  /** No more reconnects from now on. */
  void stopping() {
    stopped = true;
  }

  /** Closes the connection on the connector's thread; completes when it is closed (or the thread takes no more). */
  Future<Void> close() {
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
    return closed.future();
  }

  /** Closes {@code conn} on the connector's thread: its shutdown brings a fresh connection. */
  void closeLater(Connection conn) {
    thread.execute(() -> closeQuietly(conn));
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
      newConnection.run();
      Connection owned = conn;
      conn.addBlockedListener(RabbitConnections.blockedListener(name, nowBlocked -> blocked = nowBlocked));
      conn.addShutdownListener(cause -> onShutdown(owned, cause));
      ch.addShutdownListener(cause -> {
        // Whoever closed it (the broker on an error, or the client itself, as waitForConfirmsOrDie
        // does on a timeout), a closed channel means a fresh connection: the next one redeclares
        // everything and restarts the consumers.
        if (!stopped && !cause.isHardError() && channel == ch) {
          LOG.warn("{}: channel closed ({}); reconnecting", name, cause.getMessage());
          closeLater(owned);
        }
      });
      setup.run(ch);
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
