"""Creating VLANs and VMs from the seed's files with curl against `aggregator demo`, checked with ovirtsdk4."""
import json
import subprocess
import urllib.request

import ovirtsdk4 as sdk
import ovirtsdk4.types as types
import pytest

from integration_harness import ROOT, get_json, wait_until
from integration_harness import Demo as DemoProcess

EXAMPLES = ROOT / "examples"
GIB = 2 ** 30
# A job's end: the create's own long-poll (`?wait=SECONDS`) answers once every job of the batch ended.
WAIT_S = 300


class Demo(DemoProcess):
    def __init__(self, data_dir, port=None, extra=()):
        super().__init__(["--config", str(ROOT / "backends.yaml"), "--data-dir", str(data_dir), "--vms", "3", *extra],
                         port=port)
        self.proxmox = {name: url for name, url in self.engines.items() if self.kinds[name] == "proxmox"}
        self.engines = {name: url for name, url in self.engines.items() if self.kinds[name] == "ovirt"}
        assert "e15-test" in self.engines and "pve-lab" in self.proxmox, self.output()

    def connection(self, engine):
        return sdk.Connection(url=self.engines[engine], username="admin@internal", password="admin", insecure=True)


def curl_post(url, path, field="jsonfile"):
    out = subprocess.run(["curl", "-sS", "-X", "POST", "-F", f"{field}=@{path}", url],
                         capture_output=True, text=True, timeout=WAIT_S + 60)
    assert out.returncode == 0, out.stderr
    return json.loads(out.stdout)


def post_and_wait(url, path):
    """Posts the file with `?wait=`, so the answer comes once every job ended; returns the jobs."""
    body = curl_post(f"{url}?wait={WAIT_S}", path)
    assert "jobs" in body, body
    assert all(job["state"] in ("succeeded", "failed", "interrupted") for job in body["jobs"]), body
    return body["jobs"]


def sim_admin(engine_url, method, path, body=None):
    """Calls an in-process simulator's /__sim admin routes."""
    base = engine_url.split("/ovirt-engine/")[0]
    request = urllib.request.Request(base + "/__sim" + path, method=method,
                                     data=None if body is None else json.dumps(body).encode(),
                                     headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=30) as response:
        assert response.status in (200, 201)
        return json.loads(response.read() or b"{}")


def seed_item(**vm_changes):
    item = json.loads((EXAMPLES / "create_vm.json").read_text())[0]
    item["vm"].update(vm_changes)
    return item


@pytest.fixture
def demo(tmp_path):
    process = Demo(tmp_path / "data")
    try:
        yield process
    finally:
        process.stop()


