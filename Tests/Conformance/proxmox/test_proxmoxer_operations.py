"""Operating VMs on a simulated cluster with proxmoxer: power actions, pause and hibernation, delete.

Every action answers a UPID that is followed with nodes(N).tasks(UPID).status.get() (the
wait_task fixture, proxmoxer's own Tasks.blocking_status) until it has stopped. Each test works on
a VM it clones for itself, so the suite's other tests and the order they run in do not matter.
"""
import pytest
from proxmoxer import ResourceException

NODE = "pve2"


def run(prox, wait_task, upid, task_type, vmid):
    """Follows a task to its end and checks it was the expected one and ended OK."""
    assert upid.startswith(f"UPID:{NODE}:") and f":{task_type}:{vmid}:root@pam:" in upid, upid
    status = wait_task(prox, upid)
    assert status["status"] == "stopped"
    assert status["type"] == task_type and status["id"] == str(vmid)
    assert status["exitstatus"] == "OK", status
    return status


def exit_status(prox, wait_task, upid):
    return wait_task(prox, upid)["exitstatus"]


def task_log(prox, upid):
    return [line["t"] for line in prox.nodes(NODE).tasks(upid).log.get(limit=0)]


def resource(prox, vmid):
    found = [vm for vm in prox.cluster.resources.get(type="vm") if vm["vmid"] == vmid]
    return found[0] if found else None


def volumes(prox, storage, vmid):
    return [item["volid"] for item in prox.nodes(NODE).storage(storage).content.get(content="images", vmid=vmid)]


@pytest.fixture
def new_vm(pve, wait_task, sim_admin):
    """Clones the shared-storage template onto pve2 as a stopped VM and removes it afterwards."""
    made = []

    def make(vmid):
        upid = pve.nodes("pve1").qemu(9000).clone.post(newid=vmid, name=f"ops-{vmid}", target=NODE, full=1, storage="ceph-pool")
        assert wait_task(pve, upid)["exitstatus"] == "OK"
        made.append(vmid)
        return pve.nodes(NODE).qemu(vmid)

    yield make
    for vmid in made:
        if resource(pve, vmid) is None:
            continue
        sim_admin("POST", f"/vms/{vmid}/lock", {"lock": None})
        sim_admin("POST", f"/vms/{vmid}/protection", {"protection": False})
        sim_admin("DELETE", f"/vms/{vmid}")


def test_start_pause_resume_reboot_shutdown_and_stop(pve, wait_task, new_vm):
    vm = new_vm(301)
    run(pve, wait_task, vm.status.start.post(), "qmstart", 301)
    current = vm.status.current.get()
    assert current["status"] == "running" and current["qmpstatus"] == "running"

    # suspend without todisk pauses: the VM still runs, QMP says paused, the cluster lists it paused.
    run(pve, wait_task, vm.status.suspend.post(), "qmpause", 301)
    current = vm.status.current.get()
    assert current["status"] == "running" and current["qmpstatus"] == "paused"
    assert resource(pve, 301)["status"] == "paused"
    with pytest.raises(ResourceException) as paused:
        vm.status.shutdown.post()
    assert paused.value.status_code == 500 and paused.value.content == "VM is paused - cannot shutdown"

    run(pve, wait_task, vm.status.resume.post(), "qmresume", 301)
    assert vm.status.current.get()["qmpstatus"] == "running"

    run(pve, wait_task, vm.status.reboot.post(), "qmreboot", 301)
    assert vm.status.current.get()["status"] == "running"

    run(pve, wait_task, vm.status.shutdown.post(), "qmshutdown", 301)
    assert vm.status.current.get()["status"] == "stopped"
    with pytest.raises(ResourceException) as stopped:
        vm.status.reboot.post()
    assert stopped.value.status_code == 500 and stopped.value.content == "VM 301 not running"

    run(pve, wait_task, vm.status.start.post(), "qmstart", 301)
    with pytest.raises(ResourceException) as running:
        pve.nodes(NODE).qemu(301).delete()
    assert running.value.content == "VM 301 is running - destroy failed"
    run(pve, wait_task, vm.status.stop.post(), "qmstop", 301)
    assert vm.status.current.get()["status"] == "stopped"
    # Stopping a stopped VM is a task that ends OK.
    run(pve, wait_task, vm.status.stop.post(), "qmstop", 301)

    upid = vm.status.start.post()
    assert exit_status(pve, wait_task, upid) == "OK"
    assert exit_status(pve, wait_task, vm.status.start.post()) == "VM 301 already running"


def test_hibernate_and_start_again(pve, wait_task, new_vm):
    vm = new_vm(302)
    run(pve, wait_task, vm.status.start.post(), "qmstart", 302)

    upid = vm.status.suspend.post(todisk=1)
    run(pve, wait_task, upid, "qmsuspend", 302)
    assert task_log(pve, upid)[-2:] == ["State saved, quitting", "TASK OK"]
    current = vm.status.current.get()
    assert current["status"] == "stopped" and current["lock"] == "suspended"
    config = vm.config.get()
    assert config["lock"] == "suspended"
    state = config["vmstate"]
    assert state.startswith("ceph-pool:vm-302-state-suspend-")
    assert state in volumes(pve, "ceph-pool", 302)
    with pytest.raises(ResourceException) as locked:
        vm.config.put(cores=2)
    assert locked.value.content == "VM is locked (suspended)"

    upid = vm.status.start.post()
    run(pve, wait_task, upid, "qmstart", 302)
    log = task_log(pve, upid)
    assert "Resuming suspended VM" in log and "Resumed VM, removing state" in log
    config = vm.config.get()
    assert "lock" not in config and "vmstate" not in config
    assert state not in volumes(pve, "ceph-pool", 302)
    assert vm.status.current.get()["qmpstatus"] == "running"

    # resume starts a hibernated VM too.
    run(pve, wait_task, vm.status.suspend.post(todisk=1), "qmsuspend", 302)
    run(pve, wait_task, vm.status.resume.post(), "qmresume", 302)
    assert vm.status.current.get()["status"] == "running"
    assert "lock" not in vm.config.get()
    run(pve, wait_task, vm.status.stop.post(), "qmstop", 302)


