#!/usr/bin/env python3
"""Event Walker's benchmark.

Starts line-provider and bet-maker from the fat jar as two JVMs (on their own ports, schemas,
queues and Redis prefix, so a running system is left alone), measures the baselines B1-B5 and the
scenarios S1-S8 in the same run, repeats them, prints a table with ratios and pass/fail, and
rewrites docs/benchmarks.md (not in --quick mode).
"""
import argparse
import base64
import concurrent.futures
import datetime
import decimal
import functools
import hashlib
import hmac
import json
import os
import platform
import re
import resource
import shutil
import secrets
import statistics
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "harness"))
from system import (BEARERS, JAR, JVM_OPTIONS, PG_DATABASE, PG_HOST, PG_PORT, PG_USER, ROOT, Services,  # noqa: E402
                    conf_value, ensure_rabbit_users, fund, grep_log, heap_mb, http, ledger_verify, names, process_cpu_seconds,
                    psql, rss_mb, run, set_bearer, token, wait_until)

BENCH = os.path.join(ROOT, "bench")
RESULTS = os.path.join(BENCH, "results")
CLIENT_JAR = os.path.join(BENCH, "target", "event-walker-bench.jar")
DOC = os.path.join(ROOT, "docs", "benchmarks.md")
LP_PORT = int(os.environ.get("BENCH_LP_PORT", "18001"))
BM_PORT = int(os.environ.get("BENCH_BM_PORT", "18000"))
EVENTS = 100
CONNECTIONS = 64
SETTLE_BETS = 100_000
S5_WARMUP_ROUNDS = 200
HUGE_EVENT_BETS = 1_000_000
# S6: bet-makers clustered behind HAProxy (deploy/haproxy.cfg): their HTTP and Hazelcast ports, and
# HAProxy's front ports with one bet-maker behind it and with both.
S6_BET_MAKERS = {"bet-maker-a": (18100, 15731), "bet-maker-b": (18101, 15732)}
S6_HAPROXY_ONE, S6_HAPROXY_TWO = 18200, 18201
# Every bet is placed as PLAYER and needs its stake in PLAYER's wallet (SPEC §7), deposited by the operator before each
# run of bench/lua/bet.lua: as much as the run can cost, its stakes being at most BET_MAX_STAKE and its rate far below
# BET_RATE_CEILING (S1 measures about 5,000 bets/s on this machine).
PLAYER, OPERATOR = "bench-player", "bench-operator"
BET_MAX_STAKE = decimal.Decimal("997.99")
BET_RATE_CEILING = 50_000
# S7: POST /bet spread over as many players, each with a token and a wallet of their own (bench/lua/bet_players.lua);
# S8: the same load as one player, one balance every bet locks. Each is funded before each run, as PLAYER is.
S7_PLAYERS = ["bench-s7-%04d" % i for i in range(1000)]
S8_PLAYERS = ["bench-s8"]
# B5: a PostgreSQL ledger's transfer (bench/sql/b5_transfer.sql) between random pairs of as many accounts.
LEDGER_ACCOUNTS = 1000

SERVICE_ENV = {
    "LP_HTTP_PORT": str(LP_PORT), "BM_HTTP_PORT": str(BM_PORT),
    "LP_PG_SCHEMA": "lp_bench", "BM_PG_SCHEMA": "bm_bench",
    "LP_REDIS_PREFIX": "bench:lp:", "LINE_PROVIDER_QUEUE": "bench.line-provider.requests",
    "BM_SUBSCRIBER": "bm-bench", "LP_SUBSCRIBERS": "bet-maker:bm-bench", "LOG_LEVEL": "WARN",
    # S1 is one client sending as fast as it can: the per-client limits would measure themselves
    # (the rate limits, and each client's share of the requests in flight, here the whole budget).
    "BM_RATE_LIMIT_PER_S": "0", "LP_RATE_LIMIT_PER_S": "0",
    "BM_MAX_CONCURRENT_PER_CLIENT": "128", "LP_MAX_CONCURRENT_PER_CLIENT": "128",
    # S5 opens 1000 websocket clients from this one address.
    "BM_BRIDGE_MAX_SOCKETS_PER_CLIENT": "2000",
    # This run's own secret: nothing ships with one.
    "AUTH_JWT_SECRET": secrets.token_hex(32),
}
# What the services derive from SERVICE_ENV, as the jar reports it (resolve_names): never spelled twice.
LP_SCHEMA = BM_SCHEMA = REDIS_PREFIX = None
QUEUES = []


def resolve_names():
    global LP_SCHEMA, BM_SCHEMA, REDIS_PREFIX, QUEUES
    resolved = names(SERVICE_ENV)
    LP_SCHEMA, BM_SCHEMA = resolved["line-provider"]["schema"], resolved["bet-maker"]["schema"]
    REDIS_PREFIX = resolved["line-provider"]["redis_prefix"]
    QUEUES = [resolved["line-provider"]["requests_queue"], resolved["bet-maker"]["updates_queue"],
              resolved["bet-maker"]["dead_letter_queue"]]


def log(message):
    print(message, file=sys.stderr, flush=True)


def children_cpu():
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def clean():
    psql("DROP SCHEMA IF EXISTS %s CASCADE; DROP SCHEMA IF EXISTS %s CASCADE; DROP SCHEMA IF EXISTS bench_baseline CASCADE; "
         "DROP SCHEMA IF EXISTS bench_ledger CASCADE" % (LP_SCHEMA, BM_SCHEMA))
    for queue in QUEUES:
        run(["rabbitmqctl", "-q", "delete_queue", queue], check=False)
    keys = run(["redis-cli", "--scan", "--pattern", REDIS_PREFIX + "*"], check=False).stdout.split()
    for key in keys:
        run(["redis-cli", "del", key], check=False)


def top_up(port, needed):
    """Deposits what PLAYER's wallet lacks of `needed`, through the bet-maker on port (whose bearer is PLAYER's token), as
    the operator (line-provider's bearer)."""
    status, text = http("GET", port, "/wallet")
    if status != 200:
        raise RuntimeError("GET /wallet: %d %s" % (status, text))
    balance = json.loads(text, parse_float=decimal.Decimal)["balance"]
    if balance < needed:
        fund(port, PLAYER, needed - balance, BEARERS[LP_PORT])


def fund_bets(port, seconds):
    """Enough money in PLAYER's wallet for `seconds` of bench/lua/bet.lua's bets on port."""
    top_up(port, BET_RATE_CEILING * seconds * BET_MAX_STAKE)


