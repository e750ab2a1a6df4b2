"""Fixtures for the proxmoxer conformance suite against pve-sim.

Starts pve-sim (PVE_SIM_BIN, default .build/debug/pve-sim) with one cluster
on an ephemeral port over HTTPS (proxmoxer always speaks https), with a
self-signed certificate made by openssl and an API token with a fresh
secret, and stops it after the session.
"""
import os
import re
import signal
import subprocess
import tempfile
import time
import uuid
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]
LISTENING = re.compile(r"^(\S+) listening on (\S+)$", re.M)
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
    log = tempfile.NamedTemporaryFile(prefix="pve-sim-", suffix=".log", delete=False)
    args = [
        binary, "--engine", f"{CLUSTER}:0", "--nodes", "3", "--vms", "12", "--task-ms", "500", "--agent-ms", "100",
        "--tls-cert", str(cert), "--tls-key", str(key), "--token", f"{USER}!{TOKEN_NAME}={secret}",
    ]
    proc = subprocess.Popen(args, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    url = None
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        found = dict(LISTENING.findall(Path(log.name).read_text(errors="replace")))
        if CLUSTER in found:
            url = found[CLUSTER]
            break
        if proc.poll() is not None:
            break
        time.sleep(0.05)
    if url is None:
        os.killpg(proc.pid, signal.SIGKILL)
        raise RuntimeError("pve-sim did not start:\n" + Path(log.name).read_text(errors="replace"))
    host = url.split("//", 1)[1].split("/", 1)[0]
    try:
        yield {"url": url, "host": host, "token_secret": secret, "admin": f"https://{host}/__sim"}
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)


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
    """Follows a task until it has stopped (polling with a deadline) and returns its status."""
    from proxmoxer.tools import Tasks

    def follow(prox, upid, timeout=15):
        status = Tasks.blocking_status(prox, upid, timeout=timeout, polling_interval=0.02)
        assert status is not None, f"task {upid} did not stop within {timeout} s"
        return status

    return follow


@pytest.fixture
def wait_until():
    """Calls fetch() until predicate(result) holds or the deadline passes; returns the last result."""

    def poll(fetch, predicate, timeout=15):
        deadline = time.monotonic() + timeout
        result = fetch()
        while not predicate(result) and time.monotonic() < deadline:
            time.sleep(0.02)
            result = fetch()
        assert predicate(result), f"condition never held; last result: {result!r}"
        return result

    return poll
