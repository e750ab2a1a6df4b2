"""Provisioning a VM on a simulated cluster with proxmoxer: clone, configure, resize, start, delete."""
import pytest
import requests
from proxmoxer import ResourceException


def vm_resource(prox, vmid):
    return [vm for vm in prox.cluster.resources.get(type="vm") if vm["vmid"] == vmid]


def test_clone_configure_resize_start_and_delete(pve, wait_task, sim_admin):
    upid = pve.nodes("pve1").qemu(9000).clone.post(
        newid=201, name="app-201", target="pve2", full=1, storage="ceph-pool", description="made by the conformance suite"
    )
    assert upid.startswith("UPID:pve1:") and ":qmclone:9000:root@pam:" in upid
    during = vm_resource(pve, 201)
    assert during and during[0].get("lock") == "clone"
    status = wait_task(pve, upid)
    assert status["exitstatus"] == "OK" and status["type"] == "qmclone"
    after = vm_resource(pve, 201)[0]
    assert after["node"] == "pve2" and "lock" not in after and after["template"] == 0

    vm = pve.nodes("pve2").qemu(201)
    config = vm.config.get()
    assert config["name"] == "app-201"
    assert config["scsi0"] == "ceph-pool:vm-201-disk-0,iothread=1,size=20G"
    assert config["ide2"] == "ceph-pool:vm-201-cloudinit,media=cdrom"
    assert "template" not in config

    upid = vm.config.post(
        cores=4, memory=4096, net0="virtio,bridge=vmbr0,tag=2921",
        ipconfig0="ip=10.29.21.201/24,gw=10.29.21.1", nameserver="10.0.0.53", searchdomain="example.lab",
    )
    assert wait_task(pve, upid)["exitstatus"] == "OK"
    config = vm.config.get()
    assert config["cores"] == 4 and config["memory"] == "4096"
    assert config["net0"].startswith("virtio=BC:24:11:") and config["net0"].endswith(",bridge=vmbr0,tag=2921")
    assert config["ipconfig0"] == "ip=10.29.21.201/24,gw=10.29.21.1"
    assert config["nameserver"] == "10.0.0.53"

    upid = vm.resize.put(disk="scsi0", size="+10G")
    assert wait_task(pve, upid)["exitstatus"] == "OK"
    assert vm.config.get()["scsi0"].endswith("size=30G")

    assert vm.config.put(scsi1="ceph-pool:8,discard=on") is None
    assert vm.config.get()["scsi1"] == "ceph-pool:vm-201-disk-1,discard=on,size=8G"

    upid = vm.status.start.post()
    assert wait_task(pve, upid)["exitstatus"] == "OK"
    assert vm.status.current.get()["status"] == "running"

    # The guest agent of a VM that just started is not up yet; it answers once it is (here: when
    # the simulator is told, so the test waits for no clock).
    with pytest.raises(ResourceException) as not_yet:
        vm.agent("network-get-interfaces").get()
    assert not_yet.value.status_code == 500 and not_yet.value.content == "QEMU guest agent is not running"
    sim_admin("POST", "/vms/201/agent", {"responding": True})
    interfaces = vm.agent("network-get-interfaces").get()["result"]
    addresses = [a["ip-address"] for i in interfaces for a in i["ip-addresses"]]
    assert "10.29.21.201" in addresses

    with pytest.raises(ResourceException) as running:
        vm.delete()
    assert running.value.status_code == 500 and running.value.content == "VM 201 is running - destroy failed"

    assert wait_task(pve, vm.status.stop.post())["exitstatus"] == "OK"
    upid = vm.delete()
    assert ":qmdestroy:201:" in upid
    assert wait_task(pve, upid)["exitstatus"] == "OK"
    assert vm_resource(pve, 201) == []
    with pytest.raises(ResourceException) as gone:
        vm.config.get()
    assert gone.value.status_code == 500
    assert gone.value.content == "Configuration file 'nodes/pve2/qemu-server/201.conf' does not exist"


