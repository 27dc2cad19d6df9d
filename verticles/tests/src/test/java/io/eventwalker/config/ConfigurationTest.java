package io.eventwalker.config;

import io.eventwalker.betmaker.config.BetMakerConfig;
import io.eventwalker.lineprovider.config.LineProviderConfig;
import io.eventwalker.platform.config.Settings.ConfigException;
import io.eventwalker.platform.runtime.ProcessConfig;
import io.eventwalker.testing.ProjectFiles;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * {@code conf/} is the one source of the configuration: each service's record (and the process's,
 * {@code conf/process.json}) reads every key of its file and has no default of its own (a missing key stops start-up, naming it), and the
 * configuration table (docs/configuration.md) lists exactly those keys with exactly those values.
 */
class ConfigurationTest {

  private static final Pattern CODE = Pattern.compile("`([^`]*)`");

  @Test
  void lineProviderReadsEveryKeyOfItsFileAndNeedsEachOne() {
    everyKeyIsNeeded(withSecret(conf("line-provider")), LineProviderConfig::read);
  }

  @Test
  void betMakerReadsEveryKeyOfItsFileAndNeedsEachOne() {
    everyKeyIsNeeded(withSecret(conf("bet-maker")), BetMakerConfig::read);
  }

  @Test
  void theProcessReadsEveryKeyOfItsFileAndNeedsEachOne() {
    everyKeyIsNeeded(conf(ProcessConfig.NAME), ProcessConfig::read);
  }

  @Test
  void nothingShipsWithASecretAndAShortOneIsRefused() {
    for (String service : List.of("line-provider", "bet-maker")) {
      JsonObject shipped = conf(service);
      assertThat(shipped.getString("AUTH_JWT_SECRET")).as("the secret in conf/%s.json", service).isEmpty();
      assertThat(shipped.getString("AUTH_JWT_PUBLIC_KEYS")).isEmpty();
      Consumer<JsonObject> read = service.equals("bet-maker") ? BetMakerConfig::read : LineProviderConfig::read;
      assertThatThrownBy(() -> read.accept(shipped)).as("%s as shipped", service)
        .isInstanceOf(ConfigException.class).hasMessageContaining("set AUTH_JWT_SECRET");
      String short31 = "short-secret-" + "y".repeat(18);
      assertThatThrownBy(() -> read.accept(shipped.copy().put("AUTH_JWT_SECRET", short31)))
        .isInstanceOf(ConfigException.class).hasMessageContaining("at least 32 bytes").hasMessageNotContaining(short31);
    }
  }

  @Test
  void theOperatorKeyIsEmptyOrAtLeast32BytesAndAShortOneIsNeverShown() {
    JsonObject conf = withSecret(conf("line-provider"));
    String short31 = "operator-key-" + "k".repeat(18);
    assertThatThrownBy(() -> LineProviderConfig.read(conf.copy().put("LP_API_KEY", short31)))
      .isInstanceOf(ConfigException.class)
      .hasMessageContaining("LP_API_KEY").hasMessageContaining("at least 32 bytes")
      .hasMessageNotContaining(short31);
    assertThat(LineProviderConfig.read(conf.copy().put("LP_API_KEY", short31 + "k")).apiKey()).hasSize(32);
    assertThat(LineProviderConfig.read(conf.copy().put("LP_API_KEY", "")).apiKey()).as("no key: only operator tokens").isEmpty();
  }

  @Test
  void aSecretOfTheWrongKindIsRefusedWithoutShowingItAndOtherValuesAreShown() {
    String marker = "marker-" + "m".repeat(12);
    JsonObject conf = withSecret(conf("bet-maker"));
    for (String key : List.of("AUTH_JWT_SECRET", "PG_PASSWORD", "BM_RABBITMQ_PASSWORD", "REDIS_URL")) {
      assertThatThrownBy(() -> BetMakerConfig.read(conf.copy().put(key, new JsonObject().put("x", marker))))
        .as(key).isInstanceOf(ConfigException.class).hasMessageContaining(key).hasMessageContaining("its value is not shown")
        .hasMessageNotContaining(marker);
    }
    assertThatThrownBy(() -> BetMakerConfig.read(conf.copy().put("PG_PORT", "port-" + marker)))
      .isInstanceOf(ConfigException.class).hasMessageContaining("PG_PORT").hasMessageContaining("port-" + marker);
  }

