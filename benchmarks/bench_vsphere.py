#!/usr/bin/env python3
"""Driver of scripts/bench-vsphere.sh: the vsphere kind at scale. Starts VMware's vCenter simulator
(vcsim) with 2 clusters × 4 hosts and N VMs per cluster on loopback, reads it with pyvmomi (the
fastest a script can do), with `aggregator export vms` and with `aggregator serve`, measures how fast
a power change made outside reaches the API and how much memory each process holds, prints one
markdown table to stdout (and --output FILE), and stops every process it started, whatever happens.

Run it through scripts/bench-vsphere.sh, which builds what is missing first. The same file, run as
`bench_vsphere.py pyvmomi-read URL CERT USER PASSWORD`, is the pyvmomi client the benchmark times in
a process of its own (its figures on stdout as JSON).
"""
import argparse
import json
import os
import random
import re
import signal
import ssl
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
from pathlib import Path

from bench_processes import Process, Profile, begin_run, free_port, get_json, log, report, stop_all, timed_get
from bench_table import fmt_s

ROOT = Path(__file__).resolve().parents[1]
ENGINE = "vc-bench"
USERNAME, PASSWORD = "user", "pass"
VCSIM_LISTENING = re.compile(r"^vcsim listening on (https://([0-9.]+):(\d+)/sdk)$", re.M)
PAGE = 1000  # objects per RetrievePropertiesEx page


# ---------------------------------------------------------------- the pyvmomi client

def pyvmomi_read(url, cert, username, password):
    """Logs in, reads every VM's name, power state, host (by name), CPUs, memory and guest IPs through
    one container view and a paged RetrievePropertiesEx, logs out. Returns figures as a dict."""
    from pyVim.connect import Disconnect, SmartConnect
    from pyVmomi import vim, vmodl

    parsed = urllib.parse.urlparse(url)
    started = time.monotonic()
    si = SmartConnect(host=parsed.hostname, port=parsed.port, user=username, pwd=password,
                      sslContext=ssl.create_default_context(cafile=cert))
    logged_in = time.monotonic()
    try:
        content = si.RetrieveContent()
        view = content.viewManager.CreateContainerView(content.rootFolder,
                                                       [vim.VirtualMachine, vim.HostSystem], True)
        try:
            traversal = vmodl.query.PropertyCollector.TraversalSpec(name="view", path="view", skip=False,
                                                                   type=vim.view.ContainerView)
            spec = vmodl.query.PropertyCollector.FilterSpec(
                objectSet=[vmodl.query.PropertyCollector.ObjectSpec(obj=view, skip=True, selectSet=[traversal])],
                propSet=[vmodl.query.PropertyCollector.PropertySpec(
                            type=vim.VirtualMachine,
                            pathSet=["name", "runtime.powerState", "runtime.host", "config.hardware.numCPU",
                                     "config.hardware.memoryMB", "config.template", "guest.net"]),
                         vmodl.query.PropertyCollector.PropertySpec(type=vim.HostSystem, pathSet=["name"])])
            collector = content.propertyCollector
            options = vmodl.query.PropertyCollector.RetrieveOptions(maxObjects=PAGE)
            objects, pages = [], 0
            result = collector.RetrievePropertiesEx([spec], options)
            while result:
                pages += 1
                objects += result.objects
                result = collector.ContinueRetrievePropertiesEx(result.token) if result.token else None
        finally:
            view.Destroy()
        hosts = {o.obj._moId: p.val for o in objects if isinstance(o.obj, vim.HostSystem)
                 for p in o.propSet if p.name == "name"}
        vms = []
        for o in objects:
            if not isinstance(o.obj, vim.VirtualMachine):
                continue
            props = {p.name: p.val for p in o.propSet}
            if props.get("config.template"):
                continue
            host = props.get("runtime.host")
            vms.append({"id": o.obj._moId, "name": props.get("name"), "power": props.get("runtime.powerState"),
                        "host": hosts.get(host._moId) if host else None,
                        "cpus": props.get("config.hardware.numCPU"),
                        "memory_mb": props.get("config.hardware.memoryMB"),
                        "ips": [ip for nic in props.get("guest.net") or [] for ip in (nic.ipAddress or [])]})
        read = time.monotonic()
    finally:
        Disconnect(si)
    return {"seconds": read - started, "login_seconds": logged_in - started, "vms": len(vms),
            "hosts": len(hosts), "pages": pages, "with_host": sum(1 for v in vms if v["host"])}


