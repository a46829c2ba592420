"""Hostile and malformed input (issue 6 item 3).

Every case gets an AWS-style 4xx JSON error (`__type` + `message`) or a clean connection close,
never a 5xx, a crash or a hang; the server keeps serving; and nothing stored is damaged: one
emulator serves the whole module, a project, a build, state machines and executions are made
before the barrage, and after every test a valid request must succeed and those resources must
read exactly as before (the last test restarts the server, with SIGTERM and with SIGKILL, and
checks again). Cases already in test_protocol.py (the basic wrong types, unknown operation,
`{`, `not json`, trailing comma) are not repeated. Raw HTTP cases live in
fixtures/bad_input/http/ (see its README).
"""

from __future__ import annotations

import json
import os
import random
import re
import socket
import struct
import threading
import time
import types
from pathlib import Path

import pytest

from emulator import (EMULATOR_TASK, JSON_10, JSON_11, REPO_ROOT, SFN_ROLE, SFN_TARGET_PREFIX,
                      TARGET_PREFIX, Emulator, EmulatorDied, definition, project_input, wall)

CORPUS = REPO_ROOT / "fixtures" / "bad_input" / "http"
PAYLOAD_LIMIT = 262144  # Step Functions input/output limit (characters)
LONG_WAIT = 99999999    # seconds: the "running" execution never finishes during the module


# -- helpers ------------------------------------------------------------------------------------

def ct_for(target: str) -> str:
    return JSON_10 if target.startswith(SFN_TARGET_PREFIX) else JSON_11


def post(emu: Emulator, target: str | None, body: bytes | str | dict, content_type: str | None = "",
         headers: dict | None = None, timeout: float = 30.0):
    """Unsigned POST / (the emulator needs no signature); returns (status, headers, bytes)."""
    if isinstance(body, dict):
        body = json.dumps(body)
    hdrs = {}
    if target is not None:
        hdrs["X-Amz-Target"] = target
    if content_type == "":
        content_type = ct_for(target or "")
    if content_type is not None:
        hdrs["Content-Type"] = content_type
    hdrs.update(headers or {})
    return emu.http("POST", "/", body, hdrs, timeout=timeout)


def ok(emu: Emulator, target: str, body: dict | None = None) -> dict:
    status, _, data = post(emu, target, body or {})
    assert status == 200, (target, status, data[:500])
    return json.loads(data)


def cb(op: str) -> str:
    return TARGET_PREFIX + op


def sf(op: str) -> str:
    return SFN_TARGET_PREFIX + op


def error_type(status: int, data: bytes, statuses=range(400, 500)) -> str:
    """Checks an AWS-style JSON error and returns its __type without namespace."""
    assert status in statuses, (status, data[:500])
    body = json.loads(data)
    assert isinstance(body.get("__type"), str) and body["__type"], body
    assert isinstance(body.get("message"), str), body
    return body["__type"].split("#")[-1]


def assert_error(response, *types_: str, statuses=range(400, 500)) -> str:
    status, _, data = response
    got = error_type(status, data, statuses)
    if types_:
        assert got in types_, (got, types_, data[:300])
    return got


def exchange(port: int, data: bytes, *, shut_wr: bool = True, timeout: float = 10.0,
             chunk: int | None = None, delay: float = 0.0) -> bytes:
    """Sends raw bytes (optionally in slow chunks), half-closes, reads until the server closes.
    Fails on a hang (no close within `timeout`) and on a reset (not a clean close)."""
    s = socket.create_connection(("127.0.0.1", port), timeout=timeout)
    try:
        if chunk:
            for i in range(0, len(data), chunk):
                s.sendall(data[i:i + chunk])
                time.sleep(delay)
        else:
            try:
                s.sendall(data)
            except (BrokenPipeError, ConnectionResetError):
                pass  # the server answered and closed early; its answer is still readable
        if shut_wr:
            try:
                s.shutdown(socket.SHUT_WR)
            except OSError:
                pass
        out = b""
        while True:
            try:
                piece = s.recv(65536)
            except socket.timeout:
                raise AssertionError(f"no close within {timeout}s; got {out[:300]!r}")
            if not piece:
                return out
            out += piece
    finally:
        s.close()


def parse_responses(data: bytes) -> list[tuple[int, dict, bytes]]:
    """Splits a byte stream into HTTP/1.1 responses (Content-Length framing only)."""
    out = []
    while data:
        head, sep, rest = data.partition(b"\r\n\r\n")
        assert sep, f"truncated response head: {data[:300]!r}"
        lines = head.decode("latin-1").split("\r\n")
        version, status = lines[0].split(" ")[:2]
        assert version in ("HTTP/1.1", "HTTP/1.0"), lines[0]
        headers = {}
        for line in lines[1:]:
            k, _, v = line.partition(":")
            headers[k.strip().lower()] = v.strip()
        n = int(headers.get("content-length", "0"))
        assert len(rest) >= n, f"truncated body: {data[:300]!r}"
        out.append((int(status), headers, rest[:n]))
        data = rest[n:]
    return out


def assert_error_or_close(raw: bytes, allow_ok: bool = False) -> None:
    """A raw exchange ended with AWS-style 4xx JSON errors (or 200s when allowed) or nothing."""
    for status, headers, body in parse_responses(raw):
        if allow_ok and status == 200:
            continue
        error_type(status, body)
        assert headers.get("content-type", "").startswith("application/"), headers


def rst_close(s: socket.socket) -> None:
    """Close with RST instead of FIN (SO_LINGER 0)."""
    s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    s.close()


class CheapRequestProbe:
    """Sends ListProjects in a loop from another thread while a hostile case runs and keeps the
    worst answer time (issue 11: a hostile request must not starve the others)."""

    def __init__(self, emu: Emulator):
        self.emu = emu
        self.worst = 0.0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self):
        while not self._stop.is_set():
            t = time.monotonic()
            status, _, _ = post(self.emu, cb("ListProjects"), {})
            assert status == 200
            self.worst = max(self.worst, time.monotonic() - t)
            time.sleep(0.01)

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join(30)


def wait_terminal(emu: Emulator, arn: str, timeout: float = 20.0) -> dict:
    timeout = wall(timeout)
    deadline = time.monotonic() + timeout
    while True:
        d = ok(emu, sf("DescribeExecution"), {"executionArn": arn})
        if d["status"] != "RUNNING":
            return d
        assert time.monotonic() < deadline, f"{arn} still RUNNING after {timeout}s"
        time.sleep(0.05)


_names = iter(range(1, 1 << 30))


def fresh(prefix: str) -> str:
    return f"{prefix}-{next(_names)}"


# -- the shared emulator and what must survive ----------------------------------------------------

def make_baseline(emu: Emulator) -> dict:
    """Resources made before the barrage: a project with a finished build, a Pass machine with a
    finished execution, a Wait machine with a running execution."""
    ok(emu, cb("CreateProject"), project_input("intact-project"))
    build_id = ok(emu, cb("StartBuild"), {"projectName": "intact-project"})["build"]["id"]
    emu.advance(60)
    quick = ok(emu, sf("CreateStateMachine"), {
        "name": "intact-quick", "roleArn": SFN_ROLE, "definition": definition({
            "A": {"Type": "Pass", "Parameters": {"v.$": "$.v", "k": "é✓"}, "End": True}})})
    slow = ok(emu, sf("CreateStateMachine"), {
        "name": "intact-slow", "roleArn": SFN_ROLE, "definition": definition({
            "A": {"Type": "Pass", "Next": "W"},
            "W": {"Type": "Wait", "Seconds": LONG_WAIT, "Next": "B"},
            "B": {"Type": "Pass", "End": True}})})
    done = ok(emu, sf("StartExecution"), {"stateMachineArn": quick["stateMachineArn"],
                                          "name": "done", "input": '{"v": [1, "two", null]}'})
    running = ok(emu, sf("StartExecution"), {"stateMachineArn": slow["stateMachineArn"],
                                             "name": "running", "input": '{"x": 1}'})
    assert wait_terminal(emu, done["executionArn"])["status"] == "SUCCEEDED"
    base = {"build": build_id, "machines": [quick["stateMachineArn"], slow["stateMachineArn"]],
            "executions": [done["executionArn"], running["executionArn"]]}
    base["snapshot"] = snapshot(emu, base)
    assert base["snapshot"]["builds"][0]["buildStatus"] == "SUCCEEDED"
    assert base["snapshot"]["describe"][1]["status"] == "RUNNING"
    return base


