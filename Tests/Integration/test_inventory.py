"""The aggregator over real ovirt-sim processes: merged listings, an engine down, an engine slow."""
import json
import subprocess
import time

import pytest

from integration_harness import SEED_ENGINES, Aggregator, Demo, Simulator, get_json, wait_until, write_config


@pytest.fixture
def estate(tmp_config):
    """Six engines, each in its own ovirt-sim process (so one can be killed), and the aggregator."""
    sims = {}
    aggregator = None
    try:
        for index, name in enumerate(SEED_ENGINES):
            sims[name] = Simulator([name], vms=5 + index, hosts=2)
        write_config(tmp_config, {name: sim.urls[name] for name, sim in sims.items()})
        aggregator = Aggregator(tmp_config)
        yield sims, aggregator
    finally:
        if aggregator:
            aggregator.stop()
        for sim in sims.values():
            sim.stop()


def test_vm_list_merges_every_engine_in_config_order(estate):
    sims, aggregator = estate
    status, body = get_json(aggregator.base + "/ovirt/vm_list")
    assert status == 200
    assert list(body) == SEED_ENGINES
    for index, name in enumerate(SEED_ENGINES):
        vms = body[name]
        assert len(vms) == 5 + index, name
        assert all(vm["engine"] == name for vm in vms)
        assert all(vm["cluster"] == "Default" for vm in vms), "cluster ids must be resolved to names"
        assert len({vm["id"] for vm in vms}) == len(vms)
    running = [vm for vm in body["e15"] if vm["status"] == "up"]
    assert running and all(vm.get("host") for vm in running), "running VMs name their host"


def test_host_and_cluster_lists(estate):
    _, aggregator = estate
    status, hosts = get_json(aggregator.base + "/ovirt/host_list")
    assert status == 200
    assert all(len(hosts[name]) == 2 for name in SEED_ENGINES)
    status, clusters = get_json(aggregator.base + "/ovirt/cluster_list")
    assert status == 200
    for name in SEED_ENGINES:
        assert [c["name"] for c in clusters[name]] == ["Default"]
        assert clusters[name][0]["data_center"] == "Default"
        assert clusters[name][0]["host_count"] == 2


def test_killing_one_engine_keeps_the_other_five_and_its_last_good_data_marked_stale(estate):
    sims, aggregator = estate
    status, before = get_json(aggregator.base + "/ovirt/vm_list")
    assert status == 200 and len(before["n32"]) == 5 + SEED_ENGINES.index("n32")
    sims["n32"].kill()

    def n32_failed():
        status, body = get_json(aggregator.base + "/ovirt/vm_list")
        return body if status == 200 and "n32" in body.get("_errors", {}) else None
    body = wait_until(n32_failed, aggregator, timeout=60)
    error = body["_errors"]["n32"]
    assert error["error"] == "connection_refused"
    assert "refused" in error["message"]
    assert error["stale"] is True and error["age_ms"] >= 0
    assert [vm["id"] for vm in body["n32"]] == [vm["id"] for vm in before["n32"]], "last good data is kept"
    for name in SEED_ENGINES:
        if name != "n32":
            assert body[name], name
    assert set(body["_errors"]) == {"n32"}

    status, flat = get_json(aggregator.base + "/api/v1/vms")
    assert status == 200
    assert flat["complete"] is False
    assert {vm["engine"] for vm in flat["items"]} == set(SEED_ENGINES)
    failed = [e for e in flat["engines"] if not e["ok"]]
    assert [e["engine"] for e in failed] == ["n32"]
    assert failed[0]["stale"] is True and failed[0]["error"] == "connection_refused"
    assert all(e["stale"] is False for e in flat["engines"] if e["ok"])


def test_flat_api_filters(estate):
    _, aggregator = estate
    status, body = get_json(aggregator.base + "/api/v1/vms?engine=e15,k45&status=up")
    assert status == 200
    assert body["items"]
    assert {vm["engine"] for vm in body["items"]} <= {"e15", "k45"}
    assert all(vm["status"] == "up" for vm in body["items"])
    assert [e["engine"] for e in body["engines"]] == ["e15", "k45"]
    status, body = get_json(aggregator.base + "/api/v1/vms?engine=nope")
    assert status == 400
    assert "e15-test" in body["error"]["fix"]
    status, body = get_json(aggregator.base + "/api/v1/backends")
    assert status == 200
    assert [b["name"] for b in body["items"]] == SEED_ENGINES
    assert all(b["version"] for b in body["items"])


def test_curl_against_the_seed_endpoint(estate):
    _, aggregator = estate
    out = subprocess.run(["curl", "-sS", "-f", aggregator.base + "/ovirt/vm_list"], capture_output=True, timeout=60)
    assert out.returncode == 0, out.stderr
    assert set(json.loads(out.stdout)) == set(SEED_ENGINES)


def test_slow_engine_times_out_alone(tmp_config):
    fast = Simulator(["fast"], vms=3)
    slow = Simulator(["slow"], vms=3, latency_ms=4000)
    aggregator = None
    try:
        write_config(tmp_config, {"fast": fast.urls["fast"], "slow": slow.urls["slow"]}, request_timeout="1s")
        aggregator = Aggregator(tmp_config)
        started = time.monotonic()
        status, body = get_json(aggregator.base + "/ovirt/vm_list")
        elapsed = time.monotonic() - started
        assert status == 200
        assert len(body["fast"]) == 3
        assert body["slow"] == []
        assert body["_errors"]["slow"]["error"] == "timeout"
        assert elapsed < 3.5, f"the slow engine held the answer for {elapsed:.1f}s"
    finally:
        if aggregator:
            aggregator.stop()
        fast.stop()
        slow.stop()


def test_all_engines_down_is_a_502_with_reasons(tmp_config):
    sim = Simulator(["gone"], vms=1)
    url = sim.urls["gone"]
    sim.stop()
    write_config(tmp_config, {"gone": url})
    aggregator = Aggregator(tmp_config)
    try:
        status, body = get_json(aggregator.base + "/api/v1/hosts")
        assert status == 502
        assert body["error"]["code"] == "all_engines_failed"
        assert "gone" in body["error"]["message"]
    finally:
        aggregator.stop()


def test_wrong_password_is_reported_without_the_password(tmp_config):
    sim = Simulator(["e1"], vms=1, extra=["--password", "right-one"])
    aggregator = None
    try:
        write_config(tmp_config, {"e1": sim.urls["e1"]})
        aggregator = Aggregator(tmp_config)  # sends "admin"
        status, body = get_json(aggregator.base + "/ovirt/vm_list")
        assert status == 502
        error = body["_errors"]["e1"]
        assert error["error"] == "unauthorized"
        assert "admin@internal" in error["message"] or "credentials" in error["message"].lower() \
            or "password" in error["message"].lower()
        assert "right-one" not in json.dumps(body)
        assert "right-one" not in aggregator.output()
    finally:
        if aggregator:
            aggregator.stop()
        sim.stop()


def test_demo_serves_six_simulated_engines():
    demo = Demo(["--config", "/nonexistent.yaml", "--vms", "7"])
    try:
        out = subprocess.run(["curl", "-sS", "-f", f"{demo.base}/ovirt/vm_list"],
                             capture_output=True, timeout=60)
        body = json.loads(out.stdout)
        assert list(body) == SEED_ENGINES
        assert all(len(body[name]) == 7 for name in SEED_ENGINES)
    finally:
        demo.stop()
