"""Fixtures for the proxmoxer conformance suite against pve-sim.

Starts pve-sim (PVE_SIM_BIN, default .build/debug/pve-sim) with one cluster
on an ephemeral port over HTTPS (proxmoxer always speaks https), with a
self-signed certificate made by openssl and an API token with a fresh
secret, and stops it after the session.
"""
import os
import subprocess
import uuid
from pathlib import Path

import pytest

from integration_harness import Process  # on the path through ../conftest.py

ROOT = Path(__file__).resolve().parents[3]
# Longer than any session: the guest agent of a VM started here answers only when a test says so
# (POST /__sim/vms/N/agent).
AGENT_NEVER_MS = 24 * 3600 * 1000
CLUSTER = "pve-conformance"
USER = "root@pam"
PASSWORD = "admin"
TOKEN_NAME = "aggregator"


def pytest_configure(config):
    # The simulator's certificate is self-signed; the clients are told not to verify it.
    config.addinivalue_line("filterwarnings", "ignore::urllib3.exceptions.InsecureRequestWarning")


def _certificate(directory):
    cert, key = directory / "cert.pem", directory / "key.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", str(key), "-out", str(cert),
         "-days", "1", "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1"],
        check=True, capture_output=True,
    )
    return cert, key


@pytest.fixture(scope="session")
def pve_sim(tmp_path_factory):
    """Maps `url`, `host` (HOST:PORT), `token_secret` and `admin` (the /__sim base URL)."""
    binary = os.environ.get("PVE_SIM_BIN", str(ROOT / ".build/debug/pve-sim"))
    directory = tmp_path_factory.mktemp("pve-sim")
    cert, key = _certificate(directory)
    secret = str(uuid.uuid4())
    args = [
        binary, "--engine", f"{CLUSTER}:0", "--nodes", "3", "--vms", "12", "--task-ms", "500",
        "--agent-ms", str(AGENT_NEVER_MS),
        "--tls-cert", str(cert), "--tls-key", str(key), "--token", f"{USER}!{TOKEN_NAME}={secret}",
    ]
    sim = Process(args, name="pve-sim")
    try:
        # Ready once it printed '<name> listening on <url>'.
        url = sim.wait_for(rf"^{CLUSTER} listening on (\S+)$", timeout=120).group(1)
        host = url.split("//", 1)[1].split("/", 1)[0]
        yield {"url": url, "host": host, "token_secret": secret, "admin": f"https://{host}/__sim"}
    finally:
        sim.stop()


@pytest.fixture
def pve(pve_sim):
    """proxmoxer logged in with user and password (ticket and CSRF token)."""
    from proxmoxer import ProxmoxAPI

    return ProxmoxAPI(pve_sim["host"], user=USER, password=PASSWORD, verify_ssl=False, timeout=10)


@pytest.fixture
def pve_token(pve_sim):
    """proxmoxer authenticated by API token."""
    from proxmoxer import ProxmoxAPI

    return ProxmoxAPI(
        pve_sim["host"], user=USER, token_name=TOKEN_NAME, token_value=pve_sim["token_secret"], verify_ssl=False, timeout=10
    )


@pytest.fixture
def sim_admin(pve_sim):
    """Calls the simulator's /__sim admin routes: sim_admin("POST", "/faults", {...})."""
    import requests

    def call(method, path, body=None):
        response = requests.request(method, pve_sim["admin"] + path, json=body, verify=False, timeout=10)
        assert response.status_code < 300, response.text
        return response.json()

    yield call
    requests.delete(pve_sim["admin"] + "/faults", verify=False, timeout=10)
    requests.delete(pve_sim["admin"] + "/tasks/fail", verify=False, timeout=10)


@pytest.fixture
def wait_task():
    """Follows a task until it has stopped and returns its status: proxmoxer's own wait, which reads
    the task's status as every Proxmox client must (the API has no push)."""
    from proxmoxer.tools import Tasks

    def follow(prox, upid, timeout=120):
        status = Tasks.blocking_status(prox, upid, timeout=timeout, polling_interval=0.02)
        assert status is not None, f"task {upid} did not stop within {timeout} s"
        return status

    return follow