def test_seed_curl_command_creates_network_and_running_vm(demo, tmp_path):
    # The seed's command, verbatim but for host and port.
    body = curl_post(f"{demo.base}/ovirt/create_vm", EXAMPLES / "create_vm.json")
    assert len(body["jobs"]) == 1
    job_id = body["jobs"][0]["id"]
    assert body["jobs"][0]["state"] in ("queued", "running")
    # The same command with ?wait= answers the same job, once it ended, and creates nothing new.
    [job] = post_and_wait(f"{demo.base}/ovirt/create_vm", EXAMPLES / "create_vm.json")
    assert job["id"] == job_id and job["reused"] is True, job
    assert job["state"] == "succeeded", json.dumps(job, indent=1, ensure_ascii=False)

    # Our own listing knows the new VM by the address the file gave it, on whichever engine.
    listed = wait_until(lambda: get_json(f"{demo.base}/api/v1/vms?ip=10.105.249.51")[1]["items"], demo, timeout=60)
    assert [(vm["engine"], vm["name"], vm["status"]) for vm in listed] == [("e15-test", "test_vm_11", "up")]

    connection = demo.connection("e15-test")
    try:
        system = connection.system_service()
        networks = system.networks_service().list(search="name=2921-redvt-eqp-test-e15")
        assert len(networks) == 1
        network = networks[0]
        assert network.vlan.id == 2921

        hosts = system.hosts_service().list()
        assert hosts
        for host in hosts:
            host_service = system.hosts_service().host_service(host.id)
            nic_names = {nic.id: nic.name for nic in host_service.nics_service().list()}
            attachments = host_service.network_attachments_service().list()
            on_bond0 = [a for a in attachments if a.network.id == network.id and nic_names.get(a.host_nic.id) == "bond0"]
            assert on_bond0, f"{host.name}: network not on bond0"

        vms = system.vms_service().list(search="name=test_vm_11")
        assert len(vms) == 1
        vm = vms[0]
        assert vm.status == types.VmStatus.UP
        assert vm.cpu.topology.cores == 2
        assert vm.memory == 2 * GIB
        assert "6666" in (vm.description or "") + (vm.comment or "")
        init = vm.initialization
        assert init.host_name == "test_vm_11"
        assert init.dns_servers.split() == ["10.82.254.32", "10.82.254.31"]
        nic_config = init.nic_configurations[0]
        assert nic_config.name == "enp1s0"
        assert nic_config.boot_protocol == types.BootProtocol.STATIC
        assert (nic_config.ip.address, nic_config.ip.netmask, nic_config.ip.gateway) == \
            ("10.105.249.51", "255.255.255.192", "10.105.249.1")

        vm_service = system.vms_service().vm_service(vm.id)
        storage = system.storage_domains_service().list(search="name=hosted_storage")[0]
        disks = [connection.follow_link(a.disk) for a in vm_service.disk_attachments_service().list()]
        assert [d.provisioned_size for d in disks] == [40 * GIB]
        assert disks[0].storage_domains[0].id == storage.id
        assert disks[0].sparse is False

        profiles = system.networks_service().network_service(network.id).vnic_profiles_service().list()
        nics = vm_service.nics_service().list()
        assert len(nics) == 1
        assert nics[0].vnic_profile.id in {p.id for p in profiles}

        # The job's correlation id is the creating request's id (X-Request-Id) and the item's index.
        assert job["correlation_id"] == f"{job['request_id']}-0", job
        engine_jobs = system.jobs_service().list(search=f"correlation_id={job['correlation_id']}")
        assert engine_jobs, "engine calls must carry the job's correlation id"

        # Re-posting the same file creates nothing new and answers the same job.
        again = curl_post(f"{demo.base}/ovirt/create_vm", EXAMPLES / "create_vm.json")
        assert [j["id"] for j in again["jobs"]] == [job_id]
        assert again["jobs"][0]["reused"] is True
        assert len(system.vms_service().list(search="name=test_vm_11")) == 1
        assert len(system.networks_service().list(search="name=2921-redvt-eqp-test-e15")) == 1

        # The VLAN file afterwards reuses the network instead of duplicating it.
        vlan = curl_post(f"{demo.base}/ovirt/create_vlan", EXAMPLES / "create_vlan.json")
        [vlan_job] = post_and_wait(f"{demo.base}/ovirt/create_vlan", EXAMPLES / "create_vlan.json")
        assert vlan_job["id"] == vlan["jobs"][0]["id"]
        assert vlan_job["state"] == "succeeded"
        assert len(system.networks_service().list(search="name=2921-redvt-eqp-test-e15")) == 1
    finally:
        connection.close()


def test_invalid_uploads_get_their_error_and_create_nothing(demo, tmp_path):
    seed_text = (EXAMPLES / "create_vm.json").read_text()
    with_comment = tmp_path / "seed.json"
    with_comment.write_text(seed_text.replace('"sparse": 0', '"sparse": 0     # where 0 is false, 1 is true'))
    body = curl_post(f"{demo.base}/ovirt/create_vm", with_comment)
    assert body["error"]["code"] == "invalid_request"
    assert body["issues"][0]["line"] == 25 and "comment" in body["issues"][0]["fix"]

    def post_items(items, name):
        path = tmp_path / f"{name}.json"
        path.write_text(json.dumps(items, ensure_ascii=False))
        return curl_post(f"{demo.base}/ovirt/create_vm", path)

    bad_cluster = seed_item(name="x1")
    bad_cluster["ovirt"]["cluster"] = "Nope"
    body = post_items([bad_cluster], "cluster")
    assert [i["path"] for i in body["issues"]] == ["[0].ovirt.cluster"]
    assert "Default" in (body["issues"][0].get("fix") or "") + body["issues"][0]["message"]

    bad_template = seed_item(name="x2", template="no-such-template")
    bad_template["ovirt"]["storage_domain"] = "nostorage"
    bad_template["ovirt"]["host_nic"] = "bond9"
    body = post_items([bad_template], "refs")
    paths = {i["path"] for i in body["issues"]}
    assert {"[0].vm.template", "[0].ovirt.storage_domain", "[0].ovirt.host_nic"} <= paths

    bad_vlan = seed_item(name="x3")
    bad_vlan["vlan"]["id"] = 4095
    body = post_items([bad_vlan, seed_item(name="x3", address="10.105.249.300")], "mixed")
    paths = {i["path"] for i in body["issues"]}
    assert {"[0].vlan.id", "[1].vm.address"} <= paths

    status_missing = subprocess.run(
        ["curl", "-sS", "-o", "/dev/null", "-w", "%{http_code}", "-X", "POST", "-F",
         f"file=@{EXAMPLES / 'create_vm.json'}", f"{demo.base}/ovirt/create_vm"],
        capture_output=True, text=True, timeout=60).stdout
    assert status_missing == "400"

    status, jobs = get_json(f"{demo.base}/api/v1/jobs")
    assert jobs["count"] == 0
    connection = demo.connection("e15-test")
    try:
        assert connection.system_service().networks_service().list(search="name=2921-redvt-eqp-test-e15") == []
        assert connection.system_service().vms_service().list(search="name=x*") == []
    finally:
        connection.close()


