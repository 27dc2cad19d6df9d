package io.eventwalker.betmaker.live;

import io.eventwalker.betmaker.config.BetMakerConfig.BridgeLimits;
import io.eventwalker.betmaker.metrics.BetMeters.BridgeRefusal;
import io.eventwalker.betmaker.metrics.BetMeters;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * One bridge socket's conversation, the same on the SockJS and the TCP bridge (SPEC §3.5). A client
 * may only listen: {@code register} an address the bridges permit ({@code events.<event_id>} and
 * {@code events.open} anyone; {@code bets.<bet_id>} and {@code players.<player_id>} only their owner,
 * proven by the token in the frame's headers: {@link Owners}), {@code unregister} it, and
 * {@code ping}. {@code send} and {@code publish} are refused: nothing reaches the inside, and no
 * internal address ({@code betmaker.*}) matches a permitted pattern. A socket listens on at most
 * {@code BM_BRIDGE_MAX_HANDLERS} addresses of at most 100 characters.
 *
 * <p>Frames are handled one at a time, in order. While an owner is checked the transport is paused
 * (TCP) or the frames that arrive wait here, at most {@code 4 × BM_BRIDGE_MAX_FRAME_BYTES} of them
 * (SockJS, whose sessions cannot be paused without buffering): so one socket has at most one check
 * in flight, and the answer to a ping or a refused frame comes after every register sent before it.
 */
final class LiveSession {

  static final String EVENTS_PATTERN = "events\\.[A-Za-z0-9._:-]{1,64}";
  static final String BETS_PATTERN = "bets\\.[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}";
  static final String PLAYERS_PATTERN = "players\\.[A-Za-z0-9._@:-]{1,64}";
  private static final Pattern PERMITTED = Pattern.compile(EVENTS_PATTERN + "|" + BETS_PATTERN + "|" + PLAYERS_PATTERN);
  private static final int MAX_ADDRESS_LENGTH = 100;
  private static final Logger LOG = LoggerFactory.getLogger(LiveSession.class);

  /** The transport under a session: how frames reach the client, and how it is paused and closed. */
  interface Peer {
    /** Completes once the frame is handed to the network (a client that does not read keeps it from completing). */
    Future<Void> write(JsonObject frame);

    /** Whether the client has not read what was written to it lately. */
    boolean writeQueueFull();

    /** Stops reading frames until {@link #resume}; false when this transport cannot (its frames then wait in the session). */
    boolean pause();

    void resume();

    void close();

    /** The client, for the log. */
    String client();
  }

  /** How each bridge spells what it tells a client: the frames of vertx-web's SockJS bridge and of the TCP bridge's protocol. */
  enum Dialect {
    SOCKJS, TCP;

    JsonObject push(String address, Message<?> message) {
      JsonObject headers = new JsonObject();
      message.headers().names().forEach(name -> headers.put(name, message.headers().get(name)));
      if (this == TCP) {
        return new JsonObject().put("type", "message").put("address", address).put("headers", headers)
          .put("body", message.body()).put("send", message.isSend());
      }
      JsonObject frame = new JsonObject().put("type", "rec").put("address", address).put("body", message.body());
      return headers.isEmpty() ? frame : frame.put("headers", headers);
    }

    JsonObject error(String code) {
      return new JsonObject().put("type", "err").put(this == TCP ? "message" : "body", code);
    }
  }

  private final Vertx vertx;
  private final BridgeLimits limits;
  private final LiveSockets sockets;
  private final LiveListeners listeners;
  private final Owners owners;
  private final Peer peer;
  private final Dialect dialect;
  private final BetMeters meters;
  private final Map<String, MessageConsumer<Object>> registrations = new HashMap<>();
  private final ArrayDeque<Buffer> waiting = new ArrayDeque<>();
  private long waitingBytes;
  /** Bytes of pushes handed to the transport and not yet written to the network (a client that does not read keeps them here). */
  private long unwritten;
  private boolean checking;
  private boolean paused;
  private boolean closed;

  LiveSession(Vertx vertx, BridgeLimits limits, LiveSockets sockets, LiveListeners listeners, Owners owners, Peer peer, Dialect dialect) {
    this.vertx = vertx;
    this.limits = limits;
    this.sockets = sockets;
    this.listeners = listeners;
    this.owners = owners;
    this.peer = peer;
    this.dialect = dialect;
    this.meters = BetMeters.of(vertx);
  }

  /** One frame from the client, a JSON object (the transport has checked its size). */
  void frame(Buffer data) {
    if (closed) {
      return;
    }
    if (!checking) {
      handle(data);
      drain();
      return;
    }
    waitingBytes += data.length();
    if (waitingBytes > 4L * limits.maxFrameBytes()) {
      meters.bridgeRefused(BridgeRefusal.FRAME_TOO_LARGE);
      LOG.debug("bridge socket from {} closed: more than {} bytes of frames sent while a register was checked", peer.client(),
        4L * limits.maxFrameBytes());
      peer.close();
      return;
    }
    waiting.add(data);
  }

  /** The socket is gone: its registrations end, its place is free. */
  void closed() {
    if (closed) {
      return;
    }
    closed = true;
    registrations.forEach((address, consumer) -> {
      consumer.unregister();
      listeners.stopped(address);
    });
    registrations.clear();
    waiting.clear();
    sockets.closed(this);
  }

  private void handle(Buffer data) {
    JsonObject frame;
    try {
      frame = new JsonObject(data);
    } catch (RuntimeException notAnObject) {
      reply(dialect.error("invalid_json"));
      return;
    }
    String address = frame.getValue("address") instanceof String text ? text : null;
    String type = frame.getValue("type") instanceof String text ? text : "";
    switch (type) {
      case "ping" -> {
        sockets.pinged(this);
        if (dialect == Dialect.TCP) {
          reply(new JsonObject().put("type", "pong"));
        }
      }
      case "register" -> register(address, frame.getValue("headers") instanceof JsonObject headers ? headers : null);
      case "unregister" -> unregister(address);
      case "send", "publish" -> reply(dialect.error(address == null ? "missing_address" : "access_denied"));
      default -> reply(dialect.error(type.isEmpty() ? "missing_type" : "invalid_type"));
    }
  }

  private void register(String address, JsonObject headers) {
    if (address == null) {
      reply(dialect.error("missing_address"));
    } else if (address.length() > MAX_ADDRESS_LENGTH) {
      reply(dialect.error("max_address_length_reached"));
    } else if (!PERMITTED.matcher(address).matches()) {
      reply(dialect.error("access_denied"));
    } else if (registrations.containsKey(address)) {
      reply(dialect.error("address_already_registered"));
    } else if (registrations.size() >= limits.maxHandlers()) {
      meters.bridgeRefused(BridgeRefusal.HANDLERS_PER_SOCKET);
      reply(dialect.error("max_handlers_reached"));
    } else {
      Future<Boolean> owner = owners.mayListen(address, headers);
      if (owner.isComplete()) {
        listen(address, owner.result());
        return;
      }
      checking = true;
      if (!paused) {
        paused = peer.pause();
      }
      owner.onComplete(checked -> {
        checking = false;
        if (!closed) {
          listen(address, checked.result());
          drain();
        }
      });
    }
  }

  /** The frames that waited for a check, then the transport resumed once nothing is being checked. */
  private void drain() {
    while (!checking && !closed && !waiting.isEmpty()) {
      Buffer next = waiting.poll();
      waitingBytes -= next.length();
      handle(next);
    }
    if (!checking && paused && !closed) {
      paused = false;
      peer.resume();
    }
  }

  private void listen(String address, Boolean allowed) {
    if (!Boolean.TRUE.equals(allowed)) {
      reply(dialect.error("rejected"));
      return;
    }
    registrations.put(address, vertx.eventBus().consumer(address, message -> {
      if (closed) {
        return;
      }
      JsonObject push = dialect.push(address, message);
      int size = push.encode().length();
      if (unwritten + size > 64L * limits.maxFrameBytes() || peer.writeQueueFull()) {
        // A client that listens and does not read: its pushes would wait in this heap without end.
        LOG.debug("bridge socket from {} closed: it does not read its pushes ({} bytes not yet written)", peer.client(), unwritten);
        meters.bridgeRefused(BridgeRefusal.SLOW_CONSUMER);
        peer.close();
        return;
      }
      unwritten += size;
      peer.write(push).onComplete(written -> unwritten -= size);
    }));
    listeners.started(address);
  }

  private void unregister(String address) {
    MessageConsumer<Object> consumer = address == null ? null : registrations.remove(address);
    if (consumer != null) {
      consumer.unregister();
      listeners.stopped(address);
    } else if (address == null) {
      reply(dialect.error("missing_address"));
    } else if (dialect == Dialect.TCP) {
      reply(dialect.error("unknown_address"));
    }
  }

  /**
   * An answer to the client's own frame. A client that keeps sending without reading the answers is
   * closed rather than having them pile up here.
   */
  private void reply(JsonObject frame) {
    if (peer.writeQueueFull()) {
      LOG.debug("bridge socket from {} closed: it sends frames and does not read the answers", peer.client());
      peer.close();
      return;
    }
    peer.write(frame);
  }
}
