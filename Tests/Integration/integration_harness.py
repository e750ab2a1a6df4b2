"""Process-level harness: real ovirt-sim and aggregator processes on loopback.

Every wait here blocks on a signal with a deadline: a child's output line (read by a thread and
handed over under a condition variable), a socket, or the server's own long-poll. The deadlines
only bound a failure, so they are generous for a loaded machine.
"""
import json
import os
import re
import signal
import socket
import subprocess
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
AGGREGATOR = os.environ.get("AGGREGATOR_BIN", str(ROOT / ".build/debug/aggregator"))
OVIRT_SIM = os.environ.get("OVIRT_SIM_BIN", str(ROOT / ".build/debug/ovirt-sim"))
SEED_ENGINES = ["e15-test", "e15", "e15-2", "n32", "n32-2", "k45"]
LISTENING = re.compile(r"^(\S+) listening on (\S+)$")
# `aggregator serve` and `demo` log "Serving" with the bound address once the listener accepts
# connections (AggregatorApplication.build); in text format the metadata comes before the message.
SERVING = re.compile(r"\bhttp\.address=(http://\S+):(\d+)\b.*\] Serving$")
REQUEST_LINE = re.compile(r"\] Request$|\"message\" ?: ?\"Request\"")
READY_TIMEOUT = 120


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def server_activity(line):
    """A line the aggregator logs about its own work (engine calls, model changes, jobs), not
    the access log line of a request a test made."""
    return not REQUEST_LINE.search(line)


class Process:
    """A child process whose output (stdout and stderr) a thread reads line by line, stopped at
    teardown whatever happens. Waiting for a line blocks on a condition variable until the line comes."""

    def __init__(self, args, env=None, name="proc", pass_fds=()):
        self.name = name
        self._lines = []
        self._ended = False
        self._changed = threading.Condition()
        self.proc = subprocess.Popen(
            args, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, env={**os.environ, **(env or {})},
            start_new_session=True, pass_fds=pass_fds)
        self._reader = threading.Thread(target=self._read, name=f"{name}-output", daemon=True)
        self._reader.start()

    def _read(self):
        for raw in self.proc.stdout:
            line = raw.decode("utf-8", errors="replace").rstrip("\n")
            with self._changed:
                self._lines.append(line)
                self._changed.notify_all()
        with self._changed:
            self._ended = True
            self._changed.notify_all()

    def output(self):
        with self._changed:
            return "".join(line + "\n" for line in self._lines)

    def mark(self):
        """The position after the last line read so far, for ``wait_for(after=...)``."""
        with self._changed:
            return len(self._lines)

    def wait_for(self, pattern, timeout=60, after=0):
        """Blocks until a line at or after position `after` matches `pattern` (a regular
        expression or a predicate on the line) and returns the match (or the line); fails when
        the process ends first or after `timeout` seconds."""
        if callable(pattern):
            matches = lambda line: line if pattern(line) else None  # noqa: E731
        else:
            regex = re.compile(pattern)
            matches = regex.search
        deadline = time.monotonic() + timeout
        index = after
        with self._changed:
            while True:
                while index < len(self._lines):
                    found = matches(self._lines[index])
                    index += 1
                    if found:
                        return found
                if self._ended:
                    raise RuntimeError(f"{self.name} ended ({self.proc.poll()}) without '{pattern}':\n{self._tail()}")
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise TimeoutError(f"{self.name}: no '{pattern}' within {timeout} s:\n{self._tail()}")
                self._changed.wait(remaining)

    def _tail(self):
        return "\n".join(self._lines[-200:])

    def _finish(self):
        self._reader.join(timeout=10)
        self.proc.stdout.close()

    def kill(self):
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait(timeout=30)
        self._finish()

    def stop(self):
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.kill()
        self._finish()


def serving_address(line):
    """(base URL, port) from the line an aggregator logs once it serves, in text or JSON format."""
    found = SERVING.search(line)
    if found:
        host, port = found.group(1), found.group(2)
    elif line.startswith("{") and '"Serving"' in line:
        fields = json.loads(line)
        if fields.get("message") != "Serving":
            return None
        host, _, port = fields["http.address"].rpartition(":")
    else:
        return None
    return host.replace("0.0.0.0", "127.0.0.1") + ":" + port, int(port)


