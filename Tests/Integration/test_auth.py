"""Authentication with roles, cross-site refusals and the audit trail, against real processes on loopback."""
import http.client
import json
import os
import re
import subprocess
import urllib.error
import urllib.request

import pytest

from integration_harness import AGGREGATOR, ROOT, Aggregator, Simulator, free_port, wait_until, write_config

EXAMPLES = ROOT / "examples"


@pytest.fixture(scope="module")
def sim():
    simulator = Simulator(["e15-test"], vms=3, hosts=1)
    yield simulator
    simulator.stop()


def new_token(name, role):
    out = subprocess.run([AGGREGATOR, "token", "new", name, "--role", role], capture_output=True, text=True, timeout=30)
    assert out.returncode == 0, out.stderr
    token = re.search(r"^(vma_[A-Za-z0-9_-]{43})$", out.stdout, re.M).group(1)
    entry = re.search(r"^    - name: .*\n      role: .*\n      sha256: [0-9a-f]{64}$", out.stdout, re.M).group(0)
    return token, entry


def call(url, token=None, method="GET", body=None, headers=None):
    """Returns (status, headers, parsed JSON body)."""
    request = urllib.request.Request(url, data=body, method=method, headers=dict(headers or {}))
    if token:
        request.add_header("Authorization", f"Bearer {token}")
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, response.headers, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, error.headers, json.loads(error.read())


def test_tokens_from_the_token_command_grant_their_roles_and_denials_are_audited(sim, tmp_config):
    reader, reader_entry = new_token("ci-reader", "reader")
    operator, operator_entry = new_token("ci-operator", "operator")
    admin, admin_entry = new_token("auditor", "admin")
    hashed = subprocess.run([AGGREGATOR, "token", "hash"], input=admin + "\n", capture_output=True, text=True, timeout=30)
    assert hashed.stdout.strip() == admin_entry.rsplit("sha256: ", 1)[1]
    refused = subprocess.run([AGGREGATOR, "token", "new", "ci", "--role", "root"], capture_output=True, text=True, timeout=30)
    assert refused.returncode != 0 and "unknown role 'root'" in refused.stderr
    write_config(tmp_config, sim.urls, extra="auth:\n  tokens:\n" + "\n".join([reader_entry, operator_entry, admin_entry]) + "\n")
    aggregator = Aggregator(tmp_config)
    try:
        base = aggregator.base
        vlan = (EXAMPLES / "create_vlan.json").read_bytes()
        json_type = {"Content-Type": "application/json"}

        assert call(base + "/health")[0] == 200
        # Ready once every engine was read: checked each time the aggregator logs work of its own.
        wait_until(lambda: call(base + "/ready")[0] == 200, aggregator, timeout=60)
        status, headers, body = call(base + "/api/v1/vms")
        assert status == 401 and headers["WWW-Authenticate"].startswith("Bearer")
        assert body["error"]["code"] == "unauthorized" and body["error"]["fix"]
        assert call(base + "/ovirt/vm_list", token="vma_" + "x" * 43)[0] == 401

        assert call(base + "/ovirt/vm_list", token=reader)[0] == 200
        status, _, body = call(base + "/ovirt/create_vlan?dry_run=true", reader, "POST", vlan, json_type)
        assert status == 403 and "operator role" in body["error"]["message"]
        status, _, body = call(base + "/ovirt/create_vlan?dry_run=true", operator, "POST", vlan, json_type)
        assert status == 200 and body["dry_run"] is True
        assert call(base + "/api/v1/audit", operator)[0] == 403

        status, _, audit = call(base + "/api/v1/audit?limit=10", admin)
        assert status == 200
        outcomes = [(e["who"], e["outcome"], e["status"]) for e in audit["entries"]]
        assert outcomes == [("ci-operator", "denied", 403), ("ci-operator", "dry_run", 200),
                            ("ci-reader", "denied", 403), ("-", "denied", 401), ("-", "denied", 401)]
        assert audit["entries"][1]["items"][0]["document_num"] == "6666"
        assert audit["entries"][1]["peer"].startswith("127.0.0.1:")
        log = aggregator.output()
        for token in (reader, operator, admin):
            assert token not in log and token not in json.dumps(audit)
    finally:
        aggregator.stop()


def test_serve_and_demo_refuse_a_non_loopback_address_without_authentication(sim, tmp_config):
    write_config(tmp_config, sim.urls)
    for command in (["serve", "--config", str(tmp_config)], ["demo", "--config", str(tmp_config)]):
        out = subprocess.run([AGGREGATOR, *command, "--host", "0.0.0.0", "--port", str(free_port())],
                             capture_output=True, text=True, timeout=60, env={**os.environ, "TEST_OVIRT_PASSWORD": "admin"})
        assert out.returncode == 78, out.stderr
        assert "refusing to listen on 0.0.0.0 without authentication" in out.stderr
        assert "--insecure-no-auth" in out.stderr


def test_without_authentication_cross_site_and_rebinding_requests_cannot_act(sim, tmp_config):
    write_config(tmp_config, sim.urls)
    aggregator = Aggregator(tmp_config)
    try:
        base = aggregator.base
        vlan = (EXAMPLES / "create_vlan.json").read_bytes()
        # A page on another site posting text/plain (no preflight) from the operator's browser.
        status, headers, body = call(base + "/ovirt/create_vlan", method="POST", body=vlan,
                                     headers={"Content-Type": "text/plain", "Origin": "http://evil.example"})
        assert status == 403 and body["error"]["code"] == "cross_site_request"
        assert "Access-Control-Allow-Origin" not in headers
        status, _, body = call(base + "/ovirt/create_vlan", method="POST", body=vlan,
                               headers={"Content-Type": "text/plain", "Sec-Fetch-Site": "cross-site"})
        assert status == 403 and body["error"]["code"] == "cross_site_request"

        # A page whose own name was rebound to 127.0.0.1 sends its own name as Host.
        connection = http.client.HTTPConnection("127.0.0.1", aggregator.port, timeout=30)
        connection.putrequest("GET", "/api/v1/vms", skip_host=True)
        connection.putheader("Host", f"attacker.example:{aggregator.port}")
        connection.endheaders()
        response = connection.getresponse()
        assert response.status == 403
        assert json.loads(response.read())["error"]["code"] == "untrusted_host"
        connection.close()

        status, _, audit = call(base + "/api/v1/audit?outcome=denied")
        assert status == 200 and [e["code"] for e in audit["entries"]] == [
            "untrusted_host", "cross_site_request", "cross_site_request"]
        assert call(base + "/api/v1/jobs")[0] == 200  # clients such as curl still work
    finally:
        aggregator.stop()
