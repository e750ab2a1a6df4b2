"""Uploads that try to stall or fool the server, against `aggregator demo` on loopback: every
error answer carries the JSON error body, and an oversized upload is answered and closed. A
client that sends its whole body before reading still reads the answer (lingering close), and
one that never stops sending is cut off at `server.lingering_bytes` / `server.lingering_time`."""
import http.client
import json
import socket
import threading
import time
import urllib.error
import urllib.request

import pytest

from integration_harness import ROOT, Aggregator, Demo, Simulator, write_config

LIMIT = 1 << 20  # the demo's server.max_upload_bytes


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    process = Demo(["--config", str(ROOT / "backends.yaml"), "--data-dir", str(tmp_path_factory.mktemp("data")),
                    "--vms", "2"])
    try:
        yield process.base, process.port
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


# Lingering close: after an answer written before the request's body ended, the server reads and
# drops the rest of the body (bounded) before closing, so the kernel does not reset the connection
# under a client still sending.

MB = 1000 * 1000


@pytest.fixture(scope="module")
def engine():
    sim = Simulator(["e15-test"], vms=2, hosts=1)
    try:
        yield sim
    finally:
        sim.stop()


def serve(tmp_path_factory, engine, server_keys):
    config = tmp_path_factory.mktemp("lingering") / "backends.yaml"
    write_config(config, engine.urls, extra="server:\n" + "".join(f"  {k}: {v}\n" for k, v in server_keys.items()))
    return Aggregator(config)


@pytest.fixture(scope="module")
def roomy(tmp_path_factory, engine):
    """A server that drains up to 128 MiB after an early answer (the default is 64 MiB)."""
    aggregator = serve(tmp_path_factory, engine, {"lingering_bytes": 128 << 20})
    try:
        yield aggregator
    finally:
        aggregator.stop()


def post_whole_body(port, size, close):
    """POSTs `size` bytes with http.client, which sends the whole body before reading anything;
    returns (status, headers, body). A reset during the send or the read raises."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=20)
    headers = {"Content-Type": "application/json"}
    if close:
        headers["Connection"] = "close"
    try:
        connection.request("POST", "/ovirt/create_vm", body=b" " * size, headers=headers)
        response = connection.getresponse()
        return response.status, {k.lower(): v for k, v in response.getheaders()}, response.read()
    finally:
        connection.close()


def assert_413_read_whole(port, size, close):
    try:
        status, headers, raw = post_whole_body(port, size, close)
    except (ConnectionResetError, BrokenPipeError) as error:
        pytest.fail(f"a client sending {size} bytes before reading got {error!r} instead of the 413")
    assert status == 413
    assert headers.get("connection") == "close"
    error = error_body(raw)
    assert error["code"] == "upload_too_large"
    assert "max_upload_bytes" in error["fix"]


@pytest.mark.parametrize("close", [False, True], ids=["keep-alive", "connection-close"])
def test_http_client_sending_10_mb_reads_the_413(demo, close):
    _, port = demo
    assert_413_read_whole(port, 10 * MB, close)


@pytest.mark.parametrize("close", [False, True], ids=["keep-alive", "connection-close"])
def test_http_client_sending_100_mb_reads_the_413(roomy, close):
    assert_413_read_whole(roomy.port, 100 * MB, close)


class EndlessSender(threading.Thread):
    """Writes a request's body on a raw socket until the server cuts the connection, `limit`
    bytes are sent, or `deadline` seconds pass, whichever comes first."""

    def __init__(self, sock, chunk, pause=0.0, limit=1 << 30, deadline=15):
        super().__init__(daemon=True)
        self.sock, self.chunk, self.pause, self.limit = sock, chunk, pause, limit
        self.deadline = time.monotonic() + deadline
        self.sent = 0
        self.cut_at = None  # when the server's close made a send fail
        self.stop = threading.Event()

    def run(self):
        try:
            while self.sent < self.limit and time.monotonic() < self.deadline and not self.stop.is_set():
                self.sock.sendall(self.chunk)
                self.sent += len(self.chunk)
                if self.pause:
                    self.stop.wait(self.pause)
        except OSError:  # reset or broken pipe: the server closed the connection
            self.cut_at = time.monotonic()


def start_endless_upload(port, headers, sender):
    sock = socket.create_connection(("127.0.0.1", port), timeout=20)
    sock.sendall(b"POST /ovirt/create_vm HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
                 + headers + b"\r\n")
    thread = sender(sock)
    thread.start()
    return sock, thread


def test_a_client_that_never_stops_sending_is_cut_at_lingering_bytes(tmp_path_factory, engine):
    # lingering_time is long: only the byte bound can end this within the test's deadline.
    aggregator = serve(tmp_path_factory, engine, {"lingering_bytes": 4 << 20, "lingering_time": "60s"})
    sock = None
    try:
        chunk = b"10000\r\n" + b" " * 0x10000 + b"\r\n"  # endless chunked body, 64 KiB a chunk
        sock, sender = start_endless_upload(aggregator.port, b"Transfer-Encoding: chunked\r\n",
                                            lambda s: EndlessSender(s, chunk, limit=1 << 30, deadline=15))
        status, headers, raw = read_response(sock)
        assert status == 413 and headers.get("connection") == "close"
        assert error_body(raw)["code"] == "upload_too_large"
        sender.join(timeout=20)
        assert not sender.is_alive()
        assert sender.cut_at is not None, f"still open after {sender.sent} bytes"
        # 1 MiB before the answer, 4 MiB after it, and what the two sockets' buffers held.
        assert sender.sent < 64 << 20, sender.sent
        assert_closed(sock)
        with urllib.request.urlopen(aggregator.base + "/health", timeout=5) as response:
            assert response.status == 200
    finally:
        if sock:
            sock.close()
        aggregator.stop()


def test_a_slow_sender_is_cut_at_lingering_time_and_health_answers_meanwhile(tmp_path_factory, engine):
    aggregator = serve(tmp_path_factory, engine, {"lingering_time": "1s"})
    sock = None
    try:
        # Declared over max_upload_bytes (answered at once) but within lingering_bytes: it is read
        # until lingering_time, 1 KiB every 50 ms, far from ending.
        sock, sender = start_endless_upload(aggregator.port, b"Content-Length: %d\r\n" % (2 << 20),
                                            lambda s: EndlessSender(s, b" " * 1024, pause=0.05, deadline=15))
        status, headers, raw = read_response(sock)
        answered = time.monotonic()
        assert status == 413 and headers.get("connection") == "close"
        assert error_body(raw)["code"] == "upload_too_large"
        with urllib.request.urlopen(aggregator.base + "/health", timeout=5) as response:
            assert response.status == 200
        sender.join(timeout=20)
        assert sender.cut_at is not None, f"still open after {sender.sent} bytes"
        # The timer started when the answer was written, a little before it was read here.
        assert 0.5 <= sender.cut_at - answered < 10
    finally:
        if sock:
            sock.close()
        aggregator.stop()
