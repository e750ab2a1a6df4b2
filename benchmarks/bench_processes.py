"""Processes and HTTP for the benchmark: simulated engines and aggregators on loopback, each in
its own session and stopped at exit; timed GETs through curl."""
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

SEED_ENGINES = ["e15-test", "e15", "e15-2", "n32", "n32-2", "k45"]
LISTENING = re.compile(r"^(\S+) listening on (\S+)", re.M)
PASSWORD = "admin"
CLK_TCK = os.sysconf("SC_CLK_TCK")
STARTED = []


def log(message):
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


class Process:
    """A child in its own session, output to a log file, stopped at exit whatever happens."""

    def __init__(self, args, workdir, name, env=None):
        self.name = name
        self.log_path = Path(workdir) / f"{name}.log"
        self.log_file = open(self.log_path, "wb")
        self.proc = subprocess.Popen(args, stdout=self.log_file, stderr=subprocess.STDOUT,
                                     env={**os.environ, **(env or {})}, start_new_session=True)
        self.pid = self.proc.pid
        STARTED.append(self)

    def output(self):
        return self.log_path.read_text(encoding="utf-8", errors="replace")

    def alive(self):
        return self.proc.poll() is None

    def check(self):
        if not self.alive():
            raise RuntimeError(f"{self.name} exited with {self.proc.returncode}:\n{self.output()[-3000:]}")

    def stop(self):
        if self.alive():
            os.killpg(self.pid, signal.SIGTERM)
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(self.pid, signal.SIGKILL)
                self.proc.wait(timeout=15)
        self.log_file.close()
        if self in STARTED:
            STARTED.remove(self)

    def cpu_seconds(self):
        """utime + stime of the process so far, from /proc/PID/stat."""
        with open(f"/proc/{self.pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / CLK_TCK

    def status_kib(self, key):
        with open(f"/proc/{self.pid}/status") as f:
            for line in f:
                if line.startswith(key + ":"):
                    return int(line.split()[1])
        return 0


def begin_run(results):
    """What both drivers do first: SIGINT, SIGTERM and SIGHUP end the run through its cleanup (even
    when started with SIGINT ignored); returns the short commit measured and `step`, which runs one
    measure and records its failure in `results["errors"]` instead of ending the run."""
    signal.signal(signal.SIGINT, signal.default_int_handler)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    signal.signal(signal.SIGHUP, lambda *_: sys.exit(129))
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True,
                            cwd=Path(__file__).resolve().parents[1]).stdout.strip() or "unknown"

    def step(name, function, *arguments):
        try:
            function(*arguments)
        except Exception as error:
            log(f"{name} failed: {error}")
            results["errors"].append(f"{name} ({str(error).splitlines()[0][:200]})")

    return commit, step


def report(text, results, output, workdir):
    """Prints the table, writes it (and the raw figures beside it) to `output` when given, and
    returns the exit status: 1 with the working directory kept when a measure failed, else 0
    with it removed."""
    print(text, end="")
    if output:
        Path(output).write_text(text)
        raw = Path(output).with_suffix(".json")
        raw.write_text(json.dumps(results, indent=1) + "\n")
        log(f"raw figures: {raw}")
    if results["errors"]:
        (Path(workdir) / "results.json").write_text(json.dumps(results, indent=1) + "\n")
        log(f"logs and raw figures kept in {workdir}")
        return 1
    shutil.rmtree(workdir, ignore_errors=True)
    return 0


def stop_all():
    for process in list(reversed(STARTED)):
        try:
            process.stop()
        except Exception as error:  # keep stopping the others
            log(f"stopping {process.name}: {error}")


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def engine_names(count):
    return SEED_ENGINES[:count] + [f"engine{i}" for i in range(len(SEED_ENGINES) + 1, count + 1)]


class Simulator(Process):
    def __init__(self, bin_dir, workdir, name, engines, vms, hosts, latency_ms):
        args = [str(Path(bin_dir) / "ovirt-sim"), "--vms", str(vms), "--hosts", str(hosts),
                "--latency-ms", str(latency_ms)]
        for engine in engines:
            args += ["--engine", f"{engine}:0"]
        super().__init__(args, workdir, name)
        self.engines = engines
        self.urls = {}

    def wait_listening(self, timeout):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            self.urls = dict(LISTENING.findall(self.output()))
            if len(self.urls) == len(self.engines):
                return
            self.check()
            time.sleep(0.2)
        raise TimeoutError(f"{self.name}: {len(self.urls)} of {len(self.engines)} engines listening "
                           f"after {timeout}s:\n{self.output()[-3000:]}")

    def admin_base(self, engine):
        match = re.match(r"(https?://[^/]+)/", self.urls[engine])
        return match.group(1)


