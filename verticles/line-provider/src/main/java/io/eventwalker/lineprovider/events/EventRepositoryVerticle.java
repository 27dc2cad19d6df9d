package io.eventwalker.lineprovider.events;

import io.eventwalker.lineprovider.bus.Addresses;
import io.eventwalker.lineprovider.bus.EventMessages.CreateEvents;
import io.eventwalker.lineprovider.bus.EventMessages.GetEvent;
import io.eventwalker.lineprovider.bus.EventMessages.GetStates;
import io.eventwalker.lineprovider.bus.EventMessages.ListEvents;
import io.eventwalker.lineprovider.bus.EventMessages.UpdateEvents;
import io.eventwalker.lineprovider.config.LineProviderConfig;
import io.eventwalker.platform.db.Databases;
import io.eventwalker.platform.db.Pages;
import io.eventwalker.platform.dependencies.DependencyWatch;
import io.eventwalker.platform.http.Failures;
import io.eventwalker.platform.http.Problem;
import io.eventwalker.platform.http.Readiness;
import io.eventwalker.wire.EventPage;
import io.eventwalker.wire.EventRows;
import io.eventwalker.wire.EventState;
import io.eventwalker.wire.EventStates;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.Message;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The events in PostgreSQL: their writes (each with its outbox rows in one transaction, in
 * {@link EventWrites}) and reads, and whether PostgreSQL answers ({@code /ready}, and a watch
 * that logs its outages).
 */
public final class EventRepositoryVerticle extends VerticleBase {

  private static final Logger LOG = LoggerFactory.getLogger(EventRepositoryVerticle.class);

  private final LineProviderConfig config;
  private final long readyTimeoutMs;
  private Pool pool;

  public EventRepositoryVerticle(LineProviderConfig config) {
    this.config = config;
    this.readyTimeoutMs = config.http().readyTimeoutMs();
  }

  @Override
  public Future<?> start() {
    pool = Databases.pool(vertx, config.database(), "line-provider");
    EventWrites writes = new EventWrites(vertx, pool);
    var bus = vertx.eventBus();
    bus.<CreateEvents>localConsumer(Addresses.EVENTS_CREATE, writes::create);
    bus.<UpdateEvents>localConsumer(Addresses.EVENTS_UPDATE, writes::update);
    bus.<GetEvent>localConsumer(Addresses.EVENTS_GET, this::get);
    bus.<ListEvents>localConsumer(Addresses.EVENTS_LIST, this::list);
    bus.<GetStates>localConsumer(Addresses.EVENTS_STATES, this::states);
    bus.<String>localConsumer(Addresses.READY_POSTGRES, this::ready);
    new DependencyWatch(vertx, config.database().dependency(), "line-provider", config.dependencies(),
      () -> pool.query("SELECT 1").execute(), readyTimeoutMs).start();
    return Future.succeededFuture();
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

  private void ready(Message<String> msg) {
    Readiness.answer(msg, config.database().dependency(), pool.query("SELECT 1").execute(), readyTimeoutMs);
  }

  private static void fail(Message<?> msg, Throwable failure) {
    Failures.reply(msg, failure, LOG);
  }
}
