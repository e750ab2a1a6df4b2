"""The vsphere kind end to end: VMware's own vCenter simulator (vcsim) and `aggregator serve` with one
`vsphere` engine on it, every answer checked with pyvmomi, VMware's own client.

Each test has a vcsim and an aggregator of its own, so none depends on another's changes. Changes made
outside the aggregator (with pyvmomi) must reach its answers within 3 s through the engine's change feed
(`WaitForUpdatesEx`): the tests poll the API with that deadline, waking on the aggregator's own log lines.
Jobs are followed with the API's `?wait=`.
"""
import json
import urllib.parse

import pytest
from pyVmomi import vim

from integration_harness import ROOT, follow_job, get_json, send_json, wait_until
from vsphere_harness import (CLUSTER, DATACENTER, TEMPLATE, add_port_group, clone_vm, objects, port_group_vlan,
                             run_task, serve, switch, terminate_other_sessions, vm_by_id, vm_named)

ENGINE = "vc-lab"
CHANGE_FEED_S = 3  # the bound on a change made outside the aggregator
WAIT_S = 120
MIB = 2 ** 20
GIB_IN_KB = 2 ** 20
POWER = {"poweredOn": "up", "poweredOff": "down", "suspended": "suspended"}
CONNECTION = {"connected": "up", "notResponding": "non_responsive", "disconnected": "down"}


@pytest.fixture
def estate(vcsim, tmp_path):
    """(vcsim, a pyvmomi ServiceInstance on it, the aggregator over it), the engine read once."""
    aggregator = serve(tmp_path / "aggregator", ENGINE, vcsim)
    try:
        wait_until(lambda: engine_read(aggregator), aggregator, timeout=60)
        with vcsim.session() as si:
            yield vcsim, si, aggregator
    finally:
        aggregator.stop()


def engine_read(aggregator):
    """The engine's entry in the VM listing once the aggregator read it (ok or failed)."""
    status, body = get_json(f"{aggregator.base}/api/v1/vms?engine={ENGINE}")
    if status not in (200, 502) or "engines" not in body:
        return None
    entry = next((e for e in body["engines"] if e["engine"] == ENGINE), None)
    return entry if entry and (entry.get("ok") or entry.get("error")) else None


def within(seconds, probe, aggregator, what):
    """``wait_until`` with the issue's bound and a message naming what was awaited: the probe is
    read again each time the aggregator logs work of its own (it logs "Applied engine changes"
    after re-reading what the change feed named)."""
    try:
        return wait_until(probe, aggregator, timeout=seconds)
    except AssertionError:
        raise AssertionError(f"{what}: not seen through the API within {seconds} s") from None


def api_vm(aggregator, vm_id):
    return get_json(f"{aggregator.base}/api/v1/vms/{ENGINE}/{vm_id}")


def listed(aggregator, path):
    status, body = get_json(f"{aggregator.base}{path}{'&' if '?' in path else '?'}engine={ENGINE}&limit=1000")
    assert status == 200, body
    assert body.get("complete", True) is True, body.get("engines")
    return body["items"]


def pick(item, keys):
    return {key: item.get(key) for key in keys}


def cluster_of(host):
    """The cluster owning a host, or None for a standalone host (its ComputeResource is no cluster)."""
    return host.parent.name if isinstance(host.parent, vim.ClusterComputeResource) else None


# --- listings ------------------------------------------------------------------------------------

VM_KEYS = ["id", "name", "status", "raw_status", "host", "cluster", "data_center", "cpus", "memory_bytes", "engine"]
HOST_KEYS = ["id", "name", "status", "raw_status", "cluster", "cpu_cores", "cpu_threads", "memory_bytes", "engine"]
CLUSTER_KEYS = ["id", "name", "data_center", "host_count", "engine"]


