package io.eventwalker.platform.messaging;

import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.impl.DefaultExceptionHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The RabbitMQ client's connection factory for a service, from its {@link RabbitConfig}: its own
 * reconnects only ({@link RabbitConnector}), no automatic recovery, and no WARN of the client's
 * own for a connection that breaks or is refused (the connector reports that itself, naming the
 * broker, vhost and user, and at most once per {@code DEPENDENCY_LOG_INTERVAL_MS}).
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
