"""docs/openapi.json against the running server (`aggregator demo`): the document is valid OpenAPI 3.1,
every operation it describes is routed, real answers (listings, paging, dry runs, creates, jobs,
errors, refusals, failed engines, both backend kinds) validate against the schema of their operation and
status, the HTTP semantics the document states once (405 with `Allow`, HEAD on every GET, 404 off the routes)
hold on every path, and schemathesis finds no server error or undocumented answer with bounded,
deterministic examples."""
import http.client
import json
import re
import subprocess
import sys
import urllib.error
import urllib.parse
import urllib.request
import uuid
from pathlib import Path

import jsonschema
import pytest
from openapi_spec_validator import validate as validate_openapi
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

from integration_harness import AGGREGATOR, Aggregator, Simulator, free_port, wait_until, write_config
from test_auth import new_token
from test_provisioning import EXAMPLES, Demo, ROOT

DOCUMENT_PATH = ROOT / "docs" / "openapi.json"
DOCUMENT = json.loads(DOCUMENT_PATH.read_text())
BASE_URI = "urn:vmaggregator:openapi"
METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")

# The server compiles Sources/Server/OpenAPI/openapi.json (docs/openapi.json links to it) into the
# binary: a binary built before the document's last change serves the previous one.
STALE_BINARY = not Path(AGGREGATOR).exists() or Path(AGGREGATOR).stat().st_mtime < DOCUMENT_PATH.stat().st_mtime


def operations():
    for path, item in DOCUMENT["paths"].items():
        for method in METHODS:
            if method in item:
                yield method.upper(), path


# --- HTTP -------------------------------------------------------------------------------------------------------

class Answer:
    def __init__(self, status, headers, raw):
        self.status = status
        self.headers = headers
        self.raw = raw
        self.media_type = (headers.get("Content-Type") or "").split(";")[0].strip().lower()

    @property
    def body(self):
        return json.loads(self.raw) if self.media_type == "application/json" else self.raw.decode()

    def __repr__(self):
        return f"{self.status} {self.media_type} {self.raw[:2000]!r}"


def call(base, method, path, query=None, body=None, headers=None, timeout=120):
    url = base + path
    if query:
        url += "?" + urllib.parse.urlencode(query, doseq=True)
    request = urllib.request.Request(url, data=body, method=method, headers=dict(headers or {}))
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return Answer(response.status, response.headers, response.read())
    except urllib.error.HTTPError as error:
        return Answer(error.code, error.headers, error.read())


def raw_call(base, method, path, body=None, headers=None, timeout=60):
    """A request exactly as given: unlike urllib, http.client adds no Content-Type to a body."""
    host, port = urllib.parse.urlsplit(base).netloc.rsplit(":", 1)
    connection = http.client.HTTPConnection(host, int(port), timeout=timeout)
    try:
        connection.request(method, path, body=body, headers=dict(headers or {}))
        response = connection.getresponse()
        return Answer(response.status, response.headers, response.read())
    finally:
        connection.close()


def json_body(value):
    return {"body": json.dumps(value, ensure_ascii=False).encode(), "headers": {"Content-Type": "application/json"}}


def multipart(field, filename, content):
    boundary = "openapi-" + uuid.uuid4().hex
    body = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"{field}\"; filename=\"{filename}\"\r\n"
            f"Content-Type: application/json\r\n\r\n").encode() + content + f"\r\n--{boundary}--\r\n".encode()
    return {"body": body, "headers": {"Content-Type": f"multipart/form-data; boundary={boundary}"}}


# --- The document as a validator ----------------------------------------------------------------------------------

def escape(token):
    return token.replace("~", "~0").replace("/", "~1")


