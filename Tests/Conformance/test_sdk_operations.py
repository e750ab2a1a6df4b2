"""The official Python SDK (ovirtsdk4, XML) operates VMs on the simulated engine as on a real one:
start, stop, shutdown, reboot, suspend and remove, read back through the SDK, with the engine's
refusals raised as the SDK's errors and the engine's audit log entries carrying the correlation id.

This module runs its own ovirt-sim (one engine, "e15-ops") with a slower --async-ms, so the
intermediate statuses (wait_for_launch, powering_down, reboot_in_progress, saving_state, ...) last
long enough to be read; the other suites' engines stay untouched. A client of the engine can only
read a VM again until its status changed: each read here waits on the engine's answer, with no pause
of its own.
"""
import json
import os
import time
import urllib.request

import ovirtsdk4 as sdk
import ovirtsdk4.types as types
import pytest
from integration_harness import Simulator

TEMPLATE = "template-packer-redos8-03092024"
ASYNC_MS = int(os.environ.get("OVIRT_SIM_OPS_ASYNC_MS", "400"))
SYNCHRONOUS = {"Expect": "201-created"}


@pytest.fixture(scope="module")
def ops_url():
    sim = Simulator(["e15-ops"], vms=4, hosts=2, extra=["--async-ms", str(ASYNC_MS)])
    try:
        yield sim.urls["e15-ops"]
    finally:
        sim.stop()


@pytest.fixture(scope="module")
def conn(ops_url):
    connection = sdk.Connection(url=ops_url, username="admin@internal", password="admin", insecure=True)
    try:
        yield connection
    finally:
        connection.close()


def admin(url, method, path, body=None):
    base = url.split("/ovirt-engine/")[0]
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(base + path, data=data, method=method, headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=10) as response:
        return json.loads(response.read() or b"{}")


def statuses_until(vm_service, target, timeout=60.0):
    """Reads the VM through the SDK until its status is `target`; returns the statuses seen, in
    order, without repeats (the first read is made right after the action returned)."""
    seen = []
    deadline = time.monotonic() + timeout
    while True:
        status = vm_service.get().status
        if not seen or seen[-1] != status:
            seen.append(status)
        if status == target:
            return seen
        assert time.monotonic() < deadline, f"the engine still reports {seen} after {timeout} s"


def in_order(seen, expected):
    """Whether `seen` is `expected` with some leading or middle steps missed (reads may fall
    between two transitions), and ends at its last step."""
    positions = [expected.index(status) for status in seen if status in expected]
    return len(positions) == len(seen) and positions == sorted(positions) and seen[-1] == expected[-1]


def codes(system, correlation_id):
    events = system.events_service().list(search=f"correlation_id={correlation_id}")
    return sorted((e.index, e.code) for e in events)


def new_vm(conn, ops_url, name, status="down"):
    answer = admin(ops_url, "POST", "/__sim/vms", {"name": name, "status": status})
    return conn.system_service().vms_service().vm_service(answer["id"])


S = types.VmStatus


def test_start_and_stop_move_through_the_engines_statuses(conn, ops_url):
    system = conn.system_service()
    vm_service = new_vm(conn, ops_url, "ops-01")

    vm_service.start(headers={"Correlation-Id": "ops-start-01"})
    seen = statuses_until(vm_service, S.UP)
    assert in_order(seen, [S.WAIT_FOR_LAUNCH, S.POWERING_UP, S.UP]), seen
    assert seen[0] != S.UP, "the engine answers before the VM is up"
    up = vm_service.get()
    assert up.host is not None and up.start_time is not None
    assert [code for _, code in codes(system, "ops-start-01")] == [153, 32]

    with pytest.raises(sdk.Error) as running:
        vm_service.start()
    assert running.value.code == 409
    assert "Cannot run VM because the VM is in Up status." in str(running.value)

    vm_service.stop(reason="maintenance", query={"correlation_id": "ops-stop-01"})
    assert vm_service.get().status == S.DOWN, "power off is immediate"
    events = system.events_service().list(search="correlation_id=ops-stop-01")
    assert [e.code for e in events] == [33]
    assert events[0].description.endswith("(Reason: maintenance).")

    # Stopping a down VM is skipped by the engine, successfully, with an event saying so.
    vm_service.stop(headers={"Correlation-Id": "ops-stop-02"})
    skipped = system.events_service().list(search="correlation_id=ops-stop-02")
    assert [e.description for e in skipped] == ["VM ops-01 is already Down, Stop VM was skipped. User: admin@internal-authz."]