def test_suspend_and_resume_refusals(pve, pve_token, wait_task, new_vm, sim_admin):
    vm = new_vm(303)
    for action in (vm.status.suspend, vm.status.resume):
        with pytest.raises(ResourceException) as stopped:
            action.post()
        assert stopped.value.status_code == 500 and stopped.value.content == "VM 303 not running"
    with pytest.raises(ResourceException) as parameter:
        vm.status.suspend.post(statestorage="ceph-pool")
    assert parameter.value.status_code == 400
    assert parameter.value.errors == {"todisk": "missing property - 'statestorage' requires this property"}
    with pytest.raises(ResourceException) as root_only:
        pve_token.nodes(NODE).qemu(303).status.suspend.post(skiplock=1)
    assert root_only.value.errors == {"skiplock": "Only root may use this option."}

    run(pve, wait_task, vm.status.start.post(), "qmstart", 303)
    sim_admin("POST", "/vms/303/lock", {"lock": "migrate"})
    assert exit_status(pve, wait_task, vm.status.suspend.post()) == "VM is locked (migrate)"
    sim_admin("POST", "/vms/303/lock", {"lock": "backup"})
    assert exit_status(pve, wait_task, vm.status.suspend.post(todisk=1)) == "cannot suspend to disk during backup"
    sim_admin("POST", "/vms/303/lock", {"lock": None})
    run(pve, wait_task, vm.status.stop.post(), "qmstop", 303)


def test_delete_honours_protection_and_locks_and_removes_the_disks(pve, wait_task, new_vm, sim_admin):
    vm = new_vm(304)
    disks = volumes(pve, "ceph-pool", 304)
    assert "ceph-pool:vm-304-disk-0" in disks
    assert pve.nodes(NODE).storage("ceph-pool").content.get(vmid=304)

    assert vm.config.put(protection=1) is None
    assert vm.config.get()["protection"] == 1
    with pytest.raises(ResourceException) as protected:
        vm.delete(purge=1, **{"destroy-unreferenced-disks": 1})
    assert protected.value.status_code == 500
    assert protected.value.content == "can't remove VM 304 - protection mode enabled"
    assert vm.config.put(delete="protection") is None
    assert "protection" not in vm.config.get()

    sim_admin("POST", "/vms/304/lock", {"lock": "backup"})
    assert exit_status(pve, wait_task, vm.delete()) == "VM is locked (backup)"
    assert resource(pve, 304)["lock"] == "backup"
    sim_admin("POST", "/vms/304/lock", {"lock": None})

    # A disk named for the VM that no configuration references (left behind by an earlier failure).
    sim_admin("POST", "/storage/ceph-pool/volumes", {"node": NODE, "name": "vm-304-disk-9", "size": 1 << 30})
    assert "ceph-pool:vm-304-disk-9" in volumes(pve, "ceph-pool", 304)

    upid = vm.delete(purge=1, **{"destroy-unreferenced-disks": 1})
    assert resource(pve, 304)["lock"] == "destroyed"
    run(pve, wait_task, upid, "qmdestroy", 304)
    assert "purging VM 304 from related configurations.." in task_log(pve, upid)
    assert resource(pve, 304) is None
    assert volumes(pve, "ceph-pool", 304) == []
    with pytest.raises(ResourceException) as gone:
        vm.config.get()
    assert gone.value.content == f"Configuration file 'nodes/{NODE}/qemu-server/304.conf' does not exist"


def test_delete_without_unreferenced_disks_keeps_them_and_a_hibernated_vm_goes_with_its_state(
    pve, wait_task, new_vm, sim_admin
):
    vm = new_vm(305)
    sim_admin("POST", "/storage/ceph-pool/volumes", {"node": NODE, "name": "vm-305-disk-9", "size": 1 << 30})
    run(pve, wait_task, vm.status.start.post(), "qmstart", 305)
    run(pve, wait_task, vm.status.suspend.post(todisk=1), "qmsuspend", 305)
    assert any("state-suspend" in volid for volid in volumes(pve, "ceph-pool", 305))

    # The suspended lock does not stop a destroy; the saved state goes with the VM.
    run(pve, wait_task, vm.delete(purge=1), "qmdestroy", 305)
    assert resource(pve, 305) is None
    assert volumes(pve, "ceph-pool", 305) == ["ceph-pool:vm-305-disk-9"]


def test_storage_content_refusals(pve):
    with pytest.raises(ResourceException) as unknown:
        pve.nodes(NODE).storage("nope").content.get()
    assert unknown.value.status_code == 500 and unknown.value.content == "storage 'nope' does not exist"
    with pytest.raises(ResourceException) as bad_type:
        pve.nodes(NODE).storage("ceph-pool").content.get(content="disks")
    assert bad_type.value.status_code == 400
    assert bad_type.value.errors == {"content": "invalid format - invalid content type 'disks'\n"}
