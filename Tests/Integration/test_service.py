"""Watching the aggregator as a service: /ready, /metrics with real numbers after a listing and
a create, JSON logs with the request id that the answer carried."""
import json
import re
import urllib.request

from integration_harness import get_json, wait_until
from test_provisioning import EXAMPLES, Demo, post_and_wait


def metrics(base):
    with urllib.request.urlopen(f"{base}/metrics", timeout=30) as response:
        assert response.headers["Content-Type"].startswith("text/plain; version=0.0.4")
        text = response.read().decode()
    samples = {}
    for line in text.splitlines():
        if line and not line.startswith("#"):
            name_labels, value = line.rsplit(" ", 1)
            samples[name_labels] = float(value)
    return samples


def total(samples, name, **labels):
    found = [v for k, v in samples.items()
             if k.startswith(name + "{") and all(f'{key}="{value}"' in k for key, value in labels.items())]
    return sum(found) if found else None


def test_ready_metrics_and_json_logs(tmp_path):
    demo = Demo(tmp_path / "data", extra=("--log-format", "json"))
    try:
        status, ready = wait_until(lambda: (lambda r: r if r[0] == 200 else None)(get_json(f"{demo.base}/ready")),
                                   demo, timeout=120)
        assert ready["status"] == "ready" and ready["job_store"] == "open"
        assert {e["name"] for e in ready["engines"]} >= {"e15-test", "e15", "k45"}
        assert all(e["tried"] for e in ready["engines"])

        request = urllib.request.Request(f"{demo.base}/api/v1/vms?engine=e15-test", headers={"X-Request-Id": "probe-42"})
        with urllib.request.urlopen(request, timeout=30) as response:
            assert response.headers["X-Request-Id"] == "probe-42"
        [job] = post_and_wait(f"{demo.base}/ovirt/create_vm", EXAMPLES / "create_vm.json")
        assert job["state"] == "succeeded"

        samples = metrics(demo.base)
        assert total(samples, "hb_requests", http_route="/api/v1/vms", http_response_status_code="200") >= 1
        assert total(samples, "hb_requests", http_route="/{kind}/create_vm", http_request_method="POST") >= 1
        assert total(samples, "http_server_request_duration_count", http_route="/api/v1/vms") >= 1
        assert total(samples, "aggregator_engine_calls_total", engine="e15-test", operation="read_inventory",
                     outcome="ok") >= 1
        assert total(samples, "aggregator_engine_calls_total", engine="e15-test", operation="plan", outcome="ok") >= 1
        assert total(samples, "aggregator_jobs_total", engine="e15-test", action="create_vm", state="succeeded") == 1
        assert total(samples, "aggregator_job_step_duration_seconds_count", kind="ovirt", step="create_vm") >= 1
        assert total(samples, "aggregator_inventory_objects", engine="e15-test", type="vm") >= 3
        age = total(samples, "aggregator_engine_data_age_seconds", engine="e15-test")
        assert age is not None and 0 <= age < 60
        assert total(samples, "aggregator_engine_up", engine="k45") == 1
        # No label names one object.
        labels = " ".join(samples)
        assert "test_vm_11" not in labels and job["id"] not in labels

        # One JSON object per line; the access line carries the id the answer did (it may be
        # written after the answer, so it is waited for).
        def logged(predicate):
            return lambda line: line.startswith("{") and predicate(json.loads(line))

        access = demo.wait_for(logged(lambda l: l.get("message") == "Request" and l.get("request.id") == "probe-42"))
        access = json.loads(access)
        assert access["http.status"] == "200" and access["http.path"] == "/api/v1/vms"
        # The job's log lines carry the creating request's id too.
        demo.wait_for(logged(lambda l: l.get("job.id") == job["id"] and l.get("request.id") == job["request_id"]))
        lines = [json.loads(line) for line in demo.output().splitlines() if line.startswith("{")]
        assert all(re.match(r"\d{4}-\d\d-\d\dT", l["time"]) for l in lines)
    finally:
        demo.stop()
