"""Hardening against hostile clients and careless deployments, on real processes on loopback:
engine logins bounded whatever the request rate, a quiet /ready, forwarding headers believed only
from trusted proxies, the Host check under --insecure-no-auth, and the process metrics."""
import http.client
import json
import socket
import subprocess
import threading
import time
import urllib.error
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from integration_harness import AGGREGATOR, Aggregator, Process, Simulator, serving_base, write_config

SERVICE_USER = "svc-vma@internal"


class RefusingSSO:
    """An oVirt engine whose SSO refuses every login, counting the attempts."""

    def __init__(self):
        owner = self
        self.logins = 0
        self.lock = threading.Lock()

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_POST(self):
                self.rfile.read(int(self.headers.get("Content-Length") or 0))
                if self.path.startswith("/ovirt-engine/sso/oauth/token"):
                    with owner.lock:
                        owner.logins += 1
                    body = json.dumps({"error_code": "access_denied",
                                       "error": f"Cannot authenticate user '{SERVICE_USER}': wrong password"}).encode()
                    self.send_response(401)
                else:
                    body = b"{}"
                    self.send_response(404)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            do_GET = do_POST

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/ovirt-engine/api"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def count(self):
        with self.lock:
            return self.logins

    def stop(self):
        self.server.shutdown()
        self.server.server_close()


def new_token(name, role):
    out = subprocess.run([AGGREGATOR, "token", "new", name, "--role", role], capture_output=True, text=True, timeout=30)
    assert out.returncode == 0, out.stderr
    lines = out.stdout.splitlines()
    token = next(line for line in lines if line.startswith("vma_"))
    start = next(i for i, line in enumerate(lines) if line.startswith("    - name: "))
    return token, "\n".join(lines[start:start + 3])


def call(url, token=None, headers=None, method="GET", body=None):
    """Returns (status, headers, parsed JSON body or text)."""
    request = urllib.request.Request(url, method=method, data=body, headers=dict(headers or {}))
    if token:
        request.add_header("Authorization", f"Bearer {token}")
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            raw, status, answer_headers = response.read(), response.status, response.headers
    except urllib.error.HTTPError as error:
        raw, status, answer_headers = error.read(), error.code, error.headers
    try:
        return status, answer_headers, json.loads(raw)
    except ValueError:
        return status, answer_headers, raw.decode()


def test_an_engine_refusing_every_login_is_asked_a_handful_of_times_whatever_the_request_rate(tmp_config):
    engine = RefusingSSO()
    reader, entry = new_token("dashboard", "reader")
    lines = ["defaults:", f"  username: {SERVICE_USER}", "  password_env: TEST_OVIRT_PASSWORD",
             "  request_timeout: 10s", "  connect_timeout: 2s", "backends:",
             "  - name: locked", "    type: ovirt", f"    url: {engine.url}", "auth:", "  tokens:", entry]
    tmp_config.write_text("\n".join(lines) + "\n")
    aggregator = Aggregator(tmp_config)
    try:
        base = aggregator.base
        # 8 clients: 50 engine probes and 50 forced full reads in all, as a dashboard left open would.
        paths = ["/api/v1/backends", "/api/v1/vms?refresh=true"] * 50
        failures = []

        def client(share):
            for path in share:
                status, _, body = call(base + path, reader)
                if status not in (200, 502):
                    failures.append((path, status, body))

        threads = [threading.Thread(target=client, args=(paths[i::8],)) for i in range(8)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=120)
        assert not failures, failures[:3]
        assert engine.count() <= 4, f"{engine.count()} logins for 100 requests"

        # Readers see why; the error names the service account.
        status, _, backends = call(base + "/api/v1/backends", reader)
        assert status == 200 and backends["items"][0]["status"]["error"] == "unauthorized"
        assert SERVICE_USER in backends["items"][0]["status"]["message"]

        # /ready needs no token and says only ready or not, ok/stale and counts.
        status, _, ready = call(base + "/ready")
        assert status == 200 and ready["status"] == "ready", ready
        assert ready["counts"] == {"engines": 1, "ok": 0, "stale": 1}
        assert [(e["name"], e["ok"]) for e in ready["engines"]] == [("locked", False)]
        text = json.dumps(ready)
        assert SERVICE_USER not in text and "127.0.0.1" not in text and "error" not in text, text
        assert engine.count() <= 4
    finally:
        aggregator.stop()
        engine.stop()


@pytest.fixture(scope="module")
def sim():
    simulator = Simulator(["e15-test"], vms=3, hosts=1)
    yield simulator
    simulator.stop()


