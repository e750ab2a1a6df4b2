"""`POST /api/v1/vms`: one backend-neutral body creates a running VM on each kind of engine of
`aggregator demo`, checked on the engine with its own client (ovirtsdk4, proxmoxer)."""
import json
import urllib.request

from integration_harness import ROOT, send_json
from test_provisioning import GIB, WAIT_S, demo  # noqa: F401 (demo is a fixture)

EXAMPLES = ROOT / "examples"


def example(file, **changes):
    body = json.loads((EXAMPLES / file).read_text())
    body.update(changes)
    return body


def test_neutral_body_makes_a_running_ovirt_vm(demo):
    body = example("vm-ovirt.json")
    status, planned = send_json(f"{demo.base}/api/v1/vms?dry_run=true", body)
    assert status == 200, planned
    plan = planned["items"][0]["plan"]
    assert plan["kind"] == "ovirt"
    assert [s["name"] for s in plan["steps"]][-1] == "start_vm"
    assert plan["payload"]["vm"]["spec"]["name"] == "app_vm_01", "the dry run shows the typed plan"

    # The create's long-poll answers 200 once the job ended.
    status, accepted = send_json(f"{demo.base}/api/v1/vms?wait={WAIT_S}", body, timeout=WAIT_S + 60)
    assert status == 200, accepted
    job = accepted["jobs"][0]
    assert job["state"] == "succeeded", json.dumps(job, indent=1, ensure_ascii=False)
    assert job["kind"] == "ovirt" and job["document_num"] == "7001"

    connection = demo.connection("e15-test")
    try:
        system = connection.system_service()
        vm = system.vms_service().list(search="name=app_vm_01")[0]
        assert vm.status.value == "up"
        assert vm.cpu.topology.cores == 2 and vm.memory == 4 * GIB
        nic = vm.initialization.nic_configurations[0]
        assert (nic.name, nic.ip.address, nic.ip.gateway) == ("enp1s0", "10.105.250.21", "10.105.250.1")
        network = system.networks_service().list(search="name=2922-app-e15")[0]
        assert network.vlan.id == 2922
        disks = [connection.follow_link(a.disk)
                 for a in system.vms_service().vm_service(vm.id).disk_attachments_service().list()]
        assert sorted(d.provisioned_size for d in disks) == [20 * GIB, 40 * GIB]
    finally:
        connection.close()

    # The same body again answers the same job; nothing new on the engine.
    status, again = send_json(f"{demo.base}/api/v1/vms", body)
    assert [j["id"] for j in again["jobs"]] == [job["id"]] and again["jobs"][0]["reused"] is True


def test_bad_neutral_body_names_fields_and_creates_nothing(demo):
    body = example("vm-ovirt.json", name="bad_vm")
    body["placement"]["cluster"] = "Nope"
    body["ip"]["gateway"] = "10.9.9.1"
    status, error = send_json(f"{demo.base}/api/v1/vms", body)
    assert status == 422, error
    assert {"ip.gateway"} == {i["path"] for i in error["issues"]}, "Core refuses before any engine is asked"

    body["ip"]["gateway"] = "10.105.250.1"
    status, error = send_json(f"{demo.base}/api/v1/vms", body)
    assert status == 422, error
    issue = error["issues"][0]
    assert issue["path"] == "placement.cluster" and "Default" in issue["message"]
    status, jobs = send_json(f"{demo.base}/api/v1/jobs", method="GET")
    assert jobs["count"] == 0


# pve-sim's fixed demo token (SimulatedProxmoxAPIToken.default).
PVE_TOKEN = "PVEAPIToken=root@pam!aggregator=4f3e2d1c-0b9a-4876-9543-210fedcba987"


def pve_get(demo, path):
    request = urllib.request.Request(demo.proxmox["pve-lab"] + path, headers={"Authorization": PVE_TOKEN})
    with urllib.request.urlopen(request, timeout=30) as response:
        return json.loads(response.read())["data"]


def test_the_same_kind_of_body_makes_a_running_proxmox_vm(demo):
    body = example("vm-proxmox.json")
    status, planned = send_json(f"{demo.base}/api/v1/vms?dry_run=true", body)
    assert status == 200, planned
    assert planned["items"][0]["plan"]["kind"] == "proxmox"

    status, accepted = send_json(f"{demo.base}/api/v1/vms?wait={WAIT_S}", body, timeout=WAIT_S + 60)
    assert status == 200, accepted
    job = accepted["jobs"][0]
    assert job["state"] == "succeeded", json.dumps(job, indent=1, ensure_ascii=False)
    vmid = next(s["engine_ids"]["vm_id"] for s in job["steps"] if "vm_id" in s.get("engine_ids", {}))

    # On the engine, read with its own API: running on the node asked for, as configured.
    status = pve_get(demo, f"/nodes/pve2/qemu/{vmid}/status/current")
    assert status["status"] == "running"
    config = pve_get(demo, f"/nodes/pve2/qemu/{vmid}/config")
    assert config["name"] == "app-vm-02" and config["cores"] == 2 and int(config["memory"]) == 4096
    assert "bridge=vmbr0" in config["net0"] and "tag=2922" in config["net0"]
    assert config["ipconfig0"] == "ip=10.105.250.22/24,gw=10.105.250.1"
    assert "size=40G" in config["scsi0"]
    assert any("size=20G" in config[key] for key in config if key.startswith("scsi") and key != "scsi0")

    # The listing merges both kinds; the new VM shows with its common and raw status.
    status, listed = send_json(f"{demo.base}/api/v1/vms?name_exact=app-vm-02&refresh=true", method="GET")
    assert [(vm["engine"], vm["status"], vm.get("raw_status")) for vm in listed["items"]] == [
        ("pve-lab", "up", "running")]
    status, both = send_json(f"{demo.base}/api/v1/vms?limit=1000", method="GET")
    assert {vm["engine"] for vm in both["items"]} >= {"e15-test", "pve-lab"}


def test_a_capability_the_kind_lacks_is_a_clear_4xx(demo):
    vlan = json.loads((EXAMPLES / "create_vlan.json").read_text())
    vlan[0]["proxmox"] = {**vlan[0].pop("ovirt"), "engine": "pve-lab"}
    status, error = send_json(f"{demo.base}/proxmox/create_vlan", vlan)
    assert status == 422, error
    assert error["error"]["code"] == "unsupported_capability"
    assert "proxmox" in error["error"]["message"] and "create_vlan" in error["error"]["message"]
