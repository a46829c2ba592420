"""Findings 11-15 of issue 11 and item 2 of issue 13, against the real binary: cross-site requests
and DNS rebinding, the connection cap, the report root, the length of echoed values, the clock's
upper bound, CodeBuild's build-id and service-role checks. Each test fails on the code before the
fix (noted per test)."""

from __future__ import annotations

import json
import os
import socket
import stat
import subprocess
import time
from pathlib import Path

import pytest
from botocore.exceptions import ClientError

from emulator import (JSON_10, JSON_11, SFN_ROLE, Emulator, binary_path, definition, env_override,
                      project_input, wall)

MAX_TIME_S = 253402300799.999  # 9999-12-31T23:59:59.999Z


def cb_target(op: str) -> str:
    return "CodeBuild_20161006." + op


def error_of(status: int, data: bytes) -> tuple[str, str]:
    body = json.loads(data)
    return body["__type"].split("#")[-1], body["message"]


def project_count(emu: Emulator) -> int:
    return len(emu.client().list_projects()["projects"])


# -- finding 11: cross-site requests and DNS rebinding ---------------------------------------------

@pytest.mark.parametrize("content_type", ["text/plain", "application/x-www-form-urlencoded",
                                          "multipart/form-data; boundary=x", None])
def test_reset_refuses_what_a_web_page_can_send(emu, make_project, content_type):
    """A page can POST these content types (or none) without a preflight: reset wiped all data.
    Now 415 and nothing is deleted."""
    make_project()
    headers = {"Content-Type": content_type} if content_type else {}
    status, _, data = emu.http("POST", "/_emulator/reset", b"{}", headers)
    assert status == 415, data
    assert error_of(status, data)[0] == "UnsupportedMediaType"
    assert "application/json" in error_of(status, data)[1]
    assert project_count(emu) == 1


def test_clock_advance_refuses_text_plain(emu):
    """clock/advance with text/plain moved time forward for good."""
    before = emu.now()
    status, _, data = emu.http("POST", "/_emulator/clock/advance", b'{"seconds": 3600}',
                               {"Content-Type": "text/plain"})
    assert status == 415, data
    assert emu.now() == before


def test_admin_json_with_charset_still_works(emu, make_project):
    """application/json with parameters is JSON (the JS harness and curl send it so)."""
    make_project()
    status, _, data = emu.http("POST", "/_emulator/reset", b"{}",
                               {"Content-Type": "application/json; charset=utf-8"})
    assert status == 200, data
    assert project_count(emu) == 0


def test_foreign_origin_is_refused(emu, make_project):
    """A foreign Origin (even with a JSON content type, as after a preflight) gets a 403 JSON
    error on admin and AWS routes; the data stays."""
    make_project()
    status, _, data = emu.http("POST", "/_emulator/reset", b"{}",
                               {"Content-Type": "application/json",
                                "Origin": "http://evil.example"})
    assert status == 403, data
    kind, message = error_of(status, data)
    assert kind == "AccessDeniedException" and "Origin" in message
    status, _, data = emu.http("POST", "/", b"{}", {"X-Amz-Target": cb_target("ListProjects"),
                                                    "Content-Type": JSON_11,
                                                    "Origin": "null"})
    assert status == 403, data
    status, _, data = emu.http("OPTIONS", "/", None, {"Origin": "http://evil.example",
                                                      "Access-Control-Request-Method": "POST"})
    assert status == 403, data
    assert project_count(emu) == 1


def test_same_origin_page_keeps_working(emu):
    """A page served by the emulator itself (a future /_emulator/ui/) sends its own origin."""
    for host in (f"127.0.0.1:{emu.port}", f"localhost:{emu.port}"):
        status, _, data = emu.http("POST", "/_emulator/reset", b"{}",
                                   {"Content-Type": "application/json", "Host": host,
                                    "Origin": f"http://{host}"})
        assert status == 200, (host, data)
    # Same host, another port: another origin.
    status, _, _ = emu.http("POST", "/_emulator/reset", b"{}",
                            {"Content-Type": "application/json", "Origin": "http://127.0.0.1:1"})
    assert status == 403


@pytest.mark.parametrize("host", ["evil.example", "evil.example:8083", "127.0.0.1.nip.io",
                                  "localhost.evil.example", "sync-evil.example", "10.0.0.1"])
