"""Chaos over real processes: three simulated engines churned at random (seeded) with event-log
faults while clients list the aggregator; afterwards the live model must equal every engine as
ovirtsdk4 reads it. And a VM whose guest agent reports late is found by its address once the
aggregator re-reads it.

CHAOS_PROBE sets the aggregator's consistency_probe (default 2s; "0" turns it off, "none" leaves
the key out) to see the baseline without the probe: the tail drop is then never noticed.
"""
import os
import time

import pytest

from chaos_churn import admin_call, api_call, describe, run_seed, write_chaos_config
from integration_harness import Aggregator, Simulator, get_json, wait_until

PROBE = os.environ.get("CHAOS_PROBE", "2s")
BOUND = 10.0


def probe_setting():
    return None if PROBE == "none" else PROBE


@pytest.mark.parametrize("seed", [11, 23, 37])
def test_the_model_equals_every_engine_after_churn_with_event_log_faults(seed):
    # The churn's own last faults stay open (drops and holds with no event after them): whatever
    # they hid, the probe must find.
    result = run_seed(seed, engine_names=("chaos-a", "chaos-b", "chaos-c"), vms=60, hosts=5, changes=150,
                      duration=20.0, bound=BOUND, probe=probe_setting(), listers=3, close_faults=False)
    if result.failed_listings or result.mismatches:
        pytest.fail(describe(result, BOUND), pytrace=False)
    stats = result.stats
    assert stats.changes >= 100 and stats.faults["purge"] == 1 and stats.faults["reset"] == 1, describe(result, BOUND)
    assert stats.faults["drop"] >= 2 and stats.tail_drop, "the run ends with a dropped event"
    assert result.listings > 0


def engine_addresses(api_url, vm_id):
    """The addresses the engine's guest agent reports for a VM, as ovirtsdk4 reads them."""
    import ovirtsdk4 as sdk

    connection = sdk.Connection(url=api_url, username="admin@internal", password="admin", insecure=True)
    try:
        devices = connection.system_service().vms_service().vm_service(vm_id).reported_devices_service().list()
        return {ip.version.value: ip.address for device in devices for ip in device.ips or []}
    finally:
        connection.close()


def test_a_vm_whose_guest_agent_reports_late_is_found_by_its_address(tmp_path):
    sim = Simulator(["chaos-ip"], vms=6, hosts=2, extra=["--async-ms", "0", "--guest-ip-delay", "2s"])
    aggregator = None
    try:
        url = sim.urls["chaos-ip"]
        aggregator = Aggregator(write_chaos_config(tmp_path / "backends.yaml", sim.urls, probe=probe_setting()))
        wait_until(lambda: get_json(aggregator.base + "/api/v1/hosts")[1].get("complete"), aggregator, timeout=120)

        def listed():
            status, body = get_json(aggregator.base + "/api/v1/vms?name_exact=late-ip")
            assert status == 200
            return body["items"]

        status, made = admin_call(url, "/vms", {"name": "late-ip"})
        assert status == 201, made
        wait_until(listed, aggregator, timeout=BOUND)

        started = time.monotonic()
        status, answer = api_call(url, f"/vms/{made['id']}/start", "POST", "<action/>")
        assert status == 200, answer
        _, log = admin_call(url, "/events", method="GET")
        first_up = wait_until(lambda: [vm for vm in listed() if vm["status"] == "up"], aggregator, timeout=BOUND)[0]
        if time.monotonic() - started < 1.5:
            assert first_up["ip_addresses"] == [], "the guest agent had not reported yet"

        addresses = wait_until(lambda: engine_addresses(url, made["id"]), aggregator, timeout=BOUND)
        assert time.monotonic() - started >= 2.0, "the engine reports the addresses only after --guest-ip-delay"
        found = wait_until(lambda: get_json(aggregator.base + f"/api/v1/vms?ip={addresses['v4']}")[1]["items"],
                           aggregator, timeout=BOUND)
        took = time.monotonic() - started
        assert [(vm["engine"], vm["id"]) for vm in found] == [("chaos-ip", made["id"])]
        assert set(addresses.values()) <= set(found[0]["ip_addresses"])
        _, later = admin_call(url, "/events", method="GET")
        assert later["next_index"] == log["next_index"], "the addresses arrived without an event: only a re-read finds them"
        assert took < 2.0 + BOUND, f"found {took:.1f} s after the start"
    finally:
        if aggregator:
            aggregator.stop()
        sim.stop()


