package io.eventwalker.testing;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import io.eventwalker.betmaker.BetMakerVerticle;
import io.eventwalker.betmaker.live.BridgeState;
import io.eventwalker.lineprovider.LineProviderVerticle;
import io.eventwalker.platform.http.ClientSockets;
import io.eventwalker.wire.Topology;
import io.eventwalker.platform.http.Routers;
import io.eventwalker.platform.runtime.VertxRuntime;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.pgclient.PgBuilder;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * The services under test, started in one JVM on ephemeral ports against the real backing
 * services, each test system in its own PostgreSQL schemas, Redis key prefix and RabbitMQ names,
 * all removed again by {@link #close()}.
 */
public final class TestSystem implements AutoCloseable {

  public final String id = "t" + UUID.randomUUID().toString().replace("-", "").substring(0, 10);
  public final Vertx vertx;
  public final JsonObject lineProviderConfig;
  public final JsonObject betMakerConfig;
  private final Pool sql;
  private final List<String> queues = new ArrayList<>();
  private final List<String> deployments = new ArrayList<>();
  private Http lineProvider;
  private Http betMaker;
  /** The services' OpenAPI documents, which every response {@link Http} receives is checked against. */
  private ApiContract lineProviderContract;
  private ApiContract betMakerContract;
  private String betMakerDeployment;
  private BetMakerVerticle betMakerVerticle;
  /** The players {@link #token} signed for, and those of them given money ({@link Wallets#STARTING}) in bet-maker. */
  private final Set<String> players = ConcurrentHashMap.newKeySet();
  private final Set<String> funded = ConcurrentHashMap.newKeySet();
  private LineProviderVerticle lineProviderVerticle;

  /** The services' HS256 secret (each test system its own): {@link #token} signs with it. */
  public final String secret = UUID.randomUUID().toString() + UUID.randomUUID();
  /** The player whose token {@link #betMaker()} sends. */
  public static final String PLAYER = "player-1";

  /** {@code openTelemetry}: what the services trace with, null for no tracing. */
  private TestSystem(io.opentelemetry.api.OpenTelemetry openTelemetry) {
    Backing.requireRunning();
    vertx = VertxRuntime.create(0, openTelemetry);
    lineProviderConfig = config("line-provider")
      .put("AUTH_JWT_SECRET", secret)
      .put("LP_HTTP_PORT", 0)
      .put("LP_HTTP_INSTANCES", 2)
      .put("LP_PG_SCHEMA", "lp_" + id)
      .put("LP_REDIS_PREFIX", id + ":lp:")
      .put("LINE_PROVIDER_QUEUE", id + ".line-provider.requests")
      .put("LP_SUBSCRIBERS", config("bet-maker").getString("BM_RABBITMQ_USER") + ":bm-" + id)
      .put("LP_OUTBOX_POLL_MS", 200)
      .put("RABBITMQ_RECONNECT_MS", 200)
      .put("DEPENDENCY_RETRY_MAX_MS", 1_000);
    betMakerConfig = config("bet-maker")
      .put("AUTH_JWT_SECRET", secret)
      .put("BM_HTTP_PORT", 0)
      .put("BM_HTTP_INSTANCES", 2)
      .put("BM_PG_SCHEMA", "bm_" + id)
      .put("BM_SUBSCRIBER", "bm-" + id)
      .put("LINE_PROVIDER_QUEUE", id + ".line-provider.requests")
      .put("BM_CATCH_UP_INTERVAL_MS", 60_000)
      .put("RABBITMQ_RECONNECT_MS", 200)
      .put("DEPENDENCY_RETRY_MAX_MS", 1_000);
    queues.add(lineProviderConfig.getString("LINE_PROVIDER_QUEUE"));
    queues.add(Topology.updatesQueue(betMakerConfig.getString("BM_SUBSCRIBER")));
    queues.add(Topology.deadLetterQueue(betMakerConfig.getString("BM_SUBSCRIBER")));
    sql = PgBuilder.pool()
      .with(new PoolOptions().setMaxSize(2))
      .connectingTo(Backing.postgres().connectOptions())
      .using(vertx)
      .build();
  }

  public static TestSystem lineProviderOnly() {
    return start(true, false, config -> { });
  }

  public static TestSystem both() {
    return start(true, true, config -> { });
  }

  /** Both services, traced with {@code openTelemetry}. */
  public static TestSystem traced(io.opentelemetry.api.OpenTelemetry openTelemetry) {
    TestSystem system = new TestSystem(openTelemetry);
    try {
      system.startLineProvider();
      system.startBetMaker();
      return system;
    } catch (RuntimeException | AssertionError e) {
      system.close();
      throw e;
    }
  }

  /** Starts the chosen services; {@code tune} may change the bet-maker's configuration first. */
  public static TestSystem start(boolean withLineProvider, boolean withBetMaker, java.util.function.Consumer<JsonObject> tune) {
    return start(withLineProvider, withBetMaker, config -> { }, tune);
  }

  /** Starts the chosen services after {@code tuneLine} and {@code tuneBets} changed their configurations. */
  public static TestSystem start(boolean withLineProvider, boolean withBetMaker, java.util.function.Consumer<JsonObject> tuneLine,
                                 java.util.function.Consumer<JsonObject> tuneBets) {
    TestSystem system = new TestSystem(null);
    try {
      tuneLine.accept(system.lineProviderConfig);
      tuneBets.accept(system.betMakerConfig);
      if (withLineProvider) {
        system.startLineProvider();
      }
      if (withBetMaker) {
        system.startBetMaker();
      }
      return system;
    } catch (RuntimeException | AssertionError e) {
      system.close();
      throw e;
    }
  }

  public void startLineProvider() {
    lineProviderVerticle = new LineProviderVerticle();
    deployments.add(vertx.deployVerticle(lineProviderVerticle, new DeploymentOptions().setConfig(lineProviderConfig)).await());
    if (lineProviderContract == null) {
      lineProviderContract = ApiContract.of(vertx, "line-provider");
    }
    lineProvider = new Http(port("line-provider"), lineProviderContract).as(Jwts.operator(secret, "operator-1"));
  }

  public void startBetMaker() {
    betMakerVerticle = new BetMakerVerticle();
    betMakerDeployment = vertx.deployVerticle(betMakerVerticle, new DeploymentOptions().setConfig(betMakerConfig)).await();
    deployments.add(betMakerDeployment);
    if (betMakerContract == null) {
      betMakerContract = ApiContract.of(vertx, "bet-maker");
    }
    betMaker = new Http(port("bet-maker"), betMakerContract).as(token(PLAYER));
    players.forEach(this::fund);
  }

  /** bet-maker as an operator (its wallet's deposits and withdrawals, its conflicts). */
  public Http betMakerOperator() {
    return betMaker.as(Jwts.sign(secret, claims("operator-1").put("roles", new io.vertx.core.json.JsonArray().add("operator"))));
  }

  /** A token's claims for {@code subject}, with bet-maker's issuer and audience when it checks them. */
  private JsonObject claims(String subject) {
    JsonObject claims = Jwts.claims(subject, 3600);
    String issuer = betMakerConfig.getString("AUTH_JWT_ISSUER", "");
    String audience = betMakerConfig.getString("AUTH_JWT_AUDIENCE", "");
    if (!issuer.isEmpty()) {
      claims.put("iss", issuer);
    }
    if (!audience.isEmpty()) {
      claims.put("aud", audience);
    }
    return claims;
  }

  /** Gives {@code player} money to bet with ({@link Wallets#STARTING}), once per test system (bet-maker keeps it across restarts). */
  public void fund(String player) {
    if (betMaker != null && funded.add(player)) {
      Wallets.deposit(betMakerOperator(), player, Wallets.STARTING);
    }
  }

  /** The sockets of the running line-provider's bridge, by client. */
  public ClientSockets lineBridgeSockets() {
    return lineProviderVerticle.bridgeSockets();
  }

  /** What the running bet-maker's bridges share: who listens where, and each client's sockets. */
  public BridgeState bridges() {
    return betMakerVerticle.bridges();
  }

  /** Stops bet-maker (its schema, queues and data stay), as a process stop would. */
  public void stopBetMaker() {
    vertx.undeploy(betMakerDeployment).await();
    deployments.remove(betMakerDeployment);
    betMaker = null;
  }

  /**
   * A player's token for these services; the player has {@link Wallets#STARTING} to bet with
   * (deposited now, or as bet-maker starts). A test of the wallet's amounts signs with
   * {@link Jwts#player} and {@link #secret} instead, for a player with no money.
   */
  public String token(String player) {
    players.add(player);
    fund(player);
    return Jwts.player(secret, player);
  }

  /** line-provider, as an operator. */
  public Http lineProvider() {
    return lineProvider;
  }

  /** bet-maker, as {@link #PLAYER} ({@code .as(token(other))} for another player, {@code .as(null)} for nobody). */
  public Http betMaker() {
    return betMaker;
  }

  public String bmSchema() {
    return betMakerConfig.getString("BM_PG_SCHEMA");
  }

  public String subscriber() {
    return betMakerConfig.getString("BM_SUBSCRIBER");
  }

  public String lpSchema() {
    return lineProviderConfig.getString("LP_PG_SCHEMA");
  }

  /** Runs SQL against the real database (fully qualify tables with the schema helpers). */
  public List<Row> sql(String query, Object... params) {
    List<Row> rows = new ArrayList<>();
    sql.preparedQuery(query).execute(Tuple.from(params)).await().forEach(rows::add);
    return rows;
  }

  public long count(String query, Object... params) {
    return sql(query, params).get(0).getLong(0);
  }

  /** Runs {@code work} in one transaction with the search path set to {@code schema}, as a service's own connection has it. */
  /** A client whose every statement runs in {@code schema} (its own search path), for checks that take a pool. */
  public SqlClient sqlClient(String schema) {
    return PgBuilder.pool().with(new PoolOptions().setMaxSize(1))
      .connectingTo(Backing.postgres().connectOptions().setProperties(java.util.Map.of("search_path", schema)))
      .using(vertx).build();
  }

  public <T> T inTransaction(String schema, Function<SqlConnection, Future<T>> work) {
    return sql.withTransaction(conn -> conn.query("SET LOCAL search_path TO " + schema).execute().compose(set -> work.apply(conn))).await();
  }

  private int port(String service) {
    Integer port = vertx.sharedData().<String, Integer>getLocalMap(Routers.PORTS_MAP).get(service);
    if (port == null) {
      throw new AssertionError(service + " did not record its HTTP port");
    }
    return port;
  }

  /**
   * A service's shipped configuration with the backing services' addresses the tests resolved (this
   * machine's, or containers'). The services keep their own RabbitMQ users, which {@link Backing}
   * creates on whichever broker that is.
   */
  public static JsonObject config(String service) {
    Path file = ProjectFiles.path("conf", service + ".json");
    try {
      JsonObject config = new JsonObject(Files.readString(file));
      Backing.environment().forEach(config::put);
      return config;
    } catch (IOException e) {
      throw new AssertionError("cannot read " + file.toAbsolutePath(), e);
    }
  }

  @Override
  public void close() {
    try {
      for (String deployment : deployments) {
        vertx.undeploy(deployment).await();
      }
      deployments.clear();
      sql("DROP SCHEMA IF EXISTS " + lpSchema() + " CASCADE");
      sql("DROP SCHEMA IF EXISTS " + bmSchema() + " CASCADE");
      forgetRedisKeys();
      deleteQueues();
    } finally {
      vertx.close().await();
    }
  }

  /** Deletes every Redis key of this test system, as a Redis restarting empty would lose them. */
  public void forgetRedisKeys() {
    Redis redis = Redis.createClient(vertx, Backing.redis().url());
    try {
      String cursor = "0";
      do {
        Response page = redis.send(Request.cmd(Command.SCAN).arg(cursor).arg("MATCH").arg(id + ":*").arg("COUNT").arg(1000)).await();
        cursor = page.get(0).toString();
        for (Response key : page.get(1)) {
          redis.send(Request.cmd(Command.DEL).arg(key.toString())).await();
        }
      } while (!cursor.equals("0"));
    } finally {
      redis.close();
    }
  }

  private void deleteQueues() {
    ConnectionFactory factory = new ConnectionFactory();
    Backing.RabbitMq rabbitmq = Backing.rabbitmq();
    factory.setHost(rabbitmq.host());
    factory.setPort(rabbitmq.port());
    factory.setUsername(rabbitmq.user());
    factory.setPassword(rabbitmq.password());
    try (Connection connection = factory.newConnection("event-walker-test-cleanup")) {
      for (String queue : queues) {
        try (Channel channel = connection.createChannel()) {
          channel.queueDelete(queue);
        } catch (IOException e) {
          // already gone
        }
      }
    } catch (Exception e) {
      throw new AssertionError("cannot clean RabbitMQ queues " + queues, e);
    }
  }
}