def snapshot(emu: Emulator, base: dict) -> dict:
    return {
        "projects": ok(emu, cb("BatchGetProjects"), {"names": ["intact-project"]})["projects"],
        "builds": ok(emu, cb("BatchGetBuilds"), {"ids": [base["build"]]})["builds"],
        "machines": [ok(emu, sf("DescribeStateMachine"), {"stateMachineArn": a})
                     for a in base["machines"]],
        "describe": [ok(emu, sf("DescribeExecution"), {"executionArn": a})
                     for a in base["executions"]],
        "history": [ok(emu, sf("GetExecutionHistory"), {"executionArn": a})["events"]
                    for a in base["executions"]],
    }


@pytest.fixture(scope="module")
def shared(tmp_path_factory):
    emu = Emulator(clock="manual", extra_args=["--threads", "2", "--log-level", "info"],
                   work_dir=tmp_path_factory.mktemp("bad-input"))
    try:
        emu.start()
    except FileNotFoundError as e:
        pytest.fail(str(e), pytrace=False)
    holder = types.SimpleNamespace(emu=emu, baseline=make_baseline(emu))
    yield holder
    problems = emu.cleanup()
    assert not problems, "\n\n".join(problems)


@pytest.fixture(autouse=True)
def still_serving_and_intact(request, shared):
    """After every test: the shared server is alive, answers a valid request of each service,
    and the baseline resources are unchanged. A dead server is restarted (same data dir) so that
    one crash does not hide the other cases, and the test fails with its stderr."""
    emu = shared.emu
    request.node._scl_emulators = [emu]
    yield
    if emu.died():
        diag = emu.diagnostics()
        emu.start()
        raise EmulatorDied("the shared emulator died during this test\n" + diag)
    assert "projects" in ok(emu, cb("ListProjects"))
    assert "stateMachines" in ok(emu, sf("ListStateMachines"))
    assert snapshot(emu, shared.baseline) == shared.baseline["snapshot"]


@pytest.fixture
def emu(shared) -> Emulator:
    """Overrides conftest's per-test emulator: here every test uses the shared one."""
    return shared.emu


# -- JSON bodies ----------------------------------------------------------------------------------

CREATE = json.dumps(project_input("truncated-project"))
SER = "SerializationException"
CB_VAL = "InvalidInputException"
SF_VAL = "ValidationException"

JSON_CASES = [
    # (id, target, body, expected __type values; empty = any 4xx error)
    *[(f"truncated-at-{frac}", cb("CreateProject"), CREATE[:int(len(CREATE) * frac)], [SER])
      for frac in (0.1, 0.25, 0.5, 0.75, 0.99)],
    ("truncated-in-escape", cb("StartBuild"), '{"projectName": "a\\u00', [SER]),
    ("truncated-sfn", sf("StartExecution"), '{"stateMachineArn": "arn:aws:states:', [SER]),
    ("raw-nul-in-string", cb("StartBuild"), b'{"projectName": "a\x00b"}', [SER]),
    ("raw-newline-in-string", cb("StartBuild"), b'{"projectName": "a\nb"}', [SER]),
    ("nul-byte-between-tokens", cb("ListProjects"), b'{\x00}', [SER]),
    ("lone-continuation-byte", cb("StartBuild"), b'{"projectName": "\x80"}', [SER]),
    ("truncated-utf8-sequence", cb("StartBuild"), b'{"projectName": "\xe2\x82"}', [SER]),
    ("overlong-utf8", cb("StartBuild"), b'{"projectName": "\xc0\xaf"}', [SER]),
    ("utf8-encoded-surrogate", cb("StartBuild"), b'{"projectName": "\xed\xa0\x80"}', [SER]),
    ("utf8-above-u10ffff", cb("StartBuild"), b'{"projectName": "\xf4\x90\x80\x80"}', [SER]),
    ("invalid-utf8-in-key", cb("ListProjects"), b'{"\xff": 1}', [SER]),
    ("escaped-lone-surrogate", cb("StartBuild"), '{"projectName": "\\ud800"}', [SER]),
    ("escaped-reversed-surrogates", cb("StartBuild"), '{"projectName": "\\udc00\\ud800"}', [SER]),
    ("utf16-body", cb("ListProjects"), "\ufeff{}".encode("utf-16-le"), [SER]),
    ("invalid-utf8-sfn", sf("DescribeExecution"), b'{"executionArn": "\xfe\xff"}', [SER]),
    ("number-overflow-double", cb("StartBuild"),
     '{"projectName": "p", "timeoutInMinutesOverride": 1e999}', [SER]),
    ("number-overflow-int", cb("StartBuild"),
     '{"projectName": "p", "timeoutInMinutesOverride": 123456789012345678901234567890}', [SER]),
    ("nan-literal", cb("StartBuild"), '{"projectName": "p", "timeoutInMinutesOverride": NaN}', [SER]),
    ("infinity-literal", sf("ListExecutions"), '{"maxResults": -Infinity}', [SER]),
    ("leading-zeros", cb("StartBuild"), '{"projectName": "p", "timeoutInMinutesOverride": 007}', [SER]),
    ("hex-number", cb("StartBuild"), '{"projectName": "p", "timeoutInMinutesOverride": 0x10}', [SER]),
    ("single-quotes", cb("StartBuild"), "{'projectName': 'p'}", [SER]),
    ("comment", cb("ListProjects"), "{/* hi */}", [SER]),
    ("two-documents", cb("ListProjects"), "{}{}", [SER]),
    ("top-level-null", cb("ListProjects"), "null", [SER]),
    ("top-level-number", sf("ListStateMachines"), "42", [SER]),
    ("top-level-string", sf("ListStateMachines"), '"{}"', [SER]),
    ("top-level-true", cb("ListProjects"), "true", [SER]),
    ("deep-arrays-100k", cb("ListProjects"), "[" * 100000 + "]" * 100000, [SER]),
    ("deep-objects-100k", sf("ListStateMachines"), '{"a":' * 100000 + "1" + "}" * 100000, [SER]),
    ("deep-unclosed", cb("ListProjects"), "[" * 1000000, [SER]),
    ("deep-in-member", cb("StartBuild"), '{"projectName": "p", "x": ' + "[" * 300 + "]" * 300 + "}",
     [SER]),
    ("nested-255-wrong-type", cb("StartBuild"),
     '{"projectName": ' + "[" * 250 + "]" * 250 + "}", [SER]),
    # wrong member types (deeper than test_protocol.py's top-level cases)
    ("env-vars-as-string", cb("CreateProject"),
     json.dumps(project_input("wt1") | {"environment": dict(project_input("x")["environment"],
                                                         environmentVariables="A=1")}), [SER]),
    ("buildspec-as-number", cb("CreateProject"),
     json.dumps(project_input("wt2") | {"source": {"type": "NO_SOURCE", "buildspec": 2}}), [SER]),
    ("tags-as-strings", cb("CreateProject"), json.dumps(project_input("wt3") | {"tags": ["a", "b"]}),
     [SER]),
    ("ids-as-numbers", cb("BatchGetBuilds"), '{"ids": [1, 2]}', [SER]),
    ("ids-nested-lists", cb("BatchGetBuilds"), '{"ids": [["a"]]}', [SER]),
    # null list members: validation errors (they used to reach the services: HTTP 500)
    ("ids-with-null", cb("BatchGetBuilds"), '{"ids": ["a", null]}', [CB_VAL]),
    ("names-with-null", cb("BatchGetProjects"), '{"names": [null]}', [CB_VAL]),
    ("env-override-null-member", cb("StartBuild"),
     '{"projectName": "intact-project", "environmentVariablesOverride": [null]}', [CB_VAL]),
    ("sfn-tags-null-member", sf("TagResource"),
     '{"resourceArn": "arn:aws:states:us-east-1:123456789012:stateMachine:x", "tags": [null]}',
     [SF_VAL]),
    ("sfn-tag-keys-null-member", sf("UntagResource"),
     '{"resourceArn": "arn:aws:states:us-east-1:123456789012:stateMachine:x", "tagKeys": [null]}',
     [SF_VAL]),
    ("boolean-as-number", cb("StartBuild"), '{"projectName": "p", "privilegedModeOverride": 1}', [SER]),
    ("token-as-object", cb("ListBuilds"), '{"nextToken": {"a": 1}}', [SER]),
    ("sfn-input-as-object", sf("StartExecution"),
     '{"stateMachineArn": "arn:aws:states:us-east-1:123456789012:stateMachine:x", "input": {}}', [SER]),
    ("sfn-maxresults-as-string", sf("ListStateMachines"), '{"maxResults": "10"}', [SER]),
    ("sfn-definition-as-object", sf("CreateStateMachine"),
     json.dumps({"name": "wt", "roleArn": SFN_ROLE, "definition": {"StartAt": "A"}}), [SER]),
    ("sfn-tags-as-object", sf("TagResource"),
     '{"resourceArn": "arn:aws:states:us-east-1:123456789012:stateMachine:x", "tags": {"k": "v"}}',
     [SER]),
    ("sfn-reverse-as-string", sf("GetExecutionHistory"),
     '{"executionArn": "arn:aws:states:us-east-1:123456789012:execution:x:y", "reverseOrder": "yes"}',
     [SER]),
    ("sfn-logging-as-list", sf("CreateStateMachine"),
     json.dumps({"name": "wt", "roleArn": SFN_ROLE, "definition": "{}", "loggingConfiguration": []}),
     [SER]),
    # huge strings and arrays
    ("huge-description", cb("CreateProject"),
     json.dumps(project_input("huge-desc", description="d" * (1 << 20))), [CB_VAL]),
    ("huge-project-name", cb("CreateProject"), json.dumps(project_input("n" * (5 << 20))), [CB_VAL]),
    ("huge-start-build-name", cb("StartBuild"), json.dumps({"projectName": "p" * (5 << 20)}),
     ["ResourceNotFoundException", CB_VAL]),
    ("huge-sfn-name", sf("CreateStateMachine"),
     json.dumps({"name": "s" * (1 << 20), "roleArn": SFN_ROLE, "definition": "{}"}),
     [SF_VAL, "InvalidName", "InvalidDefinition"]),
    ("huge-execution-arn", sf("DescribeExecution"), json.dumps({"executionArn": "a" * (2 << 20)}),
     [SF_VAL, "InvalidArn"]),
    ("huge-ids-array", cb("BatchGetBuilds"), json.dumps({"ids": ["x"] * 500000}), [CB_VAL]),
    ("huge-names-array", cb("BatchGetProjects"), json.dumps({"names": ["p"] * 200000}), [CB_VAL]),
    ("huge-delete-array", cb("BatchDeleteBuilds"), json.dumps({"ids": ["x"] * 200000}), [CB_VAL]),
    ("huge-env-override", cb("StartBuild"),
     json.dumps({"projectName": "intact-project",
                 "environmentVariablesOverride": [{"name": "SIMULATE_STATUS", "value": "NOPE"}]
                 * 100000}), [CB_VAL]),
    ("huge-tag-list", sf("TagResource"),
     json.dumps({"resourceArn": "arn:aws:states:us-east-1:123456789012:stateMachine:nope",
                 "tags": [{"key": f"k{i}", "value": "v"} for i in range(50000)]}),
     [SF_VAL, "TooManyTags", "ResourceNotFound"]),
    ("huge-number-array", cb("BatchGetBuilds"), '{"ids": [' + ",".join(["1"] * 1000000) + "]}", [SER]),
]


