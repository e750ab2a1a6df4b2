"""SIGTERM while a job runs and a client waits on it: the process exits within seconds, the
waiting client gets the job's real state, and the job store says `interrupted` (with the steps
that finished) before any restart."""
import json
import os
import signal
import sqlite3
import threading
import time

from integration_harness import Aggregator, Simulator, get_json, send_json, wait_until, write_config
from test_provisioning import EXAMPLES


def test_sigterm_mid_job_records_interrupted_and_never_waits_out_a_wait(tmp_path):
    # Slow engine work (each asynchronous state takes 3 s) keeps the job running long enough.
    sim = Simulator(["e15-test"], vms=3, hosts=2, extra=("--async-ms", "3000"))
    data = tmp_path / "data"
    config = write_config(tmp_path / "backends.yaml", sim.urls, extra=f"data_dir: {data}\n")
    aggregator = Aggregator(config)
    try:
        answer = {}

        def post_and_wait():
            body = json.loads((EXAMPLES / "create_vm.json").read_text())
            answer["status"], answer["body"] = send_json(f"{aggregator.base}/ovirt/create_vm?wait=90", body,
                                                         timeout=120)
            answer["at"] = time.monotonic()

        waiter = threading.Thread(target=post_and_wait)
        waiter.start()

        def running_job():
            status, jobs = get_json(f"{aggregator.base}/api/v1/jobs?state=running")
            return jobs["jobs"][0] if status == 200 and jobs["count"] else None

        job = wait_until(running_job, aggregator, timeout=120)
        # Let it get past its first steps so some are on record as finished.
        wait_until(lambda: any(s["state"] == "succeeded" for s in get_json(
            f"{aggregator.base}/api/v1/jobs/{job['id']}")[1]["steps"]), aggregator, timeout=120)

        signalled = time.monotonic()
        os.killpg(aggregator.proc.pid, signal.SIGTERM)
        aggregator.proc.wait(timeout=15)
        exited = time.monotonic() - signalled
        assert exited < 12, f"the process took {exited:.1f} s to stop"

        waiter.join(timeout=15)
        assert not waiter.is_alive(), "the waiting client never got an answer"
        assert answer["at"] - signalled < 12
        assert answer["status"] == 200, answer
        assert answer["body"]["jobs"][0]["state"] == "interrupted", answer

        # Straight from the store, before any restart.
        database = sqlite3.connect(data / "jobs.sqlite")
        try:
            state, body = database.execute("select state, body from job where id = ?", (job["id"],)).fetchone()
        finally:
            database.close()
        stored = json.loads(body)
        assert state == stored["state"] == "interrupted", stored
        steps = stored["steps"]
        assert any(s["state"] == "succeeded" for s in steps), steps
        assert not any(s["state"] == "running" for s in steps), steps
        assert "Could not record job progress" not in aggregator.output(), aggregator.output()
    finally:
        aggregator.stop()
        sim.stop()
