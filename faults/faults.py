#!/usr/bin/env python3
"""Event Walker's reliability suite: faults/run [--only CASE ...] [--no-docs] [--list].

Runs line-provider and bet-maker as two JVMs from the fat jar, against this machine's real
PostgreSQL, Redis and RabbitMQ, and breaks things for real: the broker stopped, killed, cut off or
out of memory; PostgreSQL stopped immediately; Redis shut down; the services killed at exact
points (failpoints), or frozen. After every case it checks the invariants against the databases
(the ledger's with `ledger verify`), and at the end it rewrites docs/reliability.md with what it measured.

Every backing service it stops is started again, whatever happens.
"""
import argparse
import datetime
import decimal
import json
import os
import random
import re
import secrets
import signal
import subprocess
import sys
import threading
import time
import traceback

sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "harness"))
import bridge_flood as flood  # noqa: E402  (faults/, beside this file)
from system import (JAR, ROOT, Services, conf_value, ensure_backing_services, set_bearer, token, ensure_rabbit_users, grep_log, heap_mb, http,  # noqa: E402
                    http_with_headers, fund, ledger_verify, names, postgres_start, publish_as,
                    postgres_stop_immediately, psql, queue_depth, rabbit_ctl, rabbit_kill, rabbit_start,
                    rabbit_start_app, rabbit_stop_app, redis_shutdown, redis_start, run, wait_until)

LOGS = os.path.join(ROOT, "faults", "results")
DOC = os.path.join(ROOT, "docs", "reliability.md")
LP, BM = "line-provider", "bet-maker"
PORTS = {LP: int(os.environ.get("FAULTS_LP_PORT", "19001")), BM: int(os.environ.get("FAULTS_BM_PORT", "19000"))}
TCP_PORT = int(os.environ.get("FAULTS_BM_TCP_PORT", "19002"))  # bet-maker's TCP event-bus bridge
OUTCOME_UNKNOWN = "urn:event-walker:problem:outcome-unknown"
FORGER = "faults-forger"
PLAYER, OTHER_PLAYER = "faults-player", "faults-other-player"
# What each player's wallet gets before the first case: a bet needs its stake there (SPEC §7). Every case's bets together
# cost far less than 1,000,000.00; abuse_at_small_heap's flood also sends batches of 1000 bets of 999,999.99 on an event
# that does not exist, to be refused for the event (404) whether bet-maker looks at the event or at the money first.
FUNDS = {PLAYER: decimal.Decimal("1000000.00") + 1000 * decimal.Decimal("999999.99"), OTHER_PLAYER: decimal.Decimal("1000000.00")}
ENV = {
    "LP_HTTP_PORT": str(PORTS[LP]), "BM_HTTP_PORT": str(PORTS[BM]), "BM_TCP_BRIDGE_PORT": str(TCP_PORT),
    "LP_PG_SCHEMA": "lp_faults", "BM_PG_SCHEMA": "bm_faults", "LP_REDIS_PREFIX": "faults:lp:",
    "LINE_PROVIDER_QUEUE": "faults.line-provider.requests", "BM_SUBSCRIBER": "bm-faults", "LP_SUBSCRIBERS": "bet-maker:bm-faults",
    "BM_CATCH_UP_INTERVAL_MS": "2000", "LP_OUTBOX_POLL_MS": "200",
    # Reconnect every 500 ms however long an outage lasts: recovery is measured, not the back-off.
    "RABBITMQ_RECONNECT_MS": "500", "DEPENDENCY_RETRY_MAX_MS": "500", "RABBITMQ_HEARTBEAT_S": "2",
    "BM_RATE_LIMIT_PER_S": "0", "LOG_LEVEL": "INFO",
    # This run's own secret: nothing ships with one.
    "AUTH_JWT_SECRET": secrets.token_hex(32),
}
# The names the services derive from ENV (schemas, queues, exchanges, users), as the jar reports
# them (resolve_names, before the first case): never spelled a second time here.
LP_SCHEMA = BM_SCHEMA = SUBSCRIBER = REQUESTS_QUEUE = UPDATES_QUEUE = DEAD_LETTERS = None
UPDATES_EXCHANGE = LP_USER = BM_USER = REDIS_PREFIX = None
ENV_PASSWORDS = {LP: conf_value(LP, "LP_RABBITMQ_PASSWORD", ENV), BM: conf_value(BM, "BM_RABBITMQ_PASSWORD", ENV)}


def resolve_names():
    global LP_SCHEMA, BM_SCHEMA, SUBSCRIBER, REQUESTS_QUEUE, UPDATES_QUEUE, DEAD_LETTERS, UPDATES_EXCHANGE, LP_USER, BM_USER
    global REDIS_PREFIX
    resolved = names(ENV)
    LP_SCHEMA, BM_SCHEMA = resolved[LP]["schema"], resolved[BM]["schema"]
    SUBSCRIBER, REQUESTS_QUEUE = resolved[BM]["subscriber"], resolved[LP]["requests_queue"]
    UPDATES_QUEUE, DEAD_LETTERS = resolved[BM]["updates_queue"], resolved[BM]["dead_letter_queue"]
    UPDATES_EXCHANGE, REDIS_PREFIX = resolved["updates_exchange"], resolved[LP]["redis_prefix"]
    LP_USER, BM_USER = resolved[LP]["rabbitmq_user"], resolved[BM]["rabbitmq_user"]


def log(message):
    print(message, file=sys.stderr, flush=True)


class Load:
    """Bets placed continuously from a few threads while a fault happens; remembers every answer."""

    def __init__(self, suite, event_id, threads=4):
        self.suite = suite
        self.event_id = event_id
        self.threads = [threading.Thread(target=self._run, daemon=True) for _ in range(threads)]
        self.stopping = threading.Event()
        self.answers = []  # (time, status, seconds)
        self.lock = threading.Lock()

    def __enter__(self):
        for thread in self.threads:
            thread.start()
        return self

    def __exit__(self, *exc):
        self.stopping.set()
        for thread in self.threads:
            thread.join(30)

    def _run(self):
        while not self.stopping.is_set():
            started = time.time()
            status, text = http("POST", PORTS[BM], "/bet", {"event_id": self.event_id, "sum_bet": "1.00"}, timeout=15)
            if 200 <= status < 300:
                with self.suite.lock:
                    self.suite.accepted[json.loads(text)["bet_id"]] = self.event_id
            elif status == 500 and OUTCOME_UNKNOWN in text:
                status = "unknown"  # the database went away during the commit: it may or may not be stored
            with self.lock:
                self.answers.append((started, status, time.time() - started))

    def between(self, start, end):
        with self.lock:
            return [a for a in self.answers if start <= a[0] <= end]