def pyvmomi_session(vcsim):
    from pyVim.connect import SmartConnect
    return SmartConnect(host=vcsim.host, port=vcsim.port, user=USERNAME, pwd=PASSWORD,
                        sslContext=ssl.create_default_context(cafile=str(vcsim.cert)))


# ---------------------------------------------------------------- processes

class VCSim(Process):
    """vcsim on a free loopback port: 2 clusters × 4 hosts, `vms` VMs per cluster, no standalone host."""

    def __init__(self, binary, workdir, vms):
        self.cert = Path(workdir) / "vcsim-cert.pem"
        super().__init__([binary, "-l", "127.0.0.1:0", "-cluster", "2", "-host", "4", "-standalone-host", "0",
                          "-vm", str(vms), "-cert-out", str(self.cert), "-username", USERNAME,
                          "-password", PASSWORD], workdir, "vcsim")

    def wait_listening(self, timeout):
        started = time.monotonic()
        while time.monotonic() < started + timeout:
            found = VCSIM_LISTENING.search(self.output())
            if found:
                self.url, self.host, self.port = found.group(1), found.group(2), int(found.group(3))
                return time.monotonic() - started
            self.check()
            time.sleep(0.1)
        raise TimeoutError(f"vcsim not listening after {timeout}s:\n{self.output()[-3000:]}")


def write_config(workdir, vcsim):
    secret = Path(workdir) / f"{ENGINE}.password"
    secret.write_text(PASSWORD + "\n")
    secret.chmod(0o600)
    config = Path(workdir) / "vsphere.yaml"
    config.write_text("\n".join([
        "server:", "  host: 127.0.0.1", f"data_dir: {Path(workdir) / 'agg-data'}", "defaults:",
        "  request_timeout: 600s", "  connect_timeout: 10s", "backends:",
        f"  - name: {ENGINE}", "    type: vsphere", f"    url: {vcsim.url}", f"    username: {USERNAME}",
        f"    password_file: {secret}", f"    ca_file: {vcsim.cert}"]) + "\n")
    return config


class Server(Process):
    def __init__(self, bin_dir, workdir, config):
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        super().__init__([str(Path(bin_dir) / "aggregator"), "serve", "--config", str(config),
                          "--port", str(self.port), "--log-level", "warning"], workdir, "aggregator")


def run_child(args, timeout, perf_dir=None, perf_name=None):
    """Runs a child to its end; (exit status, wall seconds, peak RSS in bytes, CPU seconds, stdout, stderr).
    With `perf_dir`, perf records the child from half a second after its start (see ``Profile``)."""
    out, err = tempfile.TemporaryFile(), tempfile.TemporaryFile()
    started = time.monotonic()
    proc = subprocess.Popen(args, stdout=out, stderr=err, start_new_session=True)
    try:
        deadline = started + timeout
        with Profile(perf_dir, perf_name, proc.pid):
            while True:
                pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
                if pid:
                    seconds = time.monotonic() - started
                    break
                if time.monotonic() > deadline:
                    os.killpg(proc.pid, signal.SIGKILL)
                    raise TimeoutError(f"{args[0]} still running after {timeout}s")
                time.sleep(0.005)
    except BaseException:
        if proc.returncode is None:
            try:
                os.killpg(proc.pid, signal.SIGKILL)
                os.waitpid(proc.pid, 0)
            except (ProcessLookupError, ChildProcessError):
                pass
        raise
    proc.returncode = os.waitstatus_to_exitcode(status)
    out.seek(0), err.seek(0)
    return (proc.returncode, seconds, usage.ru_maxrss * 1024, usage.ru_utime + usage.ru_stime,
            out.read().decode(errors="replace"), err.read().decode(errors="replace"))