def serving_base(process, timeout=READY_TIMEOUT):
    """Waits for the line an aggregator logs once it accepts connections; returns (base URL, port)."""
    return serving_address(process.wait_for(serving_address, timeout=timeout))


class Simulator(Process):
    """One ovirt-sim process serving the given engines on ephemeral ports; ready once it printed
    '<name> listening on <url>' for every engine."""

    def __init__(self, engines, vms=10, hosts=2, latency_ms=0, extra=()):
        args = [OVIRT_SIM, "--vms", str(vms), "--hosts", str(hosts), "--latency-ms", str(latency_ms), *extra]
        for name in engines:
            args += ["--engine", f"{name}:0"]
        super().__init__(args, name="ovirt-sim")
        self.urls = {}

        def every_engine_listens(line):
            found = LISTENING.search(line)
            if found:
                self.urls[found.group(1)] = found.group(2)
            return set(engines) <= set(self.urls)

        try:
            self.wait_for(every_engine_listens, timeout=READY_TIMEOUT)
        except BaseException:
            self.stop()
            raise


def write_config(path, engines, request_timeout="10s", extra=""):
    lines = ["defaults:", "  password_env: TEST_OVIRT_PASSWORD", f"  request_timeout: {request_timeout}",
             "  connect_timeout: 2s", "backends:"]
    for name, url in engines.items():
        lines += [f"  - name: {name}", "    type: ovirt", f"    url: {url}"]
    Path(path).write_text("\n".join(lines) + "\n" + extra)
    return path


class Aggregator(Process):
    """`aggregator serve` on loopback, ready once it logged that it serves. It logs at debug level,
    so the lines it writes about its own work (engine calls, applied changes) can wake
    ``wait_until``."""

    def __init__(self, config, port=None, extra=()):
        self.port = port or free_port()
        super().__init__([AGGREGATOR, "serve", "--config", str(config), "--port", str(self.port),
                          "--log-level", "debug", *extra],
                         env={"TEST_OVIRT_PASSWORD": "admin"}, name="aggregator")
        try:
            self.base, self.port = serving_base(self)
        except BaseException:
            self.stop()
            raise


class Demo(Process):
    """`aggregator demo`: simulated engines in the process and the API over them, at debug level
    (see ``Aggregator``). Ready once it logged that it serves and printed its banner, whose
    engine lines map each engine to its API URL."""

    BANNER = re.compile(r"^\s+(\S+)\s+(\S+)\s+(http://\S+)$")

    def __init__(self, args, port=None, timeout=READY_TIMEOUT):
        self.port = port or free_port()
        super().__init__([AGGREGATOR, "demo", *args, "--port", str(self.port), "--log-level", "debug"], name="demo")
        try:
            self.base, self.port = serving_base(self, timeout=timeout)
            self.wait_for(r"^Stop with Ctrl-C\.$", timeout=timeout)
        except BaseException:
            self.stop()
            raise
        found = [self.BANNER.match(line) for line in self.output().splitlines()]
        self.kinds = {m.group(1): m.group(2) for m in found if m}
        self.engines = {m.group(1): m.group(3) for m in found if m}


def get_json(url, timeout=30):
    """GET url; returns (status, parsed JSON body)."""
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read() or b"null")


