"""Fixtures for the ovirtsdk4 conformance suite.

The engines under test come from OVIRT_SIM_ENGINES ("name=url,name=url"), as
scripts/sdk-conformance.sh sets it after starting ovirt-sim. Without it, the
suite starts ovirt-sim itself (OVIRT_SIM_BIN, default .build/debug/ovirt-sim)
with two engines on ephemeral ports and stops it afterwards.
"""
import os
import re
import signal
import subprocess
import tempfile
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
LISTENING = re.compile(r"^(\S+) listening on (\S+)$", re.M)
ENGINE_NAMES = ("e15-test", "e15")
VM_COUNT = int(os.environ.get("OVIRT_SIM_VMS", "20"))
HOST_COUNT = int(os.environ.get("OVIRT_SIM_HOSTS", "3"))


def _start_simulator():
    binary = os.environ.get("OVIRT_SIM_BIN", str(ROOT / ".build/debug/ovirt-sim"))
    log = tempfile.NamedTemporaryFile(prefix="ovirt-sim-", suffix=".log", delete=False)
    args = [binary, "--vms", str(VM_COUNT), "--hosts", str(HOST_COUNT), "--async-ms", os.environ.get("OVIRT_SIM_ASYNC_MS", "50")]
    for name in ENGINE_NAMES:
        args += ["--engine", f"{name}:0"]
    proc = subprocess.Popen(args, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        found = dict(LISTENING.findall(Path(log.name).read_text(errors="replace")))
        if all(name in found for name in ENGINE_NAMES):
            return proc, found
        if proc.poll() is not None:
            break
        time.sleep(0.05)
    os.killpg(proc.pid, signal.SIGKILL)
    raise RuntimeError("ovirt-sim did not start:\n" + Path(log.name).read_text(errors="replace"))


@pytest.fixture(scope="session")
def engines():
    """Maps engine name to API URL."""
    configured = os.environ.get("OVIRT_SIM_ENGINES")
    if configured:
        yield dict(item.split("=", 1) for item in configured.split(","))
        return
    proc, found = _start_simulator()
    try:
        yield found
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)


@pytest.fixture(scope="session")
def engine_url(engines):
    return engines["e15-test"]


@pytest.fixture
def connection(engine_url):
    import ovirtsdk4 as sdk

    conn = sdk.Connection(url=engine_url, username="admin@internal", password="admin", insecure=True)
    try:
        yield conn
    finally:
        conn.close()
