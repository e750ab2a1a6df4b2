"""`POST /api/v1/vms`: one backend-neutral body creates a running VM on each kind of engine of
`aggregator demo`, checked on the engine with its own client (ovirtsdk4, proxmoxer)."""
import json

from integration_harness import ROOT, send_json
from test_provisioning import GIB, demo, wait_job  # noqa: F401 (demo is a fixture)

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

    status, accepted = send_json(f"{demo.base}/api/v1/vms", body)
    assert status == 202, accepted
    job = wait_job(demo.base, accepted["jobs"][0]["id"])
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
