"""VM operations end to end: real `ovirt-sim`, `pve-sim` and `aggregator serve` on loopback, every
action confirmed on the engine with its own API (ovirtsdk4; the Proxmox VE REST API with a token).

One aggregator serves one oVirt engine and one Proxmox VE cluster with reader, operator and admin
tokens and small bulk limits (`max_bulk: 2`, `bulk_ceiling: 4`). Each test works on VMs of its own
(added through ovirt-sim's admin route, or pve-sim's seeded VMs picked by name), so the tests of the
module do not depend on their order. Every wait is the API's own `?wait=`.
"""
import json
import os
import urllib.error
import urllib.parse
import urllib.request

import ovirtsdk4 as sdk
import pytest

from integration_harness import (PROXMOX_ENV, Aggregator, ProxmoxSimulator, Simulator, get_json, wait_until,
                                 write_config, write_proxmox_backend)
from test_auth import new_token

OVIRT = "ov1"
PVE = "pve1"
WAIT_S = 120
POWER = ["start", "stop", "shutdown", "reboot", "suspend"]
# The common status each action leads to, as /api/v1/vms shows it.
LEADS_TO = {"start": "up", "stop": "down", "shutdown": "down", "reboot": "up", "suspend": "suspended"}
# The VMs each test uses, by role: on the oVirt engine added through ovirt-sim's admin route
# (name, status), on the Proxmox VE cluster pve-sim's seeded VMs (30 on two nodes, InventorySeeder)
# by name, running unless noted. opsq-1..3 and web-01..03 are what the bulk queries select.
OVIRT_VMS = {
    "power": ("ops-power", "up"), "dry_up": ("ops-dry-up", "up"), "dry_down": ("ops-dry-down", "down"),
    "del_run": ("ops-del-run", "up"), "del_prot": ("ops-del-prot", "down"), "role": ("ops-role", "up"),
    "role_del": ("ops-role-del", "down"), "role_del2": ("ops-role-del2", "down"), "bulk_1": ("ops-bulk-1", "up"),
    "query_1": ("opsq-1", "up"), "query_2": ("opsq-2", "up"), "query_3": ("opsq-3", "up"),
}
PVE_VMS = {
    "power": "ci-01", "dry_up": "mon-01", "dry_down": "cache-01",  # stopped
    "del_run": "proxy-01", "del_prot": "worker-01",  # stopped
    "role": "mq-01", "role_del": "cache-02", "role_del2": "worker-02",  # both stopped
    "bulk_1": "db-02", "bulk_2": "api-02",
}


# --- the engines, read directly ----------------------------------------------------------------

class OvirtEngine:
    """The oVirt engine as ovirtsdk4 sees it."""
    kind = "ovirt"
    name = OVIRT
    protection = "delete_protected"

    def __init__(self, sim):
        self.sim = sim
        self.connection = sdk.Connection(url=sim.urls[OVIRT], username="admin@internal", password="admin")
        self.vms_service = self.connection.system_service().vms_service()
        self.ids = {}
        for role, (name, status) in OVIRT_VMS.items():
            code, added = self._admin("POST", "/vms", {"name": name, "status": status})
            assert code == 201, added
            self.ids[role] = added["id"]

    def _admin(self, method, path, body=None):
        base = self.sim.urls[OVIRT].split("/ovirt-engine/")[0]
        request = urllib.request.Request(base + "/__sim" + path, method=method, data=json.dumps(body).encode(),
                                         headers={"Content-Type": "application/json"})
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                return response.status, json.loads(response.read() or b"{}")
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode()

    def vm(self, role):
        """The id of the VM a test uses for `role`."""
        return self.ids[role]

    def state(self, vm_id):
        """The VM's status as the engine reports it (`vms_service.vm_service(id).get().status`)."""
        return self.vms_service.vm_service(vm_id).get().status.value

    def expected(self, action):
        return LEADS_TO[action]

    def confirm_task(self, job):
        """The engine's jobs for the action carry the job's correlation id, and they ended."""
        found = self.connection.system_service().jobs_service().list(search=f"correlation_id={job['correlation_id']}")
        assert found, f"no engine job with correlation id {job['correlation_id']}"
        assert {j.status.value for j in found} == {"finished"}, [(j.description, j.status) for j in found]

    def gone(self, vm_id):
        try:
            self.vms_service.vm_service(vm_id).get()
        except sdk.NotFoundError:
            return True
        return False

    def protect(self, vm_id, on):
        code, vm = self._admin("POST", f"/vms/{vm_id}/delete_protected", {"delete_protected": on})
        assert code == 200 and vm["delete_protected"] is on, vm
        assert self.vms_service.vm_service(vm_id).get().delete_protected is on


