"""Hostile and careless clients and engines against a built aggregator, on loopback: idle and slow
connections, an engine with an endless body, a crash during a create, a CA bundle, file modes.
Every probe is bounded in time and in connections."""
import http.server
import json
import os
import select
import socket
import stat
import subprocess
import threading
import time
from pathlib import Path

import pytest

from integration_harness import (AGGREGATOR, ROOT, Aggregator, Simulator, get_json, send_json, wait_until,
                                 write_config)

ENV = {**os.environ, "TEST_OVIRT_PASSWORD": "admin"}
# How slowly a slowloris client sends: one byte per connection every SLOW_PACE seconds.
SLOW_PACE = 0.2


def connect(port):
    sock = socket.create_connection(("127.0.0.1", port), timeout=5)
    sock.setblocking(False)
    return sock


def closed_by_server(sock):
    """True once the server closed the connection (EOF or reset); reads and drops any answer."""
    try:
        while True:
            readable, _, _ = select.select([sock], [], [], 0)
            if not readable:
                return False
            if not sock.recv(65536):
                return True
    except (ConnectionResetError, BrokenPipeError):
        return True


def wait_for_closes(sockets, count, timeout):
    """Blocks in select() on the sockets until the server closed at least `count` of them (EOF or
    reset; answers are read and dropped); returns how many it closed. Fails after `timeout` s."""
    deadline = time.monotonic() + timeout
    open_ones = list(sockets)
    closed = 0
    while closed < count:
        remaining = deadline - time.monotonic()
        assert remaining > 0, f"the server closed {closed} of {len(sockets)} connections, not {count}, in {timeout} s"
        readable, _, _ = select.select(open_ones, [], [], remaining)
        for sock in readable:
            if closed_by_server(sock):
                open_ones.remove(sock)
                closed += 1
    return closed


def health(base, timeout=5):
    status, body = get_json(base + "/health", timeout=timeout)
    return status == 200


def open_fds(pid):
    return len(os.listdir(f"/proc/{pid}/fd"))


def rss_mb(pid):
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0


@pytest.fixture
def engine():
    sim = Simulator(["e15-test"], vms=5, hosts=2)
    try:
        yield sim
    finally:
        sim.stop()


def serve(tmp_config, sim, server_keys):
    write_config(tmp_config, sim.urls, extra="server:\n" + "".join(f"  {k}: {v}\n" for k, v in server_keys.items()))
    return Aggregator(tmp_config)


def test_more_idle_connections_than_max_connections_leave_health_answering(engine, tmp_config):
    aggregator = serve(tmp_config, engine, {"max_connections": 50})
    sockets = []
    try:
        for _ in range(300):
            sockets.append(connect(aggregator.port))
        assert health(aggregator.base)
        # The longest idle connections were closed to make room: the process holds about the limit.
        wait_for_closes(sockets, 240, timeout=60)
        assert open_fds(aggregator.proc.pid) < 50 + 100
    finally:
        for s in sockets:
            s.close()
        aggregator.stop()


def test_idle_connections_are_closed_after_idle_timeout(engine, tmp_config):
    aggregator = serve(tmp_config, engine, {"idle_timeout": "2s"})
    sockets = []
    try:
        for _ in range(50):
            sockets.append(connect(aggregator.port))
        started = time.monotonic()
        wait_for_closes(sockets, len(sockets), timeout=60)
        assert time.monotonic() - started >= 1.5
        assert health(aggregator.base)
    finally:
        for s in sockets:
            s.close()
        aggregator.stop()


def test_slowloris_clients_are_answered_408_and_closed(engine, tmp_config):
    aggregator = serve(tmp_config, engine, {"header_timeout": "1s", "idle_timeout": "30s"})
    request = b"GET /health HTTP/1.1\r\nHost: localhost\r\nX-Slow: " + b"a" * 100
    sockets = [connect(aggregator.port) for _ in range(30)]
    answers = {id(s): b"" for s in sockets}
    try:
        started = time.monotonic()
        open_ones = list(sockets)
        for index in range(len(request)):
            for s in list(open_ones):
                try:
                    s.send(request[index:index + 1])
                except (BrokenPipeError, ConnectionResetError):
                    open_ones.remove(s)
            assert health(aggregator.base, timeout=5), "health must answer while the slow clients send"
            # The clients send one byte every SLOW_PACE s; until the next one is due, block on the
            # server's answers and closes.
            next_byte = time.monotonic() + SLOW_PACE
            while open_ones and next_byte > time.monotonic():
                readable, _, _ = select.select(open_ones, [], [], next_byte - time.monotonic())
                for s in readable:
                    try:
                        data = s.recv(65536)
                    except ConnectionResetError:
                        data = b""
                    answers[id(s)] += data
                    if not data:
                        open_ones.remove(s)
            if not open_ones:
                break
        assert not open_ones, "every slow client was cut off"
        assert time.monotonic() - started < 20
        assert any(a.startswith(b"HTTP/1.1 408") and b"header_timeout" in a for a in answers.values())
    finally:
        for s in sockets:
            s.close()
        aggregator.stop()


