package io.eventwalker.platform.http;

import io.vertx.core.net.SocketAddress;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every limit kept per client address sees the same client: an IPv6 /64 is one client (a host
 * changing the low 64 bits of its address stays itself), an IPv4-mapped IPv6 address is its IPv4
 * address, an IPv4 address is itself.
 */
class ClientAddressTest {

  @Test
  void anIpv6AddressStandsForItsSlash64() {
    assertThat(ClientAddress.key("2001:db8:1:2:3:4:5:6")).isEqualTo("2001:db8:1:2::/64");
    assertThat(ClientAddress.key("2001:db8:1:2:ffff:ffff:ffff:ffff")).isEqualTo("2001:db8:1:2::/64");
    assertThat(ClientAddress.key("2001:0db8:0001:0002::1")).as("however it is written").isEqualTo("2001:db8:1:2::/64");
    assertThat(ClientAddress.key("[2001:db8:1:2::9]")).isEqualTo("2001:db8:1:2::/64");
    assertThat(ClientAddress.key("fe80::1%eth0")).as("a zone is not part of it").isEqualTo("fe80::/64");
    assertThat(ClientAddress.key("2001:db8:1:3::1")).as("the next /64 is another client").isEqualTo("2001:db8:1:3::/64");
    assertThat(ClientAddress.key("::1")).isEqualTo("::/64");
  }

  @Test
  void anIpv4AddressIsItselfHoweverItArrives() {
    assertThat(ClientAddress.key("192.0.2.7")).isEqualTo("192.0.2.7");
    assertThat(ClientAddress.key("::ffff:192.0.2.7")).isEqualTo("192.0.2.7");
    assertThat(ClientAddress.key("0:0:0:0:0:ffff:c000:207")).isEqualTo("192.0.2.7");
    assertThat(ClientAddress.key("192.0.2.8")).isNotEqualTo(ClientAddress.key("192.0.2.7"));
  }

  @Test
  void aSocketsPeerAndWhatIsNoAddress() {
    assertThat(ClientAddress.of(SocketAddress.inetSocketAddress(40000, "2001:db8:aa:bb:1::2"))).isEqualTo("2001:db8:aa:bb::/64");
    assertThat(ClientAddress.of((SocketAddress) null)).isEqualTo("unknown");
    assertThat(ClientAddress.key("not-an-address")).isEqualTo("not-an-address");
  }
}
