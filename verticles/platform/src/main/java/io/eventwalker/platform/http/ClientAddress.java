package io.eventwalker.platform.http;

import io.netty.util.NetUtil;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.net.SocketAddress;

import java.util.Arrays;

/**
 * The client an address stands for, wherever a limit is kept per client address (the rate limit
 * without a valid token, the share of requests in flight, bridge sockets): an IPv4 address is
 * itself; an IPv6 address is its /64, the smallest network one subscriber is given, so a client
 * cannot become 2^64 clients by changing the low bits of its address
 * ({@code 2001:db8:1:2::/64}); an IPv4-mapped IPv6 address ({@code ::ffff:192.0.2.7}) is its IPv4
 * address. Anything that is not an IP address is kept as it is.
 */
public final class ClientAddress {

  private static final int PREFIX_BYTES = 8;

  private ClientAddress() {
  }

  /** The client of a request's peer. */
  public static String of(HttpServerRequest request) {
    return of(request.remoteAddress());
  }

  /** The client of a socket's peer ({@code unknown} when there is none). */
  public static String of(SocketAddress address) {
    return address == null ? "unknown" : key(address.hostAddress());
  }

  /** The client of an address written as text. */
  public static String key(String address) {
    if (address == null) {
      return "unknown";
    }
    String literal = address.startsWith("[") && address.endsWith("]") ? address.substring(1, address.length() - 1) : address;
    byte[] bytes = NetUtil.createByteArrayFromIpAddressString(literal);
    if (bytes == null) {
      return address;
    }
    if (bytes.length == 4) {
      return NetUtil.bytesToIpAddress(bytes);
    }
    if (isIpv4Mapped(bytes)) {
      return NetUtil.bytesToIpAddress(Arrays.copyOfRange(bytes, 12, 16));
    }
    Arrays.fill(bytes, PREFIX_BYTES, 16, (byte) 0);
    return NetUtil.bytesToIpAddress(bytes) + "/64";
  }

  private static boolean isIpv4Mapped(byte[] bytes) {
    for (int i = 0; i < 10; i++) {
      if (bytes[i] != 0) {
        return false;
      }
    }
    return bytes[10] == (byte) 0xff && bytes[11] == (byte) 0xff;
  }
}