@pytest.mark.parametrize("target,body,expected", [c[1:] for c in JSON_CASES],
                         ids=[c[0] for c in JSON_CASES])
def test_json_body_is_rejected_with_an_aws_error(emu, target, body, expected):
    """Malformed, truncated, mistyped, invalid-UTF-8, deeply nested and huge bodies: 400 with
    the expected __type (SerializationException for anything that is not a well-typed JSON
    object), in the service's own JSON content type."""
    status, headers, data = post(emu, target, body)
    assert_error((status, headers, data), *expected)
    assert headers["content-type"].startswith(ct_for(target)), headers


def test_unknown_members_by_the_thousand_are_ignored(emu):
    """Unknown members are ignored (JSON protocol), even 50,000 of them."""
    body = {f"unknown{i}": i for i in range(50000)}
    assert "projects" in json.loads(post(emu, cb("ListProjects"), body)[2])
    status, _, data = post(emu, sf("ListStateMachines"), body)
    assert status == 200, data[:300]


# -- targets, content types, methods, paths ------------------------------------------------------

@pytest.mark.parametrize("headers,expected", [
    ({}, "UnknownOperationException"),
    ({"X-Amz-Target": ""}, "UnknownOperationException"),
    ({"X-Amz-Target": "CodeBuild_20161006"}, "UnknownOperationException"),
    ({"X-Amz-Target": "CodeBuild_20161006."}, "UnknownOperationException"),
    ({"X-Amz-Target": ".ListProjects"}, "UnknownOperationException"),
    ({"X-Amz-Target": "AWSStepFunctions.ListProjects"}, "UnknownOperationException"),
    ({"X-Amz-Target": "CodeBuild_20161006.ListStateMachines"}, "UnknownOperationException"),
    ({"X-Amz-Target": "CodeBuild_20161006.CreateWebhook"}, "UnknownOperationException"),
    ({"X-Amz-Target": "AWSStepFunctions.CreateActivity"}, "UnknownOperationException"),
    ({"X-Amz-Target": "CodeBuild_20161006.ListProjects.Extra"}, "UnknownOperationException"),
    ({"X-Amz-Target": "CodeBuild_20161006." + "A" * 50000}, "UnknownOperationException"),
    ({"X-Amz-Target": "CodeBuild_20161006.List\u00e9Projects"}, "UnknownOperationException"),
], ids=["missing", "empty", "prefix-only", "prefix-dot", "operation-only", "sfn-prefix-cb-op",
        "cb-prefix-sfn-op", "unimplemented-cb", "unimplemented-sfn", "extra-dot", "50k-op",
        "latin1-op"])
def test_bad_targets(emu, headers, expected):
    target = headers.get("X-Amz-Target")
    hdrs = {"Content-Type": JSON_11, **headers}
    if target is not None:
        hdrs["X-Amz-Target"] = target.encode("utf-8").decode("latin-1")
    assert_error(emu.http("POST", "/", b"{}", hdrs), expected)


def test_target_header_is_case_insensitive_and_first_wins(emu):
    """HTTP header names are case-insensitive; with the header twice, a valid first one is used."""
    assert emu.http("POST", "/", b"{}", {"x-amz-target": cb("ListProjects")})[0] == 200
    raw = exchange(emu.port, b"POST / HTTP/1.1\r\nHost: localhost\r\nX-Amz-Target: " + cb("ListProjects").encode()
                   + b"\r\nX-Amz-Target: Nope.Nope\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{}")
    assert_error_or_close(raw, allow_ok=True)


@pytest.mark.parametrize("content_type,accepted", [
    (None, True),
    ("application/json", True),
    ("application/x-amz-json-1.1; charset=utf-8", True),
    ("application/x-amz-json-1.0", True),
    ("text/plain", False),
    ("text/xml", False),
    ("application/xml", False),
    ("multipart/form-data; boundary=xyz", False),
    ("application/x-www-form-urlencoded", False),
    ("application/x-amz-json-1.1x", False),
    ("application/json" + " " * 5000 + ";", True),
    ("\u00ff\u00fe", False),
], ids=["missing", "json", "charset", "json-1.0", "text", "text-xml", "xml", "multipart", "form",
        "suffix", "padded", "latin1"])
def test_content_types(emu, content_type, accepted):
    """Non-JSON content types: SerializationException; JSON ones are served."""
    response = post(emu, cb("ListProjects"), b"{}", content_type=content_type)
    if accepted:
        assert response[0] == 200, response
    else:
        assert_error(response, SER)


@pytest.mark.parametrize("method", ["GET", "PUT", "DELETE", "PATCH", "OPTIONS", "TRACE", "FOO"])
def test_wrong_methods(emu, method):
    """Only POST is an AWS request here: other methods get UnknownOperationException JSON."""
    assert_error(emu.http(method, "/", b"{}", {"X-Amz-Target": cb("ListProjects")}),
                 "UnknownOperationException")


def test_head_gets_headers_without_a_body(emu):
    """RFC 9110: a HEAD answer has no content, so the next answer on the connection is intact
    (the emulator used to send the body, which a client read as the next response)."""
    raw = exchange(emu.port, b"HEAD / HTTP/1.1\r\nHost: localhost\r\n\r\n"
                   b"HEAD /_emulator/health HTTP/1.1\r\nHost: localhost\r\n\r\n"
                   b"GET /_emulator/health HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")
    first, _, rest = raw.partition(b"\r\n\r\n")
    assert first.startswith(b"HTTP/1.1 400 "), raw[:300]
    second, _, rest = rest.partition(b"\r\n\r\n")
    assert second.startswith(b"HTTP/1.1 200 "), raw[:600]
    (status, _, body), = parse_responses(rest)
    assert status == 200 and json.loads(body)["status"] == "ok"


@pytest.mark.parametrize("path", ["/foo", "/?x=1", "//", "/" + "p" * 8000, "*",
                                  "http://example.com/", "/_emulator", "/_emulator/",
                                  "/_emulator/nope", "/_emulator/../_emulator/reset"])
