"""Several `aggregator serve` replicas on one PostgreSQL database are one service: a job runs on
exactly one replica, a replica killed with SIGKILL has its jobs taken over and resumed (nothing
lost, nothing made twice on the engines, read back with ovirtsdk4), the same document posted to two
replicas at once is one job, every replica answers the same jobs and audit; and a PostgreSQL outage
leaves listings answering, refuses creates with 503 `database_unavailable`, and heals by itself.

Every wait blocks on a signal with a deadline: a replica's log line, the create's own long-poll
(`?wait=`, which follows a job another replica runs), or, for the database coming back, the
replicas' `/ready`.
"""
import json
import threading
import time
import urllib.error
import urllib.request
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack

import ovirtsdk4 as sdk

from integration_harness import (AGGREGATOR, FINAL_JOB_STATES, ROOT, Process, Simulator, follow_job, free_port,
                                 get_json, serving_base, wait_until, write_config)

EXAMPLES = ROOT / "examples"
ENGINES = ["e15-test", "e15"]
# The simulated engines' asynchronous work (a new VM's image lock, each start state) takes this
# long, so a create runs for several seconds and a replica can be killed in the middle of one.
ASYNC_MS = 1500
LEASE = "3s"
WAIT_S = 600
NETWORK = {"vlan_id": 2922, "name": "2922-app-e15", "nic_name": "enp1s0"}


class Replica(Process):
    """One `aggregator serve` of the service, at debug level so its work wakes ``wait_until``."""

    def __init__(self, name, config, database):
        self.replica = name
        self.port = free_port()
        super().__init__([AGGREGATOR, "serve", "--config", str(config), "--port", str(self.port),
                          "--log-level", "debug"],
                         env={"TEST_OVIRT_PASSWORD": "admin", **database.env()}, name=name)
        self.base = None

    def serving(self):
        """Waits until it serves and every engine was read once (`/ready` answers 200)."""
        try:
            self.base, self.port = serving_base(self)
            wait_until(lambda: get_json(f"{self.base}/ready")[0] == 200, self, timeout=120)
        except BaseException:
            self.stop()
            raise
        return self


def replica_config(tmp_path, name, sim, database):
    extra = database.config() + f"jobs:\n  lease: {LEASE}\nserver:\n  replica_name: {name}\n"
    return write_config(tmp_path / f"{name}.yaml", {engine: sim.urls[engine] for engine in sim.urls}, extra=extra)


def start_replicas(stack, tmp_path, names, sim, database):
    """Starts the replicas together (they migrate the empty database at the same moment) and waits
    until each is ready; they are stopped when `stack` closes."""
    replicas = []
    for name in names:
        replica = Replica(name, replica_config(tmp_path, name, sim, database), database)
        stack.callback(lambda r=replica: r.stop())
        replicas.append(replica)
    return [replica.serving() for replica in replicas]


def post(base, body, path="/api/v1/vms", wait=None, timeout=60):
    """POSTs body as JSON; returns (status, parsed answer)."""
    url = base + path + (f"?wait={wait}" if wait is not None else "")
    request = urllib.request.Request(url, data=json.dumps(body, ensure_ascii=False).encode(), method="POST",
                                     headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=timeout if wait is None else wait + 60) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        raw = error.read()
        return error.code, json.loads(raw) if raw else None


def vm_body(index, engine):
    body = json.loads((EXAMPLES / "vm-ovirt.json").read_text())
    body.update(engine=engine, name=f"ha_vm_{index:02d}", hostname=f"ha-vm-{index:02d}", network=dict(NETWORK))
    body["ip"]["address"] = f"10.105.250.{100 + index}"
    body["meta"]["document_num"] = f"9{index:03d}"
    return body


def create_networks(replica, engines):
    """The VLAN every VM of the test uses, made once per engine before the creates (a seed
    `create_vlan` file), so the VMs' jobs reuse it rather than race to make it."""
    items = json.loads((EXAMPLES / "create_vlan.json").read_text())
    for engine in engines:
        item = json.loads(json.dumps(items[0]))
        item["ovirt"]["engine"] = engine
        item["vlan"].update(id=NETWORK["vlan_id"], name=NETWORK["name"], suffix="")
        status, answer = post(replica.base, [item], path="/ovirt/create_vlan", wait=WAIT_S)
        assert status == 200 and answer["jobs"][0]["state"] == "succeeded", answer


