package io.eventwalker.testing;

import io.eventwalker.platform.json.StrictJson;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;

/**
 * A plain HTTP client for tests, as a user of the API would be. Given the service's
 * {@link ApiContract}, it holds every answer to the service's OpenAPI document: a response that
 * the document does not allow fails the test.
 */
public final class Http {

  private static final HttpClient CLIENT = HttpClient.newBuilder()
    .connectTimeout(Duration.ofSeconds(5))
    .version(HttpClient.Version.HTTP_1_1)
    .build();

  private final String base;
  /** Sent as {@code Authorization: Bearer …} with every request that does not set its own; null for none. */
  private final String token;
  /** The document every response is checked against; null for none. */
  private final ApiContract contract;

  public Http(int port) {
    this(port, null);
  }

  /** The service on {@code port}, its responses checked against {@code contract}. */
  public Http(int port, ApiContract contract) {
    this("http://127.0.0.1:" + port, null, contract);
  }

  private Http(String base, String token, ApiContract contract) {
    this.base = base;
    this.token = token;
    this.contract = contract;
  }

  /** The same server, with {@code token} as the bearer of every request (null: no Authorization header). */
  public Http as(String token) {
    return new Http(base, token, contract);
  }

  public String base() {
    return base;
  }

  public record Response(int status, java.net.http.HttpHeaders headers, String body) {
    public String header(String name) {
      return headers.firstValue(name).orElse(null);
    }

    public String contentType() {
      return header("Content-Type");
    }

    public JsonObject object() {
      return new JsonObject(body);
    }

    public JsonArray array() {
      return new JsonArray(body);
    }

    /** The body parsed with exact decimals (numbers as BigDecimal). */
    public Object exact() {
      try {
        return StrictJson.parse(body.getBytes(java.nio.charset.StandardCharsets.UTF_8));
      } catch (StrictJson.MalformedJsonException e) {
        throw new AssertionError("not JSON: " + body, e);
      }
    }

    @Override
    public String toString() {
      return status + " " + body;
    }
  }

  public Response get(String path) {
    return send("GET", path, (byte[]) null, Map.of());
  }

  public Response post(String path, String json) {
    return send("POST", path, json, Map.of("Content-Type", "application/json"));
  }

  public Response put(String path, String json) {
    return send("PUT", path, json, Map.of("Content-Type", "application/json"));
  }

  public Response send(String method, String path, String body, Map<String, String> headers) {
    return send(method, path, body == null ? null : body.getBytes(java.nio.charset.StandardCharsets.UTF_8), headers);
  }

  public Response send(String method, String path, byte[] body, Map<String, String> headers) {
    HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create(base + path))
      .timeout(Duration.ofSeconds(30))
      .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body));
    headers.forEach(builder::header);
    if (token != null && !headers.containsKey("Authorization")) {
      builder.header("Authorization", "Bearer " + token);
    }
    try {
      HttpResponse<String> answer = CLIENT.send(builder.build(), HttpResponse.BodyHandlers.ofString());
      Response response = new Response(answer.statusCode(), answer.headers(), answer.body());
      if (contract != null) {
        contract.check(method, path, response);
      }
      return response;
    } catch (IOException e) {
      throw new AssertionError(method + " " + path + " failed: " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(method + " " + path + " interrupted", e);
    }
  }
}
