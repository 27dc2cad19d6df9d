package io.eventwalker.platform.http;

import io.vertx.core.VertxException;
import io.vertx.core.http.HttpClosedException;
import io.vertx.core.internal.net.NetSocketInternal;

import java.io.IOException;

/**
 * Whether a failure is a client going away: its connection closed or reset under a request, an
 * answer or a bridge socket (a closed browser tab, a killed process, a client that gave up). It is
 * an ordinary end, nobody's error: logged at DEBUG at most.
 */
public final class ClientGone {

  private ClientGone() {
  }

  public static boolean is(Throwable failure) {
    for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
      if (cause instanceof HttpClosedException || cause instanceof IOException // a reset, a broken pipe, a closed channel
        || cause instanceof VertxException && cause.getMessage() != null && cause.getMessage().equals(NetSocketInternal.CLOSED_EXCEPTION.getMessage())) {
        return true;
      }
    }
    return false;
  }
}
