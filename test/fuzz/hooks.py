"""Schemathesis hooks for fuzzing jobpub's REST API (test gear only; see run.sh).

Loaded with SCHEMATHESIS_HOOKS=hooks (run.sh puts this folder on PYTHONPATH).

Checks (run.sh names them in --checks):
- exception_shape: every 4xx/5xx answer is JSON of exactly the spec's shape (api.md, Conventions)
  {"exception": {"name": str, "message": str, "details": str}}, no other keys, non-empty strings.
- exception_name_matches_status: `exception.name` is the one api.md's error table gives for the status.
- request_id_header: every answer carries x-request-id (api.md, Conventions).
- no_secret_in_response: no answer holds the admin token or password ($FUZZ_SECRETS) or the password
  of the connections steered below (api.md: nothing secret ever appears in a response).
- anonymous_is_refused (only with FUZZ_ANONYMOUS=1, run.sh's unauthenticated pass): every declared
  /v4 operation answers 401 AuthenticationFailed.

Other hooks:
- after_call counts every HTTP request schemathesis sends (all phases, shrinking included) by status
  and operation, and writes the tally to $FUZZ_STATS at exit: the figure issue 4 asks for.
- flatmap_case steers part of the valid fuzzing-phase cases to things that exist (the demo objects of
  JOBPUB_DEMO=true: job group 1, recipe 1, flow 1, DuckDB connection 1; the demo result files; valid
  connection bodies), so the fuzzer gets past "404 no such id" into the routes' own logic (embed,
  outputs, result checks, publish validation and enqueue, connection status). before_call turns a
  DELETE of id 1 into one of a missing id, so the demo objects stay for the whole run.
"""

from __future__ import annotations

import atexit
import json
import os
import pathlib
import threading
from collections import Counter
from urllib.parse import quote

import schemathesis
from hypothesis import strategies as st
from schemathesis import GenerationMode

# api.md, Conventions: HTTP status -> the exception names allowed for it. 500/503 are not in the
# table (a 5xx is a failure anyway, reported by not_a_server_error); their names come from
# src/api/schemas.ts so that a 5xx is still judged on its shape rather than on its name.
NAMES_BY_STATUS: dict[int, set[str]] = {
    400: {"ValidationFailed"},
    401: {"AuthenticationFailed"},
    403: {"AccessControlException"},
    404: {"DataNotFoundException", "RouteNotFoundException"},
    409: {"Conflict"},
    410: {"Gone"},
    415: {"UnsupportedMediaType"},
    429: {"TooManyRequestsException"},
    500: {"InternalError"},
    503: {"ServiceUnavailable"},
}

EXCEPTION_KEYS = {"name", "message", "details"}


def _body(response) -> object:
    try:
        return json.loads(response.content)
    except (ValueError, UnicodeDecodeError) as e:
        raise AssertionError(
            f"{response.status_code} body is not JSON ({e}): {response.content[:200]!r}"
        ) from None


def _exception(response) -> dict:
    """The `exception` object of an error answer, after asserting the whole shape."""
    ctype = response.headers.get("content-type", [""])
    ctype = ctype[0] if isinstance(ctype, list) else ctype
    assert ctype.split(";")[0].strip().lower() == "application/json", (
        f"{response.status_code} answer has content-type {ctype!r}, expected application/json"
    )
    body = _body(response)
    assert isinstance(body, dict) and set(body) == {"exception"}, (
        f'{response.status_code} body must be exactly {{"exception": {{...}}}}, got {str(body)[:300]}'
    )
    ex = body["exception"]
    assert isinstance(ex, dict) and set(ex) == EXCEPTION_KEYS, (
        f"exception must hold exactly name, message, details; got {str(ex)[:300]}"
    )
    for key in sorted(EXCEPTION_KEYS):
        assert isinstance(ex[key], str) and ex[key].strip(), (
            f"exception.{key} must be a non-empty string, got {ex[key]!r}"
        )
    return ex


@schemathesis.check
def exception_shape(ctx, response, case):
    """Every 4xx/5xx answer is the spec's exception JSON and nothing else."""
    if response.status_code < 400:
        return None
    _exception(response)
    return None


