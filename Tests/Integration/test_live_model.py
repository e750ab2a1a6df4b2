"""The live model over real ovirt-sim processes: changes made on an engine by someone else reach
our answers through the engine's event stream, without re-listing the engine."""
import time
from urllib.parse import urlsplit

import pytest

from integration_harness import Aggregator, Simulator, get_json, send_json, wait_until, write_config


def admin_base(api_url):
    parts = urlsplit(api_url)
    return f"{parts.scheme}://{parts.netloc}/__sim"


@pytest.fixture
def two_engines(tmp_config):
    sim = Simulator(["alpha", "beta"], vms=8, hosts=2, extra=["--async-ms", "0"])
    aggregator = None
    try:
        write_config(tmp_config, sim.urls, extra="")
        aggregator = Aggregator(tmp_config)
        wait_until(lambda: get_json(aggregator.base + "/api/v1/hosts")[1].get("complete"), aggregator, timeout=60)
        yield sim, aggregator
    finally:
        if aggregator:
            aggregator.stop()
        sim.stop()


def vms_named(aggregator, name):
    status, body = get_json(aggregator.base + f"/api/v1/vms?name_exact={name}")
    assert status == 200
    return body["items"]


def test_vm_created_started_stopped_and_removed_elsewhere_is_followed(two_engines):
    sim, aggregator = two_engines
    admin = admin_base(sim.urls["beta"])
    status, made = send_json(admin + "/vms", {"name": "made-elsewhere", "status": "down"})
    assert status == 201, made
    started = time.monotonic()
    vm = wait_until(lambda: vms_named(aggregator, "made-elsewhere"), aggregator, timeout=60)[0]
    assert time.monotonic() - started < 10
    assert vm["engine"] == "beta" and vm["status"] == "down" and vm["id"] == made["id"]

    assert send_json(admin + "/vms/made-elsewhere/status", {"status": "up"})[0] == 200
    up = wait_until(lambda: [v for v in vms_named(aggregator, "made-elsewhere") if v["status"] == "up"],
                    aggregator, timeout=60)[0]
    assert up.get("host"), "a running VM names its host"

    assert send_json(admin + "/vms/made-elsewhere/status", {"status": "down"})[0] == 200
    wait_until(lambda: [v for v in vms_named(aggregator, "made-elsewhere") if v["status"] == "down"],
               aggregator, timeout=60)

    assert send_json(admin + "/vms/made-elsewhere", method="DELETE")[0] in (200, 204)
    wait_until(lambda: not vms_named(aggregator, "made-elsewhere"), aggregator, timeout=60)


def test_host_state_change_is_followed(two_engines):
    sim, aggregator = two_engines
    _, hosts = get_json(aggregator.base + "/api/v1/hosts?engine=alpha")
    host = hosts["items"][0]["name"]
    assert send_json(admin_base(sim.urls["alpha"]) + f"/hosts/{host}/status", {"status": "maintenance"})[0] == 200
    wait_until(lambda: get_json(aggregator.base + f"/api/v1/hosts?engine=alpha&name_exact={host}&status=maintenance")
               [1]["items"], aggregator, timeout=60)


def test_lost_events_fall_back_to_a_full_read(two_engines):
    sim, aggregator = two_engines
    admin = admin_base(sim.urls["alpha"])
    # The engine forgets its whole event log: the model cannot follow it and reads it in full.
    assert send_json(admin + "/events/purge", {})[0] == 200
    assert send_json(admin + "/vms", {"name": "after-purge"})[0] == 201
    wait_until(lambda: vms_named(aggregator, "after-purge"), aggregator, timeout=60)
    # Events that never appear (a hole that does not fill), behind one that does, also end in a
    # full read.
    assert send_json(admin + "/events/drop", {"count": 8})[0] == 200
    assert send_json(admin + "/vms", {"name": "dropped-event"})[0] == 201
    assert send_json(admin + "/events/drop", {"count": 0})[0] == 200
    _, hosts = get_json(aggregator.base + "/api/v1/hosts?engine=alpha")
    assert send_json(admin + f"/hosts/{hosts['items'][0]['name']}/status", {"status": "maintenance"})[0] == 200
    wait_until(lambda: vms_named(aggregator, "dropped-event"), aggregator, timeout=60)
    # Event ids going backwards (an engine restored from backup) too.
    assert send_json(admin + "/events/reset", {"next_index": 1})[0] == 200
    assert send_json(admin + "/vms", {"name": "after-reset"})[0] == 201
    wait_until(lambda: vms_named(aggregator, "after-reset"), aggregator, timeout=60)


def test_ip_finds_a_vm_on_any_engine(two_engines):
    sim, aggregator = two_engines
    _, beta = get_json(aggregator.base + "/api/v1/vms?engine=beta&status=up&limit=1")
    target = beta["items"][0]
    ip = target["ip_addresses"][0]
    status, found = get_json(aggregator.base + f"/api/v1/vms?ip={ip}")
    assert status == 200
    assert ("beta", target["id"]) in [(v["engine"], v["id"]) for v in found["items"]]
    assert all(ip in v["ip_addresses"] for v in found["items"])
    assert found["total"] == len(found["items"])
    status, made = send_json(admin_base(sim.urls["alpha"]) + "/vms", {"name": "by-ip", "status": "up", "ip": "10.105.249.51"})
    assert status == 201
    found = wait_until(lambda: get_json(aggregator.base + "/api/v1/vms?ip=10.105.249.51")[1]["items"],
                       aggregator, timeout=60)
    assert [(v["engine"], v["id"]) for v in found] == [("alpha", made["id"])]