# ---------------------------------------------------------------- measurements

def measure_pyvmomi(args, vcsim, results):
    log(f"pyvmomi: paged RetrievePropertiesEx over a container view, {args.runs} runs")
    runs = []
    for _ in range(args.runs):
        sim0 = vcsim.cpu_seconds()
        code, wall, rss, cpu, out, err = run_child(
            [sys.executable, __file__, "pyvmomi-read", vcsim.url, str(vcsim.cert), USERNAME, PASSWORD], 1800)
        if code != 0:
            raise RuntimeError(f"pyvmomi read failed ({code}):\n{err[-2000:]}")
        figures = json.loads(out)
        figures.update(wall=wall, rss=rss, cpu=cpu, sim_cpu=vcsim.cpu_seconds() - sim0)
        runs.append(figures)
        log(f"  {figures}")
    results["pyvmomi"] = {"runs": runs, "median": statistics.median(r["seconds"] for r in runs),
                          "wall": statistics.median(r["wall"] for r in runs),
                          "vms": runs[0]["vms"], "pages": runs[0]["pages"],
                          "rss": max(r["rss"] for r in runs), "cpu": statistics.median(r["cpu"] for r in runs),
                          "sim_cpu": statistics.median(r["sim_cpu"] for r in runs)}


def measure_export(args, vcsim, config, results):
    log(f"export: aggregator export vms, {args.runs} runs")
    out_file = Path(config).with_name("export-vms.json")
    runs = []
    for run in range(args.runs):
        sim0 = vcsim.cpu_seconds()
        code, wall, rss, cpu, _, err = run_child(
            [str(Path(args.bin) / "aggregator"), "export", "vms", "--config", str(config), "-o", str(out_file),
             "--log-level", "warning"], 1800, perf_dir=args.perf if run == 0 else None, perf_name="export")
        if code != 0:
            raise RuntimeError(f"export failed ({code}):\n{err[-2000:]}")
        document = json.loads(out_file.read_text())
        count = count_items(document)
        runs.append({"seconds": wall, "rss": rss, "cpu": cpu, "vms": count, "bytes": out_file.stat().st_size,
                     "sim_cpu": vcsim.cpu_seconds() - sim0})
        log(f"  {runs[-1]}")
    results["export"] = {"runs": runs, "median": statistics.median(r["seconds"] for r in runs),
                         "vms": runs[0]["vms"], "rss": max(r["rss"] for r in runs),
                         "cpu": statistics.median(r["cpu"] for r in runs), "bytes": runs[0]["bytes"],
                         "sim_cpu": statistics.median(r["sim_cpu"] for r in runs)}


def count_items(document):
    """The VMs of an export: the seed shape is a list, or a map holding lists (and `_errors`)."""
    if isinstance(document, list):
        return len(document)
    if isinstance(document, dict):
        return sum(count_items(v) for k, v in document.items() if k != "_errors")
    return 0


def full_listing(server, expected):
    """The complete `/api/v1/vms` answer with every VM, or None while the engine is not read in full."""
    code, body = get_json(server.base + "/api/v1/vms", timeout=120)
    if code != 200 or not isinstance(body, dict) or not body.get("complete"):
        return None
    engines = body.get("engines", [])
    if not (engines and all(e.get("ok") for e in engines)):
        return None
    if len(body.get("items", [])) < expected or body.get("next_cursor"):
        return None
    return body


