"""Seeded churn against simulated oVirt engines, and the check that the aggregator's live model
follows it: used by test_chaos.py (short runs) and scripts/chaos.sh (long runs, a table).

The churn changes the engines "from elsewhere" through ovirt-sim's admin routes (and, for some
starts and stops, through the REST API a real user would call): VMs added, started, stopped,
paused, resumed, suspended, migrated and removed, hosts to maintenance and back, hosts added and
removed when empty. Mixed in are faults of the engines' event logs: dropped events, held events,
one purge and one reset per run. Meanwhile client threads list the aggregator continuously.
The churn's faults are then closed (pending drops and holds cleared, one more change on each
engine). Once the model equals each engine as ovirtsdk4 reads it (the same VMs: id, name, status, host
name; the same hosts: id, name, status), the run's last changes are drops that no later event
reveals: a VM going from down to paused (the engine's active count changes) and one going from up
to paused (it does not: only the probe's list of VMs in exceptional statuses shows it); the model
must equal the engines again within the bound.

Run it by hand (scripts/chaos.sh does this with the built binaries):

    python Tests/Integration/chaos_churn.py --seeds 1 2 3 --engines 3 --vms 300 --changes 1300 --duration 120
"""
import argparse
import base64
import json
import os
import random
import signal
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

USERNAME = "admin@internal"
PASSWORD = "admin"
LISTINGS = ("/api/v1/vms", "/api/v1/hosts", "/ovirt/vm_list")
RUNNING = {"up", "paused", "not_responding", "migrating", "powering_up", "wait_for_launch", "powering_down"}


# MARK: Talking to the simulator


def admin_base(api_url):
    parts = urlsplit(api_url)
    return f"{parts.scheme}://{parts.netloc}/__sim"