class Aggregator(Process):
    def __init__(self, bin_dir, workdir, name, engine_urls, port=None):
        self.port = port or free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        config = Path(workdir) / f"{name}.yaml"
        lines = ["server:", "  host: 127.0.0.1", f"data_dir: {name}-data", "defaults:",
                 "  password_env: BENCH_OVIRT_PASSWORD", "  request_timeout: 600s", "  connect_timeout: 10s",
                 "backends:"]
        for engine, url in engine_urls.items():
            lines += [f"  - name: {engine}", "    type: ovirt", f"    url: {url}"]
        config.write_text("\n".join(lines) + "\n")
        self.engines = list(engine_urls)
        super().__init__([str(Path(bin_dir) / "aggregator"), "serve", "--config", str(config),
                          "--port", str(self.port), "--log-level", "warning"],
                         workdir, name, env={"BENCH_OVIRT_PASSWORD": PASSWORD})

    def wait_ready(self, timeout):
        """Up, then every engine read: hosts and VMs complete with every engine ok. Returns seconds."""
        started = time.monotonic()
        deadline = started + timeout
        last = "no answer"
        # The VM query matches nothing, so the answer stays small whatever the estate.
        paths = ["/api/v1/hosts", "/api/v1/vms?name=no-such-vm-anywhere"]
        while time.monotonic() < deadline:
            self.check()
            pending = []
            for path in paths:
                remaining = max(1, min(120, deadline - time.monotonic()))
                status, body = get_json(self.base + path, timeout=remaining)
                engines = body.get("engines", []) if status == 200 and isinstance(body, dict) else []
                if not (body and body.get("complete") and len(engines) == len(self.engines)
                        and all(e.get("ok") for e in engines)):
                    pending.append(f"{path}: HTTP {status} {json.dumps(engines)[:300]}")
            if not pending:
                return time.monotonic() - started
            last = "; ".join(pending)
            time.sleep(0.25)
        raise TimeoutError(f"{self.name} not ready after {timeout}s ({last}):\n{self.output()[-3000:]}")


# ---------------------------------------------------------------- HTTP

def get_json(url, timeout=30):
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        try:
            return error.code, json.loads(error.read() or b"null")
        except ValueError:
            return error.code, None
    except (urllib.error.URLError, ConnectionError, OSError, ValueError):
        return 0, None


def post_json(url, payload, timeout=30, headers=None):
    request = urllib.request.Request(url, data=json.dumps(payload).encode(), method="POST",
                                     headers={"Content-Type": "application/json", **(headers or {})})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()
    except (urllib.error.URLError, ConnectionError, OSError):
        return 0, b""


def curl_args(url, output, timeout):
    return ["curl", "-s", "-o", output, "--max-time", str(timeout),
            "-w", "%{http_code} %{time_total} %{size_download}", url]


def timed_get(url, timeout=900, output=os.devnull):
    """(http status, seconds, bytes) of one GET, timed by curl."""
    done = subprocess.run(curl_args(url, output, timeout), capture_output=True, text=True, timeout=timeout + 30)
    code, seconds, size = done.stdout.split()
    return int(code), float(seconds), int(float(size))


def timed_parallel(urls, timeout=900):
    """GETs at once; (all 200?, seconds until the last answered, bytes)."""
    started = time.monotonic()
    procs = [subprocess.Popen(curl_args(url, os.devnull, timeout), stdout=subprocess.PIPE, text=True)
             for url in urls]
    results = []
    for proc in procs:
        out, _ = proc.communicate(timeout=timeout + 30)
        code, _, size = out.split()
        results.append((int(code), int(float(size))))
    elapsed = time.monotonic() - started
    return all(code == 200 for code, _ in results), elapsed, sum(size for _, size in results)


SEED_LISTS = ["/ovirt/vm_list", "/ovirt/host_list", "/ovirt/cluster_list"]


def cold_fan_out(aggregator, runs):
    """The three seed lists with refresh=true, requested together; list of seconds."""
    times = []
    for _ in range(runs):
        ok, seconds, _ = timed_parallel([aggregator.base + path + "?refresh=true" for path in SEED_LISTS])
        if not ok:
            raise RuntimeError(f"{aggregator.name}: a seed list with refresh=true did not answer 200")
        times.append(seconds)
    return times


class Profile:
    """`perf record -e cpu-clock -g` of one process while a block runs (hardware counters are not
    available everywhere; the cpu-clock software event is). Does nothing without a folder."""

    def __init__(self, folder, name, pid):
        self.folder, self.name, self.pid, self.proc = folder, name, pid, None

    def __enter__(self):
        if self.folder:
            Path(self.folder).mkdir(parents=True, exist_ok=True)
            data = Path(self.folder) / f"{self.name}.data"
            self.proc = subprocess.Popen(["perf", "record", "-q", "-e", "cpu-clock", "-g", "-p", str(self.pid),
                                          "-o", str(data)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                         start_new_session=True)
            time.sleep(0.5)  # perf attaches
        return self

    def __exit__(self, *_):
        if not self.proc:
            return
        os.killpg(self.proc.pid, signal.SIGINT)
        try:
            self.proc.wait(timeout=60)
        except subprocess.TimeoutExpired:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait(timeout=10)
        data = Path(self.folder) / f"{self.name}.data"
        for sort, lines in (("dso", 25), ("dso,sym", 60)):
            report = subprocess.run(["perf", "report", "-i", str(data), "--no-children", "-g", "none",
                                     "--sort", sort, "--stdio", "--percent-limit", "0.5"],
                                    capture_output=True, text=True, timeout=600)
            kept = [line for line in report.stdout.splitlines() if line.strip() and not line.startswith("#")]
            text = "\n".join(kept[:lines]) + "\n"
            if sort != "dso":
                try:
                    text = subprocess.run(["swift", "demangle", "--simplified", "--compact"], input=text,
                                          capture_output=True, text=True, timeout=60).stdout or text
                except (OSError, subprocess.TimeoutExpired):
                    pass
            suffix = "dso" if sort == "dso" else "symbols"
            (Path(self.folder) / f"{self.name}.{suffix}.txt").write_text(text)
        log(f"  profile: {data}")
