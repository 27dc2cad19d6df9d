"""Running Event Walker from its fat jar and driving the machine's backing services, for
bench/ (the benchmark) and faults/ (the reliability suite). Nothing here is used by the services."""
import decimal
import json
import os
import re
import signal
import subprocess
import time
import urllib.error
import urllib.request
import uuid

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
JAR = os.path.join(ROOT, "launcher", "target", "event-walker.jar")

PG_HOST = os.environ.get("PG_HOST", "127.0.0.1")
PG_PORT = os.environ.get("PG_PORT", "5432")
PG_USER = os.environ.get("PG_USER", "postgres")
PG_DATABASE = os.environ.get("PG_DATABASE", "postgres")

JVM_OPTIONS = os.environ.get("EW_JVM_OPTIONS",
                             "-Xmx96m -XX:+UseSerialGC -Xss512k -XX:ReservedCodeCacheSize=64m -XX:MaxMetaspaceSize=96m").split()


def run(cmd, check=True, capture=True, env=None, timeout=600, input=None):
    result = subprocess.run(cmd, check=False, text=True, env=env, timeout=timeout, input=input,
                            stdout=subprocess.PIPE if capture else None, stderr=subprocess.STDOUT if capture else None)
    if check and result.returncode != 0:
        raise RuntimeError("%s failed (%d): %s" % (" ".join(cmd), result.returncode, result.stdout))
    return result


def names(env):
    """The names the services use on PostgreSQL, Redis and RabbitMQ under `env` on top of conf/,
    as the jar derives them (`java -jar event-walker.jar names`): scripts never spell them twice."""
    result = run(["java", "-jar", JAR, "names"], env={**os.environ, **env}, timeout=120)
    return json.loads(result.stdout[result.stdout.index("{"):])


def conf_value(service, key, env):
    """A key of conf/<service>.json as the service reads it: the environment (`env` on top of this process's) wins."""
    merged = {**os.environ, **env}
    if key in merged:
        return merged[key]
    with open(os.path.join(ROOT, "conf", service + ".json")) as conf:
        return str(json.load(conf)[key])


def psql(sql, timing=False, check=True, timeout=600):
    cmd = ["psql", "-h", PG_HOST, "-p", PG_PORT, "-U", PG_USER, "-d", PG_DATABASE, "-v", "ON_ERROR_STOP=1", "-qAt"]
    if timing:
        cmd += ["-c", "\\timing on"]
    # The statement goes in on standard input: it may be longer than one argument may be (thousands of ids).
    result = run(cmd + ["-f", "-"], check=check, timeout=timeout, input=sql)
    return result.stdout.strip()


def http(method, port, path, body=None, headers=None, timeout=10):
    """(status, text); status 0 when the connection failed or timed out."""
    status, text, _ = http_with_headers(method, port, path, body, headers, timeout)
    return status, text


# The bearer token sent to each port (set_bearer), unless a request names its own Authorization.
BEARERS = {}


def set_bearer(port, token):
    BEARERS[port] = token


def token(env, name, operator=False):
    """A token the services under `env` accept (`java -jar event-walker.jar token NAME [--operator]`)."""
    result = run(["java", "-jar", JAR, "token", name] + (["--operator"] if operator else []),
                 env={**os.environ, **env}, timeout=120)
    return result.stdout.strip().splitlines()[-1]


def http_with_headers(method, port, path, body=None, headers=None, timeout=10):
    """(status, text, response headers); status 0 when the connection failed or timed out."""
    data = None if body is None else (body if isinstance(body, bytes) else json.dumps(body).encode())
    sent = {"Content-Type": "application/json"}
    if port in BEARERS:
        sent["Authorization"] = "Bearer " + BEARERS[port]
    sent.update(headers or {})
    request = urllib.request.Request("http://127.0.0.1:%d%s" % (port, path), data=data, method=method, headers=sent)
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.status, response.read().decode(), dict(response.headers)
    except urllib.error.HTTPError as e:
        return e.code, e.read().decode(), dict(e.headers)
    except (urllib.error.URLError, OSError):
        return 0, "", {}


# The most one deposit may move (SPEC §7: amounts are at most 1 000 000 000.00).
MAX_DEPOSIT = decimal.Decimal("1000000000.00")


def deposit(port, player, amount, operator_token, seconds=60):
    """Credits `amount` (at most MAX_DEPOSIT) to `player`'s wallet at the bet-maker on port, as the operator of
    `operator_token` (POST /wallet/deposits): the entry it answers. Every try carries the same Idempotency-Key: one
    that got no answer, a 5xx, a 409 (the first try still in progress) or a 429 is sent again until 201 or the
    deadline, and a try that went through is answered with the first deposit, never a second one."""
    body = {"player_id": player, "amount": str(decimal.Decimal(amount).quantize(decimal.Decimal("0.01")))}
    headers = {"Authorization": "Bearer " + operator_token, "Idempotency-Key": str(uuid.uuid4())}
    deadline = time.time() + seconds
    while True:
        status, text, answered = http_with_headers("POST", port, "/wallet/deposits", body, headers, timeout=15)
        if status == 201:
            return json.loads(text)
        if not (status in (0, 409, 429) or status >= 500) or time.time() > deadline:
            raise RuntimeError("a deposit of %s to %s (port %d) answered %d %s" % (body["amount"], player, port, status, text))
        time.sleep(float(answered.get("Retry-After", "0.2")) if status == 429 else 0.2)


