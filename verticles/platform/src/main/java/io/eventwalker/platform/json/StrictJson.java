package io.eventwalker.platform.json;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Parses request bodies into plain Java values without ever going through {@code double}:
 * objects become {@code Map<String, Object>} (insertion ordered), arrays {@code List<Object>},
 * every number a {@link java.math.BigDecimal} built from its exact text, strings {@code String},
 * booleans {@code Boolean} and JSON {@code null} a Java {@code null} (use {@code containsKey}).
 *
 * <p>Duplicate keys, trailing content, NaN/Infinity literals, comments and documents nested
 * deeper than {@link #MAX_DEPTH} are refused.
 */
public final class StrictJson {

  public static final int MAX_DEPTH = 32;
  private static final int MAX_NUMBER_LENGTH = 100;

  private static final JsonFactory FACTORY = JsonFactory.builder()
    .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
    .streamReadConstraints(StreamReadConstraints.builder()
      .maxNestingDepth(MAX_DEPTH)
      .maxNumberLength(MAX_NUMBER_LENGTH)
      .build())
    .build();

  private StrictJson() {
  }

  /** Thrown for anything that is not one well-formed JSON document. */
  public static final class MalformedJsonException extends Exception {
    public MalformedJsonException(String message) {
      super(message, null, false, false);
    }
  }

  public static Object parse(byte[] body) throws MalformedJsonException {
    if (body == null || body.length == 0) {
      throw new MalformedJsonException("request body is empty; a JSON document is required");
    }
    try (JsonParser parser = FACTORY.createParser(body)) {
      JsonToken first = parser.nextToken();
      if (first == null) {
        throw new MalformedJsonException("request body holds no JSON value");
      }
      Object value = readValue(parser, first);
      JsonToken trailing = parser.nextToken();
      if (trailing != null) {
        throw new MalformedJsonException("unexpected content after the JSON document at column "
          + parser.currentLocation().getColumnNr());
      }
      return value;
    } catch (JsonProcessingException e) {
      var location = e.getLocation();
      String where = location == null ? "" : " at line " + location.getLineNr() + ", column " + location.getColumnNr();
      throw new MalformedJsonException("malformed JSON" + where + ": " + e.getOriginalMessage());
    } catch (IOException e) {
      throw new MalformedJsonException("unreadable JSON: " + e.getMessage());
    }
  }

  private static Object readValue(JsonParser parser, JsonToken token) throws IOException {
    switch (token) {
      case START_OBJECT: {
        Map<String, Object> object = new LinkedHashMap<>();
        JsonToken next;
        while ((next = parser.nextToken()) == JsonToken.FIELD_NAME) {
          String name = parser.currentName();
          object.put(name, readValue(parser, parser.nextToken()));
        }
        if (next != JsonToken.END_OBJECT) {
          throw new IOException("unterminated object");
        }
        return object;
      }
      case START_ARRAY: {
        List<Object> array = new ArrayList<>();
        JsonToken next;
        while ((next = parser.nextToken()) != JsonToken.END_ARRAY) {
          if (next == null) {
            throw new IOException("unterminated array");
          }
          array.add(readValue(parser, next));
        }
        return array;
      }
      case VALUE_STRING:
        return parser.getText();
      case VALUE_NUMBER_INT:
      case VALUE_NUMBER_FLOAT:
        try {
          return parser.getDecimalValue();
        } catch (NumberFormatException e) {
          throw new IOException("number out of range: " + e.getMessage());
        }
      case VALUE_TRUE:
        return Boolean.TRUE;
      case VALUE_FALSE:
        return Boolean.FALSE;
      case VALUE_NULL:
        return null;
      default:
        throw new IOException("unexpected token " + token);
    }
  }

  /** The JSON type name of a parsed value, for error messages. */
  public static String typeName(Object value) {
    if (value == null) {
      return "null";
    } else if (value instanceof Map) {
      return "object";
    } else if (value instanceof List) {
      return "array";
    } else if (value instanceof String) {
      return "string";
    } else if (value instanceof Boolean) {
      return "boolean";
    }
    return "number";
  }
}
