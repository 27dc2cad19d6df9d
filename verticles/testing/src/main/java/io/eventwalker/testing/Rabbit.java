package io.eventwalker.testing;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;

/** Direct access to the real RabbitMQ for tests: publish as line-provider would, inspect queues, break connections. */
public final class Rabbit implements AutoCloseable {

  private final Connection connection;
  private final Channel channel;
  private final String user;

  /** Connected as the tests' own RabbitMQ user ({@code RABBITMQ_USER}, guest by default): anyone but line-provider. */
  public Rabbit() {
    this(Backing.rabbitmq().user(), Backing.rabbitmq().password());
  }

  public Rabbit(String user, String password) {
    this.user = user;
    ConnectionFactory factory = new ConnectionFactory();
    factory.setHost(Backing.rabbitmq().host());
    factory.setPort(Backing.rabbitmq().port());
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

  /**
   * The messages {@code queue} (in the default vhost) holds now, ready or delivered and not yet acknowledged: 0 once
   * its consumers have acknowledged every message published to it. Asked of the queue itself, as neither ordinary
   * count says it: a passive declare ({@link #messageCount}) counts only the ready ones, which drop to 0 as soon as
   * they are handed to a consumer, and {@code rabbitmqctl list_queues} reads a quorum queue's counts from metrics it
   * emits every few seconds.
   */
  public static long messagesHeld(String queue) {
    if (!queue.matches("[A-Za-z0-9._:-]+")) {
      throw new IllegalArgumentException("not a queue name the tests use: " + queue);
    }
    String held = Backing.rabbitmqctl("eval", "case rabbit_amqqueue:lookup(rabbit_misc:r(<<\"/\">>, queue, <<\"" + queue + "\">>)) of"
      + " {ok, Q} -> case amqqueue:get_type(Q) of"
      + "   rabbit_quorum_queue -> {ok, {_, Held}, _} = ra:local_query(amqqueue:get_pid(Q), fun rabbit_fifo:query_messages_total/1), Held;"
      + "   _ -> proplists:get_value(messages, rabbit_amqqueue:info(Q, [messages]))"
      + " end;"
      + " _ -> none"
      + " end.").trim();
    if (!held.matches("[0-9]+")) {
      throw new AssertionError("cannot count the messages of queue " + queue + ": " + held);
    }
    return Long.parseLong(held);
  }

  /** {@code rabbitmqctl close_all_connections}: every client connection is cut by the broker. */
  public static void closeAllConnections() {
    Backing.rabbitmqctl("close_all_connections", "closed by the test");
  }

  /**
   * {@code rabbitmqctl close_connection} on each connection whose client named it {@code connectionName}: the broker
   * cuts those and no other (tests that run beside other clients of the broker must not cut theirs).
   */
  public static void closeConnectionsNamed(String connectionName) {
    String property = "{\"connection_name\",\"" + connectionName + "\"}";
    List<String> pids = Backing.rabbitmqctl("list_connections", "--no-table-headers", "pid", "client_properties").lines()
      .filter(line -> line.contains(property))
      .map(line -> line.substring(0, line.indexOf('\t')))
      .toList();
    if (pids.isEmpty()) {
      throw new AssertionError("no RabbitMQ connection is named " + connectionName);
    }
    pids.forEach(pid -> Backing.rabbitmqctl("close_connection", pid, "closed by the test"));
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