def test_rebinding_host_is_refused(emu, make_project, host):
    """DNS rebinding: a page on evil.example whose name now resolves to 127.0.0.1 sends
    Host: evil.example. Any Host was accepted; now 403 on every route."""
    make_project()
    status, _, data = emu.http("POST", "/_emulator/reset", b"{}",
                               {"Content-Type": "application/json", "Host": host})
    assert status == 403, data
    assert "Host" in error_of(status, data)[1]
    status, _, data = emu.http("POST", "/", b"{}", {"X-Amz-Target": cb_target("ListProjects"),
                                                    "Content-Type": JSON_11, "Host": host})
    assert status == 403, data
    status, _, data = emu.http("GET", "/_emulator/health", None, {"Host": host})
    assert status == 403, data
    assert project_count(emu) == 1


@pytest.mark.parametrize("host", ["localhost", "LOCALHOST:1234", "app.localhost", "127.0.0.1",
                                  "127.1.2.3:80", "[::1]:8083", "sync-localhost:8083",
                                  "localhost."])
def test_loopback_hosts_are_accepted(emu, host):
    status, _, data = emu.http("POST", "/", b"{}", {"X-Amz-Target": cb_target("ListProjects"),
                                                    "Content-Type": JSON_11, "Host": host})
    assert status == 200, (host, data)


def test_sdk_endpoints_localhost_and_127(emu, unique):
    """boto3 with endpoint http://localhost:PORT and http://127.0.0.1:PORT (the JS SDK and the
    CLI suites cover 127.0.0.1; AWS_ENDPOINT_URL with localhost is checked here)."""
    from emulator import make_client
    for endpoint in (f"http://localhost:{emu.port}", f"http://127.0.0.1:{emu.port}"):
        client = make_client(endpoint)
        name = unique("ep")
        client.create_project(**project_input(name))
        assert name in client.list_projects()["projects"]


def test_aws_cli_with_localhost_endpoint_url(emu, unique):
    """AWS CLI v2 with AWS_ENDPOINT_URL=http://localhost:PORT (Host: localhost:PORT)."""
    aws = "/usr/bin/aws"
    if not os.path.exists(aws):
        pytest.skip("no AWS CLI")
    env = dict(os.environ, AWS_ACCESS_KEY_ID="AKIDEXAMPLE", AWS_SECRET_ACCESS_KEY="x",
               AWS_DEFAULT_REGION="us-east-1", AWS_ENDPOINT_URL=f"http://localhost:{emu.port}")
    out = subprocess.run([aws, "--endpoint-url", f"http://localhost:{emu.port}", "codebuild",
                          "list-projects"], env=env, capture_output=True, text=True,
                         timeout=wall(60))
    assert out.returncode == 0, out.stderr
    assert json.loads(out.stdout)["projects"] == []


def start_beyond_loopback(tmp_path: Path, host: str = "0.0.0.0") -> tuple[subprocess.Popen, int]:
    """The emulator on --host 0.0.0.0 (all interfaces; the tests talk to it on 127.0.0.1 only)."""
    out = tmp_path / "stdout"
    proc = subprocess.Popen([str(binary_path()), "--host", host, "--port", "0", "--data-dir",
                             str(tmp_path / "data"), "--clock", "manual"],
                            stdout=open(out, "wb"), stderr=open(tmp_path / "stderr", "wb"))
    deadline = time.monotonic() + wall(15)
    while time.monotonic() < deadline:
        line = out.read_text().split("\n", 1)
        if len(line) == 2:
            return proc, int(line[0].rsplit(":", 1)[1])
        assert proc.poll() is None, (tmp_path / "stderr").read_text()
        time.sleep(0.01)
    proc.kill()
    raise AssertionError("no listening line")


def raw_status(port: int, request: bytes) -> int:
    with socket.create_connection(("127.0.0.1", port), timeout=wall(5)) as s:
        s.sendall(request)
        data = b""
        while b"\r\n" not in data:
            chunk = s.recv(4096)
            if not chunk:
                break
            data += chunk
    return int(data.split(b" ", 2)[1])


def test_beyond_loopback_any_host_but_no_foreign_origin(tmp_path):
    """--host 0.0.0.0: the names a server is reached by are unknown, so any Host; a foreign
    Origin is still refused."""
    proc, port = start_beyond_loopback(tmp_path)
    try:
        assert raw_status(port, b"GET /_emulator/health HTTP/1.1\r\nHost: build-box.lan\r\n"
                                b"Connection: close\r\n\r\n") == 200
        assert raw_status(port, b"POST /_emulator/reset HTTP/1.1\r\nHost: build-box.lan\r\n"
                                b"Origin: http://evil.example\r\nContent-Type: application/json"
                                b"\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{}") == 403
    finally:
        proc.terminate()
        assert proc.wait(wall(10)) == 0


# -- finding 12: connection cap --------------------------------------------------------------------

