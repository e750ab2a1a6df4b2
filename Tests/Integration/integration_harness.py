"""Process-level harness: real ovirt-sim and aggregator processes on loopback."""
import json
import os
import re
import signal
import socket
import subprocess
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
AGGREGATOR = os.environ.get("AGGREGATOR_BIN", str(ROOT / ".build/debug/aggregator"))
OVIRT_SIM = os.environ.get("OVIRT_SIM_BIN", str(ROOT / ".build/debug/ovirt-sim"))
SEED_ENGINES = ["e15-test", "e15", "e15-2", "n32", "n32-2", "k45"]
LISTENING = re.compile(r"^(\S+) listening on (\S+)")


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Process:
    """A child process whose output goes to a file, stopped at teardown whatever happens."""

    def __init__(self, args, env=None, name="proc"):
        self.log = tempfile.NamedTemporaryFile(prefix=f"{name}-", suffix=".log", delete=False)
        self.proc = subprocess.Popen(
            args, stdout=self.log, stderr=subprocess.STDOUT, env={**os.environ, **(env or {})},
            start_new_session=True)

    def output(self):
        with open(self.log.name, encoding="utf-8", errors="replace") as f:
            return f.read()

    def wait_for(self, pattern, timeout=60):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            found = re.findall(pattern, self.output(), re.M)
            if found:
                return found
            if self.proc.poll() is not None:
                raise RuntimeError(f"process exited with {self.proc.returncode}:\n{self.output()}")
            time.sleep(0.05)
        raise TimeoutError(f"no '{pattern}' within {timeout}s:\n{self.output()}")

    def kill(self):
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait(timeout=10)

    def stop(self):
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.kill()
        os.unlink(self.log.name)


class Simulator(Process):
    """One ovirt-sim process serving the given engines on ephemeral ports."""

    def __init__(self, engines, vms=10, hosts=2, latency_ms=0, extra=()):
        args = [OVIRT_SIM, "--vms", str(vms), "--hosts", str(hosts), "--latency-ms", str(latency_ms), *extra]
        for name in engines:
            args += ["--engine", f"{name}:0"]
        super().__init__(args, name="ovirt-sim")
        self.wait_for(r"^(\S+) listening on (\S+)")
        self.urls = {}
        deadline = time.monotonic() + 30
        while len(self.urls) < len(engines) and time.monotonic() < deadline:
            matches = (LISTENING.match(line) for line in self.output().splitlines())
            self.urls = {m.group(1): m.group(2) for m in matches if m}
            time.sleep(0.05)
        assert len(self.urls) == len(engines), self.output()


def write_config(path, engines, request_timeout="10s", extra=""):
    lines = ["defaults:", "  password_env: TEST_OVIRT_PASSWORD", f"  request_timeout: {request_timeout}",
             "  connect_timeout: 2s", "backends:"]
    for name, url in engines.items():
        lines += [f"  - name: {name}", "    type: ovirt", f"    url: {url}"]
    Path(path).write_text("\n".join(lines) + "\n" + extra)
    return path


class Aggregator(Process):
    def __init__(self, config, port=None):
        self.port = port or free_port()
        super().__init__([AGGREGATOR, "serve", "--config", str(config), "--port", str(self.port)],
                         env={"TEST_OVIRT_PASSWORD": "admin"}, name="aggregator")
        self.base = f"http://127.0.0.1:{self.port}"
        wait_http(self.base + "/health", self)


def wait_http(url, process, timeout=60):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, OSError):
            pass
        if process.proc.poll() is not None:
            raise RuntimeError(f"exited with {process.proc.returncode}:\n{process.output()}")
        time.sleep(0.1)
    raise TimeoutError(f"{url} not up:\n{process.output()}")


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


def wait_until(probe, timeout=30, interval=0.1):
    """Calls probe() until it returns something truthy, and returns that; fails after timeout seconds."""
    deadline = time.monotonic() + timeout
    while True:
        value = probe()
        if value:
            return value
        assert time.monotonic() < deadline, "condition not met within %s s" % timeout
        time.sleep(interval)