class Contract:
    """Validates answers against the document: the status must be documented for the operation, the
    media type listed for that status, the body valid against its schema (JSON Schema 2020-12, the
    dialect of OpenAPI 3.1) and the required headers present."""

    def __init__(self, document):
        self.document = document
        self.registry = Registry().with_resource(BASE_URI, Resource(contents=document, specification=DRAFT202012))

    def pointer(self, pointer):
        node = self.document
        for token in pointer.removeprefix("#/").split("/"):
            node = node[token.replace("~1", "/").replace("~0", "~")]
        return node

    def validator(self, pointer):
        return jsonschema.Draft202012Validator({"$ref": BASE_URI + pointer}, registry=self.registry,
                                               format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER)

    def validate(self, pointer, instance):
        errors = sorted(self.validator(pointer).iter_errors(instance), key=lambda e: list(e.absolute_path))
        assert not errors, "\n".join(
            f"{'/'.join(map(str, e.absolute_path)) or '(root)'}: {e.message}" for e in errors[:20])

    def check(self, method, template, answer):
        """Asserts `answer` is what the document says `method template` answers; returns its body."""
        operation_pointer = f"#/paths/{escape(template)}/{method.lower()}"
        responses = self.pointer(operation_pointer)["responses"]
        status = str(answer.status)
        key = status if status in responses else f"{status[0]}XX" if f"{status[0]}XX" in responses else "default"
        assert key in responses, f"{method} {template} answered {answer!r}, a status the document does not list"
        return self.check_response(f"{operation_pointer}/responses/{key}", method, template, answer)

    def check_response(self, pointer, method, template, answer):
        """Asserts `answer` matches the response object at `pointer` (an operation's or a reusable one in
        #/components/responses); returns its body."""
        status = str(answer.status)
        response = self.pointer(pointer)
        if "$ref" in response:
            pointer = response["$ref"]
            response = self.pointer(pointer)
        for name, header in response.get("headers", {}).items():
            header = self.pointer(header["$ref"]) if "$ref" in header else header
            value = answer.headers.get(name)
            if header.get("required"):
                assert value, f"{method} {template} {status}: no {name} header"
            if value is not None and "schema" in header:
                errors = list(jsonschema.Draft202012Validator(header["schema"]).iter_errors(value))
                assert not errors, f"{method} {template} {status}: {name}: {value!r}: {errors[0].message}"
        content = response.get("content", {})
        assert answer.media_type in content, \
            f"{method} {template} {status}: {answer.media_type!r} is not among {sorted(content)}"
        body = answer.body
        try:
            self.validate(f"{pointer}/content/{escape(answer.media_type)}/schema", body)
        except AssertionError as error:
            raise AssertionError(f"{method} {template} {status} does not match the document:\n{error}\n"
                                 f"answer: {answer!r}") from None
        return body


CONTRACT = Contract(DOCUMENT)


# --- The document itself ------------------------------------------------------------------------------------------

def test_the_document_is_valid_openapi_3_1_and_its_examples_are_valid():
    assert DOCUMENT["openapi"].startswith("3.1.")
    validate_openapi(DOCUMENT)

    # Every example in the document validates against the schema beside it.
    def walk(node, pointer):
        if isinstance(node, dict):
            if "schema" in node and ("example" in node or "examples" in node):
                values = [node["example"]] if "example" in node else [
                    e["value"] for e in node["examples"].values() if "value" in e]
                for value in values:
                    CONTRACT.validate(f"{pointer}/schema", value)
                    checked.append(pointer)
            for key, value in node.items():
                walk(value, f"{pointer}/{escape(key)}")
        elif isinstance(node, list):
            for index, value in enumerate(node):
                walk(value, f"{pointer}/{index}")

    checked = []
    walk(DOCUMENT, "#")
    assert len(checked) >= 10

    # The request examples are the files in examples/, verbatim.
    vms = DOCUMENT["paths"]["/api/v1/vms"]["post"]["requestBody"]["content"]["application/json"]["examples"]
    assert vms["ovirt"]["value"] == json.loads((EXAMPLES / "vm-ovirt.json").read_text())
    assert vms["proxmox"]["value"] == json.loads((EXAMPLES / "vm-proxmox.json").read_text())
    for action in ("create_vm", "create_vlan"):
        content = DOCUMENT["paths"][f"/{{kind}}/{action}"]["post"]["requestBody"]["content"]["application/json"]
        assert content["examples"][action]["value"] == json.loads((EXAMPLES / f"{action}.json").read_text())


# --- Against the demo -----------------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    process = Demo(tmp_path_factory.mktemp("openapi") / "data")
    try:
        # Ready once every engine was read: listings then hold every engine's items.
        wait_until(lambda: call(process.base, "GET", "/ready").status == 200, process, timeout=120)
        yield process
    finally:
        process.stop()


def concrete(template):
    return template.replace("{kind}", "ovirt").replace("{id}", "no-such-job")


@pytest.mark.parametrize("method,template", [
    pytest.param(method, path, id=f"{method} {path}") for method, path in operations()])
def test_every_documented_operation_is_routed(demo, method, template):
    # A POST goes in its dry-run form with a body the decoders refuse: nothing can be created.
    options = {"query": {"dry_run": "true"}, **json_body([])} if method == "POST" else {}
    answer = call(demo.base, method, concrete(template), **options)
    no_route = answer.status == 404 and answer.media_type == "application/json" \
        and answer.body["error"]["code"] == "not_found"
    assert not no_route, f"{method} {template}: {answer!r}"
    CONTRACT.check(method, template, answer)


def test_every_endpoint_the_index_lists_is_documented(demo):
    body = CONTRACT.check("GET", "/", call(demo.base, "GET", "/"))
    templates = [(method, re.compile("^" + re.sub(r"\{[^}]+\}", "[^/]+", path) + "$"))
                 for method, path in operations()]
    for endpoint in body["endpoints"]:
        method, path = endpoint.split(" ", 1) if " " in endpoint else ("GET", endpoint)
        assert any(m == method and pattern.match(path) for m, pattern in templates), \
            f"the index lists {endpoint}, which the document does not describe"


