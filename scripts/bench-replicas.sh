#!/usr/bin/env bash
# The job store side by side: SQLite (one process) and PostgreSQL (one replica, two replicas), over
# two simulated oVirt engines on loopback. Prints one markdown table:
#   - creates accepted per second (POST /api/v1/vms, --clients at once, round-robin over replicas);
#   - the time from `kill -9` of the replica running a job to the job running again on another
#     (PostgreSQL with two replicas; it depends on jobs.lease, which the table states);
#   - `?wait=` latency after the engine finished: from the line the running replica logs when the
#     job succeeded to the answer of a create's long-poll, on the same replica and on the other.
#
#   scripts/bench-replicas.sh [--creates 200] [--clients 8] [--runs 3] [--lease 5s] [--async-ms 300]
#                             [--debug] [--skip-build] [--output FILE]
#
# Installs what is missing (system packages with PostgreSQL, the Python virtualenv), builds
# release (--debug: the debug build), runs Debian's PostgreSQL with scripts/postgres-local.sh and
# stops every process it started, whatever happens.
set -euo pipefail
cd "$(dirname "$0")/.."

CONFIGURATION=release
SKIP_BUILD=0
for arg in "$@"; do
    [ "$arg" = "--skip-build" ] && SKIP_BUILD=1
    [ "$arg" = "--debug" ] && CONFIGURATION=debug
done

bash scripts/setup-system.sh >&2
VENV="$(bash scripts/python-env.sh)"
SCRATCH="${SCRATCH:-.build}"
if [ "$SKIP_BUILD" -eq 0 ]; then
    swift build -c "$CONFIGURATION" --scratch-path "$SCRATCH" --product aggregator >&2
    swift build -c "$CONFIGURATION" --scratch-path "$SCRATCH" --product ovirt-sim >&2
fi
BIN="$(swift build -c "$CONFIGURATION" --scratch-path "$SCRATCH" --show-bin-path)"

# The driver replaces this shell, so Ctrl-C reaches it; it stops what it started on every exit.
exec "$VENV/bin/python" - --bin "$BIN" --build "$CONFIGURATION" "$@" <<'PY'
import argparse
import json
import os
import re
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path.cwd()
ENGINES = ["e15-test", "e15"]
STARTED = []


def log(message):
    print(f"[bench-replicas {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def parse_args():
    parser = argparse.ArgumentParser(description="SQLite vs PostgreSQL job stores, one and two replicas")
    parser.add_argument("--bin", required=True)
    parser.add_argument("--build", default="release")
    parser.add_argument("--creates", type=int, default=200, help="creates posted for the acceptance rate")
    parser.add_argument("--clients", type=int, default=8, help="clients posting at once")
    parser.add_argument("--runs", type=int, default=3, help="kills and long-polls measured per column")
    parser.add_argument("--lease", default="5s", help="jobs.lease of the PostgreSQL replicas")
    parser.add_argument("--async-ms", type=int, default=300, help="the simulated engines' asynchronous work")
    parser.add_argument("--output", help="also write the table to this file")
    parser.add_argument("--debug", action="store_true", help="(handled by the shell part)")
    parser.add_argument("--skip-build", action="store_true", help="(handled by the shell part)")
    return parser.parse_args()


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Process:
    """A child in its own session whose output lines a thread reads, each stamped with the
    monotonic time it was read; stopped at exit."""

    def __init__(self, args, name, env=None):
        self.name = name
        self.lines = []
        self.changed = threading.Condition()
        self.proc = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                     env={**os.environ, **(env or {})}, start_new_session=True)
        STARTED.append(self)
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self):
        for raw in self.proc.stdout:
            with self.changed:
                self.lines.append((time.monotonic(), raw.decode("utf-8", "replace").rstrip("\n")))
                self.changed.notify_all()
        with self.changed:
            self.lines.append((time.monotonic(), None))
            self.changed.notify_all()

    def wait_for(self, pattern, timeout=120):
        """(time read, match) of the first line matching `pattern`."""
        regex = re.compile(pattern)
        deadline = time.monotonic() + timeout
        index = 0
        with self.changed:
            while True:
                while index < len(self.lines):
                    stamp, line = self.lines[index]
                    index += 1
                    if line is None:
                        tail = "\n".join(l for _, l in self.lines[-30:] if l)
                        raise RuntimeError(f"{self.name} ended without '{pattern}':\n{tail}")
                    found = regex.search(line)
                    if found:
                        return stamp, found
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise TimeoutError(f"{self.name}: no '{pattern}' within {timeout} s")
                self.changed.wait(remaining)

    def kill(self):
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait(timeout=30)

    def stop(self):
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.kill()
        if self in STARTED:
            STARTED.remove(self)


def request(method, url, body=None, timeout=60):
    data = None if body is None else json.dumps(body, ensure_ascii=False).encode()
    req = urllib.request.Request(url, data=data, method=method, headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(req, timeout=timeout) as response:
            return response.status, json.loads(response.read() or b"null")
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read() or b"null")


