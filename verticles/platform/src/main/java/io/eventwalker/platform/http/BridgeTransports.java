package io.eventwalker.platform.http;

import io.vertx.ext.web.handler.sockjs.SockJSHandlerOptions;
import io.vertx.ext.web.handler.sockjs.Transport;

/**
 * The SockJS options both services' bridges share. Only the transports a page of the service's own
 * origin needs are offered, websocket and xhr: the others (jsonp, htmlfile, eventsource) are opened
 * by a plain GET that a {@code <script>}, {@code <iframe>} or {@code <img>} of any other site can
 * send without an {@code Origin}, so any page a visitor opened could fill the sockets of the
 * visitor's address (and everyone's behind the same NAT) and lock them out of the live pages.
 */
public final class BridgeTransports {

  private BridgeTransports() {
  }

  public static SockJSHandlerOptions options() {
    return new SockJSHandlerOptions()
      .setHeartbeatInterval(10_000)
      .setSessionTimeout(30_000)
      .setRegisterWriteHandler(false)
      .setInsertJSESSIONID(false)
      .setLibraryURL("/assets/vendor/sockjs.min.js")
      .addDisabledTransport(Transport.JSON_P.name())
      .addDisabledTransport(Transport.HTML_FILE.name())
      .addDisabledTransport(Transport.EVENT_SOURCE.name());
  }
}
