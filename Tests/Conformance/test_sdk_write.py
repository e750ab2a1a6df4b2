"""The official Python SDK (ovirtsdk4, XML) writes to the simulated engine as to a real one.

Runs against the second engine ("e15") so the read suite's seeded counts stay
untouched. ovirt-sim is started with a small --async-ms, so every wait here is
short.

Waiting for the engine's asynchronous work: where the engine offers it, the request itself waits
(`Expect: 201-created` on an add answers once the engine's tasks ended). Otherwise a client can only
read the object again until its status changed, as real clients of the engine do; the test does
exactly that, each read waiting on the engine's answer, with no pause of its own.
"""
import json
import time
import urllib.request
import uuid

import ovirtsdk4 as sdk
import ovirtsdk4.types as types
import pytest

TEMPLATE = "template-packer-redos8-03092024"
VLAN = 2921
GIB = 1024**3


@pytest.fixture(scope="module")
def write_url(engines):
    return engines.get("e15", next(iter(engines.values())))


@pytest.fixture(scope="module")
def conn(write_url):
    connection = sdk.Connection(url=write_url, username="admin@internal", password="admin", insecure=True)
    try:
        yield connection
    finally:
        connection.close()


def admin(write_url, method, path, body=None):
    base = write_url.split("/ovirt-engine/")[0]
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(base + path, data=data, method=method, headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=10) as response:
        return json.loads(response.read() or b"{}")


# The engine answers an add with this header once its asynchronous tasks ended (201, not 202).
SYNCHRONOUS = {"Expect": "201-created"}


def engine_reports(read, predicate, timeout=120.0):
    """Reads an object through the SDK until `predicate` holds for it and returns it: the engine
    has no push, so its clients read again; each read waits on the engine's answer."""
    deadline = time.monotonic() + timeout
    while True:
        current = read()
        if predicate(current):
            return current
        assert time.monotonic() < deadline, f"the engine still reports {current!r} after {timeout} s"


@pytest.fixture(scope="module")
def network(conn):
    system = conn.system_service()
    networks = system.networks_service()
    correlation = f"net-{uuid.uuid4().hex[:8]}"
    created = networks.add(
        types.Network(
            name="vlan2921",
            description="tenant network",
            data_center=types.DataCenter(name="Default"),
            vlan=types.Vlan(id=VLAN),
            usages=[types.NetworkUsage.VM],
            mtu=1500,
        ),
        query={"correlation_id": correlation},
    )
    created.correlation = correlation
    return created


def test_network_with_vlan_and_profile(conn, network):
    system = conn.system_service()
    assert network.vlan.id == VLAN
    assert [n.name for n in system.networks_service().list(search="name=vlan2921")] == ["vlan2921"]
    profiles = system.networks_service().network_service(network.id).vnic_profiles_service().list()
    assert [p.name for p in profiles] == ["vlan2921"]
    assert "vlan2921" in [p.name for p in system.vnic_profiles_service().list()]
    jobs = system.jobs_service().list(search=f"correlation_id={network.correlation}")
    assert [j.description for j in jobs] == ["Adding network vlan2921 to Data Center: Default"]
    assert jobs[0].status == types.JobStatus.FINISHED


def test_duplicate_network_and_bad_vlan(conn, network):
    networks = conn.system_service().networks_service()
    with pytest.raises(sdk.Error) as duplicate:
        networks.add(types.Network(name="vlan2921", data_center=types.DataCenter(name="Default")))
    assert "is already used by an existing logical network in the same data-center" in str(duplicate.value)
    assert duplicate.value.code == 409
    with pytest.raises(sdk.Error) as bad_vlan:
        networks.add(types.Network(name="bad", data_center=types.DataCenter(name="Default"), vlan=types.Vlan(id=5000)))
    assert bad_vlan.value.code == 400
    assert "VLAN ID must be a number between 0 and 4094." in str(bad_vlan.value)