def fund(port, player, amount, operator_token):
    """Deposits `amount` to `player`'s wallet in as many deposits as it takes (each at most MAX_DEPOSIT)."""
    left = decimal.Decimal(amount)
    while left > 0:
        deposit(port, player, min(left, MAX_DEPOSIT), operator_token)
        left -= MAX_DEPOSIT


def ledger_verify(env):
    """`java -jar event-walker.jar ledger verify` on bet-maker's database under `env` on top of conf/ (the
    environment the services run with): (True when every invariant of the ledger holds, what it printed)."""
    result = run(["java", "-jar", JAR, "ledger", "verify"], check=False, env={**os.environ, **env}, timeout=600)
    return result.returncode == 0, result.stdout.strip()


def heap_mb(port):
    """Heap used by the JVM serving HTTP on port, from its /metrics (MB)."""
    status, text = http("GET", port, "/metrics")
    total = 0.0
    for line in text.splitlines():
        if line.startswith("jvm_memory_used_bytes") and 'area="heap"' in line:
            total += float(line.rsplit(" ", 1)[1])
    return total / 1024 / 1024


def wait_until(what, seconds, condition, interval=0.1):
    """Polls condition() until it is true; returns the seconds it took; raises after the deadline."""
    started = time.time()
    while True:
        if condition():
            return time.time() - started
        if time.time() - started > seconds:
            raise TimeoutError("timed out after %d s waiting for %s" % (seconds, what))
        time.sleep(interval)


class Services:
    """line-provider and bet-maker as two JVMs started from the fat jar."""

    def __init__(self, env, ports, log_dir):
        self.env = dict(os.environ, MALLOC_ARENA_MAX="2", **env)
        self.ports = ports
        self.log_dir = log_dir
        self.processes = {}

    def start(self, name, jvm_extra=(), wait=True, env=None, service=None):
        """Starts a service; env adds to (or overrides) the environment of this start only. `name` is
        the service, or, with `service`, one instance of it (several instances have their own names)."""
        os.makedirs(self.log_dir, exist_ok=True)
        out = open(os.path.join(self.log_dir, name + ".log"), "a")
        self.processes[name] = subprocess.Popen(["java"] + JVM_OPTIONS + list(jvm_extra) + ["-jar", JAR, service or name],
                                                env=dict(self.env, **(env or {})), stdout=out, stderr=subprocess.STDOUT)
        if wait:
            self.wait_ready(name)

    def wait_ready(self, name, seconds=120):
        def ready():
            if self.processes[name].poll() is not None:
                raise RuntimeError("%s exited (%s); see %s" % (name, self.processes[name].returncode, self.log(name)))
            return http("GET", self.ports[name], "/ready", timeout=2)[0] == 200
        return wait_until(name + " ready", seconds, ready, interval=0.2)

    def log(self, name):
        return os.path.join(self.log_dir, name + ".log")

    def pid(self, name):
        return self.processes[name].pid

    def alive(self, name):
        return name in self.processes and self.processes[name].poll() is None

    def signal(self, name, sig):
        os.kill(self.processes[name].pid, sig)

    def wait_exit(self, name, seconds=60):
        return self.processes[name].wait(seconds)

    def kill(self, name):
        if self.alive(name):
            self.signal(name, signal.SIGKILL)
            self.processes[name].wait(30)

    def stop(self, name=None):
        for key in ([name] if name else list(self.processes)):
            process = self.processes.get(key)
            if process is None or process.poll() is not None:
                continue
            process.terminate()
            try:
                process.wait(20)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(10)


# ---- the machine's backing services ----

def postgres_cluster():
    return sorted(os.listdir("/etc/postgresql"))[0]


def postgres_up():
    return run(["pg_isready", "-h", PG_HOST, "-p", PG_PORT], check=False).returncode == 0


def postgres_stop_immediately():
    run(["pg_ctlcluster", "--skip-systemctl-redirect", postgres_cluster(), "main", "stop", "-m", "immediate"], check=False)


def postgres_start():
    if not postgres_up():
        run(["pg_ctlcluster", "--skip-systemctl-redirect", postgres_cluster(), "main", "start"], check=False)
    wait_until("PostgreSQL", 60, postgres_up, interval=0.2)


def redis_up():
    return run(["redis-cli", "-h", "127.0.0.1", "-p", "6379", "ping"], check=False).stdout.strip() == "PONG"


def redis_shutdown():
    run(["redis-cli", "-h", "127.0.0.1", "-p", "6379", "shutdown", "nosave"], check=False)
    wait_until("Redis to stop", 30, lambda: not redis_up())


