package io.eventwalker.launcher;

import io.eventwalker.platform.runtime.ProcessConfig;
import io.vertx.config.ConfigRetriever;
import io.vertx.config.ConfigRetrieverOptions;
import io.vertx.config.ConfigStoreOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Map;

/**
 * A service's configuration: {@code conf/<service>.json} — from {@code --conf-dir} (or the
 * {@code EW_CONF_DIR} environment variable) when given, otherwise the copy inside the jar — with
 * every key overridable by an environment variable of the same name. A file that is missing,
 * unreadable or not JSON fails with a message saying so.
 */
final class ConfigFiles {

  private ConfigFiles() {
  }

  /**
   * The service's configuration file, then environment variables named like its keys, taken as
   * they are written ({@code raw-data}: {@code 007} stays {@code 007}, a long number of digits is
   * not turned into another number); the services parse numbers themselves.
   */
  static Future<JsonObject> load(Vertx vertx, String service, String confDir) {
    JsonObject file;
    try {
      file = read(service, confDir);
    } catch (IllegalStateException e) {
      return Future.failedFuture(e);
    }
    ConfigRetrieverOptions options = new ConfigRetrieverOptions()
      .setIncludeDefaultStores(false)
      .addStore(new ConfigStoreOptions().setType("json").setConfig(file))
      .addStore(new ConfigStoreOptions().setType("env")
        .setConfig(new JsonObject().put("raw-data", true).put("keys", new JsonArray(new ArrayList<>(file.fieldNames())))));
    ConfigRetriever retriever = ConfigRetriever.create(vertx, options);
    return retriever.getConfig().onComplete(done -> retriever.close());
  }

  /**
   * The process's settings ({@code conf/process.json}: {@code DIR/process.json} when
   * {@code --conf-dir DIR} holds one, otherwise the jar's), then the environment variables named
   * like its keys, read at once: they are needed before Vert.x starts. A variable set to blanks
   * counts as unset (these have always been read so).
   */
  static JsonObject process(String confDir, Map<String, String> env) {
    boolean inDir = confDir != null && Files.isReadable(Path.of(confDir).toAbsolutePath().resolve(ProcessConfig.NAME + ".json"));
    JsonObject settings = read(ProcessConfig.NAME, inDir ? confDir : null);
    for (String key : settings.fieldNames()) {
      String value = env.get(key);
      if (value != null && !value.isBlank()) {
        settings.put(key, value);
      }
    }
    return settings;
  }

  static JsonObject read(String service, String confDir) {
    String name = service + ".json";
    String text;
    String origin;
    try {
      if (confDir != null) {
        Path path = Path.of(confDir).toAbsolutePath().resolve(name);
        origin = path.toString();
        if (!Files.isReadable(path)) {
          throw new IllegalStateException("configuration file " + origin + " does not exist or is not readable");
        }
        text = Files.readString(path, StandardCharsets.UTF_8);
      } else {
        origin = "classpath:conf/" + name;
        try (InputStream in = ConfigFiles.class.getClassLoader().getResourceAsStream("conf/" + name)) {
          if (in == null) {
            throw new IllegalStateException("configuration " + origin + " is missing from the jar");
          }
          text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
      }
    } catch (IOException e) {
      throw new IllegalStateException("configuration file for " + service + " cannot be read: " + e.getMessage(), e);
    }
    try {
      return new JsonObject(text);
    } catch (DecodeException e) {
      throw new IllegalStateException("configuration " + origin + " is not a JSON object: " + e.getMessage(), e);
    }
  }
}