def test_paths(emu, path):
    """Odd request targets: an AWS request is dispatched on X-Amz-Target whatever the path
    (200), admin paths that do not exist get a 404 JSON error; never anything else."""
    status, _, data = emu.http("POST", path, b"{}", {"X-Amz-Target": cb("ListProjects"),
                                                     "Content-Type": JSON_11})
    if status != 200:
        error_type(status, data)


@pytest.mark.parametrize("route,body", [
    ("clock/advance", b"\xff\xfe{{["),
    ("clock/advance", b'{"seconds": 1e400}'),
    ("clock/advance", b'{"seconds": -5}'),
    ("clock/advance", b'{"seconds": "5"}'),
    ("clock/advance", b"[" * 100000),
    ("clock/set", b'{"now": 1}'),
    ("clock/set", b'{"now": 1e300}'),
    ("health", b"{}"),
], ids=["garbage", "overflow", "negative", "string", "deep", "backwards", "far-future",
        "post-to-get-route"])
def test_bad_control_requests(emu, route, body):
    """/_emulator/ routes: bad bodies get a JSON 4xx, the clock does not move."""
    before = emu.now()
    status, _, data = emu.http("POST", "/_emulator/" + route, body,
                               {"Content-Type": "application/json"})
    error_type(status, data)
    assert emu.now() == before


# -- raw bytes that are not (quite) HTTP ---------------------------------------------------------

LENIENT = {"request-line-http-9.9.bin", "header-space-before-colon.bin", "header-obs-fold.bin",
           "header-value-ctl.bin"}  # a parser may take these as HTTP/1.x; a 200 is fine


def corpus():
    files = sorted(CORPUS.glob("*.bin"))
    assert len(files) >= 20, CORPUS
    return files


@pytest.mark.parametrize("path", corpus(), ids=lambda p: p.stem)
def test_raw_corpus(emu, path):
    raw = exchange(emu.port, path.read_bytes())
    assert_error_or_close(raw, allow_ok=path.name in LENIENT)


@pytest.mark.parametrize("case", ["header-line-100k", "headers-20000", "request-target-100k",
                                  "random-bytes"])
def test_raw_generated(emu, case):
    if case == "header-line-100k":
        data = b"POST / HTTP/1.1\r\nHost: localhost\r\nX-Pad: " + b"a" * 100000 + b"\r\n\r\n"
    elif case == "headers-20000":
        data = b"POST / HTTP/1.1\r\nHost: localhost\r\n" + b"".join(
            b"X-H%d: v\r\n" % i for i in range(20000)) + b"\r\n"
    elif case == "request-target-100k":
        data = b"POST /" + b"a" * 100000 + b" HTTP/1.1\r\nHost: localhost\r\n\r\n"
    else:
        seed = random.randrange(1 << 30)
        print(f"random-bytes seed {seed}")
        rng = random.Random(seed)
        for _ in range(20):
            blob = bytes(rng.randrange(256) for _ in range(rng.randrange(1, 3000)))
            assert_error_or_close(exchange(emu.port, blob))
        return
    assert_error(parse_responses(exchange(emu.port, data))[0], SER)


# -- body size --------------------------------------------------------------------------------------

def test_ten_mib_body_gets_413_that_the_client_can_read(emu):
    """A 10 MiB body is over --max-body-bytes (6 MiB): HTTP 413 RequestEntityTooLargeException.
    The server reads and discards what the client still sends before closing, so a client that
    writes the whole body before reading (http.client, every SDK) gets the 413 instead of
    "broken pipe" / "connection reset"."""
    body = b'{"projectName": "' + b"x" * (10 << 20) + b'"}'
    for _ in range(2):
        assert_error(post(emu, cb("StartBuild"), body), "RequestEntityTooLargeException",
                     statuses=[413])
    body = b'{"input": "' + b"x" * (10 << 20) + b'"}'
    assert_error(post(emu, sf("StartExecution"), body), "RequestEntityTooLargeException",
                 statuses=[413])


def test_ten_mib_chunked_body_gets_413(emu):
    head = (b"POST / HTTP/1.1\r\nHost: localhost\r\nX-Amz-Target: " + cb("StartBuild").encode()
            + b"\r\nTransfer-Encoding: chunked\r\n\r\n")
    chunk = b"x" * (1 << 20)
    data = head + (b"%x\r\n" % len(chunk) + chunk + b"\r\n") * 10 + b"0\r\n\r\n"
    (response,) = parse_responses(exchange(emu.port, data))
    assert_error(response, "RequestEntityTooLargeException", statuses=[413])


def test_content_length_over_the_limit_is_refused_before_the_body(emu):
    """The 413 comes from the header alone: nothing needs to be sent."""
    data = (b"POST / HTTP/1.1\r\nHost: localhost\r\nX-Amz-Target: " + cb("StartBuild").encode()
            + b"\r\nContent-Length: 99999999999\r\n\r\n{")
    (response,) = parse_responses(exchange(emu.port, data))
    assert_error(response, "RequestEntityTooLargeException", statuses=[413])
    # The HTTP layer's own answers carry a request id like every other answer.
    assert re.fullmatch(r"[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}",
                        response[1].get("x-amzn-requestid", "")), response[1]


def test_expect_100_continue_is_answered_before_the_body(emu):
    """curl sends `Expect: 100-continue` for bodies over 1 KiB and waits (1 s) for an interim
    100 before sending the body; the server answers at once, then answers the request."""
    body = b'{"sortBy": "NAME"' + b" " * 2000 + b"}"
    head = (b"POST / HTTP/1.1\r\nHost: localhost\r\nX-Amz-Target: " + cb("ListProjects").encode()
            + b"\r\nContent-Type: application/x-amz-json-1.1\r\nExpect: 100-continue"
            + b"\r\nContent-Length: " + str(len(body)).encode() + b"\r\n\r\n")
    s = socket.create_connection(("127.0.0.1", emu.port), timeout=0.5)
    try:
        s.sendall(head)
        interim = s.recv(4096)  # socket.timeout here means no 100 came
        assert interim == b"HTTP/1.1 100 Continue\r\n\r\n", interim
        s.sendall(body)
        s.shutdown(socket.SHUT_WR)
        s.settimeout(10)
        out = b""
        while piece := s.recv(65536):
            out += piece
    finally:
        s.close()
    ((status, headers, payload),) = parse_responses(out)
    assert status == 200 and "projects" in json.loads(payload), (status, payload)
    assert headers.get("x-amzn-requestid"), headers
    # Over the limit: refused from the header, without inviting the body.
    data = (b"POST / HTTP/1.1\r\nHost: localhost\r\nX-Amz-Target: " + cb("StartBuild").encode()
            + b"\r\nExpect: 100-continue\r\nContent-Length: 99999999999\r\n\r\n")
    (response,) = parse_responses(exchange(emu.port, data))
    assert_error(response, "RequestEntityTooLargeException", statuses=[413])


def test_max_body_bytes_flag(start_emulator):
    """README: --max-body-bytes N; N bytes are accepted, N+1 get 413; the server goes on."""
    small = start_emulator("manual", ["--max-body-bytes", "4096"])
    filler = 4096 - len(b'{"projectName": ""}')
    exact = b'{"projectName": "' + b"x" * filler + b'"}'
    assert len(exact) == 4096
    assert_error(post(small, cb("StartBuild"), exact), "ResourceNotFoundException")
    over = b'{"projectName": "' + b"x" * (filler + 1) + b'"}'
    assert_error(post(small, cb("StartBuild"), over), "RequestEntityTooLargeException",
                 statuses=[413])
    assert post(small, cb("ListProjects"), b"{}")[0] == 200


# -- connections: slow, half-closed, reset, pipelined ----------------------------------------------

def valid_request(target: str = cb("ListProjects"), close: bool = False) -> bytes:
    return (b"POST / HTTP/1.1\r\nHost: localhost\r\nX-Amz-Target: " + target.encode()
            + b"\r\nContent-Type: " + ct_for(target).encode() + b"\r\nContent-Length: 2\r\n"
            + (b"Connection: close\r\n" if close else b"") + b"\r\n{}")