def wait_for_any(processes, pattern, timeout, after):
    """Blocks until one of `processes` logs a line matching `pattern` after its position in
    `after` (``Process.mark``); returns (process, line)."""
    found = []
    done = threading.Event()

    def watch(process):
        try:
            match = process.wait_for(pattern, timeout=timeout, after=after[process.name])
        except (TimeoutError, RuntimeError):
            return
        found.append((process, match.string))
        done.set()

    for process in processes:
        threading.Thread(target=watch, args=(process,), daemon=True).start()
    assert done.wait(timeout), f"no '{pattern}' from {[p.name for p in processes]} within {timeout} s"
    return found[0]


def follow(base, job_id, timeout=WAIT_S):
    """The job once final (see ``integration_harness.follow_job``)."""
    return follow_job(base, job_id, timeout)


def jobs_of(base):
    status, body = get_json(f"{base}/api/v1/jobs?limit=1000")
    assert status == 200, body
    return {job["id"]: job for job in body["jobs"]}


def audit_of(base):
    status, body = get_json(f"{base}/api/v1/audit?limit=1000")
    assert status == 200, body
    return body["entries"]


def running_on(base, runner):
    """The jobs the API shows running on replica `runner`."""
    status, body = get_json(f"{base}/api/v1/jobs?state=running&limit=1000")
    assert status == 200, body
    return [job for job in body["jobs"] if job.get("runner") == runner]


def vms_on(sim, engine, pattern):
    connection = sdk.Connection(url=sim.urls[engine], username="admin@internal", password="admin", insecure=True)
    try:
        return [vm.name for vm in connection.system_service().vms_service().list(search=f"name={pattern}")]
    finally:
        connection.close()


def assert_steps_complete(job):
    """Every step of the job's plan has exactly one record, and each succeeded (or was skipped:
    done already)."""
    planned = Counter(step["name"] for step in job["plan"]["steps"])
    recorded = Counter(step["name"] for step in job["steps"])
    assert recorded == planned, (job["target"], planned, recorded)
    assert {step["state"] for step in job["steps"]} <= {"succeeded", "skipped"}, json.dumps(job["steps"], indent=1)


