package io.eventwalker.lineprovider.config;

import io.eventwalker.platform.config.Settings;
import io.eventwalker.wire.Topology;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

/**
 * Who may subscribe to line-provider's updates, and under which names ({@code LP_SUBSCRIBERS}:
 * comma-separated {@code <rabbitmq user>:<subscriber name>} pairs, by default
 * {@code bet-maker:bet-maker}). A request is told apart only by its {@code user-id}, which the
 * broker checks against the connection's own user; a subscriber name is taken from a request only
 * when this list gives it to that user. Nothing else makes line-provider declare a queue or publish
 * to one: a made-up name in a request creates nothing.
 */
public final class Subscribers {

  private final Map<String, Set<String>> byUser;

  private Subscribers(Map<String, Set<String>> byUser) {
    this.byUser = byUser;
  }

  static Subscribers read(Settings settings) {
    String value = settings.string("LP_SUBSCRIBERS");
    Map<String, Set<String>> byUser = new LinkedHashMap<>();
    for (String pair : value.split(",")) {
      String[] parts = pair.trim().split(":", -1);
      if (parts.length != 2 || parts[0].isBlank() || !Topology.isValidSubscriber(parts[1].trim())) {
        throw new Settings.ConfigException("LP_SUBSCRIBERS must be comma-separated <rabbitmq user>:<subscriber> pairs, the subscriber"
          + " of lower-case letters, digits and dashes (at most 63, never event-walker); got " + value);
      }
      byUser.computeIfAbsent(parts[0].trim(), user -> new LinkedHashSet<>()).add(parts[1].trim());
    }
    return new Subscribers(byUser);
  }

  /** Whether the broker-verified {@code user} is one of line-provider's clients. */
  public boolean knows(String user) {
    return user != null && byUser.containsKey(user);
  }

  /** Whether the broker-verified {@code user} may subscribe as {@code subscriber}. */
  public boolean allows(String user, String subscriber) {
    return user != null && byUser.getOrDefault(user, Set.of()).contains(subscriber);
  }

  /** Every subscriber name any client may use: the only queues line-provider declares and publishes to. */
  public Set<String> names() {
    Set<String> names = new LinkedHashSet<>();
    byUser.values().forEach(names::addAll);
    return Collections.unmodifiableSet(names);
  }

  @Override
  public String toString() {
    return byUser.toString();
  }
}