class Suite:
    def __init__(self):
        self.services = Services(ENV, PORTS, LOGS)
        self.accepted = {}  # bet_id -> event_id, every bet answered 2xx
        self.lock = threading.Lock()
        self.counter = 0
        self.results = []

    # ---- driving the system ----

    def event(self, name):
        self.counter += 1
        event_id = "%s-%d-%d" % (name, self.counter, random.randint(1000, 9999))
        body = {"event_id": event_id, "ratio": "1.75", "deadline": int(time.time()) + 3600}
        wait_until("event %s created" % event_id, 60, lambda: http("POST", PORTS[LP], "/event", body)[0] in (201, 409))
        return event_id

    def bet(self, event_id, stake="10.00", timeout=10):
        status, text = http("POST", PORTS[BM], "/bet", {"event_id": event_id, "sum_bet": stake}, timeout=timeout)
        if 200 <= status < 300:
            bet_id = json.loads(text)["bet_id"]
            with self.lock:
                self.accepted[bet_id] = event_id
            return status, bet_id
        return status, None

    def bets(self, event_id, count):
        ids = []
        for _ in range(count):
            status, bet_id = None, None
            deadline = time.time() + 30
            while status != 201:
                status, bet_id = self.bet(event_id)
                if status != 201:
                    if time.time() > deadline:
                        raise RuntimeError("bet on %s answered %s" % (event_id, status))
                    time.sleep(0.2)
            ids.append(bet_id)
        return ids

    def finish(self, event_id, result="FINISHED_WIN", timeout=10):
        started = time.time()
        status, _ = http("PUT", PORTS[LP], "/event", {"event_id": event_id, "status": result}, timeout=timeout)
        return status, time.time() - started

    def pending(self, event_id):
        return int(psql("SELECT count(*) FROM %s.bets WHERE event_id = '%s' AND status = 'PENDING'" % (BM_SCHEMA, event_id)))

    def await_settled(self, event_id, seconds=120):
        return wait_until("bets on %s settled" % event_id, seconds, lambda: self.pending(event_id) == 0, interval=0.1)

    def restart(self, name, failpoint=None, env=None):
        self.services.stop(name)
        extra = ["-Deventwalker.failpoint=" + failpoint] if failpoint else []
        self.services.start(name, extra, env=env)

    def keyed_bet(self, event_id, stake, key, timeout=30):
        """POST /bet with an Idempotency-Key: (status, body, headers); a 2xx bet is remembered."""
        status, text, headers = http_with_headers("POST", PORTS[BM], "/bet", {"event_id": event_id, "sum_bet": stake},
                                                  headers={"Idempotency-Key": key}, timeout=timeout)
        if 200 <= status < 300:
            with self.lock:
                self.accepted[json.loads(text)["bet_id"]] = event_id
        return status, text, headers

    def stored(self, event_id, stake=None):
        where = "event_id = '%s'" % event_id + ("" if stake is None else " AND sum_bet = %s" % stake)
        return int(psql("SELECT count(*) FROM %s.bets WHERE %s" % (BM_SCHEMA, where)))

    def await_bet_maker_idle(self):
        """Every database connection of bet-maker has finished its transaction (committed or rolled back)."""
        return wait_until("bet-maker's connections idle", 60, lambda: int(psql(
            "SELECT count(*) FROM pg_stat_activity WHERE application_name = 'event-walker-bet-maker'"
            " AND state <> 'idle' AND pid <> pg_backend_pid()")) == 0, interval=0.1)

    def ensure_running(self):
        for name in (LP, BM):
            if not self.services.alive(name):
                self.services.start(name)
            else:
                self.services.wait_ready(name)

    # ---- invariants ----

    def check_invariants(self):
        problems = []
        ids = list(self.accepted)
        if ids:
            found = int(psql("SELECT count(*) FROM %s.bets WHERE bet_id = ANY('{%s}'::uuid[])" % (BM_SCHEMA, ",".join(ids))))
            if found != len(ids):
                problems.append("%d of %d bets answered 2xx are missing" % (len(ids) - found, len(ids)))
        twice = int(psql("SELECT count(*) FROM (SELECT bet_id FROM %s.bet_status_log GROUP BY bet_id HAVING count(*) > 1) t" % BM_SCHEMA))
        if twice:
            problems.append("%d bets settled more than once" % twice)
        unlogged = int(psql(
            "SELECT count(*) FROM %s.bets b LEFT JOIN %s.bet_status_log l USING (bet_id) "
            "WHERE b.status <> 'PENDING' AND (l.bet_id IS NULL OR l.status <> b.status OR l.payout <> b.payout)" % (BM_SCHEMA, BM_SCHEMA)))
        if unlogged:
            problems.append("%d settled bets without a matching audit row" % unlogged)
        wrong = int(psql(
            "SELECT count(*) FROM %s.bets WHERE (status = 'WON' AND payout <> trunc(sum_bet * ratio, 2)) "
            "OR (status = 'LOST' AND payout <> 0)" % BM_SCHEMA))
        if wrong:
            problems.append("%d bets with a wrong payout" % wrong)

        def no_pending_on_finished():
            return int(psql(
                "SELECT count(*) FROM %s.bets b JOIN %s.events e USING (event_id) WHERE b.status = 'PENDING' AND e.status <> 'NEW'"
                % (BM_SCHEMA, LP_SCHEMA))) == 0

        def outbox_drained():
            return int(psql("SELECT count(*) FROM %s.outbox WHERE published_at IS NULL" % LP_SCHEMA)) == 0

        def queues_drained():
            return queue_depth(UPDATES_QUEUE) == 0 and queue_depth(REQUESTS_QUEUE) in (0, None)

        for what, condition in (("no PENDING bet on a finished event", no_pending_on_finished),
                                ("the outbox drained", outbox_drained), ("the queues drained", queues_drained)):
            try:
                wait_until(what, 60, condition, interval=0.25)
            except TimeoutError as e:
                problems.append(str(e))
        verified, report = ledger_verify(ENV)
        if not verified:
            log("   ledger verify:\n" + report)
            problems.append("ledger verify: " + "; ".join(report.splitlines()))
        return problems

    # ---- running cases ----

    def case(self, name, fault, expected, function):
        log("== %s" % name)
        started = time.time()
        figures, error = {}, None
        try:
            figures = function() or {}
        except Exception as e:  # a failed expectation or an unexpected error: recorded, the suite goes on
            error = "%s: %s" % (type(e).__name__, e)
            log(traceback.format_exc())
        finally:
            ensure_backing_services()
            self.ensure_running()
        problems = self.check_invariants()
        ok = error is None and not problems
        self.results.append({"name": name, "fault": fault, "expected": expected, "figures": figures,
                             "error": error, "problems": problems, "ok": ok, "seconds": time.time() - started})
        log("   %s %s %s" % ("PASS" if ok else "FAIL", figures, (error or "") + " ".join(problems)))

    # ---- the cases ----

    def rabbitmq_stopped(self):
        event = self.event("rmq-stop")
        self.bets(event, 5)
        rabbit_stop_app()
        try:
            status, seconds = self.finish(event)
            expect(status == 200, "PUT while RabbitMQ is down answered %s" % status)
            bet_status, _ = self.bet(event)
            expect(bet_status == 503 or bet_status == 409, "POST /bet while RabbitMQ is down answered %s" % bet_status)
            expect(self.pending(event) == 5, "bets settled without RabbitMQ?")
        finally:
            restarting = time.time()
            rabbit_start_app()
        back = time.time() - restarting
        self.await_settled(event)
        return {"PUT answered": "%d in %.2f s" % (status, seconds), "bet while down": bet_status,
                "broker start_app took": "%.1f s" % back,
                "settled, counted from start_app": "%.1f s" % (time.time() - restarting)}

    def rabbitmq_killed_with_backlog(self):
        events = [self.event("rmq-kill") for _ in range(5)]
        for event in events:
            self.bets(event, 2)
        self.services.stop(BM)
        for event in events:
            status, _ = self.finish(event)
            expect(status == 200, "finish answered %s" % status)
        wait_until("the backlog queued", 60, lambda: queue_depth(UPDATES_QUEUE) is not None and queue_depth(UPDATES_QUEUE) >= 5)
        before = queue_depth(UPDATES_QUEUE)
        rabbit_kill()
        rabbit_start()
        try:  # the quorum queue comes back once its log is replayed
            wait_until("the backlog back in the queue", 60, lambda: (queue_depth(UPDATES_QUEUE) or 0) >= before, interval=0.5)
        except TimeoutError:
            pass
        after = queue_depth(UPDATES_QUEUE)
        expect(after is not None and after >= before, "backlog lost: %s before, %s after" % (before, after))
        started = time.time()
        self.services.start(BM)
        for event in events:
            self.await_settled(event)
        return {"backlog before kill -9": before, "after restart": after,
                "all settled after bet-maker started": "%.1f s" % (time.time() - started)}

    def all_connections_closed(self):
        event = self.event("rmq-close")
        busy = self.event("rmq-close-load")
        self.bets(event, 3)
        self.bets(busy, 1)
        with Load(self, busy, threads=3) as load:
            time.sleep(1)  # some load before the cut
            before = self.reconnects()
            rabbit_ctl("close_all_connections", "faults: closing every connection")
            cut = time.time()
            # /ready still answers 200 in the moment before a service has noticed that its connections are gone: the
            # wait is first for every connection of both services to be made again (each counts its reconnect).
            wait_until("every connection of both services made again", 60, lambda: all(
                count > before[connection] for connection, count in self.reconnects().items()))
            wait_until("both services ready again", 60, lambda: all(
                http("GET", PORTS[name], "/ready", timeout=2)[0] == 200 for name in (LP, BM)))
            ready = time.time() - cut
            status, _ = self.finish(event)
            expect(status == 200, "finish answered %s" % status)
            settled = self.await_settled(event)
        errors = [a for a in load.answers if a[1] not in (201, 503)]
        expect(not errors, "load got %s" % sorted({a[1] for a in errors}))
        tags = grep_log(self.services.log(BM), "unknown delivery tag") + grep_log(self.services.log(LP), "unknown delivery tag")
        expect(not tags, "unknown delivery tag in the logs")
        return {"ready again": "%.1f s" % ready, "settled after the cut": "%.1f s" % (time.time() - cut),
                "bets under load": "%d (201: %d, 503: %d)" % (len(load.answers), sum(a[1] == 201 for a in load.answers),
                                                              sum(a[1] == 503 for a in load.answers))}

    def reconnects(self):
        """rabbitmq_reconnects_total of each RabbitMQ connection of both services, from their /metrics (0 before the first)."""
        counted = {}
        for name, connections in ((LP, ("line-provider-outbox", "line-provider-requests")),
                                  (BM, ("bet-maker-line-client", "bet-maker-updates-" + SUBSCRIBER))):
            metrics = http("GET", PORTS[name], "/metrics")[1]
            for connection in connections:
                sample = re.search(r'^rabbitmq_reconnects_total\{[^}]*connection="%s"[^}]*\} ([0-9.eE+-]+)$' % re.escape(connection),
                                   metrics, re.M)
                counted[connection] = float(sample.group(1)) if sample else 0.0
        return counted

    def broker_memory_alarm(self):
        event = self.event("rmq-alarm")
        self.bets(event, 3)
        rabbit_ctl("set_vm_memory_high_watermark", "0")
        try:
            status, seconds = self.finish(event)
            expect(status == 200, "PUT during the alarm answered %s" % status)
            # The relay cannot get a confirm: the row stays in the outbox.
            held = wait_until("the outbox to hold the change", 30, lambda: int(psql(
                "SELECT count(*) FROM %s.outbox WHERE event_id = '%s' AND published_at IS NULL AND version = 2" % (LP_SCHEMA, event))) == 1)
            time.sleep(6)  # longer than the confirm timeout (5 s): the row must still be there
            still = int(psql("SELECT count(*) FROM %s.outbox WHERE event_id = '%s' AND published_at IS NULL" % (LP_SCHEMA, event)))
            expect(still == 1, "the outbox row was marked published during the alarm")
            expect(self.pending(event) == 3, "settled during the alarm?")
        finally:
            cleared = time.time()
            rabbit_ctl("set_vm_memory_high_watermark", "0.4")
        self.await_settled(event)
        drained = time.time() - cleared
        return {"PUT answered": "%d in %.2f s" % (status, seconds), "outbox rows kept during the alarm": still,
                "settled after the alarm cleared": "%.1f s" % drained}

    def bet_maker_killed_before_commit(self):
        event = self.event("bm-before-commit")
        self.bets(event, 3)
        self.restart(BM, failpoint="bet-maker.settle.before-commit")
        self.finish(event)
        code = self.services.wait_exit(BM, 60)
        expect(self.pending(event) == 3, "a settlement committed before the halt")
        started = time.time()
        self.services.start(BM)
        self.await_settled(event)
        return {"bet-maker exit": code, "settled after restart": "%.1f s" % (time.time() - started)}

    def bet_maker_killed_between_settlement_chunks(self):
        # Chunks of 100 bets: bet-maker halts after the first chunk's commit (the event finished,
        # 100 bets settled, 150 pending, the update not acked), then restarts and finishes the job.
        small_chunks = {"BM_SETTLE_CHUNK": "100"}
        event = self.event("chunks")
        status, text = http("POST", PORTS[BM], "/bet", [{"event_id": event, "sum_bet": "%d.00" % (i % 50 + 1)} for i in range(250)],
                            timeout=30)
        expect(status == 201, "placing 250 bets answered %s %s" % (status, text))
        for bet in json.loads(text):
            self.accepted[bet["bet_id"]] = event
        try:
            self.restart(BM, failpoint="bet-maker.settle.between-chunks", env=small_chunks)
            self.finish(event)
            code = self.services.wait_exit(BM, 60)
            settled_before = 250 - self.pending(event)
            held = psql("SELECT status FROM %s.events WHERE event_id = '%s'" % (BM_SCHEMA, event))
            expect(settled_before == 100 and held == "FINISHED_WIN",
                   "after the halt: %d settled, bet-maker holds %s" % (settled_before, held))
            placed_after, _ = self.bet(event)
            started = time.time()
            self.services.start(BM, env=small_chunks)
            self.await_settled(event)
            expect(placed_after in (0, 503), "a bet was taken while bet-maker was down: %s" % placed_after)
            late, _ = self.bet(event)
            expect(late == 409, "a bet on the half-settled event answered %s" % late)
            return {"bet-maker exit": code, "settled before the halt": "100 of 250",
                    "all settled after restart": "%.1f s" % (time.time() - started), "bet after the first chunk": late}
        finally:
            self.restart(BM)

    def bet_maker_killed_after_commit(self):
        event = self.event("bm-after-commit")
        self.bets(event, 3)
        self.restart(BM, failpoint="bet-maker.settle.after-commit")
        self.finish(event)
        code = self.services.wait_exit(BM, 60)
        expect(self.pending(event) == 0, "the settlement was not committed before the halt")
        started = time.time()
        self.services.start(BM)
        wait_until("the redelivered update to be acked", 60, lambda: queue_depth(UPDATES_QUEUE) == 0)
        return {"bet-maker exit": code, "redelivery handled after restart": "%.1f s" % (time.time() - started)}

    def line_provider_killed_before_publish(self):
        # bet-maker's catch-up is off for this case: it could otherwise learn the result from
        # line-provider in the moment between the commit and the halt, and the case is about the
        # outbox relay publishing after the restart.
        self.restart(BM, env={"BM_CATCH_UP_INTERVAL_MS": "600000"})
        try:
            event = self.event("lp-before-publish")
            self.bets(event, 3)
            self.restart(LP, failpoint="line-provider.outbox.before-publish")
            status, _ = self.finish(event)
            code = self.services.wait_exit(LP, 60)
            expect(self.pending(event) == 3, "settled although nothing was published")
            started = time.time()
            self.services.start(LP)
            self.await_settled(event)
            return {"PUT answered": status, "line-provider exit": code,
                    "published and settled after restart": "%.1f s" % (time.time() - started)}
        finally:
            self.restart(BM)

    def duplicate_and_older_deliveries(self):
        # A real duplicate: line-provider dies after the broker confirmed, before marking the row.
        event = self.event("dup")
        self.bets(event, 3)
        self.restart(LP, failpoint="line-provider.outbox.after-publish")
        self.finish(event)
        self.services.wait_exit(LP, 60)
        self.services.start(LP)
        self.await_settled(event)
        # The restarted line-provider publishes the row again (it was never marked): once it is marked, the duplicate is
        # in the queue, and the queue holding nothing, ready or unacknowledged, means bet-maker consumed it.
        wait_until("the duplicate consumed", 60, lambda: int(psql(
            "SELECT count(*) FROM %s.outbox WHERE published_at IS NULL" % LP_SCHEMA)) == 0 and queue_depth(UPDATES_QUEUE) == 0)
        # An older version after the newer one: the outbox row of version 1 is sent again.
        older = self.event("older")
        self.bets(older, 2)
        self.finish(older, "FINISHED_LOSE")
        self.await_settled(older)
        psql("UPDATE %s.outbox SET published_at = NULL WHERE event_id = '%s' AND version = 1" % (LP_SCHEMA, older))
        wait_until("the replay consumed", 60, lambda: int(psql(
            "SELECT count(*) FROM %s.outbox WHERE published_at IS NULL" % LP_SCHEMA)) == 0 and queue_depth(UPDATES_QUEUE) == 0)
        state = psql("SELECT status || ':' || version FROM %s.events WHERE event_id = '%s'" % (BM_SCHEMA, older))
        expect(state == "FINISHED_LOSE:2", "bet-maker holds %s after the older version" % state)
        return {"duplicate": "settled once", "older version after newer": "ignored, kept %s" % state}

    def malformed_message(self):
        event = self.event("poison")
        self.bets(event, 2)
        before = queue_depth(DEAD_LETTERS) or 0
        # A payload that is JSON but not an event state, published like any committed change.
        psql("INSERT INTO %s.outbox (event_id, version, payload) VALUES ('%s', 99, '{\"event_id\":\"%s\",\"ratio\":\"abc\"}')"
             % (LP_SCHEMA, event, event))
        wait_until("the poison dead-lettered", 60, lambda: (queue_depth(DEAD_LETTERS) or 0) == before + 1)
        self.finish(event)
        settled = self.await_settled(event)
        return {"dead letters": "%d → %d" % (before, before + 1), "next good message settled in": "%.1f s" % settled}

    def redis_down_during_bets(self):
        known = self.event("redis-known")
        self.bets(known, 2)
        fresh = self.event("redis-fresh")
        redis_shutdown()
        try:
            started = time.time()
            known_status, _ = self.bet(known)
            mislabelled_before = len(grep_log(self.services.log(BM), "PostgreSQL unavailable"))
            fresh_status, fresh_text = http("POST", PORTS[BM], "/bet", {"event_id": fresh, "sum_bet": "10.00"})
            seconds = time.time() - started
            expect(known_status == 201, "a bet on a subscribed event answered %s" % known_status)
            expect(fresh_status == 503, "the first bet on an event answered %s" % fresh_status)
            expect("Redis" in fresh_text and "database" not in fresh_text, "the 503 does not name Redis: %s" % fresh_text)
            expect(len(grep_log(self.services.log(BM), "PostgreSQL unavailable")) == mislabelled_before,
                   "bet-maker logged a Redis outage as PostgreSQL unavailable")
            stored = int(psql("SELECT count(*) FROM %s.bets WHERE event_id = '%s'" % (BM_SCHEMA, fresh)))
            expect(stored == 0, "a refused first bet was stored")
            ready = http("GET", PORTS[LP], "/ready")[0]
            expect(ready == 503, "line-provider /ready said %s with Redis down" % ready)
        finally:
            redis_start()
        rebuilt = wait_until("subscriptions rebuilt in the empty Redis", 60, lambda: run(
            ["redis-cli", "sismember", REDIS_PREFIX + "subscribers:" + known, SUBSCRIBER], check=False).stdout.strip() == "1")
        self.finish(known)
        self.await_settled(known)
        expect(self.bet(fresh)[0] == 201, "bets on the new event after Redis returned")
        return {"bet on a subscribed event": known_status, "first bet on an event": "%d, naming Redis" % fresh_status,
                "both answered within": "%.2f s" % seconds, "subscriptions rebuilt": "%.1f s" % rebuilt}

    def redis_emptied_between_change_and_relay(self):
        # Catch-up is turned off for this case (10 min): only the relay can bring the update.
        self.restart(BM, env={"BM_CATCH_UP_INTERVAL_MS": "600000"})
        try:
            event = self.event("redis-emptied")
            self.bets(event, 3)
            redis_shutdown()
            try:
                status, _ = self.finish(event)
                expect(status == 200, "PUT while Redis is down answered %s" % status)
                wait_until("the change committed", 30, lambda: int(psql(
                    "SELECT count(*) FROM %s.outbox WHERE event_id = '%s' AND version = 2" % (LP_SCHEMA, event))) == 1)
                time.sleep(1)  # a relay tick or more with Redis down: the row must stay unpublished
                kept = int(psql("SELECT count(*) FROM %s.outbox WHERE event_id = '%s' AND version = 2 AND published_at IS NULL"
                                % (LP_SCHEMA, event)))
                expect(kept == 1, "the change was marked published while Redis was down")
            finally:
                redis_start()
            answering = time.time()
            settled = self.await_settled(event, seconds=30)
            expect(settled < 5, "settled %.1f s after Redis answered again (more than 5 s)" % settled)
            return {"outbox row kept while Redis was down": kept,
                    "settled after Redis answered again (empty)": "%.1f s" % settled,
                    "subscriptions put back": "%.1f s" % (time.time() - answering)}
        finally:
            self.restart(BM)

    def forged_update(self):
        # Another RabbitMQ user publishes {version: 10^15, ratio: 10000, FINISHED_WIN} to the
        # updates exchange: without user-id, with its own (the broker checks it), and with
        # line-provider's (the broker refuses it).
        event = self.event("forged")
        self.bets(event, 2)
        rabbit_ctl("add_user", FORGER, FORGER, check=False)
        rabbit_ctl("set_permissions", "-p", "/", FORGER, ".*", ".*", ".*")
        before = queue_depth(DEAD_LETTERS) or 0
        forged = json.dumps({"event_id": event, "ratio": "10000.00", "deadline": int(time.time()) + 3600,
                             "status": "FINISHED_WIN", "version": 10 ** 15})
        plain = publish_as(FORGER, FORGER, UPDATES_EXCHANGE, SUBSCRIBER, forged)
        stamped = publish_as(FORGER, FORGER, UPDATES_EXCHANGE, SUBSCRIBER, forged, user_id=FORGER)
        impersonated = publish_as(FORGER, FORGER, UPDATES_EXCHANGE, SUBSCRIBER, forged, user_id=LP_USER)
        as_bet_maker = publish_as(BM_USER, ENV_PASSWORDS[BM], UPDATES_EXCHANGE, SUBSCRIBER, forged, user_id=BM_USER)
        expect(plain and stamped, "the broker refused the forger's own messages")
        expect(not impersonated, "the broker took a user-id that was not the publisher's")
        expect(not as_bet_maker, "bet-maker's user could publish to the updates exchange")
        wait_until("the forged updates dead-lettered", 30, lambda: (queue_depth(DEAD_LETTERS) or 0) >= before + 2)
        held = psql("SELECT version || ':' || status FROM %s.events WHERE event_id = '%s'" % (BM_SCHEMA, event))
        expect(held == "1:NEW", "bet-maker holds %s after the forged updates" % held)
        expect(self.pending(event) == 2, "the forged result settled bets")
        self.finish(event)
        self.await_settled(event)
        paid = psql("SELECT string_agg(DISTINCT payout::text, ',') FROM %s.bets WHERE event_id = '%s'" % (BM_SCHEMA, event))
        expect(paid == "17.50", "paid %s per 10.00 bet at 1.75" % paid)
        return {"forged (no user-id, own user-id)": "dead-lettered, not applied",
                "user-id of line-provider from another user": "refused by the broker",
                "bet-maker's user publishing updates": "refused by the broker", "genuine result paid": paid}

    def poison_update(self):
        # The database refuses one event's update every time (a trigger): not an outage. After
        # BM_POISON_ATTEMPTS (5) the update is dead-lettered with its reason; once the cause is
        # gone, the operator's replay applies it.
        event = self.event("poison-db")
        self.bets(event, 2)
        psql("CREATE OR REPLACE FUNCTION %s.faults_refuse() RETURNS trigger LANGUAGE plpgsql AS "
             "$$ BEGIN RAISE EXCEPTION 'faults: refusing %%', NEW.event_id; END $$" % BM_SCHEMA)
        psql("CREATE TRIGGER faults_refuse BEFORE UPDATE ON %s.events FOR EACH ROW WHEN (NEW.event_id = '%s') "
             "EXECUTE FUNCTION %s.faults_refuse()" % (BM_SCHEMA, event, BM_SCHEMA))
        before = queue_depth(DEAD_LETTERS) or 0
        try:
            started = time.time()
            self.finish(event)
            dead = wait_until("the poison update dead-lettered", 60, lambda: (queue_depth(DEAD_LETTERS) or 0) == before + 1)
            listed = self.dead_letters("list")
            expect("not applied after 5 attempts" in listed and "faults: refusing " + event in listed,
                   "dead-letters list does not show the reason:\n" + listed)
            expect(self.pending(event) == 2, "bets settled although the update was refused")
        finally:
            # From here catch-up (every 2 s) may settle the event too; the replay must then change nothing.
            psql("DROP TRIGGER IF EXISTS faults_refuse ON %s.events" % BM_SCHEMA)
        replayed = self.dead_letters("replay")
        expect("message_id %s:2" % event in replayed and "replayed" in replayed, "replay said:\n" + replayed)
        self.await_settled(event)
        return {"dead-lettered after": "%.1f s (5 attempts)" % (dead + 0), "reason in dead-letters list": "yes",
                "settled after dead-letters replay": "yes"}

    def outage_while_applying(self):
        # PostgreSQL down while bet-maker applies an update: an outage is retried for as long as
        # it lasts (more than BM_POISON_ATTEMPTS tries here), never dead-lettered.
        event = self.event("outage-apply")
        self.bets(event, 2)
        before = queue_depth(DEAD_LETTERS) or 0
        update = json.dumps({"event_id": event, "ratio": "1.75", "deadline": int(time.time()) + 3600,
                             "status": "FINISHED_LOSE", "version": 2})
        postgres_stop_immediately()
        try:
            expect(publish_as(LP_USER, ENV_PASSWORDS[LP], UPDATES_EXCHANGE, SUBSCRIBER, update,
                              user_id=LP_USER), "line-provider's user could not publish")
            time.sleep(8)  # the outage itself: 6 or more attempts (100 ms doubling)
            tries = len(grep_log(self.services.log(BM), "update %s v2 not applied \\(an outage" % event))
        finally:
            postgres_start()
        settled = self.await_settled(event, seconds=60)
        expect((queue_depth(DEAD_LETTERS) or 0) == before, "an update was dead-lettered during an outage")
        expect(tries > 5, "only %d attempts during the outage" % tries)
        # line-provider still holds the event NEW: finish it there too, so both sides agree.
        self.finish(event, "FINISHED_LOSE")
        return {"attempts during the 8 s outage": tries, "dead-lettered": 0, "settled after PostgreSQL returned": "%.1f s" % settled}

    def dead_letters(self, action):
        result = run(["java", "-jar", JAR, "dead-letters", action], check=False, timeout=120,
                     env=dict(os.environ, **ENV))
        expect(result.returncode == 0, "dead-letters %s failed: %s" % (action, result.stdout))
        return result.stdout

    def abuse_at_small_heap(self):
        # bet-maker at -Xmx96m, both bridges flooded at once, each kind of abuse from a loopback
        # address of its own (the bridges count sockets per client address): 10,000 websockets asked
        # for and left idle (127.0.0.1), 24 clients sending bodies of the largest allowed size (and
        # larger) as fast as they can (127.0.0.1), 5,000 TCP sockets (127.0.0.3) and 200 websockets
        # (127.0.0.4) each registering more handlers than allowed, TCP frames announcing 2 GB
        # (127.0.0.5), websocket frames announcing 100 MB and SockJS bodies over the frame limit
        # (127.0.0.6); meanwhile a TCP and a SockJS listener (127.0.0.2) follow an event that changes
        # every 2 s, and another player places a bet every 0.1 s (the flooding player's batches fill
        # only that player's share of the placement queue).
        import resource
        import socket
        soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
        resource.setrlimit(resource.RLIMIT_NOFILE, (min(hard, 30000), hard))
        event = self.event("abuse")
        self.bets(event, 1)
        other_player = {"Authorization": "Bearer " + token(ENV, OTHER_PLAYER)}
        ooms_before = len(grep_log(self.services.log(BM), "OutOfMemoryError"))
        limit = int(conf_value(BM, "BM_MAX_BODY_BYTES", ENV))
        max_frame = int(conf_value(BM, "BM_BRIDGE_MAX_FRAME_BYTES", ENV))
        max_handlers = int(conf_value(BM, "BM_BRIDGE_MAX_HANDLERS", ENV))
        per_client = int(conf_value(BM, "BM_BRIDGE_MAX_SOCKETS_PER_CLIENT", ENV))
        items = ",\n".join('    {"event_id": "%s", "sum_bet": "999999.99"}' % ("no-such-event-" + "x" * 50) for _ in range(1000))
        body = ("[\n" + items + "\n]").encode()
        largest = body + b" " * (limit - len(body))  # exactly the limit: read, parsed, refused (404)
        too_large = largest + b" "
        expect(len(largest) == limit, "a 1000-bet batch (%d bytes) does not fit the body limit %d" % (len(body), limit))
        sockets, opened = [], 0

        def bridge_sockets():  # what bet-maker itself counts as open
            for line in http("GET", PORTS[BM], "/metrics")[1].splitlines():
                if line.startswith("bet_maker_bridge_sockets"):
                    return int(float(line.rsplit(" ", 1)[1]))
            raise AssertionError("bet_maker_bridge_sockets is not in /metrics")

        request = ("GET /eventbus/websocket HTTP/1.1\r\nHost: 127.0.0.1:%d\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                   "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n" % PORTS[BM]).encode()
        listeners = [flood.Listener(kind, port, "127.0.0.2", "events." + event) for kind, port in (("tcp", TCP_PORT), ("sockjs", PORTS[BM]))]
        held_tcp, held_ws = [], []
        try:
            first_opened = time.time()
            for _ in range(10000):
                sock = socket.create_connection(("127.0.0.1", PORTS[BM]), timeout=10)
                sock.sendall(request)
                if sock.recv(200).startswith(b"HTTP/1.1 101"):
                    opened += 1
                sockets.append(sock)
            opening = time.time() - first_opened
            held = bridge_sockets()
            held_tcp, refused_tcp = flood.hold_handlers("tcp", TCP_PORT, "127.0.0.3", 5000, max_handlers + 5)
            held_ws, refused_ws = flood.hold_handlers("sockjs", PORTS[BM], "127.0.0.4", 200, max_handlers + 5)
            held_all = bridge_sockets()
            for listener in listeners:
                listener.start()
                expect(listener.listening.wait(30), "the %s listener is not listening" % listener.kind)
            stop = threading.Event()
            answers, health, legit, took, heap, huge, oversized, bodies, versions = [], [], [], [], [], [], [], [], []

            def flood_bodies(payload):
                while not stop.is_set():
                    answers.append(http("POST", PORTS[BM], "/bet", payload, timeout=30)[0])

            def probe():
                while not stop.is_set():
                    health.append(http("GET", PORTS[BM], "/health", timeout=5)[0])
                    heap.append(heap_mb(PORTS[BM]))
                    time.sleep(0.1)

            def bettor():
                while not stop.is_set():
                    started = time.time()
                    legit.append(http("POST", PORTS[BM], "/bet", {"event_id": event, "sum_bet": "1.00"}, other_player, timeout=30)[0])
                    took.append(time.time() - started)
                    time.sleep(0.1)

            def huge_frames():
                while not stop.is_set():
                    huge.append(flood.huge_tcp_frame(TCP_PORT, "127.0.0.5"))

            def oversized_frames():
                while not stop.is_set():
                    oversized.append(flood.oversized_ws_frame(PORTS[BM], "127.0.0.6"))
                    path = "/eventbus/000/%s/xhr_send" % secrets.token_hex(8)
                    bodies.append(http("POST", PORTS[BM], path, b"[" + b" " * max_frame + b"]", timeout=10)[0])

            def changes():
                ratio = 175
                while not stop.wait(2):
                    ratio += 1
                    status, text = http("PUT", PORTS[LP], "/event", {"event_id": event, "ratio": "%d.%02d" % divmod(ratio, 100)})
                    if status == 200:
                        versions.append(json.loads(text)["version"])

            def keep_pinging():
                while not stop.wait(5):
                    flood.ping_all("tcp", held_tcp)
                    flood.ping_all("sockjs", held_ws)

            threads = [threading.Thread(target=flood_bodies, args=(largest if i % 6 else too_large,), daemon=True) for i in range(24)]
            threads += [threading.Thread(target=t, daemon=True) for t in [huge_frames] * 2 + [oversized_frames] * 2]
            threads += [threading.Thread(target=t, daemon=True) for t in (probe, bettor, changes, keep_pinging)]
            flood.ping_all("tcp", held_tcp)
            flood.ping_all("sockjs", held_ws)
            for thread in threads:
                thread.start()
            time.sleep(20)  # the flood itself
            stop.set()
            joined_by = time.time() + 60
            for thread in threads:
                thread.join(max(0.0, joined_by - time.time()))
            try:
                wait_until("the listeners to hear the last change", 10, lambda: all(
                    versions and any(b.get("version") == versions[-1] for b in l.heard) for l in listeners), interval=0.2)
            except TimeoutError:
                pass  # what each heard is checked below
        finally:
            for listener in listeners:
                listener.stopping.set()
            for sock in sockets + held_tcp + held_ws:
                sock.close()
        expect(self.services.alive(BM), "bet-maker died")
        ooms = grep_log(self.services.log(BM), "OutOfMemoryError")[ooms_before:]

        def most(values):  # the largest of the numbers (None: a frame read whole)
            return max([v for v in values if v is not None] or [0])

        figures = {"bridge sockets asked for": "10000 websockets in %.1f s (%d upgraded); 5000 TCP and 200 websockets with %d handlers each"
                                            % (opening, opened, max_handlers + 5),
                "kept open by bet-maker": "%d of one client; %d TCP and %d websockets of two others (%d in all)"
                                          % (held, len(held_tcp), len(held_ws), held_all),
                "registers beyond the handlers' limit refused": refused_tcp + refused_ws,
                "TCP frames announcing 2 GB": "%d, each closed after at most %.1f MB sent" % (len(huge), most(huge) / 1048576),
                "websocket frames announcing 100 MB": "%d (%d upgrades refused), each closed after at most %.1f MB sent"
                                                      % (len(oversized), oversized.count(-1), most(oversized) / 1048576),
                "SockJS bodies over the frame limit": "%d (413: %d, cut off: %d)" % (len(bodies), bodies.count(413), bodies.count(0)),
                "bet-maker heap used, highest sample (of 96 MB)": "%.0f MB" % most(heap),
                "flood answers": "%d (404: %d, 413: %d, 503: %d)" % (len(answers), answers.count(404), answers.count(413), answers.count(503)),
                "/health": "%d × 200" % len(health), "legitimate bets": "%d of %d placed, the slowest in %.1f s" % (legit.count(201), len(legit), max(took or [0])),
                "changes heard by the TCP and the SockJS listener": "%d of %d, %d of %d" % (
                    len(set(versions) & {b.get("version") for b in listeners[0].heard}), len(versions),
                    len(set(versions) & {b.get("version") for b in listeners[1].heard}), len(versions)),
                "OutOfMemoryError": "none" if not ooms else "%d" % len(ooms)}
        log("   figures: %s" % figures)
        expect(not ooms, "OutOfMemoryError: %s" % ooms[:1])
        expect(held <= per_client, "bet-maker kept %d bridge sockets of one client" % held)
        expect(len(held_tcp) <= per_client and len(held_ws) <= per_client,
               "kept %d TCP and %d websocket sockets of one client each" % (len(held_tcp), len(held_ws)))
        expect(refused_tcp == 5 * len(held_tcp) and refused_ws == 5 * len(held_ws),
               "registers beyond %d refused: %d on TCP, %d on SockJS" % (max_handlers, refused_tcp, refused_ws))
        expect(health and set(health) == {200}, "GET /health answered %s" % sorted(set(health)))
        expect(legit.count(201) >= 10, "legitimate bets placed: %d of %d (%s)" % (legit.count(201), len(legit), sorted(set(legit))))
        expect(set(answers) <= {404, 413, 503}, "the flood got %s" % sorted(set(answers)))
        expect(huge and None not in huge, "a TCP frame announcing 2 GB was read whole")
        expect(most(huge) <= 16 * 1024 * 1024, "up to %d bytes of a frame announcing 2 GB went in before the close" % most(huge))
        expect(oversized and None not in oversized, "a websocket frame announcing 100 MB was read whole")
        expect(set(bodies) <= {413, 0}, "SockJS bodies over the frame limit answered %s" % sorted(set(bodies)))
        for listener in listeners:
            heard = sorted({b.get("version") for b in listener.heard})
            expect(not listener.closed and not listener.errors, "the %s listener was closed or refused: %s" % (listener.kind, listener.errors))
            expect(set(versions) <= set(heard), "the %s listener heard versions %s of %s" % (listener.kind, heard, versions))
        return figures

    def postgres_stopped_under_load(self):
        event = self.event("pg-stop")
        self.bets(event, 1)
        before = self.stored(event)
        with Load(self, event, threads=6) as load:
            time.sleep(2)
            stopped = time.time()
            postgres_stop_immediately()
            time.sleep(4)  # the outage itself
            postgres_start()
            restarted = time.time()
            first = wait_until("a bet accepted after the restart", 60, lambda: any(
                a[1] == 201 for a in load.between(restarted, time.time())), interval=0.1)
            time.sleep(2)
        during = load.between(stopped + 0.5, restarted)
        statuses = sorted({str(a[1]) for a in load.answers})
        expect(set(statuses) <= {"201", "503", "unknown"}, "answers other than 201, 503 and outcome-unknown: %s" % statuses)
        slowest = max((a[2] for a in during), default=0)
        expect(slowest < 6, "a request during the outage took %.1f s" % slowest)
        # A 503 stored nothing: the bets stored are the 201s and at most the outcome-unknown ones.
        self.await_bet_maker_idle()
        accepted = sum(a[1] == 201 for a in load.answers)
        unknown = sum(a[1] == "unknown" for a in load.answers)
        stored = self.stored(event) - before
        expect(accepted <= stored <= accepted + unknown,
               "%d bets stored for %d answered 201 and %d outcome-unknown" % (stored, accepted, unknown))
        return {"answers": "%d (201: %d, 503: %d, outcome unknown: %d)" % (len(load.answers), accepted,
                                                                          sum(a[1] == 503 for a in load.answers), unknown),
                "stored": stored,
                "slowest answer during the outage": "%.2f s" % slowest,
                "first 201 after PostgreSQL returned": "%.1f s" % first}

    def bet_maker_frozen(self):
        event = self.event("bm-frozen")
        self.bets(event, 3)
        self.services.signal(BM, signal.SIGSTOP)
        try:
            status, _ = self.finish(event)
            # Frozen past its heartbeat: the broker drops the connection and requeues the update.
            dropped = wait_until("the broker to drop the frozen connection", 60, lambda: "bet-maker-updates-" + SUBSCRIBER not in rabbit_ctl(
                "list_connections", "client_properties", check=False), interval=0.5)
        finally:
            self.services.signal(BM, signal.SIGCONT)
        settled = self.await_settled(event)
        return {"PUT answered": status, "broker dropped bet-maker after": "%.1f s" % dropped,
                "settled after SIGCONT": "%.1f s" % settled}

    def bets_racing_a_finish(self):
        event = self.event("race")
        self.bets(event, 1)
        answers = []
        lock = threading.Lock()
        go = threading.Event()

        def place():
            go.wait()
            status, _ = self.bet(event, "%d.00" % random.randint(1, 500))
            with lock:
                answers.append(status)

        threads = [threading.Thread(target=place) for _ in range(200)]
        for thread in threads:
            thread.start()
        go.set()
        time.sleep(0.02)
        self.finish(event)
        for thread in threads:
            thread.join(60)
        self.await_settled(event)
        # 429: more requests of this one player at once than its share (BM_MAX_CONCURRENT_PER_CLIENT);
        # 503: more requests at once than BM_MAX_CONCURRENT_REQUESTS; both refused before anything was done.
        expect(set(answers) <= {201, 409, 422, 429, 503}, "answers %s" % sorted(set(answers)))
        self.await_bet_maker_idle()
        expect(self.stored(event) == 1 + answers.count(201), "%d bets stored for %d answered 201"
               % (self.stored(event) - 1, answers.count(201)))
        return {"accepted": answers.count(201), "refused (closed)": sum(a in (409, 422) for a in answers),
                "refused (over the player's share or the concurrency cap, nothing stored)": answers.count(429) + answers.count(503)}

    def bet_held_past_its_deadline(self):
        # bet-maker's row of the event locked for 8 s by another transaction; the placement
        # deadline (BM_PLACE_TIMEOUT_MS, 5 s) passes first. Before the fix the bet was answered
        # 503 and committed when the lock went away, and its retry stored a second one.
        event = self.event("held")
        self.bets(event, 1)
        locker = subprocess.Popen(["psql", "-h", "127.0.0.1", "-U", "postgres", "-d", "postgres", "-qAt",
                                   "-c", "BEGIN", "-c", "SELECT 1 FROM %s.events WHERE event_id = '%s' FOR UPDATE" % (BM_SCHEMA, event),
                                   "-c", "SELECT pg_sleep(8)", "-c", "COMMIT"], stdout=subprocess.DEVNULL)
        try:
            wait_until("the event's row locked", 30, lambda: int(psql(
                "SELECT count(*) FROM pg_stat_activity WHERE query = 'SELECT pg_sleep(8)' AND state = 'active'")) == 1)
            answers = {}

            def place(name, key):
                started = time.time()
                if key:
                    status, text, _ = self.keyed_bet(event, "7.00", key)
                else:
                    status, text = http("POST", PORTS[BM], "/bet", {"event_id": event, "sum_bet": "8.00"}, timeout=30)
                answers[name] = (status, text, time.time() - started)

            threads = [threading.Thread(target=place, args=("keyed", "held-%d" % self.counter)),
                       threading.Thread(target=place, args=("plain", None))]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join(60)
        finally:
            locker.wait(60)
        for name in ("keyed", "plain"):
            status, text, seconds = answers[name]
            expect(status == 503 and "nothing was stored" in text, "%s bet held past its deadline answered %s %s" % (name, status, text))
        self.await_bet_maker_idle()
        expect(self.stored(event, "7.00") == 0, "the keyed bet answered 503 was stored when the lock went away")
        expect(self.stored(event, "8.00") == 0, "the bet without a key answered 503 was stored when the lock went away")
        retry, text, _ = self.keyed_bet(event, "7.00", "held-%d" % self.counter)
        again, again_text, headers = self.keyed_bet(event, "7.00", "held-%d" % self.counter)
        expect(retry == 201 and again == 201 and again_text == text and headers.get("Idempotent-Replayed") == "true",
               "the retry answered %s, then %s" % (retry, again))
        expect(self.stored(event, "7.00") == 1, "%d bets for one intended bet" % self.stored(event, "7.00"))
        return {"answered 503 after": "%.1f s (key), %.1f s (no key)" % (answers["keyed"][2], answers["plain"][2]),
                "stored once the lock went away": "0 and 0", "bets after the retry with the key": 1}

    def bet_maker_killed_after_placement_commit(self):
        event = self.event("placed-then-killed")
        self.bets(event, 1)
        key = "killed-%d" % self.counter
        self.restart(BM, failpoint="bet-maker.place.after-commit")
        status, _, _ = self.keyed_bet(event, "12.34", key)
        code = self.services.wait_exit(BM, 60)
        expect(status == 0, "the bet was answered (%s) although bet-maker halted after its commit" % status)
        expect(self.stored(event, "12.34") == 1, "the bet was not committed before the halt")
        started = time.time()
        self.services.start(BM)
        retry, text, headers = self.keyed_bet(event, "12.34", key)
        expect(retry == 201 and headers.get("Idempotent-Replayed") == "true", "the retry answered %s %s" % (retry, text))
        expect(self.stored(event, "12.34") == 1, "%d bets after the retry" % self.stored(event, "12.34"))
        return {"bet-maker exit": code, "retry after restart": "201 replayed in %.1f s" % (time.time() - started),
                "bets": 1}


def expect(condition, message):
    if not condition:
        raise AssertionError(message)


CASES = [
    ("rabbitmq_stopped", "RabbitMQ stopped while events are finished", "PUT answers 2xx; bets settle after RabbitMQ returns"),
    ("rabbitmq_killed_with_backlog", "RabbitMQ killed (kill -9) with a backlog of updates", "backlog survives; all settle"),
    ("all_connections_closed", "all connections closed mid-flow (rabbitmqctl close_all_connections)",
     "both services reconnect; flow completes; no \"unknown delivery tag\""),
    ("broker_memory_alarm", "broker memory alarm (set_vm_memory_high_watermark 0, then 0.4)",
     "publishing blocks, confirms time out, the outbox keeps the rows; drains after"),
    ("bet_maker_killed_before_commit", "bet-maker killed before the settlement commit (failpoint)", "settled exactly once after restart"),
    ("bet_maker_killed_between_settlement_chunks", "bet-maker killed between two chunks of a 250-bet settlement (chunks of 100, failpoint)",
     "the event is finished from the first chunk on (no bet accepted); after restart the rest settles, each bet once"),
    ("bet_maker_killed_after_commit", "bet-maker killed after the commit, before the ack (failpoint)", "settled exactly once after restart"),
    ("line_provider_killed_before_publish", "line-provider killed between commit and publish (failpoint)", "update published after restart"),
    ("duplicate_and_older_deliveries", "duplicate delivery (line-provider killed after publish, before marking); older version after newer",
     "one effect; newer state kept"),
    ("malformed_message", "malformed message on the queue", "dead-lettered; the next good message settles"),
    ("redis_down_during_bets", "Redis down during POST /bet (redis-cli shutdown nosave, then started empty)",
     "bets on subscribed events 201; a first bet on an event a prompt 503 with nothing stored; subscriptions rebuilt"),
    ("redis_emptied_between_change_and_relay", "Redis shut down (nosave) after a change commits and before it is relayed, then started empty; bet-maker's catch-up off",
     "the change waits in the outbox, never marked published; settled within 5 s of Redis answering, without catch-up"),
    ("forged_update", "an update with version 10^15 and ratio 10000 published by another RabbitMQ user (no user-id, its own, line-provider's)",
     "dead-lettered or refused by the broker, never applied; line-provider's own result pays the real ratio"),
    ("poison_update", "an update the database refuses every time (a trigger raising an error)",
     "dead-lettered after 5 attempts with its reason; dead-letters replay applies it once the cause is gone"),
    ("outage_while_applying", "PostgreSQL stopped for 8 s while bet-maker applies an update",
     "retried for as long as the outage lasts, never dead-lettered; settled when PostgreSQL returns"),
    ("abuse_at_small_heap", "bet-maker at -Xmx96m: 10,000 bridge sockets opened and left idle, 24 clients flooding the largest bodies allowed (and larger), "
     "and both bridges flooded for 20 s: TCP frames announcing 2 GB, websocket frames announcing 100 MB and SockJS bodies over the frame limit, "
     "5,000 TCP sockets and 200 websockets registering more handlers than allowed",
     "no OutOfMemoryError; /health always 200; legitimate bets still placed; a TCP and a SockJS listener hear every change of their event; "
     "at most BM_BRIDGE_MAX_SOCKETS_PER_CLIENT sockets kept per client, BM_BRIDGE_MAX_HANDLERS handlers per socket; each oversized frame closes its socket at once"),
    ("postgres_stopped_under_load", "PostgreSQL immediate stop under POST /bet load (pg_ctlcluster stop -m immediate)",
     "every 2xx bet exists after restart; pools recover without restarting the services; prompt 503s meanwhile"),
    ("bet_maker_frozen", "bet-maker SIGSTOP past the heartbeat, then SIGCONT", "no double settlement"),
    ("bets_racing_a_finish", "200 bets racing a finish", "no accepted bet left PENDING"),
    ("bet_held_past_its_deadline", "bet-maker's row of the event locked 8 s by another transaction during POST /bet, with and without an Idempotency-Key",
     "both answered 503 at the deadline; nothing stored when the lock goes; the retry with the key stores exactly one bet"),
    ("bet_maker_killed_after_placement_commit", "bet-maker killed after a bet's commit, before its answer (failpoint), then the bet retried with its key",
     "the retry gets the first answer replayed; one bet"),
]


def clean():
    psql("DROP SCHEMA IF EXISTS %s CASCADE; DROP SCHEMA IF EXISTS %s CASCADE" % (LP_SCHEMA, BM_SCHEMA), check=False)
    for queue in (REQUESTS_QUEUE, UPDATES_QUEUE, DEAD_LETTERS):
        run(["rabbitmqctl", "-q", "delete_queue", queue], check=False)
    run(["rabbitmqctl", "-q", "delete_user", FORGER], check=False)
    for key in run(["redis-cli", "--scan", "--pattern", "faults:lp:*"], check=False).stdout.split():
        run(["redis-cli", "del", key], check=False)


def write_doc(suite, elapsed):
    rows = ["| fault | expected | measured | result |", "|---|---|---|---|"]
    for r in suite.results:
        measured = "; ".join("%s: %s" % (k, v) for k, v in r["figures"].items())
        if r["error"] or r["problems"]:
            measured += (" — " if measured else "") + "; ".join(filter(None, [r["error"]] + r["problems"]))
        rows.append("| %s | %s | %s | %s |" % (next(c[1] for c in CASES if c[0] == r["name"]), r["expected"],
                                               measured.replace("|", "/"), "PASS" if r["ok"] else "FAIL"))
    notes_file = os.path.join(ROOT, "faults", "notes.md")
    notes = open(notes_file).read() if os.path.exists(notes_file) else ""
    promise = open(os.path.join(ROOT, "faults", "promise.md")).read().rstrip()
    doc = ["# Reliability", "", promise, "", "## The fault matrix", "",
           "Measured by `faults/run` (%d cases in %.0f s), last run %s, against this machine's PostgreSQL, Redis and RabbitMQ,"
           % (len(suite.results), elapsed, datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")),
           "with both services running from the fat jar as separate JVMs. After every case the suite checks, against the databases:",
           "every bet answered 2xx exists; no bet was settled twice and every settled bet has its one audit row "
           "(`bet_status_log`) and the right payout; no PENDING bet is left on a finished event; the outbox and the queues drained; "
           "`ledger verify` finds every invariant of the wallet's ledger held.",
           "", "\n".join(rows), "", notes]
    with open(DOC, "w") as f:
        f.write("\n".join(doc).rstrip() + "\n")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--only", nargs="*", help="run only these cases")
    parser.add_argument("--list", action="store_true", help="list the cases")
    parser.add_argument("--no-docs", action="store_true", help="do not rewrite docs/reliability.md")
    args = parser.parse_args()
    if args.list:
        for name, fault, expected in CASES:
            print("%-36s %s" % (name, fault))
        return 0
    if not os.path.exists(JAR) or os.environ.get("FAULTS_BUILD") == "1":
        log("building the fat jar (mvn package -DskipTests)")
        run(["mvn", "-B", "-q", "package", "-DskipTests"], capture=False, timeout=1200)
    resolve_names()
    operator = token(ENV, "faults-operator", operator=True)
    set_bearer(PORTS[LP], operator)
    set_bearer(PORTS[BM], token(ENV, PLAYER))
    started = time.time()
    ensure_backing_services()
    ensure_rabbit_users()
    clean()
    suite = Suite()
    try:
        suite.services.start(LP)
        suite.services.start(BM)
        for player, amount in FUNDS.items():
            fund(PORTS[BM], player, amount, operator)
        for name, fault, expected in CASES:
            if args.only and name not in args.only:
                continue
            suite.case(name, fault, expected, getattr(suite, name))
    finally:
        suite.services.stop()
        ensure_backing_services()
        clean()
    elapsed = time.time() - started
    failed = [r["name"] for r in suite.results if not r["ok"]]
    for r in suite.results:
        print("%-36s %s  %s" % (r["name"], "PASS" if r["ok"] else "FAIL", r["figures"]))
    print("faults: %d cases, %d failed, %.0f s" % (len(suite.results), len(failed), elapsed))
    if not args.no_docs and not args.only:
        write_doc(suite, elapsed)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
