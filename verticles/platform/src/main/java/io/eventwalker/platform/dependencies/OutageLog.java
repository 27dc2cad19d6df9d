package io.eventwalker.platform.dependencies;

import io.vertx.core.Vertx;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Collections;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.WeakHashMap;
import java.util.concurrent.TimeUnit;

/**
 * The log of a process's dependencies that do not answer: one line when a dependency first fails
 * (ERROR when the cause is a configuration someone must fix, WARN for an outage), then at most one
 * line per dependency per {@code DEPENDENCY_LOG_INTERVAL_MS} with the number of failed attempts
 * since the last line, however many connections and retries fail meanwhile; a new cause is logged
 * at once; and one INFO line when it answers again. Every line names the dependency (host, port,
 * database or vhost, user) and who was trying. One per Vert.x instance, shared by its services.
 */
public final class OutageLog {

  private static final Logger LOG = LoggerFactory.getLogger(OutageLog.class);
  private static final Map<Vertx, OutageLog> OF = Collections.synchronizedMap(new WeakHashMap<>());

  /** One dependency's failures since it last answered. */
  private static final class Outage {
    private final long since = System.nanoTime();
    private long lastLineAt;
    private int sinceLine;
    private long total;
    private String lastCode;
    private final Set<String> who = new TreeSet<>();
  }

  private final Map<String, Outage> outages = new HashMap<>();

  private OutageLog() {
  }

  public static OutageLog of(Vertx vertx) {
    return OF.computeIfAbsent(vertx, v -> new OutageLog());
  }

  /**
   * A failed attempt of {@code who} to reach {@code dependency}; logged now or counted into the
   * next line. Returns what the failure means (for a readiness answer).
   */
  public synchronized Diagnosis failed(Dependency dependency, String who, Throwable failure, long intervalMs) {
    Diagnosis diagnosis = Diagnosis.of(dependency, failure);
    Outage outage = outages.get(dependency.toString());
    boolean first = outage == null;
    if (first) {
      outage = new Outage();
      outages.put(dependency.toString(), outage);
    }
    outage.total++;
    outage.sinceLine++;
    outage.who.add(who);
    long now = System.nanoTime();
    boolean newCause = !diagnosis.code().equals(outage.lastCode);
    if (!first && !newCause && now - outage.lastLineAt < TimeUnit.MILLISECONDS.toNanos(intervalMs)) {
      return diagnosis;
    }
    String whom = String.join(", ", outage.who);
    String why = diagnosis.summary().replaceAll("[.\\s]+$", "");
    String message;
    if (first) {
      message = whom + " cannot reach " + dependency + ": " + why + ". Retrying; while it fails, this is logged"
        + " once every " + seconds(intervalMs) + " with the count of failed attempts";
    } else {
      message = whom + " still cannot reach " + dependency + ": " + why + ". " + outage.sinceLine
        + (outage.sinceLine == 1 ? " failed attempt" : " failed attempts") + " since the last line, " + outage.total + " in "
        + seconds(TimeUnit.NANOSECONDS.toMillis(now - outage.since)) + "; retrying";
    }
    if (diagnosis.misconfigured()) {
      LOG.error(message);
    } else {
      LOG.warn(message);
    }
    outage.lastLineAt = System.nanoTime(); // after the line is written: the next comes at least an interval after it
    outage.lastCode = diagnosis.code();
    outage.sinceLine = 0;
    outage.who.clear();
    return diagnosis;
  }

  /** {@code who} reached {@code dependency}: if it had been failing, says so once. */
  public synchronized void recovered(Dependency dependency, String who) {
    Outage outage = outages.remove(dependency.toString());
    if (outage != null) {
      LOG.info("{} reached {} again, after {} failed {} over {}", who, dependency, outage.total,
        outage.total == 1 ? "attempt" : "attempts", seconds(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - outage.since)));
    }
  }

  private static String seconds(long ms) {
    return ms < 10_000 ? String.format(java.util.Locale.ROOT, "%.1f s", ms / 1000.0) : (ms / 1000) + " s";
  }
}
