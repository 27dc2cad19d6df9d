package io.eventwalker.platform.http;

import io.eventwalker.testing.Http;
import io.eventwalker.testing.SystemTest;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Each service's API docs at {@code /docs}: an HTML page that loads Swagger UI and its own script
 * from the same server only (no other host, no inline script, under the pages' Content Security
 * Policy), every file it names answers, and the script reads the service's own document.
 */
class ApiDocsTest extends SystemTest {

  private static final Pattern REFERENCE = Pattern.compile("(?:src|href)\\s*=\\s*\"([^\"]*)\"");
  private static final Pattern SCRIPT = Pattern.compile("<script\\b([^>]*)>(.*?)</script>", Pattern.DOTALL);

  @Test
  void lineProviderServesItsDocs() {
    assertDocs(system.lineProvider().as(null));
  }

  @Test
  void betMakerServesItsDocs() {
    assertDocs(system.betMaker().as(null));
  }

  /**
   * No CORS: /docs calls the server it was opened from (same origin), and a page of another origin
   * is given no permission to call the API from a browser.
   */
  @Test
  void noOtherOriginIsAllowedToCallTheApis() {
    for (Http http : List.of(system.lineProvider().as(null), system.betMaker().as(null))) {
      Http.Response preflight = http.send("OPTIONS", "/events", (byte[]) null, Map.of("Origin", "http://elsewhere.example",
        "Access-Control-Request-Method", "GET"));
      assertThat(preflight.status()).as(http.base() + " preflight").isEqualTo(405);
      assertThat(preflight.header("Access-Control-Allow-Origin")).isNull();
      Http.Response read = http.send("GET", "/events", (byte[]) null, Map.of("Origin", "http://elsewhere.example"));
      assertThat(read.status()).isEqualTo(200);
      assertThat(read.header("Access-Control-Allow-Origin")).as("a browser keeps the answer from the other origin's page").isNull();
    }
  }

  private static void assertDocs(Http http) {
    Http.Response page = http.get("/docs");
    assertThat(page.status()).isEqualTo(200);
    assertThat(page.contentType()).startsWith("text/html");
    assertThat(page.header("Content-Security-Policy")).contains("default-src 'self'");
    assertThat(http.get("/docs/").status()).as("/docs/").isIn(200, 301, 302, 308);

    Matcher scripts = SCRIPT.matcher(page.body());
    int scriptCount = 0;
    while (scripts.find()) {
      scriptCount++;
      assertThat(scripts.group(1)).as("every script is a file").contains("src=");
      assertThat(scripts.group(2).trim()).as("no inline script").isEmpty();
    }
    assertThat(scriptCount).isGreaterThanOrEqualTo(2);

    List<String> references = new ArrayList<>();
    Matcher reference = REFERENCE.matcher(page.body());
    while (reference.find()) {
      references.add(reference.group(1));
    }
    assertThat(references).as("what the page loads")
      .contains("/assets/vendor/swagger-ui/swagger-ui-bundle.js", "/assets/vendor/swagger-ui/swagger-ui.css", "/assets/docs/docs.js")
      .allSatisfy(path -> assertThat(path).as("a path on this server").startsWith("/").doesNotStartWith("//"));
    for (String path : references) {
      Http.Response asset = http.get(path);
      assertThat(asset.status()).as(path).isEqualTo(200);
      assertThat(asset.body()).as(path).isNotEmpty();
      if (path.endsWith(".js")) {
        assertThat(asset.contentType()).as(path).contains("javascript");
      } else if (path.endsWith(".css")) {
        assertThat(asset.contentType()).as(path).startsWith("text/css");
      }
    }

    Http.Response script = http.get("/assets/docs/docs.js");
    assertThat(script.body()).contains("SwaggerUIBundle").contains("'/openapi.json'").doesNotContain("http:").doesNotContain("https:");
    assertThat(http.get("/openapi.json").object().getJsonObject("paths").fieldNames()).contains("/docs");
  }
}