def send_json(url, body=None, method="POST", timeout=30):
    """Sends body as JSON; returns (status, parsed JSON body or None)."""
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(url, data=data, method=method, headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            raw = response.read()
            return response.status, json.loads(raw) if raw else None
    except urllib.error.HTTPError as error:
        raw = error.read()
        return error.code, json.loads(raw) if raw else None


def wait_until(probe, wake, timeout=30, activity=server_activity):
    """Calls probe() until it returns something truthy, and returns that; fails after `timeout`
    seconds. Between two calls it blocks until the process `wake` (the aggregator whose state
    the probe reads) logs a line about its own work (`activity`): the aggregator changes what it
    answers only when it did something, and it logs what it does. The mark is taken before the
    probe, so a change during the probe wakes the next wait at once."""
    deadline = time.monotonic() + timeout
    while True:
        mark = wake.mark()
        value = probe()
        if value:
            return value
        remaining = deadline - time.monotonic()
        assert remaining > 0, f"condition not met within {timeout} s"
        try:
            wake.wait_for(activity, timeout=remaining, after=mark)
        except TimeoutError:
            raise AssertionError(f"condition not met within {timeout} s") from None



FINAL_JOB_STATES = ("succeeded", "failed", "interrupted")


def follow_job(base, job_id, timeout):
    """The job once final: `GET /api/v1/jobs/{id}?wait=&revision=` answers at each recorded change
    (whichever replica records it) or when the job ends, so this waits on the server, never polls."""
    deadline = time.monotonic() + timeout
    revision = 0
    while True:
        remaining = int(deadline - time.monotonic())
        assert remaining > 0, f"job {job_id} not final within {timeout} s"
        status, job = get_json(f"{base}/api/v1/jobs/{job_id}?wait={remaining}&revision={revision}",
                               timeout=remaining + 60)
        assert status == 200, job
        if job["state"] in FINAL_JOB_STATES:
            return job
        assert job["revision"] > revision, f"the long-poll answered without a change: {job}"
        revision = job["revision"]

PVE_SIM = os.environ.get("PVE_SIM_BIN", str(ROOT / ".build/debug/pve-sim"))
# pve-sim's default API token (SimulatedProxmoxAPIToken.default): its id and secret.
PVE_TOKEN_ID = "root@pam!aggregator"
PVE_TOKEN_SECRET = "4f3e2d1c-0b9a-4876-9543-210fedcba987"


class ProxmoxSimulator(Process):
    """One pve-sim process serving the given clusters on ephemeral ports; ready once it printed
    '<name> listening on <url>' for every cluster. ``get``/``send`` call a cluster's API with the
    default token, as the aggregator does; ``admin`` calls its unauthenticated /__sim routes."""

    def __init__(self, clusters, vms=20, nodes=3, task_ms=300, extra=()):
        args = [PVE_SIM, "--vms", str(vms), "--nodes", str(nodes), "--task-ms", str(task_ms), *extra]
        for name in clusters:
            args += ["--engine", f"{name}:0"]
        super().__init__(args, name="pve-sim")
        self.urls = {}

        def every_cluster_listens(line):
            found = LISTENING.search(line)
            if found:
                self.urls[found.group(1)] = found.group(2)
            return set(clusters) <= set(self.urls)

        try:
            self.wait_for(every_cluster_listens, timeout=READY_TIMEOUT)
        except BaseException:
            self.stop()
            raise

    def send(self, cluster, method, path, form=None, timeout=30):
        """Calls `path` (below /api2/json) with the API token; returns (status, reason, data),
        where a refusal's reason is Proxmox VE's message (its first line)."""
        data = None if form is None else urllib.parse.urlencode(form).encode()
        request = urllib.request.Request(self.urls[cluster] + path, data=data, method=method, headers={
            "Authorization": f"PVEAPIToken={PVE_TOKEN_ID}={PVE_TOKEN_SECRET}",
            **({"Content-Type": "application/x-www-form-urlencoded"} if data is not None else {})})
        try:
            with urllib.request.urlopen(request, timeout=timeout) as response:
                return response.status, response.reason, json.loads(response.read() or b"{}").get("data")
        except urllib.error.HTTPError as error:
            return error.code, error.reason, None

    def get(self, cluster, path):
        """The `data` of a GET that must succeed."""
        status, reason, data = self.send(cluster, "GET", path)
        assert status == 200, f"GET {path}: {status} {reason}"
        return data

    def admin(self, cluster, method, path, body=None):
        """Calls the cluster's /__sim admin route `path`; returns the parsed answer."""
        base = self.urls[cluster].split("/api2/json")[0]
        return send_json(base + "/__sim" + path, body, method=method)


def write_proxmox_backend(name, url, options=None):
    """The lines of a `backends:` entry for a pve-sim cluster, authenticated with its default token
    (whose secret ``PROXMOX_ENV`` gives to the aggregator)."""
    lines = [f"  - name: {name}", "    type: proxmox", f"    url: {url}", f"    username: {PVE_TOKEN_ID}",
             "    password_env: TEST_PVE_TOKEN_SECRET"]
    if options:
        lines += ["    options:"] + [f"      {key}: {value}" for key, value in options.items()]
    return "\n".join(lines) + "\n"


PROXMOX_ENV = {"TEST_PVE_TOKEN_SECRET": PVE_TOKEN_SECRET}
