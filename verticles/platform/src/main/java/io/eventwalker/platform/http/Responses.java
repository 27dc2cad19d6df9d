package io.eventwalker.platform.http;

import io.eventwalker.platform.json.StrictJson;
import io.eventwalker.platform.validation.ValidationException;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

/** Writing JSON answers, and the request-side checks every JSON endpoint shares. */
public final class Responses {

  private Responses() {
  }

  public static Future<Void> json(RoutingContext ctx, int status, Object body) {
    String encoded = body instanceof JsonObject object ? object.encode()
      : body instanceof JsonArray array ? array.encode()
      : String.valueOf(body);
    return ctx.response()
      .setStatusCode(status)
      .putHeader("Content-Type", "application/json")
      .end(encoded);
  }

  /**
   * The request's JSON body, parsed exactly ({@link StrictJson}). A body declared as something
   * other than JSON is refused with 415 (a missing Content-Type is read as JSON); a malformed one,
   * or any query parameter (write endpoints take none), with 400.
   */
  public static Object jsonBody(RoutingContext ctx) throws ValidationException {
    requireJsonBody(ctx);
    for (String name : ctx.queryParams().names()) {
      throw new ValidationException(name, "unknown query parameter; this endpoint takes none");
    }
    Buffer body = ctx.body().buffer();
    try {
      return StrictJson.parse(body == null ? null : body.getBytes());
    } catch (StrictJson.MalformedJsonException e) {
      throw new ValidationException("", e.getMessage());
    }
  }

  /** Refuses a request whose declared body is not JSON (a missing Content-Type is read as JSON). */
  static void requireJsonBody(RoutingContext ctx) {
    String type = ctx.request().getHeader("Content-Type");
    if (type != null) {
      String mediaType = type.split(";", 2)[0].trim().toLowerCase(java.util.Locale.ROOT);
      if (!mediaType.equals("application/json") && !(mediaType.startsWith("application/") && mediaType.endsWith("+json"))) {
        throw Problem.of(415, "Content-Type must be application/json, got " + mediaType).exception();
      }
    }
  }
}