def _request(url, method="GET", body=None, headers=None, timeout=30):
    """Returns (status, parsed JSON or None); never raises for an HTTP status."""
    request = urllib.request.Request(url, data=body, method=method, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            raw = response.read()
            status = response.status
    except urllib.error.HTTPError as error:
        raw = error.read()
        status = error.code
    try:
        return status, json.loads(raw) if raw else None
    except ValueError:
        return status, None


def admin_call(api_url, path, body=None, method="POST"):
    data = None if body is None else json.dumps(body).encode()
    return _request(admin_base(api_url) + path, method, data, {"Content-Type": "application/json"})


def api_call(api_url, path, method="GET", xml=None):
    """The engine's REST API, as a user (Basic auth); JSON answers."""
    token = base64.b64encode(f"{USERNAME}:{PASSWORD}".encode()).decode()
    headers = {"Authorization": f"Basic {token}", "Accept": "application/json", "Version": "4"}
    data = None
    if xml is not None:
        headers["Content-Type"] = "application/xml"
        data = xml.encode()
    return _request(api_url + path, method, data, headers)


# MARK: The churn


@dataclass
class ChurnStats:
    seed: int
    changes: int = 0
    refused: int = 0
    actions: Counter = field(default_factory=Counter)
    faults: Counter = field(default_factory=Counter)
    last_change: float = 0.0
    tail_drop: str = ""

    @property
    def fault_count(self):
        return sum(self.faults.values())


class EngineMirror:
    """What the churn believes one engine holds, to pick changes that fit (a refusal is counted,
    not an error: the mirror may lag behind an asynchronous start)."""

    def __init__(self, name, api_url):
        self.name = name
        self.api_url = api_url
        self.vms = {}    # name -> {"id", "status", "host" (id or None)}
        self.hosts = {}  # name -> {"id", "status"}
        status, hosts = api_call(api_url, "/hosts")
        assert status == 200, f"{name}: GET /hosts answered {status}"
        for host in (hosts or {}).get("host", []):
            self.hosts[host["name"]] = {"id": host["id"], "status": host["status"]}
        status, vms = api_call(api_url, "/vms")
        assert status == 200, f"{name}: GET /vms answered {status}"
        for vm in (vms or {}).get("vm", []):
            self.vms[vm["name"]] = {"id": vm["id"], "status": vm["status"], "host": (vm.get("host") or {}).get("id")}

    def vms_in(self, statuses):
        return sorted(name for name, vm in self.vms.items() if vm["status"] in statuses)

    def hosts_in(self, status):
        return sorted(name for name, host in self.hosts.items() if host["status"] == status)

    def remember(self, answer):
        if isinstance(answer, dict) and answer.get("name") in self.vms:
            self.vms[answer["name"]].update(status=answer.get("status"), host=answer.get("host"))


class Churn:
    """`changes` random changes (faults included) across `engines` ({name: API URL}) over about
    `duration` seconds, reproducible from `seed`."""

    FAULT_SHARE = 0.12

    def __init__(self, engines, seed, changes=150, duration=20.0, log=None):
        self.rng = random.Random(seed)
        self.seed = seed
        self.total = changes
        self.duration = duration
        # Set to end the run early (the pacing waits on it).
        self.stopping = threading.Event()
        self.log = log or (lambda message: None)
        self.mirrors = {name: EngineMirror(name, url) for name, url in engines.items()}
        self.stats = ChurnStats(seed=seed)
        self.counter = 0

    def run(self):
        """The churn itself, but for its last two changes (``close`` and then ``tail`` end it)."""
        names = sorted(self.mirrors)
        purge_at = int(self.total * self.rng.uniform(0.3, 0.45))
        reset_at = int(self.total * self.rng.uniform(0.55, 0.7))
        pace = self.duration / max(1, self.total)
        start = time.monotonic()
        for step in range(self.total - 2):
            # Pacing the changes over the run's duration, not waiting for any state; `stopping`
            # ends the pause at once when the run is told to stop.
            delay = start + step * pace - time.monotonic()
            if delay > 0 and self.stopping.wait(delay):
                break
            mirror = self.mirrors[self.rng.choice(names)]
            if step == purge_at:
                self._fault(mirror, "purge", "/events/purge", {})
            elif step == reset_at:
                _, log = admin_call(mirror.api_url, "/events", method="GET")
                next_index = max(2, (log or {}).get("next_index", 1000))
                self._fault(mirror, "reset", "/events/reset", {"next_index": self.rng.randint(1, next_index - 1)})
            elif self.rng.random() < self.FAULT_SHARE:
                if self.rng.random() < 0.5:
                    self._fault(mirror, "drop", "/events/drop", {"count": self.rng.randint(1, 3)})
                else:
                    self._fault(mirror, "hold", "/events/hold",
                                {"count": self.rng.randint(1, 2), "delay_ms": self.rng.randint(200, 1500)})
            else:
                self._change(mirror)
        return self.stats

    def close(self):
        """Ends the churn's own faults on every engine: pending drops and holds are cleared and
        one more change (a VM added) follows, so every hole is followed by a stored event and
        every held event by its follower. Without this, a fault among an engine's last changes
        hides a change at the tail of its log, which only the consistency probe can find (see
        docs/ovirt-backend.md, "The consistency probe"); the suite's test leaves them open."""
        for mirror in self.mirrors.values():
            for path, body in (("/events/drop", {"count": 0}), ("/events/hold", {"count": 0, "delay_ms": 200})):
                status, answer = admin_call(mirror.api_url, path, body)
                assert status == 200, f"{mirror.name}: POST /__sim{path} answered {status}: {answer}"
            self._add_vm(mirror, status="down")
        return self.stats

    def tail(self):
        """The run's last changes: on one engine a down VM set paused, on another an up VM set
        paused (which changes none of that engine's counts), their events dropped, nothing after
        them. Only a check against the engine (the consistency probe, a full read) shows them."""
        first, second = self.rng.sample(sorted(self.mirrors), 2)
        self._tail_drop(self.mirrors[first], "down")
        self._tail_drop(self.mirrors[second], "up")
        return self.stats

    # Faults

    def _fault(self, mirror, kind, path, body):
        status, answer = admin_call(mirror.api_url, path, body)
        assert status == 200, f"{mirror.name}: POST /__sim{path} answered {status}: {answer}"
        self.stats.faults[kind] += 1
        self.log(f"{mirror.name}: {kind} {body}")

    def _tail_drop(self, mirror, status):
        found = mirror.vms_in({status})
        if not found:
            self._add_vm(mirror, status=status)
            found = mirror.vms_in({status})
        name = self.rng.choice(found)
        self._fault(mirror, "drop", "/events/drop", {"count": 1})
        self._admin(mirror, "pause", f"/vms/{name}/status", {"status": "paused"})
        self.stats.tail_drop = ", ".join(filter(None, [self.stats.tail_drop, f"{mirror.name}/{name} ({status} to paused)"]))

    # Changes

    def _change(self, mirror):
        up_hosts = mirror.hosts_in("up")
        choices = [("add_vm", 10), ("start", 16), ("stop", 12), ("pause", 8), ("resume", 6), ("suspend", 6),
                   ("migrate", 8), ("remove_vm", 6), ("host_maintenance", 4), ("host_activate", 4),
                   ("add_host", 2), ("remove_host", 2)]
        possible = {
            "add_vm": True,
            "start": bool(mirror.vms_in({"down", "suspended"})) and bool(up_hosts),
            "stop": bool(mirror.vms_in(RUNNING)),
            "pause": bool(mirror.vms_in({"up"})),
            "resume": bool(mirror.vms_in({"paused"})),
            "suspend": bool(mirror.vms_in({"up"})),
            "migrate": bool(mirror.vms_in({"up"})) and len(up_hosts) >= 2,
            "remove_vm": bool(mirror.vms),
            "host_maintenance": len(up_hosts) > 2,
            "host_activate": bool(mirror.hosts_in("maintenance")),
            "add_host": True,
            "remove_host": bool(self._empty_hosts(mirror)),
        }
        actions = [(action, weight) for action, weight in choices if possible[action]]
        action = self.rng.choices([a for a, _ in actions], weights=[w for _, w in actions])[0]
        getattr(self, "_" + action)(mirror)

    def _next_name(self, prefix):
        self.counter += 1
        return f"{prefix}{self.seed}-{self.counter:04d}"

    def _admin(self, mirror, action, path, body=None, method="POST"):
        status, answer = admin_call(mirror.api_url, path, body, method)
        self._count(mirror, action, status, answer, f"{method} /__sim{path} {body or ''}")
        return status, answer

    def _count(self, mirror, action, status, answer, what):
        if status == 409:
            self.stats.refused += 1
        else:
            assert status in (200, 201), f"{mirror.name}: {what} answered {status}: {answer}"
        self.stats.changes += 1
        self.stats.actions[action] += 1
        self.stats.last_change = time.monotonic()
        self.log(f"{mirror.name}: {action} {what} -> {status}")

    def _add_vm(self, mirror, status=None):
        name = self._next_name("c")
        status = status or self.rng.choice(["down", "up"])
        code, answer = self._admin(mirror, "add_vm", "/vms", {"name": name, "status": status})
        if code == 201:
            mirror.vms[name] = {"id": answer["id"], "status": status, "host": None}

    def _start(self, mirror):
        name = self.rng.choice(mirror.vms_in({"down", "suspended"}))
        vm = mirror.vms[name]
        if self.rng.random() < 0.3:
            status, answer = api_call(mirror.api_url, f"/vms/{vm['id']}/start", "POST", "<action/>")
            self._count(mirror, "start (REST)", status, answer, f"POST /vms/{name}/start")
            if status == 200:
                vm["status"] = "up"
        else:
            _, answer = self._admin(mirror, "start", f"/vms/{name}/status", {"status": "up"})
            mirror.remember(answer)

    def _stop(self, mirror):
        name = self.rng.choice(mirror.vms_in(RUNNING))
        vm = mirror.vms[name]
        if self.rng.random() < 0.3:
            status, answer = api_call(mirror.api_url, f"/vms/{vm['id']}/stop", "POST", "<action/>")
            self._count(mirror, "stop (REST)", status, answer, f"POST /vms/{name}/stop")
            if status == 200:
                vm.update(status="down", host=None)
        else:
            _, answer = self._admin(mirror, "stop", f"/vms/{name}/status", {"status": "down"})
            mirror.remember(answer)

    def _set(self, mirror, action, statuses, target):
        name = self.rng.choice(mirror.vms_in(statuses))
        _, answer = self._admin(mirror, action, f"/vms/{name}/status", {"status": target})
        mirror.remember(answer)

    def _pause(self, mirror):
        self._set(mirror, "pause", {"up"}, "paused")

    def _resume(self, mirror):
        self._set(mirror, "resume", {"paused"}, "up")

    def _suspend(self, mirror):
        self._set(mirror, "suspend", {"up"}, "suspended")

    def _migrate(self, mirror):
        name = self.rng.choice(mirror.vms_in({"up"}))
        current = mirror.vms[name]["host"]
        targets = [h for h in mirror.hosts_in("up") if mirror.hosts[h]["id"] != current]
        _, answer = self._admin(mirror, "migrate", f"/vms/{name}/migrate", {"host": self.rng.choice(targets)})
        mirror.remember(answer)

    def _remove_vm(self, mirror):
        name = self.rng.choice(sorted(mirror.vms))
        status, _ = self._admin(mirror, "remove_vm", f"/vms/{name}", method="DELETE")
        if status == 200:
            del mirror.vms[name]

    def _host_maintenance(self, mirror):
        name = self.rng.choice(mirror.hosts_in("up"))
        status, _ = self._admin(mirror, "host_maintenance", f"/hosts/{name}/status", {"status": "maintenance"})
        if status == 200:
            mirror.hosts[name]["status"] = "maintenance"

    def _host_activate(self, mirror):
        name = self.rng.choice(mirror.hosts_in("maintenance"))
        status, _ = self._admin(mirror, "host_activate", f"/hosts/{name}/status", {"status": "up"})
        if status == 200:
            mirror.hosts[name]["status"] = "up"

    def _add_host(self, mirror):
        name = self._next_name(f"{mirror.name}-h")
        status, answer = self._admin(mirror, "add_host", "/hosts", {"name": name})
        if status == 201:
            mirror.hosts[name] = {"id": answer["id"], "status": "up"}

    def _empty_hosts(self, mirror):
        used = {vm["host"] for vm in mirror.vms.values() if vm["host"]}
        return sorted(name for name, host in mirror.hosts.items() if host["id"] not in used and len(mirror.hosts) > 3)

    def _remove_host(self, mirror):
        name = self.rng.choice(self._empty_hosts(mirror))
        status, _ = self._admin(mirror, "remove_host", f"/hosts/{name}", method="DELETE")
        if status == 200:
            del mirror.hosts[name]


# MARK: Clients listing the aggregator meanwhile


class Listers:
    """Threads listing the aggregator until stopped; every answer must be a 200 with JSON."""

    def __init__(self, base, threads=3):
        self.base = base
        self.stopping = threading.Event()
        self.lock = threading.Lock()
        self.total = 0
        self.failures = []
        self.threads = [threading.Thread(target=self._run, args=(index,), daemon=True) for index in range(threads)]

    def __enter__(self):
        for thread in self.threads:
            thread.start()
        return self

    def __exit__(self, *_):
        self.stopping.set()
        for thread in self.threads:
            thread.join(timeout=60)

    def _run(self, index):
        paths = LISTINGS[index % len(LISTINGS):] + LISTINGS[:index % len(LISTINGS)]
        turn = 0
        while not self.stopping.is_set():
            path = paths[turn % len(paths)]
            turn += 1
            try:
                status, body = _request(self.base + path, timeout=30)
                failed = None if status == 200 and body is not None else f"{path}: {status} {str(body)[:200]}"
            except Exception as error:  # a refused or reset connection is a failed listing too
                failed = f"{path}: {type(error).__name__}: {error}"
            with self.lock:
                self.total += 1
                if failed:
                    self.failures.append(failed)

    @property
    def failed(self):
        with self.lock:
            return len(self.failures)


# MARK: Comparing the model with the engines


def engine_snapshot(api_url):
    """What the engine holds, as the official SDK reads it."""
    import ovirtsdk4 as sdk

    connection = sdk.Connection(url=api_url, username=USERNAME, password=PASSWORD, insecure=True, timeout=30)
    try:
        system = connection.system_service()
        hosts = {host.id: {"name": host.name, "status": host.status.value} for host in system.hosts_service().list()}
        vms = {}
        for vm in system.vms_service().list():
            host = hosts.get(vm.host.id, {}).get("name", f"<host {vm.host.id}>") if vm.host else None
            vms[vm.id] = {"name": vm.name, "status": vm.status.value, "host": host}
        return {"vms": vms, "hosts": hosts}
    finally:
        connection.close()


def model_snapshot(base, engine):
    """What the aggregator's live model answers for one engine."""
    snapshot = {}
    for kind in ("vms", "hosts"):
        status, body = _request(f"{base}/api/v1/{kind}?engine={engine}&limit=100000")
        if status != 200 or not body:
            raise AssertionError(f"GET /api/v1/{kind}?engine={engine} answered {status}: {str(body)[:300]}")
        items = {}
        for item in body["items"]:
            items[item["id"]] = {"name": item["name"], "status": item["status"]}
            if kind == "vms":
                items[item["id"]]["host"] = item.get("host")
        snapshot[kind] = items
    return snapshot


def differences(engine, model, actual):
    """One line per object where the model and the engine disagree."""
    lines = []
    for kind, fields in (("vms", ("name", "status", "host")), ("hosts", ("name", "status"))):
        ours, theirs = model[kind], actual[kind]
        for object_id in sorted(set(ours) | set(theirs)):
            mine, real = ours.get(object_id), theirs.get(object_id)
            label = f"{engine} {kind[:-1]} {(real or mine)['name']} ({object_id})"
            if mine is None:
                lines.append(f"{label}: missing from the model; engine has {real}")
            elif real is None:
                lines.append(f"{label}: in the model ({mine}) but not on the engine")
            else:
                for key in fields:
                    if mine.get(key) != real.get(key):
                        lines.append(f"{label}: {key} model={mine.get(key)!r} engine={real.get(key)!r}")
    return lines


def all_differences(base, engines):
    lines = []
    for name, url in engines.items():
        lines += differences(name, model_snapshot(base, name), engine_snapshot(url))
    return lines


def wait_for_convergence(aggregator, engines, bound):
    """Compares the model with every engine each time the aggregator logs work of its own (see
    ``integration_harness.wait_until``) until they are equal. Returns (seconds it took, []) or
    (None, last differences) when they were not within `bound` seconds."""
    from integration_harness import wait_until

    start = time.monotonic()
    last = []

    def converged():
        last[:] = all_differences(aggregator.base, engines)
        return not last

    try:
        wait_until(converged, aggregator, timeout=bound)
    except AssertionError:
        return None, list(last)
    return time.monotonic() - start, []


# MARK: One run: processes, churn, listings, convergence


def write_chaos_config(path, urls, probe="2s", events_poll="200ms", rereads="[1s, 2s, 4s]", sweep="30s"):
    """The aggregator's configuration; `probe` None leaves consistency_probe out (its default)."""
    lines = ["defaults:", "  password_env: TEST_OVIRT_PASSWORD", "  request_timeout: 10s", "  connect_timeout: 2s",
             f"  events_poll: {events_poll}", f"  guest_ip_rereads: {rereads}", f"  guest_ip_sweep: {sweep}"]
    if probe is not None:
        lines.append(f"  consistency_probe: {probe}")
    lines.append("backends:")
    for name, url in urls.items():
        lines += [f"  - name: {name}", "    type: ovirt", f"    url: {url}"]
    Path(path).write_text("\n".join(lines) + "\n")
    return path


@dataclass
class SeedResult:
    stats: ChurnStats
    listings: int
    failed_listings: list
    settled: float      # seconds the model took to equal the engines before the tail drop; None: never
    convergence: float  # seconds after the last change (the tail drop); None when it did not converge
    mismatches: list    # differences left (before the tail drop when it never settled)
    aggregator_log: str = ""


def run_seed(seed, engine_names=("chaos-a", "chaos-b", "chaos-c"), vms=60, hosts=5, changes=150, duration=20.0,
             bound=10.0, probe="2s", listers=3, async_ms=50, close_faults=True, log=None):
    """Starts one ovirt-sim with `engine_names` and an aggregator over it, churns, checks.
    `close_faults` ends the churn's own faults before the model must settle (see ``Churn.close``)."""
    from integration_harness import Aggregator, Simulator, get_json, wait_until

    sim = Simulator(list(engine_names), vms=vms, hosts=hosts, extra=["--async-ms", str(async_ms)])
    aggregator = None
    directory = tempfile.TemporaryDirectory(prefix="chaos-")
    try:
        config = write_chaos_config(os.path.join(directory.name, "backends.yaml"), sim.urls, probe=probe)
        aggregator = Aggregator(config)
        wait_until(lambda: get_json(aggregator.base + "/api/v1/hosts")[1].get("complete"), aggregator, timeout=120)
        churn = Churn(sim.urls, seed, changes=changes, duration=duration, log=log)
        convergence = None
        with Listers(aggregator.base, threads=listers) as listing:
            stats = churn.run()
            if close_faults:
                stats = churn.close()
            # The model must first have caught up (holes of earlier drops resolved, held events
            # in), so that only the tail drop is left for it to notice.
            settled, mismatches = wait_for_convergence(aggregator, sim.urls, bound)
            if settled is not None:
                stats = churn.tail()
                convergence, mismatches = wait_for_convergence(aggregator, sim.urls, bound)
                if convergence is not None:
                    convergence = time.monotonic() - stats.last_change
        result = SeedResult(stats, listing.total, list(listing.failures), settled, convergence, mismatches)
        if mismatches or listing.failures:
            result.aggregator_log = aggregator.output()[-400_000:]
        return result
    finally:
        if aggregator:
            aggregator.stop()
        sim.stop()
        directory.cleanup()


def describe(result, bound):
    """A readable account of a failed run."""
    stats = result.stats
    lines = [f"seed {stats.seed}: {stats.changes} changes ({stats.refused} refused), faults {dict(stats.faults)}, "
             f"tail drop on {stats.tail_drop}"]
    if result.failed_listings:
        lines.append(f"{len(result.failed_listings)} of {result.listings} listings failed, first ones:")
        lines += ["  " + line for line in result.failed_listings[:5]]
    if result.mismatches:
        when = "the churn" if result.settled is None else "the last change (the tail drop)"
        lines.append(f"the model still differs from the engines {bound:.0f} s after {when} "
                     f"({len(result.mismatches)} differences):")
        lines += ["  " + line for line in result.mismatches[:40]]
    log = [line for line in result.aggregator_log.splitlines() if "[Server] Request" not in line][-30:]
    if log:
        lines.append("aggregator log (tail, request lines left out):")
        lines += ["  " + line for line in log]
    return "\n".join(lines)


def _stop_on_sigterm(signum, frame):
    # As Ctrl-C does: unwinds through every `finally`, which stops the processes started.
    raise KeyboardInterrupt


def main(argv=None):
    signal.signal(signal.SIGTERM, _stop_on_sigterm)
    parser = argparse.ArgumentParser(description="Seeded churn with event-log faults against ovirt-sim; checks "
                                                 "that the aggregator's model converges to every engine.")
    parser.add_argument("--seeds", type=int, nargs="+", default=[1, 2, 3])
    parser.add_argument("--engines", type=int, default=3)
    parser.add_argument("--vms", type=int, default=300, help="VMs seeded per engine")
    parser.add_argument("--hosts", type=int, default=8, help="hosts seeded per engine")
    parser.add_argument("--changes", type=int, default=1300, help="changes per seed, faults included")
    parser.add_argument("--duration", type=float, default=120.0, help="seconds the changes are spread over")
    parser.add_argument("--bound", type=float, default=20.0, help="seconds the model may take to converge")
    parser.add_argument("--probe", default="2s", help="consistency_probe; 'none' leaves it out, 0 turns it off")
    parser.add_argument("--listers", type=int, default=3, help="client threads listing the aggregator")
    parser.add_argument("--open-faults", action="store_true",
                        help="leave the churn's last faults open before the model must settle: the changes "
                             "hidden at the tail of a log are then the consistency probe's to find")
    parser.add_argument("--verbose", action="store_true", help="print every change")
    args = parser.parse_args(argv)
    names = [f"chaos-{chr(ord('a') + index)}" for index in range(args.engines)]
    probe = None if args.probe == "none" else args.probe
    log = (lambda message: print(message, file=sys.stderr, flush=True)) if args.verbose else None

    rows = []
    failed = False
    for seed in args.seeds:
        print(f"seed {seed}: {args.engines} engines x {args.vms} VMs, {args.changes} changes over {args.duration:.0f} s",
              file=sys.stderr, flush=True)
        result = run_seed(seed, names, vms=args.vms, hosts=args.hosts, changes=args.changes, duration=args.duration,
                          bound=args.bound, probe=probe, listers=args.listers, close_faults=not args.open_faults,
                          log=log)
        rows.append(result)
        if result.mismatches or result.failed_listings:
            failed = True
            print(describe(result, args.bound), file=sys.stderr, flush=True)

    print()
    print("| seed | changes (refused) | faults | listings failed/total | settled after churn "
          "| convergence after last change | mismatches |")
    print("|---|---|---|---|---|---|---|")
    for result in rows:
        stats = result.stats
        faults = ", ".join(f"{kind} {count}" for kind, count in sorted(stats.faults.items()))
        seconds = lambda value: f"{value:.1f} s" if value is not None else f"> {args.bound:.0f} s"
        convergence = seconds(result.convergence) if result.settled is not None else "-"
        print(f"| {stats.seed} | {stats.changes} ({stats.refused}) | {stats.fault_count} ({faults}) | "
              f"{len(result.failed_listings)}/{result.listings} | {seconds(result.settled)} | {convergence} "
              f"| {len(result.mismatches)} |")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
