#!/usr/bin/env python3
"""Event Walker on several instances: scale/run (SPEC §6, docs/architecture.md "Running several instances").

On this machine: 2 line-providers and 2 bet-makers as separate JVMs on their own ports, each pair
a Hazelcast cluster, HAProxy in front (deploy/haproxy.cfg, the file docker-compose.yml uses), one
PostgreSQL, Redis and RabbitMQ. Then:

  A. websocket clients on *each* bet-maker listen to events and to their players' settlements;
     bets go through HAProxy and directly to each bet-maker; events change and finish through both
     line-providers; every client hears every change and settlement it listens to; the rate limit
     shared through Redis holds with requests spread over both bet-makers;
  B. kill -9 of the bet-maker that is settling a large event, in the middle of it (it is found
     from the settlement lock it holds in PostgreSQL), and its restart;
  C. kill -9 of the line-provider that relays the outbox, between a change's commit and its
     publication (failpoint), while the other takes over.

Before A every player's wallet is funded (a bet needs its stake there, SPEC §7); after each phase
`ledger verify` must find the ledger's invariants held. After it: every bet answered 2xx exists; no
bet is settled twice (bet_status_log); no bet is PENDING on a finished event; the outbox and the
queues are drained. Exit status 1 on any failure.
"""
import concurrent.futures
import decimal
import json
import os
import random
import re
import secrets
import subprocess
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "harness"))
from system import (JAR, ROOT, Services, ensure_backing_services, ensure_rabbit_users, fund, http, http_with_headers,  # noqa: E402
                    ledger_verify, names, psql, queue_depth, run, set_bearer, token, wait_until)