def test_vms_hosts_and_clusters_equal_what_pyvmomi_reads(estate):
    _, si, aggregator = estate
    expected_vms = {}
    for vm in objects(si, vim.VirtualMachine):
        if vm.config.template:
            continue
        power = str(vm.runtime.powerState)
        expected_vms[vm._moId] = {
            "id": vm._moId, "name": vm.name, "status": POWER[power], "raw_status": power,
            "host": vm.runtime.host.name, "cluster": cluster_of(vm.runtime.host), "data_center": DATACENTER,
            "cpus": vm.config.hardware.numCPU, "memory_bytes": vm.config.hardware.memoryMB * MIB, "engine": ENGINE}
    vms = listed(aggregator, "/api/v1/vms")
    assert {vm["id"]: pick(vm, VM_KEYS) for vm in vms} == expected_vms
    assert len(vms) == len(expected_vms) == 4, [vm["name"] for vm in vms]
    assert TEMPLATE not in {vm["name"] for vm in vms}, "a template is not a VM"
    assert {vm["cluster"] for vm in expected_vms.values()} == {CLUSTER, None}, "both kinds of host are covered"

    expected_hosts = {}
    for host in objects(si, vim.HostSystem):
        state = str(host.runtime.connectionState)
        status = "maintenance" if state == "connected" and host.runtime.inMaintenanceMode else CONNECTION[state]
        expected_hosts[host._moId] = {
            "id": host._moId, "name": host.name, "status": status, "raw_status": state, "cluster": cluster_of(host),
            "cpu_cores": host.summary.hardware.numCpuCores, "cpu_threads": host.summary.hardware.numCpuThreads,
            "memory_bytes": host.hardware.memorySize, "engine": ENGINE}
    hosts = listed(aggregator, "/api/v1/hosts")
    assert {h["id"]: pick(h, HOST_KEYS) for h in hosts} == expected_hosts
    assert len(hosts) == 4

    expected_clusters = {
        c._moId: {"id": c._moId, "name": c.name, "data_center": DATACENTER, "host_count": len(c.host),
                  "engine": ENGINE}
        for c in objects(si, vim.ClusterComputeResource)}
    clusters = listed(aggregator, "/api/v1/clusters")
    assert {c["id"]: pick(c, CLUSTER_KEYS) for c in clusters} == expected_clusters
    assert [c["name"] for c in clusters] == [CLUSTER], "a standalone host's compute resource is no cluster"

    # One VM by its id answers the same as the listing.
    first = vms[0]
    status, one = api_vm(aggregator, first["id"])
    assert status == 200 and pick(one, VM_KEYS) == pick(first, VM_KEYS)


# --- the change feed ------------------------------------------------------------------------------

def test_changes_made_with_pyvmomi_reach_the_api_within_3_s(estate):
    _, si, aggregator = estate
    vm = vm_named(si, "DC0_H0_VM0")
    status, before = api_vm(aggregator, vm._moId)
    assert status == 200 and before["status"] == "up", before

    run_task(vm.PowerOffVM_Task())
    assert vm.runtime.powerState == "poweredOff"
    now = within(CHANGE_FEED_S, lambda: (lambda a: a[1] if a[0] == 200 and a[1]["status"] == "down" else None)(
        api_vm(aggregator, vm._moId)), aggregator, "the power-off")
    assert now["raw_status"] == "poweredOff"

    made = clone_vm(si, "feed-new-vm")

    def new_vm_listed():
        status, body = get_json(f"{aggregator.base}/api/v1/vms?engine={ENGINE}&name_exact=feed-new-vm")
        return body["items"] if status == 200 and body["items"] else None
    [item] = within(CHANGE_FEED_S, new_vm_listed, aggregator, "the new VM")
    assert (item["id"], item["status"], item["raw_status"]) == (made._moId, "down", "poweredOff"), item
    assert item["host"] == made.runtime.host.name and item["cluster"] == CLUSTER

    made_id = made._moId
    run_task(made.Destroy_Task())
    assert vm_by_id(si, made_id) is None
    within(CHANGE_FEED_S, lambda: api_vm(aggregator, made_id)[0] == 404, aggregator, "the removal")
    assert "feed-new-vm" not in {v["name"] for v in listed(aggregator, "/api/v1/vms")}


# --- create ---------------------------------------------------------------------------------------

def example(si):
    """examples/vm-vsphere.json as it is: it places the VM in the simulator's default inventory (its
    distributed switch is DVS0 in Debian's govmomi 0.24)."""
    body = json.loads((ROOT / "examples" / "vm-vsphere.json").read_text())
    assert body["placement"]["switch"] == switch(si).name
    return body


def follow(aggregator, job_id):
    """The job once it ended (see ``integration_harness.follow_job``)."""
    return follow_job(aggregator.base, job_id, WAIT_S)


def create(aggregator, body):
    """Posts the body; returns (the answer's jobs, the first job once it ended)."""
    status, accepted = send_json(f"{aggregator.base}/api/v1/vms", body)
    assert status in (200, 201, 202), accepted
    jobs = accepted["jobs"]
    job = follow(aggregator, jobs[0]["id"])
    assert job["state"] in ("succeeded", "failed"), json.dumps(job, indent=1, ensure_ascii=False)
    return jobs, job


def disks_kb(vm):
    return sorted(d.capacityInKB for d in vm.config.hardware.device if isinstance(d, vim.vm.device.VirtualDisk))


