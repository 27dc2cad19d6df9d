package io.eventwalker.platform.db;

import io.eventwalker.betmaker.wallet.LedgerChecks;
import io.eventwalker.testing.Backing;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;
import java.util.zip.CRC32;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

/**
 * The schema migrations (Flyway) against the real PostgreSQL, each test in a schema of its own:
 * a new schema, a schema migrated by the runner before Flyway, a script changed after it was
 * applied, a second start, and two instances starting together.
 */
class MigrationsTest {

  private static final Map<String, List<String>> TABLES = Map.of(
    "line-provider", List.of("events", "outbox", "subscriptions"),
    "bet-maker", List.of("accounts", "bet_status_log", "bets", "conflict_resolutions", "entries", "events", "idempotency_keys", "transfers",
      "wallet_keys"));

  private final Vertx vertx = Vertx.vertx();
  private final Pool admin = PgBuilder.pool()
    .connectingTo(Backing.postgres().connectOptions().addProperty("client_min_messages", "warning"))
    .using(vertx)
    .build();
  private final List<String> schemas = new ArrayList<>();

  @AfterEach
  void dropSchemas() {
    try {
      for (String schema : schemas) {
        admin.query("DROP SCHEMA IF EXISTS " + schema + " CASCADE").execute().await();
      }
    } finally {
      admin.close().await();
      vertx.close().await();
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"line-provider", "bet-maker"})
  void aNewSchemaGetsEveryScriptOfTheServiceWithItsChecksum(String service) {
    String schema = newSchema();
    List<String> scripts = scripts(service);

    int applied = Migrations.migrate(vertx, database(schema), service, "classpath:db/" + service).await();

    assertThat(applied).isEqualTo(scripts.size());
    List<Applied> history = history(schema);
    assertThat(history).first().extracting(Applied::type).as("Flyway created the schema").isEqualTo("SCHEMA");
    List<Applied> sql = history.stream().filter(row -> row.type().equals("SQL")).toList();
    assertThat(sql).extracting(Applied::script).isEqualTo(scripts);
    assertThat(sql).extracting(Applied::version).isEqualTo(scripts.stream().map(script -> String.valueOf(version(script))).toList());
    assertThat(sql).allMatch(Applied::success);
    assertThat(sql).extracting(Applied::checksum)
      .isEqualTo(scripts.stream().map(script -> checksum("db/" + service + "/" + script)).toList());
    assertThat(tables(schema)).containsExactlyInAnyOrderElementsOf(
      Stream.concat(TABLES.get(service).stream(), Stream.of(Migrations.HISTORY_TABLE)).toList());
  }

