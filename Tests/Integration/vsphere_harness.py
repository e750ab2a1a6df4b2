"""The vsphere kind's process harness: VMware's vCenter simulator (`vcsim`, govmomi's simulator built by
scripts/vcsim.sh) on loopback, read and changed with pyvmomi, VMware's own Python client, and an
`aggregator serve` with one `vsphere` engine on it.

vcsim prints `vcsim listening on https://127.0.0.1:PORT/sdk` once it serves and writes its certificate
(valid for 127.0.0.1) to the file given with -cert-out; pyvmomi trusts that certificate alone.
"""
import contextlib
import os
import re
import ssl
from pathlib import Path

from pyVim.connect import Disconnect, SmartConnect
from pyVim.task import WaitForTask
from pyVmomi import vim

from integration_harness import READY_TIMEOUT, Aggregator, Process

VCSIM_ENV = "VCSIM_BIN"
VCSIM_LISTENING = re.compile(r"^vcsim listening on (https://([0-9.]+):(\d+)/sdk)$")
# What vcsim's default inventory (VPX) holds, with -template.
TEMPLATE = "tmpl-linux"
DATACENTER = "DC0"
CLUSTER = "DC0_C0"
DATASTORE = "LocalDS_0"
# The datacenter's distributed switch: DC0_DVS in newer govmomi, DVS0 in Debian's 0.24 (see ``switch``).
SWITCH = "DC0_DVS"
USERNAME = "user"
PASSWORD = "pass"


def vcsim_bin():
    """The vcsim program from VCSIM_BIN, or None with the reason it cannot run."""
    path = os.environ.get(VCSIM_ENV)
    if not path:
        return None, f"{VCSIM_ENV} is not set; build vcsim with scripts/vcsim.sh and export {VCSIM_ENV}"
    if not os.access(path, os.X_OK):
        return None, f"{VCSIM_ENV}={path} is not an executable; rebuild it with scripts/vcsim.sh"
    return path, None


def ssl_context(cert_file):
    """A context that trusts vcsim's certificate (the P-256 one our main makes) alone and checks the host name."""
    return ssl.create_default_context(cafile=str(cert_file))


class VCSim(Process):
    """One vcsim process on a free loopback port, its certificate in `directory`; ready once it said it listens."""

    def __init__(self, binary, directory, username=USERNAME, password=PASSWORD, extra=()):
        directory = Path(directory)
        directory.mkdir(parents=True, exist_ok=True)
        self.cert = directory / "vcsim-cert.pem"
        self.username, self.password = username, password
        args = [binary, "-l", "127.0.0.1:0", "-template", TEMPLATE, "-cert-out", str(self.cert),
                "-username", username, "-password", password, *extra]
        super().__init__(args, name="vcsim")
        try:
            found = self.wait_for(VCSIM_LISTENING, timeout=READY_TIMEOUT)
        except BaseException:
            self.stop()
            raise
        self.url, self.host, self.port = found.group(1), found.group(2), int(found.group(3))

    def connect(self, username=None, password=None):
        """A pyvmomi ServiceInstance logged in to this vcsim (log it out with ``Disconnect``)."""
        return SmartConnect(host=self.host, port=self.port, user=username or self.username,
                            pwd=password or self.password, sslContext=ssl_context(self.cert))

    @contextlib.contextmanager
    def session(self):
        """A pyvmomi ServiceInstance for the block, logged out after it."""
        si = self.connect()
        try:
            yield si
        finally:
            Disconnect(si)


# --- pyvmomi ------------------------------------------------------------------------------------

def objects(si, vim_type):
    """Every managed object of `vim_type` below the root folder, read through a container view."""
    content = si.RetrieveContent()
    view = content.viewManager.CreateContainerView(content.rootFolder, [vim_type], True)
    try:
        return list(view.view)
    finally:
        view.Destroy()


def vm_named(si, name):
    """The VM (or template) called `name`, or None."""
    found = [vm for vm in objects(si, vim.VirtualMachine) if vm.name == name]
    assert len(found) <= 1, f"{len(found)} VMs named {name}"
    return found[0] if found else None