class EndlessBody(http.server.BaseHTTPRequestHandler):
    """An engine that answers every request with a body that never ends."""

    def endless(self):
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        chunk = b"[" + b"0," * 32768
        try:
            while True:
                self.wfile.write(chunk)
        except (BrokenPipeError, ConnectionResetError):
            pass

    do_GET = do_POST = endless

    def log_message(self, *args):
        pass


def test_engine_with_an_endless_body_is_a_per_engine_error(engine, tmp_config):
    bad = http.server.ThreadingHTTPServer(("127.0.0.1", 0), EndlessBody)
    bad.daemon_threads = True
    threading.Thread(target=bad.serve_forever, daemon=True).start()
    aggregator = None
    try:
        engines = {**engine.urls, "endless": f"http://127.0.0.1:{bad.server_address[1]}/ovirt-engine/api"}
        write_config(tmp_config, engines)
        text = tmp_config.read_text().replace("  connect_timeout: 2s\n", "  connect_timeout: 2s\n  max_response_bytes: 4194304\n")
        tmp_config.write_text(text)
        aggregator = Aggregator(tmp_config)

        def answered():
            status, body = get_json(aggregator.base + "/ovirt/vm_list", timeout=30)
            return body if status == 200 and "endless" in body.get("_errors", {}) else None

        body = wait_until(answered, aggregator, timeout=60)
        assert len(body["e15-test"]) == 5
        error = body["_errors"]["endless"]
        assert error["error"] == "response_too_large"
        assert "max_response_bytes" in error["message"] and "4194304 bytes" in error["message"]
        assert rss_mb(aggregator.proc.pid) < 300
        assert health(aggregator.base)
    finally:
        if aggregator:
            aggregator.stop()
        bad.shutdown()
        bad.server_close()


def create_item():
    return json.loads((ROOT / "examples" / "create_vm.json").read_text())


@pytest.mark.parametrize("stop", ["kill -9", "SIGTERM"])
def test_a_stop_during_create_vm_keeps_the_vm_id_and_the_repost_names_the_job(tmp_config, stop):
    sim = Simulator(["e15-test"], vms=3, hosts=2, extra=["--async-ms", "4000"])
    aggregator = None
    try:
        write_config(tmp_config, sim.urls)
        aggregator = Aggregator(tmp_config)
        status, body = send_json(aggregator.base + "/ovirt/create_vm", create_item())
        assert status == 202, body
        job_id = body["jobs"][0]["id"]

        def vm_id_on_record():
            _, job = get_json(f"{aggregator.base}/api/v1/jobs/{job_id}")
            step = next((s for s in job["steps"] if s["name"] == "create_vm"), None)
            return step and step["state"] == "running" and step["engine_ids"].get("vm_id")

        vm_id = wait_until(vm_id_on_record, aggregator, timeout=120)
        # While the VM's disks are still locked.
        if stop == "kill -9":
            aggregator.kill()
        aggregator.stop()
        aggregator = Aggregator(tmp_config)

        _, job = get_json(f"{aggregator.base}/api/v1/jobs/{job_id}")
        assert job["state"] == "interrupted"
        step = next(s for s in job["steps"] if s["name"] == "create_vm")
        assert step["engine_ids"]["vm_id"] == vm_id

        status, body = send_json(aggregator.base + "/ovirt/create_vm", create_item())
        assert status == 422, body
        issue = next(i for i in body["issues"] if i["path"].endswith("vm.name"))
        assert vm_id in issue["message"] and job_id in issue["message"], issue
        assert f"/api/v1/jobs/{job_id}" in issue["fix"]
    finally:
        if aggregator:
            aggregator.stop()
        sim.stop()


def test_job_database_and_data_directory_are_private(engine, tmp_config):
    aggregator = serve(tmp_config, engine, {})
    try:
        data = tmp_config.parent / "data"
        assert stat.S_IMODE((data / "jobs.sqlite").stat().st_mode) == 0o600
        assert stat.S_IMODE(data.stat().st_mode) == 0o700
    finally:
        aggregator.stop()