def test_slow_clients_do_not_block_others(emu):
    """Slowloris: 30 clients send a request a byte at a time and 20 stop half-way through
    their headers; meanwhile other requests are served promptly, and each slow client gets its
    answer once its request is complete."""
    results, errors = {}, []
    stalled = []
    for _ in range(20):
        s = socket.create_connection(("127.0.0.1", emu.port), timeout=10)
        s.sendall(b"POST / HTTP/1.1\r\nHost: localhost\r\nX-Amz-Tar")
        stalled.append(s)

    def slow(i):
        try:
            results[i] = exchange(emu.port, valid_request(close=True), chunk=1, delay=0.008)
        except Exception as e:  # noqa: BLE001 - reported below
            errors.append(repr(e))

    threads = [threading.Thread(target=slow, args=(i,)) for i in range(30)]
    for t in threads:
        t.start()
    latencies = []
    while any(t.is_alive() for t in threads):
        started = time.monotonic()
        ok(emu, sf("ListStateMachines"))
        latencies.append(time.monotonic() - started)
    for t in threads:
        t.join()
    for s in stalled:
        s.close()
    assert errors == []
    assert len(latencies) > 20 and max(latencies) < 1.0, (len(latencies), max(latencies))
    for raw in results.values():
        (status, _, body), = parse_responses(raw)
        assert status == 200 and "projects" in json.loads(body)


@pytest.mark.parametrize("sent", [
    b"",
    b"POST / HTTP/1.1\r\nHost: localhost\r\n",
    b"POST / HTTP/1.1\r\nHost: localhost\r\nContent-Length: 50\r\n\r\n{\"projectName\"",
    b"POST / HTTP/1.1\r\nHost: localhost\r\nTransfer-Encoding: chunked\r\n\r\n5\r\n{\"a\"",
], ids=["nothing", "headers-half", "body-half", "chunked-half"])
def test_half_closed_partial_requests(emu, sent):
    """shutdown(SHUT_WR) after a partial request: a 4xx JSON error or a clean close, at once."""
    started = time.monotonic()
    assert_error_or_close(exchange(emu.port, sent, timeout=5))
    assert time.monotonic() - started < 3


def test_half_closed_after_a_complete_request_still_gets_its_answer(emu):
    raw = exchange(emu.port, valid_request(sf("ListStateMachines")), timeout=5)
    (status, _, body), = parse_responses(raw)
    assert status == 200 and "stateMachines" in json.loads(body)


def test_connections_reset_mid_request(emu):
    """200 clients vanish with RST at every stage of a request."""
    request = valid_request(cb("StartBuild"))
    for i in range(200):
        s = socket.create_connection(("127.0.0.1", emu.port), timeout=5)
        s.sendall(request[:i % len(request)])
        rst_close(s)
    assert "projects" in ok(emu, cb("ListProjects"))


def test_pipelined_requests_answer_in_order(emu):
    """30 requests in one write, valid and invalid mixed: 30 answers in order, then close."""
    kinds = []
    data = b""
    for i in range(30):
        k = i % 5
        kinds.append(k)
        if k == 0:
            data += valid_request(cb("ListProjects"))
        elif k == 1:
            data += valid_request(sf("ListStateMachines"))
        elif k == 2:
            data += (b"POST / HTTP/1.1\r\nHost: localhost\r\nX-Amz-Target: " + cb("StartBuild").encode()
                     + b"\r\nContent-Length: 1\r\n\r\n{")
        elif k == 3:
            data += (b"POST / HTTP/1.1\r\nHost: localhost\r\nX-Amz-Target: Nope.Nope\r\n"
                     b"Content-Length: 2\r\n\r\n{}")
        else:
            data += b"GET /_emulator/health HTTP/1.1\r\nHost: localhost\r\n\r\n"
    data += valid_request(cb("ListProjects"), close=True)
    kinds.append(0)
    responses = parse_responses(exchange(emu.port, data, shut_wr=False))
    assert len(responses) == len(kinds)
    for k, (status, _, body) in zip(kinds, responses):
        parsed = json.loads(body)
        if k == 0:
            assert status == 200 and "projects" in parsed
        elif k == 1:
            assert status == 200 and "stateMachines" in parsed
        elif k == 2:
            assert status == 400 and parsed["__type"] == SER
        elif k == 3:
            assert status == 400 and parsed["__type"].endswith("UnknownOperationException")
        else:
            assert status == 200 and parsed["status"] == "ok"


def test_pipeline_stops_at_a_malformed_request(emu):
    """Answers for the requests before a malformed one, a 400 for it, then the connection
    closes: the requests after it are never run."""
    data = (valid_request() * 3 + b"BROKEN\x00 / HTTP/1.1\r\n\r\n"
            + valid_request(cb("StartBuild")) * 3)
    responses = parse_responses(exchange(emu.port, data))
    assert [r[0] for r in responses] == [200, 200, 200, 400], responses
    assert_error(responses[3], SER)


def test_sync_execution_whose_client_left(emu):
    """StartSyncExecution answers after a simulated Wait; 40 clients ask and half of them leave
    (FIN or RST) before the answer. The answers to the others arrive, nothing breaks."""
    arn = ok(emu, sf("CreateStateMachine"), {
        "name": fresh("express"), "roleArn": SFN_ROLE, "type": "EXPRESS",
        "definition": definition({"W": {"Type": "Wait", "Seconds": 10, "End": True}})})[
        "stateMachineArn"]
    body = json.dumps({"stateMachineArn": arn, "input": '{"k": 1}'}).encode()
    request = (b"POST / HTTP/1.1\r\nHost: localhost\r\nX-Amz-Target: AWSStepFunctions.StartSyncExecution\r\n"
               b"Content-Type: application/x-amz-json-1.0\r\nContent-Length: %d\r\n\r\n"
               % len(body) + body)
    socks = []
    for i in range(40):
        s = socket.create_connection(("127.0.0.1", emu.port), timeout=10)
        s.sendall(request)
        socks.append(s)
    time.sleep(0.2)
    for i, s in enumerate(socks):
        if i % 4 == 0:
            rst_close(s)
        elif i % 4 == 1:
            s.close()
    emu.advance(11)
    for i, s in enumerate(socks):
        if i % 4 < 2:
            continue
        s.shutdown(socket.SHUT_WR)  # after its answer the server sees the end and closes
        data = b""
        while piece := s.recv(65536):
            data += piece
        s.close()
        (status, _, out), = parse_responses(data)
        assert status == 200 and json.loads(out)["status"] == "SUCCEEDED", out


def test_accept_errors_do_not_spin(tmp_path):
    """With its file descriptors exhausted (RLIMIT_NOFILE 64, 100 open connections) the server
    neither spins on accept() nor floods its log, and it serves again once they are closed.
    (It used to retry accept at once: a core at 100% and ~6 MB of warnings a second.)"""
    class Limited(Emulator):
        @property
        def argv(self):
            return ["prlimit", "--nofile=64:64", "--"] + super().argv

    if not Path("/usr/bin/prlimit").exists():
        pytest.skip("prlimit (util-linux) not installed")
    emu = Limited(clock="manual", extra_args=["--threads", "2", "--log-level", "info"],
                  work_dir=tmp_path)
    emu.start()
    if "/libubsan." in Path(f"/proc/{emu.proc.pid}/maps").read_text():
        emu.cleanup()
        # GCC's libubsan starts at its first check: it reads UBSAN_OPTIONS from
        # /proc/self/environ and probes memory through a pipe, so at the descriptor limit a vptr
        # check reports a false "invalid vptr" and halts, and no option or suppression applies.
        pytest.skip("UBSan build: its runtime needs free descriptors (false 'invalid vptr' at "
                    "the limit)")
    socks = []
    try:
        for _ in range(100):
            socks.append(socket.create_connection(("127.0.0.1", emu.port), timeout=5))
        time.sleep(0.3)
        usage = Path(f"/proc/{emu.proc.pid}/stat").read_text().split()
        cpu_before = int(usage[13]) + int(usage[14])
        size_before = emu.stderr_path.stat().st_size
        time.sleep(1.0)
        usage = Path(f"/proc/{emu.proc.pid}/stat").read_text().split()
        cpu = (int(usage[13]) + int(usage[14]) - cpu_before) / os.sysconf("SC_CLK_TCK")
        grown = emu.stderr_path.stat().st_size - size_before
        assert cpu < 0.3, f"{cpu:.2f}s of CPU in 1s while out of descriptors"
        assert grown < 10000, f"stderr grew {grown} bytes in 1s"
    finally:
        for s in socks:
            s.close()
    try:
        time.sleep(0.3)
        assert emu.http("GET", "/_emulator/health")[0] == 200
    finally:
        problems = emu.cleanup()
    assert not problems, problems


# -- CodeBuild inputs that cost too much (known bugs outside this suite's reach) ------------------

# Was O(n^2) in merge_env_vars: 20,000 entries held a server thread ~50 s.
def test_start_build_with_40000_env_overrides(start_emulator):
    emu = start_emulator("manual")
    ok(emu, cb("CreateProject"), project_input("many-vars"))
    envs = [{"name": f"V{i}", "value": "x" * 100, "type": "PLAINTEXT"} for i in range(40000)]
    started = time.monotonic()
    status, _, _ = post(emu, cb("StartBuild"), {"projectName": "many-vars",
                                                "environmentVariablesOverride": envs}, timeout=20)
    assert status == 200 and time.monotonic() - started < wall(5)