@schemathesis.check
def exception_name_matches_status(ctx, response, case):
    """`exception.name` is the name api.md's error table gives for the HTTP status."""
    if response.status_code < 400:
        return None
    ex = _exception(response)
    allowed = NAMES_BY_STATUS.get(response.status_code)
    assert allowed is not None, f"status {response.status_code} is not in api.md's error table"
    assert ex["name"] in allowed, (
        f"status {response.status_code} carries exception.name {ex['name']!r}, "
        f"expected {' or '.join(sorted(allowed))}"
    )
    return None


@schemathesis.check
def request_id_header(ctx, response, case):
    """api.md, Conventions: every response carries x-request-id."""
    value = response.headers.get("x-request-id")
    value = value[0] if isinstance(value, list) and value else value
    assert value, (
        f"{response.status_code} answer to {case.method} {case.formatted_path} has no x-request-id"
    )
    return None


# The admin's token and password (run.sh sets both) and the password of the connections steered below:
# api.md says no secret ever appears in a response.
CONNECTION_PASSWORD = "fuzz-conn-secret-5d1c"
SECRETS = [s for s in os.environ.get("FUZZ_SECRETS", "").split(",") if s] + [CONNECTION_PASSWORD]


@schemathesis.check
def no_secret_in_response(ctx, response, case):
    """No secret shows up in any answer, body or headers."""
    text = response.content.decode("utf-8", "replace") + json.dumps(dict(response.headers))
    for i, secret in enumerate(SECRETS):
        assert secret not in text, f"secret #{i} (see run.sh FUZZ_SECRETS) appears in the answer"
    return None


if os.environ.get("FUZZ_ANONYMOUS") == "1":

    @schemathesis.check
    def anonymous_is_refused(ctx, response, case):
        """Without valid credentials every declared /v4 operation answers 401 AuthenticationFailed."""
        ex = _exception(response) if response.status_code >= 400 else {"name": None}
        if response.status_code == 401 and ex["name"] == "AuthenticationFailed":
            return None
        # A method the document does not declare for the path (the coverage phase sends TRACE, QUERY,
        # ...) reaches no route, so there is nothing to protect: any refusal in the exception shape will
        # do. (api.md wants 404 RouteNotFoundException; QUERY without a Content-Type gets a 400
        # ValidationFailed from Fastify before routing: reported, see the fuzz note.)
        undeclared = case.method.upper() != case.operation.method.upper()
        if undeclared and 400 <= response.status_code < 500:
            return None
        # A path parameter over Fastify's maxParamLength (100) is refused by the router, before any
        # hook: a 400 that names no data (once src/app.ts maps router errors; see the fuzz note).
        params = case.path_parameters if isinstance(case.path_parameters, dict) else {}
        too_long = any(len(quote(str(v), safe="")) > 100 for v in params.values())
        if too_long and response.status_code == 400 and ex["name"] == "ValidationFailed":
            return None
        raise AssertionError(
            f"{case.method} {case.formatted_path} answered {response.status_code} "
            f"({ex['name']}) without valid credentials; expected 401 AuthenticationFailed"
        )


# ---- request tally --------------------------------------------------------------------------------

_lock = threading.Lock()
_by_status: Counter[int] = Counter()
_by_operation: dict[str, Counter[int]] = {}


@schemathesis.hook
def after_call(context, case, response):
    with _lock:
        _by_status[response.status_code] += 1
        op = f"{case.method.upper()} {case.path}"
        _by_operation.setdefault(op, Counter())[response.status_code] += 1


def _write_stats() -> None:
    path = os.environ.get("FUZZ_STATS")
    if not path:
        return
    with _lock:
        stats = {
            "requests": sum(_by_status.values()),
            "byStatus": {str(k): v for k, v in sorted(_by_status.items())},
            "byOperation": {
                op: {str(k): v for k, v in sorted(c.items())} for op, c in sorted(_by_operation.items())
            },
        }
    with open(path, "w", encoding="utf-8") as f:
        json.dump(stats, f, indent=1)


atexit.register(_write_stats)