def test_three_replicas_share_jobs_and_one_killed_is_taken_over(postgres_database, tmp_path):
    with ExitStack() as stack:
        sim = Simulator(ENGINES, vms=5, hosts=2, extra=["--async-ms", str(ASYNC_MS)])
        stack.callback(sim.stop)
        replicas = start_replicas(stack, tmp_path, ["r1", "r2", "r3"], sim, postgres_database)
        r1, r2, r3 = replicas
        create_networks(r1, ENGINES)

        # 50 VMs over the two engines; 10 of them posted to two replicas at once (60 creates).
        bodies = [vm_body(index, ENGINES[index % 2]) for index in range(50)]
        doubled = set(range(0, 50, 5))
        answers = {index: [] for index in range(50)}

        def post_one(index, base, barrier=None):
            if barrier is not None:
                barrier.wait(timeout=60)
            status, answer = post(base, bodies[index])
            assert status == 202, (status, answer)
            answers[index].append(answer["jobs"][0])

        def post_batch(indexes, live):
            with ThreadPoolExecutor(max_workers=8) as pool:
                futures = []
                for turn, index in enumerate(indexes):
                    base = live[turn % len(live)].base
                    if index in doubled:
                        other = live[(turn + 1) % len(live)].base
                        barrier = threading.Barrier(2)
                        futures.append(pool.submit(post_one, index, base, barrier))
                        futures.append(pool.submit(post_one, index, other, barrier))
                    else:
                        futures.append(pool.submit(post_one, index, base))
                for future in futures:
                    future.result()

        # First 35 documents (40 creates) over the three replicas.
        post_batch(range(35), replicas)

        # Kill r2 while the API shows it running jobs.
        victims = wait_until(lambda: running_on(r1.base, "r2"), r2, timeout=180)
        marks = {replica.name: replica.mark() for replica in (r1, r3)}
        r2.kill()
        wait_for_any([r1, r3], r"Job taken over", timeout=120, after=marks)

        # r2 comes back under its name; the last 15 documents (20 creates) go to all three.
        r2 = Replica("r2", tmp_path / "r2.yaml", postgres_database).serving()
        stack.callback(r2.stop)
        replicas = [r1, r2, r3]
        post_batch(range(35, 50), replicas)

        # Each job followed to its end on a replica that may not be the one running it.
        for index in range(50):
            follow(replicas[index % 3].base, answers[index][0]["id"])

        # One job per document: the two answers to a doubled document name the same job.
        job_ids = {}
        for index, jobs in answers.items():
            assert len(jobs) == (2 if index in doubled else 1), jobs
            assert len({job["id"] for job in jobs}) == 1, f"document {index} made {len(jobs)} jobs: {jobs}"
            if index in doubled:
                assert sorted(job["reused"] for job in jobs) == [False, True], jobs
            job_ids[bodies[index]["name"]] = jobs[0]["id"]

        # Every replica answers the same jobs; each ended succeeded with its steps complete.
        seen = [jobs_of(replica.base) for replica in replicas]
        assert seen[0] == seen[1] == seen[2]
        vm_jobs = {job["target"]: job for job in seen[0].values() if job["action"] == "create_vm"}
        assert {name: job["id"] for name, job in vm_jobs.items()} == job_ids
        not_succeeded = {name: (job["state"], job.get("error")) for name, job in vm_jobs.items()
                         if job["state"] != "succeeded"}
        assert not not_succeeded, not_succeeded
        for job in vm_jobs.values():
            assert_steps_complete(job)
            assert job["runner"] in {"r1", "r2", "r3"} and job["attempts"] >= 1, job

        # The jobs r2 was running when it died were taken over: started again, elsewhere or by
        # the restarted r2, and finished without redoing what was done.
        for victim in victims:
            job = seen[0][victim["id"]]
            assert job["attempts"] >= 2, (victim["target"], job["runner"], job["attempts"])

        # The engines hold exactly the 50 VMs, each once.
        on_engines = {engine: vms_on(sim, engine, "ha_vm_*") for engine in ENGINES}
        for engine, names in on_engines.items():
            expected = sorted(body["name"] for body in bodies if body["engine"] == engine)
            assert sorted(names) == expected, (engine, Counter(names).most_common(3))

        # The audit has every create, with its job, and every replica answers the same audit.
        audits = [audit_of(replica.base) for replica in replicas]
        assert audits[0] == audits[1] == audits[2]
        creates = [entry for entry in audits[0] if entry["path"] == "/api/v1/vms" and entry["method"] == "POST"]
        assert len(creates) == 60, Counter(entry["outcome"] for entry in creates)
        assert {entry["outcome"] for entry in creates} == {"accepted"}
        targets = Counter(item["target"] for entry in creates for item in entry["items"])
        assert targets == Counter({body["name"]: 2 if index in doubled else 1 for index, body in enumerate(bodies)})
        for entry in creates:
            for item in entry["items"]:
                assert item["job_id"] == job_ids[item["target"]], entry


def ready_database(replica):
    status, body = get_json(f"{replica.base}/ready")
    return status, body.get("database", {})


