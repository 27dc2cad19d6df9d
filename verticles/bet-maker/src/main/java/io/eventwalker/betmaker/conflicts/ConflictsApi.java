package io.eventwalker.betmaker.conflicts;

import io.eventwalker.betmaker.bus.BetMessages.ResolveConflict;
import io.eventwalker.betmaker.bus.ConflictsBus;
import io.eventwalker.betmaker.config.BetMakerConfig;
import io.eventwalker.platform.auth.Bearer;
import io.eventwalker.platform.auth.Identity;
import io.eventwalker.platform.eventbus.LocalBus;
import io.eventwalker.platform.http.Responses;
import io.eventwalker.platform.validation.ValidationException;
import io.eventwalker.wire.EventIds;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/**
 * bet-maker's operator routes for conflicts with line-provider ({@link ConflictsVerticle}), each
 * needing a token whose {@code roles} include {@code operator}:
 * <ul>
 *   <li>{@code GET /conflicts}: the events in conflict, both sides' states, and how to resolve each;</li>
 *   <li>{@code POST /conflicts/{event_id}/resolve}: bet-maker adopts line-provider's current state of
 *       the event and settles every PENDING bet by it when it is final; 200 with what was replaced
 *       and what was settled, 404/409 when the event is not in conflict, 409 when line-provider
 *       does not know it, 503 when line-provider cannot be asked.</li>
 * </ul>
 */
public final class ConflictsApi {

  private final Vertx vertx;
  private final DeliveryOptions listOptions;
  private final DeliveryOptions resolveOptions;

  private ConflictsApi(Vertx vertx, BetMakerConfig config) {
    this.vertx = vertx;
    this.listOptions = LocalBus.options(config.http().readyTimeoutMs() * 2);
    // A resolution asks line-provider, then may settle a whole event.
    this.resolveOptions = LocalBus.options(config.line().timeoutMs() + config.settlement().timeoutMs());
  }

  /** {@code limited}: the API's concurrency limit, after the operator is identified, so their requests count against them. */
  public static void mount(Vertx vertx, BetMakerConfig config, Router router, Handler<RoutingContext> limited, Bearer bearer) {
    ConflictsApi api = new ConflictsApi(vertx, config);
    Handler<RoutingContext> operator = bearer.identifyOperator(sent -> false); // bet-maker has no API key: an operator's token only
    router.get("/conflicts").handler(operator).handler(limited).handler(Bearer.requireOperator()).handler(api::list);
    router.post("/conflicts/:event_id/resolve").handler(operator).handler(limited).handler(Bearer.requireOperator()).handler(api::resolve);
  }

  private void list(RoutingContext ctx) {
    ConflictsBus.list(vertx, listOptions)
      .onSuccess(conflicts -> Responses.json(ctx, 200, conflicts))
      .onFailure(ctx::fail);
  }

  private void resolve(RoutingContext ctx) {
    String eventId = ctx.pathParam("event_id");
    if (!EventIds.isValid(eventId)) {
      ctx.fail(400, new ValidationException("event_id", "must be 1 to 64 characters of [A-Za-z0-9._:-]"));
      return;
    }
    Identity operator = ctx.get(Bearer.IDENTITY);
    ConflictsBus.resolve(vertx, new ResolveConflict(eventId, operator.subject()), resolveOptions)
      .onSuccess(resolution -> Responses.json(ctx, 200, resolution.toJson()))
      .onFailure(ctx::fail);
  }
}
