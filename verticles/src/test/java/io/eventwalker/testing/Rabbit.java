package io.eventwalker.testing;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
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

  /**
   * {@code rabbitmqctl close_connection} on each connection whose client named it {@code connectionName}: the broker
   * cuts those and no other (tests that run beside other clients of the broker must not cut theirs).
   */
  public static void closeConnectionsNamed(String connectionName) {
    String property = "{\"connection_name\",\"" + connectionName + "\"}";
    List<String> pids = rabbitmqctl("list_connections", "--no-table-headers", "pid", "client_properties").lines()
      .filter(line -> line.contains(property))
      .map(line -> line.substring(0, line.indexOf('\t')))
      .toList();
    if (pids.isEmpty()) {
      throw new AssertionError("no RabbitMQ connection is named " + connectionName);
    }
    pids.forEach(pid -> rabbitmqctl("close_connection", pid, "closed by the test"));
  }

  /** Runs rabbitmqctl and returns what it printed; fails unless it exits with 0 within a minute. */
  static String rabbitmqctl(String... args) {
    String[] command = new String[args.length + 1];
    command[0] = "rabbitmqctl";
    System.arraycopy(args, 0, command, 1, args.length);
    try {
      // Output goes to a file, so that a long listing never fills a pipe and the deadline below holds.
      Path output = Files.createTempFile("rabbitmqctl", ".out");
      try {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(output.toFile()).start();
        boolean exited = process.waitFor(60, TimeUnit.SECONDS);
        if (!exited) {
          process.destroyForcibly();
        }
        String printed = Files.readString(output, StandardCharsets.UTF_8);
        if (!exited || process.exitValue() != 0) {
          throw new AssertionError("rabbitmqctl " + String.join(" ", args) + " failed: " + printed);
        }
        return printed;
      } finally {
        Files.deleteIfExists(output);
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