  @Test
  void aSchemaOfTheRunnerBeforeFlywayIsAdoptedAtItsVersionAndUpgradedInPlace() {
    String schema = newSchema();
    List<String> scripts = scripts("bet-maker");
    migrateAsTheRunnerBeforeFlyway(schema, "bet-maker", scripts.subList(0, 3));
    UUID betId = UUID.randomUUID();
    admin.query("INSERT INTO " + schema + ".events (event_id, ratio, deadline, status, version)"
      + " VALUES ('before-flyway', 1.50, now() + interval '1 day', 'NEW', 1)").execute().await();
    admin.preparedQuery("INSERT INTO " + schema + ".bets (bet_id, event_id, sum_bet, ratio, status)"
      + " VALUES ($1, 'before-flyway', 10.00, 1.50, 'PENDING')").execute(Tuple.of(betId)).await();
    admin.query("INSERT INTO " + schema + ".idempotency_keys (key, request_hash)"
      + " VALUES ('key-before-flyway', repeat('a', 64))").execute().await();

    int applied = Migrations.migrate(vertx, database(schema), "bet-maker", "classpath:db/bet-maker").await();

    assertThat(applied).isEqualTo(scripts.size() - 3);
    List<Applied> history = history(schema);
    assertThat(history).first().satisfies(baseline -> {
      assertThat(baseline.type()).isEqualTo("BASELINE");
      assertThat(baseline.version()).isEqualTo("3");
    });
    assertThat(history).filteredOn(row -> row.type().equals("SQL")).extracting(Applied::script)
      .isEqualTo(scripts.subList(3, scripts.size()));
    assertThat(history).allMatch(Applied::success);
    assertThat(tables(schema)).containsExactlyInAnyOrderElementsOf(Stream.concat(TABLES.get("bet-maker").stream(),
      Stream.of(Migrations.HISTORY_TABLE, Migrations.LEGACY_TABLE)).toList());

    Row bet = admin.preparedQuery("SELECT player_id, sum_bet, status FROM " + schema + ".bets WHERE bet_id = $1")
      .execute(Tuple.of(betId)).await().iterator().next();
    assertThat(bet.getString("player_id")).as("V7 gave the earlier bet its placeholder player").isEqualTo("before-players");
    assertThat(bet.getBigDecimal("sum_bet")).isEqualByComparingTo(new BigDecimal("10.00"));
    assertThat(bet.getString("status")).isEqualTo("PENDING");
    Row key = admin.query("SELECT player_id, claimed_until FROM " + schema + ".idempotency_keys WHERE key = 'key-before-flyway'")
      .execute().await().iterator().next();
    assertThat(key.getString("player_id")).isEqualTo("before-players");
    assertThat(key.getValue("claimed_until")).as("V5 gave the open key a claim").isNotNull();
    assertThat(admin.query("SELECT count(*) FROM " + schema + ".events").execute().await().iterator().next().getLong(0))
      .isEqualTo(1);
    assertThat(admin.query("SELECT version FROM " + schema + ".schema_version ORDER BY version").execute().await())
      .as("the old table is kept as it was").extracting(row -> row.getInteger("version")).containsExactly(1, 2, 3);
  }

  @Test
  void v10MarksAsSettledOnlyFinishedEventsWithoutPendingBets() {
    String schema = newSchema();
    List<String> scripts = scripts("bet-maker");
    int v10 = scripts.indexOf("V10__settlement_updates_in_place.sql");
    assertThat(v10).isPositive();
    migrateAsTheRunnerBeforeFlyway(schema, "bet-maker", scripts.subList(0, v10));
    admin.query("INSERT INTO " + schema + ".events (event_id, ratio, deadline, status, version) VALUES"
      + " ('cut-short', 1.50, now(), 'FINISHED_WIN', 2), ('settled', 1.50, now(), 'FINISHED_LOSE', 2),"
      + " ('open', 1.50, now() + interval '1 day', 'NEW', 1), ('no-bets', 1.50, now(), 'CANCELLED', 2)").execute().await();
    admin.query("INSERT INTO " + schema + ".bets (bet_id, player_id, event_id, sum_bet, ratio, status, payout, settled_at) VALUES"
      + " (gen_random_uuid(), 'p', 'cut-short', 10.00, 1.50, 'WON', 15.00, now()),"
      + " (gen_random_uuid(), 'p', 'cut-short', 10.00, 1.50, 'PENDING', NULL, NULL),"
      + " (gen_random_uuid(), 'p', 'settled', 10.00, 1.50, 'LOST', 0, now()),"
      + " (gen_random_uuid(), 'p', 'open', 10.00, 1.50, 'PENDING', NULL, NULL)").execute().await();

    Migrations.migrate(vertx, database(schema), "bet-maker", "classpath:db/bet-maker").await();

    List<String> settled = new ArrayList<>();
    admin.query("SELECT event_id FROM " + schema + ".events WHERE settled_at IS NOT NULL ORDER BY event_id").execute().await()
      .forEach(row -> settled.add(row.getString(0)));
    assertThat(settled).as("a settlement cut short and an open event stay to be settled").containsExactly("no-bets", "settled");
    assertThat(admin.query("SELECT reloptions::text FROM pg_class WHERE oid = '" + schema + ".bets'::regclass").execute().await()
      .iterator().next().getString(0)).isEqualTo("{fillfactor=50}");
    List<String> indexes = new ArrayList<>();
    admin.query("SELECT indexname FROM pg_indexes WHERE schemaname = '" + schema + "' AND tablename = 'bets'").execute().await()
      .forEach(row -> indexes.add(row.getString(0)));
    assertThat(indexes).contains("bets_by_event").doesNotContain("bets_pending_by_event");
  }

