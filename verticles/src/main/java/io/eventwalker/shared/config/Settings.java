package io.eventwalker.shared.config;

import io.vertx.core.json.JsonObject;

import java.util.regex.Pattern;

/**
 * Typed, checked reads of a service's flat configuration ({@code conf/<service>.json} with
 * environment variables of the same names on top). A missing or malformed key stops start-up
 * with a message that names it.
 */
public final class Settings {

  private static final Pattern SQL_IDENTIFIER = Pattern.compile("[a-z_][a-z0-9_]{0,62}");

  private final JsonObject config;
  private final String service;

  public Settings(String service, JsonObject config) {
    this.service = service;
    this.config = config == null ? new JsonObject() : config;
  }

  public static final class ConfigException extends IllegalArgumentException {
    public ConfigException(String message) {
      super(message);
    }
  }

  public String service() {
    return service;
  }

  public JsonObject raw() {
    return config;
  }

  public String string(String key) {
    Object value = config.getValue(key);
    if (value == null) {
      throw missing(key);
    }
    if (value instanceof String || value instanceof Number || value instanceof Boolean) {
      return String.valueOf(value);
    }
    throw invalid(key, "a string");
  }

  public String string(String key, String fallback) {
    return config.containsKey(key) ? string(key) : fallback;
  }

  public int integer(String key, int min, int max) {
    long value = longValue(key, min, max);
    return (int) value;
  }

  public int integer(String key, int min, int max, int fallback) {
    return config.containsKey(key) ? integer(key, min, max) : fallback;
  }

  public long longValue(String key, long min, long max) {
    Object value = config.getValue(key);
    if (value == null) {
      throw missing(key);
    }
    long parsed;
    if (value instanceof Number number && number.doubleValue() == Math.rint(number.doubleValue())) {
      parsed = number.longValue();
    } else if (value instanceof String text && text.matches("-?[0-9]{1,18}")) {
      parsed = Long.parseLong(text);
    } else {
      throw invalid(key, "an integer");
    }
    if (parsed < min || parsed > max) {
      throw invalid(key, "between " + min + " and " + max);
    }
    return parsed;
  }

  public long longValue(String key, long min, long max, long fallback) {
    return config.containsKey(key) ? longValue(key, min, max) : fallback;
  }

  public boolean bool(String key, boolean fallback) {
    Object value = config.getValue(key);
    if (value == null) {
      return fallback;
    }
    if (value instanceof Boolean flag) {
      return flag;
    }
    if (value instanceof String text && (text.equalsIgnoreCase("true") || text.equalsIgnoreCase("false"))) {
      return Boolean.parseBoolean(text);
    }
    throw invalid(key, "true or false");
  }

  /** A PostgreSQL schema name, checked so it can be written into SQL safely. */
  public String sqlIdentifier(String key) {
    String value = string(key);
    if (!SQL_IDENTIFIER.matcher(value).matches()) {
      throw invalid(key, "a lower-case SQL identifier ([a-z_][a-z0-9_]*, at most 63 characters)");
    }
    return value;
  }

  private ConfigException missing(String key) {
    return new ConfigException(service + " configuration: key " + key + " is missing (set it in conf/"
      + service + ".json or as the environment variable " + key + ")");
  }

  private ConfigException invalid(String key, String expected) {
    return new ConfigException(service + " configuration: key " + key + " must be " + expected
      + ", got " + config.getValue(key));
  }
}