CERT_A = """-----BEGIN CERTIFICATE-----
MIIBfDCCASOgAwIBAgIUAf4h7nqR8wwhVpWUEc+PE/zxgoYwCgYIKoZIzj0EAwIw
FDESMBAGA1UEAwwJdGVzdC1jYS1hMB4XDTI2MTEyOTAwNDIwOFoXDTM2MTEyNjAw
NDIwOFowFDESMBAGA1UEAwwJdGVzdC1jYS1hMFkwEwYHKoZIzj0CAQYIKoZIzj0D
AQcDQgAEvIBwhvCMNZ/PCb0Z9bdO444eRcWn58XV847btIQ0CGM/v6tdzoiDy2mp
eyGYuqVHYp34hdAveHPbTlGBfceuCaNTMFEwHQYDVR0OBBYEFFsFEpko2IJSaXz2
AQqQF1VCyipOMB8GA1UdIwQYMBaAFFsFEpko2IJSaXz2AQqQF1VCyipOMA8GA1Ud
EwEB/wQFMAMBAf8wCgYIKoZIzj0EAwIDRwAwRAIgDPIVv4ULvhPNkEFp1eW/MiUy
wQexTSEGTHz6WoShw9gCIAbeP8OsemDSaEXnytS/sqw+3b2CsoOOc1a/CWubyz1M
-----END CERTIFICATE-----
"""
CERT_B = """-----BEGIN CERTIFICATE-----
MIIBfTCCASOgAwIBAgIUEHOw3uSoB/y1jD+kEXBq651ZggEwCgYIKoZIzj0EAwIw
FDESMBAGA1UEAwwJdGVzdC1jYS1iMB4XDTI2MTEyOTAwNDIwOFoXDTM2MTEyNjAw
NDIwOFowFDESMBAGA1UEAwwJdGVzdC1jYS1iMFkwEwYHKoZIzj0CAQYIKoZIzj0D
AQcDQgAEfTVGWbfOdaCX7tWP7Y9v0IiUtDkc4Lj5qxaJmH1fgg25tfJ5aD9E+otk
u9z5/si7tZ4zso1rWsK+w/snUE6YzaNTMFEwHQYDVR0OBBYEFKRvgdbXLymRVp0q
nLsM5GIq0Q5eMB8GA1UdIwQYMBaAFKRvgdbXLymRVp0qnLsM5GIq0Q5eMA8GA1Ud
EwEB/wQFMAMBAf8wCgYIKoZIzj0EAwIDSAAwRQIgBm1ck+wReHKNVnKL3ptlK7RU
GNLUN9zrcvzneHul94ICIQDWHQS120YxOGgOnAEQMIzPz3kkxG6k++5XKX+Vkbsl
TQ==
-----END CERTIFICATE-----
"""
FINGERPRINT_A = "7A:08:31:FF:C8:C2:8E:3F:C9:3C:4B:A9:D4:4C:0A:F0:BA:EE:E2:C8:01:3C:90:1D:83:44:EB:35:DC:95:2A:83"
FINGERPRINT_B = "EF:51:91:38:73:A8:05:87:10:EB:ED:38:8C:81:66:C8:D8:58:C9:22:00:06:43:DA:52:B1:66:C9:66:45:7E:DE"


class BundleServer(http.server.BaseHTTPRequestHandler):
    """An engine whose pki-resource serves a bundle of two CA certificates with text around them."""

    def do_GET(self):
        body = ("leading text\n" + CERT_A + "between\n" + CERT_B).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/x-pem-file")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


def test_trust_refuses_a_bundle_and_writes_exactly_the_chosen_certificate(tmp_path):
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), BundleServer)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        config = tmp_path / "backends.yaml"
        url = f"http://127.0.0.1:{server.server_address[1]}/ovirt-engine/api"
        config.write_text(f"defaults:\n  password_env: TEST_OVIRT_PASSWORD\nbackends:\n"
                          f"  - name: bundled\n    type: ovirt\n    url: {url}\n")
        os.chmod(config, 0o640)

        def trust(*args):
            return subprocess.run([AGGREGATOR, "trust", "bundled", "--config", str(config), *args],
                                  capture_output=True, text=True, env=ENV, timeout=60)

        refused = trust("--yes")
        assert refused.returncode == 1
        assert "2 certificates (a bundle)" in refused.stderr
        assert FINGERPRINT_A in refused.stderr and FINGERPRINT_B in refused.stderr
        assert "--certificate" in refused.stderr
        assert not (tmp_path / "data").exists()
        assert "ca_file" not in config.read_text()

        chosen = trust("--certificate", "2", "--yes")
        assert chosen.returncode == 0, chosen.stdout + chosen.stderr
        assert FINGERPRINT_B in chosen.stdout and FINGERPRINT_A not in chosen.stdout
        stored = tmp_path / "data" / "ca" / "bundled.pem"
        assert stored.read_text() == CERT_B
        assert stat.S_IMODE(stored.stat().st_mode) == 0o600
        assert stat.S_IMODE(stored.parent.stat().st_mode) == 0o700
        assert stat.S_IMODE(config.stat().st_mode) == 0o640, "the configuration keeps its own mode"
        assert 'ca_file: "data/ca/bundled.pem"' in config.read_text()
    finally:
        server.shutdown()
        server.server_close()