# Methods no documented operation of a path takes, including ones the API never uses.
PROBED_METHODS = ("GET", "POST", "PUT", "DELETE", "PATCH", "OPTIONS", "TRACE", "QUERY", "PROPFIND")


def path_methods(path):
    """The methods a documented path takes, HEAD with every GET (as the server's `Allow` lists them)."""
    methods = {method.upper() for method in METHODS if method in DOCUMENT["paths"][path]}
    return methods | {"HEAD"} if "GET" in methods else methods


@pytest.mark.parametrize("path", list(DOCUMENT["paths"]))
def test_a_method_the_path_does_not_take_is_405_with_allow(demo, path):
    allowed = path_methods(path)
    for method in PROBED_METHODS:
        if method in allowed:
            continue
        answer = call(demo.base, method, concrete(path))
        assert answer.status == 405, f"{method} {path}: {answer!r}"
        body = CONTRACT.check_response("#/components/responses/MethodNotAllowed", method, path, answer)
        assert body["error"]["code"] == "method_not_allowed", answer
        assert set(answer.headers["Allow"].split(", ")) == allowed, f"{method} {path}: Allow {answer.headers['Allow']}"


def test_any_method_off_the_routes_is_404_not_found(demo):
    # /api/v1/vms/{engine}/{id} and /api/v1/vms/{engine}/{id}/{action} are routes: one more part is off them.
    for method in PROBED_METHODS + ("HEAD",):
        for path in ("/no/such/path", "/api/v1/vms/extra/parts/and/more", "/api/v2/vms"):
            answer = call(demo.base, method, path)
            assert answer.status == 404 and answer.headers.get("X-Request-Id"), f"{method} {path}: {answer!r}"
            if method != "HEAD":
                CONTRACT.validate("#/components/schemas/APIError", answer.body)
                assert answer.body["error"]["code"] == "not_found", f"{method} {path}: {answer!r}"


@pytest.mark.parametrize("template", [path for method, path in operations() if method == "GET"])
def test_head_answers_every_get_with_its_headers_and_no_body(demo, template):
    get = call(demo.base, "GET", concrete(template))
    head = call(demo.base, "HEAD", concrete(template))
    assert head.raw == b"", head
    assert (head.status, head.media_type) == (get.status, get.media_type), (head, get)
    assert head.headers.get("X-Request-Id") and int(head.headers["Content-Length"]) > 0
    if template in ("/health", "/openapi.json", "/api/v1/jobs/{id}"):  # the same bytes every time
        assert int(head.headers["Content-Length"]) == len(get.raw), (head.headers, len(get.raw))
    # With the GET's query, and so its errors too.
    query = {"refresh": "maybe"} if template in ("/api/v1/vms", "/api/v1/hosts", "/api/v1/clusters") else None
    if query:
        refused = call(demo.base, "HEAD", template, query)
        assert (refused.status, refused.raw) == (400, b""), refused


@pytest.mark.xfail(STALE_BINARY, strict=False,
                   reason="the aggregator binary is older than the document, which it compiles in: rebuild it")
def test_the_server_serves_this_document(demo):
    answer = call(demo.base, "GET", "/openapi.json")
    assert answer.status == 200, answer
    assert answer.media_type == "application/json"
    assert answer.body == DOCUMENT, "GET /openapi.json differs from docs/openapi.json"


def test_metrics_are_prometheus_text(demo):
    call(demo.base, "GET", "/api/v1/vms")
    answer = call(demo.base, "GET", "/metrics")
    text = CONTRACT.check("GET", "/metrics", answer)
    samples = [line for line in text.splitlines() if line and not line.startswith("#")]
    assert samples, text
    for line in samples:
        name, _, value = line.rpartition(" ")
        assert name and (name[0].isalpha() or name[0] == "_"), line
        float(value)  # a number, +Inf, -Inf or NaN
    for line in text.splitlines():
        assert not line.startswith("#") or line.split(" ")[1] in ("HELP", "TYPE"), line


