package io.eventwalker.platform.startup;

import io.eventwalker.platform.http.Draining;
import io.eventwalker.platform.http.HttpConfig;
import io.eventwalker.platform.http.Problem;
import io.eventwalker.platform.http.Problems;
import io.eventwalker.platform.http.Responses;
import io.eventwalker.platform.http.Routers;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.function.Supplier;

/**
 * What a service answers on its HTTP address while it waits for PostgreSQL at start-up (nothing
 * else can start before its schema is migrated): {@code GET /health} 200, since the process is
 * alive and retrying; {@code GET /ready} 503 naming PostgreSQL and why it does not answer; every
 * other request 503 saying the same, with {@code Retry-After}. An orchestrator thus sees a live
 * instance that is not ready, as it would during an outage later, rather than one that is gone.
 * Closed the moment PostgreSQL answers, before the service's own server listens.
 */
final class WaitingRoom {

  private static final Logger LOG = LoggerFactory.getLogger(WaitingRoom.class);

  private final HttpServer server;

  private WaitingRoom(HttpServer server) {
    this.server = server;
  }

  /** Listens on the service's configured address; {@code why} says, at each request, what it waits for. */
  static Future<WaitingRoom> open(Vertx vertx, String service, HttpConfig http, Supplier<String> why) {
    Router router = Router.router(vertx);
    router.route().handler(Draining.refuser(vertx));
    router.get("/health").handler(ctx -> Responses.json(ctx, 200, new JsonObject().put("status", "UP")));
    router.get("/ready").handler(ctx -> {
      ctx.response().putHeader("Retry-After", "5");
      Problems.write(ctx, Problem.of(503, "not ready: postgres unavailable")
        .with("checks", new JsonObject().put("postgres", "DOWN: " + why.get())));
    });
    router.route().handler(ctx -> {
      ctx.response().putHeader("Retry-After", "5");
      Problems.write(ctx, Problem.of(503, service + " does not serve yet: it waits for " + why.get()));
    });
    return vertx.createHttpServer(Routers.serverOptions(http)).requestHandler(router).listen()
      .map(bound -> {
        vertx.sharedData().<String, Integer>getLocalMap(Routers.PORTS_MAP).put(service, bound.actualPort());
        String base = "http://" + Routers.urlHost(http.host()) + ":" + bound.actualPort();
        LOG.info("{} waits for PostgreSQL before it serves (its schema is migrated first); meanwhile {}/health answers 200,"
          + " and {}/ready and every other request 503 saying why", service, base, base);
        return new WaitingRoom(bound);
      });
  }

  Future<Void> close() {
    return server.close();
  }
}
