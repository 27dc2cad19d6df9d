package io.eventwalker.platform.config;

import io.vertx.core.json.JsonObject;

import java.util.LinkedHashSet;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Typed, checked reads of a service's flat configuration ({@code conf/<service>.json} with
 * environment variables of the same names on top), used once per service to build its
 * configuration record. There are no defaults here: a missing or malformed key stops start-up
 * with a message that names it.
 */
public final class Settings {

  private static final Pattern SQL_IDENTIFIER = Pattern.compile("[a-z_][a-z0-9_]{0,62}");
  private static final Pattern SECRET_KEY = Pattern.compile("SECRET|PASSWORD|_KEY$|_KEYS$|TOKEN|_URL$");

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

  public int integer(String key, int min, int max) {
    long value = longValue(key, min, max);
    return (int) value;
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


  /** An integer, or null when the key is set to the empty string (a feature switched off). */
  public Integer optionalInteger(String key, int min, int max) {
    return string(key).isEmpty() ? null : integer(key, min, max);
  }

  /** A comma-separated list; empty entries are dropped, so "" is the empty set. */
  public Set<String> set(String key) {
    Set<String> values = new LinkedHashSet<>();
    for (String value : string(key).split(",")) {
      if (!value.isBlank()) {
        values.add(value.trim());
      }
    }
    return Set.copyOf(values);
  }

  /**
   * A PostgreSQL schema of the service's own, checked so it can be written into SQL safely; never
   * {@code public}, {@code information_schema} or a {@code pg_*} schema, which are the database's
   * (and {@code bin/dev --reset} drops the service's schemas with everything in them).
   */
  public String sqlIdentifier(String key) {
    String value = string(key);
    if (!SQL_IDENTIFIER.matcher(value).matches()) {
      throw invalid(key, "a lower-case SQL identifier ([a-z_][a-z0-9_]*, at most 63 characters)");
    }
    if (value.equals("public") || value.equals("information_schema") || value.startsWith("pg_")) {
      throw invalid(key, "a schema of the service's own, not public, information_schema or pg_*");
    }
    return value;
  }

  /**
   * A prefix of Redis keys of the service's own: not empty and ending in {@code :}, so the keys
   * built on it ({@code <prefix>family…}) never stand for every key of Redis.
   */
  public String redisPrefix(String key) {
    String value = string(key);
    if (value.isEmpty() || !value.endsWith(":")) {
      throw invalid(key, "a Redis key prefix of the service's own, not empty and ending in ':' (such as lp:)");
    }
    return value;
  }

  private ConfigException missing(String key) {
    return new ConfigException(service + " configuration: key " + key + " is missing (set it in conf/"
      + service + ".json or as the environment variable " + key + ")");
  }

  /** The start-up error for a secret whose value is not what it must be: the value itself is never written out. */
  public ConfigException invalidSecret(String key, String expected) {
    return new ConfigException(service + " configuration: key " + key + " must be " + expected + " (its value is not shown)");
  }

  /**
   * The start-up error for a key whose value is not what it must be. The value is shown (cut to
   * 100 characters), except for a key that holds a secret ({@link #isSecret}): never written out.
   */
  public ConfigException invalid(String key, String expected) {
    if (isSecret(key)) {
      return invalidSecret(key, expected);
    }
    String value = String.valueOf(config.getValue(key));
    return new ConfigException(service + " configuration: key " + key + " must be " + expected
      + ", got " + (value.length() > 100 ? value.substring(0, 100) + "…" : value));
  }

  /**
   * Whether a key holds a secret (its name says so: a secret, a password, a key, a token, or a
   * URL, which may carry a password), whose value no message may show.
   */
  public static boolean isSecret(String key) {
    return SECRET_KEY.matcher(key).find();
  }
}