def test_listings_filters_and_inventory_answers_match_the_schema(demo):
    base = demo.base
    check = CONTRACT.check
    check("GET", "/health", call(base, "GET", "/health"))
    check("GET", "/ready", call(base, "GET", "/ready"))
    backends = check("GET", "/api/v1/backends", call(base, "GET", "/api/v1/backends"))
    assert [b["name"] for b in backends["items"]][:1] == ["e15-test"]

    for template in ("/api/v1/vms", "/api/v1/hosts", "/api/v1/clusters"):
        everything = check("GET", template, call(base, "GET", template))
        assert everything["complete"] is True and everything["count"] == everything["total"] > 0
        check("GET", template, call(base, "GET", template, {"engine": ["e15-test"], "refresh": "true"}))
        check("GET", template, call(base, "GET", template, {"engine": ["e15,k45", "n32"], "name": "e"}))
        first = everything["items"][0]
        exact = check("GET", template, call(base, "GET", template, {"name_exact": first["name"].upper(),
                                                                    "engine": first["engine"]}))
        assert [item["id"] for item in exact["items"]] == [first["id"]]

    vms = check("GET", "/api/v1/vms", call(base, "GET", "/api/v1/vms", {"status": "up"}))["items"]
    assert vms and all(vm["status"] == "up" for vm in vms)
    running = next(vm for vm in vms if vm.get("host") and vm["ip_addresses"])
    for query in ({"host": running["host"]}, {"ip": running["ip_addresses"][0]}, {"cluster": running["cluster"]}):
        found = check("GET", "/api/v1/vms", call(base, "GET", "/api/v1/vms", query))["items"]
        assert running["id"] in {vm["id"] for vm in found}, query
    check("GET", "/api/v1/hosts", call(base, "GET", "/api/v1/hosts", {"status": "up", "cluster": "Default"}))
    check("GET", "/api/v1/vms", call(base, "GET", "/api/v1/vms", {"name": "no-such-vm-anywhere"}))

    # refresh: the flag's spellings, any case; an empty value is no value.
    for value in ("YES", "no", "0", "1", "False", ""):
        check("GET", "/api/v1/clusters", call(base, "GET", "/api/v1/clusters", {"refresh": value}))

    for template in ("/{kind}/vm_list", "/{kind}/host_list", "/{kind}/cluster_list"):
        for kind, engines in (("ovirt", demo.engines), ("proxmox", demo.proxmox)):
            seed = check("GET", template, call(base, "GET", template.replace("{kind}", kind)))
            assert list(seed) == list(engines), "one member per engine of the kind, in configuration order"
        check("GET", template, call(base, "GET", concrete(template), {"refresh": "true"}))
        # The seed tool's refresh: anything but true, 1 or yes means no.
        check("GET", template, call(base, "GET", concrete(template), {"refresh": "maybe"}))

    # Proxmox items carry the engine's own status beside the common one.
    pve = next(iter(demo.proxmox))
    for template in ("/api/v1/vms", "/api/v1/hosts"):
        items = check("GET", template, call(base, "GET", template, {"engine": pve}))["items"]
        assert items and all(item["engine"] == pve and item.get("raw_status") for item in items), items
    seed = check("GET", "/{kind}/host_list", call(base, "GET", "/proxmox/host_list"))
    assert all(host.get("raw_status") for host in seed[pve]), seed
    kinds = {b["name"]: b["kind"] for b in check("GET", "/api/v1/backends", call(base, "GET", "/api/v1/backends"))["items"]}
    assert kinds[pve] == "proxmox" and kinds["e15-test"] == "ovirt"