class ProxmoxEngine:
    """The Proxmox VE cluster as its REST API shows it, read with the token the aggregator uses."""
    kind = "proxmox"
    name = PVE
    protection = "protection"
    # What `status/current` says after each action: `status`, with `qmpstatus` when it differs
    # (paused) and the `suspended` lock of a VM hibernated to disk.
    LEADS_TO = {"start": "running", "stop": "stopped", "shutdown": "stopped", "reboot": "running",
                "suspend": "stopped+suspended"}

    def __init__(self, sim):
        self.sim = sim
        resources = sim.get(PVE, "/cluster/resources?type=vm")
        self.by_name = {r["name"]: r for r in resources if not r.get("template")}

    def vm(self, role):
        """The id (vmid) of the VM a test uses for `role`."""
        return str(self.by_name[PVE_VMS[role]]["vmid"])

    def node(self, vm_id):
        found = [r["node"] for r in self.sim.get(PVE, "/cluster/resources?type=vm") if str(r["vmid"]) == vm_id]
        assert found, f"VM {vm_id} is not in the cluster's resources"
        return found[0]

    def current(self, vm_id):
        return self.sim.get(PVE, f"/nodes/{self.node(vm_id)}/qemu/{vm_id}/status/current")

    def state(self, vm_id):
        current = self.current(vm_id)
        state = current["status"]
        if current.get("qmpstatus") not in (None, state):
            state = current["qmpstatus"]
        if current.get("lock") == "suspended":
            state += "+suspended"
        return state

    def expected(self, action):
        return self.LEADS_TO[action]

    def confirm_task(self, job):
        """Each step recorded the UPID of its task, which ended OK on the cluster."""
        for step in job["steps"]:
            upid = step["engine_ids"]["upid"]
            node = upid.split(":")[1]
            task = self.sim.get(PVE, f"/nodes/{node}/tasks/{urllib.parse.quote(upid, safe='')}/status")
            assert (task["status"], task["exitstatus"], str(task["id"])) == ("stopped", "OK", job["vm_id"]), task

    def gone(self, vm_id):
        # On no node: a removed VM's status answers 500 "Configuration file … does not exist".
        for node in (n["node"] for n in self.sim.get(PVE, "/nodes")):
            status, reason, _ = self.sim.send(PVE, "GET", f"/nodes/{node}/qemu/{vm_id}/status/current")
            if status == 200:
                return False
            assert status == 500 and "does not exist" in reason, (status, reason)
        return not any(str(r["vmid"]) == vm_id for r in self.sim.get(PVE, "/cluster/resources?type=vm"))

    def protect(self, vm_id, on):
        status, reason, _ = self.sim.send(PVE, "PUT", f"/nodes/{self.node(vm_id)}/qemu/{vm_id}/config",
                                          {"protection": int(on)})
        assert status == 200, (status, reason)
        config = self.sim.get(PVE, f"/nodes/{self.node(vm_id)}/qemu/{vm_id}/config")
        assert int(config.get("protection", 0)) == int(on), config


# --- the API, with a role ----------------------------------------------------------------------

class API:
    """The aggregator's API with one token per role."""

    def __init__(self, base, tokens):
        self.base = base
        self.tokens = tokens

    def call(self, method, path, body=None, role="admin", timeout=WAIT_S + 60):
        """Returns (status, parsed JSON body)."""
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(self.base + path, data=data, method=method, headers={
            "Authorization": f"Bearer {self.tokens[role]}", "Content-Type": "application/json"})
        try:
            with urllib.request.urlopen(request, timeout=timeout) as response:
                return response.status, json.loads(response.read() or b"null")
        except urllib.error.HTTPError as error:
            return error.code, json.loads(error.read() or b"null")

    def act(self, engine, vm_id, action, query="", role="admin"):
        return self.call("POST", f"/api/v1/vms/{engine}/{vm_id}/{action}?wait={WAIT_S}{query}", role=role)

    def delete(self, engine, vm_id, query="", role="admin"):
        return self.call("DELETE", f"/api/v1/vms/{engine}/{vm_id}?wait={WAIT_S}{query}", role=role)

    def vm(self, engine, vm_id):
        return self.call("GET", f"/api/v1/vms/{engine}/{vm_id}")

    def jobs_of(self, engine, vm_id):
        status, body = self.call("GET", f"/api/v1/jobs?engine={engine}&vm_id={vm_id}&limit=1000")
        assert status == 200, body
        return body["jobs"]


