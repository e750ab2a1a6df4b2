"""Fixtures for the ovirtsdk4 conformance suite.

The engines under test come from OVIRT_SIM_ENGINES ("name=url,name=url"), as
scripts/sdk-conformance.sh sets it after starting ovirt-sim. Without it, the
suite starts ovirt-sim itself (OVIRT_SIM_BIN, default .build/debug/ovirt-sim)
with two engines on ephemeral ports and stops it afterwards.
"""
import os
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "Tests" / "Integration"))
from integration_harness import Simulator  # noqa: E402

ENGINE_NAMES = ("e15-test", "e15")
VM_COUNT = int(os.environ.get("OVIRT_SIM_VMS", "20"))
HOST_COUNT = int(os.environ.get("OVIRT_SIM_HOSTS", "3"))


@pytest.fixture(scope="session")
def engines():
    """Maps engine name to API URL."""
    configured = os.environ.get("OVIRT_SIM_ENGINES")
    if configured:
        yield dict(item.split("=", 1) for item in configured.split(","))
        return
    # Ready once it printed '<name> listening on <url>' for every engine.
    sim = Simulator(ENGINE_NAMES, vms=VM_COUNT, hosts=HOST_COUNT,
                    extra=["--async-ms", os.environ.get("OVIRT_SIM_ASYNC_MS", "50")])
    try:
        yield dict(sim.urls)
    finally:
        sim.stop()


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