class Simulator(Process):
    def __init__(self, bin_dir, async_ms):
        args = [f"{bin_dir}/ovirt-sim", "--vms", "20", "--hosts", "2", "--async-ms", str(async_ms)]
        for engine in ENGINES:
            args += ["--engine", f"{engine}:0"]
        super().__init__(args, "ovirt-sim")
        self.urls = {}
        for engine in ENGINES:
            _, found = self.wait_for(rf"^{re.escape(engine)} listening on (\S+)$")
            self.urls[engine] = found.group(1)


class Replica(Process):
    def __init__(self, bin_dir, config, name, env, data_dir=None):
        self.replica = name
        self.port = free_port()
        args = [f"{bin_dir}/aggregator", "serve", "--config", str(config), "--port", str(self.port),
                "--log-level", "info"]
        if data_dir:
            args += ["--data-dir", str(data_dir)]
        super().__init__(args, name, env={"OVIRT_SIM_PASSWORD": "admin", **env})
        self.base = f"http://127.0.0.1:{self.port}"
        self.wait_for(r"\] Serving$")
        deadline = time.monotonic() + 120
        while request("GET", f"{self.base}/ready")[0] != 200:  # every engine read once
            assert time.monotonic() < deadline, f"{name} not ready"
            threading.Event().wait(0.1)


def write_config(path, sim, database="", name=None):
    lines = ["defaults:", "  username: admin@internal", "  password_env: OVIRT_SIM_PASSWORD",
             "  request_timeout: 60s", "backends:"]
    for engine, url in sim.urls.items():
        lines += [f"  - name: {engine}", "    type: ovirt", f"    url: {url}"]
    if name:
        lines += ["server:", f"  replica_name: {name}"]
    Path(path).write_text("\n".join(lines) + "\n" + database)
    return path


def vm_body(prefix, index):
    body = json.loads((ROOT / "examples/vm-ovirt.json").read_text())
    body.update(engine=ENGINES[index % 2], name=f"{prefix}_{index:03d}", hostname=f"{prefix}-{index:03d}".replace("_", "-"))
    body["network"] = {"vlan_id": 2922, "name": "2922-app-e15", "nic_name": "enp1s0"}
    body["ip"]["address"] = f"10.105.{250 + index // 200}.{10 + index % 200}"
    body["ip"]["gateway"] = f"10.105.{250 + index // 200}.1"
    body["meta"]["document_num"] = f"{prefix}-{index}"
    return body


def create_networks(replica):
    item = json.loads((ROOT / "examples/create_vlan.json").read_text())[0]
    for engine in ENGINES:
        item["ovirt"]["engine"] = engine
        item["vlan"].update(id=2922, name="2922-app-e15", suffix="")
        status, answer = request("POST", f"{replica.base}/ovirt/create_vlan?wait=300", [item], timeout=400)
        assert status == 200 and answer["jobs"][0]["state"] == "succeeded", answer


def accepted_per_second(args, replicas, prefix):
    bodies = [vm_body(prefix, index) for index in range(args.creates)]

    def post(index):
        status, answer = request("POST", f"{replicas[index % len(replicas)].base}/api/v1/vms", bodies[index])
        assert status == 202, (status, answer)

    started = time.monotonic()
    with ThreadPoolExecutor(max_workers=args.clients) as pool:
        list(pool.map(post, range(args.creates)))
    elapsed = time.monotonic() - started
    log(f"{args.creates} creates accepted in {elapsed:.2f} s")
    return args.creates / elapsed


def wait_latency(runner, waiter, body):
    """Posts `body` to `runner` (which runs the job) and the same body with ?wait= to `waiter`;
    returns ms from the runner's 'Job succeeded' line to the long-poll's answer."""
    status, answer = request("POST", f"{runner.base}/api/v1/vms", body)
    assert status == 202, answer
    job_id = answer["jobs"][0]["id"]
    status, answer = request("POST", f"{waiter.base}/api/v1/vms?wait=600", body, timeout=700)
    answered = time.monotonic()
    assert status == 200 and answer["jobs"][0]["state"] == "succeeded", answer
    finished, _ = runner.wait_for(rf"job\.id={re.escape(job_id)}\b.*\] Job succeeded$", timeout=60)
    return (answered - finished) * 1000


def poll(probe, timeout, pace=0.02):
    deadline = time.monotonic() + timeout
    while True:
        value = probe()
        if value:
            return value
        assert time.monotonic() < deadline, "timed out"
        threading.Event().wait(pace)


def takeover_seconds(args, replicas, make_replica, prefix, run):
    """Kills the replica running a fresh job; seconds until the other shows it running again."""
    victim, other = replicas
    body = vm_body(prefix, 900 + run)
    status, answer = request("POST", f"{victim.base}/api/v1/vms", body)
    assert status == 202, answer
    job_id = answer["jobs"][0]["id"]

    def job():
        return request("GET", f"{other.base}/api/v1/jobs/{job_id}")[1]

    poll(lambda: (j := job())["state"] == "running" and j.get("runner") == victim.replica, 120)
    victim.kill()
    killed = time.monotonic()
    poll(lambda: (j := job())["state"] in ("running", "succeeded") and j.get("runner") == other.replica, 600)
    seconds = time.monotonic() - killed
    request("POST", f"{other.base}/api/v1/vms?wait=600", body, timeout=700)
    victim.stop()
    return seconds, make_replica(victim.replica)