def measure_serve(args, server, vcsim, expected, results):
    log("serve: start until the first complete /api/v1/vms")
    started = time.monotonic()
    deadline = started + 1800
    probe = server.base + "/api/v1/vms?name=no-such-vm-anywhere"
    while True:
        server.check()
        if time.monotonic() > deadline:
            raise TimeoutError(f"not read in full after 1800 s:\n{server.output()[-3000:]}")
        code, body = get_json(probe, timeout=60)
        engines = body.get("engines", []) if code == 200 and isinstance(body, dict) else []
        if body and body.get("complete") and engines and all(e.get("ok") for e in engines):
            listing = full_listing(server, expected)
            if listing:
                break
        time.sleep(0.05)
    results["serve_ready"] = time.monotonic() - started
    results["serve_items"] = len(listing["items"])
    results["rss_after_ready"] = server.status_kib("VmRSS") * 1024
    results["hwm_after_ready"] = server.status_kib("VmHWM") * 1024
    log(f"  ready after {results['serve_ready']:.2f} s with {results['serve_items']} VMs")
    cpu0, sim0, idle0 = server.cpu_seconds(), vcsim.cpu_seconds(), time.monotonic()
    time.sleep(5)
    idle = time.monotonic() - idle0
    results["idle"] = {"aggregator": (server.cpu_seconds() - cpu0) / idle, "vcsim": (vcsim.cpu_seconds() - sim0) / idle}
    log(f"  idle (change feed polls): aggregator {results['idle']['aggregator'] * 1000:.0f} ms CPU/s, "
        f"vcsim {results['idle']['vcsim'] * 1000:.0f} ms CPU/s")

    for key, path in (("memory_full", "/api/v1/vms"), ("memory_filtered", "/api/v1/vms?status=up&name=VM1")):
        log(f"serve: {args.requests} x GET {path}")
        times, size = [], 0
        cpu0 = server.cpu_seconds()
        with Profile(args.perf, key, server.pid):
            for _ in range(args.requests):
                code, seconds, size = timed_get(server.base + path)
                if code != 200:
                    raise RuntimeError(f"{path}: HTTP {code}")
                times.append(seconds)
        ordered = sorted(times)
        p95 = ordered[max(0, int(round(0.95 * len(ordered))) - 1)]
        code, body = get_json(server.base + path, timeout=120)
        results[key] = {"path": path, "median": statistics.median(times), "p95": p95, "bytes": size,
                        "count": len(body.get("items", [])) if isinstance(body, dict) else 0,
                        "cpu_per_request": (server.cpu_seconds() - cpu0) / args.requests}
        log(f"  median {results[key]['median'] * 1000:.1f} ms, p95 {p95 * 1000:.1f} ms, "
            f"{size / 1e6:.2f} MB, {results[key]['count']} VMs")


def measure_changes(args, server, vcsim, results):
    from pyVim.connect import Disconnect
    from pyVim.task import WaitForTask
    from pyVmomi import vim

    si = pyvmomi_session(vcsim)
    try:
        content = si.RetrieveContent()
        view = content.viewManager.CreateContainerView(content.rootFolder, [vim.VirtualMachine], True)
        try:
            vm = next(v for v in view.view if v.name == "DC0_C0_RP0_VM0")
        finally:
            view.Destroy()
        url = f"{server.base}/api/v1/vms/{ENGINE}/{vm._moId}"
        runs = []
        for change in range(args.changes):
            on = vm.runtime.powerState == "poweredOn"
            want = "down" if on else "up"
            log(f"change {change + 1}: power {'off' if on else 'on'} {vm.name} ({vm._moId}), polling {url}")
            task_started = time.monotonic()
            WaitForTask(vm.PowerOffVM_Task() if on else vm.PowerOnVM_Task())
            task_done = time.monotonic()
            seen, polls = None, 0
            while time.monotonic() < task_done + 30:
                polls += 1
                code, body = get_json(url, timeout=10)
                item = body.get("item", body) if isinstance(body, dict) else {}
                if code == 200 and item.get("status") == want:
                    seen = time.monotonic()
                    break
                time.sleep(0.02)
            runs.append({"to": want, "task": task_done - task_started, "polls": polls,
                         "seconds": None if seen is None else seen - task_done})
            log(f"  {runs[-1]}")
            if seen is None:
                break
            time.sleep(random.uniform(0.1, 1.1))  # the next change falls at another point of the poll cycle
    finally:
        Disconnect(si)
    times = [r["seconds"] for r in runs]
    results["changes"] = {"runs": runs, "median": None if None in times else statistics.median(times),
                          "max": None if None in times else max(times),
                          "task": statistics.median(r["task"] for r in runs)}


