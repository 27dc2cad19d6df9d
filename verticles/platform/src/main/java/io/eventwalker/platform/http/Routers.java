package io.eventwalker.platform.http;

import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.Route;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import io.vertx.ext.web.handler.StaticHandler;
import io.eventwalker.platform.metrics.Meters;
import io.vertx.micrometer.PrometheusScrapingHandler;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;

/** What every service's router shares: health, build information, readiness, metrics, the OpenAPI document and the error answers. */
public final class Routers {

  /** Local map recording each service's bound HTTP port (service name → port), for port 0 in tests. */
  public static final String PORTS_MAP = "event-walker.http-ports";
  private static final Set<String> WILDCARDS = Set.of("", "0.0.0.0", "::", "[::]", "0:0:0:0:0:0:0:0");

  private Routers() {
  }

  /**
   * The host to write in a URL for a server bound to {@code host}: 127.0.0.1 for a wildcard
   * address (every interface: this machine answers there), an IPv6 literal in brackets.
   */
  public static String urlHost(String host) {
    if (isWildcard(host)) {
      return "127.0.0.1";
    }
    return host.contains(":") && !host.startsWith("[") ? "[" + host + "]" : host;
  }

  /** Whether {@code host} binds every interface (0.0.0.0, ::). */
  public static boolean isWildcard(String host) {
    return WILDCARDS.contains(host);
  }

  /** The port a server of this process recorded under {@code name} (a service's HTTP, or a bridge), or null. */
  public static Integer boundPort(Vertx vertx, String name) {
    return vertx.sharedData().<String, Integer>getLocalMap(PORTS_MAP).get(name);
  }

  /**
   * Checks that {@code router}'s routes are exactly the operations of the OpenAPI document, starts
   * an HTTP server on it and records the port it bound under {@code service}. A route added
   * without documenting it (or the reverse) stops the service from starting.
   */
  public static Future<HttpServer> serve(Vertx vertx, Router router, HttpServerOptions options, String service,
                                         String openApiResource) {
    requireDocumented(router, new JsonObject(Buffer.buffer(readResource(openApiResource))));
    // Pushed messages are small: websocket compression would cost a zlib stream per connection
    // (hundreds of KB of native memory each) for nothing.
    options.setPerMessageWebSocketCompressionSupported(false).setPerFrameWebSocketCompressionSupported(false);
    Meters.of(vertx, service).serving(options.getHost(), options.getPort());
    return vertx.createHttpServer(options).requestHandler(router).invalidRequestHandler(Routers::invalidRequest).listen()
      .onSuccess(bound -> vertx.sharedData().<String, Integer>getLocalMap(PORTS_MAP).put(service, bound.actualPort()));
  }

  /**
   * A request the HTTP decoder refused before any route saw it (a header or request line over the
   * server's limits, a malformed request): answered with a problem, like every other error, and
   * the connection closed.
   */
  static void invalidRequest(HttpServerRequest request) {
    Throwable cause = request.decoderResult().cause();
    Problem problem = cause instanceof TooLongHttpLineException ? Problem.of(414, "the request line is longer than this server takes")
      : cause instanceof TooLongHttpHeaderException ? Problem.of(431, "the request's headers are larger than this server takes")
      : Problem.of(400, "the request is not valid HTTP");
    Problems.write(request.response().putHeader("Connection", "close"), problem)
      .onComplete(sent -> request.connection().close());
  }

  /**
   * The server's address and idle time-out, from the service's configuration. HTTP/1.1 only: a
   * client's offer to upgrade to cleartext HTTP/2 ({@code Upgrade: h2c}, as Java's HttpClient makes)
   * is answered in HTTP/1.1. Nothing here needs h2c (HAProxy and browsers speak HTTP/1.1 to the
   * services), and with it Vert.x 5.0.7's HTTP metrics fail on a stream closed with its connection
   * (a NullPointerException in {@code VertxHttpServerMetrics.requestReset}, logged as an ERROR).
   */
  public static HttpServerOptions serverOptions(HttpConfig config) {
    return new HttpServerOptions().setHost(config.host()).setPort(config.port()).setIdleTimeout(config.idleTimeoutS())
      .setHttp2ClearTextEnabled(false);
  }

