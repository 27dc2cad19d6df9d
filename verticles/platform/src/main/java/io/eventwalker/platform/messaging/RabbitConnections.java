package io.eventwalker.platform.messaging;

import com.rabbitmq.client.BlockedListener;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.impl.DefaultExceptionHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.function.Consumer;

/**
 * The RabbitMQ client's connection factory for a service, from its {@link RabbitConfig}: its own
 * reconnects only ({@link RabbitConnector}), no automatic recovery, and no WARN of the client's
 * own for a connection that breaks or is refused (the connector reports that itself, naming the
 * broker, vhost and user, and at most once per {@code DEPENDENCY_LOG_INTERVAL_MS}); and what a
 * connection tells of the broker's alarms.
 */
final class RabbitConnections {

  private static final Logger LOG = LoggerFactory.getLogger(RabbitConnections.class);

  private RabbitConnections() {
  }

  static ConnectionFactory factory(RabbitConfig config) {
    ConnectionFactory factory = new ConnectionFactory();
    factory.setHost(config.host());
    factory.setPort(config.port());
    factory.setUsername(config.user());
    factory.setPassword(config.password());
    factory.setVirtualHost(config.vhost());
    factory.setConnectionTimeout(config.connectTimeoutMs());
    factory.setHandshakeTimeout(config.connectTimeoutMs());
    factory.setRequestedHeartbeat(config.heartbeatS());
    factory.setAutomaticRecoveryEnabled(false);
    factory.setTopologyRecoveryEnabled(false);
    factory.setShutdownTimeout(1_000);
    factory.setExceptionHandler(new ReportedByTheConnector());
    return factory;
  }

  /**
   * Tells {@code blocked} when the broker blocks the connection's publishing (a memory or disk
   * alarm: a WARN) and when it unblocks it (INFO).
   */
  static BlockedListener blockedListener(String name, Consumer<Boolean> blocked) {
    return new BlockedListener() {
      @Override
      public void handleBlocked(String reason) {
        LOG.warn("{}: RabbitMQ blocked publishing: {}", name, reason);
        blocked.accept(true);
      }

      @Override
      public void handleUnblocked() {
        LOG.info("{}: RabbitMQ unblocked publishing", name);
        blocked.accept(false);
      }
    };
  }

  /**
   * The client's default handling, except that a connection's I/O failing ("Socket closed" after
   * a refused login, "Connection reset" when the broker goes away) is DEBUG: the connector's own
   * lines say what happened, and the client's WARN would repeat it on every attempt.
   */
  private static final class ReportedByTheConnector extends DefaultExceptionHandler {
    @Override
    public void handleUnexpectedConnectionDriverException(Connection conn, Throwable exception) {
      LOG.debug("RabbitMQ connection {}: {}", conn, exception.toString());
    }
  }
}