# Was: read_file read any path to its end (1.6 GB in 8 s from /dev/zero, a FIFO blocked forever).
def test_report_file_that_never_ends(start_emulator):
    emu = start_emulator("manual")
    ok(emu, cb("CreateProject"), project_input("zero-report"))
    build = ok(emu, cb("StartBuild"), {
        "projectName": "zero-report",
        "buildspecOverride": "version: 0.2\nreports:\n  r:\n    files: ['x']\n",
        "environmentVariablesOverride": [{"name": "SIMULATE_REPORT_FILE", "value": "/dev/zero",
                                          "type": "PLAINTEXT"}]})["build"]
    status, _, _ = emu.http("POST", "/_emulator/clock/advance", b'{"seconds": 100}',
                            {"Content-Type": "application/json"}, timeout=10)
    assert status == 200
    got = ok(emu, cb("BatchGetBuilds"), {"ids": [build["id"]]})["builds"][0]
    assert got["buildComplete"]


# -- Amazon States Language: definitions -----------------------------------------------------------

def nested_parallel(n: int) -> str:
    s = '{"Type":"Pass","End":true}'
    for i in range(n):
        s = '{"Type":"Parallel","Branches":[{"StartAt":"S%d","States":{"S%d":%s}}],"End":true}' % (
            i, i, s)
    return '{"StartAt":"Top","States":{"Top":%s}}' % s


def nested_map(n: int) -> str:
    s = '{"Type":"Pass","End":true}'
    for i in range(n):
        s = ('{"Type":"Map","ItemProcessor":{"ProcessorConfig":{"Mode":"INLINE"},'
             '"StartAt":"S%d","States":{"S%d":%s}},"End":true}' % (i, i, s))
    return '{"StartAt":"Top","States":{"Top":%s}}' % s


def chain(n: int) -> str:
    states = {f"S{i}": {"Type": "Pass", "Next": f"S{i + 1}"} for i in range(n)}
    states[f"S{n}"] = {"Type": "Succeed"}
    return json.dumps({"StartAt": "S0", "States": states}, separators=(",", ":"))


def choice(rule: str) -> str:
    return ('{"StartAt":"C","States":{"C":{"Type":"Choice","Choices":[%s],"Default":"E"},'
            '"E":{"Type":"Succeed"}}}' % rule)


def not_rule(n: int) -> str:
    return '{"Not":' * n + '{"Variable":"$.a","IsPresent":true}' + "}" * (n - 1) + ',"Next":"E"}'


def and_rule(n: int) -> str:
    return ('{"And":[' * n + '{"Variable":"$.a","IsPresent":true}' + "]}" * (n - 1)
            + '],"Next":"E"}')


def pass_with(**fields) -> str:
    return definition({"P": {"Type": "Pass", "End": True, **fields}})


def param(expr: str) -> str:
    return pass_with(Parameters={"x.$": expr})


HUGE_CHOICE = ('{"StartAt":"C","States":{"C":{"Type":"Choice","Choices":['
               + ",".join('{"Variable":"$.a","StringEquals":"%d","Next":"E"}' % i
                          for i in range(15000))
               + '],"Default":"E"},"E":{"Type":"Succeed"}}}')

DEFINITIONS = [
    # (id, definition text, valid?)
    ("parallel-nested-249", nested_parallel(249), True),
    ("parallel-nested-300", nested_parallel(300), False),
    ("map-nested-300", nested_map(300), True),
    ("map-nested-400", nested_map(400), False),
    ("states-10000", chain(10000), True),
    ("choice-rules-15000", HUGE_CHOICE, True),
    ("choice-not-900", choice(not_rule(900)), True),
    ("choice-not-10000", choice(not_rule(10000)), False),
    ("choice-and-495", choice(and_rule(495)), True),
    ("choice-and-10000", choice(and_rule(10000)), False),
    ("path-dotdot", pass_with(InputPath="$..a..b"), True),
    ("path-star-star-star", pass_with(InputPath="$[*][*][*]"), True),
    ("path-dotdot-star", pass_with(OutputPath="$..*"), True),
    ("path-filter", pass_with(InputPath="$.a[?(@.b > 1)]"), True),
    ("path-200k-segments", pass_with(InputPath="$" + ".a" * 200000), True),
    ("path-100k-brackets", pass_with(InputPath="$" + "['a']" * 100000), True),
    ("path-filter-parens-5000", pass_with(InputPath="$[?(" + "(" * 5000 + "@.a" + ")" * 5000 + ")]"),
     False),
    ("path-filter-not-100k", pass_with(InputPath="$[?(" + "!" * 100000 + "@.a)]"), False),
    ("path-unclosed-bracket", pass_with(InputPath="$["), False),
    ("path-trailing-dot", pass_with(InputPath="$."), False),
    ("path-bare-dotdot", pass_with(InputPath="$.."), False),
    ("path-no-dollar", pass_with(InputPath="a.b"), False),
    ("path-huge-index", pass_with(InputPath="$[99999999999999999999999]"), False),
    ("path-nul", pass_with(InputPath="$.a\u0000b"), None),
    ("format-nested-1000", param("States.Format(" * 1000 + "'a'" + ")" * 1000), True),
    ("format-nested-1001", param("States.Format(" * 1001 + "'a'" + ")" * 1001), False),
    ("format-nested-50000", param("States.Format(" * 50000 + "'a'" + ")" * 50000), False),
    ("format-unclosed-50000", param("States.Format(" * 50000), False),
    ("format-100k-backslashes", param("States.Format('" + "\\\\" * 100000 + "')"), True),
    ("format-5000-extra-args", param("States.Format('{}', " + ",".join(["1"] * 5000) + ")"), False),
    ("array-nested-999", param("States.Array(" * 999 + "1" + ")" * 999), True),
    ("intrinsic-unknown", param("States.Nope(1)"), False),
    ("intrinsic-arity", param("States.MathAdd(1)"), False),
    ("intrinsic-string-unterminated", param("States.Format('abc)"), False),
    ("definition-null", "null", False),
    ("definition-array", "[]", False),
    ("definition-not-json", "{", False),
    ("definition-trailing-garbage", definition({"P": {"Type": "Pass", "End": True}}) + "}", False),
    ("definition-deep-1200", "[" * 1200 + "]" * 1200, False),
    ("definition-deep-unclosed-100k", "{" * 100000, False),
    ("definition-duplicate-keys", '{"StartAt":"A","StartAt":"B","States":{"A":{"Type":"Pass",'
     '"End":true}}}', False),
    ("states-as-array", '{"StartAt":"A","States":[]}', False),
    ("state-name-81", definition({"a" * 81: {"Type": "Pass", "End": True}}), False),
    ("state-name-100k", definition({"a" * 100000: {"Type": "Pass", "End": True}}), False),
    ("state-name-unicode", definition({"é✓\U0001F600": {"Type": "Pass", "End": True}}), True),
    ("type-object", definition({"A": {"Type": {"x": 1}, "End": True}}), False),
    ("next-loop-no-end", definition({"A": {"Type": "Pass", "Next": "A"}}), False),
    ("next-missing", definition({"A": {"Type": "Pass", "Next": "Nope"}}), False),
    ("wait-1e308", definition({"A": {"Type": "Wait", "Seconds": 1e308, "End": True}}), False),
    ("wait-negative", definition({"A": {"Type": "Wait", "Seconds": -1, "End": True}}), False),
    ("wait-bad-timestamp", definition({"A": {"Type": "Wait", "Timestamp": "9999-99-99T99:99:99Z",
                                             "End": True}}), False),
    ("timeout-huge", definition({"A": {"Type": "Pass", "End": True}}, TimeoutSeconds=10 ** 30), False),
    ("retry-huge", definition({"A": {"Type": "Task", "Resource": EMULATOR_TASK, "End": True,
                                     "Retry": [{"ErrorEquals": ["States.ALL"],
                                                "MaxAttempts": 2 ** 31, "BackoffRate": 1e308}]}}),
     False),
    ("map-concurrency-negative", definition({"M": {
        "Type": "Map", "MaxConcurrency": -5, "End": True,
        "ItemProcessor": {"StartAt": "P", "States": {"P": {"Type": "Pass", "End": True}}}}}), False),
    ("resource-bogus", definition({"A": {"Type": "Task", "Resource": "arn:aws:states:::nope:x" * 1000,
                                         "End": True}}), False),
    ("comment-500k", definition({"A": {"Type": "Pass", "End": True}}, Comment="c" * 500000), True),
]


