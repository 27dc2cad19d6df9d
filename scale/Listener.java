import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Websocket clients of one bet-maker's SockJS bridge, for the scale test (scale/run):
 * {@code java -cp event-walker.jar scale/Listener.java PORT SPEC OUT}. SPEC is a JSON array of
 * clients, each {@code {"client": name, "registrations": [{"address": a, "token": t?}, ...]}}. Each
 * client connects to {@code /eventbus/websocket}, registers its addresses, then sends a frame the
 * bridge refuses: the refusal comes back after the registrations, and the client writes
 * {@code {"client", "ready": true}} to OUT. Every message heard is written to OUT as a JSON line
 * {@code {"client", "address", "body"}}; a closed socket as {@code {"client", "closed": true}}.
 * Runs until its standard input closes.
 */
public final class Listener {

  public static void main(String[] args) throws Exception {
    int port = Integer.parseInt(args[0]);
    JsonArray spec = new JsonArray(Files.readString(Path.of(args[1])));
    PrintWriter out = new PrintWriter(Files.newBufferedWriter(Path.of(args[2]), StandardCharsets.UTF_8), true);
    Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1));
    WebSocketClient client = vertx.createWebSocketClient(new WebSocketClientOptions().setMaxConnections(10_000));
    List<WebSocket> sockets = new ArrayList<>();
    for (Object entry : spec) {
      JsonObject one = (JsonObject) entry;
      String name = one.getString("client");
      WebSocket socket = client.connect(new WebSocketConnectOptions().setHost("127.0.0.1").setPort(port)
          .setURI("/eventbus/websocket").setTimeout(10_000))
        .await(30, TimeUnit.SECONDS);
      sockets.add(socket);
      socket.handler(buffer -> { // the bridge writes its frames as binary websocket messages
        JsonObject frame = new JsonObject(buffer);
        synchronized (out) {
          if ("err".equals(frame.getString("type")) && "access_denied".equals(frame.getString("body"))) {
            out.println(new JsonObject().put("client", name).put("ready", true).encode());
          } else if ("err".equals(frame.getString("type"))) {
            out.println(new JsonObject().put("client", name).put("error", frame.getString("body")).encode());
          } else {
            out.println(new JsonObject().put("client", name).put("address", frame.getString("address"))
              .put("body", frame.getValue("body")).encode());
          }
        }
      });
      socket.closeHandler(closed -> {
        synchronized (out) {
          out.println(new JsonObject().put("client", name).put("closed", true).encode());
        }
      });
      for (Object r : one.getJsonArray("registrations")) {
        JsonObject registration = (JsonObject) r;
        JsonObject frame = new JsonObject().put("type", "register").put("address", registration.getString("address"));
        if (registration.getString("token") != null) {
          frame.put("headers", new JsonObject().put("Authorization", "Bearer " + registration.getString("token")));
        }
        socket.writeTextMessage(frame.encode());
      }
      socket.writeTextMessage(new JsonObject().put("type", "publish").put("address", "scale.refused").put("body", "x").encode());
    }
    vertx.setPeriodic(5_000, id -> sockets.forEach(s -> s.writeTextMessage("{\"type\":\"ping\"}")));
    BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
    while (in.readLine() != null) {
      // runs until the scale test closes its standard input
    }
    vertx.close().await(10, TimeUnit.SECONDS);
  }
}