  /** Fails unless the routes with a path and methods are the document's operations ({@code :id} is {@code {id}}). */
  static void requireDocumented(Router router, JsonObject openApi) {
    Set<String> served = new TreeSet<>();
    for (Route route : router.getRoutes()) {
      if (route.getPath() == null || route.methods() == null) {
        continue;
      }
      for (HttpMethod method : route.methods()) {
        served.add(method.name() + " " + route.getPath().replaceAll(":([A-Za-z_][A-Za-z0-9_]*)", "{$1}"));
      }
    }
    Set<String> documented = new TreeSet<>();
    JsonObject paths = openApi.getJsonObject("paths", new JsonObject());
    for (String path : paths.fieldNames()) {
      for (String method : paths.getJsonObject(path).fieldNames()) {
        documented.add(method.toUpperCase(Locale.ROOT) + " " + path);
      }
    }
    if (!served.equals(documented)) {
      Set<String> undocumented = new TreeSet<>(served);
      undocumented.removeAll(documented);
      Set<String> unserved = new TreeSet<>(documented);
      unserved.removeAll(served);
      throw new IllegalStateException("the OpenAPI document and the routes differ: undocumented " + undocumented
        + ", documented but not served " + unserved);
    }
  }

  /**
   * A router with {@code GET /health}, {@code GET /info} (what is running: {@link BuildInfo}),
   * {@code GET /ready}, {@code GET /metrics} (the service's {@code meters}, and the process's that
   * are not another service's) and {@code GET /openapi.json}, whose 404, 405 and failures are problem+json. Add the service's
   * routes to it. Once the process drains ({@link Draining}) every request but {@code /ready} is
   * answered 503 at once. Every request's body must arrive whole within the configured time
   * ({@link BodyDeadline}).
   */
  public static Router base(Vertx vertx, Readiness readiness, String openApiResource, HttpConfig config, Meters meters) {
    Router router = Router.router(vertx);
    Buffer openApi = Buffer.buffer(readResource(openApiResource));
    router.route().handler(new HttpMeters(meters)::attach);
    router.route().handler(Draining.refuser(vertx));
    router.route().handler(BodyDeadline.handler(vertx, config.bodyTimeoutMs()));
    router.get("/health").handler(ctx -> Responses.json(ctx, 200, new JsonObject().put("status", "UP")));
    JsonObject info = BuildInfo.read().toJson(meters.service());
    router.get("/info").handler(ctx -> Responses.json(ctx, 200, info));
    router.get("/ready").handler(readiness::handle);
    router.get("/metrics").handler(PrometheusScrapingHandler.create(meters.prometheus()));
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

  /**
   * Serves a service's page at {@code GET /} ({@code webroot/<page>/index.html}), its API docs at
   * {@code GET /docs} (Swagger UI on {@code /openapi.json}, {@code webroot/docs/index.html}) and the
   * static files under {@code /assets/} (from {@code webroot/} on the classpath), with a Content
   * Security Policy that lets pages load and connect only to this same server.
   */
  public static void pages(Router router, String page) {
    router.route("/assets/*").handler(ctx -> {
      securityHeaders(ctx);
      ctx.next();
    }).handler(StaticHandler.create("webroot").setCachingEnabled(true).setMaxAgeSeconds(300).setDirectoryListing(false));
    router.get("/").handler(ctx -> sendPage(ctx, "webroot/" + page + "/index.html"));
    router.get("/docs").handler(ctx -> sendPage(ctx, "webroot/docs/index.html"));
  }

  private static void sendPage(RoutingContext ctx, String file) {
    securityHeaders(ctx);
    ctx.response().putHeader("Content-Type", "text/html; charset=utf-8").putHeader("Cache-Control", "no-cache");
    ctx.response().sendFile(file).onFailure(ctx::fail);
  }

  private static void securityHeaders(RoutingContext ctx) {
    ctx.response()
      .putHeader("Content-Security-Policy", "default-src 'self'; connect-src 'self'; img-src 'self' data:; frame-ancestors 'none'")
      .putHeader("X-Content-Type-Options", "nosniff")
      .putHeader("Referrer-Policy", "no-referrer");
  }

  /**
   * Refuses a browser request from another origin (403) unless {@code allowed} names it. Requests
   * without an {@code Origin} header (not from a browser page) pass.
   */
  public static io.vertx.core.Handler<RoutingContext> sameOrigin(Set<String> allowed) {
    return ctx -> {
      String origin = ctx.request().getHeader("Origin");
      if (origin == null || allowed.contains(origin) || isSameOrigin(origin, ctx.request().getHeader("Host"))) {
        ctx.next();
      } else {
        Problems.write(ctx, Problem.of(403, "cross-origin connections are not allowed from " + origin));
      }
    };
  }

  static boolean isSameOrigin(String origin, String host) {
    if (host == null) {
      return false;
    }
    String withoutScheme = origin.replaceFirst("^https?://", "");
    return withoutScheme.equalsIgnoreCase(host);
  }

  /** A body handler for JSON writes: no uploads kept on disk, bodies above {@code limit} bytes refused with 413. */
  public static BodyHandler jsonBody(long limit) {
    return BodyHandler.create(false).setBodyLimit(limit).setHandleFileUploads(false);
  }

  static byte[] readResource(String resource) {
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
