"""The aggregator's command line: check-config, export, trust."""
import json
import os
import subprocess
from pathlib import Path

import pytest

from integration_harness import AGGREGATOR, Simulator, write_config

ENV = {**os.environ, "TEST_OVIRT_PASSWORD": "admin"}


def run(*args, env=ENV, input=None):
    return subprocess.run([AGGREGATOR, *args], capture_output=True, text=True, env=env, timeout=120, input=input)


def test_check_config_reports_file_line_and_known_kinds(tmp_config):
    tmp_config.write_text("backends:\n  - name: a\n    type: vmware\n    url: https://a/\n    password_env: X\n")
    result = run("check-config", "--config", str(tmp_config))
    assert result.returncode == 78
    assert f"{tmp_config}:3:11: backends[0].type: unknown backend type 'vmware'" in result.stderr
    assert "ovirt" in result.stderr


def test_check_config_reports_each_kinds_own_options_without_contacting_engines(tmp_config):
    """Kind-specific `options:` are checked by the kind; check-config builds every backend (which
    contacts nothing: these engines do not exist) so a misspelt option shows before a start."""
    tmp_config.write_text(
        "backends:\n"
        "  - name: pve\n    type: proxmox\n    url: https://pve.invalid:8006/api2/json\n    password_env: X\n"
        "    options: {task_timout: 30m}\n"
        "  - name: vc\n    type: vsphere\n    url: https://vc.invalid/sdk\n    password_env: X\n"
        "    options:\n      task_poll_interval: soon\n")
    result = run("check-config", "--config", str(tmp_config), env={**ENV, "X": "secret"})
    assert result.returncode == 78, result
    assert f"{tmp_config}:6:15: options.task_timout: engine 'pve': unknown option 'task_timout'" in result.stderr
    assert "task_timeout" in result.stderr, "the fix lists the options the kind knows"
    assert f"{tmp_config}:12:" in result.stderr and "engine 'vc'" in result.stderr, result.stderr
    assert "OK" not in result.stdout


def test_check_config_missing_secret(tmp_config):
    tmp_config.write_text("backends:\n  - name: a\n    type: ovirt\n    url: https://a/\n    password_env: NOPE_PW\n")
    result = run("check-config", "--config", str(tmp_config))
    assert result.returncode == 78
    assert "NOPE_PW" in result.stderr


def test_check_config_probe(tmp_config):
    sim = Simulator(["e1", "e2"], vms=2)
    try:
        write_config(tmp_config, {"e1": sim.urls["e1"], "e2": sim.urls["e2"],
                                  "e3": "http://127.0.0.1:1/ovirt-engine/api"})
        result = run("check-config", "--config", str(tmp_config), "--probe")
        assert result.returncode == 1, result.stdout + result.stderr
        lines = result.stdout.splitlines()
        assert any(line.strip().startswith("e1  ok") and "4." in line for line in lines), result.stdout
        assert any(line.strip().startswith("e3  FAILED  connection_refused") for line in lines), result.stdout
    finally:
        sim.stop()


def test_export_is_atomic_and_fails_on_partial_unless_allowed(tmp_config, tmp_path):
    sim = Simulator(["e1"], vms=4)
    try:
        write_config(tmp_config, {"e1": sim.urls["e1"]})
        out = tmp_path / "vms.json"
        result = run("export", "vms", "--config", str(tmp_config), "--output", str(out))
        assert result.returncode == 0, result.stderr
        assert len(json.loads(out.read_text())["e1"]) == 4
        assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []

        write_config(tmp_config, {"e1": sim.urls["e1"], "down": "http://127.0.0.1:1/ovirt-engine/api"})
        good = out.read_text()
        result = run("export", "vms", "--config", str(tmp_config), "--output", str(out))
        assert result.returncode == 1
        assert "down" in result.stderr and "last good export is kept" in result.stderr
        assert out.read_text() == good, "a failed engine must not replace the last good export"
        result = run("export", "clusters", "--config", str(tmp_config), "--output", str(out), "--allow-partial")
        assert result.returncode == 0
        partial = json.loads(out.read_text())
        assert partial["e1"][0]["name"] == "Default"
        assert partial["_errors"]["down"]["error"] == "connection_refused"
    finally:
        sim.stop()


@pytest.fixture
def tls_files(tmp_path):
    cert, key = tmp_path / "engine.pem", tmp_path / "engine.key"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", str(key), "-out", str(cert),
                    "-days", "2", "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1"],
                   check=True, capture_output=True)
    return cert, key


def test_trust_fetches_the_ca_and_points_ca_file_at_it(tmp_path, tls_files):
    cert, key = tls_files
    sim = Simulator(["secure"], vms=2, extra=["--tls-cert", str(cert), "--tls-key", str(key)])
    try:
        url = sim.urls["secure"]
        assert url.startswith("https://")
        config = tmp_path / "backends.yaml"
        config.write_text("# engines\ndefaults:\n  password_env: TEST_OVIRT_PASSWORD\nbackends:\n"
                          f"  - name: secure  # the TLS one\n    type: ovirt\n    url: {url}\n    insecure: true\n")
        # Without the CA, verification fails with a hint.
        config_without = tmp_path / "plain.yaml"
        config_without.write_text(config.read_text().replace("    insecure: true\n", ""))
        probe = run("check-config", "--config", str(config_without), "--probe")
        assert probe.returncode == 1
        assert "tls" in probe.stdout.lower()

        expected = subprocess.run(["openssl", "x509", "-in", str(cert), "-noout", "-fingerprint", "-sha256"],
                                  capture_output=True, text=True, check=True).stdout.split("=", 1)[1].strip()
        refused = run("trust", "secure", "--config", str(config), input="n\n")
        assert refused.returncode == 1
        assert expected in refused.stdout
        assert "ca_file" not in config.read_text()

        result = run("trust", "secure", "--config", str(config), "--yes")
        assert result.returncode == 0, result.stdout + result.stderr
        assert expected in result.stdout
        text = config.read_text()
        assert "# the TLS one" in text and text.startswith("# engines")
        assert 'ca_file: "data/ca/secure.pem"' in text
        assert "insecure: false" in text
        stored = (tmp_path / "data/ca/secure.pem").read_text()
        assert stored.strip() == cert.read_text().strip()

        probe = run("check-config", "--config", str(config), "--probe")
        assert probe.returncode == 0, probe.stdout + probe.stderr
        assert "secure  ok" in probe.stdout
    finally:
        sim.stop()