def test_attach_to_cluster_and_setup_host_networks(conn, network, write_url):
    system = conn.system_service()
    cluster = system.clusters_service().list(search="name=Default")[0]
    cluster_networks = system.clusters_service().cluster_service(cluster.id).networks_service()
    cluster_networks.add(types.Network(id=network.id, required=False))
    assert "vlan2921" in [n.name for n in cluster_networks.list()]
    with pytest.raises(sdk.Error) as again:
        cluster_networks.add(types.Network(id=network.id, required=False))
    assert again.value.code == 409
    assert "Logical Network is already attached to Cluster." in str(again.value)

    hosts = system.hosts_service().list()
    assert hosts
    for host in hosts:
        host_service = system.hosts_service().host_service(host.id)
        host_service.setup_networks(
            modified_network_attachments=[
                types.NetworkAttachment(network=types.Network(name="vlan2921"), host_nic=types.HostNic(name="bond0"))
            ],
            check_connectivity=True,
            commit_on_success=True,
        )
        host_service.commit_net_config()
        bond = next(n for n in host_service.nics_service().list() if n.name == "bond0")
        attachments = host_service.nics_service().nic_service(bond.id).network_attachments_service().list()
        names = {conn.follow_link(a.network).name for a in attachments}
        assert names == {"ovirtmgmt", "vlan2921"}
        assert all(a.in_sync for a in attachments)
        vlan_nic = next(n for n in host_service.nics_service().list() if n.name == f"bond0.{VLAN}")
        assert vlan_nic.vlan.id == VLAN
        assert admin(write_url, "GET", f"/__sim/hosts/{host.id}/netconfig")["committed"] is True


@pytest.fixture(scope="module")
def vm(conn, network):
    system = conn.system_service()
    vms = system.vms_service()
    template = system.templates_service().list(search=f"name={TEMPLATE}")[0]
    template_disk = system.templates_service().template_service(template.id).disk_attachments_service().list()[0]
    created = vms.add(
        types.Vm(
            name="sdk-vm-01",
            description="made by the SDK",
            comment="conformance",
            cluster=types.Cluster(name="Default"),
            template=types.Template(name=TEMPLATE),
            memory=4 * GIB,
            memory_policy=types.MemoryPolicy(guaranteed=2 * GIB),
            cpu=types.Cpu(topology=types.CpuTopology(cores=2, sockets=1, threads=1)),
            os=types.OperatingSystem(type="rhel_8x64"),
            initialization=types.Initialization(
                host_name="sdk-vm-01.lab.local",
                user_name="cloud-user",
                authorized_ssh_keys="ssh-ed25519 AAAAC3Nza test@lab",
                dns_servers="10.15.0.53",
                dns_search="lab.local",
                custom_script="#cloud-config\npackages: [htop]\n",
                nic_configurations=[
                    types.NicConfiguration(
                        name="eth0",
                        boot_protocol=types.BootProtocol.STATIC,
                        on_boot=True,
                        ip=types.Ip(address="10.29.21.10", netmask="255.255.255.0", gateway="10.29.21.1"),
                    )
                ],
            ),
            disk_attachments=[
                types.DiskAttachment(
                    disk=types.Disk(
                        id=template_disk.id,
                        format=types.DiskFormat.COW,
                        sparse=True,
                        storage_domains=[types.StorageDomain(name="hosted_storage")],
                    )
                )
            ],
        ),
        query={"correlation_id": "vm-create-sdk-vm-01"},
    )
    assert created.status == types.VmStatus.IMAGE_LOCKED
    return created


def test_vm_created_from_template(conn, vm):
    vm_service = conn.system_service().vms_service().vm_service(vm.id)
    current = engine_reports(vm_service.get, lambda vm: vm.status == types.VmStatus.DOWN)
    assert current.memory == 4 * GIB
    assert current.memory_policy.guaranteed == 2 * GIB
    assert current.cpu.topology.cores == 2
    assert current.description == "made by the SDK" and current.comment == "conformance"
    init = current.initialization
    assert init.host_name == "sdk-vm-01.lab.local"
    assert init.custom_script.startswith("#cloud-config")
    assert init.nic_configurations[0].ip.address == "10.29.21.10"
    disks = vm_service.disk_attachments_service().list()
    assert len(disks) == 1
    disk = conn.follow_link(disks[0].disk)
    assert disk.status == types.DiskStatus.OK and disk.format == types.DiskFormat.COW
    jobs = conn.system_service().jobs_service().list(search="correlation_id=vm-create-sdk-vm-01")
    assert [j.status for j in jobs] == [types.JobStatus.FINISHED]
    assert jobs[0].description == "Creating VM sdk-vm-01 in Cluster Default"
    assert [v.name for v in conn.system_service().vms_service().list(search="name=sdk-vm-01")] == ["sdk-vm-01"]


