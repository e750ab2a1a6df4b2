"""The official Python SDK (ovirtsdk4, XML) reads the simulated engine unchanged."""
import ipaddress
import json
import os
import urllib.request

import ovirtsdk4 as sdk
import ovirtsdk4.types as types
import pytest

VM_COUNT = int(os.environ.get("OVIRT_SIM_VMS", "20"))
HOST_COUNT = int(os.environ.get("OVIRT_SIM_HOSTS", "3"))


def eui64_link_local(mac):
    """The link-local address a guest derives from its MAC (modified EUI-64), in canonical form."""
    octets = bytearray(int(part, 16) for part in mac.split(":"))
    octets[0] ^= 0x02
    return str(ipaddress.IPv6Address(b"\xfe\x80" + bytes(6) + bytes(octets[:3]) + b"\xff\xfe" + bytes(octets[3:])))


def test_connection_test_and_api_root(connection):
    assert connection.test(raise_exception=True)
    api = connection.system_service().get()
    assert api.product_info.name == "oVirt Engine"
    assert api.product_info.version.major == 4
    assert api.product_info.version.minor == 5
    assert api.summary.vms.total == VM_COUNT
    assert api.special_objects.blank_template.id == "00000000-0000-0000-0000-000000000000"


def test_lists_seeded_inventory(connection):
    system = connection.system_service()
    assert [dc.name for dc in system.data_centers_service().list()] == ["Default"]
    clusters = system.clusters_service().list()
    assert [c.name for c in clusters] == ["Default"]
    assert clusters[0].cpu.type == "Intel Cascadelake Server Family"
    assert (clusters[0].version.major, clusters[0].version.minor) == (4, 7)
    hosts = system.hosts_service().list()
    assert [h.name for h in hosts] == [f"e15-test-host{i:02d}" for i in range(1, HOST_COUNT + 1)]
    assert all(h.status == types.HostStatus.UP for h in hosts)
    assert [t.name for t in system.templates_service().list()] == ["Blank", "template-packer-redos8-03092024"]
    assert [sd.name for sd in system.storage_domains_service().list()] == ["hosted_storage"]
    assert [n.name for n in system.networks_service().list()] == ["ovirtmgmt"]
    assert [p.name for p in system.vnic_profiles_service().list()] == ["ovirtmgmt"]


def test_vms_are_typed_and_realistic(connection):
    vms = connection.system_service().vms_service().list()
    assert len(vms) == VM_COUNT
    statuses = {vm.status for vm in vms}
    assert types.VmStatus.UP in statuses
    assert types.VmStatus.DOWN in statuses
    vm = next(vm for vm in vms if vm.status == types.VmStatus.UP)
    assert isinstance(vm.memory, int) and vm.memory >= 2 * 1024**3
    assert vm.cpu.topology.cores >= 1
    assert vm.stateless is False
    assert vm.creation_time.year >= 2023
    assert vm.cluster.id and vm.host.id and vm.template.id
    assert vm.fqdn.endswith(".lab.local")


def test_search_by_name_and_get_by_id(connection):
    vms_service = connection.system_service().vms_service()
    name = vms_service.list(max=1)[0].name
    found = vms_service.list(search=f"name={name}")
    assert [vm.name for vm in found] == [name]
    assert vms_service.list(search="name=nomatch") == []
    vm = vms_service.vm_service(found[0].id).get()
    assert vm.name == name
    assert len(vms_service.list(search="status=up and cluster=Default", max=3)) <= 3


def test_follow_link_on_vm_cluster(connection):
    vm = connection.system_service().vms_service().list(max=1)[0]
    cluster = connection.follow_link(vm.cluster)
    assert cluster.name == "Default"
    nics = connection.follow_link(vm.nics)
    assert [nic.name for nic in nics] == ["nic1"]


def test_follow_parameter_embeds_objects(connection):
    vms = connection.system_service().vms_service().list(search="status=up", follow="cluster,nics,reported_devices", max=2)
    assert vms
    for vm in vms:
        assert vm.cluster.name == "Default"
        assert vm.nics[0].mac.address
        for device in vm.reported_devices:
            versions = {ip.version: ip.address for ip in device.ips}
            assert ipaddress.ip_address(versions[types.IpVersion.V4]) in ipaddress.ip_network("10.0.0.0/8")
            assert versions[types.IpVersion.V6] == eui64_link_local(device.mac.address)


