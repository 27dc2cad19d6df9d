package io.eventwalker.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.net.http.HttpHeaders;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * HTTP/1.1 written by hand on a socket, for requests an ordinary client refuses to send (bad
 * escapes in the path, non-ASCII header values): what a hostile client can send.
 */
public final class RawHttp {

  private RawHttp() {
  }

  public static Http.Response send(int port, String method, String path, Map<String, String> headers, byte[] body) {
    try (Socket socket = new Socket("127.0.0.1", port)) {
      socket.setSoTimeout(30_000);
      ByteArrayOutputStream request = new ByteArrayOutputStream();
      request.write((method + " " + path + " HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\nConnection: close\r\n")
        .getBytes(StandardCharsets.UTF_8));
      for (Map.Entry<String, String> header : headers.entrySet()) {
        request.write((header.getKey() + ": " + header.getValue() + "\r\n").getBytes(StandardCharsets.UTF_8));
      }
      if (body != null) {
        request.write(("Content-Length: " + body.length + "\r\n").getBytes(StandardCharsets.UTF_8));
      }
      request.write("\r\n".getBytes(StandardCharsets.UTF_8));
      if (body != null) {
        request.write(body);
      }
      OutputStream out = socket.getOutputStream();
      out.write(request.toByteArray());
      out.flush();
      return parse(socket.getInputStream().readAllBytes());
    } catch (IOException e) {
      throw new AssertionError(method + " " + path + " failed: " + e.getMessage(), e);
    }
  }

  private static Http.Response parse(byte[] raw) {
    String text = new String(raw, StandardCharsets.UTF_8);
    int headEnd = text.indexOf("\r\n\r\n");
    if (headEnd < 0) {
      throw new AssertionError("no HTTP response: " + text);
    }
    String[] lines = text.substring(0, headEnd).split("\r\n");
    int status = Integer.parseInt(lines[0].split(" ")[1]);
    Map<String, List<String>> headers = new LinkedHashMap<>();
    for (int i = 1; i < lines.length; i++) {
      int colon = lines[i].indexOf(':');
      headers.computeIfAbsent(lines[i].substring(0, colon).trim(), key -> new ArrayList<>()).add(lines[i].substring(colon + 1).trim());
    }
    String body = text.substring(headEnd + 4);
    return new Http.Response(status, HttpHeaders.of(headers, (name, value) -> true), body);
  }

  /** The port of an {@link Http} client's base address. */
  public static int port(Http http) {
    return Integer.parseInt(http.base().substring(http.base().lastIndexOf(':') + 1));
  }
}