def test_refresh_true_reads_an_engine_at_most_once_per_interval_and_says_so(sim, tmp_config):
    write_config(tmp_config, sim.urls, extra="")
    text = tmp_config.read_text().replace("  connect_timeout: 2s\n", "  connect_timeout: 2s\n  refresh_min_interval: 1h\n")
    tmp_config.write_text(text)
    aggregator = Aggregator(tmp_config)
    try:
        status, _, first = call(aggregator.base + "/api/v1/vms?refresh=true")
        assert status == 200 and first["engines"][0]["refresh"] == "read"
        status, _, second = call(aggregator.base + "/api/v1/vms?refresh=true")
        assert status == 200 and second["engines"][0]["refresh"] == "recent"
        assert "refresh" not in call(aggregator.base + "/api/v1/vms")[2]["engines"][0]
        # Probes are shared: the second answer comes from memory and says how old it is.
        call(aggregator.base + "/api/v1/backends")
        status, _, backends = call(aggregator.base + "/api/v1/backends")
        assert status == 200 and "cached_age_ms" in backends["items"][0]["status"]
    finally:
        aggregator.stop()


def test_forwarding_headers_name_the_client_only_from_trusted_proxies(sim, tmp_config):
    admin, entry = new_token("auditor", "admin")
    for trusted in (True, False):
        extra = "server:\n  trusted_proxies: [10.0.0.0/8, 127.0.0.1]\n" if trusted else ""
        write_config(tmp_config, sim.urls, extra=extra + "auth:\n  tokens:\n" + entry + "\n")
        aggregator = Aggregator(tmp_config)
        try:
            base = aggregator.base
            # A client that forges its own X-Forwarded-For is seen as the address the proxy appended.
            status, _, _ = call(base + "/api/v1/vms", "vma_wrong",
                                headers={"X-Forwarded-For": "198.51.100.1, 203.0.113.7, 10.1.2.3"})
            assert status == 401
            status, _, _ = call(base + "/api/v1/vms", "vma_wrong",
                                headers={"Forwarded": 'for="[2001:db8::5]:4711";proto=https'})
            assert status == 401
            status, _, audit = call(base + "/api/v1/audit?outcome=denied", admin)
            peers = [e["peer"] for e in audit["entries"]][:2]  # newest first; the file outlives the server
            if trusted:
                assert peers == ["[2001:db8::5]", "203.0.113.7"], peers
                aggregator.wait_for(r"client\.address=203\.0\.113\.7\b")  # the line may follow the answer
            else:
                assert all(p.startswith("127.0.0.1:") for p in peers) and len(peers) == 2, peers
        finally:
            aggregator.stop()


def test_without_authentication_a_request_passed_on_by_a_proxy_is_refused(sim, tmp_config):
    write_config(tmp_config, sim.urls)
    aggregator = Aggregator(tmp_config)
    try:
        for header in ({"X-Forwarded-For": "203.0.113.7"}, {"Forwarded": "for=203.0.113.7"}, {"X-Real-IP": "203.0.113.7"}):
            status, _, body = call(aggregator.base + "/api/v1/vms", headers=header)
            assert status == 403 and body["error"]["code"] == "proxy_without_auth", body
            assert "auth" in body["error"]["fix"]
        assert call(aggregator.base + "/health", headers={"X-Forwarded-For": "203.0.113.7"})[0] == 200
        assert call(aggregator.base + "/api/v1/vms")[0] == 200
    finally:
        aggregator.stop()


def raw_request(port, request):
    """Sends raw bytes; returns (status, head, body), reading the body by its Content-Length."""
    with socket.create_connection(("127.0.0.1", port), timeout=30) as connection:
        connection.sendall(request)
        data = b""
        while b"\r\n\r\n" not in data:
            chunk = connection.recv(65536)
            assert chunk, data
            data += chunk
        head, _, body = data.partition(b"\r\n\r\n")
        length = int(next(line.split(b":")[1] for line in head.split(b"\r\n") if line.lower().startswith(b"content-length:")))
        while len(body) < length:
            chunk = connection.recv(65536)
            assert chunk, body
            body += chunk
    return int(head.split(b" ")[1]), head.decode(), body