def nics(vm):
    return [d for d in vm.config.hardware.device if isinstance(d, vim.vm.device.VirtualEthernetCard)]


def test_create_from_the_example_makes_a_running_vm_on_a_vlan_port_group_once(estate):
    _, si, aggregator = estate
    body = example(si)
    status, planned = send_json(f"{aggregator.base}/api/v1/vms?dry_run=true", body)
    assert status == 200, planned
    assert planned["items"][0]["plan"]["kind"] == "vsphere", planned
    assert vm_named(si, "app-vm-03") is None, "a dry run makes nothing"

    _, job = create(aggregator, body)
    assert job["state"] == "succeeded", json.dumps(job, indent=1, ensure_ascii=False)
    assert (job["kind"], job["engine"]) == ("vsphere", ENGINE)

    vm = vm_named(si, "app-vm-03")
    assert vm is not None, "no VM app-vm-03 on the vCenter"
    assert vm.runtime.powerState == "poweredOn"
    assert (vm.config.hardware.numCPU, vm.config.hardware.memoryMB) == (2, 4096)
    assert cluster_of(vm.runtime.host) == CLUSTER
    assert [ds.name for ds in vm.datastore] == ["LocalDS_0"]
    assert disks_kb(vm) == [20 * GIB_IN_KB, 40 * GIB_IN_KB], "the boot disk grown to 40 GiB and a 20 GiB disk"
    [nic] = nics(vm)
    backing = nic.backing
    assert isinstance(backing, vim.vm.device.VirtualEthernetCard.DistributedVirtualPortBackingInfo), backing
    [port_group] = [pg for pg in objects(si, vim.dvs.DistributedVirtualPortgroup)
                    if pg.key == backing.port.portgroupKey]
    assert port_group_vlan(port_group) == 2923 and port_group.config.distributedVirtualSwitch.name == switch(si).name
    assert f"vmaggregator-job: {job['id']}" in (vm.config.annotation or "").splitlines()
    # vcsim applies the customization's fixed address to the guest's NIC when the VM powers on.
    assert [n.ipAddress for n in vm.guest.net] == [["10.105.250.23"]], [n.ipAddress for n in vm.guest.net]

    # The aggregator lists it as pyvmomi sees it.
    def listed_up():
        status, one = api_vm(aggregator, vm._moId)
        return one if status == 200 and one["status"] == "up" else None
    item = within(CHANGE_FEED_S, listed_up, aggregator, "the created VM")
    assert (item["name"], item["cpus"], item["memory_bytes"]) == ("app-vm-03", 2, 4096 * MIB)

    # The same body again makes no second VM: the same job, or a job that reuses the VM.
    again, second = create(aggregator, body)
    assert second["state"] == "succeeded", json.dumps(second, indent=1, ensure_ascii=False)
    if again[0]["id"] == job["id"]:
        assert again[0]["reused"] is True, again
    assert len([v for v in objects(si, vim.VirtualMachine) if v.name == "app-vm-03"]) == 1
    assert len([pg for pg in objects(si, vim.dvs.DistributedVirtualPortgroup) if port_group_vlan(pg) == 2923]) == 1


def test_create_vlan_makes_the_port_group_on_the_switch(estate):
    _, si, aggregator = estate
    item = json.loads((ROOT / "examples" / "create_vlan.json").read_text())[0]
    item.pop("ovirt")
    item["vsphere"] = {"engine": ENGINE, "datacenter": DATACENTER, "switch": switch(si).name}
    item["vlan"] = {"name": "2924-app", "id": 2924, "suffix": ""}
    status, accepted = send_json(f"{aggregator.base}/vsphere/create_vlan?wait={WAIT_S}", [item], timeout=WAIT_S + 60)
    assert status == 200, accepted
    [job] = accepted["jobs"]
    assert job["state"] == "succeeded", json.dumps(job, indent=1, ensure_ascii=False)
    made = [pg for pg in objects(si, vim.dvs.DistributedVirtualPortgroup) if port_group_vlan(pg) == 2924]
    assert len(made) == 1 and made[0].config.distributedVirtualSwitch.name == switch(si).name, [p.name for p in made]


# --- faults ---------------------------------------------------------------------------------------