def only_job(status, body):
    """The one finished job of an answer, which must be 200 (it ended within ?wait=) and succeeded."""
    assert status == 200, body
    assert body["count"] == 1, body
    job = body["jobs"][0]
    assert job["state"] == "succeeded", json.dumps(job, indent=1)
    assert job["steps"] and all(step["state"] in ("succeeded", "skipped") for step in job["steps"]), job["steps"]
    assert [s["name"] for s in job["steps"]] == [s["name"] for s in job["plan"]["steps"]], job
    return job


def error_of(status, body, expected_status):
    """The error of a refusal with `expected_status`, with the answer's `issues` (each field's problem)."""
    assert status == expected_status, (status, body)
    return {**body["error"], "issues": body.get("issues", body["error"].get("issues", []))}


@pytest.fixture(scope="module")
def sims():
    ovirt = Simulator([OVIRT], vms=4, hosts=1, extra=["--async-ms", "50"])
    try:
        proxmox = ProxmoxSimulator([PVE], vms=30, nodes=2, task_ms=50)
    except BaseException:
        ovirt.stop()
        raise
    engines = None
    try:
        engines = {OVIRT: OvirtEngine(ovirt), PVE: ProxmoxEngine(proxmox)}
        yield ovirt, proxmox, engines
    finally:
        if engines:
            engines[OVIRT].connection.close()
        proxmox.stop()
        ovirt.stop()


@pytest.fixture(scope="module")
def tokens():
    made = {role: new_token(f"ops-{role}", role) for role in ("reader", "operator", "admin")}
    return {role: token for role, (token, _) in made.items()}, "\n".join(entry for _, entry in made.values())


def start_aggregator(directory, sims, tokens, operations):
    ovirt, proxmox, _ = sims
    directory.mkdir(parents=True, exist_ok=True)
    config = directory / "backends.yaml"
    entries = tokens[1]
    extra = (write_proxmox_backend(PVE, proxmox.urls[PVE], {"task_poll_interval": "100ms"})
             + "auth:\n  tokens:\n" + entries + "\n" + "operations:\n"
             + "".join(f"  {key}: {value}\n" for key, value in operations.items()))
    write_config(config, ovirt.urls, extra=extra)
    os.environ.update(PROXMOX_ENV)  # the aggregator's environment is this process's, plus the oVirt password
    aggregator = Aggregator(config)
    try:
        api = API(aggregator.base, tokens[0])
        # Ready once both engines were read (checked whenever the aggregator logs work of its own).
        wait_until(lambda: get_json(aggregator.base + "/ready")[0] == 200, aggregator, timeout=60)
    except BaseException:
        aggregator.stop()
        raise
    return aggregator, api


@pytest.fixture(scope="module")
def estate(sims, tokens, tmp_path_factory):
    aggregator, api = start_aggregator(tmp_path_factory.mktemp("ops"), sims, tokens,
                                       {"max_bulk": 2, "bulk_ceiling": 4})
    try:
        yield api, sims[2], aggregator
    finally:
        aggregator.stop()


KINDS = [OVIRT, PVE]


# --- 1. every power action, on each kind -------------------------------------------------------

