package io.eventwalker.platform.http;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.InputStream;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RoutersTest {

  private final Vertx vertx = Vertx.vertx();

  @AfterEach
  void close() {
    vertx.close().await();
  }

  private static JsonObject doc(String... operations) {
    JsonObject paths = new JsonObject();
    for (String operation : operations) {
      String[] parts = operation.split(" ");
      JsonObject path = paths.getJsonObject(parts[1], new JsonObject());
      paths.put(parts[1], path.put(parts[0].toLowerCase(), new JsonObject()));
    }
    return new JsonObject().put("paths", paths);
  }

  @Test
  void routesMustBeExactlyTheDocumentedOperations() {
    Router router = Router.router(vertx);
    router.get("/thing/:thing_id").handler(ctx -> ctx.end());
    router.post("/thing").handler(ctx -> ctx.end());
    router.route().failureHandler(ctx -> ctx.end());
    assertThatCode(() -> Routers.requireDocumented(router, doc("GET /thing/{thing_id}", "POST /thing"))).doesNotThrowAnyException();
    assertThatThrownBy(() -> Routers.requireDocumented(router, doc("GET /thing/{thing_id}")))
      .hasMessageContaining("undocumented [POST /thing]");
    assertThatThrownBy(() -> Routers.requireDocumented(router, doc("GET /thing/{thing_id}", "POST /thing", "PUT /thing")))
      .hasMessageContaining("not served [PUT /thing]");
  }

  @Test
  void theShippedDocumentsAreOpenApi31() throws Exception {
    for (String resource : new String[] {"openapi/line-provider.json", "openapi/bet-maker.json"}) {
      try (InputStream in = getClass().getClassLoader().getResourceAsStream(resource)) {
        JsonObject document = new JsonObject(new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8));
        org.assertj.core.api.Assertions.assertThat(document.getString("openapi")).isEqualTo("3.1.0");
        org.assertj.core.api.Assertions.assertThat(document.getJsonObject("paths").fieldNames()).contains("/health", "/ready", "/metrics", "/openapi.json");
        // No host or port of its own: /docs tries operations on whatever origin it was opened at.
        org.assertj.core.api.Assertions.assertThat(document.getJsonArray("servers").stream().map(server -> ((JsonObject) server).getString("url")))
          .as(resource + " servers").containsExactly("/");
      }
    }
  }
}