  @Test
  void v13HoldsTheStakesOfBetsPlacedBeforeTheWalletAndTheLedgerAddsUp() {
    String schema = newSchema();
    List<String> scripts = scripts("bet-maker");
    int v13 = scripts.indexOf("V13__wallet.sql");
    assertThat(v13).isPositive();
    migrateAsTheRunnerBeforeFlyway(schema, "bet-maker", scripts.subList(0, v13));
    admin.query("INSERT INTO " + schema + ".events (event_id, ratio, deadline, status, version) VALUES"
      + " ('open', 2.00, now() + interval '1 day', 'NEW', 1), ('won', 1.50, now(), 'FINISHED_WIN', 2)").execute().await();
    admin.query("INSERT INTO " + schema + ".bets (bet_id, player_id, event_id, sum_bet, ratio, status, payout, settled_at) VALUES"
      + " (gen_random_uuid(), 'old-1', 'open', 10.00, 2.00, 'PENDING', NULL, NULL),"
      + " (gen_random_uuid(), 'old-1', 'open', 2.50, 2.00, 'PENDING', NULL, NULL),"
      + " (gen_random_uuid(), 'old-2', 'open', 7.00, 2.00, 'PENDING', NULL, NULL),"
      + " (gen_random_uuid(), 'old-3', 'won', 4.00, 1.50, 'WON', 6.00, now())").execute().await();

    Migrations.migrate(vertx, database(schema), "bet-maker", "classpath:db/bet-maker").await();

    List<String> accounts = new ArrayList<>();
    admin.query("SELECT player_id || ' ' || balance || ' ' || pending_stakes FROM " + schema + ".accounts WHERE player_id IS NOT NULL"
      + " ORDER BY player_id").execute().await().forEach(row -> accounts.add(row.getString(0)));
    assertThat(accounts).as("every player of a bet has an account, nothing to bet with, their PENDING stakes pending")
      .containsExactly("old-1 0.00 12.50", "old-2 0.00 7.00", "old-3 0.00 0.00");
    assertThat(admin.query("SELECT sum(e.amount) FROM " + schema + ".entries e JOIN " + schema + ".accounts a USING (account_id)"
      + " WHERE a.house = 'stakes_held'").execute().await().iterator().next().getBigDecimal(0))
      .as("the PENDING stakes held by the house, from its cash").isEqualByComparingTo("19.50");
    Pool ledger = PgBuilder.pool().connectingTo(new PgConnectOptions(Backing.postgres().connectOptions())
      .setProperties(Map.of("search_path", schema))).using(vertx).build();
    try {
      assertThat(LedgerChecks.run(ledger).await()).as("ledger verify").isEmpty();
      assertThat(catchThrowable(() -> admin.query("UPDATE " + schema + ".entries SET amount = 1").execute().await()))
        .as("entries are append-only").hasMessageContaining("append-only");
      admin.query("UPDATE " + schema + ".accounts SET balance = 5 WHERE player_id = 'old-2'").execute().await();
      assertThat(LedgerChecks.run(ledger).await()).as("a balance changed behind the ledger's back")
        .anyMatch(violation -> violation.contains("player old-2: balance 5.00 but entries sum to 0"));
    } finally {
      ledger.close().await();
    }
  }

  @Test
  void aScriptChangedAfterItWasAppliedIsRefusedAndNothingNewerIsApplied() {
    String schema = newSchema();
    DatabaseConfig config = database(schema);
    assertThat(Migrations.migrate(vertx, config, "checksum-test", "classpath:db-test-checksum/original").await()).isEqualTo(1);

    Throwable refused = Migrations.migrate(vertx, config, "checksum-test", "classpath:db-test-checksum/changed")
      .transform(result -> Future.succeededFuture(result.cause())).await();

    assertThat(refused).as("the second start fails").isNotNull();
    assertThat(refused.getMessage())
      .contains("checksum-test schema " + schema)
      .contains("checksum mismatch for migration version 1");
    assertThat(history(schema)).filteredOn(row -> row.type().equals("SQL")).extracting(Applied::script)
      .containsExactly("V1__notes.sql");
    assertThat(admin.query("SELECT count(*) FROM information_schema.columns WHERE table_schema = '" + schema
      + "' AND table_name = 'notes' AND column_name = 'author'").execute().await().iterator().next().getLong(0))
      .as("V2 not applied").isZero();
  }