@pytest.mark.parametrize("template", ["/api/v1/vms", "/api/v1/hosts", "/api/v1/clusters"])
def test_paging_with_the_cursor_walks_every_item_once(demo, template):
    whole = CONTRACT.check("GET", template, call(demo.base, "GET", template))["items"]
    seen, query, pages = [], {"limit": "4"}, 0
    while True:
        page = CONTRACT.check("GET", template, call(demo.base, "GET", template, query))
        pages += 1
        assert page["count"] == len(page["items"]) <= 4
        assert page["total"] == len(whole) - len(seen)
        seen += page["items"]
        if "next_cursor" not in page:
            break
        query = {"limit": "4", "cursor": page["next_cursor"]}
    assert [(i["engine"], i["id"]) for i in seen] == [(i["engine"], i["id"]) for i in whole]
    assert pages in (-(-len(whole) // 4), -(-len(whole) // 4) + 1)


def test_dry_runs_creates_and_jobs_match_the_schema(demo):
    base = demo.base
    check = CONTRACT.check
    seed_vm = (EXAMPLES / "create_vm.json").read_bytes()
    seed_vlan = (EXAMPLES / "create_vlan.json").read_bytes()
    api_vm = json.loads((EXAMPLES / "vm-ovirt.json").read_text())

    # Dry runs: the seed's files as a form and as JSON, and the API's own body.
    plan = check("POST", "/{kind}/create_vm", call(base, "POST", "/ovirt/create_vm", {"dry_run": "true"},
                                                   **multipart("jsonfile", "create_vm.json", seed_vm)))
    assert plan["dry_run"] is True and plan["items"][0]["plan"]["steps"]
    check("POST", "/{kind}/create_vlan", call(base, "POST", "/ovirt/create_vlan", {"dry_run": "1"},
                                              body=seed_vlan, headers={"Content-Type": "application/json"}))
    check("POST", "/api/v1/vms", call(base, "POST", "/api/v1/vms", {"dry_run": "true"}, **json_body(api_vm)))
    assert check("GET", "/api/v1/jobs", call(base, "GET", "/api/v1/jobs"))["count"] == 0

    # Creates: the seed's file through the form, the API's body as JSON.
    seed_jobs = check("POST", "/{kind}/create_vm", call(base, "POST", "/ovirt/create_vm",
                                                        **multipart("jsonfile", "create_vm.json", seed_vm)))
    api_jobs = check("POST", "/api/v1/vms", call(base, "POST", "/api/v1/vms", **json_body(api_vm)))
    jobs = seed_jobs["jobs"] + api_jobs["jobs"]
    assert [job["reused"] for job in jobs] == [False, False]

    # Their end: the same creates with ?wait= answer the same jobs once they ended (200).
    wait = {"wait": "300"}
    waited = check("POST", "/{kind}/create_vm", call(base, "POST", "/ovirt/create_vm", wait, timeout=360,
                                                      **multipart("jsonfile", "create_vm.json", seed_vm)))["jobs"]
    waited += check("POST", "/api/v1/vms", call(base, "POST", "/api/v1/vms", wait, timeout=360,
                                                 **json_body(api_vm)))["jobs"]
    assert [(job["id"], job["reused"]) for job in waited] == [(job["id"], True) for job in jobs], waited
    finished = [check("GET", "/api/v1/jobs/{id}", call(base, "GET", job["href"])) for job in jobs]
    assert [job["state"] for job in finished] == ["succeeded", "succeeded"], json.dumps(finished, indent=1)

    listed = check("GET", "/api/v1/jobs", call(base, "GET", "/api/v1/jobs", {"state": "succeeded", "limit": "10"}))
    assert {job["id"] for job in listed["jobs"]} == {job["id"] for job in jobs}
    check("GET", "/api/v1/jobs", call(base, "GET", "/api/v1/jobs", {"engine": "e15-test", "document_num": "7001"}))

    # Posting again answers the earlier job; a dry run shows it as the existing job.
    again = check("POST", "/api/v1/vms", call(base, "POST", "/api/v1/vms", {"wait": "5"}, **json_body(api_vm)))
    assert again["jobs"][0]["id"] == api_jobs["jobs"][0]["id"] and again["jobs"][0]["reused"] is True
    rerun = check("POST", "/{kind}/create_vm", call(base, "POST", "/ovirt/create_vm", {"dry_run": "true"},
                                                    **multipart("jsonfile", "create_vm.json", seed_vm)))
    assert rerun["items"][0]["existing_job"]["id"] == seed_jobs["jobs"][0]["id"]
    # A create that waits for its job answers it finished.
    vlan = check("POST", "/{kind}/create_vlan", call(base, "POST", "/ovirt/create_vlan", {"wait": "120"},
                                                     **multipart("jsonfile", "create_vlan.json", seed_vlan)))
    assert vlan["jobs"][0]["state"] == "succeeded"

    # Proxmox: the seed's create_vm file with a `proxmox` section as a dry run, the API's body for real.
    pve = next(iter(demo.proxmox))
    api_pve = {**json.loads((EXAMPLES / "vm-proxmox.json").read_text()), "engine": pve}
    item = json.loads(seed_vm)[0]
    item["proxmox"] = {"engine": pve, **api_pve["placement"]}
    del item["ovirt"]
    item["vm"].update(name="test-vm-12", hostname="test-vm-12", template=api_pve["template"])
    plan = check("POST", "/{kind}/create_vm", call(base, "POST", "/proxmox/create_vm", {"dry_run": "true"},
                                                   **multipart("jsonfile", "create_vm.json", json.dumps([item]).encode())))
    assert plan.get("dry_run") is True and plan["items"][0]["plan"]["kind"] == "proxmox", plan
    made = check("POST", "/api/v1/vms", call(base, "POST", "/api/v1/vms", {"wait": "120"}, **json_body(api_pve)))
    assert [(job["kind"], job["state"]) for job in made["jobs"]] == [("proxmox", "succeeded")], made
    check("GET", "/api/v1/jobs/{id}", call(base, "GET", made["jobs"][0]["href"]))
    listed = check("GET", "/api/v1/jobs", call(base, "GET", "/api/v1/jobs", {"engine": pve, "state": "", "limit": ""}))
    assert [job["id"] for job in listed["jobs"]] == [made["jobs"][0]["id"]]
    vm = check("GET", "/api/v1/vms", call(base, "GET", "/api/v1/vms", {"name_exact": api_pve["name"], "refresh": "yes"}))
    assert [(v["engine"], v["status"]) for v in vm["items"]] == [(pve, "up")] and vm["items"][0].get("raw_status")

    # The audit names what was asked for, whichever path it came by.
    trail = check("GET", "/api/v1/audit", call(base, "GET", "/api/v1/audit", {"limit": "100"}))["entries"]
    actions = {(e["path"], e["outcome"], e["action"]) for e in trail if e["method"] == "POST"}
    assert {("/api/v1/vms", "dry_run", "create_vm"), ("/api/v1/vms", "accepted", "create_vm"),
            ("/ovirt/create_vm", "dry_run", "create_vm"), ("/ovirt/create_vlan", "accepted", "create_vlan"),
            ("/proxmox/create_vm", "dry_run", "create_vm")} <= actions, actions


def test_error_answers_match_the_schema(demo):
    base = demo.base
    check = CONTRACT.check

    def error(method, template, path=None, query=None, code=None, status=None, **request):
        answer = call(base, method, path or template, query, **request)
        body = check(method, template, answer)
        assert answer.status == status and body["error"]["code"] == code, answer
        return body

    error("GET", "/api/v1/vms", query={"engine": "no-such-engine"}, status=400, code="unknown_engine")
    error("GET", "/api/v1/hosts", query={"colour": "blue"}, status=400, code="unknown_parameter")
    error("GET", "/api/v1/clusters", query={"status": "up"}, status=400, code="bad_filter")
    error("GET", "/api/v1/vms", query={"limit": "0"}, status=400, code="bad_limit")
    error("GET", "/api/v1/vms", query={"cursor": "not-a-cursor"}, status=400, code="bad_cursor")
    for template in ("/api/v1/vms", "/api/v1/hosts", "/api/v1/clusters"):
        refresh = error("GET", template, query={"refresh": "maybe"}, status=400, code="bad_parameter")
        assert refresh["error"]["fix"], refresh
    error("GET", "/api/v1/jobs", query={"state": "sleeping"}, status=400, code="bad_filter")
    for limit in ("1001", "0", "ten"):
        assert error("GET", "/api/v1/jobs", query={"limit": limit}, status=400, code="bad_limit")["error"]["fix"]
    engine = error("GET", "/api/v1/jobs", query={"engine": "no-such-engine"}, status=400, code="unknown_engine")
    assert "e15-test" in engine["error"]["fix"], engine
    error("GET", "/api/v1/audit", query={"outcome": "lost"}, status=400, code="bad_filter")
    error("GET", "/api/v1/jobs/{id}", "/api/v1/jobs/" + str(uuid.uuid4()), status=404, code="unknown_job")
    kind = error("GET", "/{kind}/vm_list", "/xenserver/vm_list", status=404, code="unknown_kind")
    assert "ovirt" in kind["error"]["fix"] and "proxmox" in kind["error"]["fix"], kind
    error("POST", "/{kind}/create_vm", "/xenserver/create_vm", status=404, code="unknown_kind",
          **json_body([]))

    # Uploads: not JSON, not an upload, and files with every problem listed.
    error("POST", "/api/v1/vms", status=400, code="missing_field", body=b"")
    for content_type in ("text/plain", "application/xml", "application/json; charset=windows-1251"):
        error("POST", "/api/v1/vms", status=415, code="unsupported_content_type", body=b"{}",
              headers={"Content-Type": content_type})
    untyped = raw_call(base, "POST", "/ovirt/create_vm?dry_run=true", body=(EXAMPLES / "create_vm.json").read_bytes())
    assert check("POST", "/{kind}/create_vm", untyped)["error"]["code"] == "unsupported_content_type", untyped
    assert untyped.status == 415, untyped
    error("POST", "/{kind}/create_vm", "/ovirt/create_vm", status=400, code="missing_field",
          **multipart("file", "create_vm.json", b"[]"))
    error("POST", "/api/v1/vms", query={"wait": "forever"}, status=400, code="bad_parameter", **json_body({}))
    error("POST", "/api/v1/vms", status=413, code="upload_too_large", body=b" " * (2 << 20),
          headers={"Content-Type": "application/json"})
    invalid = error("POST", "/{kind}/create_vm", "/ovirt/create_vm", status=422, code="invalid_request",
                    **multipart("jsonfile", "bad.json", b'[{"meta": {"document_num": 1}, "vm": 3}]'))
    assert {i["path"] for i in invalid["issues"]} == {"[0].ovirt", "[0].vlan", "[0].vm"}
    assert all(i["line"] == 1 for i in invalid["issues"])
    unknown = error("POST", "/api/v1/vms", status=422, code="invalid_request",
                    **json_body({**json.loads((EXAMPLES / "vm-ovirt.json").read_text()), "engine": "nowhere"}))
    assert [i["path"] for i in unknown["issues"]] == ["engine"]
    # A capability the engine's kind lacks: a VLAN on Proxmox is a NIC tag, not something create_vlan makes.
    pve = next(iter(demo.proxmox))
    vlan = json.loads((EXAMPLES / "create_vlan.json").read_text())
    vlan[0]["proxmox"] = {**vlan[0].pop("ovirt"), "engine": pve}
    unsupported = error("POST", "/{kind}/create_vlan", "/proxmox/create_vlan", status=422,
                        code="unsupported_capability", **json_body(vlan))
    assert [i["path"] for i in unsupported["issues"]] == ["[0].proxmox.engine"], unsupported
    syntax = error("POST", "/{kind}/create_vlan", "/ovirt/create_vlan", status=422, code="invalid_request",
                   body=b'[{"meta": }]', headers={"Content-Type": "application/json"})
    assert syntax["issues"][0]["line"] == 1 and syntax["issues"][0]["column"] > 1

    # Everything above that could change something is on the audit trail.
    audit = check("GET", "/api/v1/audit", call(base, "GET", "/api/v1/audit", {"outcome": "rejected", "limit": "50"}))
    assert audit["count"] >= 8 and all(entry["outcome"] == "rejected" for entry in audit["entries"])
    check("GET", "/api/v1/audit", call(base, "GET", "/api/v1/audit"))


def test_the_audit_names_create_vm_for_every_post_to_api_v1_vms(demo):
    refused = call(demo.base, "POST", "/api/v1/vms", body=b"{}", headers={"Content-Type": "text/plain"})
    assert CONTRACT.check("POST", "/api/v1/vms", refused)["error"]["code"] == "unsupported_content_type"
    trail = CONTRACT.check("GET", "/api/v1/audit", call(demo.base, "GET", "/api/v1/audit", {"outcome": "rejected"}))
    actions = {e["action"] for e in trail["entries"] if (e["method"], e["path"]) == ("POST", "/api/v1/vms")}
    assert actions == {"create_vm"}, actions


def test_refusals_match_the_schema(demo, tmp_path):
    # Without authentication, a request addressed to a name that is not loopback (DNS rebinding).
    answer = call(demo.base, "GET", "/api/v1/vms", headers={"Host": "rebound.example"})
    assert CONTRACT.check("GET", "/api/v1/vms", answer)["error"]["code"] == "untrusted_host"
    answer = call(demo.base, "POST", "/api/v1/vms", {"dry_run": "true"},
                  body=b"{}", headers={"Content-Type": "text/plain", "Origin": "http://evil.example"})
    assert CONTRACT.check("POST", "/api/v1/vms", answer)["error"]["code"] == "cross_site_request"

    # With tokens: no token, a role too low, and the admin's view of the trail.
    reader, reader_entry = new_token("openapi-reader", "reader")
    admin, admin_entry = new_token("openapi-admin", "admin")
    sim = Simulator(["e15-test"], vms=2, hosts=1)
    try:
        config = write_config(tmp_path / "backends.yaml", sim.urls,
                              extra=f"data_dir: {tmp_path / 'data'}\nauth:\n  tokens:\n{reader_entry}\n{admin_entry}\n")
        aggregator = Aggregator(config)
        try:
            base = aggregator.base
            for method, template in (("GET", "/api/v1/vms"), ("GET", "/"), ("POST", "/api/v1/vms")):
                answer = call(base, method, template, **(json_body({}) if method == "POST" else {}))
                assert CONTRACT.check(method, template, answer)["error"]["code"] == "unauthorized"
                assert answer.headers["WWW-Authenticate"].startswith("Bearer")
            bearer = {"Authorization": "Bearer " + reader}
            answer = call(base, "POST", "/ovirt/create_vlan", {"dry_run": "true"},
                          body=(EXAMPLES / "create_vlan.json").read_bytes(),
                          headers={**bearer, "Content-Type": "application/json"})
            assert CONTRACT.check("POST", "/{kind}/create_vlan", answer)["error"]["code"] == "forbidden"
            answer = call(base, "GET", "/api/v1/audit", headers=bearer)
            assert CONTRACT.check("GET", "/api/v1/audit", answer)["error"]["code"] == "forbidden"
            CONTRACT.check("GET", "/health", call(base, "GET", "/health"))
            audit = CONTRACT.check("GET", "/api/v1/audit", call(
                base, "GET", "/api/v1/audit", headers={"Authorization": "Bearer " + admin}))
            assert {e["outcome"] for e in audit["entries"]} == {"denied"}
            assert {e.get("auth_method") for e in audit["entries"]} == {None, "token"}
        finally:
            aggregator.stop()
    finally:
        sim.stop()


def test_answers_about_failed_engines_match_the_schema(tmp_path):
    # One engine that answers until it is stopped, one that never answers.
    sim = Simulator(["e15-test"], vms=2, hosts=1)
    try:
        engines = {**sim.urls, "down": f"http://127.0.0.1:{free_port()}/ovirt-engine/api"}
        config = write_config(tmp_path / "backends.yaml", engines, request_timeout="3s",
                              extra=f"data_dir: {tmp_path / 'data'}\n")
        aggregator = Aggregator(config)
        try:
            base = aggregator.base
            wait_until(lambda: CONTRACT.check("GET", "/ready", call(base, "GET", "/ready"))["status"] == "ready",
                       aggregator, timeout=60)
            listing = CONTRACT.check("GET", "/api/v1/vms", call(base, "GET", "/api/v1/vms"))
            assert listing["complete"] is False and [e["ok"] for e in listing["engines"]] == [True, False]
            seed = CONTRACT.check("GET", "/{kind}/host_list", call(base, "GET", "/ovirt/host_list"))
            assert list(seed["_errors"]) == ["down"]
            answer = call(base, "GET", "/api/v1/clusters", {"engine": "down"})
            failed = CONTRACT.check("GET", "/api/v1/clusters", answer)
            assert failed["error"]["code"] == "all_engines_failed" and failed["error"]["fix"], failed
            answer = call(base, "GET", "/ovirt/cluster_list")
            assert answer.status == 200 and CONTRACT.check("GET", "/{kind}/cluster_list", answer)["_errors"]
            backends = CONTRACT.check("GET", "/api/v1/backends", call(base, "GET", "/api/v1/backends"))
            assert [b["status"]["ok"] for b in backends["items"]] == [True, False]
            request = {**json.loads((EXAMPLES / "vm-ovirt.json").read_text()), "engine": "down"}
            answer = call(base, "POST", "/api/v1/vms", {"dry_run": "true"}, **json_body(request))
            assert CONTRACT.check("POST", "/api/v1/vms", answer)["error"]["code"] == "engine_unavailable"

            # The engine that answered goes away: its last good data is shown, marked stale.
            sim.kill()
            answer = call(base, "GET", "/api/v1/vms", {"engine": "e15-test", "refresh": "true"})
            listing = CONTRACT.check("GET", "/api/v1/vms", answer)
            assert listing["items"] and listing["engines"][0]["stale"] is True, listing["engines"]
            seed = CONTRACT.check("GET", "/{kind}/vm_list", call(base, "GET", "/ovirt/vm_list"))
            assert seed["e15-test"] and seed["_errors"]["e15-test"]["stale"] is True, seed["_errors"]
        finally:
            aggregator.stop()
    finally:
        sim.stop()


# --- schemathesis ---------------------------------------------------------------------------------------------------

SCHEMATHESIS_CONFIG = """
# Creates are sent in their dry-run form only: a real create starts a job that builds networks and
# VMs on a simulated engine for seconds each and stays in the job store, so hundreds of generated
# creates would swamp the run. Their validation, planning and every error answer are the same code
# with or without dry_run, and test_dry_runs_creates_and_jobs_match_the_schema covers real creates.
[parameters]
"query.dry_run" = "true"

# The same cases every run (Hypothesis's derandomized mode: a fixed seed per operation), and no
# example database written to the working directory.
[generation]
deterministic = true
database = "none"

# The coverage phase enumerates boundary values of every field of the upload bodies (about 1,700
# requests and 75 s for the three creates on two cores), past this suite's time budget; their
# examples and generated cases (positive and negative) still run.
[[operations]]
include-method = "POST"
phases.coverage.enabled = false

# The VM operations act on a VM the demo's Proxmox VE cluster has (pve-lab's seeded 100, web-01),
# so their generated requests reach the planning (refusals, plans) instead of ending 404 unknown_vm;
# dry runs only, as above. A delete names the VM as it must.
[[operations]]
include-path-regex = "^/api/v1/vms/[{]engine[}]/[{]id[}]"
parameters = {"path.engine" = "pve-lab", "path.id" = "100"}

[[operations]]
include-name = "DELETE /api/v1/vms/{engine}/{id}"
parameters = {"query.name" = "web-01"}

# Methods no operation of a path has (schemathesis's default set: GET, PUT, POST, DELETE, OPTIONS, PATCH,
# TRACE and QUERY) are sent to every path whose coverage phase runs: the server answers each with
# 405 and an Allow header that lists the path's documented methods and HEAD (unsupported_method,
# allow_header_conformance).
"""
CHECKS = ("not_a_server_error,response_schema_conformance,status_code_conformance,content_type_conformance,"
          "unsupported_method,allow_header_conformance")


def schemathesis(base, workdir):
    config = workdir / "schemathesis.toml"
    config.write_text(SCHEMATHESIS_CONFIG)
    command = [sys.executable, "-m", "schemathesis.cli", "--no-color", "--config-file", str(config), "run",
               str(DOCUMENT_PATH), "--url", base, "--checks", CHECKS, "--max-examples", "20",
               "--workers", "1", "--request-timeout", "60"]
    out = subprocess.run(command, cwd=workdir, capture_output=True, text=True, timeout=600)
    assert out.returncode == 0, f"schemathesis found problems:\n{out.stdout[-20000:]}\n{out.stderr[-5000:]}"
    return out.stdout


# The VM operations' paths, which the run must include.
VM_OPERATIONS = {("POST", "/api/v1/vms/{engine}/{id}/{action}"), ("DELETE", "/api/v1/vms/{engine}/{id}"),
                 ("POST", "/api/v1/vms/actions"), ("GET", "/api/v1/vms/{engine}/{id}")}


def test_schemathesis_finds_no_server_error_or_undocumented_answer(demo, tmp_path):
    assert VM_OPERATIONS <= set(operations()), "every VM operation is documented, so the run selects it"
    target = CONTRACT.check("GET", "/api/v1/vms/{engine}/{id}", call(demo.base, "GET", "/api/v1/vms/pve-lab/100"))
    assert target["name"] == "web-01", target
    output = schemathesis(demo.base, tmp_path)
    assert "Open API 3.1" in output and f"{len(list(operations()))} selected" in output, output