def test_a_wrong_password_is_reported_as_unauthorized_without_the_password(vcsim, tmp_path):
    secret = "not-the-pass-7f3a"
    aggregator = serve(tmp_path / "aggregator", ENGINE, vcsim, password=secret)
    try:
        entry = wait_until(lambda: engine_read(aggregator), aggregator, timeout=60)
        assert entry["ok"] is False and entry["error"] == "unauthorized", entry
        answers = []
        for path in ("/api/v1/vms", "/api/v1/hosts", "/api/v1/clusters", "/api/v1/backends", "/vsphere/vm_list"):
            status, body = get_json(aggregator.base + path)
            answers.append(json.dumps(body))
            assert status in (200, 502), (path, status, body)
        status, backends = get_json(aggregator.base + "/api/v1/backends")
        [backend] = backends["items"]
        assert backend["status"]["error"] == "unauthorized", backend
        assert vcsim.username in backend["status"]["message"], "the error names the account that was refused"
        assert all(secret not in answer for answer in answers)
        assert secret not in aggregator.output()
    finally:
        aggregator.stop()


def test_an_expired_session_costs_one_login_and_the_next_read_succeeds(estate):
    _, si, aggregator = estate
    ended = terminate_other_sessions(si)
    assert ended >= 1, "the aggregator had a session of its own"
    status, body = get_json(f"{aggregator.base}/api/v1/vms?engine={ENGINE}&refresh=true")
    assert status == 200 and body["complete"] is True, body.get("engines")
    assert {vm["name"] for vm in body["items"]} >= {"DC0_H0_VM0", "DC0_C0_RP0_VM0"}
    manager = si.RetrieveContent().sessionManager
    own = manager.currentSession.key
    assert len([s for s in manager.sessionList if s.key != own]) == 1, "one new session, not one per call"


def test_a_failing_task_fails_the_job_on_its_step_with_the_engines_fault(estate):
    _, si, aggregator = estate
    # A port group named as the one the create would make (vlan-2923) that carries another VLAN:
    # the plan finds no port group with VLAN 2923 and makes one, which vCenter refuses (DuplicateName).
    add_port_group(si, "vlan-2923", 100)
    body = example(si)
    body["name"] = "app-vm-dup"
    _, job = create(aggregator, body)
    assert job["state"] == "failed", json.dumps(job, indent=1, ensure_ascii=False)
    failed = [s for s in job["steps"] if s["state"] == "failed"]
    assert len(failed) == 1, job["steps"]
    said = json.dumps(failed[0]) + json.dumps(job.get("error"))
    assert "DuplicateName" in said or "already exists" in said, json.dumps(job, indent=1, ensure_ascii=False)
    assert vm_named(si, "app-vm-dup") is None, "nothing after the failing step ran"


# --- VM operations --------------------------------------------------------------------------------

LEADS_TO = {"start": "poweredOn", "stop": "poweredOff", "shutdown": "poweredOff", "reboot": "poweredOn",
            "suspend": "suspended"}


def act(aggregator, vm_id, action):
    status, body = send_json(f"{aggregator.base}/api/v1/vms/{ENGINE}/{vm_id}/{action}?wait={WAIT_S}",
                             timeout=WAIT_S + 60)
    assert status == 200, (action, body)
    [job] = body["jobs"]
    assert job["state"] == "succeeded", json.dumps(job, indent=1)
    return job


def test_power_actions_and_delete_reach_the_vcenter(estate):
    _, si, aggregator = estate
    vm = vm_named(si, "DC0_C0_RP0_VM1")
    vm_id = vm._moId
    assert vm.runtime.powerState == "poweredOn"
    for action in ["stop", "start", "shutdown", "start", "reboot", "suspend", "start"]:
        job = act(aggregator, vm_id, action)
        assert (job["action"], job["engine"], job["kind"], job["vm_id"]) == (
            f"{action}_vm", ENGINE, "vsphere", vm_id), job
        assert vm.runtime.powerState == LEADS_TO[action], (action, job["steps"])
        status, item = api_vm(aggregator, vm_id)
        assert status == 200 and item["raw_status"] == LEADS_TO[action], (action, item)

    name = urllib.parse.quote(vm.name)
    status, refused = send_json(f"{aggregator.base}/api/v1/vms/{ENGINE}/{vm_id}?name={name}&wait={WAIT_S}",
                                method="DELETE")
    assert status == 422, refused
    assert vm_by_id(si, vm_id) is not None, "a running VM is not deleted without force"
    status, body = send_json(f"{aggregator.base}/api/v1/vms/{ENGINE}/{vm_id}?name={name}&force=true&wait={WAIT_S}",
                             method="DELETE", timeout=WAIT_S + 60)
    assert status == 200, body
    assert body["jobs"][0]["state"] == "succeeded", json.dumps(body, indent=1)
    assert vm_by_id(si, vm_id) is None
    assert api_vm(aggregator, vm_id)[0] == 404
