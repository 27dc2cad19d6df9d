package io.eventwalker.platform.dependencies;

import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;

/**
 * The causes every dependency shares, before its own protocol says anything: nothing listening,
 * a name that does not resolve, no answer in time. Each is an outage (the service may simply have
 * started first); the fix names the keys that say where the dependency is.
 */
final class NetworkCauses {

  private NetworkCauses() {
  }

  /**
   * {@code where}: the keys of the address, as a clause ("PG_HOST and PG_PORT are right");
   * {@code timeoutKey}: the connect timeout's key.
   */
  static Diagnosis diagnose(Dependency dependency, Throwable failure, String where, String timeoutKey) {
    String kind = dependency.kind().toString();
    if (Diagnosis.find(failure, UnknownHostException.class) != null) {
      return Diagnosis.outage("unknown_host", "the host name " + dependency.host() + " does not resolve",
        "check that " + where);
    }
    if (Diagnosis.find(failure, NoRouteToHostException.class) != null) {
      return Diagnosis.outage("no_route", "no route to " + dependency.host(), "check that " + where + ", and the network");
    }
    if (Diagnosis.find(failure, ConnectException.class) != null) {
      String message = Diagnosis.message(failure).toLowerCase(java.util.Locale.ROOT);
      if (message.contains("timed out")) {
        return timedOut(kind, where, timeoutKey);
      }
      return Diagnosis.outage("refused", "connection refused: nothing listens there",
        "check that " + kind + " runs there and that " + where);
    }
    if (Diagnosis.find(failure, SocketTimeoutException.class) != null
      || Diagnosis.find(failure, io.netty.channel.ConnectTimeoutException.class) != null) {
      return timedOut(kind, where, timeoutKey);
    }
    return null;
  }

  private static Diagnosis timedOut(String kind, String where, String timeoutKey) {
    return Diagnosis.outage("timeout", "no answer within " + timeoutKey,
      "check that " + kind + " runs there and is reachable from here (a firewall?), and that " + where);
  }
}
