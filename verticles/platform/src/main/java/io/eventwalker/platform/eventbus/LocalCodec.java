package io.eventwalker.platform.eventbus;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.MessageCodec;

/**
 * Passes immutable message records between verticles of one JVM by reference. Requests between a
 * service's verticles stay in its JVM even on a clustered event bus ({@link LocalBus}), so these
 * messages never need a wire form; sending one to another node fails.
 */
public final class LocalCodec<T> implements MessageCodec<T, T> {

  private final String name;

  private LocalCodec(Class<T> type) {
    this.name = "local:" + type.getName();
  }

  /** Registers the codec of each type as its default; types already registered are left alone. */
  public static void register(Vertx vertx, Class<?>... types) {
    for (Class<?> type : types) {
      registerOne(vertx, type);
    }
  }

  private static <T> void registerOne(Vertx vertx, Class<T> type) {
    try {
      vertx.eventBus().registerDefaultCodec(type, new LocalCodec<>(type));
    } catch (IllegalStateException alreadyRegistered) {
      // Another verticle of this Vert.x instance registered it first: same codec, nothing to do.
    }
  }

  @Override
  public void encodeToWire(Buffer buffer, T value) {
    throw new UnsupportedOperationException(name + " messages stay inside one JVM");
  }

  @Override
  public T decodeFromWire(int pos, Buffer buffer) {
    throw new UnsupportedOperationException(name + " messages stay inside one JVM");
  }

  @Override
  public T transform(T value) {
    return value;
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public byte systemCodecID() {
    return -1;
  }
}
