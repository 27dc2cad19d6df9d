package io.eventwalker.platform.eventbus;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;

/**
 * Request/reply between a service's own verticles stays inside its JVM, clustered or not: the
 * handlers are registered with {@code localConsumer} (other members never see them) and requests
 * are sent local-only (never routed to another member, whose handler would hold other state, and
 * never encoded: {@link LocalCodec} messages have no wire form).
 */
public final class LocalBus {

  private LocalBus() {
  }

  /** Delivery options of a request to one of this JVM's verticles, answered within {@code timeoutMs}. */
  public static DeliveryOptions options(long timeoutMs) {
    return new DeliveryOptions().setSendTimeout(timeoutMs).setLocalOnly(true);
  }

  /**
   * Asks the verticle that answers {@code address} (options from {@link #options}) and completes
   * with its reply's body, or fails as the reply did (a refusal is the {@code Problem} it carries).
   */
  public static <T> Future<T> request(Vertx vertx, String address, Object message, DeliveryOptions options) {
    return vertx.eventBus().<T>request(address, message, options).map(Message::body);
  }
}