def test_engine_fault_mid_create_fails_the_job_with_the_engines_message(demo, tmp_path):
    admin = demo.engines["e15"].replace("/ovirt-engine/api", "/__sim/faults")
    fault = {"method": "POST", "path": "/ovirt-engine/api/vms", "status": 409, "count": 1,
             "reason": "Operation Failed", "detail": "[Cannot add VM. Simulated storage failure.]"}
    request = urllib.request.Request(admin, data=json.dumps(fault).encode(), method="POST",
                                     headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=10) as response:
        assert response.status in (200, 201)
    item = seed_item(name="fault_vm")
    item["ovirt"]["engine"] = "e15"
    path = tmp_path / "fault.json"
    path.write_text(json.dumps([item], ensure_ascii=False))
    [job] = post_and_wait(f"{demo.base}/ovirt/create_vm", path)
    assert job["state"] == "failed"
    assert "Simulated storage failure" in job["error"]["message"]
    states = {step["name"]: step["state"] for step in job["steps"]}
    assert states["create_network"] == "succeeded"
    assert states["create_vm"] == "failed"
    assert "start_vm" not in states


def job_at_step(base, job_id, step):
    """The job while it runs with `step` running, else None."""
    _, job = get_json(f"{base}/api/v1/jobs/{job_id}")
    steps = {s["name"]: s["state"] for s in job["steps"]}
    return job if job["state"] == "running" and steps.get(step) == "running" else None


def test_jobs_survive_a_restart_and_running_ones_are_marked_interrupted(tmp_path):
    data = tmp_path / "data"
    first = Demo(data)
    try:
        [done] = post_and_wait(f"{first.base}/ovirt/create_vlan", EXAMPLES / "create_vlan.json")
        assert done["state"] == "succeeded"
        done_id = done["id"]
        # The engine holds the answer to the VM's creation for an hour: the job stays at create_vm.
        engine = first.engines["e15-test"]
        sim_admin(engine, "POST", "/faults", {"method": "POST", "path": "/ovirt-engine/api/vms", "status": 503,
                                              "count": 1, "latency_ms": 3_600_000})
        item = seed_item(name="crash_vm")
        path = tmp_path / "crash.json"
        path.write_text(json.dumps([item], ensure_ascii=False))
        running_id = curl_post(f"{first.base}/ovirt/create_vm", path)["jobs"][0]["id"]
        # Mid-job: the API shows the job running at create_vm, and the engine took the held request.
        wait_until(lambda: job_at_step(first.base, running_id, "create_vm")
                   and sim_admin(engine, "GET", "/faults")["faults"] == [], first, timeout=120)
    finally:
        first.kill()  # a crash, not a graceful stop
    second = Demo(data)
    try:
        status, done = get_json(f"{second.base}/api/v1/jobs/{done_id}")
        assert status == 200 and done["state"] == "succeeded"
        status, crashed = get_json(f"{second.base}/api/v1/jobs/{running_id}")
        assert crashed["state"] == "interrupted"
        status, listing = get_json(f"{second.base}/api/v1/jobs?state=interrupted")
        assert [j["id"] for j in listing["jobs"]] == [running_id]
    finally:
        second.stop()


def test_two_vms_on_one_new_vlan_in_one_file_share_the_network(demo, tmp_path):
    items = []
    for index, name in enumerate(["batch_vm_1", "batch_vm_2"]):
        item = seed_item(name=name, hostname=name, address=f"10.105.249.{60 + index}")
        item["ovirt"]["engine"] = "e15-2"
        items.append(item)
    path = tmp_path / "batch.json"
    path.write_text(json.dumps(items, ensure_ascii=False))
    out = subprocess.run(["curl", "-sS", "-X", "POST", "-F", f"jsonfile=@{path}",
                          f"{demo.base}/ovirt/create_vm?wait={WAIT_S}"], capture_output=True, text=True,
                         timeout=WAIT_S + 60)
    body = json.loads(out.stdout)
    assert [job["state"] for job in body["jobs"]] == ["succeeded", "succeeded"], out.stdout
    connection = demo.connection("e15-2")
    try:
        system = connection.system_service()
        assert len(system.networks_service().list(search="name=2921-redvt-eqp-test-e15")) == 1
        assert {vm.name for vm in system.vms_service().list(search="name=batch_vm_*")} == {"batch_vm_1", "batch_vm_2"}
    finally:
        connection.close()