def fd_limited_emulator(request, tmp_path: Path, nofile: int, extra=()) -> Emulator:
    """An emulator whose RLIMIT_NOFILE is `nofile` (a wrapper script runs ulimit -n, then exec)."""
    wrapper = tmp_path / "limited.sh"
    wrapper.write_text(f'#!/bin/sh\nulimit -n {nofile} || exit 97\nexec "{binary_path()}" "$@"\n')
    wrapper.chmod(wrapper.stat().st_mode | stat.S_IEXEC)
    emu = Emulator(binary=wrapper, work_dir=tmp_path / "emu", extra_args=list(extra))
    (tmp_path / "emu").mkdir(exist_ok=True)
    request.node._scl_emulators = getattr(request.node, "_scl_emulators", []) + [emu]
    def stop():
        problems = emu.cleanup()
        assert not problems, problems
    request.addfinalizer(stop)
    return emu.start()


def open_idle(port: int, n: int) -> list[socket.socket]:
    socks = []
    for _ in range(n):
        s = socket.socket()
        s.settimeout(wall(5))
        s.connect(("127.0.0.1", port))
        socks.append(s)
    return socks


def closed_by_peer(s: socket.socket) -> bool:
    s.setblocking(False)
    try:
        return s.recv(1) == b""
    except BlockingIOError:
        return False
    except ConnectionResetError:
        return True
    finally:
        s.setblocking(True)


def test_idle_sockets_over_the_descriptor_limit_do_not_lock_clients_out(request, tmp_path):
    """At 256 descriptors, 400 idle sockets held open: a new client is served at once, and the
    oldest idle connections are the ones closed. Before: accept failed with EMFILE and every
    client waited for the 30 s first-request timeout."""
    emu = fd_limited_emulator(request, tmp_path, 256)
    socks = open_idle(emu.port, 400)
    try:
        time.sleep(0.5)  # let the server accept what it can
        started = time.monotonic()
        status, _, data = emu.http("GET", "/_emulator/health", timeout=5)
        elapsed = time.monotonic() - started
        assert status == 200, data
        assert elapsed < wall(2.0), f"served after {elapsed:.2f} s"
        cb = emu.client()
        assert cb.list_projects()["projects"] == []
        time.sleep(0.2)
        assert closed_by_peer(socks[0]), "the oldest idle connection should have been closed"
        assert not closed_by_peer(socks[-1]), "the newest idle connection should still be open"
    finally:
        for s in socks:
            s.close()
    assert "connection cap of 192 reached" in emu.stderr_path.read_text()


def test_max_connections_flag_and_busy_connections_get_503(request, tmp_path):
    """--max-connections 8: 8 connections in the middle of a request are not idle, so a 9th is
    answered 503 JSON at once; once they finish, clients are served again."""
    emu = fd_limited_emulator(request, tmp_path, 1024, ["--max-connections", "8"])
    busy = open_idle(emu.port, 8)
    try:
        for s in busy:
            s.sendall(b"POST / HTTP/1.1\r\nHost: localhost\r\n")  # headers not finished
        time.sleep(0.3)
        with socket.create_connection(("127.0.0.1", emu.port), timeout=wall(5)) as s:
            data = b""
            while True:
                chunk = s.recv(65536)
                if not chunk:
                    break
                data += chunk
        head, _, body = data.partition(b"\r\n\r\n")
        assert head.startswith(b"HTTP/1.1 503 "), data[:300]
        assert json.loads(body)["__type"] == "ServiceUnavailableException"
        assert b"--max-connections" in body
    finally:
        for s in busy:
            s.close()
    time.sleep(0.3)
    assert emu.http("GET", "/_emulator/health")[0] == 200


# -- finding 13: report root -----------------------------------------------------------------------

JUNIT = ('<?xml version="1.0"?><testsuite name="s" tests="1">'
         '<testcase classname="c" name="t" time="0.1"/></testsuite>')
REPORT_SPEC = "version: 0.2\nreports:\n  r:\n    files: ['x.xml']\n"


def report_status(emu: Emulator, project: str, path: str) -> str:
    cb = emu.client()
    build = cb.start_build(projectName=project, buildspecOverride=REPORT_SPEC,
                           environmentVariablesOverride=env_override(SIMULATE_REPORT_FILE=path)
                           )["build"]
    emu.advance(100)
    arn = cb.batch_get_builds(ids=[build["id"]])["builds"][0]["reportArns"][0]
    return cb.batch_get_reports(reportArns=[arn])["reports"][0]["status"]


