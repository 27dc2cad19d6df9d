package io.eventwalker.platform.http;

import io.eventwalker.platform.Lifecycle;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.ext.web.RoutingContext;

/**
 * The first handler of every router: once the process drains ({@link Lifecycle}), a request is
 * answered 503 at once, with {@code Retry-After} and {@code Connection: close} ({@code /ready}
 * answers its own 503).
 */
public final class Draining {

  private Draining() {
  }

  public static Handler<RoutingContext> refuser(Vertx vertx) {
    Lifecycle lifecycle = Lifecycle.of(vertx);
    return ctx -> {
      if (lifecycle.draining() && !ctx.request().path().equals("/ready")) {
        ctx.response().putHeader("Connection", "close").putHeader("Retry-After", "1");
        Problems.write(ctx, Problem.of(503, "the service is shutting down; nothing was done; try again"));
        return;
      }
      ctx.next();
    };
  }
}