def test_token_clone_tasks_record_the_token(pve_token, wait_task):
    upid = pve_token.nodes("pve1").qemu(9001).clone.post(newid=202, name="linked-202")
    assert upid.endswith(":root@pam!aggregator:")
    status = wait_task(pve_token, upid)
    assert status["exitstatus"] == "OK" and status["user"] == "root@pam" and status["tokenid"] == "aggregator"
    assert pve_token.nodes("pve1").qemu(202).config.get()["scsi0"] == "local-lvm:vm-202-disk-0,iothread=1,size=10G"
    log = pve_token.nodes("pve1").tasks(upid).log.get()
    assert log[-1]["t"] == "TASK OK"


def test_write_without_csrf_token_is_refused(pve_sim):
    base = pve_sim["url"]
    login = requests.post(f"{base}/access/ticket", data={"username": "root@pam", "password": "admin"}, verify=False, timeout=10)
    ticket = login.json()["data"]["ticket"]
    cookies = {"PVEAuthCookie": ticket}
    refused = requests.post(f"{base}/nodes/pve1/qemu/100/config", data={"description": "x"}, cookies=cookies, verify=False, timeout=10)
    assert refused.status_code == 401
    assert refused.reason == "Permission denied - invalid csrf token"
    readable = requests.get(f"{base}/nodes/pve1/qemu/100/config", cookies=cookies, verify=False, timeout=10)
    assert readable.status_code == 200 and readable.json()["data"]["name"] == "web-01"


def test_bad_parameters_are_a_resource_exception_with_errors(pve):
    with pytest.raises(ResourceException) as caught:
        pve.nodes("pve1").qemu(9000).clone.post(newid=5, name="bad_name")
    error = caught.value
    assert error.status_code == 400
    assert error.content == "Parameter verification failed."
    assert error.errors["newid"] == "invalid format - value does not look like a valid VM ID\n"
    assert error.errors["name"] == "invalid format - value does not look like a valid DNS name\n"
    with pytest.raises(ResourceException) as net:
        pve.nodes("pve1").qemu(100).config.post(net0="virtio,bridge=vmbr0,tag=5000")
    assert net.value.errors == {"net0": "invalid format - format error\nnet0.tag: value must have a maximum value of 4094\n"}
    with pytest.raises(ResourceException) as taken:
        pve.nodes("pve1").qemu(9000).clone.post(newid=100)
    assert taken.value.status_code == 500
    assert taken.value.content == "unable to create VM 100: config file already exists"


def test_injected_fault_surfaces(pve, sim_admin):
    sim_admin("POST", "/faults", {"method": "GET", "path": "/nodes/pve1/qemu", "status": 500, "count": 1, "message": "got timeout"})
    with pytest.raises(ResourceException) as caught:
        pve.nodes("pve1").qemu.get()
    assert caught.value.status_code == 500 and caught.value.content == "got timeout"
    assert pve.nodes("pve1").qemu.get()


def test_failed_task_and_offline_node(pve, sim_admin, wait_task):
    sim_admin("POST", "/tasks/fail", {"type": "qmclone", "exitstatus": "clone failed: no space left on device"})
    upid = pve.nodes("pve1").qemu(9000).clone.post(newid=203, full=1)
    assert wait_task(pve, upid)["exitstatus"] == "clone failed: no space left on device"
    assert vm_resource(pve, 203) == []

    sim_admin("POST", "/nodes/pve3/status", {"status": "offline"})
    try:
        on_pve3 = [vm for vm in pve.cluster.resources.get(type="vm") if vm["node"] == "pve3"]
        assert on_pve3 and all(vm["status"] == "unknown" for vm in on_pve3)
        with pytest.raises(ResourceException) as caught:
            pve.nodes("pve3").qemu.get()
        assert caught.value.status_code == 595
    finally:
        sim_admin("POST", "/nodes/pve3/status", {"status": "online"})
