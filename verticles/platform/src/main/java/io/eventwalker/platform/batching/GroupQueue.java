package io.eventwalker.platform.batching;

import io.vertx.core.Future;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.ToIntFunction;

/**
 * Group commit: items that arrive while {@code groupsInFlight} groups are being written wait here,
 * and go out together as the next group, of at most {@code groupMax} in size (a first item larger
 * than that goes alone). Used on one event loop only; {@link #waiting()} may be read from any thread.
 *
 * @param <T> an item; its size counts toward a group's {@code groupMax} and toward what waits
 */
public final class GroupQueue<T> {

  /** Whether an item leaving the queue at {@code now} is still to be written; one that is not was answered by this. */
  @FunctionalInterface
  public interface Turn<T> {
    boolean keep(T item, long now);
  }

  private final int groupsInFlight;
  private final int groupMax;
  private final ToIntFunction<T> size;
  private final Function<T, String> owner;
  private final Turn<T> turn;
  private final Function<List<T>, Future<?>> write;
  private final ArrayDeque<T> queue = new ArrayDeque<>();
  /** The size of what waits, by owner (items without an owner are counted in {@link #waiting} only). */
  private final Map<String, Integer> waitingByOwner = new HashMap<>();
  private volatile int waiting;
  private int inFlight;

  /**
   * {@code write} writes a group and completes when it is done (its outcome is its items' business);
   * {@code owner} may answer null.
   */
  public GroupQueue(int groupsInFlight, int groupMax, ToIntFunction<T> size, Function<T, String> owner, Turn<T> turn,
             Function<List<T>, Future<?>> write) {
    this.groupsInFlight = groupsInFlight;
    this.groupMax = groupMax;
    this.size = size;
    this.owner = owner;
    this.turn = turn;
    this.write = write;
  }

  /** The size of all that waits. */
  public int waiting() {
    return waiting;
  }

  /** The size of what {@code owner}'s items wait with. */
  public int waitingOf(String owner) {
    return waitingByOwner.getOrDefault(owner, 0);
  }

  /** Queues {@code item} and writes the next groups, as many as may be in flight. */
  public void add(T item) {
    int n = size.applyAsInt(item);
    queue.add(item);
    waiting += n;
    String by = owner.apply(item);
    if (by != null) {
      waitingByOwner.merge(by, n, Integer::sum);
    }
    flush();
  }

  private void flush() {
    while (inFlight < groupsInFlight && !queue.isEmpty()) {
      long now = System.currentTimeMillis();
      List<T> group = new ArrayList<>();
      int total = 0;
      while (!queue.isEmpty() && (group.isEmpty() || total + size.applyAsInt(queue.peek()) <= groupMax)) {
        T next = queue.poll();
        int n = size.applyAsInt(next);
        dequeued(next, n);
        if (!turn.keep(next, now)) {
          continue;
        }
        total += n;
        group.add(next);
      }
      if (group.isEmpty()) {
        continue;
      }
      inFlight++;
      write.apply(group).onComplete(done -> {
        inFlight--;
        flush();
      });
    }
  }

  private void dequeued(T item, int n) {
    waiting -= n;
    String by = owner.apply(item);
    if (by != null) {
      waitingByOwner.computeIfPresent(by, (key, left) -> left - n <= 0 ? null : left - n);
    }
  }
}
