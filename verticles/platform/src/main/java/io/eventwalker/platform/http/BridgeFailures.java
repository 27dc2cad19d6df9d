package io.eventwalker.platform.http;

import io.netty.handler.codec.http.websocketx.CorruptedWebSocketFrameException;
import io.netty.handler.codec.http.websocketx.WebSocketCloseStatus;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a bridge socket's failure says (bet-maker's SockJS and TCP bridges, line-provider's SockJS one), for the log: a client going away (its connection reset or
 * closed under a write) is an ordinary end, logged at DEBUG; a frame over the limit is the limit at
 * work, logged at DEBUG and counted; anything else on a client's connection is logged at INFO, one
 * line, without a stack trace (it is the client's connection that failed, not the service).
 */
public final class BridgeFailures {

  private static final Logger LOG = LoggerFactory.getLogger(BridgeFailures.class);

  private BridgeFailures() {
  }

  public static boolean isClientGone(Throwable failure) {
    return ClientGone.is(failure);
  }

  /** A websocket frame or message larger than the server takes (the HTTP server's limits on websocket frames and messages). */
  public static boolean isFrameTooLarge(Throwable failure) {
    return failure instanceof CorruptedWebSocketFrameException corrupted && corrupted.closeStatus() == WebSocketCloseStatus.MESSAGE_TOO_BIG
      || failure instanceof IllegalStateException && String.valueOf(failure.getMessage()).contains("max message size");
  }

  public static void log(String bridge, String client, Throwable failure) {
    if (isClientGone(failure)) {
      LOG.debug("{} bridge socket from {} went away: {}", bridge, client, failure.toString());
    } else if (isFrameTooLarge(failure)) {
      LOG.debug("{} bridge socket from {} closed: {}", bridge, client, failure.getMessage());
    } else {
      LOG.info("{} bridge socket from {} closed after a failure of its connection: {}", bridge, client, failure.toString());
    }
  }
}
