package io.eventwalker.platform.dependencies;

import io.vertx.core.Future;
import io.vertx.core.Vertx;

import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * Keeps an eye on one dependency of a verticle that owns a client of it (the PostgreSQL pool, the
 * Redis client): pings it at once and then every {@code DEPENDENCY_RETRY_MAX_MS}, and takes the
 * failures and successes of the owner's own commands too, so that the dependency going down is
 * logged through the {@link OutageLog} (throttled, named, with what to do) whether or not
 * anything asks it meanwhile, and its coming back is logged once. The same for an outage at
 * start-up as for one later.
 */
public final class DependencyWatch {

  private final Vertx vertx;
  private final Dependency dependency;
  private final String who;
  private final DependencyConfig config;
  private final Supplier<Future<?>> ping;
  private final long timeoutMs;
  private volatile boolean failing;
  private long timer = -1;

  /** {@code ping}: a cheap command ({@code SELECT 1}, {@code PING}), bounded by {@code timeoutMs}. */
  public DependencyWatch(Vertx vertx, Dependency dependency, String who, DependencyConfig config, Supplier<Future<?>> ping,
                         long timeoutMs) {
    this.vertx = vertx;
    this.dependency = dependency;
    this.who = who;
    this.config = config;
    this.ping = ping;
    this.timeoutMs = timeoutMs;
  }

  public DependencyWatch start() {
    timer = vertx.setPeriodic(0, config.retryMaxMs(), id -> ping());
    return this;
  }

  public void stop() {
    vertx.cancelTimer(timer);
  }

  /**
   * Pings the dependency; the outcome is reported, a failure only when it says the dependency is
   * out of reach (a PostgreSQL pool whose connections are all busy is not PostgreSQL down).
   */
  public Future<Void> ping() {
    return ping.get().timeout(timeoutMs, TimeUnit.MILLISECONDS)
      .onSuccess(pong -> succeeded())
      .onFailure(failure -> {
        if (Diagnosis.known(dependency, failure) != null) {
          failed(failure);
        }
      })
      .mapEmpty();
  }

  /** A command of the owner's failed: counted and logged as the dependency failing. Returns what it means. */
  public Diagnosis failed(Throwable failure) {
    failing = true;
    return OutageLog.of(vertx).failed(dependency, who, failure, config.logIntervalMs());
  }

  /** A command of the owner's succeeded: if the dependency had been failing, its coming back is logged. */
  public void succeeded() {
    if (failing) {
      failing = false;
      OutageLog.of(vertx).recovered(dependency, who);
    }
  }
}
