package io.eventwalker.platform.messaging;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.DefaultConsumer;
import com.rabbitmq.client.Envelope;
import io.eventwalker.platform.messaging.RabbitConnector.ChannelTask;
import io.eventwalker.platform.messaging.RabbitConnector.Delivery;
import io.micrometer.core.instrument.Counter;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The consumers of a {@link RabbitConnector}'s connection: deliveries handed to the owner's
 * context with the generation of the connection they came from, acknowledgements dropped for an
 * earlier connection (the broker redelivers those), a consumer the broker cancels answered with a
 * fresh connection, and on the way out the acknowledging consumers stopped and their messages
 * waited for.
 */
final class RabbitConsumers {

  /** Logged as the connector's lines. */
  private static final Logger LOG = LoggerFactory.getLogger(RabbitConnector.class);

  private final RabbitConnector connector;
  private final Vertx vertx;
  private final Context context;
  private final String name;
  private final Counter consumersCancelled;
  /** Set on the way out: consumers that acknowledge take no more messages. */
  private volatile boolean draining;
  /** Tags of this connection's consumers that acknowledge their messages. */
  private final List<String> workTags = new CopyOnWriteArrayList<>();
  /** Messages of this connection's acknowledging consumers handed out and not yet acknowledged. */
  private final AtomicInteger holding = new AtomicInteger();

  RabbitConsumers(RabbitConnector connector, Vertx vertx, Context context, String name, Counter consumersCancelled) {
    this.connector = connector;
    this.vertx = vertx;
    this.context = context;
    this.name = name;
    this.consumersCancelled = consumersCancelled;
  }

  /** A new connection: none of its consumers is started yet, and none of its messages held. */
  void reset() {
    workTags.clear();
    holding.set(0);
  }

  /** See {@link RabbitConnector#ack}. */
  Future<Void> ack(Delivery delivery) {
    if (delivery.generation() != connector.generation()) {
      LOG.debug("{}: not acking delivery {} of an earlier connection", name, delivery.deliveryTag());
      return Future.succeededFuture();
    }
    return ackAfter(delivery, ch -> null);
  }

  /** See {@link RabbitConnector#ackAfter}. */
  Future<Void> ackAfter(Delivery delivery, ChannelTask<Void> task) {
    return connector.<Void>call(ch -> {
      task.run(ch);
      if (delivery.generation() == connector.generation()) {
        ch.basicAck(delivery.deliveryTag(), false);
      }
      return null;
    }).onComplete(acked -> {
      if (delivery.generation() == connector.generation()) {
        holding.decrementAndGet();
      }
    });
  }

  /** See {@link RabbitConnector#consume}. */
  void consume(Channel ch, String queue, boolean autoAck, Handler<Delivery> handler) throws Exception {
    if (draining && !autoAck) {
      return;
    }
    long consumerGeneration = connector.generation();
    String tag = ch.basicConsume(queue, autoAck, new DefaultConsumer(ch) {
      @Override
      public void handleDelivery(String tag, Envelope envelope, AMQP.BasicProperties properties, byte[] body) {
        Delivery delivery = new Delivery(consumerGeneration, envelope, properties, Buffer.buffer(body));
        if (!autoAck && consumerGeneration == connector.generation()) {
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
        if (!connector.isStopped() && consumerGeneration == connector.generation()) {
          LOG.warn("{}: RabbitMQ cancelled the consumer of {} (the queue was deleted?); reconnecting", name, queue);
          consumersCancelled.increment();
          Connection owned = ch.getConnection();
          connector.closeLater(owned);
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
  Future<Void> drain(long deadlineMillis) {
    draining = true;
    if (workTags.isEmpty()) {
      return Future.succeededFuture();
    }
    Promise<Void> drained = Promise.promise();
    connector.call(ch -> {
      for (String tag : workTags) {
        ch.basicCancel(tag);
      }
      return null;
    }).onComplete(cancelled -> awaitAcks(deadlineMillis, drained));
    return drained.future();
  }

  private void awaitAcks(long deadlineMillis, Promise<Void> drained) {
    if (holding.get() <= 0 || !connector.isConnected()) {
      drained.complete();
    } else if (System.currentTimeMillis() >= deadlineMillis) {
      LOG.warn("{}: shutting down with {} RabbitMQ messages not done; the broker delivers them again", name, holding.get());
      drained.complete();
    } else {
      vertx.setTimer(20, id -> awaitAcks(deadlineMillis, drained));
    }
  }
}
