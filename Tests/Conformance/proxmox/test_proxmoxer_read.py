"""Reading a simulated cluster with proxmoxer, by ticket and by API token."""
import pytest
from proxmoxer import AuthenticationError, ProxmoxAPI


@pytest.fixture(params=["ticket", "token"])
def client(request, pve, pve_token):
    return pve if request.param == "ticket" else pve_token


def test_password_login_gets_a_ticket_and_csrf_token(pve):
    ticket, csrf = pve.get_tokens()
    assert ticket.startswith("PVE:root@pam:")
    assert len(csrf.split(":")[0]) == 8


def test_bad_password_is_an_authentication_error(pve_sim):
    with pytest.raises(AuthenticationError):
        ProxmoxAPI(pve_sim["host"], user="root@pam", password="wrong", verify_ssl=False, timeout=10)


def test_version(client):
    version = client.version.get()
    assert version["release"] == "8.4"
    assert version["version"].startswith("8.4.")
    assert len(version["repoid"]) == 16


def test_cluster_status(client):
    entries = client.cluster.status.get()
    cluster = [e for e in entries if e["type"] == "cluster"][0]
    assert cluster["name"] == "pve-conformance"
    assert cluster["quorate"] == 1
    assert cluster["nodes"] == 3
    nodes = sorted((e for e in entries if e["type"] == "node"), key=lambda e: e["name"])
    assert [n["name"] for n in nodes] == ["pve1", "pve2", "pve3"]
    assert all(n["online"] == 1 and isinstance(n["nodeid"], int) and n["ip"] for n in nodes)
    assert sum(n["local"] for n in nodes) == 1


def test_resources_by_type(client):
    vms = client.cluster.resources.get(type="vm")
    assert {vm["type"] for vm in vms} == {"qemu"}
    by_id = {vm["vmid"]: vm for vm in vms}
    assert by_id[9000]["name"] == "redos8-template"
    assert by_id[9000]["template"] == 1
    assert by_id[9001]["name"] == "ubuntu-2204-template"
    assert by_id[100]["id"] == "qemu/100"
    assert by_id[100]["status"] == "running"
    assert by_id[100]["maxmem"] == 2048 * 1024 * 1024
    assert isinstance(by_id[100]["cpu"], (int, float)) and by_id[100]["uptime"] > 0
    assert by_id[104]["status"] == "stopped"
    nodes = client.cluster.resources.get(type="node")
    assert sorted(n["node"] for n in nodes) == ["pve1", "pve2", "pve3"]
    assert all(n["status"] == "online" and n["maxcpu"] > 0 and n["maxmem"] > 0 for n in nodes)
    storages = client.cluster.resources.get(type="storage")
    assert {(s["node"], s["storage"]) for s in storages} >= {("pve1", "local"), ("pve1", "local-lvm"), ("pve2", "ceph-pool")}
    assert {s["plugintype"] for s in storages} == {"dir", "lvmthin", "rbd"}
    everything = client.cluster.resources.get()
    assert len(everything) > len(vms) + len(nodes) + len(storages) - 1


def test_nodes_and_qemu_lists(client):
    nodes = client.nodes.get()
    assert sorted(n["node"] for n in nodes) == ["pve1", "pve2", "pve3"]
    status = client.nodes("pve1").status.get()
    assert status["pveversion"].startswith("pve-manager/8.4")
    assert status["memory"]["total"] > status["memory"]["used"]
    vms = client.nodes("pve1").qemu.get()
    assert {100, 103, 9000, 9001} <= {vm["vmid"] for vm in vms}
    running = [vm for vm in vms if vm["vmid"] == 100][0]
    assert running["status"] == "running" and running["pid"] > 0
    current = client.nodes("pve1").qemu(100).status.current.get()
    assert current["qmpstatus"] == "running" and current["agent"] == 1


def test_vm_config(client):
    config = client.nodes("pve1").qemu(9000).config.get()
    assert config["name"] == "redos8-template"
    assert config["template"] == 1
    assert config["cores"] == 2 and config["memory"] == "2048"
    assert config["scsi0"] == "ceph-pool:base-9000-disk-0,iothread=1,size=20G"
    assert config["ide2"].endswith(":vm-9000-cloudinit,media=cdrom")
    assert config["agent"] == "1"
    assert len(config["digest"]) == 40
    vm = client.nodes("pve1").qemu(100).config.get()
    assert vm["net0"].startswith("virtio=BC:24:11:") and "tag=2921" in vm["net0"]
    assert vm["ipconfig0"] == "ip=10.29.21.10/24,gw=10.29.21.1"
    assert vm["scsi0"] == "local-lvm:vm-100-disk-0,iothread=1,size=32G"


def test_agent_network_interfaces(client):
    result = client.nodes("pve1").qemu(100).agent("network-get-interfaces").get()["result"]
    names = [i["name"] for i in result]
    assert names[0] == "lo" and "ens18" in names
    ens18 = [i for i in result if i["name"] == "ens18"][0]
    assert ens18["hardware-address"].startswith("bc:24:11:")
    ipv4 = [a for a in ens18["ip-addresses"] if a["ip-address-type"] == "ipv4"]
    assert ipv4 == [{"ip-address": "10.29.21.10", "ip-address-type": "ipv4", "prefix": 24}]


def test_storage(client):
    storage = {s["storage"]: s for s in client.nodes("pve2").storage.get()}
    assert set(storage) == {"local", "local-lvm", "ceph-pool"}
    assert storage["local-lvm"]["type"] == "lvmthin" and storage["local-lvm"]["content"] == "images,rootdir"
    assert storage["ceph-pool"]["shared"] == 1 and storage["local"]["shared"] == 0
    assert all(s["active"] == 1 and s["enabled"] == 1 and s["total"] > s["avail"] > 0 for s in storage.values())
    images = client.nodes("pve2").storage.get(content="images")
    assert "local" not in {s["storage"] for s in images}


def test_network(client):
    everything = client.nodes("pve1").network.get()
    assert {i["iface"] for i in everything} == {"eno1", "eno2", "vmbr0", "vmbr1"}
    bridges = {b["iface"]: b for b in client.nodes("pve1").network.get(type="bridge")}
    assert set(bridges) == {"vmbr0", "vmbr1"}
    assert bridges["vmbr0"]["bridge_vlan_aware"] == 1
    assert "bridge_vlan_aware" not in bridges["vmbr1"]
    assert bridges["vmbr0"]["active"] == 1 and bridges["vmbr0"]["cidr"] == "10.0.0.11/24"


def test_nextid(client):
    assert int(client.cluster.nextid.get()) >= 112
    assert client.cluster.nextid.get(vmid=777) == "777"
