package io.eventwalker.lineprovider.live;

import io.eventwalker.platform.http.BridgeFailures;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.handler.sockjs.SockJSSocket;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.HashSet;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * One socket of {@link LineBridge}: the frames of bet-maker's SockJS bridge for the events'
 * addresses, listening only. {@code register} of {@code events.open} (every created or changed
 * event) or {@code events.<event_id>} (that event's changes), {@code unregister}, and {@code ping}
 * are understood; {@code send} and {@code publish} are refused ({@code access_denied}), as is any
 * other address. A socket listens on at most {@link #MAX_ADDRESSES} addresses. A client that does
 * not read its pushes is closed once {@link #MAX_UNWRITTEN_BYTES} of them wait to be written.
 */
public final class LineBridgeSocket {

  static final String OPEN = "events.open";
  public static final int MAX_ADDRESSES = 100;
  static final long MAX_UNWRITTEN_BYTES = 1L << 20;
  private static final Pattern EVENTS = Pattern.compile("events\\.[A-Za-z0-9._:-]{1,64}");
  private static final Logger LOG = LoggerFactory.getLogger(LineBridgeSocket.class);

  private final SockJSSocket socket;
  private final String client;
  private final Set<String> listening = new HashSet<>();
  /** Bytes of pushes handed to SockJS and not yet written to the network. */
  private long unwritten;
  private boolean closed;

  LineBridgeSocket(SockJSSocket socket, String client) {
    this.socket = socket;
    this.client = client;
  }

  /** One frame from the client (SockJS and the HTTP server have bounded its size). */
  void frame(Buffer data) {
    if (closed) {
      return;
    }
    JsonObject frame;
    try {
      frame = new JsonObject(data);
    } catch (RuntimeException notAnObject) {
      error("invalid_json");
      return;
    }
    String address = frame.getValue("address") instanceof String text ? text : null;
    String type = frame.getValue("type") instanceof String text ? text : "";
    switch (type) {
      case "ping" -> { }
      case "register" -> register(address);
      case "unregister" -> {
        if (address == null) {
          error("missing_address");
        } else {
          listening.remove(address);
        }
      }
      case "send", "publish" -> error(address == null ? "missing_address" : "access_denied");
      default -> error(type.isEmpty() ? "missing_type" : "invalid_type");
    }
  }

  private void register(String address) {
    if (address == null) {
      error("missing_address");
    } else if (!EVENTS.matcher(address).matches()) {
      error("access_denied");
    } else if (listening.contains(address)) {
      error("address_already_registered");
    } else if (listening.size() >= MAX_ADDRESSES) {
      error("max_handlers_reached");
    } else {
      listening.add(address);
    }
  }

  /** An event's new state ({@code {event_id, ratio, deadline, status, version}}): pushed on each of its addresses this socket listens on. */
  void push(JsonObject event) {
    if (closed || listening.isEmpty()) {
      return;
    }
    String own = "events." + event.getString("event_id");
    if (listening.contains(OPEN)) {
      write(new JsonObject().put("type", "rec").put("address", OPEN).put("body", event));
    }
    if (!own.equals(OPEN) && listening.contains(own)) {
      write(new JsonObject().put("type", "rec").put("address", own).put("body", event));
    }
  }

  /** The socket ended: nothing more is pushed to it. */
  void closed() {
    closed = true;
    listening.clear();
  }

  void close() {
    socket.close();
  }

  /**
   * The transport failed: a client going away or a frame over the limit is an ordinary end (DEBUG),
   * anything else one INFO line, never an error (as on bet-maker's bridges).
   */
  void failed(Throwable failure) {
    BridgeFailures.log("line-provider SockJS", client, failure);
    socket.close();
  }

  private void error(String code) {
    write(new JsonObject().put("type", "err").put("body", code));
  }

  private void write(JsonObject frame) {
    Buffer bytes = Buffer.buffer(frame.encode());
    if (unwritten + bytes.length() > MAX_UNWRITTEN_BYTES || socket.writeQueueFull()) {
      LOG.debug("line-provider bridge socket from {} closed: it does not read what it is sent ({} bytes not yet written)", client,
        unwritten);
      closed = true;
      socket.close();
      return;
    }
    unwritten += bytes.length();
    socket.write(bytes).onComplete(written -> unwritten -= bytes.length());
  }
}