def redis_start():
    if not redis_up():
        os.makedirs("/var/lib/redis", exist_ok=True)
        os.makedirs("/var/log/redis", exist_ok=True)
        run(["redis-server", "--daemonize", "yes", "--bind", "127.0.0.1", "-::1", "--port", "6379", "--save", "",
             "--appendonly", "no", "--dir", "/var/lib/redis", "--logfile", "/var/log/redis/ci.log"], check=False)
    wait_until("Redis", 30, redis_up, interval=0.2)


def rabbit_up():
    return run(["rabbitmq-diagnostics", "-q", "check_port_connectivity"], check=False, timeout=60).returncode == 0


def rabbit_stop_app():
    run(["rabbitmqctl", "-q", "stop_app"], timeout=120)


def rabbit_start_app():
    run(["rabbitmqctl", "-q", "start_app"], timeout=180)
    wait_until("RabbitMQ", 120, rabbit_up, interval=0.5)


def rabbit_kill():
    """kill -9 of the broker's Erlang VM (its queues on disk survive)."""
    pids = run(["pgrep", "-f", "beam.smp.*rabbit"], check=False).stdout.split()
    for pid in pids:
        os.kill(int(pid), signal.SIGKILL)
    wait_until("RabbitMQ to die", 30, lambda: not run(["pgrep", "-f", "beam.smp.*rabbit"], check=False).stdout.strip())


def rabbit_start():
    if not rabbit_up():
        if not run(["pgrep", "-f", "beam.smp.*rabbit"], check=False).stdout.strip():
            run(["rabbitmq-server", "-detached"], check=False, timeout=60)
        else:
            run(["rabbitmqctl", "-q", "start_app"], check=False, timeout=180)
    wait_until("RabbitMQ", 180, rabbit_up, interval=0.5)


def rabbit_ctl(*args, check=True):
    return run(["rabbitmqctl", "-q"] + list(args), check=check, timeout=120).stdout


def queue_depth(queue, vhost="/"):
    """The messages `queue` holds now, ready or delivered and not yet acknowledged (0: its consumers acknowledged every
    message published to it); None when there is no such queue (or, a moment after the broker started, no leader of a
    quorum queue yet). Asked of the queue itself: `rabbitmqctl list_queues` reads a quorum queue's counts from metrics
    it emits every few seconds (a message published a moment ago, or still unacknowledged, can read as none)."""
    if not re.fullmatch(r"[A-Za-z0-9._:-]+", queue) or not re.fullmatch(r"[A-Za-z0-9._/-]+", vhost):
        raise ValueError("not a queue name the harness uses: %s %s" % (vhost, queue))
    held = run(["rabbitmqctl", "-q", "eval",
                'case rabbit_amqqueue:lookup(rabbit_misc:r(<<"%s">>, queue, <<"%s">>)) of'
                ' {ok, Q} -> case amqqueue:get_type(Q) of'
                '   rabbit_quorum_queue -> {ok, {_, Held}, _} = ra:local_query(amqqueue:get_pid(Q), fun rabbit_fifo:query_messages_total/1), Held;'
                '   _ -> proplists:get_value(messages, rabbit_amqqueue:info(Q, [messages]))'
                ' end;'
                ' _ -> none'
                ' end.' % (vhost, queue)], check=False, timeout=60)
    out = held.stdout.strip()
    return int(out) if held.returncode == 0 and out.isdigit() else None


def ensure_rabbit_users():
    """The RabbitMQ users the services connect as (bin/rabbitmq-users: idempotent)."""
    run([os.path.join(ROOT, "bin", "rabbitmq-users")], timeout=180)


def publish_as(user, password, exchange, routing_key, body, user_id=None):
    """Publishes one message as a RabbitMQ user (faults/Publish.java, with the fat jar's client):
    True when the broker confirmed it, False when it refused it."""
    result = run(["java", "-cp", JAR, os.path.join(ROOT, "faults", "Publish.java"), user, password, exchange, routing_key,
                  user_id or "-", body], check=False, timeout=120)
    if result.returncode not in (0, 3):
        raise RuntimeError("Publish.java failed: %s" % result.stdout)
    return result.returncode == 0


def ensure_backing_services():
    """Starts whichever of PostgreSQL, Redis and RabbitMQ is not answering."""
    postgres_start()
    redis_start()
    rabbit_start()
    if rabbit_ctl("eval", "vm_memory_monitor:get_vm_memory_high_watermark().", check=False).strip() in ("0", "0.0"):
        rabbit_ctl("set_vm_memory_high_watermark", "0.4")


def rss_mb(pid):
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return float("nan")


def process_cpu_seconds(pid):
    with open("/proc/%d/stat" % pid) as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def grep_log(path, pattern):
    if not os.path.exists(path):
        return []
    with open(path, errors="replace") as f:
        return [line.rstrip() for line in f if re.search(pattern, line)]
