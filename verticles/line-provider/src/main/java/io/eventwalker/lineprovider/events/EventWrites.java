package io.eventwalker.lineprovider.events;

import io.eventwalker.lineprovider.bus.Addresses;
import io.eventwalker.lineprovider.bus.EventChange;
import io.eventwalker.lineprovider.bus.EventMessages.CreateEvents;
import io.eventwalker.lineprovider.bus.EventMessages.Events;
import io.eventwalker.lineprovider.bus.EventMessages.UpdateEvents;
import io.eventwalker.lineprovider.bus.NewEvent;
import io.eventwalker.platform.Timestamps;
import io.eventwalker.platform.db.Databases;
import io.eventwalker.platform.db.Transactions;
import io.eventwalker.platform.http.Failures;
import io.eventwalker.platform.http.Problem;
import io.eventwalker.platform.http.ProblemException;
import io.eventwalker.platform.validation.FieldError;
import io.eventwalker.wire.EventRows;
import io.eventwalker.wire.EventState;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonArray;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * Creating and changing events ({@link EventRepositoryVerticle} hands them here): each write and
 * the outbox rows of what it changed in one transaction, committed before the write's deadline or
 * not at all. After the commit, the relay is woken ({@link Addresses#OUTBOX_WRITTEN}) and the new
 * states go to the bridge ({@link Addresses#EVENTS_CHANGED}).
 */
public final class EventWrites {

  /** Logged as the repository's lines: the writes are its own. */
  private static final Logger LOG = LoggerFactory.getLogger(EventRepositoryVerticle.class);

  /** How long a COMMIT may take before its outcome counts as unknown. */
  public static final long COMMIT_TIMEOUT_MS = 5_000;

  private final Vertx vertx;
  private final Pool pool;

  EventWrites(Vertx vertx, Pool pool) {
    this.vertx = vertx;
    this.pool = pool;
  }

  void create(Message<CreateEvents> msg) {
    List<NewEvent> events = msg.body().events();
    int n = events.size();
    String[] ids = new String[n];
    String[] ratios = new String[n];
    OffsetDateTime[] deadlines = new OffsetDateTime[n];
    String[] statuses = new String[n];
    List<EventState> created = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      NewEvent event = events.get(i);
      ids[i] = event.eventId();
      ratios[i] = event.ratio().toPlainString();
      deadlines[i] = Timestamps.toOffsetDateTime(event.deadline());
      statuses[i] = event.status().name();
      created.add(event.firstVersion());
    }
    write(msg.body().deadlineMillis(), conn -> conn.preparedQuery(EventQueries.INSERT_EVENTS)
        .execute(Tuple.of(ids, ratios, deadlines, statuses))
        .compose(rows -> {
          Set<String> inserted = new HashSet<>();
          rows.forEach(row -> inserted.add(row.getString("event_id")));
          for (int i = 0; i < n; i++) {
            if (!inserted.contains(ids[i])) {
              throw conflict(409, "event " + ids[i] + " already exists", "event_id", i, msg.body().single(),
                "an event with this id already exists");
            }
          }
          return insertOutbox(conn, created, msg.body().traceparent());
        }))
      .onSuccess(done -> {
        msg.reply(new Events(created));
        vertx.eventBus().publish(Addresses.OUTBOX_WRITTEN, "");
        publishChanged(created);
      })
      .onFailure(failure -> fail(msg, failure));
  }

  void update(Message<UpdateEvents> msg) {
    List<EventChange> changes = msg.body().changes();
    String[] ids = changes.stream().map(EventChange::eventId).toArray(String[]::new);
    List<EventState> result = new ArrayList<>(changes.size());
    List<EventState> changed = new ArrayList<>();
    write(msg.body().deadlineMillis(), conn -> conn.preparedQuery(EventQueries.LOCK_EVENTS).execute(Tuple.of((Object) ids))
        .compose(rows -> {
          Map<String, EventState> current = new HashMap<>();
          rows.forEach(row -> current.put(row.getString("event_id"), EventRows.read(row)));
          for (int i = 0; i < changes.size(); i++) {
            EventChange change = changes.get(i);
            EventState before = current.get(change.eventId());
            if (before == null) {
              throw conflict(404, "no event " + change.eventId(), "event_id", i, msg.body().single(), "no event with this id");
            }
            EventState after;
            try {
              after = change.applyTo(before);
            } catch (EventChange.RefusedException refused) {
              throw conflict(409, refused.getMessage(), "event_id", i, msg.body().single(), refused.getMessage());
            }
            result.add(after);
            if (after != before) {
              changed.add(after);
            }
          }
          if (changed.isEmpty()) {
            return Future.succeededFuture();
          }
          return conn.preparedQuery(EventQueries.UPDATE_EVENTS).execute(EventRows.columns(changed))
            .compose(updated -> insertOutbox(conn, changed, msg.body().traceparent()));
        }))
      .onSuccess(done -> {
        msg.reply(new Events(result));
        if (!changed.isEmpty()) {
          changed.forEach(state -> LOG.atInfo().addKeyValue("event_id", state.eventId())
            .log("event {} changed to version {} ({})", state.eventId(), state.version(), state.status()));
          vertx.eventBus().publish(Addresses.OUTBOX_WRITTEN, "");
          publishChanged(changed);
        }
      })
      .onFailure(failure -> fail(msg, failure));
  }

  /** The committed states, for the bridge's sockets (line-provider's page follows the line through them). */
  private void publishChanged(List<EventState> states) {
    JsonArray changed = new JsonArray();
    states.forEach(state -> changed.add(state.toJson()));
    vertx.eventBus().publish(Addresses.EVENTS_CHANGED, changed);
  }

  /** The outbox row of each changed state, in the transaction that changed it. */
  private Future<RowSet<Row>> insertOutbox(SqlConnection conn, List<EventState> states, String traceparent) {
    int n = states.size();
    String[] ids = new String[n];
    Long[] versions = new Long[n];
    String[] payloads = new String[n];
    for (int i = 0; i < n; i++) {
      EventState state = states.get(i);
      ids[i] = state.eventId();
      versions[i] = state.version();
      payloads[i] = state.toJson().encode();
    }
    return conn.preparedQuery(EventQueries.INSERT_OUTBOX).execute(Tuple.of(ids, versions, payloads, traceparent));
  }

  private static ProblemException conflict(int status, String detail, String field, int index, boolean single, String message) {
    Integer itemIndex = single ? null : index;
    String where = single ? "" : " (item " + index + ")";
    return new Problem(status, Problem.of(status, detail).type(), Problem.title(status), detail + where,
      List.of(new FieldError(field, itemIndex, message))).exception();
  }

  /**
   * Runs {@code work} in a transaction that commits before {@code deadlineMillis} or not at all
   * (SPEC §2: a 5xx from a write stores nothing, now or later). Every statement is cut by
   * PostgreSQL at the deadline ({@code statement_timeout}, a lock waited on included), and one
   * that finished after it is rolled back rather than committed. The COMMIT gets
   * {@link #COMMIT_TIMEOUT_MS}: PostgreSQL refusing it stored nothing (503); a connection lost or
   * silent meanwhile leaves the outcome unknown, answered with its own problem (500).
   */
  private <T> Future<T> write(long deadlineMillis, Function<SqlConnection, Future<T>> work) {
    return pool.getConnection().compose(conn -> {
      long left = deadlineMillis - System.currentTimeMillis();
      if (left <= 0) {
        conn.close();
        return Future.failedFuture(notStored("the change could not be written in time"));
      }
      return Transactions.begin(conn, left).compose(begun -> work.apply(conn)).transform(done -> {
        if (done.failed()) {
          return Transactions.rollBack(conn, Databases.isStatementTimeout(done.cause())
            ? notStored("the change could not be written in time") : done.cause());
        }
        if (System.currentTimeMillis() >= deadlineMillis) {
          return Transactions.rollBack(conn, notStored("the change could not be written in time"));
        }
        return Transactions.commit(conn, COMMIT_TIMEOUT_MS).transform(committed -> {
          if (committed.succeeded()) {
            return Future.succeededFuture(done.result());
          }
          if (!(committed.cause() instanceof Transactions.CommitUnknown)) {
            return Future.failedFuture(notStored("PostgreSQL refused to commit the change"));
          }
          LOG.error("outcome unknown: the COMMIT of a change of events was not confirmed ({})", committed.cause().getCause().toString());
          return Future.failedFuture(Problem.outcomeUnknown("the database did not confirm the commit of this change; read the"
            + " event to learn whether it was stored").exception());
        });
      });
    });
  }

  private static ProblemException notStored(String why) {
    return Problem.of(503, why + "; nothing was stored; try again").exception();
  }

  private static void fail(Message<?> msg, Throwable failure) {
    Failures.reply(msg, failure, LOG);
  }
}
