package io.eventwalker.testing;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

/** Direct access to the real RabbitMQ for tests: publish as line-provider would, inspect queues, break connections. */
public final class Rabbit implements AutoCloseable {

  private final Connection connection;
  private final Channel channel;

  public Rabbit() {
    ConnectionFactory factory = new ConnectionFactory();
    factory.setHost(Backing.RABBITMQ_HOST);
    factory.setPort(Backing.RABBITMQ_PORT);
    factory.setUsername(Backing.RABBITMQ_USER);
    factory.setPassword(Backing.RABBITMQ_PASSWORD);
    try {
      connection = factory.newConnection("event-walker-test");
      channel = connection.createChannel();
      channel.confirmSelect();
    } catch (Exception e) {
      throw new AssertionError("cannot connect to RabbitMQ", e);
    }
  }

  public Channel channel() {
    return channel;
  }

  /** Publishes a persistent message and waits for the broker's confirm. */
  public void publish(String exchange, String routingKey, String body) {
    try {
      channel.basicPublish(exchange, routingKey, new AMQP.BasicProperties.Builder()
        .contentType("application/json").deliveryMode(2).build(), body.getBytes(StandardCharsets.UTF_8));
      channel.waitForConfirmsOrDie(5_000);
    } catch (Exception e) {
      throw new AssertionError("publish failed", e);
    }
  }

  public long messageCount(String queue) {
    try {
      return channel.messageCount(queue);
    } catch (IOException e) {
      throw new AssertionError("cannot count " + queue, e);
    }
  }

  /** {@code rabbitmqctl close_all_connections}: every client connection is cut by the broker. */
  public static void closeAllConnections() {
    rabbitmqctl("close_all_connections", "closed by the test");
  }

  static void rabbitmqctl(String... args) {
    String[] command = new String[args.length + 1];
    command[0] = "rabbitmqctl";
    System.arraycopy(args, 0, command, 1, args.length);
    try {
      Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
      if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
        process.destroyForcibly();
        throw new AssertionError("rabbitmqctl " + String.join(" ", args) + " failed: "
          + new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
      }
    } catch (IOException e) {
      throw new AssertionError("rabbitmqctl is needed on the PATH for this test", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  @Override
  public void close() {
    try {
      connection.close();
    } catch (Exception e) {
      // the broker may have closed it already
    }
  }
}