def test_duplicate_vm_name(conn, vm):
    with pytest.raises(sdk.Error) as error:
        conn.system_service().vms_service().add(
            types.Vm(name="sdk-vm-01", cluster=types.Cluster(name="Default"), template=types.Template(name=TEMPLATE))
        )
    assert error.value.code == 409
    assert "[Cannot add VM. The VM name is already in use, please choose a unique name and try again.]" in str(error.value)


def test_disk_nic_start_stop_remove(conn, vm, network):
    system = conn.system_service()
    vm_service = system.vms_service().vm_service(vm.id)
    engine_reports(vm_service.get, lambda vm: vm.status == types.VmStatus.DOWN)
    storage = system.storage_domains_service().list(search="name=hosted_storage")[0]
    attachment = vm_service.disk_attachments_service().add(
        types.DiskAttachment(
            bootable=False,
            interface=types.DiskInterface.VIRTIO_SCSI,
            active=True,
            disk=types.Disk(
                name="sdk-vm-01_data",
                provisioned_size=10 * GIB,
                format=types.DiskFormat.COW,
                sparse=True,
                storage_domains=[types.StorageDomain(id=storage.id)],
            ),
        )
    )
    # The attachment is answered at once, with its disk still locked.
    disk_service = system.disks_service().disk_service(attachment.disk.id)
    disk = engine_reports(disk_service.get, lambda disk: disk.status == types.DiskStatus.OK)
    assert disk.provisioned_size == 10 * GIB

    profile = next(p for p in system.vnic_profiles_service().list() if p.name == "vlan2921")
    nic = vm_service.nics_service().add(types.Nic(name="nic1", vnic_profile=types.VnicProfile(id=profile.id)))
    assert nic.mac.address.startswith("56:6f:")

    vm_service.start(use_cloud_init=True)
    up = engine_reports(vm_service.get, lambda vm: vm.status == types.VmStatus.UP)
    assert up.host is not None and up.start_time is not None
    devices = vm_service.reported_devices_service().list()
    addresses = [ip.address for d in devices for ip in d.ips]
    assert "10.29.21.10" in addresses

    with pytest.raises(sdk.Error) as running:
        vm_service.remove()
    assert running.value.code == 409 and "VM is running" in str(running.value)

    vm_service.stop()
    assert vm_service.get().status == types.VmStatus.DOWN
    vm_service.remove()
    with pytest.raises(sdk.NotFoundError):
        vm_service.get()
    events = system.events_service().list(search="correlation_id=vm-create-sdk-vm-01")
    assert any("creation has been completed" in e.description for e in events)


def test_injected_fault_on_next_vm_add(conn, write_url):
    detail = "[Cannot add VM. Injected by the conformance suite.]"
    admin(write_url, "POST", "/__sim/faults", {
        "method": "POST", "path": "/ovirt-engine/api/vms", "status": 409, "count": 1,
        "reason": "Operation Failed", "detail": detail,
    })
    vms = conn.system_service().vms_service()
    with pytest.raises(sdk.Error) as error:
        vms.add(types.Vm(name="sdk-vm-02", cluster=types.Cluster(name="Default"), template=types.Template(name=TEMPLATE)))
    assert error.value.code == 409
    assert detail in str(error.value)
    assert vms.list(search="name=sdk-vm-02") == []
    # Used up: the next call goes through.
    created = vms.add(types.Vm(name="sdk-vm-02", cluster=types.Cluster(name="Default"), template=types.Template(name=TEMPLATE)),
                      headers=SYNCHRONOUS)
    assert created.status == types.VmStatus.DOWN
    vms.vm_service(created.id).remove()
    assert admin(write_url, "GET", "/__sim/faults")["faults"] == []