# ---------------------------------------------------------------- the table

def fmt_ms(seconds):
    return f"{seconds * 1000:.1f} ms" if seconds < 0.1 else f"{seconds * 1000:.0f} ms"


def table(args, results, commit):
    total = 2 * args.vms
    rows = []
    p = results.get("pyvmomi")
    if p:
        rows.append(("1", f"pyvmomi: every VM's name, power state, host, CPUs, memory, guest IPs, one paged "
                          f"`RetrievePropertiesEx` ({PAGE}/page) over a container view, median of {args.runs}",
                     f"**{fmt_s(p['median'])}** ({p['vms']} VMs in {p['pages']} page{'s' if p['pages'] != 1 else ''}; login included; "
                     f"process {fmt_s(p['wall'])} with interpreter start, CPU {p['cpu']:.1f} s, vcsim CPU "
                     f"{p['sim_cpu']:.1f} s, peak RSS {p['rss'] / 1e6:.0f} MB)"))
    e = results.get("export")
    if e:
        rows.append(("2", f"`aggregator export vms --config …` cold (login, full read, change-feed setup, "
                          f"written), median of {args.runs}",
                     f"**{fmt_s(e['median'])}** ({e['vms']} VMs, {e['bytes'] / 1e6:.1f} MB; CPU "
                     f"{e['cpu']:.1f} s, vcsim CPU {e['sim_cpu']:.1f} s, peak RSS {e['rss'] / 1e6:.0f} MB)"))
    if "serve_ready" in results:
        rows.append(("3a", "`aggregator serve`: start until the first complete `/api/v1/vms` (engine read in full)",
                     f"**{fmt_s(results['serve_ready'])}** ({results['serve_items']} VMs)"))
    for label, key in (("3b", "memory_full"), ("3c", "memory_filtered")):
        m = results.get(key)
        if m:
            rows.append((label, f"From memory: `GET {m['path']}`, {args.requests} requests",
                         f"median **{fmt_ms(m['median'])}**, p95 {fmt_ms(m['p95'])} ({m['count']} VMs, "
                         f"{m['bytes'] / 1e6:.2f} MB; aggregator CPU {m['cpu_per_request'] * 1000:.1f} ms/request)"))
    c = results.get("changes")
    if c:
        if c["median"] is None:
            figure = "not seen within 30 s"
        else:
            figure = (f"median **{fmt_ms(c['median'])}**, max {fmt_ms(c['max'])} (power task itself "
                      f"{fmt_ms(c['task'])} median)")
        rows.append(("4", f"Change: pyvmomi powers a VM off/on (task waited), until "
                          f"`GET /api/v1/vms/{ENGINE}/{{id}}` shows it (polled every 20 ms), {len(c['runs'])} changes",
                     figure))
    m = results.get("memory")
    if m:
        rows.append(("5", f"Peak RSS (VmHWM) holding {total} VMs",
                     f"aggregator serve **{m['aggregator'] / 1e6:.0f} MB** over every run above "
                     f"({results.get('hwm_after_ready', 0) / 1e6:.0f} MB by the end of its first full read, "
                     f"{results.get('rss_after_ready', 0) / 1e6:.0f} MB resident then; the export's peak is in row 2), "
                     f"vcsim {m['vcsim'] / 1e6:.0f} MB"))
    build = "release" if "release" in str(args.bin) else "debug"
    header = (f"vcsim: 1 datacenter, 2 clusters × 4 hosts, {args.vms} VMs per cluster = {total} VMs; {build} "
              f"build, loopback, {os.cpu_count()} cores, commit {commit}, {time.strftime('%Y-%m-%d')}")
    lines = [header, "", "| # | measure | result |", "|---|---|---|"]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    notes = []
    if "vcsim_start" in results:
        notes.append(f"vcsim built its inventory and listened after {results['vcsim_start']:.1f} s.")
    if "idle" in results:
        notes.append(f"Idle, the change feed polling once a second (`events_poll: 1s`, the default): aggregator "
                     f"{results['idle']['aggregator'] * 1000:.0f} ms CPU/s, vcsim {results['idle']['vcsim'] * 1000:.0f} "
                     "ms CPU/s.")
    if p and p["pages"] == 1:
        notes.append("vcsim (govmomi 0.24) ignores `maxObjects`: every `RetrievePropertiesEx` answers in one page.")
    notes.append("vcsim, the aggregator, curl and Python share the same cores; each figure includes vcsim's "
                 "own CPU answering.")
    if "load" in results:
        notes.append("Load average (1 min) of the machine at start {:.2f}, at end {:.2f}: other work ran "
                     "beside the benchmark when it is well above 0.".format(*results["load"]))
    notes += [f"Not measured: {err}" for err in results.get("errors", [])]
    lines += [""] + [f"- {n}" for n in notes]
    return "\n".join(lines) + "\n"


