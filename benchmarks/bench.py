#!/usr/bin/env python3
"""Driver of scripts/bench.sh: starts simulated engines and aggregators on loopback, measures,
prints one markdown table (the seed's way beside ours, each figure with its target), stops
everything it started. Progress goes to stderr, the table to stdout (and --output FILE).

Run it through scripts/bench.sh, which installs and builds first.
"""
import argparse
import base64
import json
import os
import random
import re
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from bench_processes import (PASSWORD, Aggregator, Profile, Simulator, begin_run, cold_fan_out, engine_names, get_json,
                             log, post_json, report, stop_all, timed_get)
from bench_table import table

ROOT = Path(__file__).resolve().parents[1]


def env_int(name, default):
    return int(os.environ.get(name, default))


def parse_args():
    parser = argparse.ArgumentParser(description="vmaggregator benchmark: the seed's way vs the live inventory")
    parser.add_argument("--bin", required=True, help="folder with release aggregator and ovirt-sim")
    parser.add_argument("--python", default=sys.executable, help="python with ovirtsdk4")
    parser.add_argument("--engines", type=int, default=env_int("BENCH_ENGINES", 6))
    parser.add_argument("--vms", type=int, default=env_int("BENCH_VMS", 5000), help="VMs per engine")
    parser.add_argument("--hosts", type=int, default=env_int("BENCH_HOSTS", 100), help="hosts per engine")
    parser.add_argument("--runs", type=int, default=env_int("BENCH_RUNS", 3), help="repeats of each timed request")
    parser.add_argument("--wrk-seconds", type=int, default=env_int("BENCH_WRK_SECONDS", 10))
    parser.add_argument("--concurrency-vms", type=int, default=env_int("BENCH_CONCURRENCY_VMS", 0),
                        help="VMs per engine of the 200 ms simulator (default: --vms)")
    parser.add_argument("--output", help="also write the table to this file")
    parser.add_argument("--perf", metavar="DIR", help="profile the aggregator (perf, cpu-clock) while it ingests, "
                        "fans out and answers from memory; reports in DIR (figures of such a run are perturbed)")
    parser.add_argument("--skip-build", action="store_true", help="(handled by scripts/bench.sh)")
    args = parser.parse_args()
    if not 1 <= args.engines <= 64 or args.vms < 1 or args.hosts < 1 or args.runs < 1:
        parser.error("engines 1-64, vms, hosts and runs at least 1")
    args.concurrency_vms = args.concurrency_vms or args.vms
    return args


# ---------------------------------------------------------------- measurements

def measure_concurrency(args, workdir, results):
    log(f"concurrency: simulator at 200 ms, {args.engines} engines x {args.concurrency_vms} VMs")
    engines = engine_names(args.engines)
    sim = Simulator(args.bin, workdir, "sim-200ms", engines, args.concurrency_vms, args.hosts, 200)
    try:
        sim.wait_listening(600)
        figures = {}
        for label, chosen in (("one", engines[:1]), ("all", engines)):
            agg = Aggregator(args.bin, workdir, f"agg-200ms-{label}", {e: sim.urls[e] for e in chosen})
            try:
                ready = agg.wait_ready(900)
                log(f"  {len(chosen)} engine(s): ready after {ready:.1f}s")
                sim_cpu0, cpu0 = sim.cpu_seconds(), agg.cpu_seconds()
                times = cold_fan_out(agg, args.runs)
                figures[label] = {"median": statistics.median(times), "times": times,
                                  "sim_cpu": (sim.cpu_seconds() - sim_cpu0) / args.runs,
                                  "cpu": (agg.cpu_seconds() - cpu0) / args.runs}
                log(f"  {len(chosen)} engine(s): {', '.join(f'{t:.2f}' for t in times)} s")
            finally:
                agg.stop()
        results["concurrency"] = figures
    finally:
        sim.stop()