def test_insecure_no_auth_keeps_the_host_check_and_says_so_on_stdout(sim, tmp_config):
    write_config(tmp_config, sim.urls, extra="server:\n  allowed_hosts: [vma.example.org]\n")
    server = Process([AGGREGATOR, "serve", "--config", str(tmp_config), "--host", "0.0.0.0", "--port", "0",
                      "--insecure-no-auth"], env={"TEST_OVIRT_PASSWORD": "admin"}, name="aggregator")
    try:
        _, port = serving_base(server)
        server.wait_for("WARNING: serving WITHOUT AUTHENTICATION on 0.0.0.0")

        def get(host):
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            connection.putrequest("GET", "/api/v1/vms", skip_host=True)
            connection.putheader("Host", host)
            connection.endheaders()
            response = connection.getresponse()
            answer = (response.status, json.loads(response.read()))
            connection.close()
            return answer

        status, body = get(f"attacker.example:{port}")
        assert status == 403 and body["error"]["code"] == "untrusted_host"
        assert get(f"vma.example.org:{port}")[0] == 200
        assert get(f"127.0.0.1:{port}")[0] == 200
        # HTTP/1.0 without Host was let through before.
        status, _, body = raw_request(port, b"GET /api/v1/vms HTTP/1.0\r\n\r\n")
        assert status == 403 and json.loads(body)["error"]["code"] == "untrusted_host"
        assert raw_request(port, b"GET /health HTTP/1.0\r\n\r\n")[0] == 200
    finally:
        server.stop()


def test_metrics_export_the_standard_process_metrics(sim, tmp_config):
    write_config(tmp_config, sim.urls)
    aggregator = Aggregator(tmp_config)
    try:
        status, headers, text = call(aggregator.base + "/metrics")
        assert status == 200
        values = {}
        for line in text.splitlines():
            if line.startswith("process_"):
                name, value = line.split(" ")
                values[name] = float(value)
        assert set(values) >= {"process_cpu_seconds_total", "process_resident_memory_bytes", "process_open_fds",
                               "process_max_fds", "process_start_time_seconds", "process_virtual_memory_bytes"}
        assert "# TYPE process_cpu_seconds_total counter" in text
        assert 1 << 20 < values["process_resident_memory_bytes"] < 4 << 30
        assert 3 < values["process_open_fds"] <= values["process_max_fds"]
        assert abs(values["process_start_time_seconds"] - time.time()) < 600
    finally:
        aggregator.stop()


def test_behind_a_real_haproxy_the_audit_and_the_log_name_the_client_not_the_proxy(sim, tmp_config, tmp_path):
    """HAProxy as docs/operations.md configures it (option forwardfor); the client connects from
    127.0.0.2, the proxy from 127.0.0.1, which is the only trusted proxy."""
    admin, entry = new_token("auditor", "admin")
    write_config(tmp_config, sim.urls,
                 extra="server:\n  trusted_proxies: [127.0.0.1]\nauth:\n  tokens:\n" + entry + "\n")
    aggregator = Aggregator(tmp_config)
    # HAProxy listens on a socket bound here and handed over (fd@): connections made before it
    # accepts wait in the socket's backlog, so nothing has to wait for it to be up.
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(64)
    front = listener.getsockname()[1]
    (tmp_path / "haproxy.cfg").write_text(f"""
defaults
    mode http
    timeout connect 5s
    timeout client 30s
    timeout server 30s
frontend vma
    bind fd@{listener.fileno()}
    option forwardfor
    default_backend vmaggregator
backend vmaggregator
    server a1 127.0.0.1:{aggregator.port}
""")
    proxy = Process(["haproxy", "-db", "-f", str(tmp_path / "haproxy.cfg")], name="haproxy",
                    pass_fds=(listener.fileno(),))
    listener.close()
    try:

        def through_proxy(token, forged=None):
            connection = http.client.HTTPConnection("127.0.0.1", front, timeout=30, source_address=("127.0.0.2", 0))
            try:
                headers = {"Authorization": f"Bearer {token}"}
                if forged:
                    headers["X-Forwarded-For"] = forged
                connection.request("GET", "/api/v1/vms", headers=headers)
                response = connection.getresponse()
                return response.status, response.read()
            finally:
                connection.close()

        assert through_proxy(admin)[0] == 200
        assert through_proxy("vma_wrong", forged="198.51.100.1")[0] == 401
        status, _, audit = call(aggregator.base + "/api/v1/audit?outcome=denied", admin)
        assert [e["peer"] for e in audit["entries"]][:1] == ["127.0.0.2"], audit["entries"][:1]
        aggregator.wait_for(r"client\.address=127\.0\.0\.2\b")  # the line may follow the answer
        assert "198.51.100.1" not in json.dumps(audit)
    finally:
        proxy.stop()
        aggregator.stop()