def test_report_root_confines_report_files(start_emulator, tmp_path):
    """--report-root: files inside are read; outside (absolute, via .., via a symlink) fail the
    report as unreadable, with the reason in the log. Before: any readable file was used."""
    root = tmp_path / "reports"
    root.mkdir()
    (root / "ok.xml").write_text(JUNIT)
    secret = tmp_path / "secret.xml"
    secret.write_text(JUNIT)
    (root / "link.xml").symlink_to(secret)
    emu = start_emulator("manual", ["--report-root", str(root)])
    emu.client().create_project(**project_input("rooted"))
    assert report_status(emu, "rooted", str(root / "ok.xml")) == "SUCCEEDED"
    assert report_status(emu, "rooted", str(secret)) == "FAILED"
    assert report_status(emu, "rooted", str(root / ".." / "secret.xml")) == "FAILED"
    assert report_status(emu, "rooted", str(root / "link.xml")) == "FAILED"
    assert report_status(emu, "rooted", "/etc/passwd") == "FAILED"
    assert "outside the report root" in emu.stderr_path.read_text()


def test_report_root_defaults_open_on_loopback(emu, tmp_path):
    """The default on loopback is unrestricted (the existing report suites rely on it)."""
    f = tmp_path / "anywhere.xml"
    f.write_text(JUNIT)
    emu.client().create_project(**project_input("open"))
    assert report_status(emu, "open", str(f)) == "SUCCEEDED"


# -- finding 14: echoed values ---------------------------------------------------------------------

def test_five_mib_name_gets_a_small_answer(emu):
    """A 5 MiB project name made a 5.2 MB validation answer; now the value is quoted as 256
    characters and an ellipsis, and the answer is small and quick."""
    wire = emu.wire()
    body = project_input("x")
    body["name"] = "a" * (5 * 1024 * 1024)
    started = time.monotonic()
    status, _, data = wire.raw("CreateProject", body)
    elapsed = time.monotonic() - started
    assert status == 400
    assert len(data) < 2048, len(data)
    message = json.loads(data)["message"]
    assert "a" * 256 + "\u2026'" in message and "a" * 257 not in message
    assert elapsed < wall(3.0)


@pytest.mark.parametrize("op,body", [
    ("StopBuild", {"id": "p:" + "b" * 1_000_000}),
    ("RetryBuild", {"id": "p:" + "b" * 1_000_000}),
    ("ListBuilds", {"nextToken": "t" * 1_000_000}),
    ("ListProjects", {"nextToken": "t" * 1_000_000}),
    ("UpdateProject", {"name": "n" * 1_000_000}),
])
def test_service_messages_quote_at_most_256_characters(emu, op, body):
    """Errors that quote an id, a name or a token (the service's or the model's) quote 256
    characters at most. (Not-found lists in 200 answers still echo ids whole, as AWS does.)"""
    status, _, data = emu.wire().raw(op, body)
    assert status >= 400, data[:400]
    assert len(data) < 2048, (op, len(data))
    assert "\u2026" in json.loads(data)["message"], data[:400]


def test_unknown_target_is_quoted_short(emu):
    status, _, data = emu.http("POST", "/", b"{}", {"X-Amz-Target": "Nope." + "x" * 7000,
                                                    "Content-Type": JSON_11})
    assert status == 400 and len(data) < 2048


# -- finding 15: the clock stops at 9999-12-31T23:59:59.999Z --------------------------------------

def test_clock_never_passes_year_9999(emu):
    """clock/advance (1e9 s a call) could move the clock past year 9999, after which the engine
    rejected its own $$.Execution.StartTime; a step past the end is now a 400, never applied."""
    status, body = emu.control("POST", "clock/set", {"now": 1e11})
    assert status == 200, body
    refused = None
    for _ in range(200):
        before = emu.now()
        status, body = emu.control("POST", "clock/advance", {"seconds": 1e9})
        if status != 200:
            refused = body
            assert emu.now() == before
            break
        assert emu.now() <= MAX_TIME_S
    assert refused is not None, "the clock moved past 9999-12-31T23:59:59.999Z"
    assert "9999-12-31T23:59:59.999Z" in refused["message"]
    status, body = emu.control("POST", "clock/set", {"now": MAX_TIME_S + 0.001})
    assert status == 400 and emu.now() <= MAX_TIME_S
    status, body = emu.control("POST", "clock/set", {"now": MAX_TIME_S})
    assert status == 200, body
    assert emu.now() == pytest.approx(MAX_TIME_S)
    status, body = emu.control("POST", "clock/advance", {"seconds": 0.001})
    assert status == 400


