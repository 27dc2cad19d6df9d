package io.eventwalker.platform.messaging;

import com.rabbitmq.client.Channel;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;

import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * A {@link RabbitConnector}'s own thread: every blocking client call runs on it, in order (at most
 * 10,000 waiting), never on an event loop; results come back on the owner's context.
 */
final class RabbitThread {

  private final Context context;
  private final ThreadPoolExecutor thread;

  RabbitThread(Context context, String name) {
    this.context = context;
    this.thread = new ThreadPoolExecutor(1, 1, 0, TimeUnit.MILLISECONDS, new ArrayBlockingQueue<>(10_000), runnable -> {
      Thread t = new Thread(runnable, "rabbitmq-" + name);
      t.setDaemon(true);
      return t;
    });
  }

  /** Runs {@code work} on this thread; throws {@link RejectedExecutionException} when it takes no more. */
  void execute(Runnable work) {
    thread.execute(work);
  }

  /** Runs {@code task} on {@code channel} here; its outcome on the owner's context, failed after {@code timeoutMs}. */
  <T> Future<T> call(Channel channel, RabbitConnector.ChannelTask<T> task, long timeoutMs) {
    Promise<T> promise = Promise.promise();
    try {
      thread.execute(() -> {
        try {
          T result = task.run(channel);
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

  void shutdown() {
    thread.shutdown();
  }
}
