#!/usr/bin/env python3
"""The seed's way of listing: ovirtsdk4 (XML), one engine after another, as the Flask tool did.

    seed_way.py [--user U] [--password-env VAR] NAME=URL [NAME=URL ...]
        Lists VMs (follow=reported_devices), then hosts, then clusters, each across every engine
        in turn (one connection per engine and listing, as the tool's vm_list/host_list/
        cluster_list did), turns them into the tool's dictionaries, and prints one JSON object:
        {"seconds", "cpu_seconds", "max_rss_kib", "vms", "hosts", "clusters",
         "by_kind": {"vms": {"seconds", "cpu_seconds"}, ...}}

    seed_way.py --ingest RUNS NAME=URL
        Lists that engine's VMs RUNS times on one connection and prints
        {"vms", "runs": [{"seconds", "cpu_seconds"}, ...]}: the SDK's own cost of reading them.

Host and cluster names of a VM are resolved from one listing of each per engine (a dictionary
lookup), which is kinder to this side than following each VM's links would be.
"""
import argparse
import json
import os
import resource
import sys
import time

import ovirtsdk4 as sdk


def cpu_seconds():
    times = os.times()
    return times.user + times.system


def connect(url, user, password):
    return sdk.Connection(url=url, username=user, password=password, insecure=True, timeout=900)


def ips_of(vm):
    addresses = []
    for device in vm.reported_devices or []:
        for ip in device.ips or []:
            if ip.address:
                addresses.append(ip.address)
    return addresses


def vm_dicts(engine, connection):
    system = connection.system_service()
    clusters = {c.id: c.name for c in system.clusters_service().list()}
    hosts = {h.id: h.name for h in system.hosts_service().list()}
    items = []
    for vm in system.vms_service().list(follow="reported_devices"):
        items.append({
            "engine": engine,
            "id": vm.id,
            "name": vm.name,
            "status": vm.status.value if vm.status else None,
            "cluster": clusters.get(vm.cluster.id) if vm.cluster else None,
            "host": hosts.get(vm.host.id) if vm.host else None,
            "cpus": vm.cpu.topology.cores * vm.cpu.topology.sockets if vm.cpu and vm.cpu.topology else None,
            "memory_bytes": vm.memory,
            "ip_addresses": ips_of(vm),
            "fqdn": vm.fqdn,
            "description": vm.description,
        })
    return items


def host_dicts(engine, connection):
    system = connection.system_service()
    clusters = {c.id: c.name for c in system.clusters_service().list()}
    return [{
        "engine": engine,
        "id": host.id,
        "name": host.name,
        "address": host.address,
        "status": host.status.value if host.status else None,
        "cluster": clusters.get(host.cluster.id) if host.cluster else None,
    } for host in system.hosts_service().list()]


def cluster_dicts(engine, connection):
    return [{
        "engine": engine,
        "id": cluster.id,
        "name": cluster.name,
        "description": cluster.description,
    } for cluster in connection.system_service().clusters_service().list()]


def list_everything(engines, user, password):
    counts = {}
    by_kind = {}
    wall0, cpu0 = time.monotonic(), cpu_seconds()
    for kind, lister in (("vms", vm_dicts), ("hosts", host_dicts), ("clusters", cluster_dicts)):
        kind_wall, kind_cpu = time.monotonic(), cpu_seconds()
        answer = {}
        for name, url in engines:
            connection = connect(url, user, password)
            try:
                answer[name] = lister(name, connection)
            finally:
                connection.close(logout=True)
        json.dumps(answer)  # the tool answered JSON
        counts[kind] = sum(len(items) for items in answer.values())
        by_kind[kind] = {"seconds": round(time.monotonic() - kind_wall, 4),
                         "cpu_seconds": round(cpu_seconds() - kind_cpu, 4)}
    return {
        "seconds": round(time.monotonic() - wall0, 4),
        "cpu_seconds": round(cpu_seconds() - cpu0, 4),
        "max_rss_kib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
        **counts,
        "by_kind": by_kind,
    }


def ingest(engine_url, runs, user, password):
    connection = connect(engine_url, user, password)
    results = []
    count = 0
    try:
        vms_service = connection.system_service().vms_service()
        vms_service.list(max=1)  # log in first: only the listing is measured
        for _ in range(runs):
            wall0, cpu0 = time.monotonic(), cpu_seconds()
            count = len(vms_service.list(follow="reported_devices"))
            results.append({"seconds": round(time.monotonic() - wall0, 4),
                            "cpu_seconds": round(cpu_seconds() - cpu0, 4)})
    finally:
        connection.close(logout=True)
    return {"vms": count, "runs": results}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("engines", nargs="+", metavar="NAME=URL")
    parser.add_argument("--user", default="admin@internal")
    parser.add_argument("--password-env", default="OVIRT_PASSWORD")
    parser.add_argument("--ingest", type=int, metavar="RUNS")
    args = parser.parse_args()
    engines = [tuple(item.split("=", 1)) for item in args.engines]
    password = os.environ.get(args.password_env)
    if password is None:
        sys.exit(f"seed_way.py: set {args.password_env} to the engines' password")
    if args.ingest:
        result = ingest(engines[0][1], args.ingest, args.user, password)
    else:
        result = list_everything(engines, args.user, password)
    json.dump(result, sys.stdout)
    print()


if __name__ == "__main__":
    main()