  @Test
  void scriptsRunWithOnlyTheServiceSchemaOnTheSearchPath() {
    String schema = newSchema();

    Migrations.migrate(vertx, database(schema), "bet-maker", "classpath:db/bet-maker").await();

    // V3's trigger function keeps the search path it was created with (SET search_path FROM CURRENT).
    Row function = admin.preparedQuery("SELECT array_to_string(proconfig, ',') AS config FROM pg_proc"
      + " WHERE proname = 'log_bet_status' AND pronamespace = $1::regnamespace").execute(Tuple.of(schema)).await().iterator().next();
    assertThat(function.getString("config")).isEqualTo("search_path=" + schema);
  }

  @Test
  void aStatementLongerThanTheStatementTimeLimitFailsTheMigration() {
    String schema = newSchema();
    Backing.Postgres pg = Backing.postgres();
    DatabaseConfig config = new DatabaseConfig(pg.host(), pg.port(), pg.database(), pg.user(), pg.password(), schema,
      2, 10, 2000, 2000, 200);

    Throwable refused = Migrations.migrate(vertx, config, "timeout-test", "classpath:db-test-timeout")
      .transform(result -> Future.succeededFuture(result.cause())).await();

    assertThat(refused).isNotNull();
    assertThat(refused.getMessage()).contains("statement timeout");
    assertThat(history(schema)).filteredOn(row -> row.type().equals("SQL")).isEmpty();
  }

  @ParameterizedTest
  @ValueSource(strings = {"line-provider", "bet-maker"})
  void aSecondStartAppliesNothing(String service) {
    String schema = newSchema();
    DatabaseConfig config = database(schema);
    Migrations.migrate(vertx, config, service, "classpath:db/" + service).await();
    List<Applied> before = history(schema);

    int applied = Migrations.migrate(vertx, config, service, "classpath:db/" + service).await();

    assertThat(applied).isZero();
    assertThat(history(schema)).isEqualTo(before);
  }

  @Test
  void twoInstancesStartingTogetherOnANewSchemaApplyEachScriptOnce() {
    String schema = newSchema();
    List<String> scripts = scripts("bet-maker");

    int applied = together(database(schema));

    assertThat(applied).as("scripts applied by the two together").isEqualTo(scripts.size());
    assertThat(history(schema)).filteredOn(row -> row.type().equals("SQL")).extracting(Applied::script).isEqualTo(scripts);
  }

  @Test
  void twoInstancesStartingTogetherOnASchemaOfTheRunnerBeforeFlywayAdoptItOnce() {
    String schema = newSchema();
    List<String> scripts = scripts("bet-maker");
    migrateAsTheRunnerBeforeFlyway(schema, "bet-maker", scripts.subList(0, 3));

    int applied = together(database(schema));

    assertThat(applied).as("scripts applied by the two together").isEqualTo(scripts.size() - 3);
    List<Applied> history = history(schema);
    assertThat(history).filteredOn(row -> row.type().equals("BASELINE")).hasSize(1);
    assertThat(history).filteredOn(row -> row.type().equals("SQL")).extracting(Applied::script)
      .isEqualTo(scripts.subList(3, scripts.size()));
  }

  /** Two bet-makers migrating at the same moment; how many scripts they applied between them. */
  private int together(DatabaseConfig config) {
    Future<Integer> first = Migrations.migrate(vertx, config, "bet-maker", "classpath:db/bet-maker");
    Future<Integer> second = Migrations.migrate(vertx, config, "bet-maker", "classpath:db/bet-maker");
    Future.all(first, second).await();
    return first.result() + second.result();
  }

  /** One row of Flyway's history. */
  record Applied(String type, String version, String script, Integer checksum, boolean success) {
  }