@pytest.mark.parametrize("engine_name", KINDS)
def test_every_power_action_reaches_its_state_on_the_engine(estate, engine_name):
    api, engines, _ = estate
    engine = engines[engine_name]
    vm_id = engine.vm("power")
    assert engine.state(vm_id) == engine.expected("start"), "the VM starts running"

    for action in ["stop", "start", "shutdown", "start", "reboot", "suspend", "start"]:
        before = api.jobs_of(engine_name, vm_id)
        job = only_job(*api.act(engine_name, vm_id, action))
        assert (job["action"], job["engine"], job["kind"], job["vm_id"]) == (
            f"{action}_vm", engine_name, engine.kind, vm_id), job
        assert job["id"] not in {j["id"] for j in before}
        assert engine.state(vm_id) == engine.expected(action), (action, job["steps"])
        engine.confirm_task(job)
        # The live model shows the state the job confirmed, at once.
        status, vm = api.vm(engine_name, vm_id)
        assert status == 200 and vm["status"] == LEADS_TO[action], (action, vm)

    # A repeated stop of a VM that is down succeeds with a step that says it already was.
    only_job(*api.act(engine_name, vm_id, "stop"))
    again = only_job(*api.act(engine_name, vm_id, "stop"))
    said = " ".join(f"{s.get('description', '')} {s.get('detail', '')}" for s in again["steps"])
    assert "already" in said and "down" in said, again["steps"]
    assert engine.state(vm_id) == engine.expected("stop")


# --- 2. dry runs change nothing -----------------------------------------------------------------

@pytest.mark.parametrize("engine_name", KINDS)
def test_dry_runs_of_every_action_change_nothing_and_make_no_job(estate, engine_name):
    api, engines, _ = estate
    engine = engines[engine_name]
    running, stopped = engine.vm("dry_up"), engine.vm("dry_down")
    states = {running: engine.state(running), stopped: engine.state(stopped)}
    assert states == {running: engine.expected("start"), stopped: engine.expected("stop")}
    names = {vm_id: api.vm(engine_name, vm_id)[1]["name"] for vm_id in states}

    for vm_id in states:
        for action in POWER + ["delete"]:
            if action == "delete":
                path = f"/api/v1/vms/{engine_name}/{vm_id}?dry_run=true&force=true&name={names[vm_id]}"
                status, body = api.call("DELETE", path)
            else:
                status, body = api.call("POST", f"/api/v1/vms/{engine_name}/{vm_id}/{action}?dry_run=true")
            if action in ("reboot", "suspend") and vm_id == stopped:
                # A VM that is down cannot be rebooted or suspended: refused, nothing done.
                assert status == 422, (action, body)
            else:
                assert status == 200, (action, body)
                assert body["dry_run"] is True and body["action"] == action and body["count"] == 1, body
                [item] = body["vms"]
                assert (item["engine"], item["id"], item["name"]) == (engine_name, vm_id, names[vm_id]), item
                assert item["plan"]["steps"], item
            assert engine.state(vm_id) == states[vm_id], (action, vm_id)
            assert not engine.gone(vm_id)
        assert api.jobs_of(engine_name, vm_id) == [], "a dry run stores no job"


# --- 3. delete: confirmed by name, refused when running or protected, idempotent -------------------

@pytest.mark.parametrize("engine_name", KINDS)
def test_delete_needs_the_name_refuses_running_and_protected_vms_and_is_idempotent(estate, engine_name):
    api, engines, _ = estate
    engine = engines[engine_name]
    running, protected = engine.vm("del_run"), engine.vm("del_prot")
    name = {vm_id: api.vm(engine_name, vm_id)[1]["name"] for vm_id in (running, protected)}

    for query in ("&name=not-" + name[running], "", "&name=" + name[running].upper()):
        error = error_of(*api.delete(engine_name, running, query + "&force=true"), 422)
        assert any(i["path"].endswith("name") for i in error["issues"]), error
        assert not engine.gone(running) and engine.state(running) == engine.expected("start")

    error = error_of(*api.delete(engine_name, running, "&name=" + name[running]), 422)
    [issue] = error["issues"]
    assert "is up" in issue["message"] and "force=true" in issue["message"], error
    assert engine.state(running) == engine.expected("start")

    engine.protect(protected, True)
    error = error_of(*api.delete(engine_name, protected, "&name=" + name[protected]), 422)
    assert engine.protection in json.dumps(error), error
    assert not engine.gone(protected)
    assert api.jobs_of(engine_name, running) == [] and api.jobs_of(engine_name, protected) == []

    engine.protect(protected, False)
    removed = only_job(*api.delete(engine_name, protected, "&name=" + name[protected]))
    assert engine.gone(protected)
    forced = only_job(*api.delete(engine_name, running, f"&name={name[running]}&force=true"))
    assert engine.gone(running)
    for vm_id, job in ((protected, removed), (running, forced)):
        assert job["action"] == "delete_vm" and job["vm_id"] == vm_id
        assert api.vm(engine_name, vm_id)[0] == 404
        status, listed = api.call("GET", f"/api/v1/vms?engine={engine_name}&name_exact={name[vm_id]}")
        assert status == 200 and listed["items"] == [], listed
        # Deleting it again answers the job that removed it.
        status, again = api.delete(engine_name, vm_id, "&name=" + name[vm_id])
        assert status == 200, again
        assert [(j["id"], j["reused"], j["state"]) for j in again["jobs"]] == [(job["id"], True, "succeeded")]


