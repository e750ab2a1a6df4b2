"""Uploads that try to stall or fool the server, against `aggregator demo` on loopback: every
error answer carries the JSON error body, and an oversized upload is answered and closed."""
import json
import socket
import time
import urllib.error
import urllib.request

import pytest

from integration_harness import AGGREGATOR, ROOT, Process, free_port, wait_http

LIMIT = 1 << 20  # the demo's server.max_upload_bytes


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    port = free_port()
    process = Process([AGGREGATOR, "demo", "--config", str(ROOT / "backends.yaml"), "--port", str(port),
                       "--data-dir", str(tmp_path_factory.mktemp("data")), "--vms", "2"], name="demo")
    try:
        wait_http(f"http://127.0.0.1:{port}/health", process)
        yield f"http://127.0.0.1:{port}", port
    finally:
        process.stop()


def error_body(raw):
    body = json.loads(raw)
    assert set(body["error"]) >= {"code", "message"}, body
    return body["error"]


def read_response(sock, timeout=20):
    """Reads one whole answer (head and Content-Length body) from a raw socket."""
    sock.settimeout(timeout)
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = sock.recv(65536)
        assert chunk, f"closed before an answer: {data!r}"
        data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    headers = {k.strip().lower(): v.strip() for k, v in (line.split(":", 1) for line in lines[1:])}
    length = int(headers.get("content-length", "0"))
    while len(body) < length:
        chunk = sock.recv(65536)
        assert chunk, "closed inside the body"
        body += chunk
    return int(lines[0].split()[1]), headers, body[:length]


def assert_closed(sock, timeout=20):
    sock.settimeout(timeout)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if sock.recv(65536) == b"":
                return
        except ConnectionResetError:
            return
    raise AssertionError("the server kept the connection open")


def test_urllib_oversized_upload_gets_its_413_body_and_does_not_hang(demo):
    base, _ = demo
    body = b"[" + b" " * (2 * LIMIT) + b"]"
    request = urllib.request.Request(base + "/ovirt/create_vm", data=body, method="POST",
                                     headers={"Content-Type": "application/json", "Connection": "close"})
    with pytest.raises(urllib.error.HTTPError) as caught:
        urllib.request.urlopen(request, timeout=20)
    assert caught.value.code == 413
    error = error_body(caught.value.read())
    assert error["code"] == "upload_too_large"
    assert "max_upload_bytes" in error["fix"]


def test_keep_alive_oversized_upload_is_answered_then_closed(demo):
    _, port = demo
    body = b"x" * (2 * LIMIT)
    with socket.create_connection(("127.0.0.1", port), timeout=20) as sock:
        sock.sendall(b"POST /ovirt/create_vm HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
                     + b"Content-Length: %d\r\n\r\n" % len(body) + body)
        status, headers, raw = read_response(sock)
        assert status == 413
        assert headers.get("connection") == "close"
        assert error_body(raw)["code"] == "upload_too_large"
        assert_closed(sock)


def test_a_huge_declared_body_is_refused_without_reading_it(demo):
    _, port = demo
    with socket.create_connection(("127.0.0.1", port), timeout=20) as sock:
        sock.sendall(b"POST /ovirt/create_vm HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
                     b"Content-Length: 10000000000\r\n\r\n" + b"x" * 65536)
        status, _, raw = read_response(sock)
        assert status == 413
        assert error_body(raw)["code"] == "upload_too_large"
        assert_closed(sock)


@pytest.mark.parametrize("request_bytes", [
    b"NOT HTTP AT ALL\r\n\r\n",
    b"GET / HTTP/1.1\r\nHost: a\r\nContent-Length: x\r\n\r\n",
])
def test_the_frameworks_own_400_has_the_json_error_body(demo, request_bytes):
    _, port = demo
    with socket.create_connection(("127.0.0.1", port), timeout=20) as sock:
        sock.sendall(request_bytes)
        status, headers, raw = read_response(sock)
        assert status == 400
        assert headers["content-type"].startswith("application/json")
        assert error_body(raw)["code"] == "bad_request"


def test_unknown_route_and_wrong_content_type_answer_json(demo):
    base, _ = demo
    with pytest.raises(urllib.error.HTTPError) as caught:
        urllib.request.urlopen(base + "/no/such/route", timeout=20)
    assert caught.value.code == 404
    assert error_body(caught.value.read())["code"] == "not_found"

    request = urllib.request.Request(base + "/ovirt/create_vm", data=b"[]", method="POST",
                                     headers={"Content-Type": "text/plain", "Origin": "http://evil.example"})
    with pytest.raises(urllib.error.HTTPError) as caught:
        urllib.request.urlopen(request, timeout=20)
    assert caught.value.code in (400, 401, 403)
    assert error_body(caught.value.read())["code"]


def test_a_60000_dash_boundary_is_refused_at_once_and_health_stays_up(demo):
    base, _ = demo
    boundary = "-" * 60000
    body = ("--" + boundary + "\r\n").encode() + b"-" * LIMIT
    request = urllib.request.Request(base + "/ovirt/create_vm", data=body[:LIMIT - 100], method="POST",
                                     headers={"Content-Type": "multipart/form-data; boundary=" + boundary})
    started = time.monotonic()
    with pytest.raises(urllib.error.HTTPError) as caught:
        urllib.request.urlopen(request, timeout=20)
    assert caught.value.code == 400
    error = error_body(caught.value.read())
    assert "70" in error["message"]
    with urllib.request.urlopen(base + "/health", timeout=5) as response:
        assert response.status == 200
    assert time.monotonic() - started < 15