def reachable_on_all(replicas, reachable, timeout):
    """Blocks (reading `/ready` at most every 0.2 s) until every replica reports the database
    reachable (or not), every time with status 200; fails after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    pacing = threading.Event()
    while True:
        answers = [ready_database(replica) for replica in replicas]
        assert all(status == 200 for status, _ in answers), answers
        if all(database.get("reachable") is reachable for _, database in answers):
            return answers
        assert time.monotonic() < deadline, f"database reachable={reachable} not reported within {timeout} s: {answers}"
        pacing.wait(0.2)


class Listings:
    """Reads listings from every replica, one every 20 ms, until stopped, recording each answer's
    status."""

    PATHS = ["/api/v1/vms?limit=50", "/api/v1/vms?engine=e15-test&status=up", "/ovirt/vm_list", "/api/v1/hosts"]

    def __init__(self, replicas):
        self.replicas = replicas
        self.results = []
        self.stopped = threading.Event()
        self.thread = threading.Thread(target=self._run, name="listings", daemon=True)
        self.thread.start()

    def _run(self):
        turn = 0
        while not self.stopped.is_set():
            replica = self.replicas[turn % len(self.replicas)]
            path = self.PATHS[turn % len(self.PATHS)]
            turn += 1
            try:
                with urllib.request.urlopen(replica.base + path, timeout=30) as response:
                    response.read()
                    self.results.append((time.monotonic(), path, response.status))
            except urllib.error.HTTPError as error:
                self.results.append((time.monotonic(), path, error.code))
            except OSError as error:
                self.results.append((time.monotonic(), path, repr(error)))
            self.stopped.wait(0.02)

    def stop(self):
        self.stopped.set()
        self.thread.join(timeout=60)
        return self.results


def test_postgres_outage_keeps_listings_refuses_creates_and_heals(dedicated_postgres, tmp_path):
    database = dedicated_postgres.database
    with ExitStack() as stack:
        sim = Simulator(["e15-test"], vms=5, hosts=2, extra=["--async-ms", str(ASYNC_MS)])
        stack.callback(sim.stop)
        replicas = start_replicas(stack, tmp_path, ["r1", "r2"], sim, database)
        r1, r2 = replicas
        create_networks(r1, ["e15-test"])
        assert all(db == {"kind": "postgresql", "reachable": True}
                   for _, db in reachable_on_all(replicas, True, timeout=30))

        listings = Listings(replicas)
        stack.callback(listings.stop)
        before = [vm_body(index, "e15-test") for index in range(4)]
        before_ids = []
        for index, body in enumerate(before):
            status, answer = post(replicas[index % 2].base, body)
            assert status == 202, answer
            before_ids.append(answer["jobs"][0]["id"])
        # The outage starts while jobs run.
        wait_until(lambda: get_json(f"{r1.base}/api/v1/jobs?state=running")[1]["count"] > 0, r1, timeout=120)

        dedicated_postgres.down()
        outage_started = time.monotonic()
        during = [vm_body(index, "e15-test") for index in range(10, 16)]
        with ThreadPoolExecutor(max_workers=len(during)) as pool:
            refused = list(pool.map(lambda pair: post(replicas[pair[0] % 2].base, pair[1]), enumerate(during)))
        reachable_on_all(replicas, False, timeout=15)
        remaining = 20 - (time.monotonic() - outage_started)
        if remaining > 0:
            threading.Event().wait(remaining)  # the outage lasts 20 s
        outage_ended = time.monotonic()
        dedicated_postgres.up()

        for status, answer in refused:
            assert status == 503, (status, answer)
            assert answer["error"]["code"] == "database_unavailable", answer
            assert answer["error"].get("fix"), answer

        # Back by itself: no restart.
        reachable_on_all(replicas, True, timeout=60)
        after = [vm_body(index, "e15-test") for index in range(20, 23)]
        for index, body in enumerate(after):
            status, answer = post(replicas[index % 2].base, body, wait=WAIT_S)
            assert status == 200 and answer["jobs"][0]["state"] == "succeeded", answer
        results = listings.stop()

        # Listings answered throughout, the outage included.
        failures = [result for result in results if result[2] != 200]
        assert not failures, failures[:10]
        in_outage = [result for result in results if outage_started <= result[0] <= outage_ended]
        assert len(in_outage) >= 10, f"only {len(in_outage)} listings during the outage"

        # No job is stuck: the ones running when the database went away ended too.
        for job_id in before_ids:
            follow(r2.base, job_id)
        jobs = jobs_of(r2.base)
        assert all(job["state"] in FINAL_JOB_STATES for job in jobs.values()), {j["target"]: j["state"] for j in jobs.values()}
        vm_jobs = {job["target"]: job for job in jobs.values() if job["action"] == "create_vm"}
        assert set(vm_jobs) == {body["name"] for body in before + after}, "a refused create left a job"

        # On the engine: a VM for each job that succeeded, each once; none for a refused create.
        names = vms_on(sim, "e15-test", "ha_vm_*")
        assert len(names) == len(set(names)), sorted(names)
        assert set(names) == {name for name, job in vm_jobs.items() if job["state"] == "succeeded"}, (
            sorted(names), {name: job["state"] for name, job in vm_jobs.items()})
