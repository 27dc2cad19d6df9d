package io.eventwalker.testing;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonObject;
import io.vertx.json.schema.common.dsl.SchemaType;
import io.vertx.openapi.contract.MediaType;
import io.vertx.openapi.contract.OpenAPIContract;
import io.vertx.openapi.contract.Operation;
import io.vertx.openapi.contract.Response;
import io.vertx.openapi.validation.ResponseValidator;
import io.vertx.openapi.validation.SchemaValidationException;
import io.vertx.openapi.validation.ValidatableResponse;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;

/**
 * A service's OpenAPI document ({@code openapi/<service>.json}, the one it serves) as the tests hold
 * the service to it. {@link Http} hands it every response: when the request's method and path are
 * an operation of the document, the status must be declared (an error status may fall back to the
 * operation's {@code default}), the content type must be one the document declares for it, and
 * the body and declared headers must fit their schemas — else the test fails, naming the
 * operation, the status and what does not fit. Other paths ({@code /assets/…}, a path that does
 * not exist) are not the document's business and pass unchecked.
 *
 * <p>The checking is vertx-openapi's {@link ResponseValidator}. Its 5.0 release reads only a few
 * media types, so it is given a copy of the document in which {@code application/problem+json}
 * (any {@code …+json}) stands as a vendor JSON type, still checked against its schema, and other
 * types ({@code text/html}, {@code text/plain}) as opaque bytes; which content type is declared is
 * checked here, against the document as written. Header names are lower-cased in that copy, as
 * the validator looks them up.
 */
public final class ApiContract {

  private final String service;
  private final OpenAPIContract contract;
  private final ResponseValidator validator;

  private ApiContract(String service, OpenAPIContract contract, ResponseValidator validator) {
    this.service = service;
    this.contract = contract;
    this.validator = validator;
  }

  /** The document of {@code service} ({@code line-provider} or {@code bet-maker}), checked on {@code vertx}. */
  public static ApiContract of(Vertx vertx, String service) {
    JsonObject document = read("openapi/" + service + ".json");
    OpenAPIContract contract = await(OpenAPIContract.from(vertx, ValidatorDocument.of(document)), "the OpenAPI document of " + service);
    return new ApiContract(service, contract, ResponseValidator.create(vertx, contract));
  }

