package io.eventwalker.platform.http;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * What a service logs once it serves: every URL it answers at, with the port it really bound (the
 * one the system gave when 0 was configured), in one INFO event. The HTTP operations come from
 * the service's OpenAPI document (which {@link Routers#requireDocumented} holds equal to its
 * routes), the page and the docs first; the bridges are added by the service. Bound to a
 * wildcard address (0.0.0.0, ::), the URLs say 127.0.0.1, which answers on this machine, and the
 * first line says that every interface listens.
 */
public final class Banner {

  private static final Logger LOG = LoggerFactory.getLogger(Banner.class);
  /** Shown first: what a person opens in a browser. */
  private static final List<String> FIRST = List.of("/", "/docs");

  private record Line(String what, String url, String about) {
  }

  private final String service;
  private final String boundHost;
  private final String base;
  private final List<Line> lines = new ArrayList<>();

  private Banner(String service, String boundHost, int port) {
    this.service = service;
    this.boundHost = boundHost;
    this.base = "http://" + Routers.urlHost(boundHost) + ":" + port;
  }

  /** The service's HTTP server at {@code host} (as configured) and the port it bound, with the operations of its document. */
  public static Banner of(String service, String host, int port, String openApiResource) {
    Banner banner = new Banner(service, host, port);
    JsonObject paths = new JsonObject(Buffer.buffer(Routers.readResource(openApiResource))).getJsonObject("paths", new JsonObject());
    List<String> order = new ArrayList<>(FIRST.stream().filter(paths::containsKey).toList());
    paths.fieldNames().stream().filter(path -> !order.contains(path)).forEach(order::add);
    for (String path : order) {
      JsonObject operations = paths.getJsonObject(path);
      String methods = String.join(", ", operations.fieldNames().stream().map(m -> m.toUpperCase(Locale.ROOT)).toList());
      String summary = operations.fieldNames().stream().map(m -> operations.getJsonObject(m).getString("summary", ""))
        .filter(text -> !text.isEmpty()).findFirst().orElse("");
      banner.lines.add(new Line(methods, banner.base + path, shorten(summary)));
    }
    return banner;
  }

  /** Another way in, served by the same service (a bridge): {@code what} it is, its URL, what it is for. */
  public Banner with(String what, String url, String about) {
    lines.add(new Line(what, url, about));
    return this;
  }

  /** {@code http://host:port} as the URLs show it. */
  public String base() {
    return base;
  }

  public String text() {
    StringBuilder text = new StringBuilder(service).append(" serves at ").append(base);
    if (Routers.isWildcard(boundHost)) {
      text.append(" (it listens on every interface of this machine: from elsewhere, use this machine's name or address)");
    }
    int width = lines.stream().mapToInt(line -> line.url().length()).max().orElse(0);
    for (Line line : lines) {
      text.append(System.lineSeparator()).append(String.format(Locale.ROOT, "  %-9s %-" + width + "s  %s", line.what(), line.url(),
        line.about()).stripTrailing());
    }
    return text.toString();
  }

  public void log() {
    LOG.info(text());
  }

  /** An operation's summary up to its first explanation (": …", " (…"). */
  private static String shorten(String summary) {
    int cut = summary.length();
    for (String mark : List.of(": ", " (")) {
      int at = summary.indexOf(mark);
      if (at > 0) {
        cut = Math.min(cut, at);
      }
    }
    return summary.substring(0, cut);
  }
}