LOGS = os.path.join(ROOT, "scale", "results")
HAPROXY_CONFIG = os.path.join(ROOT, "deploy", "haproxy.cfg")
LP, BM = "line-provider", "bet-maker"
# Instances, their service, HTTP port and Hazelcast port; HAProxy's two front ports.
INSTANCES = {"lp1": (LP, 18110, 15721), "lp2": (LP, 18111, 15722), "bm1": (BM, 18100, 15711), "bm2": (BM, 18101, 15712)}
HAPROXY_BM, HAPROXY_LP = 18000, 18001
PORTS = {name: port for name, (_, port, _) in INSTANCES.items()}
RATE, BURST = 5, 10
BIG_BETS, CHUNK = 300_000, 15_000
ENV = {
    "LP_PG_SCHEMA": "lp_scale", "BM_PG_SCHEMA": "bm_scale", "LP_REDIS_PREFIX": "scale:lp:",
    "LINE_PROVIDER_QUEUE": "scale.line-provider.requests", "BM_SUBSCRIBER": "bm-scale", "LP_SUBSCRIBERS": "bet-maker:bm-scale",
    "BM_CATCH_UP_INTERVAL_MS": "5000", "LP_OUTBOX_POLL_MS": "200",
    # Reconnect every 500 ms however long an outage lasts: recovery is measured, not the back-off.
    "RABBITMQ_RECONNECT_MS": "500", "DEPENDENCY_RETRY_MAX_MS": "500", "RABBITMQ_HEARTBEAT_S": "2",
    "BM_RATE_LIMIT_PER_S": str(RATE), "BM_RATE_LIMIT_BURST": str(BURST), "BM_SETTLE_CHUNK": str(CHUNK),
    "BM_BRIDGE_MAX_SOCKETS_PER_CLIENT": "1000", "LOG_LEVEL": "INFO",
    "AUTH_JWT_SECRET": secrets.token_hex(32),
}
PLAYERS = ["scale-p%d" % i for i in range(1, 7)]
# Phase B's large event is bet on by these players at once, in batches of BATCH (the rate limit is per player).
BULK_PLAYERS = ["scale-bulk%d" % i for i in range(1, 5)]
BATCH = 1000
# Each wallet's money: PLAYERS place a few bets of about 10.00; a bulk player twice what its share of the large event's
# bets can cost (stakes up to 109.00).
FUNDS = dict({p: decimal.Decimal("1000000.00") for p in PLAYERS},
             **{p: decimal.Decimal(2 * 109 * BIG_BETS // len(BULK_PLAYERS)) for p in BULK_PLAYERS})


def log(message):
    print("scale: " + message, file=sys.stderr, flush=True)


def instance_env(name):
    service, port, cluster_port = INSTANCES[name]
    peers = ["127.0.0.1:%d" % c for n, (s, _, c) in INSTANCES.items() if s == service and n != name]
    return {"CLUSTER_HOST": "127.0.0.1", "CLUSTER_PORT": str(cluster_port), "CLUSTER_MEMBERS": ",".join(peers),
            ("BM_HTTP_PORT" if service == BM else "LP_HTTP_PORT"): str(port)}


class Scale:
    def __init__(self):
        resolved = names(ENV)
        self.lp_schema, self.bm_schema = resolved[LP]["schema"], resolved[BM]["schema"]
        self.updates_queue, self.requests_queue = resolved[BM]["updates_queue"], resolved[LP]["requests_queue"]
        self.dead_letters, self.redis_prefix = resolved[BM]["dead_letter_queue"], resolved[LP]["redis_prefix"]
        self.rate_prefix = resolved[BM]["rate_limit_prefix"]
        self.services = Services(ENV, PORTS, LOGS)
        self.haproxy = None
        self.tokens = {}
        self.operator = None
        self.accepted = {}  # bet_id -> (player, event_id): every bet answered 2xx
        self.listeners = {}  # bet-maker instance -> (process, output path, clients)
        self.problems = []
        self.figures = {}

    # ---- set-up ----

    def clean(self):
        psql("DROP SCHEMA IF EXISTS %s CASCADE; DROP SCHEMA IF EXISTS %s CASCADE" % (self.lp_schema, self.bm_schema), check=False)
        for queue in (self.requests_queue, self.updates_queue, self.dead_letters):
            run(["rabbitmqctl", "-q", "delete_queue", queue], check=False)
        for pattern in (self.redis_prefix + "*", self.rate_prefix + "*"):
            for key in run(["redis-cli", "--scan", "--pattern", pattern], check=False).stdout.split():
                run(["redis-cli", "del", key], check=False)

    def start(self, name, failpoint=None):
        extra = ["-Deventwalker.failpoint=" + failpoint] if failpoint else []
        self.services.start(name, extra, env=instance_env(name), service=INSTANCES[name][0])

    def start_haproxy(self):
        env = dict(os.environ, EW_BET_MAKER_BIND="127.0.0.1:%d" % HAPROXY_BM, EW_LINE_PROVIDER_BIND="127.0.0.1:%d" % HAPROXY_LP,
                   EW_BET_MAKER_1="127.0.0.1:%d" % PORTS["bm1"], EW_BET_MAKER_2="127.0.0.1:%d" % PORTS["bm2"],
                   EW_LINE_PROVIDER_1="127.0.0.1:%d" % PORTS["lp1"], EW_LINE_PROVIDER_2="127.0.0.1:%d" % PORTS["lp2"])
        run(["haproxy", "-c", "-q", "-f", HAPROXY_CONFIG], env=env)
        out = open(os.path.join(LOGS, "haproxy.log"), "a")
        self.haproxy = subprocess.Popen(["haproxy", "-db", "-f", HAPROXY_CONFIG], env=env, stdout=out, stderr=subprocess.STDOUT)
        for port in (HAPROXY_BM, HAPROXY_LP):
            wait_until("HAProxy on %d" % port, 60, lambda p=port: http("GET", p, "/ready", timeout=2)[0] == 200, interval=0.2)

    def sign_tokens(self):
        with concurrent.futures.ThreadPoolExecutor(4) as pool:
            signed = pool.map(lambda player: (player, token(ENV, player)), PLAYERS + BULK_PLAYERS + ["scale-rate"])
            operator = pool.submit(token, ENV, "scale-operator", True)
            self.tokens = dict(signed)
            self.operator = operator.result()
            for port in (PORTS["lp1"], PORTS["lp2"], HAPROXY_LP):
                set_bearer(port, self.operator)

    def fund_players(self):
        """Every player's wallet gets its FUNDS, deposited through HAProxy by the operator."""
        for player, amount in FUNDS.items():
            fund(HAPROXY_BM, player, amount, self.operator)

    def verify_ledger(self, phase):
        """`ledger verify` on bet-maker's database: a failure of the phase unless every invariant holds."""
        verified, report = ledger_verify(ENV)
        log("%s: ledger verify: %s" % (phase, report))
        if not verified:
            self.problems.append("ledger verify after phase %s: %s" % (phase, "; ".join(report.splitlines())))

    # ---- driving it ----

    def create_event(self, name, port):
        event_id = "%s-%d" % (name, random.randint(100000, 999999))
        body = {"event_id": event_id, "ratio": "1.75", "deadline": int(time.time()) + 3600}
        wait_until("event %s created" % event_id, 60, lambda: http("POST", port, "/event", body)[0] in (201, 409))
        return event_id

    def change(self, event_id, port, **fields):
        status, text = http("PUT", port, "/event", dict(fields, event_id=event_id), timeout=15)
        if status != 200:
            raise RuntimeError("PUT %s %s on port %d answered %d %s" % (event_id, fields, port, status, text))
        return json.loads(text)

    def bet(self, player, event_id, port, stake="10.00"):
        """Places a bet as `player`, retrying after a 429 (as its Retry-After says) or a 503."""
        return self.place(player, event_id, port, [stake])[0]

    def place(self, player, event_id, port, stakes):
        """Places bets of `stakes` on event_id as `player`, one bet or a batch of them, retrying after a 429 (as its
        Retry-After says) or a 503: their bet_ids."""
        body = [{"event_id": event_id, "sum_bet": stake} for stake in stakes]
        deadline = time.time() + 60
        while True:
            status, text, headers = http_with_headers("POST", port, "/bet", body if len(body) > 1 else body[0],
                                                      headers={"Authorization": "Bearer " + self.tokens[player]}, timeout=15)
            if status == 201:
                placed = json.loads(text)
                bet_ids = [bet["bet_id"] for bet in (placed if len(body) > 1 else [placed])]
                for bet_id in bet_ids:
                    self.accepted[bet_id] = (player, event_id)
                return bet_ids
            if status not in (429, 503, 0) or time.time() > deadline:
                raise RuntimeError("a bet of %s on %s (port %d) answered %d %s" % (player, event_id, port, status, text[:500]))
            time.sleep(float(headers.get("Retry-After", "0.2")) if status == 429 else 0.2)

    def pending(self, event_ids):
        return int(psql("SELECT count(*) FROM %s.bets WHERE status = 'PENDING' AND event_id = ANY('{%s}')"
                        % (self.bm_schema, ",".join(event_ids))))

    def lock_holder(self, application, lock_filter):
        """The instance whose PostgreSQL session (of `application`) holds a granted advisory lock, found
        through the session's client port and the process owning it; None if no session holds one."""
        ports = psql("SELECT a.client_port FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid "
                     "WHERE l.locktype = 'advisory' AND l.granted AND a.application_name = '%s' %s"
                     % (application, lock_filter)).split()
        for port in ports:
            owners = run(["ss", "-Htnp", "sport = :%s" % port], check=False).stdout
            match = re.search(r"pid=(\d+)", owners)
            if match:
                for name in INSTANCES:
                    if self.services.alive(name) and self.services.pid(name) == int(match.group(1)):
                        return name
        return None

    # ---- listeners ----

    def start_listeners(self, instance, clients, label=None):
        """Websocket clients of `instance` (one process, known as `label`, the instance by default):
        `clients` maps each client's name to its registrations; waits until they are in place."""
        label = label or instance
        spec = [{"client": name, "registrations": registrations} for name, registrations in clients.items()]
        spec_path = os.path.join(LOGS, "listeners-%s.json" % label)
        out_path = os.path.join(LOGS, "heard-%s-%d.jsonl" % (label, int(time.time() * 1000)))
        with open(spec_path, "w") as f:
            json.dump(spec, f)
        process = subprocess.Popen(["java", "-Xmx64m", "-cp", JAR, os.path.join(ROOT, "scale", "Listener.java"),
                                    str(PORTS[instance]), spec_path, out_path], stdin=subprocess.PIPE,
                                   stdout=open(os.path.join(LOGS, "listener-%s.log" % label), "a"), stderr=subprocess.STDOUT)
        self.listeners[label] = (process, out_path, clients, instance)
        wait_until("the listeners %s registered" % label, 90,
                   lambda: len([h for h in self.heard(label) if h.get("ready")]) == len(clients), interval=0.2)
        errors = [h for h in self.heard(label) if "error" in h]
        if errors:
            raise RuntimeError("registrations refused on %s: %s" % (label, errors[:3]))

    def heard(self, label):
        _, path, _, _ = self.listeners[label]
        if not os.path.exists(path):
            return []
        with open(path) as f:
            return [json.loads(line) for line in f if line.endswith("\n")]

    def stop_listeners(self, label):
        process, _, _, _ = self.listeners.pop(label)
        process.stdin.close()
        try:
            process.wait(20)
        except subprocess.TimeoutExpired:
            process.kill()

    def missing(self, instance, expected):
        """What the clients of `instance` have not heard of `expected` (client -> set of (address, key))."""
        heard = {}
        for h in self.heard(instance):
            if "address" in h:
                body = h["body"]
                key = body.get("version") if h["address"].startswith("events.") else (body.get("bet_id"), body.get("status"))
                heard.setdefault(h["client"], set()).add((h["address"], key))
        return {client: wanted - heard.get(client, set()) for client, wanted in expected.items() if wanted - heard.get(client, set())}

    def await_heard(self, instance, expected, what):
        try:
            wait_until("%s heard on %s" % (what, instance), 60, lambda: not self.missing(instance, expected), interval=0.25)
        except TimeoutError:
            missing = self.missing(instance, expected)
            self.problems.append("clients on %s missed %s: %s" % (instance, what, {c: sorted(m, key=str)[:4] for c, m in missing.items()}))

    def expected_for(self, instance, events, versions, bets):
        """What each client of `instance` must hear: every version of `versions` (event -> (first, last)) of
        the events it listens to, and the settlement of each of `bets` (bet_id -> (player, status)) of its player."""
        _, _, clients, _ = self.listeners[instance]
        expected = {}
        for client, registrations in clients.items():
            addresses = {r["address"] for r in registrations}
            wanted = set()
            for event_id in events:
                if "events." + event_id in addresses:
                    first, last = versions[event_id]
                    wanted |= {("events." + event_id, v) for v in range(first, last + 1)}
            for bet_id, (player, status) in bets.items():
                if "players." + player in addresses:
                    wanted.add(("players." + player, (bet_id, status)))
            expected[client] = wanted
        return expected

    def settled_statuses(self, bet_ids):
        rows = psql("SELECT bet_id, status FROM %s.bets WHERE bet_id = ANY('{%s}'::uuid[])" % (self.bm_schema, ",".join(bet_ids)))
        return dict(line.split("|") for line in rows.splitlines())

    # ---- the phases ----

    def phase_a(self):
        log("A: listeners on both bet-makers; bets through HAProxy and on each; changes through both line-providers")
        lp_ports = [PORTS["lp1"], PORTS["lp2"], HAPROXY_LP]
        bm_ports = [HAPROXY_BM, PORTS["bm1"], PORTS["bm2"]]
        events = [self.create_event("scale-a%d" % i, lp_ports[i % 3]) for i in range(6)]
        for b, instance in enumerate(("bm1", "bm2")):
            clients = {}
            for c in range(4):
                player = PLAYERS[(2 * c + b) % len(PLAYERS)]
                clients["%s-c%d" % (instance, c)] = [{"address": "events." + e} for e in events] + [
                    {"address": "players." + player, "token": self.tokens[player]}]
            self.start_listeners(instance, clients)
        # Every client hears a first change: the registrations have reached both instances' cluster state.
        warm = self.change(events[0], PORTS["lp2"], ratio="1.80")
        for instance in ("bm1", "bm2"):
            self.await_heard(instance, self.expected_for(instance, [events[0]], {events[0]: (2, warm["version"])}, {}), "a first change")
        bets = {}
        for i, player in enumerate(PLAYERS):
            for j, event_id in enumerate(events):
                bets[self.bet(player, event_id, bm_ports[(i + j) % 3], "%d.%02d" % (5 + j, i))] = player
        results = ["FINISHED_WIN", "FINISHED_LOSE", "CANCELLED", "FINISHED_WIN", "FINISHED_LOSE", "FINISHED_WIN"]
        versions = {}
        for j, event_id in enumerate(events):
            self.change(event_id, lp_ports[j % 3], ratio="2.%02d" % (10 + j))
            self.change(event_id, lp_ports[(j + 1) % 3], ratio="2.%02d" % (20 + j))
            final = self.change(event_id, lp_ports[(j + 2) % 3], status=results[j])
            versions[event_id] = (2, final["version"])
        wait_until("phase A's bets settled", 120, lambda: self.pending(events) == 0, interval=0.2)
        statuses = self.settled_statuses(list(bets))
        settled = {bet_id: (player, statuses[bet_id]) for bet_id, player in bets.items()}
        for instance in ("bm1", "bm2"):
            self.await_heard(instance, self.expected_for(instance, events, versions, settled), "phase A's changes and settlements")
        self.figures["A"] = "%d events, %d bets (1/3 through HAProxy), 8 clients on 2 bet-makers" % (len(events), len(bets))
        self.check_rate_limit()

    def check_rate_limit(self):
        """Requests of one player spread over both bet-makers: with the limit in Redis they are allowed
        about BURST + RATE × t in all, not twice that. Each body is invalid, so nothing is stored."""
        headers = {"Authorization": "Bearer " + self.tokens["scale-rate"]}
        allowed, started = 0, time.time()
        for i in range(80):
            status, _ = http("POST", PORTS["bm1" if i % 2 == 0 else "bm2"], "/bet", {}, headers=headers)
            if status != 429:
                allowed += 1
        elapsed = time.time() - started
        ceiling = BURST + RATE * elapsed + 2
        self.figures["rate limit"] = "%d of 80 allowed in %.1f s over 2 bet-makers (limit %d/s, burst %d: at most %.0f; " \
                                     "per-instance limits would allow %.0f)" % (allowed, elapsed, RATE, BURST, ceiling,
                                                                               2 * (BURST + RATE * elapsed))
        if allowed > ceiling:
            self.problems.append("the shared rate limit allowed %d requests where at most %.0f were due" % (allowed, ceiling))

    def phase_b(self):
        log("B: kill -9 of the bet-maker settling a large event, in the middle of it")
        big = self.create_event("scale-big", HAPROXY_LP)
        listened = {}
        for player in PLAYERS[:2]:
            for _ in range(3):
                listened[self.bet(player, big, HAPROXY_BM)] = player
        # The large event's bets are placed like any other (each stake taken from its player's wallet), in batches,
        # BULK_PLAYERS at once: stakes 10.00 to 109.00.
        stakes = ["%d.00" % (10 + g % 100) for g in range(1, BIG_BETS + 1)]
        batches = [stakes[i:i + BATCH] for i in range(0, BIG_BETS, BATCH)]

        def place_share(n, player):  # every len(BULK_PLAYERS)-th batch, one after another
            for batch in batches[n::len(BULK_PLAYERS)]:
                self.place(player, big, HAPROXY_BM, batch)

        placing = time.time()
        with concurrent.futures.ThreadPoolExecutor(len(BULK_PLAYERS)) as pool:
            list(pool.map(place_share, range(len(BULK_PLAYERS)), BULK_PLAYERS))
        log("B: %d bets placed on %s in %.1f s" % (BIG_BETS, big, time.time() - placing))
        psql("VACUUM ANALYZE %s.bets" % self.bm_schema)
        total = BIG_BETS + len(listened)
        self.change(big, PORTS["lp1"], status="FINISHED_WIN")
        settler = {}

        def settling():
            pending = self.pending([big])
            if pending == 0:
                raise RuntimeError("the settlement of %d bets finished before it could be interrupted" % total)
            settler["name"] = self.lock_holder("event-walker-bet-maker", "")
            settler["pending"] = pending
            return settler["name"] is not None and pending < total

        wait_until("a bet-maker settling %s" % big, 120, settling, interval=0.05)
        victim = settler["name"]
        survivor = "bm2" if victim == "bm1" else "bm1"
        self.services.kill(victim)
        pending_at_kill = self.pending([big])
        log("B: killed %s with %d of %d bets pending" % (victim, pending_at_kill, total))
        if not 0 < pending_at_kill < total:
            self.problems.append("the kill was not in the middle of the settlement: %d of %d pending" % (pending_at_kill, total))
        self.stop_listeners(victim)  # its clients died with it
        started = time.time()
        self.start(victim)
        wait_until("the large settlement finished", 240, lambda: self.pending([big]) == 0, interval=0.2)
        self.figures["B"] = "%s killed with %d of %d bets pending; all settled %.1f s after (restart included)" % (
            victim, pending_at_kill, total, time.time() - started)
        statuses = self.settled_statuses(list(listened))
        self.await_heard(survivor, self.expected_for(survivor, [], {}, {b: (p, statuses[b]) for b, p in listened.items()}),
                         "the large event's settlements of their players")

    def phase_c(self):
        log("C: kill -9 of the line-provider relaying the outbox, between a change's commit and its publication")
        # New clients on both bet-makers (the restarted one's first clients died with it) listen to a new event.
        event = self.create_event("scale-c", HAPROXY_LP)
        for instance in ("bm1", "bm2"):
            self.start_listeners(instance, {"%s-c-%s" % (instance, p): [{"address": "events." + event},
                                                                        {"address": "players." + p, "token": self.tokens[p]}]
                                            for p in PLAYERS[2:4]}, label=instance + "-c")
        bets = {self.bet(p, event, HAPROXY_BM): p for p in PLAYERS[2:4] for _ in range(2)}
        wait_until("the outbox drained", 60, lambda: int(psql(
            "SELECT count(*) FROM %s.outbox WHERE published_at IS NULL" % self.lp_schema)) == 0, interval=0.2)
        leader = None

        def relay_leader():
            nonlocal leader
            leader = self.lock_holder("event-walker-line-provider-leader", "")
            return leader is not None

        wait_until("a line-provider leading the relay", 30, relay_leader, interval=0.2)
        other = "lp2" if leader == "lp1" else "lp1"
        # The other one gets the failpoint, then the relay: the leader steps down (a clean stop) and comes back as standby.
        self.services.stop(other)
        self.start(other, failpoint="line-provider.outbox.before-publish")
        self.services.stop(leader)
        wait_until("%s leading the relay" % other, 30, lambda: self.lock_holder("event-walker-line-provider-leader", "") == other,
                   interval=0.1)
        self.start(leader)
        started = time.time()
        final = self.change(event, PORTS[leader], status="FINISHED_LOSE")
        code = self.services.wait_exit(other, 60)
        if code != 137:
            self.problems.append("%s did not halt at the failpoint (exit %s)" % (other, code))
        wait_until("the change published by %s and settled" % leader, 120, lambda: self.pending([event]) == 0, interval=0.1)
        took = time.time() - started
        self.start(other)
        statuses = self.settled_statuses(list(bets))
        settled = {b: (p, statuses[b]) for b, p in bets.items()}
        versions = {event: (final["version"], final["version"])}
        for instance in list(self.listeners):
            self.await_heard(instance, self.expected_for(instance, [event], versions, settled), "the change relayed after the kill")
        self.figures["C"] = "%s (relay leader) halted between commit and publish; %s took over, settled %.1f s after the PUT" % (
            other, leader, took)

    # ---- invariants ----

    def check_invariants(self):
        ids = list(self.accepted)
        found = int(psql("SELECT count(*) FROM %s.bets WHERE bet_id = ANY('{%s}'::uuid[])" % (self.bm_schema, ",".join(ids))))
        if found != len(ids):
            self.problems.append("%d of %d bets answered 2xx are missing" % (len(ids) - found, len(ids)))
        twice = int(psql("SELECT count(*) FROM (SELECT bet_id FROM %s.bet_status_log GROUP BY bet_id HAVING count(*) > 1) t"
                         % self.bm_schema))
        if twice:
            self.problems.append("%d bets settled more than once" % twice)
        checks = (
            ("no PENDING bet on a finished event", lambda: int(psql(
                "SELECT count(*) FROM %s.bets b JOIN %s.events e USING (event_id) WHERE b.status = 'PENDING' AND e.status <> 'NEW'"
                % (self.bm_schema, self.lp_schema))) == 0),
            ("the outbox drained", lambda: int(psql("SELECT count(*) FROM %s.outbox WHERE published_at IS NULL" % self.lp_schema)) == 0),
            ("the queues drained", lambda: queue_depth(self.updates_queue) == 0 and queue_depth(self.requests_queue) in (0, None)))
        for what, condition in checks:
            try:
                wait_until(what, 60, condition, interval=0.25)
            except TimeoutError as e:
                self.problems.append(str(e))
        self.figures["bets answered 2xx"] = "%d, all stored; settled twice: %d" % (len(ids), twice)


def main():
    os.makedirs(LOGS, exist_ok=True)
    if not os.path.exists(JAR) or os.environ.get("SCALE_BUILD") == "1":
        log("building the fat jar (mvn package -DskipTests)")
        run(["mvn", "-B", "-q", "package", "-DskipTests"], capture=False, timeout=1200)
    if subprocess.run(["which", "haproxy"], capture_output=True).returncode != 0:
        raise SystemExit("scale: haproxy is not installed (apt-get install haproxy)")
    started = time.time()
    ensure_backing_services()
    ensure_rabbit_users()
    scale = Scale()
    scale.clean()
    try:
        scale.sign_tokens()
        for name in INSTANCES:
            scale.services.start(name, env=instance_env(name), service=INSTANCES[name][0], wait=False)
        for name in INSTANCES:
            scale.services.wait_ready(name, 180)
        scale.start_haproxy()
        scale.fund_players()
        for phase, run_phase in (("A", scale.phase_a), ("B", scale.phase_b), ("C", scale.phase_c)):
            run_phase()
            scale.verify_ledger(phase)
        scale.check_invariants()
    except Exception as e:  # noqa: BLE001 - reported as a failure with its cause
        scale.problems.append("%s: %s" % (type(e).__name__, e))
    finally:
        for instance in list(scale.listeners):
            scale.stop_listeners(instance)
        if scale.haproxy:
            scale.haproxy.terminate()
            scale.haproxy.wait(20)
        scale.services.stop()
        scale.clean()
    for what, figure in scale.figures.items():
        print("%-18s %s" % (what, figure))
    for problem in scale.problems:
        print("FAIL %s" % problem)
    print("scale: %s in %.0f s (logs in scale/results/)" % ("FAILED" if scale.problems else "passed", time.time() - started))
    return 1 if scale.problems else 0


if __name__ == "__main__":
    sys.exit(main())
