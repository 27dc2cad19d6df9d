package io.eventwalker.platform.dependencies;

/**
 * The wait before the next attempt to reach a dependency: {@code firstMs} after the first
 * failure, doubling after each further one, never more than {@code maxMs}; back to
 * {@code firstMs} once an attempt succeeds. Safe to use from several threads.
 */
public final class Backoff {

  private final long firstMs;
  private final long maxMs;
  private long nextMs;

  public Backoff(long firstMs, long maxMs) {
    this.firstMs = Math.min(firstMs, maxMs);
    this.maxMs = maxMs;
    this.nextMs = this.firstMs;
  }

  /** The wait before the next attempt, after a failure. */
  public synchronized long next() {
    long wait = nextMs;
    nextMs = Math.min(maxMs, nextMs * 2);
    return wait;
  }

  /** After a success: the next failure waits {@code firstMs} again. */
  public synchronized void reset() {
    nextMs = firstMs;
  }
}