# --- 4. roles and the audit ----------------------------------------------------------------------

def audit(api):
    status, body = api.call("GET", "/api/v1/audit?limit=1000")
    assert status == 200, body
    return body["entries"]


def test_roles_decide_who_may_power_and_delete_and_the_audit_records_every_attempt(estate):
    api, engines, _ = estate
    seen_before = {e["id"] for e in audit(api)}
    vms = {name: engines[name].vm("role") for name in KINDS}
    states = {name: engines[name].state(vm_id) for name, vm_id in vms.items()}

    for name, vm_id in vms.items():
        for action in POWER:
            error = error_of(*api.act(name, vm_id, action, role="reader"), 403)
            assert error["code"] == "forbidden", error
        vm_name = api.vm(name, vm_id)[1]["name"]
        error_of(*api.delete(name, vm_id, f"&name={vm_name}&force=true", role="reader"), 403)
        status, body = api.call("POST", "/api/v1/vms/actions?dry_run=true", role="reader",
                                body={"action": "stop", "vms": [{"engine": name, "id": vm_id}]})
        assert status == 403, body
        assert engines[name].state(vm_id) == states[name]
        assert api.jobs_of(name, vm_id) == []

    powered = {}
    for name, vm_id in vms.items():
        powered[name] = only_job(*api.act(name, vm_id, "stop", role="operator"))
        assert engines[name].state(vm_id) == engines[name].expected("stop")

    deleted = {}
    for name in KINDS:
        vm_id = engines[name].vm("role_del")
        vm_name = api.vm(name, vm_id)[1]["name"]
        error = error_of(*api.delete(name, vm_id, f"&name={vm_name}", role="operator"), 403)
        assert "operations.delete_role" in error["message"], error
        assert not engines[name].gone(vm_id)
        deleted[name] = only_job(*api.delete(name, vm_id, f"&name={vm_name}", role="admin"))
        assert engines[name].gone(vm_id)

    entries = [e for e in audit(api) if e["id"] not in seen_before]
    denied = [e for e in entries if e["outcome"] == "denied"]
    assert sum(e["who"] == "ops-reader" for e in denied) == 2 * (len(POWER) + 2), denied
    assert all(e["status"] == 403 for e in denied)
    assert {e["path"] for e in denied if e["who"] == "ops-reader"} >= {
        f"/api/v1/vms/{name}/{vms[name]}/{action}" for name in KINDS for action in POWER}
    operator_denied = [e for e in denied if e["who"] == "ops-operator"]
    assert sorted((e["method"], e["path"]) for e in operator_denied) == sorted(
        ("DELETE", f"/api/v1/vms/{name}/{engines[name].vm('role_del')}") for name in KINDS), operator_denied
    accepted = [e for e in entries if e["outcome"] == "accepted"]
    jobs = {(e["who"], e["action"], item.get("job_id")) for e in accepted for item in e["items"]}
    assert jobs >= {("ops-operator", "stop_vm", job["id"]) for job in powered.values()}, accepted
    assert jobs >= {("ops-admin", "delete_vm", job["id"]) for job in deleted.values()}, accepted


def test_refused_attempts_are_audited_under_their_job_action(estate):
    api, engines, _ = estate
    seen_before = {e["id"] for e in audit(api)}
    vm_id = engines[PVE].vm("role")
    vm_name = api.vm(PVE, vm_id)[1]["name"]
    error_of(*api.act(PVE, vm_id, "reboot", role="reader"), 403)
    error_of(*api.delete(PVE, vm_id, f"&name={vm_name}", role="operator"), 403)
    entries = [e for e in audit(api) if e["id"] not in seen_before]
    assert [(e["who"], e["action"]) for e in reversed(entries)] == [
        ("ops-reader", "reboot_vm"), ("ops-operator", "delete_vm")], entries