def test_shutdown_reboot_and_suspend(conn, ops_url):
    system = conn.system_service()
    vm_service = new_vm(conn, ops_url, "ops-02", status="up")

    vm_service.reboot(headers={"Correlation-Id": "ops-reboot-02"})
    seen = statuses_until(vm_service, S.UP)
    assert seen[0] == S.REBOOT_IN_PROGRESS and seen[-1] == S.UP, seen
    assert [code for _, code in codes(system, "ops-reboot-02")] == [157]

    vm_service.suspend(headers={"Correlation-Id": "ops-suspend-02"})
    seen = statuses_until(vm_service, S.SUSPENDED)
    assert in_order(seen, [S.UP, S.SAVING_STATE, S.SUSPENDED]), seen
    assert vm_service.get().host is None
    assert [code for _, code in codes(system, "ops-suspend-02")] == [501]
    assert any(e.code == 503 and e.vm.id == vm_service.get().id for e in system.events_service().list(search="type=503"))

    with pytest.raises(sdk.Error) as not_up:
        vm_service.suspend()
    assert not_up.value.code == 409 and "Cannot hibernate VM. VM is not up." in str(not_up.value)

    vm_service.start()
    seen = statuses_until(vm_service, S.UP)
    assert in_order(seen, [S.RESTORING_STATE, S.UP]), seen

    vm_service.shutdown(headers={"Correlation-Id": "ops-shutdown-02"})
    seen = statuses_until(vm_service, S.DOWN)
    assert in_order(seen, [S.POWERING_DOWN, S.DOWN]) and seen[0] == S.POWERING_DOWN, seen
    assert [code for _, code in codes(system, "ops-shutdown-02")] == [73]
    down = [e for e in system.events_service().list(search="type=61") if e.vm and e.vm.id == vm_service.get().id]
    assert down and down[0].description == "VM ops-02 is down. Exit message: User shut down from within the guest"

    with pytest.raises(sdk.Error) as illegal:
        vm_service.reboot()
    assert illegal.value.code == 409
    assert "Cannot restart VM because the VM is in Down status." in str(illegal.value)


def test_delete_protection_and_remove(conn, ops_url):
    system = conn.system_service()
    vms = system.vms_service()
    created = vms.add(
        types.Vm(name="ops-03", cluster=types.Cluster(name="Default"), template=types.Template(name=TEMPLATE),
                 delete_protected=True),
        headers=SYNCHRONOUS,
    )
    assert created.delete_protected is True
    vm_service = vms.vm_service(created.id)
    disks = [a.id for a in vm_service.disk_attachments_service().list()]
    assert disks

    with pytest.raises(sdk.Error) as protected:
        vm_service.remove()
    assert protected.value.code == 409
    assert ("Cannot remove VM. Delete protection is enabled. In order to delete, disable Delete protection first."
            in str(protected.value))

    vm_service.update(types.Vm(delete_protected=False))
    assert vm_service.get().delete_protected is False
    vm_service.start()
    statuses_until(vm_service, S.UP)
    with pytest.raises(sdk.Error) as running:
        vm_service.remove()
    assert running.value.code == 409 and "Cannot remove VM. VM is running." in str(running.value)
    vm_service.stop()

    vm_service.remove(query={"correlation_id": "ops-remove-03"})
    with pytest.raises(sdk.NotFoundError):
        vm_service.get()
    assert [code for _, code in codes(system, "ops-remove-03")] == [113]
    deadline = time.monotonic() + 60
    for disk_id in disks:
        while True:
            try:
                system.disks_service().disk_service(disk_id).get()
            except sdk.NotFoundError:
                break
            assert time.monotonic() < deadline, f"disk {disk_id} is still there"


def test_locked_vms_are_refused_with_the_engines_texts(conn, ops_url):
    vm_service = new_vm(conn, ops_url, "ops-04")
    admin(ops_url, "POST", "/__sim/vms/ops-04/lock", {})
    with pytest.raises(sdk.Error) as held:
        vm_service.start()
    assert held.value.code == 409
    assert "Cannot run VM. Related operation is currently in progress. Please try again later." in str(held.value)
    with pytest.raises(sdk.Error) as held_remove:
        vm_service.remove()
    assert "Cannot remove VM. Related operation is currently in progress." in str(held_remove.value)
    admin(ops_url, "DELETE", "/__sim/vms/ops-04/lock")

    admin(ops_url, "POST", "/__sim/vms/ops-04/status", {"status": "image_locked"})
    with pytest.raises(sdk.Error) as locked:
        vm_service.start()
    assert locked.value.code == 409
    assert "Cannot run VM: VM is locked. Please try again in a few minutes." in str(locked.value)
    with pytest.raises(sdk.Error) as locked_remove:
        vm_service.remove()
    assert "Cannot remove VM: VM is locked. Please try again in a few minutes." in str(locked_remove.value)

    admin(ops_url, "POST", "/__sim/vms/ops-04/delete_protected", {"delete_protected": True})
    assert vm_service.get().delete_protected is True
    with pytest.raises(sdk.Error) as protected:
        vm_service.remove(force=True)
    assert "Delete protection is enabled" in str(protected.value), "protection is checked before the lock"
    admin(ops_url, "POST", "/__sim/vms/ops-04/delete_protected", {"delete_protected": False})
    vm_service.remove(force=True)
    with pytest.raises(sdk.NotFoundError):
        vm_service.get()