def measure_ingest(args, agg, sim, results, first_engine):
    log(f"ingest: {args.runs} x GET /api/v1/vms?engine={first_engine}&refresh=true")
    idle0, t0 = agg.cpu_seconds(), time.monotonic()
    time.sleep(3)
    idle_rate = (agg.cpu_seconds() - idle0) / (time.monotonic() - t0)
    url = f"{agg.base}/api/v1/vms?engine={first_engine}&refresh=true"
    body_file = str(Path(agg.log_path).with_name("vms-first-engine.json"))
    cpu_total, wall_total, sim_total, count = 0.0, 0.0, 0.0, 0
    with Profile(args.perf, "ingest", agg.pid):
        for _ in range(args.runs):
            cpu0, sim0 = agg.cpu_seconds(), sim.cpu_seconds()
            code, seconds, _ = timed_get(url, output=body_file)
            if code != 200:
                raise RuntimeError(f"{url}: HTTP {code}")
            cpu_total += agg.cpu_seconds() - cpu0 - idle_rate * seconds
            sim_total += sim.cpu_seconds() - sim0
            wall_total += seconds
    with open(body_file) as f:
        body = json.load(f)
    os.unlink(body_file)
    count = body.get("count", len(body.get("items", [])))
    names = [item["name"] for item in body.get("items", [])]
    results["ingest_ours"] = {"us_per_vm": cpu_total / args.runs / max(count, 1) * 1e6, "vms": count,
                              "seconds": wall_total / args.runs, "sim_cpu": sim_total / args.runs,
                              "idle_cpu_rate": idle_rate}
    results["sample_vm_name"] = names[len(names) // 2] if names else "web"
    log(f"  ours: {results['ingest_ours']['us_per_vm']:.1f} us/VM over {count} VMs "
        f"(simulator {sim_total / args.runs:.2f} s CPU per listing; idle {idle_rate * 1000:.1f} ms CPU/s)")

    log(f"ingest: ovirtsdk4 listing {first_engine}'s VMs {args.runs} times")
    seed = run_seed_way(args, [(first_engine, sim.urls[first_engine])], ["--ingest", str(args.runs)])
    cpu = sum(r["cpu_seconds"] for r in seed["runs"]) / len(seed["runs"])
    results["ingest_seed"] = {"us_per_vm": cpu / max(seed["vms"], 1) * 1e6, "vms": seed["vms"],
                              "seconds": sum(r["seconds"] for r in seed["runs"]) / len(seed["runs"])}
    log(f"  ovirtsdk4: {results['ingest_seed']['us_per_vm']:.1f} us/VM")


def run_seed_way(args, engines, extra=()):
    command = [args.python, str(ROOT / "benchmarks/seed_way.py"), "--password-env", "BENCH_OVIRT_PASSWORD",
               *extra, *[f"{name}={url}" for name, url in engines]]
    done = subprocess.run(command, capture_output=True, text=True, timeout=3600,
                          env={**os.environ, "BENCH_OVIRT_PASSWORD": PASSWORD})
    if done.returncode != 0:
        raise RuntimeError(f"seed_way.py failed ({done.returncode}):\n{done.stderr[-3000:]}")
    return json.loads(done.stdout)


def measure_end_to_end(args, agg, sim, results):
    engines = [(name, sim.urls[name]) for name in sim.engines]
    log("end to end: the seed's way (ovirtsdk4, engine after engine)")
    sim0 = sim.cpu_seconds()
    seed = run_seed_way(args, engines)
    seed["sim_cpu"] = sim.cpu_seconds() - sim0
    results["e2e_seed"] = seed
    log(f"  seed's way: {seed['seconds']:.2f} s ({seed['vms']} VMs, simulator {seed['sim_cpu']:.1f} s CPU)")
    log(f"end to end: our cold fan-out of the three seed lists, {args.runs} runs")
    sim0, cpu0 = sim.cpu_seconds(), agg.cpu_seconds()
    with Profile(args.perf, "fan-out", agg.pid):
        times = cold_fan_out(agg, args.runs)
    results["e2e_ours"] = {"median": statistics.median(times), "times": times,
                           "sim_cpu": (sim.cpu_seconds() - sim0) / args.runs,
                           "cpu": (agg.cpu_seconds() - cpu0) / args.runs}
    log(f"  ours: {', '.join(f'{t:.2f}' for t in times)} s")


WRK_LATENCY = re.compile(r"^\s+(50|99)(?:\.0+)?%\s+([\d.]+)(us|ms|s)\s*$", re.M)
UNIT = {"us": 1e-3, "ms": 1.0, "s": 1e3}


def run_wrk(url, seconds, agg):
    code, _, size = timed_get(url)
    if code != 200:
        raise RuntimeError(f"{url}: HTTP {code}")
    command = ["wrk", "-c", "32", "-t", "2", "-d", f"{seconds}s", "--latency", "--timeout", "10s", url]
    cpu0, wall0 = agg.cpu_seconds(), time.monotonic()
    done = subprocess.run(command, capture_output=True, text=True, timeout=seconds + 60)
    cores = (agg.cpu_seconds() - cpu0) / (time.monotonic() - wall0)
    out = done.stdout
    rps = re.search(r"^Requests/sec:\s+([\d.]+)", out, re.M)
    latencies = {p: float(v) * UNIT[u] for p, v, u in WRK_LATENCY.findall(out)}
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    socket_errors = re.search(r"Socket errors: (.*)", out)
    if not rps or "50" not in latencies or "99" not in latencies:
        raise RuntimeError(f"wrk output not understood:\n{out}\n{done.stderr}")
    return {"rps": float(rps.group(1)), "p50_ms": latencies["50"], "p99_ms": latencies["99"],
            "bytes": size, "aggregator_cores": cores,
            "non_2xx": int(errors.group(1)) if errors else 0,
            "socket_errors": socket_errors.group(1).strip() if socket_errors else ""}


def measure_from_memory(args, agg, results, first_engine):
    log(f"from memory: GET /ovirt/vm_list x {max(args.runs, 5)}")
    times, size = [], 0
    with Profile(args.perf, "vm_list", agg.pid):
        for _ in range(max(args.runs, 5)):
            code, seconds, size = timed_get(agg.base + "/ovirt/vm_list")
            if code != 200:
                raise RuntimeError(f"/ovirt/vm_list: HTTP {code}")
            times.append(seconds)
    results["vm_list"] = {"median": statistics.median(times), "times": times, "bytes": size}
    log(f"  {', '.join(f'{t * 1000:.0f}' for t in times)} ms, {size / 1e6:.1f} MB")
    name = results.get("sample_vm_name", "web")
    filtered = f"{agg.base}/api/v1/vms?engine={first_engine}&name={urllib.request.quote(name)}"
    log(f"from memory: wrk {args.wrk_seconds}s on {filtered}")
    with Profile(args.perf, "wrk-filtered", agg.pid):
        results["wrk_filtered"] = run_wrk(filtered, args.wrk_seconds, agg)
    results["wrk_filtered"]["path"] = filtered.replace(agg.base, "")
    log(f"  {results['wrk_filtered']}")
    log(f"from memory: wrk {args.wrk_seconds}s on /api/v1/hosts")
    with Profile(args.perf, "wrk-hosts", agg.pid):
        results["wrk_hosts"] = run_wrk(agg.base + "/api/v1/hosts", args.wrk_seconds, agg)
    log(f"  {results['wrk_hosts']}")


def create_vm_on_engine(sim, engine, name):
    """Creates a VM directly on the simulated engine, as someone else would; returns how, or raises."""
    status, body = post_json(sim.admin_base(engine) + "/__sim/vms", {"name": name, "status": "up"})
    how = "admin route"
    if status == 404:
        # A simulator without the admin route: create it through the engine's own API instead.
        how = "engine API"
        token = base64.b64encode(f"admin@internal:{PASSWORD}".encode()).decode()
        status, body = post_json(sim.urls[engine] + "/vms",
                                 {"name": name, "cluster": {"name": "Default"}, "template": {"name": "Blank"}},
                                 headers={"Authorization": f"Basic {token}", "Accept": "application/json",
                                          "Version": "4"})
    if status not in (200, 201, 202):
        raise RuntimeError(f"creating a VM ({how}) answered HTTP {status}: {body[:300]!r}")
    return how


def measure_freshness(args, agg, sim, results, first_engine):
    runs = []
    how = ""
    for run in range(args.runs):
        name = f"bench-fresh-{os.getpid()}-{run + 1}"
        log(f"freshness: {name} created on {first_engine}, polling our /api/v1/vms?name={name}")
        sim0, agg0 = sim.cpu_seconds(), agg.cpu_seconds()
        started = time.monotonic()
        how = create_vm_on_engine(sim, first_engine, name)
        poll = f"{agg.base}/api/v1/vms?engine={first_engine}&name={name}"
        deadline, polls, seen = started + 30, 0, None
        while time.monotonic() < deadline:
            polls += 1
            code, answer = get_json(poll, timeout=max(1, deadline - time.monotonic()))
            if code == 200 and answer and answer.get("count", 0) > 0:
                seen = time.monotonic() - started
                break
            time.sleep(0.05)
        runs.append({"seconds": seen, "polls": polls, "sim_cpu": sim.cpu_seconds() - sim0,
                     "cpu": agg.cpu_seconds() - agg0})
        log(f"  {runs[-1]}")
        if seen is None:
            break
        time.sleep(random.uniform(0.1, 1.1))  # the next creation falls at another point of the poll cycle
    times = [r["seconds"] for r in runs]
    results["freshness"] = {
        "how": how, "runs": runs,
        "seconds": None if None in times else statistics.median(times),
        "max": None if None in times else max(times),
        "polls": sum(r["polls"] for r in runs),
        "sim_cpu": max(r["sim_cpu"] for r in runs), "cpu": max(r["cpu"] for r in runs)}


# ---------------------------------------------------------------- main

def main():
    args = parse_args()
    results = {"errors": []}
    commit, step = begin_run(results)
    workdir = tempfile.mkdtemp(prefix="vmaggregator-bench-")
    log(f"{args.engines} engines x {args.vms} VMs x {args.hosts} hosts; logs in {workdir}")

    try:
        step("concurrency", measure_concurrency, args, workdir, results)
        engines = engine_names(args.engines)
        log(f"estate: simulator at 20 ms, {args.engines} engines x {args.vms} VMs x {args.hosts} hosts")
        sim = Simulator(args.bin, workdir, "sim-20ms", engines, args.vms, args.hosts, 20)
        sim.wait_listening(600)
        agg = Aggregator(args.bin, workdir, "agg-estate", sim.urls)
        results["ready_seconds"] = agg.wait_ready(1800)
        log(f"  ready after {results['ready_seconds']:.1f} s")
        results["rss_after_start"] = agg.status_kib("VmRSS") * 1024
        first = engines[0]
        step("ingest", measure_ingest, args, agg, sim, results, first)
        step("end to end", measure_end_to_end, args, agg, sim, results)
        agg.wait_ready(600)
        step("from memory", measure_from_memory, args, agg, results, first)
        step("freshness", measure_freshness, args, agg, sim, results, first)
        agg.check()
        results["memory"] = {"rss": agg.status_kib("VmRSS") * 1024, "hwm": agg.status_kib("VmHWM") * 1024}
    except Exception as error:
        log(f"stopped early: {error}")
        results["errors"].append(str(error).splitlines()[0][:200])
    finally:
        stop_all()
    return report(table(args, results, commit), results, args.output, workdir)


if __name__ == "__main__":
    try:
        sys.exit(main())
    except KeyboardInterrupt:
        log("interrupted; every process started here is stopped")
        sys.exit(130)
    finally:
        stop_all()
