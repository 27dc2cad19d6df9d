package io.eventwalker.platform.http;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * How many bridge sockets each client ({@link ClientAddress}) holds over every bridge verticle of a
 * service, at most {@code maxPerClient} (SPEC §3.5). One per service, made where the service starts
 * and handed to its bridges (bet-maker's SockJS and TCP bridges count together).
 */
public final class ClientSockets {

  private final int maxPerClient;
  private final Map<String, Integer> perClient = new ConcurrentHashMap<>();

  public ClientSockets(int maxPerClient) {
    this.maxPerClient = maxPerClient;
  }

  /** Takes one of {@code client}'s places; false, taking none, when it holds its share already. */
  public boolean take(String client) {
    boolean[] room = {false};
    perClient.compute(client, (key, count) -> {
      int current = count == null ? 0 : count;
      room[0] = current < maxPerClient;
      return room[0] ? current + 1 : count;
    });
    return room[0];
  }

  /** Frees one of {@code client}'s places. */
  public void release(String client) {
    perClient.compute(client, (key, count) -> count == null || count <= 1 ? null : count - 1);
  }

  /** Whether {@code client} holds its share: a websocket upgrade from it is refused before it opens. */
  public boolean full(String client) {
    Integer held = perClient.get(client);
    return held != null && held >= maxPerClient;
  }

  /** Every socket held now, by every client. */
  public int total() {
    return perClient.values().stream().mapToInt(Integer::intValue).sum();
  }
}