  @Test
  void aSchemaOfTheDatabaseOrAnEmptyRedisPrefixIsRefusedNamingTheKey() {
    JsonObject line = withSecret(conf("line-provider"));
    JsonObject bets = withSecret(conf("bet-maker"));
    for (String schema : List.of("public", "information_schema", "pg_catalog", "pg_temp")) {
      assertThatThrownBy(() -> LineProviderConfig.read(line.copy().put("LP_PG_SCHEMA", schema))).as(schema)
        .isInstanceOf(ConfigException.class).hasMessageContaining("LP_PG_SCHEMA").hasMessageContaining("not public, information_schema or pg_*");
      assertThatThrownBy(() -> BetMakerConfig.read(bets.copy().put("BM_PG_SCHEMA", schema))).as(schema)
        .isInstanceOf(ConfigException.class).hasMessageContaining("BM_PG_SCHEMA").hasMessageContaining("not public, information_schema or pg_*");
    }
    assertThat(LineProviderConfig.read(line.copy().put("LP_PG_SCHEMA", "public_lines")).database().schema()).isEqualTo("public_lines");
    for (String prefix : List.of("", "lp", "lp:x")) {
      assertThatThrownBy(() -> LineProviderConfig.read(line.copy().put("LP_REDIS_PREFIX", prefix))).as("prefix '%s'", prefix)
        .isInstanceOf(ConfigException.class).hasMessageContaining("LP_REDIS_PREFIX").hasMessageContaining("not empty and ending in ':'");
    }
    assertThat(LineProviderConfig.read(line.copy().put("LP_REDIS_PREFIX", "lp:staging:")).redisPrefix()).isEqualTo("lp:staging:");
  }

  /** conf/ ships no secret (a service started with none refuses to); the tests give one. */
  private static JsonObject withSecret(JsonObject conf) {
    return conf.put("AUTH_JWT_SECRET", "s".repeat(32));
  }

  @Test
  void theReadmeTableListsTheKeysOfConfWithTheirValues() throws IOException {
    JsonObject line = conf("line-provider");
    JsonObject bets = conf("bet-maker");
    JsonObject process = conf(ProcessConfig.NAME);
    Map<String, String> lineDefaults = new TreeMap<>();
    Map<String, String> betDefaults = new TreeMap<>();
    for (String[] row : documentedRows()) {
      List<String> keys = codes(row[0]);
      List<String[]> values = splitValues(row[1]);
      assertThat(values).as("one value per key in the row of %s", keys).hasSameSizeAs(keys);
      for (int i = 0; i < keys.size(); i++) {
        String[] both = values.get(i);
        lineDefaults.put(keys.get(i), both[0]);
        betDefaults.put(keys.get(i), both[1]);
      }
    }
    assertThat(new TreeSet<>(lineDefaults.keySet())).as("keys in the table of docs/configuration.md")
      .isEqualTo(union(union(line.fieldNames(), bets.fieldNames()), process.fieldNames()));
    line.fieldNames().forEach(key -> assertThat(lineDefaults.get(key)).as("documented value of %s (line-provider)", key)
      .isEqualTo(String.valueOf(line.getValue(key))));
    bets.fieldNames().forEach(key -> assertThat(betDefaults.get(key)).as("documented value of %s (bet-maker)", key)
      .isEqualTo(String.valueOf(bets.getValue(key))));
    process.fieldNames().forEach(key -> assertThat(lineDefaults.get(key)).as("documented value of %s (the process)", key)
      .isEqualTo(String.valueOf(process.getValue(key))));
  }

  private static void everyKeyIsNeeded(JsonObject conf, Consumer<JsonObject> read) {
    read.accept(conf.copy());
    for (String key : conf.fieldNames()) {
      JsonObject without = conf.copy();
      without.remove(key);
      assertThatThrownBy(() -> read.accept(without)).as("reading without %s", key)
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("key " + key + " is missing");
    }
  }

  private static JsonObject conf(String service) {
    Path file = ProjectFiles.path("conf", service + ".json");
    try {
      return new JsonObject(Files.readString(file));
    } catch (IOException e) {
      throw new AssertionError("cannot read " + file.toAbsolutePath(), e);
    }
  }

  /** The rows of the table of docs/configuration.md: {key cell, value cell}. */
  private static List<String[]> documentedRows() throws IOException {
    List<String[]> rows = new ArrayList<>();
    for (String line : Files.readAllLines(ProjectFiles.path("docs", "configuration.md"))) {
      if (line.startsWith("| `")) {
        String[] cells = line.split("\\|", -1);
        rows.add(new String[] {cells[1].trim(), cells[2].trim()});
      }
    }
    assertThat(rows).as("docs/configuration.md has a table of keys").isNotEmpty();
    return rows;
  }

  private static List<String> codes(String cell) {
    List<String> codes = new ArrayList<>();
    Matcher matcher = CODE.matcher(cell);
    while (matcher.find()) {
      codes.add(matcher.group(1));
    }
    return codes;
  }

  /**
   * A value cell: one value per key, separated by ", ": {@code `x`}, or {@code empty}, or
   * {@code `x` (bet-maker `y`)} where the services' files differ. Each as {line-provider, bet-maker}.
   */
  private static List<String[]> splitValues(String cell) {
    List<String[]> values = new ArrayList<>();
    for (String part : cell.split(", (?=`|empty)")) {
      List<String> codes = codes(part);
      String value = part.startsWith("empty") ? "" : codes.get(0);
      String betMaker = part.contains("(bet-maker ") ? codes.get(1) : value;
      values.add(new String[] {value, betMaker});
    }
    return values;
  }

  private static TreeSet<String> union(Iterable<String> a, Iterable<String> b) {
    TreeSet<String> all = new TreeSet<>();
    a.forEach(all::add);
    b.forEach(all::add);
    return all;
  }
}
