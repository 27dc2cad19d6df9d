package io.eventwalker.testing;

import java.time.Duration;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/** Waiting on a condition with a deadline (never a bare sleep). */
public final class Await {

  private Await() {
  }

  public static void until(String what, Duration timeout, BooleanSupplier condition) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out after " + timeout.toMillis() + " ms waiting for " + what);
      }
      pause();
    }
  }

  /** Polls {@code value} until {@code done} accepts it; returns that value. */
  public static <T> T value(String what, Duration timeout, Supplier<T> value, java.util.function.Predicate<T> done) {
    long deadline = System.nanoTime() + timeout.toNanos();
    T last = value.get();
    while (!done.test(last)) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out after " + timeout.toMillis() + " ms waiting for " + what + "; last value: " + last);
      }
      pause();
      last = value.get();
    }
    return last;
  }

  private static void pause() {
    try {
      Thread.sleep(20); // poll interval between condition checks, bounded by the deadline above
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted", e);
    }
  }
}
