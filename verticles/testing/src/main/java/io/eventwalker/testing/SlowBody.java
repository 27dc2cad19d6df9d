package io.eventwalker.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;

/**
 * The slow-body client of the hostile review, on a raw socket: it sends a request's headers with
 * {@code Expect: 100-continue} and then its body a byte at a time, never whole. The server's first
 * answer tells where the request got: {@code 100} means it holds a request slot and waits for the
 * body; anything else is its final answer (a refusal).
 */
public final class SlowBody implements AutoCloseable {

  private final Socket socket;
  private final InputStream in;
  private final long sentNanos;
  private final ByteArrayOutputStream received = new ByteArrayOutputStream();

  private SlowBody(Socket socket, long sentNanos) throws IOException {
    this.socket = socket;
    this.in = socket.getInputStream();
    this.sentNanos = sentNanos;
  }

  /** Sends the headers of {@code method path} announcing {@code contentLength} bytes, and the first byte of the body. */
  public static SlowBody open(int port, String method, String path, Map<String, String> headers, int contentLength) {
    try {
      Socket socket = new Socket("127.0.0.1", port);
      StringBuilder head = new StringBuilder(method + " " + path + " HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\n")
        .append("Content-Type: application/json\r\nExpect: 100-continue\r\nContent-Length: ").append(contentLength).append("\r\n");
      headers.forEach((name, value) -> head.append(name).append(": ").append(value).append("\r\n"));
      head.append("\r\n");
      long sent = System.nanoTime();
      socket.getOutputStream().write(head.toString().getBytes(StandardCharsets.UTF_8));
      socket.getOutputStream().flush();
      return new SlowBody(socket, sent);
    } catch (IOException e) {
      throw new AssertionError("cannot open a connection to port " + port + ": " + e.getMessage(), e);
    }
  }

  /** The status of the server's first answer (100: waiting for the body), waiting at most {@code timeout}. */
  public int firstStatus(Duration timeout) {
    String head = readHead(timeout);
    if (head == null) {
      throw new AssertionError("no answer within " + timeout.toMillis() + " ms");
    }
    return Integer.parseInt(head.split(" ")[1]);
  }

  /** One more byte of the body (a '['), as the attack trickles it; false once the server has closed the connection. */
  public boolean sendByte() {
    try {
      socket.getOutputStream().write('[');
      socket.getOutputStream().flush();
      return true;
    } catch (IOException closed) {
      return false;
    }
  }

  /**
   * Reads until the server closes the connection, at most {@code timeout} after the headers were
   * sent; returns what it sent after its first answer (empty if nothing), or throws if the
   * connection is still open then.
   */
  public String awaitClose(Duration timeout) {
    long deadline = sentNanos + timeout.toNanos();
    try {
      byte[] buffer = new byte[4096];
      while (true) {
        long left = Math.max(1, (deadline - System.nanoTime()) / 1_000_000);
        socket.setSoTimeout((int) Math.min(left, Integer.MAX_VALUE));
        int n = in.read(buffer);
        if (n < 0) {
          return received.toString(StandardCharsets.UTF_8);
        }
        received.write(buffer, 0, n);
        if (System.nanoTime() > deadline) {
          throw new SocketTimeoutException();
        }
      }
    } catch (SocketTimeoutException stillOpen) {
      throw new AssertionError("the connection was still open " + timeout.toMillis() + " ms after its headers were sent");
    } catch (IOException reset) {
      return received.toString(StandardCharsets.UTF_8); // a reset is a close too
    }
  }

  /** Milliseconds since the headers were sent. */
  public long elapsedMs() {
    return (System.nanoTime() - sentNanos) / 1_000_000;
  }

  /** Goes away at once, without a proper close (a reset), as a client that vanishes does. */
  public void abort() {
    try {
      socket.setSoLinger(true, 0);
      socket.close();
    } catch (IOException e) {
      // gone already
    }
  }

  @Override
  public void close() {
    try {
      socket.close();
    } catch (IOException e) {
      // gone already
    }
  }

  /** The next response head (status line and headers), or null if none came within {@code timeout}. */
  private String readHead(Duration timeout) {
    try {
      socket.setSoTimeout((int) timeout.toMillis());
      ByteArrayOutputStream head = new ByteArrayOutputStream();
      while (true) {
        int b = in.read();
        if (b < 0) {
          return null;
        }
        head.write(b);
        String text = head.toString(StandardCharsets.US_ASCII);
        if (text.endsWith("\r\n\r\n")) {
          return text;
        }
      }
    } catch (SocketTimeoutException nothing) {
      return null;
    } catch (IOException e) {
      throw new AssertionError("reading the answer failed: " + e.getMessage(), e);
    }
  }
}