@pytest.mark.parametrize("text,valid", [c[1:] for c in DEFINITIONS], ids=[c[0] for c in DEFINITIONS])
def test_hostile_definitions(emu, text, valid):
    """CreateStateMachine: 200 for a valid definition, InvalidDefinition otherwise (never a
    crash, however deep, long or recursive-looking); ValidateStateMachineDefinition agrees.
    valid=None: AWS's answer is not evidenced, either is fine as long as both operations agree."""
    started = time.monotonic()
    status, _, data = post(emu, sf("CreateStateMachine"), {
        "name": fresh("hostile"), "roleArn": SFN_ROLE, "definition": text})
    if valid is None:
        valid = status == 200
    if valid:
        assert status == 200, data[:500]
    else:
        assert_error((status, None, data), "InvalidDefinition")
    status, _, data = post(emu, sf("ValidateStateMachineDefinition"), {"definition": text})
    assert status == 200, data[:500]
    result = json.loads(data)
    assert result["result"] == ("OK" if valid else "FAIL"), result
    assert time.monotonic() - started < wall(5)


def test_definition_over_one_mib(emu):
    """The model's 1 MiB limit on `definition`: ValidationException."""
    text = chain(30000)
    assert len(text) > 1 << 20
    assert_error(post(emu, sf("CreateStateMachine"), {"name": fresh("big"), "roleArn": SFN_ROLE,
                                                      "definition": text}), SF_VAL)


# -- Amazon States Language: at run time -----------------------------------------------------------

def items_map(selector: dict | None = None, concurrency: int | None = None) -> str:
    state = {"Type": "Map", "ItemsPath": "$.items", "End": True,
             "ItemProcessor": {"StartAt": "P", "States": {"P": {"Type": "Pass", "End": True}}}}
    if selector:
        state["ItemSelector"] = selector
    if concurrency is not None:
        state["MaxConcurrency"] = concurrency
    return definition({"M": state})


def compact(value) -> str:
    return json.dumps(value, separators=(",", ":"))


CUBE = [[[k for k in range(40)] for _ in range(40)] for _ in range(40)]
WIDE = {"a": [{"a": [{"a": [{"b": i} for i in range(30)]} for _ in range(30)]} for _ in range(30)]}
GROW = definition({
    "Init": {"Type": "Pass", "Parameters": {"n": 0, "v": {}}, "Next": "Loop"},
    # ten levels deeper per turn: 1010 levels after 101 turns
    "Loop": {"Type": "Pass", "Parameters": {"n.$": "States.MathAdd($.n, 1)",
                                            "v": json.loads('{"a":' * 9 + '{"a.$":"$.v"}' + "}" * 9)},
             "Next": "Check"},
    "Check": {"Type": "Choice", "Choices": [{"Variable": "$.n", "NumericLessThan": 101,
                                             "Next": "Loop"}], "Default": "Walk"},
    "Walk": {"Type": "Pass", "InputPath": "$.v.a.a", "ResultPath": "$.all", "OutputPath": "$.v",
             "Next": "Str"},
    "Str": {"Type": "Pass", "Parameters": {"s.$": "States.JsonToString($)"}, "Next": "Back"},
    "Back": {"Type": "Pass", "Parameters": {"x.$": "States.StringToJson($.s)"}, "End": True},
})

RUNS = [
    # (id, definition, input, expected status, expected error or None)
    ("parallel-nested-249", nested_parallel(249), "{}", "SUCCEEDED", None),
    ("map-nested-120", nested_map(120), "[" * 120 + "1" + "]" * 120, "SUCCEEDED", None),
    ("states-12490", chain(12490), "{}", "SUCCEEDED", None),
    ("map-fanout-120000", items_map(), compact({"items": [0] * 120000}), "FAILED", "States.Runtime"),
    ("map-fanout-5000-serial", items_map(concurrency=1), compact({"items": list(range(5000))}),
     "SUCCEEDED", None),
    ("map-fanout-200k-items", items_map(selector={"big.$": "$"}),
     compact({"items": [0] * 100, "pad": "x" * 200000}), "FAILED", "States.DataLimitExceeded"),
    ("path-star-star-star", pass_with(InputPath="$[*][*][*]"), compact(CUBE), "SUCCEEDED", None),
    ("path-dotdot-explode", pass_with(InputPath="$..a..b"), compact(WIDE), "SUCCEEDED", None),
    # every sub-array of a 1000-deep array: ~1 MB of result, over the 256 KiB limit
    ("path-dotdot-star-deep", pass_with(InputPath="$..*"), "[" * 1000 + "]" * 1000, "FAILED",
     "States.DataLimitExceeded"),
    ("path-dotdot-star-deep-300", pass_with(InputPath="$..*"), "[" * 300 + "]" * 300, "SUCCEEDED",
     None),
    ("path-50000-segments", pass_with(InputPath="$" + ".a" * 50000), "{}", "FAILED", "States.Runtime"),
    ("choice-not-900", choice(not_rule(900)), '{"a": 1}', "SUCCEEDED", None),
    ("choice-and-495", choice(and_rule(495)), '{"a": 1}', "SUCCEEDED", None),
    ("format-nested-1000", param("States.Format(" * 1000 + "'a'" + ")" * 1000), "{}", "SUCCEEDED",
     None),
    ("array-nested-999", param("States.Array(" * 999 + "1" + ")" * 999), "{}", "SUCCEEDED", None),
    ("string-to-json-5000-deep", param("States.StringToJson($.s)"),
     json.dumps({"s": "[" * 5000 + "]" * 5000}), "FAILED", "States.IntrinsicFailure"),
    ("array-range-1e9", param("States.ArrayRange(0, 1000000000, 1)"), "{}", "FAILED",
     "States.IntrinsicFailure"),
    ("array-unique-40000", param("States.ArrayLength(States.ArrayUnique($.a))"),
     compact({"a": list(range(40000))}), "SUCCEEDED", None),
    ("hash-20000-chars", param("States.Hash($.s, 'SHA-256')"), json.dumps({"s": "x" * 20000}),
     "FAILED", "States.IntrinsicFailure"),
    ("format-100000-placeholders", param("States.Format($.f, $.a)"),
     json.dumps({"f": "{}" * 100000, "a": 1}), "FAILED", "States.IntrinsicFailure"),
    ("split-200000-separators", param("States.StringSplit($.s, ',')"), json.dumps({"s": "," * 200000}),
     "SUCCEEDED", None),
    ("json-merge-wide", param("States.JsonMerge($.a, $.b, false)"),
     compact({"a": {f"k{i}": i for i in range(8000)}, "b": {f"k{i}": 0 for i in range(4000, 12000)}}),
     "SUCCEEDED", None),
    ("output-over-256k", pass_with(Parameters={"a.$": "$.s", "b.$": "$.s"}),
     json.dumps({"s": "x" * 200000}), "FAILED", "States.DataLimitExceeded"),
    ("grown-past-1000-levels", GROW, "{}", "FAILED", "States.IntrinsicFailure"),
    # every nested object of a 1010-deep document: ~3 MB of result, over the 256 KiB limit
    ("dotdot-of-grown-1010-levels", GROW.replace('"InputPath": "$.v.a.a"', '"InputPath": "$..a"'),
     "{}", "FAILED", "States.DataLimitExceeded"),
]


@pytest.mark.parametrize("text,given,status,error", [c[1:] for c in RUNS], ids=[c[0] for c in RUNS])
def test_hostile_executions(emu, text, given, status, error):
    """Machines and inputs that stress the engine at run time end with the expected status
    (States.* errors for what is over a limit); the server stays up."""
    assert len(given) <= PAYLOAD_LIMIT
    arn = ok(emu, sf("CreateStateMachine"), {"name": fresh("run"), "roleArn": SFN_ROLE,
                                             "definition": text})["stateMachineArn"]
    started = time.monotonic()
    with CheapRequestProbe(emu) as probe:  # issue 11: other clients keep being answered
        ex = ok(emu, sf("StartExecution"), {"stateMachineArn": arn, "input": given})["executionArn"]
        d = wait_terminal(emu, ex)
    assert (d["status"], d.get("error")) == (status, error), d
    assert time.monotonic() - started < wall(15)
    assert probe.worst < wall(1.0), f"a cheap request waited {probe.worst:.2f} s meanwhile"
    page = ok(emu, sf("GetExecutionHistory"), {"executionArn": ex, "maxResults": 20,
                                               "reverseOrder": True, "includeExecutionData": False})
    assert page["events"][0]["type"] == ("ExecutionSucceeded" if status == "SUCCEEDED"
                                         else "ExecutionFailed")


