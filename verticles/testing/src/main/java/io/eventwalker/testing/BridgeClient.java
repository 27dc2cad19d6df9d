package io.eventwalker.testing;

import io.vertx.core.Vertx;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonObject;

import java.time.Duration;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * A client of bet-maker's SockJS event-bus bridge speaking its protocol over the raw websocket
 * endpoint ({@code /eventbus/websocket}): frames {@code {"type":"register"|"send"|"publish",...}}
 * out, {@code {"type":"rec"|"err",...}} in.
 */
public final class BridgeClient implements AutoCloseable {

  private final WebSocketClient client;
  private final WebSocket socket;
  private final LinkedBlockingQueue<JsonObject> received = new LinkedBlockingQueue<>();

  public BridgeClient(Vertx vertx, int port) {
    client = vertx.createWebSocketClient();
    socket = client.connect(new WebSocketConnectOptions().setHost("127.0.0.1").setPort(port)
      .setURI("/eventbus/websocket").setTimeout(5_000)).await();
    try {
      socket.textMessageHandler(text -> received.add(new JsonObject(text)));
      socket.binaryMessageHandler(binary -> received.add(new JsonObject(binary)));
    } catch (IllegalStateException closedAtOnce) {
      // the bridge refused the socket as soon as it opened: isClosed() says so
    }
  }

  public void register(String address) {
    frame(new JsonObject().put("type", "register").put("address", address));
  }

  /** A register frame carrying {@code token} in its headers, as the bridge client sends it for a bet's or a player's address. */
  public void register(String address, String token) {
    frame(new JsonObject().put("type", "register").put("address", address)
      .put("headers", new JsonObject().put("Authorization", "Bearer " + token)));
  }

  /**
   * Returns once the bridge has handled every frame sent before that it handles at once: it handles
   * a socket's frames as they come, and a publish to an address nobody may reach is answered with an
   * error frame. A register of a bet's or a player's address waits for its owner check (a bet's reads
   * the database), so this answer may come first: wait for bet-maker to listen on such an address
   * instead (bet-maker's tests: {@code BridgeRegistrations}).
   */
  public void sync() {
    publish("betmaker.sync", new JsonObject());
    nextError(Duration.ofSeconds(10));
  }

  public void send(String address, Object body) {
    frame(new JsonObject().put("type", "send").put("address", address).put("body", body).put("replyAddress", "reply-1"));
  }

  public void publish(String address, Object body) {
    frame(new JsonObject().put("type", "publish").put("address", address).put("body", body));
  }

  public void frame(JsonObject frame) {
    text(frame.encode());
  }

  /** One websocket text message of exactly {@code text}. */
  public void text(String text) {
    socket.writeTextMessage(text).await();
  }

  /** The next received frame matching {@code match}, skipping others; fails after {@code timeout}. */
  public JsonObject next(String what, Duration timeout, Predicate<JsonObject> match) {
    long deadline = System.nanoTime() + timeout.toNanos();
    try {
      while (true) {
        long left = deadline - System.nanoTime();
        JsonObject frame = left <= 0 ? null : received.poll(left, TimeUnit.NANOSECONDS);
        if (frame == null) {
          throw new AssertionError("no " + what + " within " + timeout.toMillis() + " ms");
        }
        if (match.test(frame)) {
          return frame;
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  /** The next message delivered on {@code address}. */
  public JsonObject nextOn(String address, Duration timeout) {
    return next("message on " + address, timeout, f -> "rec".equals(f.getString("type")) && address.equals(f.getString("address")));
  }

  /** The next error frame (the bridge refusing something). */
  public JsonObject nextError(Duration timeout) {
    return next("error frame", timeout, f -> "err".equals(f.getString("type")));
  }

  /** Whether the bridge (or the network) has closed this socket. */
  public boolean isClosed() {
    return socket.isClosed();
  }

  /** Frames received so far and not consumed. */
  public java.util.List<JsonObject> drain() {
    java.util.List<JsonObject> frames = new java.util.ArrayList<>();
    received.drainTo(frames);
    return frames;
  }

  @Override
  public void close() {
    if (!socket.isClosed()) {
      socket.close().await();
    }
    client.close().await();
  }
}
