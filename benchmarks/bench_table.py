"""The benchmark's one markdown table: the seed's way beside ours, each figure with its target."""
import os
import time


def fmt_s(seconds):
    return f"{seconds:.2f} s" if seconds >= 1 else f"{seconds * 1000:.0f} ms"


def verdict(ok):
    return "yes" if ok else "**no**"


def table(args, results, commit):
    rows = []
    c = results.get("concurrency")
    if c:
        ratio = c["all"]["median"] / c["one"]["median"]
        rows.append(("1", f"Concurrency: cold fan-out of the three seed lists (`refresh=true`), {args.engines} engines "
                          f"vs 1, simulator at 200 ms/request, {args.concurrency_vms} VMs/engine",
                     "engine after engine: grows with the engine count",
                     f"1 engine {fmt_s(c['one']['median'])}, {args.engines} engines {fmt_s(c['all']['median'])}: "
                     f"**{ratio:.2f}×** (CPU per fan-out, ours {c['one'].get('cpu', 0):.1f} s vs "
                     f"{c['all'].get('cpu', 0):.1f} s, simulator {c['one']['sim_cpu']:.1f} s vs "
                     f"{c['all']['sim_cpu']:.1f} s)",
                     "≤ 1.3×", verdict(ratio <= 1.3)))
    i, s = results.get("ingest_ours"), results.get("ingest_seed")
    if i and s:
        rows.append(("2", f"Ingest: CPU per VM listing one engine's {i['vms']} VMs "
                          "(`follow=reported_devices`)",
                     f"ovirtsdk4 (XML, in Python): {s['us_per_vm']:.0f} µs/VM",
                     f"**{i['us_per_vm']:.1f} µs/VM** (`/api/v1/vms?engine=X&refresh=true`, "
                     f"{fmt_s(i['seconds'])} per listing)", "≤ 30 µs/VM", verdict(i["us_per_vm"] <= 30)))
    es, eo = results.get("e2e_seed"), results.get("e2e_ours")
    if es and eo:
        ratio = es["seconds"] / eo["median"]
        rows.append(("3", f"End to end: VMs, hosts and clusters of {args.engines} engines × {args.vms} VMs, "
                          "simulator at 20 ms/request",
                     f"{fmt_s(es['seconds'])} (CPU: Python {es['cpu_seconds']:.1f} s, simulator {es['sim_cpu']:.1f} s)",
                     f"{fmt_s(eo['median'])} (CPU: ours {eo['cpu']:.1f} s, simulator {eo['sim_cpu']:.1f} s): "
                     f"**{ratio:.1f}× faster**",
                     "≥ 10×", verdict(ratio >= 10)))
    v = results.get("vm_list")
    if v:
        seed_vm = f"every answer lists live: {fmt_s(es['by_kind']['vms']['seconds'])}" if es else "lists live"
        rows.append(("4a", f"From memory: full `/ovirt/vm_list` ({args.engines * args.vms} VMs), median of "
                           f"{len(v['times'])}", seed_vm,
                     f"**{fmt_s(v['median'])}**, {v['bytes'] / 1e6:.1f} MB", "< 250 ms",
                     verdict(v["median"] < 0.25)))
    w = results.get("wrk_filtered")
    if w:
        rows.append(("4b", f"From memory: `wrk -c 32 -t 2 -d {args.wrk_seconds}s` on `{w['path']}`",
                     "a filtered answer needs a full live listing" + (f": {fmt_s(es['by_kind']['vms']['seconds'])}" if es else ""),
                     f"{w['rps']:,.0f} req/s, p50 {w['p50_ms']:.2f} ms, **p99 {w['p99_ms']:.2f} ms** "
                     f"({w['bytes'] / 1e3:.1f} kB each; aggregator on {w['aggregator_cores']:.2f} cores)"
                     + (f", {w['non_2xx']} non-2xx" if w["non_2xx"] else ""),
                     "p99 < 5 ms", verdict(w["p99_ms"] < 5 and not w["non_2xx"])))
    h = results.get("wrk_hosts")
    if h:
        seed_h = (f"one live listing per request: ≈ {1 / es['by_kind']['hosts']['seconds']:.1f} req/s"
                  if es else "lists live")
        rows.append(("4c", f"From memory: `wrk -c 32 -t 2 -d {args.wrk_seconds}s` on `/api/v1/hosts` "
                           f"({args.engines * args.hosts} hosts)", seed_h,
                     f"**{h['rps']:,.0f} req/s**, p50 {h['p50_ms']:.2f} ms, p99 {h['p99_ms']:.2f} ms "
                     f"({h['bytes'] / 1e3:.1f} kB each; aggregator on {h['aggregator_cores']:.2f} cores)"
                     + (f", {h['non_2xx']} non-2xx" if h["non_2xx"] else ""),
                     "≥ 10,000 req/s", verdict(h["rps"] >= 10000 and not h["non_2xx"])))
    f = results.get("freshness")
    if f:
        if f.get("error"):
            ours, ok = f"not measured: {f['error']}", False
        elif f["seconds"] is None:
            ours, ok = "not seen within 30 s", False
        else:
            via = "" if f["how"] == "admin route" else f"created through the {f['how']}; "
            ours = (f"**{fmt_s(f['seconds'])}** median, max {fmt_s(f['max'])} ({via}simulator CPU per wait "
                    f"≤ {f['sim_cpu'] * 1000:.0f} ms, ours ≤ {f['cpu'] * 1000:.0f} ms)")
            ok = f["max"] < 3
        rows.append(("5", f"Freshness: a VM created directly on an engine, until our `/api/v1/vms?name=` shows it "
                          f"(polled every 50 ms; {len(f.get('runs', []))} VMs)",
                     "seen at the next live listing", ours, "< 3 s", verdict(ok)))
    m = results.get("memory")
    if m:
        seed_rss = f"ovirtsdk4 process peak {es['max_rss_kib'] * 1024 / 1e6:.0f} MB" if es else "—"
        rows.append(("6", f"Memory: aggregator resident set holding {args.engines * args.vms} VMs",
                     seed_rss, f"**VmRSS {m['rss'] / 1e6:.0f} MB** after every run above (peak "
                               f"{m['hwm'] / 1e6:.0f} MB; {results.get('rss_after_start', 0) / 1e6:.0f} MB "
                               "right after start)",
                     "< 200 MB", verdict(m["rss"] < 200e6)))
    header = (f"{args.engines} engines × {args.vms} VMs × {args.hosts} hosts, release build, loopback, "
              f"{os.cpu_count()} cores, commit {commit}, {time.strftime('%Y-%m-%d')}")
    lines = [header, "", "| # | measure | seed's way | ours | target | met |", "|---|---|---|---|---|---|"]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    notes = []
    if i:
        notes.append(f"Ingest: simulator CPU per listing {i['sim_cpu']:.2f} s; the aggregator's idle CPU "
                     f"({i['idle_cpu_rate'] * 1000:.1f} ms/s, event polling) is subtracted.")
    if "ready_seconds" in results:
        notes.append(f"Start: every engine read in full after {results['ready_seconds']:.1f} s "
                     "(simulator at 20 ms/request).")
    if eo:
        notes.append("Cold fan-out: `/ovirt/vm_list`, `/ovirt/host_list` and `/ovirt/cluster_list`, each with "
                     "`refresh=true`, requested at once; timed until the last answer.")
    if results.get("wrk_hosts"):
        notes.append("wrk runs on the same cores as the aggregator (and the idle simulators).")
    for key in ("wrk_filtered", "wrk_hosts"):
        if results.get(key, {}).get("socket_errors"):
            notes.append(f"{key}: wrk socket errors: {results[key]['socket_errors']}")
    errors = results.get("errors", [])
    notes += [f"Not measured: {e}" for e in errors]
    if notes:
        lines += [""] + [f"- {n}" for n in notes]
    return "\n".join(lines) + "\n"