def test_execution_at_the_end_of_time_accepts_its_start_time(emu, sfn, make_sm):
    """At the last millisecond, $$.Execution.StartTime is still a valid TimestampPath."""
    assert emu.control("POST", "clock/set", {"now": MAX_TIME_S})[0] == 200
    arn = make_sm(definition=definition({"W": {"Type": "Wait",
                                               "TimestampPath": "$$.Execution.StartTime",
                                               "End": True}}))
    ex = sfn.start_execution(stateMachineArn=arn)["executionArn"]
    deadline = time.monotonic() + wall(10)
    while time.monotonic() < deadline:
        emu.control("POST", "clock/advance", {"seconds": 0})  # runs what is due now
        out = sfn.describe_execution(executionArn=ex)
        if out["status"] != "RUNNING":
            break
        time.sleep(0.05)
    assert out["status"] == "SUCCEEDED", out


# -- issue 13 item 2: CodeBuild input checks -------------------------------------------------------

def invalid_input(fn) -> str:
    with pytest.raises(ClientError) as e:
        fn()
    assert e.value.response["Error"]["Code"] == "InvalidInputException", e.value.response
    return e.value.response["Error"]["Message"]


def test_build_id_without_colon_is_invalid(cb, make_project):
    """An id that is neither <project>:<uuid> nor an ARN: InvalidInputException, as AWS answers;
    it used to be buildsNotFound / ResourceNotFoundException."""
    project = make_project()
    assert invalid_input(lambda: cb.batch_get_builds(ids=["nocolon"])) == "Invalid build ID provided"
    assert invalid_input(lambda: cb.stop_build(id="nocolon")) == "Invalid build ID provided"
    assert invalid_input(lambda: cb.retry_build(id="nocolon")) == "Invalid build ID provided"
    assert invalid_input(lambda: cb.batch_delete_builds(ids=["nocolon"])) == \
        "Invalid build ID provided"
    good = cb.start_build(projectName=project["name"])["build"]["id"]
    assert invalid_input(lambda: cb.batch_get_builds(ids=[good, "nocolon"])) == \
        "Invalid build ID provided"
    # Well-formed but unknown: unchanged.
    unknown = f"{project['name']}:00000000-0000-0000-0000-000000000000"
    assert cb.batch_get_builds(ids=[unknown])["buildsNotFound"] == [unknown]
    with pytest.raises(ClientError) as e:
        cb.stop_build(id=unknown)
    assert e.value.response["Error"]["Code"] == "ResourceNotFoundException"
    out = cb.batch_delete_builds(ids=[unknown])
    assert out["buildsNotDeleted"][0]["statusCode"] == "BUILD_NOT_FOUND"


def test_batch_ids_keep_their_not_found_answer(cb):
    """Batch ids: no AWS source shows the same check, so an id without ':' stays not found."""
    assert cb.batch_get_build_batches(ids=["nocolon"])["buildBatchesNotFound"] == ["nocolon"]


ROLE_ERROR = "Invalid service role: Service role account ID does not match caller's account"


@pytest.mark.parametrize("role", ["arn:aws:iam::999999999999:role/other-account",
                                  "arn:aws:iam::123456789012:user/not-a-role",
                                  "arn:aws:s3:::bucket", "arn:aws:iam::123456789012:role/",
                                  "has space", "r" * 65])
def test_service_role_must_be_a_role_of_the_callers_account(cb, unique, role):
    assert invalid_input(lambda: cb.create_project(**project_input(unique("sr"),
                                                                   serviceRole=role))) == ROLE_ERROR
    name = unique("sr")
    cb.create_project(**project_input(name))
    assert invalid_input(lambda: cb.update_project(name=name, serviceRole=role)) == ROLE_ERROR
    assert cb.batch_get_projects(names=[name])["projects"][0]["serviceRole"] == \
        project_input(name)["serviceRole"]


def test_service_role_name_is_expanded_to_the_callers_arn(emu, unique):
    """A role name (what CloudFormation's !Ref of a role gives) is stored as the caller's role
    ARN; other accounts' callers get their own account in the ARN."""
    for key, account in (("AKIDEXAMPLE", "123456789012"), ("111122223333", "111122223333")):
        client = emu.client(key)
        name = unique("role-name")
        p = client.create_project(**project_input(name, serviceRole="codebuild-role"))["project"]
        assert p["serviceRole"] == f"arn:aws:iam::{account}:role/codebuild-role"
        p = client.update_project(name=name, serviceRole="other.role@x")["project"]
        assert p["serviceRole"] == f"arn:aws:iam::{account}:role/other.role@x"
        own = f"arn:aws:iam::{account}:role/service-role/x"
        assert client.update_project(name=name, serviceRole=own)["project"]["serviceRole"] == own