  private List<Applied> history(String schema) {
    List<Applied> rows = new ArrayList<>();
    admin.query("SELECT type, version, script, checksum, success FROM " + schema + "." + Migrations.HISTORY_TABLE
        + " ORDER BY installed_rank").execute().await()
      .forEach(row -> rows.add(new Applied(row.getString("type"), row.getString("version"), row.getString("script"),
        row.getInteger("checksum"), row.getBoolean("success"))));
    return rows;
  }

  private List<String> tables(String schema) {
    List<String> tables = new ArrayList<>();
    admin.preparedQuery("SELECT tablename FROM pg_tables WHERE schemaname = $1").execute(Tuple.of(schema)).await()
      .forEach(row -> tables.add(row.getString(0)));
    return tables;
  }

  /**
   * What the runner before Flyway left: the schema, its {@code schema_version} table, and the
   * scripts applied with the schema as search path, each recorded there, in one transaction.
   */
  private void migrateAsTheRunnerBeforeFlyway(String schema, String service, List<String> scripts) {
    admin.withTransaction(conn -> {
      Future<Void> done = conn.query("CREATE SCHEMA IF NOT EXISTS " + schema).execute()
        .compose(created -> conn.query("CREATE TABLE IF NOT EXISTS " + schema + ".schema_version ("
          + "version INT PRIMARY KEY, script TEXT NOT NULL, applied_at TIMESTAMPTZ NOT NULL DEFAULT now())").execute())
        .mapEmpty();
      for (String script : scripts) {
        String sql = read("db/" + service + "/" + script);
        done = done
          .compose(previous -> conn.query("SET LOCAL search_path TO " + schema).execute())
          .compose(set -> conn.query(sql).execute())
          .compose(applied -> conn.preparedQuery("INSERT INTO " + schema + ".schema_version (version, script) VALUES ($1, $2)")
            .execute(Tuple.of(version(script), script)))
          .mapEmpty();
      }
      return done;
    }).await();
  }

  private String newSchema() {
    String schema = "migrations_test_" + UUID.randomUUID().toString().replace("-", "").substring(0, 16);
    schemas.add(schema);
    return schema;
  }

  private static DatabaseConfig database(String schema) {
    Backing.Postgres pg = Backing.postgres();
    return new DatabaseConfig(pg.host(), pg.port(), pg.database(), pg.user(), pg.password(), schema, 2, 10, 2000, 2000, 10_000);
  }

  /** The service's scripts on the classpath, in version order: what Flyway has to find by itself. */
  private static List<String> scripts(String service) {
    try {
      URI directory = MigrationsTest.class.getClassLoader().getResource("db/" + service).toURI();
      // In a reactor build the service's classes may be its packaged jar: its files are read through a zip file system.
      try (FileSystem jar = "jar".equals(directory.getScheme()) ? FileSystems.newFileSystem(directory, Map.of()) : null;
           Stream<Path> files = Files.list(Path.of(directory))) {
        List<String> scripts = files.map(file -> file.getFileName().toString())
          .sorted(Comparator.comparingInt(MigrationsTest::version))
          .toList();
        assertThat(scripts).as("scripts of " + service).isNotEmpty().allMatch(name -> name.matches("V[0-9]+__[a-z0-9_]+\\.sql"));
        return scripts;
      }
    } catch (IOException | URISyntaxException e) {
      throw new IllegalStateException("cannot list the scripts of " + service, e);
    }
  }

  private static int version(String script) {
    return Integer.parseInt(script.substring(1, script.indexOf("__")));
  }

  private static String read(String resource) {
    try (InputStream in = MigrationsTest.class.getClassLoader().getResourceAsStream(resource)) {
      assertThat(in).as(resource).isNotNull();
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Flyway's checksum of a script: CRC-32 of its lines without their line breaks, in UTF-8. */
  private static int checksum(String resource) {
    CRC32 crc = new CRC32();
    try (BufferedReader lines = new BufferedReader(new InputStreamReader(
      MigrationsTest.class.getClassLoader().getResourceAsStream(resource), StandardCharsets.UTF_8))) {
      for (String line = lines.readLine(); line != null; line = lines.readLine()) {
        crc.update(line.replace("\uFEFF", "").getBytes(StandardCharsets.UTF_8));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return (int) crc.getValue();
  }
}
