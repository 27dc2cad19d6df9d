package io.eventwalker.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;

/**
 * One client connection on a plain socket, that can leave the way real clients do: cleanly (a
 * websocket close frame, or its half of the connection shut), or at once, as a closed browser tab
 * or a killed process does (the connection reset). It speaks just enough HTTP/1.1 and websocket to
 * get there, and keeps everything it received as text, to wait for what it expects in it.
 */
public final class RawClient implements AutoCloseable {

  private static final SecureRandom RANDOM = new SecureRandom();

  private final Socket socket;
  private final InputStream in;
  private final OutputStream out;
  private final ByteArrayOutputStream received = new ByteArrayOutputStream();
  private boolean closedByServer;

  public RawClient(int port) {
    try {
      socket = new Socket("127.0.0.1", port);
      socket.setTcpNoDelay(true);
      in = socket.getInputStream();
      out = socket.getOutputStream();
    } catch (IOException e) {
      throw new AssertionError("cannot connect to port " + port, e);
    }
  }

  /** A request's head (and {@code body}, null for none), on a connection kept alive. */
  public RawClient request(String method, String path, String headers, String body) {
    byte[] bytes = body == null ? new byte[0] : body.getBytes(StandardCharsets.UTF_8);
    String head = method + " " + path + " HTTP/1.1\r\nHost: 127.0.0.1:" + socket.getPort() + "\r\n" + headers
      + (body == null ? "" : "Content-Type: application/json\r\nContent-Length: " + bytes.length + "\r\n") + "\r\n";
    return raw(head.getBytes(StandardCharsets.US_ASCII)).raw(bytes);
  }

  /** Opens a websocket on {@code path} and waits for the server's 101. */
  public RawClient webSocket(String path) {
    byte[] key = new byte[16];
    RANDOM.nextBytes(key);
    request("GET", path, "Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: "
      + Base64.getEncoder().encodeToString(key) + "\r\n", null);
    return waitFor("HTTP/1.1 101", Duration.ofSeconds(10));
  }

  /** One websocket text message, masked as a client's must be. */
  public RawClient text(String message) {
    return frame(0x1, message.getBytes(StandardCharsets.UTF_8));
  }

  /**
   * A websocket close frame with {@code code} (1000: normal closure; 1001: going away, as a browser
   * closing its tab sends), then the connection closed once the server closed its side.
   */
  public void closeWebSocket(int code) {
    frame(0x8, new byte[] {(byte) (code >>> 8), (byte) code});
    awaitServerClose(Duration.ofSeconds(10));
    close();
  }

  /** The client's side of the connection shut (FIN), then the connection closed once the server closed its side. */
  public void closeCleanly() {
    try {
      socket.shutdownOutput();
    } catch (IOException e) {
      throw new AssertionError(e);
    }
    awaitServerClose(Duration.ofSeconds(10));
    close();
  }

  /** The connection reset (RST) at once, whatever is under way: a tab closed, a process killed. */
  public void abort() {
    try {
      socket.setSoLinger(true, 0);
      socket.close();
    } catch (IOException e) {
      throw new AssertionError(e);
    }
  }

  public RawClient raw(byte[] bytes) {
    try {
      out.write(bytes);
      out.flush();
      return this;
    } catch (IOException e) {
      throw new AssertionError("cannot write to the server: " + e.getMessage(), e);
    }
  }

  /** Reads until {@code text} was received (anywhere in what came so far); fails after {@code timeout}. */
  public RawClient waitFor(String text, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!received().contains(text)) {
      if (closedByServer || !read(deadline)) {
        throw new AssertionError("did not receive " + text + " within " + timeout.toMillis() + " ms; received: " + tail());
      }
    }
    return this;
  }

  /** What was received so far, as text. */
  public String received() {
    return received.toString(StandardCharsets.ISO_8859_1);
  }

  private void awaitServerClose(Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!closedByServer) {
      if (!read(deadline)) {
        throw new AssertionError("the server did not close the connection within " + timeout.toMillis() + " ms");
      }
    }
  }

  /** Reads what is there; false at the deadline. */
  private boolean read(long deadline) {
    long left = (deadline - System.nanoTime()) / 1_000_000;
    if (left <= 0) {
      return false;
    }
    byte[] buffer = new byte[8192];
    try {
      socket.setSoTimeout((int) Math.max(1, left));
      int n = in.read(buffer);
      if (n < 0) {
        closedByServer = true;
      } else {
        received.write(buffer, 0, n);
      }
      return true;
    } catch (SocketTimeoutException nothingYet) {
      return System.nanoTime() < deadline;
    } catch (SocketException reset) {
      closedByServer = true;
      return true;
    } catch (IOException e) {
      throw new AssertionError(e);
    }
  }

  private RawClient frame(int opcode, byte[] payload) {
    if (payload.length > 65_535) {
      throw new IllegalArgumentException("a test frame is small");
    }
    ByteArrayOutputStream frame = new ByteArrayOutputStream();
    frame.write(0x80 | opcode);
    if (payload.length < 126) {
      frame.write(0x80 | payload.length);
    } else {
      frame.write(0x80 | 126);
      frame.write(payload.length >>> 8);
      frame.write(payload.length & 0xFF);
    }
    byte[] mask = new byte[4];
    RANDOM.nextBytes(mask);
    frame.writeBytes(mask);
    for (int i = 0; i < payload.length; i++) {
      frame.write(payload[i] ^ mask[i % 4]);
    }
    return raw(frame.toByteArray());
  }

  private String tail() {
    String text = received();
    return text.length() <= 300 ? text : "…" + text.substring(text.length() - 300);
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