# ---------------------------------------------------------------- main

def parse_args():
    parser = argparse.ArgumentParser(description="vmaggregator benchmark of the vsphere kind against vcsim")
    parser.add_argument("--bin", required=True, help="folder with the release aggregator")
    parser.add_argument("--vcsim", required=True, help="the vcsim program (scripts/vcsim.sh)")
    parser.add_argument("--vms", type=int, default=int(os.environ.get("BENCH_VSPHERE_VMS", 5000)),
                        help="VMs per cluster (2 clusters: twice as many VMs in all)")
    parser.add_argument("--runs", type=int, default=3, help="repeats of the pyvmomi read and of the export")
    parser.add_argument("--requests", type=int, default=30, help="requests of each from-memory listing")
    parser.add_argument("--changes", type=int, default=5, help="power changes timed")
    parser.add_argument("--output", help="also write the table to this file (raw figures beside it, .json)")
    parser.add_argument("--perf", metavar="DIR", help="profile the aggregator (perf, cpu-clock): the first export (the "
                        "full read serve also does) and the answers from memory; reports in DIR (figures of such "
                        "a run are perturbed)")
    parser.add_argument("--skip-build", action="store_true", help="(handled by scripts/bench-vsphere.sh)")
    args = parser.parse_args()
    if args.vms < 1 or args.runs < 1 or args.requests < 1 or args.changes < 1:
        parser.error("vms, runs, requests and changes at least 1")
    return args


def main():
    args = parse_args()
    results = {"errors": [], "load": [os.getloadavg()[0], 0.0]}
    commit, step = begin_run(results)
    workdir = tempfile.mkdtemp(prefix="vmaggregator-bench-vsphere-")
    log(f"vcsim with {2 * args.vms} VMs; logs in {workdir}")

    try:
        vcsim = VCSim(args.vcsim, workdir, args.vms)
        results["vcsim_start"] = vcsim.wait_listening(1800)
        log(f"  vcsim listening on {vcsim.url} after {results['vcsim_start']:.1f} s")
        config = write_config(workdir, vcsim)
        step("pyvmomi", measure_pyvmomi, args, vcsim, results)
        step("export", measure_export, args, vcsim, config, results)
        server = Server(args.bin, workdir, config)
        try:
            measure_serve(args, server, vcsim, 2 * args.vms, results)
            step("change", measure_changes, args, server, vcsim, results)
            server.check()
            results["memory"] = {"aggregator": server.status_kib("VmHWM") * 1024,
                                 "vcsim": vcsim.status_kib("VmHWM") * 1024}
        finally:
            server.stop()
    except Exception as error:
        log(f"stopped early: {error}")
        results["errors"].append(str(error).splitlines()[0][:200])
    finally:
        stop_all()
    results["load"][1] = os.getloadavg()[0]
    return report(table(args, results, commit), results, args.output, workdir)


if __name__ == "__main__":
    if len(sys.argv) == 6 and sys.argv[1] == "pyvmomi-read":
        print(json.dumps(pyvmomi_read(*sys.argv[2:])))
        sys.exit(0)
    try:
        sys.exit(main())
    except KeyboardInterrupt:
        log("interrupted; every process started here is stopped")
        sys.exit(130)
    finally:
        stop_all()