def test_wide_input_object(emu):
    """An input object with 23,000 members (just under 256 KiB) runs and comes back intact."""
    arn = ok(emu, sf("CreateStateMachine"), {"name": fresh("wide"), "roleArn": SFN_ROLE,
                                             "definition": pass_with()})["stateMachineArn"]
    given = compact({f"k{i}": 0 for i in range(23000)})
    assert len(given) <= PAYLOAD_LIMIT
    ex = ok(emu, sf("StartExecution"), {"stateMachineArn": arn, "input": given})["executionArn"]
    d = wait_terminal(emu, ex)
    assert d["status"] == "SUCCEEDED" and d["output"] == given


# -- time values that overflow -----------------------------------------------------------------------

HUGE_TIMERS = [
    ("wait-seconds-path", {"W": {"Type": "Wait", "SecondsPath": "$.s", "End": True}}),
    ("heartbeat-seconds-path", {"T": {
        "Type": "Task", "Resource": EMULATOR_TASK + ".waitForTaskToken",
        "HeartbeatSecondsPath": "$.s", "Parameters": {"Token.$": "$$.Task.Token"}, "End": True}}),
    ("timeout-seconds-path", {"T": {
        "Type": "Task", "Resource": EMULATOR_TASK + ".waitForTaskToken",
        "TimeoutSecondsPath": "$.s", "Parameters": {"Token.$": "$$.Task.Token"}, "End": True}}),
    ("retry-backoff-1e300", {"T": {
        "Type": "Task", "Resource": EMULATOR_TASK, "Parameters": {"Error": "Boom"}, "End": True,
        "Retry": [{"ErrorEquals": ["States.ALL"], "IntervalSeconds": 1, "BackoffRate": 1e300,
                   "MaxAttempts": 5}]}}),
]


def test_huge_time_values_do_not_fire_at_once(start_emulator):
    """Waits, heartbeats, timeouts and retry back-off far in the future stay pending: `now +
    seconds * 1000` used to overflow into the past (SecondsPath 9223372036854775807, a back-off
    of 1e300 s), and the state ended at the next clock tick. Own emulator: time moves 3e9 s."""
    emu = start_emulator("manual")
    arns = {}
    for name, states in HUGE_TIMERS:
        arn = ok(emu, sf("CreateStateMachine"), {"name": name, "roleArn": SFN_ROLE,
                                                 "definition": definition(states)})["stateMachineArn"]
        arns[name] = ok(emu, sf("StartExecution"), {
            "stateMachineArn": arn, "input": '{"s": 9223372036854775807}'})["executionArn"]
    for _ in range(3):
        emu.advance(1e9)
    for name, ex in arns.items():
        d = ok(emu, sf("DescribeExecution"), {"executionArn": ex})
        events = ok(emu, sf("GetExecutionHistory"), {"executionArn": ex})["events"]
        assert d["status"] == "RUNNING", (name, d, [e["type"] for e in events])
    retries = [e for e in ok(emu, sf("GetExecutionHistory"), {
        "executionArn": arns["retry-backoff-1e300"]})["events"] if e["type"] == "TaskFailed"]
    assert len(retries) == 2, retries  # the first attempt and the retry after 1 s; then 1e300 s


def test_wait_centuries_ahead_on_the_real_clock(start_emulator):
    """On the real clock a Wait until 2400 (beyond steady_timer's 292 years of nanoseconds) used
    to fire at once."""
    emu = start_emulator("real")
    arn = ok(emu, sf("CreateStateMachine"), {"name": "far", "roleArn": SFN_ROLE, "definition":
                                             definition({"W": {"Type": "Wait",
                                                               "Timestamp": "2400-01-01T00:00:00Z",
                                                               "End": True}})})["stateMachineArn"]
    ex = ok(emu, sf("StartExecution"), {"stateMachineArn": arn})["executionArn"]
    time.sleep(0.5)
    assert ok(emu, sf("DescribeExecution"), {"executionArn": ex})["status"] == "RUNNING"


# -- Step Functions payload limits -----------------------------------------------------------------

@pytest.fixture(scope="module")
def machines(shared):
    emu = shared.emu
    std = ok(emu, sf("CreateStateMachine"), {"name": "limits-standard", "roleArn": SFN_ROLE,
                                             "definition": pass_with()})["stateMachineArn"]
    exp = ok(emu, sf("CreateStateMachine"), {"name": "limits-express", "roleArn": SFN_ROLE,
                                             "type": "EXPRESS", "definition": pass_with()})[
        "stateMachineArn"]
    token = ok(emu, sf("CreateStateMachine"), {"name": "limits-token", "roleArn": SFN_ROLE,
                                               "definition": definition({"T": {
                                                   "Type": "Task",
                                                   "Resource": EMULATOR_TASK + ".waitForTaskToken",
                                                   "Parameters": {"Token.$": "$$.Task.Token"},
                                                   "End": True}})})["stateMachineArn"]
    return {"standard": std, "express": exp, "token": token}


@pytest.mark.parametrize("op", ["StartExecution", "StartSyncExecution"])
@pytest.mark.parametrize("case", ["over-limit", "at-limit", "deep-1001", "deep-80000",
                                  "deep-1000", "invalid-json", "lone-surrogate", "number-1e999"])
def test_execution_inputs(emu, machines, op, case):
    """Inputs: over 256 KiB -> ValidationException; exactly 256 KiB runs; nesting deeper than
    1000 levels -> InvalidExecutionInput (an input nested 80,000 levels used to overflow a
    server thread's stack and kill the process); invalid JSON -> InvalidExecutionInput."""
    given = {
        "over-limit": '"' + "x" * (PAYLOAD_LIMIT - 1) + '"',
        "at-limit": '"' + "x" * (PAYLOAD_LIMIT - 2) + '"',
        "deep-1001": "[" * 1001 + "]" * 1001,
        "deep-80000": "[" * 80000 + "]" * 80000,
        "deep-1000": "[" * 1000 + "]" * 1000,
        "invalid-json": '{"a": ',
        "lone-surrogate": '"\\ud800"',
        "number-1e999": '{"a": 1e999}',  # out of a double's range: used to answer 500
    }[case]
    arn = machines["express" if op == "StartSyncExecution" else "standard"]
    response = post(emu, sf(op), {"stateMachineArn": arn, "input": given})
    if case in ("at-limit", "deep-1000"):
        assert response[0] == 200, response[2][:300]
        out = json.loads(response[2])
        if op == "StartExecution":
            out = wait_terminal(emu, out["executionArn"])
        assert out["status"] == "SUCCEEDED" and out["output"] == given
    elif case == "over-limit":
        assert_error(response, SF_VAL)
    elif case == "lone-surrogate":
        status, _, data = response  # Jackson would take it; rejecting it is fine too
        if status != 200:
            assert_error(response, "InvalidExecutionInput")
    else:
        assert_error(response, "InvalidExecutionInput")


def test_task_outputs(emu, machines):
    """SendTaskSuccess: output over 256 KiB -> ValidationException, nested deeper than 1000
    levels -> InvalidOutput, invalid JSON -> InvalidOutput; the task still completes after."""
    ex = ok(emu, sf("StartExecution"), {"stateMachineArn": machines["token"]})["executionArn"]
    events = ok(emu, sf("GetExecutionHistory"), {"executionArn": ex})["events"]
    scheduled = next(e for e in events if e["type"] == "TaskScheduled")
    token = json.loads(scheduled["taskScheduledEventDetails"]["parameters"])["Token"]
    for output, expected in [('"' + "x" * PAYLOAD_LIMIT + '"', SF_VAL),
                             ("[" * 80000 + "]" * 80000, "InvalidOutput"),
                             ("{" * 5000, "InvalidOutput"),
                             ("{nope", "InvalidOutput")]:
        assert_error(post(emu, sf("SendTaskSuccess"), {"taskToken": token, "output": output}),
                     expected)
    assert_error(post(emu, sf("SendTaskFailure"), {"taskToken": token, "cause": "c" * 40000}),
                 SF_VAL)
    ok(emu, sf("SendTaskSuccess"), {"taskToken": token, "output": '{"fine": true}'})
    d = wait_terminal(emu, ex)
    assert d["status"] == "SUCCEEDED" and json.loads(d["output"]) == {"fine": True}


# -- and it all survives a restart -----------------------------------------------------------------

def test_baseline_survives_restart_after_the_barrage(shared):
    """Last: SIGTERM restart, then SIGKILL restart, on the same data dir; the baseline resources
    read exactly as before the barrage (the autouse check compares them once more)."""
    emu = shared.emu
    assert emu.stop() == 0, emu.diagnostics()
    emu.start()
    assert snapshot(emu, shared.baseline) == shared.baseline["snapshot"]
    emu.kill()
    emu.start()
    assert snapshot(emu, shared.baseline) == shared.baseline["snapshot"]