def median(values):
    return statistics.median(values) if values else None


def main():
    args = parse_args()
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    bin_dir = args.bin
    work = Path(tempfile.mkdtemp(prefix="vmagg-bench-"))
    # A directory of its own, which the postgres user can reach when this runs as root.
    pg_dir = Path(tempfile.mkdtemp(prefix="vmagg-bench-pg-"))
    results = {}
    try:
        log("starting PostgreSQL")
        out = subprocess.run(["bash", "scripts/postgres-local.sh", "start", str(pg_dir)], capture_output=True,
                             text=True, check=True)
        url = out.stdout.strip().splitlines()[-1]
        password = url.split("vmagg:", 1)[1].split("@", 1)[0]
        server = url.split("@", 1)[1].rsplit("/", 1)[0]

        def new_database(name):
            subprocess.run(["psql", "-X", "-q", "-h", server.split(":")[0], "-p", server.split(":")[1], "-U", "vmagg",
                            "-d", "vmagg", "-c", f"CREATE DATABASE {name}"], check=True,
                           env={**os.environ, "PGPASSWORD": password})
            return (f"database:\n  url: postgresql://vmagg@{server}/{name}\n  password_env: VMAGG_DB_PASSWORD\n"
                    f"  tls: disable\njobs:\n  lease: {args.lease}\n")

        for column, replicas_wanted, store in [("SQLite, 1 process", 1, "sqlite"),
                                               ("PostgreSQL, 1 replica", 1, "postgresql"),
                                               ("PostgreSQL, 2 replicas", 2, "postgresql")]:
            log(f"{column}: starting")
            sim = Simulator(bin_dir, args.async_ms)
            prefix = f"b{len(results)}"
            database = new_database(f"bench_{len(results)}") if store == "postgresql" else ""
            env = {"VMAGG_DB_PASSWORD": password} if store == "postgresql" else {}

            def make_replica(name):
                config = write_config(work / f"{prefix}-{name}.yaml", sim, database, name)
                data_dir = work / f"{prefix}-data" if store == "sqlite" else None
                return Replica(bin_dir, config, name, env, data_dir)

            replicas = [make_replica(f"r{i + 1}") for i in range(replicas_wanted)]
            create_networks(replicas[0])
            row = {}
            same = [wait_latency(replicas[0], replicas[0], vm_body(prefix, 500 + run)) for run in range(args.runs)]
            row["wait_same"] = (median(same), max(same))
            if len(replicas) == 2:
                other = [wait_latency(replicas[0], replicas[1], vm_body(prefix, 600 + run)) for run in range(args.runs)]
                row["wait_other"] = (median(other), max(other))
                takeovers = []
                for run in range(args.runs):
                    seconds, replacement = takeover_seconds(args, replicas, make_replica, prefix, run)
                    takeovers.append(seconds)
                    replicas[0] = replacement
                row["takeover"] = (median(takeovers), min(takeovers), max(takeovers))
            # Last: the burst's jobs are left running when the column's processes stop.
            row["accepted"] = accepted_per_second(args, replicas, prefix)
            results[column] = row
            for process in list(reversed(STARTED)):
                process.stop()
            log(f"{column}: {row}")
    finally:
        for process in list(reversed(STARTED)):
            process.stop()
        subprocess.run(["bash", "scripts/postgres-local.sh", "stop", str(pg_dir)], capture_output=True)
        subprocess.run(["rm", "-rf", str(work)])

    def ms(pair):
        return "n/a" if pair is None else f"{pair[0]:.0f} (max {pair[1]:.0f})"

    columns = list(results)
    rows = [
        ("creates accepted per second", [f"{results[c]['accepted']:.1f}" for c in columns]),
        (f"kill -9 → taken-over job running again, s (jobs.lease {args.lease}; median, min–max)",
         ["n/a" if "takeover" not in results[c] else
          "{:.1f} ({:.1f}–{:.1f})".format(*results[c]["takeover"]) for c in columns]),
        ("?wait= answer after the job ended, same replica, ms (median, max)",
         [ms(results[c]["wait_same"]) for c in columns]),
        ("?wait= answer after the job ended, other replica, ms (median, max)",
         [ms(results[c].get("wait_other")) for c in columns]),
    ]
    width = max(len(label) for label, _ in rows)
    lines = [f"creates={args.creates} clients={args.clients} runs={args.runs} async_ms={args.async_ms} "
             f"engines={len(ENGINES)} build={args.build} cores={os.cpu_count()}",
             "| " + "measure".ljust(width) + " | " + " | ".join(c.rjust(22) for c in columns) + " |",
             "|-" + "-" * width + "-|" + "|".join("-" * 24 for _ in columns) + "|"]
    for label, values in rows:
        lines.append("| " + label.ljust(width) + " | " + " | ".join(v.rjust(22) for v in values) + " |")
    text = "\n".join(lines) + "\n"
    print(text, end="")
    if args.output:
        Path(args.output).write_text(text)


if __name__ == "__main__":
    main()
PY
