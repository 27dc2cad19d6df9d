package io.eventwalker.testing;

import io.vertx.core.json.JsonObject;

import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * A client of bet-maker's TCP event-bus bridge over a plain socket: frames are a 4-byte big-endian
 * length and a JSON object, both ways ({@code register}, {@code ping} out; {@code message},
 * {@code err}, {@code pong} in). Every read waits at most the time it is given.
 */
public final class TcpBridgeClient implements AutoCloseable {

  private final Socket socket;
  private final DataInputStream in;
  private final OutputStream out;

  public TcpBridgeClient(int port) {
    try {
      socket = new Socket("127.0.0.1", port);
      socket.setTcpNoDelay(true);
      in = new DataInputStream(socket.getInputStream());
      out = socket.getOutputStream();
    } catch (IOException e) {
      throw new AssertionError("cannot connect to the TCP bridge on port " + port, e);
    }
  }

  /** One frame of exactly {@code text}'s bytes. */
  public void frame(String text) throws IOException {
    byte[] json = text.getBytes(StandardCharsets.UTF_8);
    raw(ByteBuffer.allocate(4 + json.length).putInt(json.length).put(json).array());
  }

  public void frame(JsonObject frame) throws IOException {
    frame(frame.encode());
  }

  public void register(String address) throws IOException {
    frame(new JsonObject().put("type", "register").put("address", address));
  }

  public void ping() throws IOException {
    frame(new JsonObject().put("type", "ping"));
  }

  /** Bytes as they are, framed or not. */
  public void raw(byte[] bytes) throws IOException {
    out.write(bytes);
    out.flush();
  }

  /** The next frame, or null when the bridge closed the connection; fails when nothing comes within {@code timeout}. */
  public JsonObject next(Duration timeout) throws IOException {
    socket.setSoTimeout((int) timeout.toMillis());
    try {
      int length = in.readInt();
      byte[] json = new byte[length];
      in.readFully(json);
      return new JsonObject(new String(json, StandardCharsets.UTF_8));
    } catch (EOFException | SocketException closed) {
      return null;
    } catch (SocketTimeoutException silent) {
      throw new AssertionError("no frame and no close from the TCP bridge within " + timeout.toMillis() + " ms");
    }
  }

  /** The next frame, which must come within {@code timeout}. */
  public JsonObject expect(Duration timeout) throws IOException {
    JsonObject frame = next(timeout);
    if (frame == null) {
      throw new AssertionError("the TCP bridge closed the connection instead of answering");
    }
    return frame;
  }

  /**
   * Whether the bridge closed the connection within {@code timeout}, reading (and dropping) any frame
   * that comes first.
   */
  public boolean closedWithin(Duration timeout) throws IOException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      long left = (deadline - System.nanoTime()) / 1_000_000;
      if (left <= 0) {
        return false;
      }
      try {
        if (next(Duration.ofMillis(left)) == null) {
          return true;
        }
      } catch (AssertionError stillOpen) {
        return false;
      }
    }
  }

  @Override
  public void close() {
    try {
      socket.close();
    } catch (IOException e) {
      // closing anyway
    }
  }
}