  /**
   * Fails with an {@link AssertionError} unless {@code response}, the answer to {@code method}
   * {@code pathAndQuery}, is one the document allows; does nothing for a path or method the
   * document does not have.
   */
  public void check(String method, String pathAndQuery, Http.Response response) {
    String path = pathAndQuery.split("[?#]", 2)[0];
    HttpMethod httpMethod = HttpMethod.valueOf(method.toUpperCase(Locale.ROOT));
    if (!path.startsWith("/")) {
      return;
    }
    Operation operation = contract.findOperation(path, httpMethod);
    if (operation == null) {
      return;
    }
    String where = service + " " + method + " " + path + " (operation " + operation.getOperationId() + ") answered "
      + response.status();
    Response declared = operation.getResponse(response.status());
    if (declared == null && response.status() >= 400) {
      declared = operation.getDefaultResponse();
    }
    if (declared == null) {
      throw new AssertionError(where + ", a status its OpenAPI document does not declare "
        + declaredStatuses(operation) + "; body: " + excerpt(response.body()));
    }
    String bodyType = bodyType(where, declared, response);
    Map<String, String> headers = headers(declared, response);
    ValidatableResponse validatable = bodyType == null
      ? ValidatableResponse.create(response.status(), headers)
      : ValidatableResponse.create(response.status(), headers, Buffer.buffer(response.body(), "UTF-8"), bodyType);
    try {
      validator.validate(validatable, operation.getOperationId()).toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      throw new AssertionError(where + ", which its OpenAPI document does not allow: " + reason(e.getCause())
        + "; body: " + excerpt(response.body()), e.getCause());
    } catch (TimeoutException e) {
      throw new AssertionError(where + ": the OpenAPI validator did not answer within 10 s", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(where + ": interrupted while validating", e);
    }
  }

  /**
   * The response's headers for the validator, by lower-case name. A header the document declares
   * as a string goes as a JSON string: the validator decodes header values as JSON first, and
   * fails on a plain value with quotes in it ({@code Bearer realm="event-walker"}).
   */
  private static Map<String, String> headers(Response declared, Http.Response response) {
    Set<String> strings = declared.getHeaders().stream()
      .filter(header -> SchemaType.STRING.equals(header.getSchemaType()))
      .map(header -> header.getName().toLowerCase(Locale.ROOT))
      .collect(Collectors.toSet());
    Map<String, String> headers = new HashMap<>();
    response.headers().map().forEach((name, values) -> {
      String lower = name.toLowerCase(Locale.ROOT);
      headers.put(lower, strings.contains(lower) ? Json.encode(values.get(0)) : values.get(0));
    });
    return headers;
  }

  /**
   * The media type to hand the validator for the response's body (as named in the validator's
   * copy of the document), or null when the response has no body and the document declares none.
   */
  private static String bodyType(String where, Response declared, Http.Response response) {
    Map<String, MediaType> content = declared.getContent();
    boolean hasBody = response.body() != null && !response.body().isEmpty();
    if (content.isEmpty()) {
      if (hasBody) {
        throw new AssertionError(where + " with a body (" + response.contentType() + "), where its OpenAPI document declares none; body: "
          + excerpt(response.body()));
      }
      return null;
    }
    String actual = response.contentType();
    if (actual == null) {
      throw new AssertionError(where + " without a Content-Type, where its OpenAPI document declares " + declaredTypes(declared));
    }
    String actualType = mediaType(actual);
    for (String standIn : content.keySet()) {
      if (mediaType(declaredType(declared, standIn)).equals(actualType)) {
        return standIn;
      }
    }
    throw new AssertionError(where + " with Content-Type " + actual + ", where its OpenAPI document declares "
      + declaredTypes(declared) + "; body: " + excerpt(response.body()));
  }

  /** The content type the document declares for the validator copy's {@code standIn}. */
  private static String declaredType(Response declared, String standIn) {
    String opaque = declared.getOpenAPIModel().getString(ValidatorDocument.OPAQUE_AS);
    if (standIn.equals(ValidatorDocument.OPAQUE) && opaque != null) {
      return opaque;
    }
    return declared.getContent().get(standIn).getOpenAPIModel().getString(ValidatorDocument.DECLARED_AS, standIn);
  }

  private static List<String> declaredTypes(Response declared) {
    return declared.getContent().keySet().stream().map(standIn -> declaredType(declared, standIn)).sorted().collect(Collectors.toList());
  }

  private static List<String> declaredStatuses(Operation operation) {
    JsonObject responses = operation.getOpenAPIModel().getJsonObject("responses", new JsonObject());
    return responses.fieldNames().stream().sorted().collect(Collectors.toList());
  }

  /** {@code application/problem+json; charset=utf-8} → {@code application/problem+json}. */
  static String mediaType(String contentType) {
    return contentType.split(";", 2)[0].trim().toLowerCase(Locale.ROOT);
  }

  private static String reason(Throwable failure) {
    StringBuilder reason = new StringBuilder(String.valueOf(failure.getMessage()));
    if (failure instanceof SchemaValidationException invalid && invalid.getOutputUnit() != null
      && invalid.getOutputUnit().getErrors() != null) {
      List<String> errors = new ArrayList<>();
      invalid.getOutputUnit().getErrors().stream()
        .filter(unit -> unit.getError() != null && !unit.getError().contains("subschema"))
        .forEach(unit -> errors.add(unit.getInstanceLocation() + ": " + unit.getError()));
      reason.append(" ").append(errors.stream().limit(5).collect(Collectors.toList()));
    }
    return reason.toString();
  }

  private static String excerpt(String body) {
    if (body == null) {
      return "(none)";
    }
    return body.length() <= 500 ? body : body.substring(0, 500) + "…";
  }

  private static JsonObject read(String resource) {
    try (InputStream in = ApiContract.class.getClassLoader().getResourceAsStream(resource)) {
      if (in == null) {
        throw new AssertionError("resource not on the classpath: " + resource);
      }
      return new JsonObject(new String(in.readAllBytes(), StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static <T> T await(io.vertx.core.Future<T> future, String what) {
    try {
      return future.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      throw new AssertionError("cannot read " + what + ": " + e.getCause().getMessage(), e.getCause());
    } catch (TimeoutException e) {
      throw new AssertionError("reading " + what + " took longer than 30 s", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted while reading " + what, e);
    }
  }
}