def vm_by_id(si, moid):
    """The VM with managed object id `moid`, or None when it is gone."""
    return next((vm for vm in objects(si, vim.VirtualMachine) if vm._moId == moid), None)


def named(si, vim_type, name):
    found = [o for o in objects(si, vim_type) if o.name == name]
    assert len(found) == 1, f"{len(found)} {vim_type.__name__} named {name}"
    return found[0]


def run_task(task):
    """Waits for a vSphere task; raises the task's fault when it fails."""
    WaitForTask(task)
    return task.info.result


def clone_vm(si, name, power_on=False):
    """Clones the template into DC0_C0's resource pool on LocalDS_0, as an outside client would."""
    template = vm_named(si, TEMPLATE)
    cluster = named(si, vim.ClusterComputeResource, CLUSTER)
    spec = vim.vm.CloneSpec(location=vim.vm.RelocateSpec(pool=cluster.resourcePool,
                                                         datastore=named(si, vim.Datastore, DATASTORE)),
                            powerOn=False, template=False)
    vm = run_task(template.CloneVM_Task(folder=template.parent, name=name, spec=spec))
    if power_on:
        run_task(vm.PowerOnVM_Task())
    return vm


def switch(si):
    """The datacenter's one distributed switch, from its network folder (vcsim's container views leave
    switches out). govmomi 0.24's simulator names it DVS0, later ones DC0_DVS."""
    datacenter = named(si, vim.Datacenter, DATACENTER)
    found = [n for n in datacenter.networkFolder.childEntity if isinstance(n, vim.DistributedVirtualSwitch)]
    assert len(found) == 1, [n.name for n in datacenter.networkFolder.childEntity]
    return found[0]


def add_port_group(si, name, vlan_id):
    """A distributed port group `name` on DC0_DVS carrying `vlan_id`."""
    dvs = switch(si)
    port = vim.dvs.VmwareDistributedVirtualSwitch.VmwarePortConfigPolicy(
        vlan=vim.dvs.VmwareDistributedVirtualSwitch.VlanIdSpec(vlanId=vlan_id, inherited=False))
    spec = vim.dvs.DistributedVirtualPortgroup.ConfigSpec(name=name, type="earlyBinding", numPorts=8,
                                                         defaultPortConfig=port)
    run_task(dvs.AddDVPortgroup_Task([spec]))
    return named(si, vim.dvs.DistributedVirtualPortgroup, name)


def port_group_vlan(port_group):
    """The VLAN id a distributed port group carries (None for a trunk or none)."""
    vlan = port_group.config.defaultPortConfig.vlan
    return vlan.vlanId if isinstance(vlan, vim.dvs.VmwareDistributedVirtualSwitch.VlanIdSpec) else None


def terminate_other_sessions(si):
    """Ends every session but `si`'s own, as an administrator would; returns how many it ended."""
    manager = si.RetrieveContent().sessionManager
    own = manager.currentSession.key
    others = [s.key for s in manager.sessionList if s.key != own]
    if others:
        manager.TerminateSession(others)
    return len(others)


# --- the aggregator over it ---------------------------------------------------------------------

def write_vsphere_config(directory, name, vcsim, password=None, extra=""):
    """A configuration with one `vsphere` engine `name` on `vcsim`, its password in a private file."""
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    secret = directory / f"{name}.password"
    secret.write_text((password if password is not None else vcsim.password) + "\n")
    secret.chmod(0o600)
    config = directory / "backends.yaml"
    config.write_text("\n".join([
        "defaults:", "  request_timeout: 10s", "  connect_timeout: 2s", "backends:",
        f"  - name: {name}", "    type: vsphere", f"    url: {vcsim.url}", f"    username: {vcsim.username}",
        f"    password_file: {secret}", f"    ca_file: {vcsim.cert}"]) + "\n" + extra)
    return config


def serve(directory, name, vcsim, password=None, extra=""):
    """`aggregator serve` over one vsphere engine on `vcsim` (see ``integration_harness.Aggregator``)."""
    return Aggregator(write_vsphere_config(directory, name, vcsim, password=password, extra=extra))