def test_delete_role_operator_lets_operators_delete(sims, tokens, tmp_path):
    _, _, engines = sims
    aggregator, api = start_aggregator(tmp_path / "operator-deletes", sims, tokens, {"delete_role": "operator"})
    try:
        for name in KINDS:
            vm_id = engines[name].vm("role_del2")
            vm_name = api.vm(name, vm_id)[1]["name"]
            error_of(*api.delete(name, vm_id, f"&name={vm_name}", role="reader"), 403)
            job = only_job(*api.delete(name, vm_id, f"&name={vm_name}", role="operator"))
            assert engines[name].gone(vm_id)
            [entry] = [e for e in audit(api) if e["outcome"] == "accepted" and e["action"] == "delete_vm"
                       and e["items"][0]["engine"] == name]
            assert entry["who"] == "ops-operator" and entry["items"][0]["job_id"] == job["id"], entry
    finally:
        aggregator.stop()


# --- 5. bulk -------------------------------------------------------------------------------------

def test_bulk_stop_by_list_and_by_query_makes_one_job_per_vm_within_the_limits(estate):
    api, engines, _ = estate
    listed = [(PVE, engines[PVE].vm("bulk_1")), (PVE, engines[PVE].vm("bulk_2")), (OVIRT, engines[OVIRT].vm("bulk_1"))]
    by_list = {"action": "stop", "vms": [{"engine": e, "id": i} for e, i in listed]}
    for name, vm_id in listed:
        assert engines[name].state(vm_id) == engines[name].expected("start")

    # Three VMs are over operations.max_bulk (2): refused, nothing done; "max" may raise it up to
    # operations.bulk_ceiling (4), not beyond.
    error = error_of(*api.call("POST", "/api/v1/vms/actions", by_list), 422)
    assert error["code"] == "too_many_vms", error
    error = error_of(*api.call("POST", "/api/v1/vms/actions", {**by_list, "max": 5}), 422)
    assert error["code"] == "too_many_vms" and "bulk_ceiling" in error["message"], error
    for name, vm_id in listed:
        assert engines[name].state(vm_id) == engines[name].expected("start")
        assert api.jobs_of(name, vm_id) == []

    status, planned = api.call("POST", "/api/v1/vms/actions?dry_run=true", {**by_list, "max": 3})
    assert status == 200 and [(v["engine"], v["id"]) for v in planned["vms"]] == listed, planned
    status, body = api.call("POST", f"/api/v1/vms/actions?wait={WAIT_S}", {**by_list, "max": 3})
    assert status == 200 and body["count"] == 3, body
    assert sorted((j["engine"], j["vm_id"]) for j in body["jobs"]) == sorted(listed)
    for job in body["jobs"]:
        only_job(200, {"count": 1, "jobs": [job]})
        assert engines[job["engine"]].state(job["vm_id"]) == engines[job["engine"]].expected("stop")
        assert [j["id"] for j in api.jobs_of(job["engine"], job["vm_id"])] == [job["id"]]

    # By query: the listing's filters; opsq-1..3 on the oVirt engine, web-01..03 on the cluster.
    for query, engine_name in (({"engine": OVIRT, "name": "opsq-"}, OVIRT), ({"engine": PVE, "name": "web-"}, PVE)):
        body = {"action": "stop", "query": query}
        error = error_of(*api.call("POST", "/api/v1/vms/actions", body), 422)
        assert error["code"] == "too_many_vms", error
        status, planned = api.call("POST", "/api/v1/vms/actions?dry_run=true", {**body, "max": 3})
        assert status == 200 and planned["count"] == 3, planned
        assert all(query["name"] in v["name"] for v in planned["vms"]), planned
        status, done = api.call("POST", f"/api/v1/vms/actions?wait={WAIT_S}", {**body, "max": 3})
        assert status == 200 and done["count"] == 3, done
        assert sorted(j["vm_id"] for j in done["jobs"]) == sorted(v["id"] for v in planned["vms"])
        engine = engines[engine_name]
        for job in done["jobs"]:
            only_job(200, {"count": 1, "jobs": [job]})
            assert engine.state(job["vm_id"]) == engine.expected("stop")
            status, vm = api.vm(engine_name, job["vm_id"])
            assert vm["status"] == "down", vm
