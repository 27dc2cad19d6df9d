package io.eventwalker.lineprovider;

import io.eventwalker.platform.db.Pages;
import io.eventwalker.platform.http.Readiness;
import io.eventwalker.platform.http.Failures;
import io.eventwalker.lineprovider.EventMessages.AddSubscriptions;
import io.eventwalker.lineprovider.EventMessages.CreateEvents;
import io.eventwalker.lineprovider.EventMessages.DurablePage;
import io.eventwalker.lineprovider.EventMessages.DurableSubscription;
import io.eventwalker.lineprovider.EventMessages.DurableSubscriptions;
import io.eventwalker.wire.EventPage;
import io.eventwalker.lineprovider.EventMessages.Events;
import io.eventwalker.lineprovider.EventMessages.GetEvent;
import io.eventwalker.lineprovider.EventMessages.GetStates;
import io.eventwalker.lineprovider.EventMessages.ListEvents;
import io.eventwalker.lineprovider.EventMessages.MarkPublished;
import io.eventwalker.lineprovider.EventMessages.OutboxRow;
import io.eventwalker.lineprovider.EventMessages.OutboxRows;
import io.eventwalker.lineprovider.EventMessages.PendingOutbox;
import io.eventwalker.wire.EventStates;
import io.eventwalker.lineprovider.EventMessages.UpdateEvents;
import io.eventwalker.platform.Timestamps;
import io.eventwalker.platform.db.Databases;
import io.eventwalker.platform.dependencies.DependencyWatch;
import io.eventwalker.platform.db.Transactions;
import io.eventwalker.wire.EventRows;
import io.eventwalker.platform.http.Problem;
import io.eventwalker.platform.http.ProblemException;
import io.eventwalker.platform.validation.FieldError;
import io.eventwalker.wire.EventState;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.Message;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.function.Function;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Line-provider's persistence: the events and the outbox in PostgreSQL. Every change of an
 * event and its outbox row are written in one transaction.
 */
public final class EventRepositoryVerticle extends VerticleBase {

  private static final Logger LOG = LoggerFactory.getLogger(EventRepositoryVerticle.class);
  /** The event id under which a subscription to every event is recorded. */
  static final String ALL_EVENTS = "*";

  private final LineProviderConfig config;
  private final long readyTimeoutMs;
  private Pool pool;

  /** How often the outbox's backlog is sampled for {@code /metrics}. */
  private static final long BACKLOG_SAMPLE_MS = 5_000;
  /** The last sample, shared by the process's line-provider (its gauges read these). */
  private final AtomicLong backlogRows = new AtomicLong();
  private final AtomicLong backlogOldestMs = new AtomicLong();

  EventRepositoryVerticle(LineProviderConfig config) {
    this.config = config;
    this.readyTimeoutMs = config.http().readyTimeoutMs();
  }

  @Override
  public Future<?> start() {
    long retentionSeconds = config.outbox().retentionS();
    long subscriptionTtlSeconds = config.subscriptionTtlS();
    pool = Databases.pool(vertx, config.database(), "line-provider");
    var bus = vertx.eventBus();
    bus.<CreateEvents>localConsumer(Addresses.EVENTS_CREATE, this::create);
    bus.<UpdateEvents>localConsumer(Addresses.EVENTS_UPDATE, this::update);
    bus.<GetEvent>localConsumer(Addresses.EVENTS_GET, this::get);
    bus.<ListEvents>localConsumer(Addresses.EVENTS_LIST, this::list);
    bus.<GetStates>localConsumer(Addresses.EVENTS_STATES, this::states);
    bus.<PendingOutbox>localConsumer(Addresses.OUTBOX_PENDING, this::pendingOutbox);
    bus.<MarkPublished>localConsumer(Addresses.OUTBOX_PUBLISHED, this::markPublished);
    bus.<AddSubscriptions>localConsumer(Addresses.SUBSCRIPTIONS_RECORD, this::recordSubscriptions);
    bus.<DurableSubscriptions>localConsumer(Addresses.SUBSCRIPTIONS_DURABLE, this::durableSubscriptions);
    bus.<String>localConsumer(Addresses.READY_POSTGRES, this::ready);
    new DependencyWatch(vertx, config.database().dependency(), "line-provider", config.dependencies(),
      () -> pool.query("SELECT 1").execute(), readyTimeoutMs).start();
    vertx.setPeriodic(60_000, id -> {
      purgePublished(retentionSeconds);
      purgeSubscriptions(subscriptionTtlSeconds);
    });
    LineProviderMeters.of(vertx).outbox(backlogRows, backlogOldestMs);
    vertx.setPeriodic(1, BACKLOG_SAMPLE_MS, id -> sampleBacklog());
    return forgetUnlistedSubscribers();
  }

