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
  private final String user;

  /** Connected as the tests' own RabbitMQ user ({@code RABBITMQ_USER}, guest by default): anyone but line-provider. */
  public Rabbit() {
    this(Backing.RABBITMQ_USER, Backing.RABBITMQ_PASSWORD);
  }

  public Rabbit(String user, String password) {
    this.user = user;
    ConnectionFactory factory = new ConnectionFactory();
    factory.setHost(Backing.RABBITMQ_HOST);
    factory.setPort(Backing.RABBITMQ_PORT);
    factory.setUsername(user);
    factory.setPassword(password);
    try {
      connection = factory.newConnection("event-walker-test");
      channel = connection.createChannel();
      channel.confirmSelect();
    } catch (Exception e) {
      throw new AssertionError("cannot connect to RabbitMQ as " + user, e);
    }
  }

  /** Connected as the RabbitMQ user line-provider runs as (from conf/line-provider.json). */
  public static Rabbit asLineProvider() {
    var config = TestSystem.config("line-provider");
    return new Rabbit(config.getString("LP_RABBITMQ_USER"), config.getString("LP_RABBITMQ_PASSWORD"));
  }

  /** Connected as the RabbitMQ user bet-maker runs as (from conf/bet-maker.json). */
  public static Rabbit asBetMaker() {
    var config = TestSystem.config("bet-maker");
    return new Rabbit(config.getString("BM_RABBITMQ_USER"), config.getString("BM_RABBITMQ_PASSWORD"));
  }

  /** Publishes a persistent message stamped with this connection's user ({@code user-id}), as line-provider does; waits for the confirm. */
  public void publishStamped(String exchange, String routingKey, String body) {
    publish(exchange, routingKey, new AMQP.BasicProperties.Builder().contentType("application/json").deliveryMode(2).userId(user).build(), body);
  }

  /** Publishes with the given properties and waits for the broker's confirm (an exception if the broker refuses). */
  public void publish(String exchange, String routingKey, AMQP.BasicProperties properties, String body) {
    try {
      channel.basicPublish(exchange, routingKey, properties, body.getBytes(StandardCharsets.UTF_8));
      channel.waitForConfirmsOrDie(5_000);
    } catch (Exception e) {
      throw new AssertionError("publish failed", e);
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
