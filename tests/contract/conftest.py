"""The generated-client test: a client made from the committed openapi/openapi.json by
openapi-python-client, in this run, used against a live kamscope on a real Kamailio lab
(scripts/contract.sh starts both and sets the KAMSCOPE_* variables below).

Each API area has its own test_<tag>.py, named after the spec's tag (the generated
client's `api/<tag>/` package). A new area adds its file; `api_call` records which
operations were called, and the run fails if any operation of the spec was not.
Tests marked `destructive` run after all the others.
"""

import importlib
import json
import os
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

SPEC = Path(os.environ["KAMSCOPE_SPEC"])
CLIENT_DIR = Path(os.environ["KAMSCOPE_CLIENT_DIR"])
API_URL = os.environ["KAMSCOPE_URL"].rstrip("/") + "/api/v1"
RPC_URL = os.environ["KAMSCOPE_RPC_URL"]
PACKAGE = "kamscope_client"


def _generate_client():
    """Runs the generator on the committed spec: a spec that it cannot turn into a whole
    client (an error, or a warning that some piece was skipped) fails the run."""
    out = CLIENT_DIR / PACKAGE
    CLIENT_DIR.mkdir(parents=True, exist_ok=True)
    bindir = Path(sys.executable).parent
    env = dict(os.environ, PATH=f"{bindir}:{os.environ.get('PATH', '')}")  # its ruff post-hook
    run = subprocess.run(
        [bindir / "openapi-python-client", "generate", "--path", str(SPEC),
         "--output-path", str(out), "--meta", "none", "--overwrite",
         "--config", str(Path(__file__).parent / "client-config.yaml")],
        capture_output=True, text=True, env=env,
    )
    log = run.stdout + run.stderr
    (CLIENT_DIR / "generate.log").write_text(log)
    if run.returncode != 0 or "Warning" in log or "Error" in log:
        pytest.exit(f"openapi-python-client could not generate a whole client from {SPEC}:\n{log}", 1)
    sys.path.insert(0, str(CLIENT_DIR))
    return importlib.import_module(PACKAGE)


client_pkg = _generate_client()
models = importlib.import_module(f"{PACKAGE}.models")


def _spec_operations():
    spec = json.loads(SPEC.read_text())
    return {op["operationId"]: f"{method.upper()} {path}"
            for path, item in spec["paths"].items()
            for method, op in item.items() if isinstance(op, dict) and "operationId" in op}


OPERATIONS = _spec_operations()
CALLED = set()


def operation(tag, operation_id):
    """The generated module of one operation, e.g. operation("usrloc", "list_registrations")."""
    return importlib.import_module(f"{PACKAGE}.api.{tag}.{operation_id}")


@pytest.fixture(scope="session")
def client():
    # An undocumented status raises errors.UnexpectedStatus: the spec must list every answer.
    return client_pkg.Client(base_url=API_URL, raise_on_unexpected_status=True, timeout=30.0)


@pytest.fixture(scope="session")
def api_call(client):
    """api_call(tag, operation_id, *path, **query) -> the generated client's Response."""

    def call(tag, operation_id, *args, **kwargs):
        CALLED.add(operation_id)
        return operation(tag, operation_id).sync_detailed(*args, client=client, **kwargs)

    return call


def rpc(method, *params):
    """One JSON-RPC call straight to Kamailio (the source the API is compared with)."""
    body = json.dumps({"jsonrpc": "2.0", "method": method, "params": list(params), "id": 1}).encode()
    req = urllib.request.Request(RPC_URL, data=body, headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(req, timeout=10) as r:
            return json.loads(r.read())
    except urllib.error.HTTPError as e:  # jsonrpcs answers an RPC error with HTTP 500
        return json.loads(e.read())


def rpc_result(method, *params):
    reply = rpc(method, *params)
    assert "result" in reply, f"{method} {params}: {reply}"
    return reply["result"]


def wait_until(what, predicate, seconds=15.0):
    deadline = time.monotonic() + seconds
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            pytest.fail(f"after {seconds:.0f} s still not true: {what}")
        time.sleep(0.2)


def follow_job(api_call, job_id, seconds=60.0):
    """Polls GET /jobs/{id} until the job has ended; returns the last Job."""
    def ended():
        r = api_call("jobs", "get_job", job_id)
        assert r.status_code == 200, r.content
        return r.parsed if r.parsed.state != models.JobState.RUNNING else None
    return wait_until(f"job {job_id} ends", ended, seconds)


def problem(response, status):
    """The answer as the client's typed problem, checked to be one with this status."""
    assert response.status_code == status, (response.status_code, response.content)
    assert response.headers["content-type"].startswith("application/problem+json")
    p = response.parsed
    assert isinstance(p, models.ProblemDetails), f"not parsed as ProblemDetails: {p!r}"
    assert p.status == status, p
    return p


def pytest_configure(config):
    config.addinivalue_line("markers", "destructive: changes the lab (runs after the read-only tests)")


def pytest_collection_modifyitems(config, items):
    items.sort(key=lambda item: item.get_closest_marker("destructive") is not None)


def pytest_sessionfinish(session, exitstatus):
    # Only a whole run can tell that an operation was left out.
    if os.environ.get("KAMSCOPE_REQUIRE_ALL_OPERATIONS") != "1" or session.testsfailed:
        return
    missing = sorted(f"{OPERATIONS[o]} ({o})" for o in set(OPERATIONS) - CALLED)
    if missing:
        print("\nthe generated-client test calls no: " + ", ".join(missing), file=sys.stderr)
        session.exitstatus = 1