def fund_players(players, seconds):
    """Deposits, as the operator, 16 at a time, enough in each of `players`' wallets for `seconds` of
    bench/lua/bet_players.lua's bets, which take the players in turn: at most BET_RATE_CEILING bets/s in all, each at
    most BET_MAX_STAKE, shared evenly (with one bet each to spare)."""
    each = (-(-BET_RATE_CEILING * seconds // len(players)) + 1) * BET_MAX_STAKE
    with concurrent.futures.ThreadPoolExecutor(16) as pool:
        list(pool.map(lambda player: fund(BM_PORT, player, each, BEARERS[LP_PORT]), players))


def player_tokens(players, ttl_s=86400):
    """A bearer token for each of `players`, as `java -jar … token NAME` signs it (HS256 with this run's
    AUTH_JWT_SECRET, and the issuer and audience the services check, when set), without a JVM per player."""
    def encoded(data):
        return base64.urlsafe_b64encode(data).rstrip(b"=").decode()

    secret = SERVICE_ENV["AUTH_JWT_SECRET"].encode()
    issuer = conf_value("bet-maker", "AUTH_JWT_ISSUER", SERVICE_ENV)
    audience = conf_value("bet-maker", "AUTH_JWT_AUDIENCE", SERVICE_ENV)
    header = encoded(json.dumps({"typ": "JWT", "alg": "HS256"}).encode())
    now = int(time.time())
    tokens = []
    for player in players:
        claims = {"sub": player, "iat": now, "exp": now + ttl_s}
        if issuer:
            claims["iss"] = issuer
        if audience:
            claims["aud"] = [audience]
        signed = header + "." + encoded(json.dumps(claims).encode())
        tokens.append(signed + "." + encoded(hmac.new(secret, signed.encode(), hashlib.sha256).digest()))
    return tokens


def token_file(directory, players):
    """Writes `players`' tokens to a file in directory, one a line, for bench/lua/bet_players.lua; checks that
    bet-maker takes the first (GET /wallet as that player); returns the file's path."""
    tokens = player_tokens(players)
    status, text = http("GET", BM_PORT, "/wallet", headers={"Authorization": "Bearer " + tokens[0]})
    if status != 200:
        raise RuntimeError("GET /wallet as %s: %d %s" % (players[0], status, text))
    path = os.path.join(directory, "tokens-%d.txt" % len(players))
    with open(path, "w") as f:
        f.write("\n".join(tokens) + "\n")
    return path


def wrk(port, path, script, seconds, extra_env=None):
    env = dict(os.environ, BENCH_LUA_DIR=os.path.join(BENCH, "lua"), EVENTS=str(EVENTS), **(extra_env or {}))
    env["BENCH_TOKEN"] = BEARERS.get(port, "")
    before = children_cpu()
    out = run(["wrk", "-t2", "-c%d" % CONNECTIONS, "-d%ds" % seconds, "--timeout", "5s", "-s",
               os.path.join(BENCH, "lua", script), "http://127.0.0.1:%d%s" % (port, path)], env=env,
              timeout=seconds + 60).stdout
    match = re.search(r"WRK_RESULT (\{.*\})", out)
    if not match:
        raise RuntimeError("no wrk result in: " + out)
    result = json.loads(match.group(1))
    result["rate"] = result["requests"] / result["duration_s"]
    result["tool_cpu_cores"] = (children_cpu() - before) / result["duration_s"]
    return result


def pgbench(script, clients, seconds, variables=None):
    defined = [option for name, value in (variables or {}).items() for option in ("-D", "%s=%s" % (name, value))]
    out = run(["pgbench", "-h", PG_HOST, "-p", PG_PORT, "-U", PG_USER, "-n", "-c", str(clients), "-j", "2",
               "-T", str(seconds)] + defined + ["-f", os.path.join(BENCH, "sql", script), PG_DATABASE], timeout=seconds + 60).stdout
    return float(re.search(r"tps = ([0-9.]+)", out).group(1))


# ---- baselines ----

def b1(seconds):
    psql(open(os.path.join(BENCH, "sql", "bets_table.sql")).read())
    return {"rate": pgbench("b1_insert_one.sql", CONNECTIONS, seconds)}


def b2(seconds):
    psql(open(os.path.join(BENCH, "sql", "bets_table.sql")).read())
    return {"rate": 100 * pgbench("b2_insert_hundred.sql", 8, seconds)}


def b5(seconds):
    """B5: double-entry transfers between random pairs of LEDGER_ACCOUNTS accounts, on tables of its own (TPS = transfers/s)."""
    psql("\\set accounts %d\n" % LEDGER_ACCOUNTS + open(os.path.join(BENCH, "sql", "ledger_tables.sql")).read())
    return {"rate": pgbench("b5_transfer.sql", CONNECTIONS, seconds, {"accounts": LEDGER_ACCOUNTS})}


def b3(seconds):
    return wrk(BM_PORT, "/health", "get.lua", seconds)


def b4(bets=SETTLE_BETS):
    psql(open(os.path.join(BENCH, "sql", "bets_table.sql")).read())
    psql("INSERT INTO bench_baseline.bets (bet_id, event_id, sum_bet, ratio, status) "
         "SELECT gen_random_uuid(), 'b4', 10.00 + (g %% 100), 1.75, 'PENDING' FROM generate_series(1, %d) g" % bets)
    psql("VACUUM ANALYZE bench_baseline.bets")
    out = psql("UPDATE bench_baseline.bets SET status = 'WON', payout = trunc(sum_bet * ratio, 2), settled_at = now() "
               "WHERE event_id = 'b4' AND status = 'PENDING'", timing=True)
    return {"seconds": float(re.search(r"Time: ([0-9.]+) ms", out).group(1)) / 1000}


# ---- scenarios ----

def create_events(prefix, count, ratio="1.75"):
    """Creates count open events, prefix0 to prefix<count-1>; returns their ids."""
    deadline = int(time.time()) + 24 * 3600
    ids = ["%s%d" % (prefix, i) for i in range(count)]
    status, body = http("POST", LP_PORT, "/event", [{"event_id": i, "ratio": ratio, "deadline": deadline} for i in ids])
    if status != 201:
        raise RuntimeError("creating events: %d %s" % (status, body))
    return ids


def service_pids(services):
    return tuple(services.pid(name) for name in ("line-provider", "bet-maker"))


def s1(seconds, services):
    return s1_on(BM_PORT, seconds, service_pids(services), timed=True)


def s1_all_defaults(seconds, warmup, repeat, log_dir):
    """S1A: S1 against one JVM running `all` as a user runs it: no JVM flags, the shipped
    configuration (only the ports, schemas and names of this run, and the per-client limits off, as in S1).
    Measured after the two-JVM scenarios, with B1 again beside each repetition."""
    env = dict(os.environ, **{k: v for k, v in SERVICE_ENV.items() if k != "LOG_LEVEL"})
    os.makedirs(log_dir, exist_ok=True)
    with open(os.path.join(log_dir, "all.log"), "a") as out:
        process = subprocess.Popen(["java", "-jar", JAR, "all"], env=env, stdout=out, stderr=subprocess.STDOUT)
    try:
        for port in (LP_PORT, BM_PORT):
            wait_until("all ready on %d" % port, 120, lambda: process.poll() is None and http("GET", port, "/ready", timeout=2)[0] == 200,
                       interval=0.2)
        fund_bets(BM_PORT, warmup)
        wrk(BM_PORT, "/", "bet.lua", warmup)
        runs = []
        for n in range(repeat):
            log("S1A repetition %d/%d" % (n + 1, repeat))
            b = b1(10 if seconds >= 10 else 4)
            r = s1_on(BM_PORT, seconds, (process.pid,), timed=True)
            r["B1"] = b
            runs.append(r)
        return runs
    finally:
        process.terminate()
        process.wait(30)


def commits():
    """Transactions committed in the database so far (PostgreSQL's own count)."""
    return int(psql("SELECT xact_commit FROM pg_stat_database WHERE datname = current_database()"))


# Where a bet's time goes (off-CPU as well as on): timers the services keep on /metrics, read
# before and after a run. Each: (name, port of the service that keeps it, metric, labels it must carry).
BET_TIMERS = (
    ("bet", "bm", "vertx_http_server_response_time_seconds", ('method="POST"', 'code="201"')),
    ("connection wait", "bm", "vertx_pool_queue_time_seconds", ('pool_name="bet-maker/',)),
    ("transaction", "bm", "vertx_pool_usage_seconds", ('pool_name="bet-maker/',)),
    ("line check", "bm", "bet_maker_line_requests_seconds", ('request="get_states"',)),
    ("line-provider query", "lp", "vertx_pool_usage_seconds", ('pool_name="line-provider/',)),
)


def bet_time_table(scenarios):
    """Markdown rows of where a bet's time went: for each BET_TIMERS timer, the median of the
    repetitions' means with min-max, one column per scenario ({name: [bet_time result, ...]})."""
    names = list(scenarios)
    table = ["| | " + " | ".join(names) + " |", "|---|" + "---|" * len(names)]
    for name, _, _, _ in BET_TIMERS:
        cells = []
        for scenario in names:
            means = [t[name]["ms"] for t in scenarios[scenario] if t[name]["ms"] is not None]
            cells.append("%.2f ms (%.2f – %.2f)" % spread(means) if means else "–")
        table.append("| %s | %s |" % (name, " | ".join(cells)))
    cells = []
    for scenario in names:
        sizes = [t["bet"]["count"] / t["line check"]["count"] for t in scenarios[scenario] if t["line check"]["count"]]
        cells.append("%.1f (%.1f – %.1f)" % spread(sizes) if sizes else "–")
    table.append("| bets per group (201s per line check) | %s |" % " | ".join(cells))
    return table


def timer_totals(ports):
    """Each BET_TIMERS timer's (sum in seconds, count) so far, from /metrics of the services at ports."""
    texts = {service: http("GET", port, "/metrics")[1] for service, port in ports.items()}
    totals = {}
    for name, service, metric, labels in BET_TIMERS:
        total, count = 0.0, 0.0
        for line in texts[service].splitlines():
            if all(label in line for label in labels):
                if line.startswith(metric + "_sum{"):
                    total += float(line.rsplit(" ", 1)[1])
                elif line.startswith(metric + "_count{"):
                    count += float(line.rsplit(" ", 1)[1])
        totals[name] = (total, count)
    return totals


def bet_time(before, after):
    """Mean of each timer between two timer_totals readings, in ms, and how many it timed."""
    means = {}
    for name in before:
        total, count = after[name][0] - before[name][0], after[name][1] - before[name][1]
        means[name] = {"ms": 1000.0 * total / count if count else None, "count": count}
    return means


def s1_on(port, seconds, pids=(), timed=False):
    """S1's load on port; timed: also where a bet's time went (bet_time), from the services' /metrics."""
    fund_bets(port, seconds)
    return bets_on(port, seconds, "bet.lua", pids, timed)


def bets_on(port, seconds, script, pids=(), timed=False, env=None):
    """A wrk run of script (POST /bet, env added to wrk's) on port; afterwards the bets stored in it are counted.
    pids: also the CPU time those processes used during the run (from /proc), in cores and in µs per stored bet;
    timed: also where a bet's time went (bet_time), from the services' /metrics."""
    before = int(psql("SELECT count(*) FROM %s.bets" % BM_SCHEMA))
    commits_before = commits()
    ports = {"bm": port, "lp": LP_PORT}
    timers_before = timer_totals(ports) if timed else None
    cpu_before = sum(process_cpu_seconds(pid) for pid in pids)
    started = time.time()
    result = wrk(port, "/", script, seconds, env)
    if pids:
        cpu = sum(process_cpu_seconds(pid) for pid in pids) - cpu_before
        result["service_cpu_cores"] = cpu / (time.time() - started)
        result["service_cpu_s"] = cpu
    if timed:
        result["time"] = bet_time(timers_before, timer_totals(ports))
    time.sleep(1)  # let the last in-flight requests finish before counting
    stored = int(psql("SELECT count(*) FROM %s.bets" % BM_SCHEMA)) - before
    if pids:
        # The bets in flight at the end (at most one per connection) are counted, and their CPU mostly was too.
        result["cpu_us_per_bet"] = 1e6 * result["service_cpu_s"] / max(1, stored)
    # Group commit: how many transactions the bets took (pages, probes and counts add a few).
    result["commits_per_1000_bets"] = 1000.0 * (commits() - commits_before) / max(1, stored)
    answered_2xx = result["requests"] - result["non2xx"]
    result["stored"] = stored
    result["durable"] = answered_2xx <= stored <= answered_2xx + CONNECTIONS
    result["errors"] = result["non2xx"] + result["socket_errors"]
    return result


def s7(seconds, services, players, tokens):
    """S7 (players: S7_PLAYERS) or S8 (one player): bench/lua/bet_players.lua on bet-maker with `tokens` (token_file's
    file of players' tokens), each player funded for the run first; then `ledger verify` on bet-maker's schema."""
    fund_players(players, seconds)
    result = bets_on(BM_PORT, seconds, "bet_players.lua", service_pids(services), timed=True, env={"BENCH_TOKENS_FILE": tokens})
    result["players"] = len(players)
    result["ledger_ok"], verified = ledger_verify(SERVICE_ENV)
    if not result["ledger_ok"]:
        log("ledger verify failed after %s:\n%s" % ("S8" if len(players) == 1 else "S7", verified))
    return result


# --jfr: how long bet-maker is recorded under S7's load, after as long again with the recorder already on.
JFR_SECONDS = 30


def recorded_s7(services, tokens, jfr):
    """S7 for JFR_SECONDS with bet-maker recorded by JDK Flight Recorder (settings=profile) into the file jfr, after
    JFR_SECONDS more of S7's load with the recorder already on: starting the recorder makes the JIT compile much of the
    code again (C2 took about 0.4 cores for the first 30 s), which would be in the recording otherwise."""
    pid = str(services.pid("bet-maker"))
    run(["jcmd", pid, "JFR.start", "name=bench-settle", "settings=profile"], timeout=60)
    fund_players(S7_PLAYERS, JFR_SECONDS)
    wrk(BM_PORT, "/", "bet_players.lua", JFR_SECONDS, {"BENCH_TOKENS_FILE": tokens})
    if os.path.exists(jfr):
        os.remove(jfr)
    fund_players(S7_PLAYERS, JFR_SECONDS)
    run(["jcmd", pid, "JFR.start", "name=bench", "settings=profile", "duration=%ds" % JFR_SECONDS, "filename=" + jfr], timeout=60)
    result = bets_on(BM_PORT, JFR_SECONDS, "bet_players.lua", service_pids(services), env={"BENCH_TOKENS_FILE": tokens})
    wait_until("the recording in " + jfr, 120, lambda: os.path.exists(jfr) and os.path.getsize(jfr) > 0, interval=0.5)
    run(["jcmd", pid, "JFR.stop", "name=bench-settle"], timeout=60)
    log("bet-maker's recording over %d s of S7: %s" % (JFR_SECONDS, jfr))
    return result


def s2(seconds):
    return wrk(BM_PORT, "/events", "get.lua", seconds)


def s3(round_number, bets=SETTLE_BETS, services=None):
    event = create_events("bench-settle-%d-%d-" % (bets, round_number), 1, ratio="1.75")[0]
    top_up(BM_PORT, decimal.Decimal("10.00"))
    status, body = http("POST", BM_PORT, "/bet", {"event_id": event, "sum_bet": "10.00"})
    if status != 201:
        raise RuntimeError("first bet: %d %s" % (status, body))
    place_batches(event, ["%d.00" % (10 + g % 100) for g in range(2, bets + 1)])
    psql("VACUUM ANALYZE %s.bets" % BM_SCHEMA)
    heap_before = heap_mb(BM_PORT)
    ooms_before = len(grep_log(services.log("bet-maker"), "OutOfMemoryError")) if services else 0
    started = time.time()
    status, body = http("PUT", LP_PORT, "/event", {"event_id": event, "status": "FINISHED_WIN"})
    if status != 200:
        raise RuntimeError("finish: %d %s" % (status, body))
    deadline = started + 600
    heap_peak, sampled = heap_before, started
    while psql("SELECT EXISTS (SELECT 1 FROM %s.bets WHERE event_id = '%s' AND status = 'PENDING')" % (BM_SCHEMA, event)) == "t":
        if time.time() > deadline:
            raise RuntimeError("settlement of %s took over 600 s" % event)
        if bets > SETTLE_BETS and time.time() - sampled > 0.5:
            heap_peak, sampled = max(heap_peak, heap_mb(BM_PORT)), time.time()
        time.sleep(0.01 if bets <= SETTLE_BETS else 0.1)
    elapsed = time.time() - started
    won = int(psql("SELECT count(*) FROM %s.bets WHERE event_id = '%s' AND status = 'WON' "
                   "AND payout = trunc(sum_bet * ratio, 2)" % (BM_SCHEMA, event)))
    if won != bets:
        raise RuntimeError("settled %d of %d bets correctly" % (won, bets))
    alive = services is None or services.alive("bet-maker")
    oom = services is not None and len(grep_log(services.log("bet-maker"), "OutOfMemoryError")) > ooms_before
    return {"event": event, "seconds": elapsed, "settled": won, "heap_peak_mb": heap_peak, "alive": alive and not oom}


def place_batches(event, stakes, at_once=8):
    """PLAYER's bets of `stakes` on event, placed through the API in batches of 1000, `at_once` batches at a time
    (each stake is taken from PLAYER's wallet: it is topped up for them first). A batch refused with 503 (nothing
    stored: too many bets waiting to be written) is sent again."""
    top_up(BM_PORT, sum(decimal.Decimal(stake) for stake in stakes))

    def place(batch):
        deadline = time.time() + 120
        while True:
            status, body = http("POST", BM_PORT, "/bet", [{"event_id": event, "sum_bet": stake} for stake in batch], timeout=60)
            if status == 201:
                return
            if status != 503 or time.time() > deadline:
                raise RuntimeError("a batch of %d bets on %s: %d %s" % (len(batch), event, status, body[:500]))
            time.sleep(0.2)

    with concurrent.futures.ThreadPoolExecutor(at_once) as pool:
        list(pool.map(place, [stakes[i:i + 1000] for i in range(0, len(stakes), 1000)]))


def s6_start(services):
    """Two clustered bet-makers (the single one stopped: it consumes the same queue) and two HAProxys,
    one with bet-maker-a alone behind it, one with both."""
    services.stop("bet-maker")
    for name, (port, cluster_port) in S6_BET_MAKERS.items():
        other = [c for n, (_, c) in S6_BET_MAKERS.items() if n != name][0]
        services.ports[name] = port
        services.start(name, service="bet-maker", wait=False,
                       env={"BM_HTTP_PORT": str(port), "CLUSTER_HOST": "127.0.0.1", "CLUSTER_PORT": str(cluster_port),
                            "CLUSTER_MEMBERS": "127.0.0.1:%d" % other})
    for name in S6_BET_MAKERS:
        services.wait_ready(name, 180)
    proxies = []
    for front, behind in ((S6_HAPROXY_ONE, ["bet-maker-a"]), (S6_HAPROXY_TWO, list(S6_BET_MAKERS))):
        env = dict(os.environ, EW_BET_MAKER_BIND="127.0.0.1:%d" % front, EW_LINE_PROVIDER_BIND="127.0.0.1:%d" % (front + 50),
                   EW_LINE_PROVIDER_1="127.0.0.1:%d" % LP_PORT)
        for i, name in enumerate(behind):
            env["EW_BET_MAKER_%d" % (i + 1)] = "127.0.0.1:%d" % S6_BET_MAKERS[name][0]
        proxies.append(subprocess.Popen(["haproxy", "-db", "-f", os.path.join(ROOT, "deploy", "haproxy.cfg")], env=env,
                                        stdout=open(os.path.join(RESULTS, "haproxy-%d.log" % front), "a"), stderr=subprocess.STDOUT))
        wait_until("HAProxy on %d" % front, 60, lambda f=front: http("GET", f, "/ready", timeout=2)[0] == 200, interval=0.2)
    for port in [p for p, _ in S6_BET_MAKERS.values()] + [S6_HAPROXY_ONE, S6_HAPROXY_TWO]:
        set_bearer(port, BEARERS[BM_PORT])
    return proxies


def s6(seconds, services):
    """S1's load, with B1 again beside it: straight to one clustered bet-maker, through HAProxy to it
    alone, and through HAProxy to both; then the clustered bet-makers' memory."""
    pids = [services.pid(name) for name in S6_BET_MAKERS]
    result = {"B1": b1(seconds),
              "direct": s1_on(S6_BET_MAKERS["bet-maker-a"][0], seconds, pids),
              "one": s1_on(S6_HAPROXY_ONE, seconds, pids),
              "two": s1_on(S6_HAPROXY_TWO, seconds, pids)}
    result["rss_mb"] = max(rss_mb(services.pid(name)) for name in S6_BET_MAKERS)
    result["heap_mb"] = max(heap_mb(port) for port, _ in S6_BET_MAKERS.values())
    return result


def drop_huge_event(event):
    """After S3L: deletes the million settled bets of its event, vacuums bet-maker's bets (autovacuum may be off,
    as it is on CI's PostgreSQL) and writes every dirty page back (CHECKPOINT), so the next scenario
    does not share the cores and the disk with that clean-up."""
    psql("DELETE FROM %s.bets WHERE event_id = '%s'" % (BM_SCHEMA, event))
    psql("VACUUM %s.bets" % BM_SCHEMA)
    psql("CHECKPOINT")


def s5(quick):
    """S5: a fresh client JVM; its first S5_WARMUP_ROUNDS rounds warm both sides and are not measured."""
    out = run(["java", "-Xmx512m", "-jar", CLIENT_JAR, "--bet-maker-port", str(BM_PORT), "--line-provider-port", str(LP_PORT),
               "--clients", "1000", "--warmup-rounds", str(S5_WARMUP_ROUNDS), "--rounds", "10" if quick else "20"], timeout=300,
              env=dict(os.environ, BENCH_OPERATOR_TOKEN=BEARERS.get(LP_PORT, ""))).stdout
    return json.loads(out.strip().splitlines()[-1])


def memory(services):
    return {name: {"rss_mb": rss_mb(services.pid(name)), "heap_mb": heap_mb(port)}
            for name, port in (("line-provider", LP_PORT), ("bet-maker", BM_PORT))}


# ---- reporting ----

def spread(values):
    values = [v for v in values if v is not None]
    return statistics.median(values), min(values), max(values)


def fmt(value, unit):
    if unit == "/s":
        return "{:,.0f}/s".format(value)
    if unit == "ms":
        return "%.1f ms" % value
    if unit == "s":
        return "%.2f s" % value
    if unit == "MB":
        return "%.0f MB" % value
    if unit == "µs":
        return "%.0f µs" % value
    return "%.2f" % value


def machine():
    cpu = "unknown"
    with open("/proc/cpuinfo") as f:
        for line in f:
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    with open("/proc/meminfo") as f:
        mem = int(f.readline().split()[1]) / 1024 / 1024
    java = run(["java", "-version"]).stdout.splitlines()[0]
    pg = psql("SHOW server_version")
    return {"nproc": os.cpu_count(), "cpu": cpu, "memory_gib": round(mem, 1), "kernel": platform.release(),
            "java": java, "postgresql": pg}


def only_s1(services, repeat, seconds, short, warmup):
    """--only-s1: B1 and S1 alternating (two JVMs), then S1A (one JVM running `all`)."""
    runs, times = [], []
    create_events("bench-e", EVENTS)
    fund_bets(BM_PORT, warmup)
    wrk(BM_PORT, "/", "bet.lua", warmup)
    for n in range(repeat):
        log("S1 repetition %d/%d" % (n + 1, repeat))
        b = b1(short)
        r = s1(seconds, services)
        runs.append((b["rate"], r["rate"], r["p99_ms"], r["errors"], r["durable"]))
        times.append(r["time"])
    services.stop()
    alls = s1_all_defaults(seconds, warmup, repeat, RESULTS)
    print("\n".join(bet_time_table({"S1": times, "S1A": [a["time"] for a in alls]})))
    for name, rows in (("S1 ", runs), ("S1A", [(a["B1"]["rate"], a["rate"], a["p99_ms"], a["errors"], a["durable"]) for a in alls])):
        ratios = [rate / base for base, rate, _, _, _ in rows]
        print("%s  bets/s %s  B1 %s  ratio median %.2f (%.2f-%.2f)  p99 ms %s  errors %d  durable %s" % (
            name, [round(r[1]) for r in rows], [round(r[0]) for r in rows], statistics.median(ratios), min(ratios), max(ratios),
            [round(r[2], 1) for r in rows], sum(r[3] for r in rows), all(r[4] for r in rows)))


def only_s2(services, repeat, seconds, short, warmup):
    """--only-s2: B3 and S2 alternating (two JVMs)."""
    runs = []
    create_events("bench-e", EVENTS)
    wrk(BM_PORT, "/events", "get.lua", warmup)
    for n in range(repeat):
        log("S2 repetition %d/%d" % (n + 1, repeat))
        runs.append({"B3": b3(short), "S2": s2(short)})
    ratios = [r["S2"]["rate"] / r["B3"]["rate"] for r in runs]
    print("S2  req/s %s  B3 %s  ratio median %.2f (%.2f-%.2f)  p99 ms %s  errors %d" % (
        [round(r["S2"]["rate"]) for r in runs], [round(r["B3"]["rate"]) for r in runs], statistics.median(ratios),
        min(ratios), max(ratios), [round(r["S2"]["p99_ms"], 1) for r in runs], sum(r["S2"]["non2xx"] + r["S2"]["socket_errors"] for r in runs)))


def only_s3(services, repeat, seconds, short, warmup):
    """--only-s3: S3 with B4, and S3L with B4L (two JVMs)."""
    runs = []
    for n in range(repeat):
        log("S3 repetition %d/%d" % (n + 1, repeat))
        runs.append({"S3": s3(n), "B4": b4(), "S3L": s3(n, HUGE_EVENT_BETS, services), "B4L": b4(HUGE_EVENT_BETS)})
        drop_huge_event(runs[-1]["S3L"]["event"])
    for name, base in (("S3", "B4"), ("S3L", "B4L")):
        ratios = [r[name]["seconds"] / r[base]["seconds"] for r in runs]
        print("%-3s  s %s  %s s %s  ratio median %.2f (%.2f-%.2f)  heap peak MB %s  bet-maker alive %s" % (
            name, [round(r[name]["seconds"], 2) for r in runs], base, [round(r[base]["seconds"], 2) for r in runs],
            statistics.median(ratios), min(ratios), max(ratios), [round(r[name]["heap_peak_mb"]) for r in runs],
            all(r[name]["alive"] for r in runs)))


def only_s5(services, repeat, seconds, short, warmup):
    """--only-s5: S5 alone (two JVMs), each repetition a fresh client."""
    runs = []
    for n in range(repeat):
        log("S5 repetition %d/%d" % (n + 1, repeat))
        runs.append(s5(False))
        log("  p99 %.1f ms, each round's p99 (the first %d not measured): %s" % (
            runs[-1]["p99_ms"], S5_WARMUP_ROUNDS, [round(p) for p in runs[-1]["round_p99_ms"]]))
    print("S5   p99 ms %s  median %.1f  p50 ms %s  missed %d  client CPU s %s" % (
        [round(r["p99_ms"], 1) for r in runs], statistics.median(r["p99_ms"] for r in runs), [round(r["p50_ms"], 1) for r in runs],
        sum(r["missed"] for r in runs), [round(r["client_cpu_s"], 2) for r in runs]))


def only_s7(services, repeat, seconds, short, warmup, jfr=None):
    """--only-s7: B1, B5, S1, S7 and S8 in turn (two JVMs), after a warm-up with S7's load; jfr: then a recording of
    bet-maker under S7's load (recorded_s7), apart from the figures."""
    runs, profiled = [], None
    create_events("bench-e", EVENTS)
    tokens = tempfile.mkdtemp(prefix="bench-tokens-")
    try:
        s7_tokens, s8_tokens = token_file(tokens, S7_PLAYERS), token_file(tokens, S8_PLAYERS)
        log("warming up (%d s of S7's load, %d s of S1's)" % (warmup, short))
        fund_players(S7_PLAYERS, warmup)
        wrk(BM_PORT, "/", "bet_players.lua", warmup, {"BENCH_TOKENS_FILE": s7_tokens})
        fund_bets(BM_PORT, short)
        wrk(BM_PORT, "/", "bet.lua", short)
        for n in range(repeat):
            log("S7 repetition %d/%d" % (n + 1, repeat))
            r = {"B1": b1(short), "B5": b5(short), "S1": s1(seconds, services),
                 "S7": s7(seconds, services, S7_PLAYERS, s7_tokens), "S8": s7(seconds, services, S8_PLAYERS, s8_tokens)}
            log("  " + json.dumps({k: round(v["rate"]) for k, v in r.items()}))
            runs.append(r)
        if jfr:
            profiled = recorded_s7(services, s7_tokens, jfr)
            log("  recorded S7: %.0f bets/s, p99 %.1f ms, %.0f µs of CPU per bet" % (
                profiled["rate"], profiled["p99_ms"], profiled["cpu_us_per_bet"]))
    finally:
        shutil.rmtree(tokens, ignore_errors=True)
    measured_at = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    with open(os.path.join(RESULTS, "last-s7.json"), "w") as f:
        json.dump({"runs": runs, "profiled": profiled, "measured_at": measured_at, "seconds": seconds, "short": short, "warmup": warmup},
                  f, indent=1)
    print("\n".join(bet_time_table({name: [r[name]["time"] for r in runs] for name in ("S1", "S7", "S8")})))
    print()
    print("\n".join(wallet_lines(runs)))


def wallet_lines(runs):
    """--only-s7's summary: each figure's median (min-max) over the repetitions, the ratios and the targets."""
    def spread_of(values, form):
        m, lo, hi = spread(values)
        return (form + " (" + form + "-" + form + ")") % (m, lo, hi)

    lines = []
    for name, what in (("B1", "single-row INSERT TPS"), ("B5", "double-entry transfers/s"), ("S1", "bets/s, one player"),
                       ("S7", "bets/s, %d players" % len(S7_PLAYERS)), ("S8", "bets/s, one player on every connection")):
        line = "%-3s %-40s %s" % (name, what, spread_of([r[name]["rate"] for r in runs], "%.0f"))
        if name[0] == "S":
            line += "  p99 ms %s  errors %d  every 201 stored %s  CPU µs/bet %s" % (
                spread_of([r[name]["p99_ms"] for r in runs], "%.1f"), sum(r[name]["errors"] for r in runs),
                all(r[name]["durable"] for r in runs), spread_of([r[name]["cpu_us_per_bet"] for r in runs], "%.0f"))
        if name in ("S7", "S8"):
            line += "  ledger verify %s" % ("passed" if all(r[name]["ledger_ok"] for r in runs) else "FAILED")
        lines.append(line)
    ratios = {label: [r[a]["rate"] / r[b]["rate"] for r in runs]
              for label, a, b in (("S1/B1", "S1", "B1"), ("S7/B5", "S7", "B5"), ("S7/B1", "S7", "B1"), ("S8/S7", "S8", "S7"))}
    lines.append("ratios  " + "  ".join("%s %s" % (label, spread_of(values, "%.2f")) for label, values in ratios.items()))
    for what, ok in wallet_checks(runs):
        lines.append("%s  %s" % ("PASS" if ok else "FAIL", what))
    return lines


def wallet_checks(runs):
    """The wallet's targets: S7 against B5 and B1 at S1's latency bound, S8 against S7; each with no error, every 201
    stored and the ledger verified."""
    def clean_run(name):
        return all(r[name]["errors"] == 0 and r[name]["durable"] and r[name]["ledger_ok"] for r in runs)

    s7_p99 = statistics.median(r["S7"]["p99_ms"] for r in runs)
    return [
        ("S7 ≥ 2 × B5 and ≥ 1.0 × B1 at p99 ≤ 50 ms, 0 errors, every 201 stored, ledger verify passes",
         statistics.median(r["S7"]["rate"] / r["B5"]["rate"] for r in runs) >= 2
         and statistics.median(r["S7"]["rate"] / r["B1"]["rate"] for r in runs) >= 1.0 and s7_p99 <= 50 and clean_run("S7")),
        ("S8 (one hot balance) ≥ 0.5 × S7, 0 errors, every 201 stored, ledger verify passes",
         statistics.median(r["S8"]["rate"] / r["S7"]["rate"] for r in runs) >= 0.5 and clean_run("S8")),
    ]


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="one short repetition (under 2 minutes); does not rewrite docs")
    parser.add_argument("--no-docs", action="store_true", help="print the table only")
    parser.add_argument("--repeat", type=int, default=None)
    parser.add_argument("--only-s1", action="store_true",
                        help="B1 and S1 (two JVMs), then S1A (one JVM, `all`, shipped defaults): prints medians, does not rewrite docs")
    parser.add_argument("--only-s2", action="store_true",
                        help="B3 and S2 alternating (two JVMs): prints medians, does not rewrite docs")
    parser.add_argument("--only-s3", action="store_true",
                        help="S3 with B4, and S3L with B4L (two JVMs): prints medians, does not rewrite docs")
    parser.add_argument("--only-s5", action="store_true",
                        help="S5 alone (two JVMs), with each round's p99: prints medians, does not rewrite docs")
    parser.add_argument("--only-s7", action="store_true",
                        help="B1, B5, S1, S7 and S8 in turn (two JVMs): the wallet's figures; prints medians, does not rewrite docs")
    parser.add_argument("--jfr", metavar="FILE",
                        help="with --only-s7: afterwards a JDK Flight Recorder recording (settings=profile) of bet-maker over %d s "
                             "more of S7's load, taken with jcmd once the recorder has run as long (none of it is in the figures)"
                             % JFR_SECONDS)
    parser.add_argument("--bet-maker-jvm-options", metavar="OPTIONS", default=os.environ.get("BENCH_BM_JVM_OPTIONS", ""),
                        help="more JVM options for bet-maker, after the usual ones (default: $BENCH_BM_JVM_OPTIONS), e.g. "
                             "'-XX:StartFlightRecording=duration=30s,filename=/tmp/bm.jfr,settings=profile'")
    parser.add_argument("--report-only", action="store_true",
                        help="measure nothing: rewrite the table and docs from the last full run (bench/results/last-run.json), "
                             "e.g. after editing bench/notes.md")
    args = parser.parse_args()
    if args.jfr and not args.only_s7:
        parser.error("--jfr goes with --only-s7")
    if args.report_only:
        with open(os.path.join(RESULTS, "last-run.json")) as f:
            last = json.load(f)
        if last.get("quick"):
            sys.exit("bench: the last run was --quick; the docs are written from a full run only")
        report(last["runs"], last["idle"], args, last["elapsed_s"], last["measured_at"])
        return
    repeat = args.repeat or (1 if args.quick else 3)
    seconds = 5 if args.quick else 15
    short = 4 if args.quick else 10
    warmup = 8 if args.quick else 25
    started = time.time()

    for tool in ("wrk", "pgbench", "psql", "rabbitmqctl", "redis-cli"):
        if shutil.which(tool) is None:
            sys.exit("bench: %s is needed (wrk: apt-get install -y wrk; pgbench comes with PostgreSQL)" % tool)
    if not os.path.exists(JAR) or not os.path.exists(CLIENT_JAR) or os.environ.get("BENCH_BUILD") == "1":
        log("building the jars (mvn package -DskipTests)")
        run(["mvn", "-B", "-q", "package", "-DskipTests"], capture=False, timeout=1200)

    resolve_names()
    set_bearer(LP_PORT, token(SERVICE_ENV, OPERATOR, operator=True))
    set_bearer(BM_PORT, token(SERVICE_ENV, PLAYER))
    clean()
    ensure_rabbit_users()
    services = Services(SERVICE_ENV, {"line-provider": LP_PORT, "bet-maker": BM_PORT}, RESULTS)
    extra = {"line-provider": [], "bet-maker": args.bet_maker_jvm_options.split()}
    log("starting line-provider :%d and bet-maker :%d (%s)" % (LP_PORT, BM_PORT, " ".join(JVM_OPTIONS + extra["bet-maker"])))
    for name in ("line-provider", "bet-maker"):
        services.start(name, jvm_extra=extra[name])
    partial = (only_s1 if args.only_s1 else only_s2 if args.only_s2 else only_s3 if args.only_s3 else only_s5 if args.only_s5
               else functools.partial(only_s7, jfr=args.jfr) if args.only_s7 else None)
    if partial:
        try:
            partial(services, repeat, seconds, short, warmup)
        finally:
            services.stop()
            clean()
        return
    runs = []
    tokens = tempfile.mkdtemp(prefix="bench-tokens-")
    try:
        create_events("bench-e", EVENTS)
        idle = memory(services)
        log("warming up (%d s)" % warmup)
        fund_bets(BM_PORT, warmup)
        wrk(BM_PORT, "/", "bet.lua", warmup)
        wrk(BM_PORT, "/events", "get.lua", max(2, warmup // 4))
        s7_tokens, s8_tokens = token_file(tokens, S7_PLAYERS), token_file(tokens, S8_PLAYERS)
        fund_players(S7_PLAYERS, max(2, warmup // 4))
        wrk(BM_PORT, "/", "bet_players.lua", max(2, warmup // 4), {"BENCH_TOKENS_FILE": s7_tokens})
        for n in range(repeat):
            log("repetition %d/%d" % (n + 1, repeat))
            r = {}
            r["B1"] = b1(short)
            r["B5"] = b5(short)
            r["B2"] = b2(short)
            r["B3"] = b3(short)
            before = {name: process_cpu_seconds(services.pid(name)) for name in ("line-provider", "bet-maker")}
            t0 = time.time()
            r["S1"] = s1(seconds, services)
            dt = time.time() - t0
            r["S1"]["service_cpu_cores"] = {name: (process_cpu_seconds(services.pid(name)) - before[name]) / dt for name in before}
            r["S4"] = memory(services)
            r["S7"] = s7(seconds, services, S7_PLAYERS, s7_tokens)
            r["S8"] = s7(seconds, services, S8_PLAYERS, s8_tokens)
            r["S2"] = s2(short)
            r["S3"] = s3(n)
            r["B4"] = b4()
            r["S3L"] = s3(n, HUGE_EVENT_BETS, services)
            r["B4L"] = b4(HUGE_EVENT_BETS)
            drop_huge_event(r["S3L"]["event"])
            r["S5"] = s5(args.quick)
            log("  " + json.dumps({k: (v.get("rate") or v.get("seconds") or v.get("p99_ms")) if isinstance(v, dict) else v
                                   for k, v in r.items() if k != "S4"}))
            runs.append(r)
        log("S6: two clustered bet-makers behind HAProxy")
        proxies = s6_start(services)
        try:
            fund_bets(S6_HAPROXY_TWO, warmup)
            wrk(S6_HAPROXY_TWO, "/", "bet.lua", warmup)
            for n in range(repeat):
                log("S6 repetition %d/%d" % (n + 1, repeat))
                runs[n]["S6"] = s6(short, services)
        finally:
            for proxy in proxies:
                proxy.terminate()
                proxy.wait(20)
        log("S1A: one JVM running `all` with the shipped defaults")
        services.stop()
        for n, r in enumerate(s1_all_defaults(seconds, warmup, repeat, RESULTS)):
            runs[n]["S1A"] = r
    finally:
        services.stop()
        clean()
        shutil.rmtree(tokens, ignore_errors=True)
    report(runs, idle, args, time.time() - started)


def report(runs, idle, args, elapsed, measured_at=None):
    measured_at = measured_at or datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    rows = []
    targets = []

    def row(name, what, values, unit, ratio=None):
        m, lo, hi = spread(values)
        rows.append((name, what, fmt(m, unit), "%s – %s" % (fmt(lo, unit), fmt(hi, unit)), ratio or ""))
        return m

    b1 = row("B1", "pgbench single-row INSERT, %d clients (TPS)" % CONNECTIONS, [r["B1"]["rate"] for r in runs], "/s")
    b2 = row("B2", "pgbench 100-row INSERT per transaction, 8 clients (rows/s)", [r["B2"]["rate"] for r in runs], "/s")
    b3 = row("B3", "GET /health, wrk %d connections" % CONNECTIONS, [r["B3"]["rate"] for r in runs], "/s")
    b4 = row("B4", "UPDATE of %s rows WHERE event_id = $1 (raw SQL)" % "{:,}".format(SETTLE_BETS), [r["B4"]["seconds"] for r in runs], "s")
    wallet = all("B5" in r and "S7" in r and "S8" in r for r in runs)  # measured since the wallet (not in older last-run.json)
    if wallet:
        row("B5", "pgbench double-entry transfer (2 accounts locked in id order, 2 entries, 2 balances), %d clients, "
            "%s accounts (TPS)" % (CONNECTIONS, "{:,}".format(LEDGER_ACCOUNTS)), [r["B5"]["rate"] for r in runs], "/s")
    s1_ratios = [r["S1"]["rate"] / r["B1"]["rate"] for r in runs]
    s1 = row("S1", "POST /bet, %d connections, %d events (bets/s)" % (CONNECTIONS, EVENTS), [r["S1"]["rate"] for r in runs], "/s",
             "%.2f × B1" % statistics.median(s1_ratios))
    s1_p50 = row("", "S1 latency p50", [r["S1"]["p50_ms"] for r in runs], "ms")
    s1_p99 = row("", "S1 latency p99", [r["S1"]["p99_ms"] for r in runs], "ms")
    row("", "S1 latency p99.9", [r["S1"]["p999_ms"] for r in runs], "ms")
    s1_errors = sum(r["S1"]["errors"] for r in runs)
    s1_durable = all(r["S1"]["durable"] for r in runs)
    rows.append(("", "S1 errors / every 201 stored", str(s1_errors), "stored %s" % ", ".join(str(r["S1"]["stored"]) for r in runs),
                 "yes" if s1_durable else "NO"))
    if all("cpu_us_per_bet" in r["S1"] for r in runs):
        row("", "S1 CPU per bet: line-provider + bet-maker CPU time / bets stored", [r["S1"]["cpu_us_per_bet"] for r in runs], "µs")
    if wallet:
        for name, what, base in (
                ("S7", "POST /bet with the wallet, %d connections, %s funded players (bets/s)"
                 % (CONNECTIONS, "{:,}".format(len(S7_PLAYERS))), ("B5", "B1")),
                ("S8", "the same as one player on all %d connections: one hot balance (bets/s)" % CONNECTIONS, ("S7",))):
            row(name, what, [r[name]["rate"] for r in runs], "/s",
                ", ".join("%.2f × %s" % (statistics.median(r[name]["rate"] / r[b]["rate"] for r in runs), b) for b in base))
            row("", "%s latency p99" % name, [r[name]["p99_ms"] for r in runs], "ms")
            row("", "%s CPU per bet: line-provider + bet-maker CPU time / bets stored" % name,
                [r[name]["cpu_us_per_bet"] for r in runs], "µs")
            rows.append(("", "%s errors / every 201 stored / ledger verify" % name, str(sum(r[name]["errors"] for r in runs)),
                         "stored %s" % ", ".join(str(r[name]["stored"]) for r in runs),
                         "%s / %s" % ("yes" if all(r[name]["durable"] for r in runs) else "NO",
                                      "passed" if all(r[name]["ledger_ok"] for r in runs) else "FAILED")))
    s1a_ratios = [r["S1A"]["rate"] / r["S1A"]["B1"]["rate"] for r in runs]
    row("B1", "B1 again, beside S1A", [r["S1A"]["B1"]["rate"] for r in runs], "/s")
    row("S1A", "S1 against one JVM: `java -jar … all`, no JVM flags, shipped configuration", [r["S1A"]["rate"] for r in runs], "/s",
        "%.2f × B1" % statistics.median(s1a_ratios))
    row("", "S1A latency p99", [r["S1A"]["p99_ms"] for r in runs], "ms")
    s1a_errors = sum(r["S1A"]["errors"] for r in runs)
    s1a_durable = all(r["S1A"]["durable"] for r in runs)
    rows.append(("", "S1A errors / every 201 stored", str(s1a_errors), "", "yes" if s1a_durable else "NO"))
    s2_ratios = [r["S2"]["rate"] / r["B3"]["rate"] for r in runs]
    s2 = row("S2", "bet-maker GET /events (RabbitMQ request/reply)", [r["S2"]["rate"] for r in runs], "/s",
             "%.2f × B3" % statistics.median(s2_ratios))
    s2_p50 = row("", "S2 latency p50", [r["S2"]["p50_ms"] for r in runs], "ms")
    s2_p99 = row("", "S2 latency p99", [r["S2"]["p99_ms"] for r in runs], "ms")
    s3_ratios = [r["S3"]["seconds"] / r["B4"]["seconds"] for r in runs]
    s3 = row("S3", "settle %s PENDING bets: PUT → last bet WON" % "{:,}".format(SETTLE_BETS), [r["S3"]["seconds"] for r in runs], "s",
             "%.2f × B4" % statistics.median(s3_ratios))
    b4l = row("B4L", "UPDATE of %s rows WHERE event_id = $1 (raw SQL)" % "{:,}".format(HUGE_EVENT_BETS),
              [r["B4L"]["seconds"] for r in runs], "s")
    s3l_ratios = [r["S3L"]["seconds"] / r["B4L"]["seconds"] for r in runs]
    row("S3L", "settle %s PENDING bets of one event, bet-maker at -Xmx96m" % "{:,}".format(HUGE_EVENT_BETS),
        [r["S3L"]["seconds"] for r in runs], "s", "%.2f × B4L" % statistics.median(s3l_ratios))
    row("", "S3L bet-maker heap used, highest sample while settling", [r["S3L"]["heap_peak_mb"] for r in runs], "MB")
    s3l_ok = all(r["S3L"]["alive"] and r["S3L"]["settled"] == HUGE_EVENT_BETS for r in runs)
    for name in ("line-provider", "bet-maker"):
        row("S4", "%s RSS idle" % name, [idle[name]["rss_mb"]], "MB")
        row("", "%s RSS / heap at the end of S1" % name, [r["S4"][name]["rss_mb"] for r in runs], "MB",
            "heap %s" % fmt(statistics.median(r["S4"][name]["heap_mb"] for r in runs), "MB"))
    s5 = row("S5", "1000 websocket clients: PUT → each client's message, p99", [r["S5"]["p99_ms"] for r in runs], "ms")
    row("", "S5 p50", [r["S5"]["p50_ms"] for r in runs], "ms")
    if all("round_p99_ms" in r["S5"] for r in runs):
        row("", "S5 first round after the client starts (not measured above: both sides cold), p99",
            [r["S5"]["round_p99_ms"][0] for r in runs], "ms")
    s5_missed = sum(r["S5"]["missed"] for r in runs)
    b1_s6 = row("B1", "B1 again, beside S6", [r["S6"]["B1"]["rate"] for r in runs], "/s")
    for key, what in (("direct", "S1 straight to one of two clustered bet-makers"),
                      ("one", "S1 through HAProxy → 1 bet-maker"),
                      ("two", "S1 through HAProxy → 2 clustered bet-makers")):
        row("S6" if key == "direct" else "", what, [r["S6"][key]["rate"] for r in runs], "/s",
            "%.2f × B1" % statistics.median(r["S6"][key]["rate"] / r["S6"]["B1"]["rate"] for r in runs))
        row("", "  p99", [r["S6"][key]["p99_ms"] for r in runs], "ms")
        row("", "  PostgreSQL commits per 1,000 bets", [r["S6"][key]["commits_per_1000_bets"] for r in runs], "")
        row("", "  both bet-makers' CPU (cores)", [r["S6"][key]["service_cpu_cores"] for r in runs], "")
    s6_errors = sum(r["S6"][k]["errors"] for r in runs for k in ("direct", "one", "two"))
    s6_durable = all(r["S6"][k]["durable"] for r in runs for k in ("direct", "one", "two"))
    rows.append(("", "S6 errors / every 201 stored", str(s6_errors), "", "yes" if s6_durable else "NO"))
    row("", "S6 clustered bet-maker RSS / heap, the larger of the two, at the end", [r["S6"]["rss_mb"] for r in runs], "MB",
        "heap %s" % fmt(statistics.median(r["S6"]["heap_mb"] for r in runs), "MB"))

    rss_end = max(r["S4"][name]["rss_mb"] for r in runs for name in ("line-provider", "bet-maker"))
    checks = [
        ("S1 ≥ 2.5 × B1 at p99 ≤ 50 ms, 0 errors, every 201 stored",
         statistics.median(s1_ratios) >= 2.5 and s1_p99 <= 50 and s1_errors == 0 and s1_durable),
        ("S1 ≥ 1.0 × B1 at p99 ≤ 50 ms, 0 errors, every 201 stored (the earlier floor)",
         statistics.median(s1_ratios) >= 1.0 and s1_p99 <= 50 and s1_errors == 0 and s1_durable),
        ("S1A (one JVM, `all`, shipped defaults) ≥ 1.5 × B1, 0 errors, every 201 stored",
         statistics.median(s1a_ratios) >= 1.5 and s1a_errors == 0 and s1a_durable),
        ("S2 ≥ 0.5 × B3", statistics.median(s2_ratios) >= 0.5),
        ("S2 ≥ 5,000 req/s at p99 ≤ 20 ms", s2 >= 5000 and s2_p99 <= 20),
        ("S3 ≤ 1.3 × B4", statistics.median(s3_ratios) <= 1.3),
        ("S3L %s bets settled in bet-maker's 96 MB heap, no OutOfMemoryError" % "{:,}".format(HUGE_EVENT_BETS), s3l_ok),
        ("S4 each service ≤ 256 MB RSS at the end of S1", rss_end <= 256),
        ("S5 p99 ≤ 100 ms, no message missed", s5 <= 100 and s5_missed == 0),
        ("S6 no errors through HAProxy, every 201 stored", s6_errors == 0 and s6_durable),
    ] + (wallet_checks(runs) if wallet else [])
    tool = {
        "wrk in S1 (cores)": statistics.median(r["S1"]["tool_cpu_cores"] for r in runs),
        "wrk in S2 (cores)": statistics.median(r["S2"]["tool_cpu_cores"] for r in runs),
        "websocket client in S5 (CPU s per run)": statistics.median(r["S5"]["client_cpu_s"] for r in runs),
        "line-provider in S1 (cores)": statistics.median(r["S1"]["service_cpu_cores"]["line-provider"] for r in runs),
        "bet-maker in S1 (cores)": statistics.median(r["S1"]["service_cpu_cores"]["bet-maker"] for r in runs),
    }
    if wallet:
        tool["wrk in S7 (cores)"] = statistics.median(r["S7"]["tool_cpu_cores"] for r in runs)
        tool["line-provider + bet-maker in S7 (cores)"] = statistics.median(r["S7"]["service_cpu_cores"] for r in runs)

    table = ["| | what | median | min – max | ratio |", "|---|---|---|---|---|"]
    table += ["| %s | %s | %s | %s | %s |" % r for r in rows]
    verdicts = ["| target | result |", "|---|---|"] + ["| %s | %s |" % (what, "PASS" if ok else "FAIL") for what, ok in checks]
    cpu = ["| process | CPU |", "|---|---|"] + ["| %s | %.2f |" % (k, v) for k, v in tool.items()]
    print("\n".join(table))
    print()
    print("\n".join(verdicts))
    print()
    print("\n".join(cpu))
    print("\nbench: %d repetition(s) in %.0f s" % (len(runs), elapsed))

    if not args.report_only:
        with open(os.path.join(RESULTS, "last-run.json"), "w") as f:
            json.dump({"runs": runs, "idle": idle, "elapsed_s": elapsed, "quick": args.quick, "measured_at": measured_at}, f, indent=1)
    if args.quick or args.no_docs:
        return
    info = machine()
    notes_file = os.path.join(BENCH, "notes.md")
    notes = open(notes_file).read() if os.path.exists(notes_file) else ""
    doc = ["# Benchmarks", "",
           "Whole system over loopback on this machine, measured by `bench/run` (a quick spot check: `bench/run --quick`).",
           "Figures are ratios to baselines measured in the same run: the machine is shared and noisy, absolute numbers drift.",
           "", "## Last run", "",
           "- date: %s" % measured_at,
           "- machine: %d CPUs (`nproc`), %s GiB memory, %s, Linux %s" % (info["nproc"], info["memory_gib"], info["cpu"], info["kernel"]),
           "- %s; PostgreSQL %s (synchronous_commit on, fsync on)" % (info["java"], info["postgresql"]),
           "- services: the fat jar, one JVM each (`MALLOC_ARENA_MAX=2 java %s -jar launcher/target/event-walker.jar line-provider|bet-maker`), "
           "everything (PostgreSQL, RabbitMQ, Redis, the services and the load tools) on the same %d cores" % (" ".join(JVM_OPTIONS), info["nproc"]),
           "- %d repetition(s); S1, S7 and S8 run %d s, the others %d s each, after a %d s warm-up; the command: `bench/run`" % (len(runs), 15, 10, 25),
           "", "\n".join(table), "", "### Targets", "", "\n".join(verdicts), "",
           "### CPU of the load tools and the services", "", "\n".join(cpu), "",
           "### Where a bet's time goes in S1", "",
           "Means of the services' own timers (`/metrics`) over each repetition; median of the repetitions (min – max). "
           "A bet waits for a group, then for a connection; the group's transaction holds it while line-provider is asked "
           "(the line check, whose query is line-provider's) and until its commit.", "",
           "\n".join(bet_time_table({name: [r[name]["time"] for r in runs] for name in ("S1", "S1A", "S7", "S8")
                                     if all(name in r and "time" in r[name] for r in runs)})
                     if all("time" in r["S1"] and "time" in r["S1A"] for r in runs) else ["(not measured in this run)"]), "",
           "### How each figure is taken", "",
           "- B1: `pgbench -c %d -j 2 -f bench/sql/b1_insert_one.sql` into `bench_baseline.bets`, a conventional bets table (bet-maker's columns but `player_id`, its checks, fillfactor 100, a partial index of PENDING bets; `bench/sql/bets_table.sql`)." % CONNECTIONS,
           "- B2: `pgbench -c 8 -j 2 -f bench/sql/b2_insert_hundred.sql`, 100 rows per transaction; rows/s = TPS × 100.",
           "- B3: `wrk -t2 -c%d` on bet-maker's `GET /health` (the HTTP ceiling of the same server and settings)." % CONNECTIONS,
           "- B4: `UPDATE … SET status, payout, settled_at WHERE event_id = $1 AND status = 'PENDING'` of %s rows in `bench_baseline.bets`, timed by psql." % "{:,}".format(SETTLE_BETS),
           "- B5: `pgbench -c %d -j 2 -f bench/sql/b5_transfer.sql` on `bench_ledger` (`bench/sql/ledger_tables.sql`: %s accounts, append-only entries): per transaction one transfer between a random pair of accounts, both locked `FOR UPDATE` in id order, two entries with the balance after each, two balances updated; what a PostgreSQL ledger does per transfer." % (CONNECTIONS, "{:,}".format(LEDGER_ACCOUNTS)),
           "- S1: `wrk -t2 -c%d -s bench/lua/bet.lua`: unique bodies over %d open events; afterwards the rows are counted (every 201 must be stored)." % (CONNECTIONS, EVENTS),
           "- S7: `wrk -t2 -c%d -s bench/lua/bet_players.lua`: S1's bodies, each request as the next of %s players in turn (their tokens signed with the run's `AUTH_JWT_SECRET`), every player funded through `POST /wallet/deposits` for the run first; every stake is debited from its player's wallet in the transaction that stores the bet. Afterwards the rows are counted (every 201 must be stored) and `java -jar … ledger verify` must pass." % (CONNECTIONS, "{:,}".format(len(S7_PLAYERS))),
           "- S8: S7 with one player on all %d connections: every group of bets locks and updates the same balance." % CONNECTIONS,
           "- CPU per bet (S1, S7, S8): the CPU time (user + system, `/proc/<pid>/stat`) line-provider's and bet-maker's JVMs used during the wrk run, divided by the bets stored in it.",
           "- S1A: S1 against `java -jar launcher/target/event-walker.jar all` started with no JVM flags and the shipped configuration (only this run's ports, schemas and names, and the per-client limits off, as in S1), after the same warm-up, with B1 measured again beside each repetition.",
           "- S2: `wrk -t2 -c%d` on bet-maker's `GET /events` with %d open events." % (CONNECTIONS, EVENTS),
           "- S3: %s PENDING bets on one event (placed through the API: one, then the rest in batches of 1000, 8 at a time), then `PUT` `FINISHED_WIN` at line-provider; the time until no bet of the event is PENDING." % "{:,}".format(SETTLE_BETS),
           "- B4L, S3L: the same with %s bets on one event; bet-maker settles them in chunks of `BM_SETTLE_CHUNK` (each its own transaction); its heap is sampled from /metrics while it settles." % "{:,}".format(HUGE_EVENT_BETS),
           "- S4: VmRSS of each JVM from /proc and heap used from its /metrics, idle and at the end of S1.",
           "- S5: `bench/target/event-walker-bench.jar`: 1000 websocket clients on `events.<id>`; each round a ratio `PUT`; latency = PUT sent → the client's message. "
           "The client is a fresh JVM each time; its first %d rounds (20 ms apart, not measured) warm the path of a ratio change, which nothing before S5 runs, "
           "then 20 rounds 100 ms apart are measured. The first round's p99 (both sides cold) is shown beside it. Before S5 the million settled bets of S3L are deleted, "
           "bet-maker's bets vacuumed and a `CHECKPOINT` written, so S5 does not share the disk with that clean-up." % S5_WARMUP_ROUNDS,
           "- S6: after the other scenarios, the single bet-maker is replaced by two clustered ones (Hazelcast on loopback) and S1's load is sent straight to one of them, through HAProxy (`deploy/haproxy.cfg`) with that one alone behind it, and through HAProxy with both; B1 is measured again beside them.",
           "", notes]
    with open(DOC, "w") as f:
        f.write("\n".join(doc).rstrip() + "\n")
    log("bench: wrote %s" % os.path.relpath(DOC, ROOT))


if __name__ == "__main__":
    main()
