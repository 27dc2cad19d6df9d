package io.eventwalker.bench;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.HdrHistogram.Histogram;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * S5: {@code clients} websocket clients of bet-maker's SockJS bridge, each registered on one event's
 * address; each round changes the event's ratio at line-provider ({@code PUT /event}) and measures,
 * for every client, the time from sending the PUT to receiving the pushed update. The first
 * {@code warmup-rounds} rounds (20 ms apart instead of 100) warm both sides' code and are not
 * measured, though a message missed in them counts. Prints one JSON line: latency percentiles over
 * all clients and measured rounds, the messages missed, this client's own CPU time in the measured
 * rounds, and each round's p99, warm-up rounds first.
 *
 * <pre>java -jar event-walker-bench.jar --bet-maker-port 8000 --line-provider-port 8001 --clients 1000 --warmup-rounds 200 --rounds 20</pre>
 */
public final class LivePushBench {

  /** line-provider's writes need an operator: its token, from the environment (BENCH_OPERATOR_TOKEN). */
  private static final String OPERATOR_TOKEN = System.getenv("BENCH_OPERATOR_TOKEN");

  public static void main(String[] args) throws Exception {
    Map<String, String> options = new ConcurrentHashMap<>();
    for (int i = 0; i + 1 < args.length; i += 2) {
      options.put(args[i].replaceFirst("^--", ""), args[i + 1]);
    }
    int betPort = Integer.parseInt(options.getOrDefault("bet-maker-port", "8000"));
    int linePort = Integer.parseInt(options.getOrDefault("line-provider-port", "8001"));
    int clients = Integer.parseInt(options.getOrDefault("clients", "1000"));
    int rounds = Integer.parseInt(options.getOrDefault("rounds", "20"));
    int warmupRounds = Integer.parseInt(options.getOrDefault("warmup-rounds", "0"));
    String host = options.getOrDefault("host", "127.0.0.1");
    String eventId = options.getOrDefault("event", "live-bench-" + System.currentTimeMillis());

    Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(2));
    try {
      JsonObject result = run(vertx, host, betPort, linePort, clients, warmupRounds, rounds, eventId);
      System.out.println(result.encode());
    } finally {
      vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
  }

  private static JsonObject run(Vertx vertx, String host, int betPort, int linePort, int clients, int warmupRounds,
                                int rounds, String eventId) throws Exception {
    HttpClient http = vertx.createHttpClient(new HttpClientOptions().setDefaultHost(host).setDefaultPort(linePort));
    long deadline = System.currentTimeMillis() / 1000 + 3600;
    send(http, HttpMethod.POST, new JsonObject().put("event_id", eventId).put("ratio", "1.50").put("deadline", deadline));

    // Connect and register every client; a publish to a forbidden address answers with an error
    // frame once the registration before it is in place.
    WebSocketClient wsClient = vertx.createWebSocketClient(new WebSocketClientOptions().setMaxConnections(clients * 2));
    String address = "events." + eventId;
    long[] sentAt = new long[1];
    AtomicInteger expectedVersion = new AtomicInteger();
    Histogram histogram = new Histogram(TimeUnit.SECONDS.toNanos(30), 3);
    // This round's latencies alone, warm-up rounds included: how the rounds differ.
    Histogram thisRound = new Histogram(TimeUnit.SECONDS.toNanos(30), 3);
    boolean[] measuring = {false};
    CountDownLatch[] roundDone = new CountDownLatch[1];
    CountDownLatch ready = new CountDownLatch(clients);
    List<WebSocket> sockets = new ArrayList<>();
    for (int i = 0; i < clients; i++) {
      WebSocket socket = wsClient.connect(new WebSocketConnectOptions().setHost(host).setPort(betPort)
        .setURI("/eventbus/websocket").setTimeout(10_000)).toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
      sockets.add(socket);
      boolean[] synced = {false};
      socket.handler(buffer -> {
        long now = System.nanoTime();
        JsonObject frame = new JsonObject(buffer);
        if ("err".equals(frame.getString("type")) && !synced[0]) {
          synced[0] = true;
          ready.countDown();
        } else if ("rec".equals(frame.getString("type"))
          && frame.getJsonObject("body").getInteger("version") == expectedVersion.get()) {
          synchronized (histogram) {
            thisRound.recordValue(Math.max(0, now - sentAt[0]));
            if (measuring[0]) {
              histogram.recordValue(Math.max(0, now - sentAt[0]));
            }
          }
          roundDone[0].countDown();
        }
      });
      socket.writeTextMessage(new JsonObject().put("type", "register").put("address", address).encode());
      socket.writeTextMessage(new JsonObject().put("type", "publish").put("address", "bench.sync").put("body", "").encode());
    }
    if (!ready.await(60, TimeUnit.SECONDS)) {
      throw new IllegalStateException("clients not registered: " + ready.getCount() + " left");
    }

    long cpuBefore = cpuNanos();
    long missed = 0;
    int version = 1;
    JsonArray roundP99s = new JsonArray();
    for (int round = -warmupRounds; round < rounds; round++) {
      if (round == 0) {
        cpuBefore = cpuNanos();
      }
      version++;
      expectedVersion.set(version);
      roundDone[0] = new CountDownLatch(clients);
      String ratio = (Math.floorMod(round, 2) == 0 ? "1.6" : "1.5") + Math.floorMod(round, 10);
      synchronized (histogram) {
        thisRound.reset();
        measuring[0] = round >= 0;
      }
      sentAt[0] = System.nanoTime();
      send(http, HttpMethod.PUT, new JsonObject().put("event_id", eventId).put("ratio", ratio));
      if (!roundDone[0].await(5, TimeUnit.SECONDS)) {
        missed += roundDone[0].getCount();
      }
      synchronized (histogram) {
        roundP99s.add(thisRound.getValueAtPercentile(99) / 1e6);
      }
      Thread.sleep(round < 0 ? 20 : 100); // a pause between rounds, so rounds do not overlap (shorter while warming up)
      for (WebSocket socket : sockets) {
        socket.writeTextMessage("{\"type\":\"ping\"}");
      }
    }
    double cpuSeconds = (cpuNanos() - cpuBefore) / 1e9;
    for (WebSocket socket : sockets) {
      socket.close();
    }
    return new JsonObject()
      .put("clients", clients)
      .put("rounds", rounds)
      .put("samples", histogram.getTotalCount())
      .put("missed", missed)
      .put("p50_ms", histogram.getValueAtPercentile(50) / 1e6)
      .put("p99_ms", histogram.getValueAtPercentile(99) / 1e6)
      .put("max_ms", histogram.getMaxValue() / 1e6)
      .put("client_cpu_s", cpuSeconds)
      .put("warmup_rounds", warmupRounds)
      .put("round_p99_ms", roundP99s);
  }

  private static void send(HttpClient http, HttpMethod method, JsonObject body) throws Exception {
    RequestOptions options = new RequestOptions().setMethod(method).setURI("/event").putHeader("Content-Type", "application/json");
    if (OPERATOR_TOKEN != null && !OPERATOR_TOKEN.isEmpty()) {
      options.putHeader("Authorization", "Bearer " + OPERATOR_TOKEN);
    }
    Future<Integer> status = http.request(options)
      .compose(request -> request.send(Buffer.buffer(body.encode())))
      .compose(response -> response.body().map(ignored -> response.statusCode()));
    int code = status.toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    if (code >= 300) {
      throw new IllegalStateException(method + " /event answered " + code);
    }
  }

  private static long cpuNanos() {
    return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
  }
}