@pytest.mark.parametrize("status", ["paused", "unknown"])
def test_a_lost_change_of_a_running_vm_that_moves_no_count_is_found_by_the_probe(tmp_path, status):
    """Up to paused or unknown keeps every summary count (all are active): only the probe's list of VMs in
    exceptional statuses shows it when its event is lost at the tail of the log."""
    sim = Simulator(["lost-a"], vms=10, hosts=2, extra=["--async-ms", "0"])
    aggregator = None
    try:
        url = sim.urls["lost-a"]
        aggregator = Aggregator(write_chaos_config(tmp_path / "backends.yaml", sim.urls, probe=probe_setting()))
        wait_until(lambda: get_json(aggregator.base + "/api/v1/vms")[1].get("complete"), aggregator, timeout=120)
        name = get_json(aggregator.base + "/api/v1/vms?status=up&limit=1")[1]["items"][0]["name"]
        assert admin_call(url, "/events/drop", {"count": 1})[0] == 200
        assert admin_call(url, f"/vms/{name}/status", {"status": status})[0] == 200

        def model_status():
            return get_json(aggregator.base + f"/api/v1/vms?name_exact={name}")[1]["items"][0]["status"]

        try:
            wait_until(lambda: model_status() == status, aggregator, timeout=BOUND)
        except AssertionError:
            pytest.fail(f"{name} is {status} on the engine, {model_status()} in the model after {BOUND} s\n"
                        + "\n".join(line for line in aggregator.output().splitlines() if "Request" not in line)[-4000:])
        _, backends = get_json(aggregator.base + "/api/v1/backends")
        assert backends["items"][0]["freshness"]["consistency_full_reads"] >= 1
    finally:
        if aggregator:
            aggregator.stop()
        sim.stop()


def test_a_migration_whose_events_were_lost_is_found_by_the_probe(tmp_path):
    """A migration moves no count and no status: only each host's VM count shows it when both of
    its events (62, 63) are lost at the tail of the log."""
    sim = Simulator(["lost-m"], vms=10, hosts=2, extra=["--async-ms", "0"])
    aggregator = None
    try:
        url = sim.urls["lost-m"]
        aggregator = Aggregator(write_chaos_config(tmp_path / "backends.yaml", sim.urls, probe=probe_setting()))
        wait_until(lambda: get_json(aggregator.base + "/api/v1/vms")[1].get("complete"), aggregator, timeout=120)
        vm = get_json(aggregator.base + "/api/v1/vms?status=up&limit=1")[1]["items"][0]
        hosts = [h["name"] for h in get_json(aggregator.base + "/api/v1/hosts")[1]["items"] if h["status"] == "up"]
        target = next(name for name in hosts if name != vm["host"])
        assert admin_call(url, "/events/drop", {"count": 2})[0] == 200
        assert admin_call(url, f"/vms/{vm['name']}/migrate", {"host": target})[0] == 200

        def model_host():
            return get_json(aggregator.base + f"/api/v1/vms?name_exact={vm['name']}")[1]["items"][0]["host"]

        try:
            wait_until(lambda: model_host() == target, aggregator, timeout=BOUND)
        except AssertionError:
            pytest.fail(f"{vm['name']} runs on {target}, the model says {model_host()} after {BOUND} s\n"
                        + "\n".join(line for line in aggregator.output().splitlines() if "Request" not in line)[-4000:])
    finally:
        if aggregator:
            aggregator.stop()
        sim.stop()
