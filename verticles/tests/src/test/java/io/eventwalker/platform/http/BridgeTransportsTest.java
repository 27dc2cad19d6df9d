package io.eventwalker.platform.http;

import io.eventwalker.testing.Http;
import io.eventwalker.testing.SystemTest;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Both services' SockJS bridges offer only websocket and xhr: a jsonp, htmlfile or eventsource
 * session (a plain GET another site's script, iframe or image tag sends without an Origin) is not
 * opened, so no other site can fill a visitor's sockets; xhr still opens one.
 */
class BridgeTransportsTest extends SystemTest {

  @Test
  void onlyWebsocketAndXhrOpenASession() {
    int session = 0; // session ids of their own: in one process the two bridges' SockJS sessions share one map
    for (Http service : List.of(system.betMaker(), system.lineProvider())) {
      for (String transport : List.of("jsonp?c=f", "htmlfile?c=f", "eventsource")) {
        Http.Response refused = service.send("GET", "/eventbus/000/tr" + session++ + "/" + transport, (byte[]) null, Map.of());
        assertThat(refused.status()).as("%s on %s", transport, service).isEqualTo(404);
      }
      Http.Response xhr = service.send("POST", "/eventbus/000/tr" + session++ + "/xhr", (byte[]) null, Map.of());
      assertThat(xhr.status()).as("xhr on %s", service).isEqualTo(200);
      assertThat(xhr.body()).startsWith("o");
    }
  }
}