def test_unknown_id_raises_not_found(connection):
    service = connection.system_service().vms_service().vm_service("00000000-0000-0000-0000-00000000dead")
    with pytest.raises(sdk.NotFoundError):
        service.get()


def test_bad_password_raises_auth_error(engine_url):
    conn = sdk.Connection(url=engine_url, username="admin@internal", password="wrong", insecure=True)
    try:
        with pytest.raises(sdk.AuthError):
            conn.system_service().vms_service().list()
    finally:
        conn.close()


def test_relogin_after_tokens_expire(connection, engine_url):
    vms_service = connection.system_service().vms_service()
    before = vms_service.list(max=1)
    admin = engine_url.replace("/ovirt-engine/api", "/__sim/expire-tokens")
    with urllib.request.urlopen(urllib.request.Request(admin, method="POST", data=b"")) as response:
        assert json.load(response)["expired"] >= 1
    after = vms_service.list(max=1)
    assert [vm.id for vm in after] == [vm.id for vm in before]


def test_host_nics_include_bond(connection):
    hosts_service = connection.system_service().hosts_service()
    host = hosts_service.list()[0]
    nics = hosts_service.host_service(host.id).nics_service().list()
    by_name = {nic.name: nic for nic in nics}
    assert {"bond0", "eno1", "eno2"} <= set(by_name)
    bond = by_name["bond0"]
    assert {slave.id for slave in bond.bonding.slaves} == {by_name["eno1"].id, by_name["eno2"].id}
    assert ipaddress.ip_address(bond.ip.address) in ipaddress.ip_network(f"{bond.ip.gateway}/{bond.ip.netmask}", strict=False)


def test_vm_disks_and_template_disk(connection):
    system = connection.system_service()
    vm = system.vms_service().list(max=1)[0]
    attachments = system.vms_service().vm_service(vm.id).disk_attachments_service().list()
    assert len(attachments) == 1 and attachments[0].bootable
    disk = system.disks_service().disk_service(attachments[0].disk.id).get()
    assert disk.provisioned_size >= 20 * 1024**3
    assert disk.status == types.DiskStatus.OK
    template = system.templates_service().list(search="name=template-packer-redos8-03092024")[0]
    template_disks = system.templates_service().template_service(template.id).disk_attachments_service().list()
    assert len(template_disks) == 1


def test_second_engine_is_independent(engines):
    urls = [engines["e15-test"], engines["e15"]]
    assert urls[0] != urls[1]
    listings = []
    for url in urls:
        conn = sdk.Connection(url=url, username="admin@internal", password="admin", insecure=True)
        try:
            system = conn.system_service()
            listings.append(({vm.id for vm in system.vms_service().list()}, [h.name for h in system.hosts_service().list()]))
        finally:
            conn.close()
    assert listings[0][0].isdisjoint(listings[1][0])
    assert listings[1][1][0] == "e15-host01"


def test_addresses_and_macs_are_each_engines_own(engines):
    """Two engines of one simulator never show the same guest address, NIC MAC or host address."""
    seen = {}
    for name in ("e15-test", "e15"):
        conn = sdk.Connection(url=engines[name], username="admin@internal", password="admin", insecure=True)
        try:
            system = conn.system_service()
            for vm in system.vms_service().list(follow="nics,reported_devices"):
                values = [nic.mac.address for nic in vm.nics]
                values += [ip.address for device in vm.reported_devices or [] for ip in device.ips]
                for value in values:
                    assert value not in seen, f"{value} on {name}/{vm.name} and on {seen[value]}"
                    seen[value] = f"{name}/{vm.name}"
            for host in system.hosts_service().list():
                for nic in system.hosts_service().host_service(host.id).nics_service().list():
                    values = [nic.ip.address] if nic.ip and nic.ip.address else []
                    values += [nic.mac.address] if nic.name.startswith("eno") else []
                    for value in values:
                        assert value not in seen, f"{value} on {name}/{host.name} and on {seen[value]}"
                        seen[value] = f"{name}/{host.name}"
        finally:
            conn.close()
    assert len(seen) > 2 * VM_COUNT
