package io.eventwalker.shared.http;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import io.vertx.micrometer.PrometheusScrapingHandler;
import io.vertx.micrometer.backends.BackendRegistries;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/** What every service's router shares: health, readiness, metrics, the OpenAPI document and the error answers. */
public final class Routers {

  /** Local map recording each service's bound HTTP port (service name → port), for port 0 in tests. */
  public static final String PORTS_MAP = "event-walker.http-ports";

  private Routers() {
  }

  /** Starts {@code server} and records the port it actually bound under {@code service}. */
  public static Future<HttpServer> listen(Vertx vertx, HttpServer server, String service) {
    return server.listen().onSuccess(bound -> vertx.sharedData().<String, Integer>getLocalMap(PORTS_MAP)
      .put(service, bound.actualPort()));
  }

  /**
   * A router with {@code GET /health}, {@code GET /ready}, {@code GET /metrics} and
   * {@code GET /openapi.json}, whose 404, 405 and failures are problem+json. Add the service's
   * routes to it.
   */
  public static Router base(Vertx vertx, Readiness readiness, String openApiResource) {
    Router router = Router.router(vertx);
    Buffer openApi = Buffer.buffer(readResource(openApiResource));
    router.get("/health").handler(ctx -> Responses.json(ctx, 200, new JsonObject().put("status", "UP")));
    router.get("/ready").handler(readiness::handle);
    router.get("/metrics").handler(metricsHandler());
    router.get("/openapi.json").handler(ctx -> ctx.response()
      .putHeader("Content-Type", "application/json")
      .end(openApi));
    router.route().failureHandler(Problems::handle);
    router.errorHandler(404, ctx -> Problems.write(ctx, Problem.of(404, "no such resource: " + ctx.request().path())));
    router.errorHandler(405, ctx -> Problems.write(ctx, Problem.of(405, ctx.request().method() + " is not allowed on " + ctx.request().path())));
    router.errorHandler(400, ctx -> Problems.write(ctx, Problem.of(400, "malformed request")));
    router.errorHandler(500, Problems::handle);
    return router;
  }

  /** A body handler for JSON writes: no uploads kept on disk, bodies above {@code limit} bytes refused with 413. */
  public static BodyHandler jsonBody(long limit) {
    return BodyHandler.create(false).setBodyLimit(limit).setHandleFileUploads(false);
  }

  private static io.vertx.core.Handler<RoutingContext> metricsHandler() {
    return ctx -> {
      if (BackendRegistries.getDefaultNow() == null) {
        Problems.write(ctx, Problem.of(503, "metrics are not enabled in this process"));
      } else {
        PrometheusScrapingHandler.create().handle(ctx);
      }
    };
  }

  private static byte[] readResource(String resource) {
    try (InputStream in = Routers.class.getClassLoader().getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalStateException("resource not on the classpath: " + resource);
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