# ---- steering towards the demo objects ------------------------------------------------------------
# Random ids and bodies mostly end in "404 no such id" or a 400 from the service's own rules (which
# the OpenAPI document does not carry, e.g. per-vendor connection fields). Part of the generated
# cases are therefore pointed at things that exist, so the fuzzer also reaches the routes' logic.
# Each part is steered or not by a drawn boolean, so the originals stay in the mix and the seed keeps
# the choice deterministic.

DEMO_ID = 1
DEMO_RESULTS = pathlib.Path(__file__).resolve().parents[2] / "demo" / "results"
DEMO_FILES = {"pqt": "orders.parquet", "avro": "orders.avro", "csv": "orders.csv", "json": "orders.json"}

# Connections the service accepts; none reaches a real server (port 9 on 127.0.0.1 refuses at once).
VALID_CONNECTIONS = [
    {"vendor": "duckdb", "params": {"path": "fuzz.duckdb"}},
    {
        "vendor": "postgres",
        "type": "jdbc",
        "host": "127.0.0.1",
        "port": 9,
        "params": {"database": "fuzz"},
        "credentialType": "basic",
        "credentials": [{"username": "fuzz", "password": CONNECTION_PASSWORD}],
    },
    {
        "vendor": "mysql",
        "type": "jdbc",
        "host": "127.0.0.1",
        "port": 9,
        "params": {"database": "fuzz"},
        "credentialType": "basic",
        "credentials": [{"username": "fuzz", "password": CONNECTION_PASSWORD}],
    },
]


def _demo_results(formats: list[str]) -> list[dict]:
    return [{"format": f, "uri": (DEMO_RESULTS / DEMO_FILES[f]).as_uri()} for f in formats]


def _steered_body(method: str, path: str, body: dict) -> st.SearchStrategy[dict] | None:
    if method == "PUT" and path == "/v4/jobGroups/{id}/publish":
        return st.just({**body, "connection": {"id": DEMO_ID}, "flowNodeId": DEMO_ID})
    if method == "POST" and path == "/v4/wrangledDatasets":
        return st.just({**body, "flow": {"id": DEMO_ID}})
    if method == "POST" and path == "/v4/jobGroups":
        formats = st.lists(st.sampled_from(sorted(DEMO_FILES)), min_size=1, max_size=4, unique=True)
        return formats.map(
            lambda fs: {**body, "wrangledDataset": {"id": DEMO_ID}, "results": _demo_results(fs)}
        )
    if method == "POST" and path == "/v4/connections":
        keep = {k: body[k] for k in ("name", "description", "isGlobal", "ssl") if k in body}
        return st.sampled_from(VALID_CONNECTIONS).map(lambda c: {"name": "fuzz", **keep, **c})
    return None


@schemathesis.hook
def flatmap_case(context, case):
    # Only valid cases of the fuzzing phase are steered: a negative case must stay invalid (or
    # negative_data_rejection would blame the service for what this hook did), and a stateful step
    # must keep the id its link took from the previous answer (or ensure_resource_availability would).
    meta = case._meta
    if meta is None or str(meta.phase.name) != "fuzzing":
        return st.just(case)
    if meta.generation.mode == GenerationMode.NEGATIVE:
        return st.just(case)
    method, path = case.method.upper(), case.operation.path
    options = []
    params = case.path_parameters
    if isinstance(params, dict) and "id" in params:
        ids = st.sampled_from([DEMO_ID, 2, 3])
        options.append(("path_parameters", ids.map(lambda i: {**params, "id": i})))
    body = case.body
    if isinstance(body, dict):
        steered = _steered_body(method, path, body)
        if steered is not None:
            options.append(("body", steered))
    if not options:
        return st.just(case)

    @st.composite
    def maybe_steer(draw):
        for attr, strategy in options:
            if draw(st.booleans()):
                setattr(case, attr, draw(strategy))
        return case

    return maybe_steer()


@schemathesis.hook
def before_call(context, case, kwargs):
    # Keep the demo objects for the whole run: a DELETE of id 1 (from any phase, stateful links
    # included) goes to an id that does not exist instead.
    params = case.path_parameters
    if case.method.upper() != "DELETE" or not isinstance(params, dict):
        return
    if str(params.get("id")) == str(DEMO_ID):
        params["id"] = 4242