  private void sampleBacklog() {
    pool.query(EventQueries.OUTBOX_BACKLOG).execute().onSuccess(rows -> {
      Row row = rows.iterator().next();
      backlogRows.set(row.getLong("rows"));
      backlogOldestMs.set((long) (row.getDouble("oldest_s") * 1000));
    });
  }

  private void create(Message<CreateEvents> msg) {
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

  private void update(Message<UpdateEvents> msg) {
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

  private void get(Message<GetEvent> msg) {
    pool.preparedQuery(EventQueries.GET_EVENT).execute(Tuple.of(msg.body().eventId()))
      .onSuccess(rows -> {
        if (rows.size() == 0) {
          Failures.reply(msg, Problem.of(404, "no event " + msg.body().eventId()));
        } else {
          msg.reply(EventRows.read(rows.iterator().next()));
        }
      })
      .onFailure(failure -> fail(msg, failure));
  }

  private void list(Message<ListEvents> msg) {
    ListEvents query = msg.body();
    String status = query.status() == null ? null : query.status().name();
    pool.preparedQuery(EventQueries.LIST_EVENTS)
      .execute(Tuple.of(status, query.openOnly(), query.after(), query.limit() + 1))
      .onSuccess(rows -> {
        List<EventState> events = new ArrayList<>(rows.size());
        rows.forEach(row -> events.add(EventRows.read(row)));
        String next = Pages.trim(events, query.limit(), EventState::eventId);
        msg.reply(new EventPage(events, next));
      })
      .onFailure(failure -> fail(msg, failure));
  }

  private void states(Message<GetStates> msg) {
    List<String> ids = msg.body().eventIds();
    pool.preparedQuery(EventQueries.GET_EVENTS).execute(Tuple.of((Object) ids.toArray(String[]::new)))
      .onSuccess(rows -> {
        Map<String, EventState> byId = new HashMap<>();
        rows.forEach(row -> byId.put(row.getString("event_id"), EventRows.read(row)));
        List<EventState> found = new ArrayList<>();
        List<String> missing = new ArrayList<>();
        for (String id : ids) {
          EventState state = byId.get(id);
          if (state == null) {
            missing.add(id);
          } else {
            found.add(state);
          }
        }
        msg.reply(new EventStates(found, missing));
      })
      .onFailure(failure -> fail(msg, failure));
  }

  private void pendingOutbox(Message<PendingOutbox> msg) {
    pool.preparedQuery(EventQueries.PENDING_OUTBOX).execute(Tuple.of(msg.body().limit()))
      .onSuccess(rows -> {
        List<OutboxRow> pending = new ArrayList<>(rows.size());
        rows.forEach(row -> pending.add(new OutboxRow(row.getLong("id"), row.getString("event_id"),
          row.getLong("version"), row.getString("payload"), row.getOffsetDateTime("created_at").toInstant(), row.getString("traceparent"))));
        msg.reply(new OutboxRows(pending));
      })
      .onFailure(failure -> fail(msg, failure));
  }

  private void markPublished(Message<MarkPublished> msg) {
    pool.preparedQuery(EventQueries.MARK_PUBLISHED).execute(Tuple.of((Object) msg.body().ids().toArray(Long[]::new)))
      .onSuccess(rows -> msg.reply(rows.rowCount()))
      .onFailure(failure -> fail(msg, failure));
  }

  private void purgePublished(long retentionSeconds) {
    pool.preparedQuery(EventQueries.PURGE_PUBLISHED).execute(Tuple.of(retentionSeconds))
      .onSuccess(rows -> {
        if (rows.rowCount() > 0) {
          LOG.info("purged {} published outbox rows", rows.rowCount());
        }
      })
      .onFailure(failure -> LOG.warn("outbox purge failed: {}", failure.getMessage()));
  }

  // ---- subscriptions, durably (Redis serves them; this is what an emptied Redis is rebuilt from) ----

  private void recordSubscriptions(Message<AddSubscriptions> msg) {
    List<String> ids = msg.body().all() ? List.of(ALL_EVENTS) : msg.body().eventIds();
    pool.preparedQuery(EventQueries.RECORD_SUBSCRIPTIONS).execute(Tuple.of(msg.body().subscriber(), (Object) ids.toArray(String[]::new)))
      .onSuccess(rows -> {
        List<String> recorded = new ArrayList<>();
        rows.forEach(row -> {
          if (!row.getString("event_id").equals(ALL_EVENTS)) {
            recorded.add(row.getString("event_id"));
          }
        });
        msg.reply(new AddSubscriptions(msg.body().subscriber(), recorded, msg.body().all()));
      })
      .onFailure(failure -> fail(msg, failure));
  }

  private void durableSubscriptions(Message<DurableSubscriptions> msg) {
    int limit = msg.body().limit();
    pool.preparedQuery(EventQueries.DURABLE_SUBSCRIPTIONS).execute(Tuple.of(msg.body().afterEventId(), limit))
      .onSuccess(rows -> {
        List<DurableSubscription> page = new ArrayList<>(rows.size());
        for (Row row : rows) {
          page.add(new DurableSubscription(row.getString("event_id"), List.of(row.getArrayOfStrings("subscribers")),
            row.getOffsetDateTime("renewed_at").toInstant()));
        }
        msg.reply(new DurablePage(page, page.size() < limit ? null : page.get(page.size() - 1).eventId()));
      })
      .onFailure(failure -> fail(msg, failure));
  }

  private void purgeSubscriptions(long ttlSeconds) {
    pool.preparedQuery(EventQueries.PURGE_SUBSCRIPTIONS).execute(Tuple.of(ttlSeconds))
      .onFailure(failure -> LOG.warn("subscription purge failed: {}", failure.getMessage()));
  }

  /**
   * Subscriptions under names {@code LP_SUBSCRIBERS} does not list (made up in a request before
   * names were checked, or a subscriber no longer configured) are forgotten at start-up: nothing
   * is published to them in any case.
   */
  private Future<Void> forgetUnlistedSubscribers() {
    return pool.preparedQuery(EventQueries.FORGET_UNLISTED_SUBSCRIBERS)
      .execute(Tuple.of((Object) config.subscribers().names().toArray(String[]::new)))
      .onSuccess(rows -> {
        if (rows.rowCount() > 0) {
          LOG.warn("forgot {} subscriptions under names LP_SUBSCRIBERS does not list", rows.rowCount());
        }
      })
      .<Void>mapEmpty()
      // PostgreSQL down at start-up: the relay skips those names anyway; the next start forgets them.
      .recover(failure -> {
        LOG.warn("could not forget subscriptions under unlisted names: {}", failure.getMessage());
        return Future.succeededFuture();
      });
  }

  private void ready(Message<String> msg) {
    Readiness.answer(msg, config.database().dependency(), pool.query("SELECT 1").execute(), readyTimeoutMs);
  }

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

  /** How long a COMMIT may take before its outcome counts as unknown. */
  static final long COMMIT_TIMEOUT_MS = 5_000;

  private static ProblemException notStored(String why) {
    return Problem.of(503, why + "; nothing was stored; try again").exception();
  }

  private static void fail(Message<?> msg, Throwable failure) {
    Failures.reply(msg, failure, LOG);
  }

}
