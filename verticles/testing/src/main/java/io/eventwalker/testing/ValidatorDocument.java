package io.eventwalker.testing;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.openapi.contract.MediaType;

import java.util.Locale;

/**
 * The copy of a service's OpenAPI document that {@link ApiContract}'s validator reads: vertx-openapi
 * 5.0 reads only a few media types, so {@code …+json} types stand as vendor JSON types (still
 * checked against their schemas) and others as opaque bytes, header names are lower-cased, and
 * relative servers are made absolute. Which type the document declared is kept on the copy.
 */
final class ValidatorDocument {

  /** On a media type of the validator's copy: the type the document declares (where the two differ). */
  static final String DECLARED_AS = "x-declared-as";
  /** On a response of the validator's copy: the type its opaque media type stands for (an opaque one holds nothing else). */
  static final String OPAQUE_AS = "x-opaque-as";
  static final String OPAQUE = "application/octet-stream";

  private ValidatorDocument() {
  }

  /** The copy of the document the validator reads (see the class comment). */
  static JsonObject of(JsonObject document) {
    JsonObject copy = document.copy();
    adapt(copy);
    absoluteServers(copy);
    return copy;
  }

  /**
   * The documents name their server relatively ({@code "/"}: wherever the document was read from),
   * which OpenAPI allows; vertx-openapi 5.0 takes only absolute URLs, so its copy puts each on a
   * placeholder host (the path, which is what matching a request uses, stays as written).
   */
  private static void absoluteServers(JsonObject document) {
    if (document.getValue("servers") instanceof JsonArray servers) {
      for (Object server : servers) {
        if (server instanceof JsonObject named && named.getString("url", "").startsWith("/")) {
          named.put("url", "http://server.invalid" + named.getString("url"));
        }
      }
    }
  }

  /** Rewrites every response's content and headers for the validator, wherever responses are declared. */
  private static void adapt(Object node) {
    if (node instanceof JsonObject object) {
      if (object.getValue("responses") instanceof JsonObject responses) {
        for (String status : responses.fieldNames()) {
          if (responses.getValue(status) instanceof JsonObject response) {
            adaptResponse(response);
          }
        }
      }
      for (String field : object.fieldNames()) {
        if (!field.equals("responses")) {
          adapt(object.getValue(field));
        }
      }
    } else if (node instanceof JsonArray array) {
      array.forEach(ValidatorDocument::adapt);
    }
  }

  private static void adaptResponse(JsonObject response) {
    if (response.getValue("content") instanceof JsonObject content) {
      JsonObject adapted = new JsonObject();
      for (String type : content.fieldNames()) {
        String standIn = standIn(type);
        if (adapted.containsKey(standIn)) {
          throw new IllegalStateException("the OpenAPI check cannot tell two of " + content.fieldNames() + " apart");
        }
        if (standIn.equals(type)) {
          adapted.put(type, content.getJsonObject(type));
        } else if (standIn.equals(OPAQUE)) {
          // vertx-openapi 5.0 takes a media type without a schema only when it holds nothing at all.
          adapted.put(OPAQUE, new JsonObject());
          response.put(OPAQUE_AS, type);
        } else {
          adapted.put(standIn, content.getJsonObject(type).copy().put(DECLARED_AS, type));
        }
      }
      response.put("content", adapted);
    }
    if (response.getValue("headers") instanceof JsonObject headers) {
      JsonObject lowered = new JsonObject();
      headers.forEach(header -> lowered.put(header.getKey().toLowerCase(Locale.ROOT), header.getValue()));
      response.put("headers", lowered);
    }
  }

  /** What the validator (vertx-openapi 5.0) is told a declared media type is. */
  private static String standIn(String type) {
    String media = ApiContract.mediaType(type);
    if (media.equals("application/json") || media.equals("application/hal+json") || MediaType.isVendorSpecificJson(media)) {
      return type;
    }
    if (media.endsWith("+json")) {
      String subtype = media.substring(media.indexOf('/') + 1, media.length() - "+json".length());
      return "application/vnd." + subtype.replaceAll("[^\\w.-]", "-") + "+json";
    }
    return OPAQUE;
  }
}
