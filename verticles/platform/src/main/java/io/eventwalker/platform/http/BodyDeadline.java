package io.eventwalker.platform.http;

import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.RoutingContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A request's body must arrive whole within {@code HTTP_BODY_TIMEOUT_MS} of its headers (SPEC §5).
 * One that has not is answered 408 (when nothing was answered yet), which frees its place among
 * the requests in flight at once, and its connection is closed: a client sending a byte now and
 * then holds nothing longer than that. (The idle time-out cannot see it, and HAProxy's
 * {@code timeout http-request} covers only the headers.) Requests whose body has arrived by the
 * time routing starts, every {@code GET} among them, cost nothing.
 */
public final class BodyDeadline {

  /** Set on a request answered 408: what fails after it (its connection closing) is not news. */
  static final String EXPIRED = "event-walker.body-deadline-expired";
  private static final Logger LOG = LoggerFactory.getLogger(BodyDeadline.class);

  private BodyDeadline() {
  }

  /** The first handler of every route after admission: starts the clock of a request whose body is still to come. */
  public static Handler<RoutingContext> handler(Vertx vertx, long timeoutMs) {
    return ctx -> {
      HttpServerRequest request = ctx.request();
      if (!request.isEnded() && declaresABody(request)) {
        long timer = vertx.setTimer(timeoutMs, fired -> expire(ctx, timeoutMs));
        ctx.addEndHandler(answered -> {
          if (request.isEnded()) {
            vertx.cancelTimer(timer);
          } // else the body is still coming after the answer: the deadline still closes its connection
        });
      }
      ctx.next();
    };
  }

  /**
   * Whether a body is to come: an HTTP/1.1 request has one only when it says so (RFC 9112 §6.3:
   * {@code Content-Length} or {@code Transfer-Encoding}). A request that has none, a websocket
   * upgrade among them, is never "ended" as far as Vert.x knows, so a clock started for it would hold
   * its request, its routing context and its connection until the deadline, long after its answer
   * and its connection's close: 10,000 upgrades refused in 12 s kept some 60 MB reachable.
   */
  private static boolean declaresABody(HttpServerRequest request) {
    return request.headers().contains(HttpHeaders.CONTENT_LENGTH) || request.headers().contains(HttpHeaders.TRANSFER_ENCODING);
  }

  private static void expire(RoutingContext ctx, long timeoutMs) {
    HttpServerRequest request = ctx.request();
    if (request.isEnded()) {
      return;
    }
    ctx.put(EXPIRED, true);
    HttpMeters.of(ctx).refused("body_timeout");
    LOG.debug("{} {} from {}: its body did not arrive whole within {} ms; closing its connection", request.method(), request.path(),
      ClientAddress.of(request), timeoutMs);
    HttpServerResponse response = ctx.response();
    if (response.headWritten() || response.closed()) {
      request.connection().close();
      return;
    }
    response.putHeader("Connection", "close");
    Problems.write(ctx, Problem.of(408, "the request's body did not arrive whole within " + timeoutMs + " ms of its headers;"
      + " nothing was done")).onComplete(sent -> request.connection().close());
  }
}
