"""Helpers shared by the e2e suites: start the real emulator binary, talk to it.

Nothing here knows pytest; conftest.py wraps these in fixtures. Kept importable on its own
so that a one-off script (or the docker smoke test) can reuse the launcher.
"""

from __future__ import annotations

import http.client
import json
import os
import re
import shutil
import signal
import subprocess
import tempfile
import time
from pathlib import Path
from typing import Any, Iterable
from urllib.parse import urlsplit

import boto3
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.config import Config
from botocore.credentials import Credentials

E2E_DIR = Path(__file__).resolve().parent
REPO_ROOT = E2E_DIR.parent.parent

DEFAULT_ACCESS_KEY = "AKIDEXAMPLE"
DEFAULT_SECRET_KEY = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"
DEFAULT_REGION = "us-east-1"
DEFAULT_ACCOUNT = "123456789012"  # contract: a non-12-digit access key maps to this account

TARGET_PREFIX = "CodeBuild_20161006."
JSON_11 = "application/x-amz-json-1.1"
SFN_TARGET_PREFIX = "AWSStepFunctions."
JSON_10 = "application/x-amz-json-1.0"

LISTEN_RE = re.compile(r"^sfn-codebuild-local listening on http://127\.0\.0\.1:(\d+)$")
# A report of ASan/LSan/UBSan/TSan in the server's stderr (sanitizer builds, scripts/sanitize.sh).
SANITIZER_RE = re.compile(
    r"^(?:==\d+==\s*)?(?:ERROR|WARNING): (?:Address|Leak|Thread|UndefinedBehavior|Memory)Sanitizer"
    r"|^SUMMARY: \w*Sanitizer"
    r"|^\S+:\d+:\d+: runtime error: ", re.MULTILINE)


def sanitizer_report(text: str, limit: int = 20000) -> str:
    """`text` from the line before its first sanitizer report on (TSan's "====" rule), or ""."""
    m = SANITIZER_RE.search(text)
    if not m:
        return ""
    start = text.rfind("\n", 0, max(0, m.start() - 1)) + 1
    return text[start:start + limit]

# Reference 2.4 / F-023: execution order of the build phases.
PHASE_ORDER = [
    "SUBMITTED", "QUEUED", "PROVISIONING", "DOWNLOAD_SOURCE", "INSTALL", "PRE_BUILD",
    "BUILD", "POST_BUILD", "UPLOAD_ARTIFACTS", "FINALIZING", "COMPLETED",
]
# Server contract: default simulated duration of each phase, in seconds.
DEFAULT_PHASE_SECONDS = {
    "SUBMITTED": 0, "QUEUED": 1, "PROVISIONING": 1, "DOWNLOAD_SOURCE": 1, "INSTALL": 0,
    "PRE_BUILD": 0, "BUILD": 2, "POST_BUILD": 0, "UPLOAD_ARTIFACTS": 0, "FINALIZING": 1,
}
DEFAULT_FINALIZE_SECONDS = 3  # stop -> complete delay (server default)


# Wall-clock budgets in the suites (socket timeouts, "answers within N s") are set for an optimised
# build. A sanitizer build (Debug, ASan/TSan) is ~10-20x slower on JSON-heavy requests, so
# scripts/sanitize.sh sets SCL_TIME_FACTOR; wall() scales a budget by it. Simulated times never.
TIME_FACTOR = float(os.environ.get("SCL_TIME_FACTOR") or 1)


def wall(seconds: float) -> float:
    """A wall-clock budget of `seconds` for an optimised build, scaled by SCL_TIME_FACTOR."""
    return seconds * TIME_FACTOR


def binary_path() -> Path:
    """The emulator binary: $SCL_BINARY, else <repo>/build/dev/server/sfn-codebuild-local."""
    env = os.environ.get("SCL_BINARY")
    if env:
        return Path(env)
    return REPO_ROOT / "build" / "dev" / "server" / "sfn-codebuild-local"


class EmulatorDied(AssertionError):
    """The emulator process exited while a test still needed it."""


class Emulator:
    """One emulator process on 127.0.0.1 with its own port and data directory.

    `start()` waits for the single "listening on" line on stdout; stdout and stderr go to
    files in the data dir's parent so that a chatty server can never block on a full pipe
    and so that its stderr can be shown when something fails.
    """

    START_TIMEOUT = 15.0

    def __init__(self, clock: str = "manual", data_dir: Path | None = None,
                 extra_args: Iterable[str] = (), binary: Path | None = None,
                 work_dir: Path | None = None, env: dict[str, str] | None = None):
        self.binary = Path(binary) if binary else binary_path()
        self.env = dict(env or {})  # added to the server's environment (test hooks)
        self.clock = clock
        self.extra_args = list(extra_args)
        self._own_work_dir = work_dir is None
        self.work_dir = Path(work_dir) if work_dir else Path(tempfile.mkdtemp(prefix="scl-e2e-"))
        self.data_dir = Path(data_dir) if data_dir else self.work_dir / "data"
        self.data_dir.mkdir(parents=True, exist_ok=True)
        self.proc: subprocess.Popen | None = None
        self.port: int | None = None
        self.stopped_on_purpose = False
        self._runs = 0
        self.stdout_path = self.work_dir / "stdout.0.log"
        self.stderr_path = self.work_dir / "stderr.0.log"
        # (stderr file, exit code, how it ended) of every run that has ended: see exit_problems()
        self.ended: list[tuple[Path, int | None, str]] = []

    # -- lifecycle ----------------------------------------------------------------------
    @property
    def argv(self) -> list[str]:
        return [str(self.binary), "--host", "127.0.0.1", "--port", "0",
                "--data-dir", str(self.data_dir), "--clock", self.clock,
                "--log-level", "debug", *self.extra_args]

    def start(self) -> "Emulator":
        if not self.binary.exists():
            raise FileNotFoundError(
                f"emulator binary not found at {self.binary}; build it "
                "(cmake --preset dev && cmake --build build/dev) or set SCL_BINARY")
        self.stdout_path = self.work_dir / f"stdout.{self._runs}.log"
        self.stderr_path = self.work_dir / f"stderr.{self._runs}.log"
        self._runs += 1
        self.stopped_on_purpose = False
        with open(self.stdout_path, "wb") as out, open(self.stderr_path, "wb") as err:
            self.proc = subprocess.Popen(self.argv, stdin=subprocess.DEVNULL, stdout=out,
                                         env={**os.environ, **self.env} if self.env else None,
                                         stderr=err, cwd=self.work_dir)
        deadline = time.monotonic() + wall(self.START_TIMEOUT)
        while True:
            text = self.stdout_path.read_text(errors="replace")
            first = text.split("\n", 1)
            if len(first) == 2:  # a complete first line
                m = LISTEN_RE.match(first[0].rstrip("\r"))
                if not m:
                    self.kill()
                    raise EmulatorDied(f"unexpected first stdout line {first[0]!r}\n"
                                       + self.diagnostics())
                self.port = int(m.group(1))
                return self
            if self.proc.poll() is not None:
                raise EmulatorDied("emulator exited during start-up\n" + self.diagnostics())
            if time.monotonic() > deadline:
                self.kill()
                raise EmulatorDied("emulator did not print its listening line in "
                                   f"{wall(self.START_TIMEOUT)}s\n" + self.diagnostics())
            time.sleep(0.01)

    def stop(self, timeout: float = 10.0) -> int | None:
        """SIGTERM and wait; SIGKILL after wall(`timeout`). Returns the exit code."""
        if self.proc is None:
            return None
        if self.proc.poll() is None:
            self.stopped_on_purpose = True
            self.proc.send_signal(signal.SIGTERM)
            how = "SIGTERM"
            try:
                self.proc.wait(wall(timeout))
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
                how = f"SIGKILL: still running {wall(timeout)} s after SIGTERM"
            self._ended(how)
        return self.proc.returncode

    def kill(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.stopped_on_purpose = True
            self.proc.kill()
            self.proc.wait()
            self._ended("SIGKILL")

    def _ended(self, how: str) -> None:
        self.ended.append((self.stderr_path, self.proc.returncode, how))

    def restart(self) -> "Emulator":
        self.stop()
        return self.start()

    def cleanup(self) -> list[str]:
        """Stops the server (SIGTERM, so that it shuts down as in production and a sanitizer
        build runs its exit-time checks) and returns exit_problems()."""
        self.stop()
        problems = self.exit_problems()
        if self._own_work_dir:
            shutil.rmtree(self.work_dir, ignore_errors=True)
        return problems

    def exit_problems(self) -> list[str]:
        """What went wrong in runs that have ended: a sanitizer report in stderr (any run), a
        non-zero exit after SIGTERM (a LeakSanitizer report exits non-zero, TSan exits 66), a
        shutdown that needed SIGKILL. A process that died on its own is died()'s business."""
        runs = list(self.ended)
        if self.died():
            runs.append((self.stderr_path, self.proc.returncode, "died"))
        problems = []
        for path, code, how in runs:
            try:
                text = path.read_text(errors="replace")
            except OSError:
                text = ""
            report = sanitizer_report(text)
            if report:
                problems.append(f"sanitizer report in {path} (exit code {code}, {how}):\n"
                                + report)
            elif how != "SIGKILL" and how != "died" and code != 0:
                problems.append(f"exit code {code} ({how}); {path} (tail):\n" + text[-6000:])
        return problems

    def died(self) -> bool:
        """True when the process exited without being asked to."""
        return (self.proc is not None and self.proc.poll() is not None
                and not self.stopped_on_purpose)

    def check_alive(self) -> None:
        if self.died():
            raise EmulatorDied(f"emulator exited with code {self.proc.returncode}\n"
                               + self.diagnostics())

    def stderr_tail(self, limit: int = 6000) -> str:
        """The end of stderr, or from the first sanitizer report on when there is one."""
        try:
            text = self.stderr_path.read_text(errors="replace")
        except OSError:
            return "<no stderr file>"
        return sanitizer_report(text) or text[-limit:]

    def diagnostics(self) -> str:
        rc = None if self.proc is None else self.proc.poll()
        return (f"argv: {' '.join(self.argv)}\nexit code: {rc}\n"
                f"--- stderr (tail) ---\n{self.stderr_tail()}")

    # -- endpoints ----------------------------------------------------------------------
    @property
    def endpoint(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def client(self, access_key: str = DEFAULT_ACCESS_KEY, region: str = DEFAULT_REGION):
        return make_client(self.endpoint, access_key=access_key, region=region)

    def wire(self, access_key: str = DEFAULT_ACCESS_KEY, region: str = DEFAULT_REGION):
        return WireClient(self, access_key=access_key, region=region)

    def sfn_client(self, access_key: str = DEFAULT_ACCESS_KEY, region: str = DEFAULT_REGION):
        return make_sfn_client(self.endpoint, access_key=access_key, region=region)

    def sfn_wire(self, access_key: str = DEFAULT_ACCESS_KEY, region: str = DEFAULT_REGION):
        """Signed raw JSON 1.0 calls to the Step Functions API (members the Debian botocore
        1.29 model lacks, such as redriveStatus or ValidateStateMachineDefinition)."""
        return WireClient(self, access_key=access_key, region=region, service="states")

    def http(self, method: str, path: str, body: bytes | str | None = None,
             headers: dict | None = None, timeout: float = 10.0):
        """Plain HTTP (socket timeout wall(`timeout`)); returns (status, headers-dict-lowercase,
        raw body bytes)."""
        self.check_alive()
        if isinstance(body, str):
            body = body.encode()
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=wall(timeout))
        try:
            conn.request(method, path, body=body, headers=headers or {})
            resp = conn.getresponse()
            data = resp.read()
            hdrs = {k.lower(): v for k, v in resp.getheaders()}
            return resp.status, hdrs, data
        except (ConnectionError, http.client.HTTPException, OSError) as e:
            if self.died():
                raise EmulatorDied(f"{e!r}\n" + self.diagnostics()) from e
            raise
        finally:
            conn.close()

    def control(self, method: str, path: str, payload: Any = None) -> tuple[int, Any]:
        """Call a /_emulator/ route; returns (status, parsed JSON or raw text)."""
        body = None if payload is None else json.dumps(payload)
        headers = {"Content-Type": "application/json"} if body is not None else {}
        status, _, data = self.http(method, "/_emulator/" + path, body, headers)
        try:
            return status, json.loads(data) if data else None
        except ValueError:
            return status, data.decode(errors="replace")

    # -- clock --------------------------------------------------------------------------
    def now(self) -> float:
        status, body = self.control("GET", "clock")
        assert status == 200, (status, body)
        return float(body["now"])

    def advance(self, seconds: float) -> float:
        status, body = self.control("POST", "clock/advance", {"seconds": seconds})
        assert status == 200, f"clock/advance({seconds}) -> {status} {body}"
        return float(body["now"])

    def advance_to(self, when: float) -> float:
        """Advance the manual clock to at least `when` (epoch seconds)."""
        now = self.now()
        if when > now:
            now = self.advance(when - now + 0.001)
        return now

    def reset(self) -> None:
        status, body = self.control("POST", "reset", {})
        assert status == 200, (status, body)


def make_client(endpoint: str, access_key: str = DEFAULT_ACCESS_KEY,
                region: str = DEFAULT_REGION, secret_key: str = DEFAULT_SECRET_KEY):
    """boto3 CodeBuild client: dummy creds, no retries, no client-side validation.

    parameter_validation is off so that the *server's* validation is what tests see
    (STYLE.md Tests item 4). Retries are off (total_max_attempts=1; legacy
    {"max_attempts": 1} would still allow one retry) so a failing request is never
    silently replayed.
    """
    session = boto3.session.Session(aws_access_key_id=access_key,
                                    aws_secret_access_key=secret_key, region_name=region)
    return session.client(
        "codebuild", endpoint_url=endpoint,
        config=Config(retries={"total_max_attempts": 1, "mode": "legacy"},
                      parameter_validation=False, connect_timeout=wall(5), read_timeout=wall(30)))


def make_sfn_client(endpoint: str, access_key: str = DEFAULT_ACCESS_KEY,
                    region: str = DEFAULT_REGION, secret_key: str = DEFAULT_SECRET_KEY):
    """boto3 Step Functions client: like make_client, plus inject_host_prefix=False.

    botocore prepends the model's `sync-` host prefix to StartSyncExecution even with an
    endpoint override (reference 1.1), which would send it to http://sync-127.0.0.1:PORT.
    """
    session = boto3.session.Session(aws_access_key_id=access_key,
                                    aws_secret_access_key=secret_key, region_name=region)
    return session.client(
        "stepfunctions", endpoint_url=endpoint,
        config=Config(retries={"total_max_attempts": 1, "mode": "legacy"},
                      parameter_validation=False, inject_host_prefix=False,
                      connect_timeout=wall(5), read_timeout=wall(30)))


class WireError(Exception):
    def __init__(self, status: int, code: str, message: str, body: Any):
        super().__init__(f"HTTP {status} {code}: {message}")
        self.status, self.code, self.message, self.body = status, code, message, body


class WireClient:
    """SigV4-signed raw JSON 1.1 calls, for assertions on the exact wire values
    (timestamps as numbers, integers, members the Debian botocore model lacks)."""

    def __init__(self, emu: Emulator, access_key: str = DEFAULT_ACCESS_KEY,
                 region: str = DEFAULT_REGION, secret_key: str = DEFAULT_SECRET_KEY,
                 service: str = "codebuild"):
        self.emu = emu
        self.region = region
        self.creds = Credentials(access_key, secret_key)
        self.service = service  # SigV4 signing name: "codebuild" or "states"
        self.prefix = SFN_TARGET_PREFIX if service == "states" else TARGET_PREFIX
        self.content_type = JSON_10 if service == "states" else JSON_11

    def raw(self, op: str, body: bytes | str | dict | None,
            content_type: str | None = None, target: str | None = None):
        """Send one request; returns (status, headers, raw bytes)."""
        if isinstance(body, dict):
            body = json.dumps(body)
        if isinstance(body, str):
            body = body.encode()
        body = body if body is not None else b"{}"
        url = self.emu.endpoint + "/"
        req = AWSRequest(method="POST", url=url, data=body, headers={
            "Content-Type": content_type or self.content_type,
            "X-Amz-Target": target if target is not None else self.prefix + op,
        })
        SigV4Auth(self.creds, self.service, self.region).add_auth(req)
        headers = dict(req.headers.items())
        headers["Host"] = urlsplit(url).netloc
        return self.emu.http("POST", "/", body, headers)

    def call(self, op: str, body: dict | None = None) -> dict:
        status, headers, data = self.raw(op, body if body is not None else {})
        parsed = json.loads(data) if data else None
        if status != 200:
            parsed = parsed or {}
            code = str(parsed.get("__type", status)).split(":")[0].split("#")[-1]
            raise WireError(status, code, parsed.get("message", parsed.get("Message", "")),
                            parsed)
        assert headers.get("content-type", "").startswith(self.content_type), headers
        return parsed

    def error(self, op: str, body: dict) -> WireError:
        try:
            got = self.call(op, body)
        except WireError as e:
            return e
        raise AssertionError(f"{op} {body} unexpectedly succeeded: {got}")


# -- payload helpers ------------------------------------------------------------------

BUILDSPEC = "version: 0.2\nphases:\n  build:\n    commands:\n      - echo hello\n"
SERVICE_ROLE = "arn:aws:iam::123456789012:role/service-role/codebuild-e2e-role"


def project_input(name: str, env_vars: dict[str, str] | None = None, **extra) -> dict:
    """A minimal valid CreateProject input (NO_SOURCE + inline buildspec, NO_ARTIFACTS)."""
    env = {
        "type": "LINUX_CONTAINER",
        "image": "aws/codebuild/standard:7.0",
        "computeType": "BUILD_GENERAL1_SMALL",
    }
    if env_vars is not None:
        env["environmentVariables"] = [
            {"name": k, "value": v, "type": "PLAINTEXT"} for k, v in env_vars.items()]
    body = {
        "name": name,
        "source": {"type": "NO_SOURCE", "buildspec": BUILDSPEC},
        "artifacts": {"type": "NO_ARTIFACTS"},
        "environment": env,
        "serviceRole": SERVICE_ROLE,
    }
    body.update(extra)
    return body


def env_override(**values: str) -> list[dict]:
    return [{"name": k, "value": v, "type": "PLAINTEXT"} for k, v in values.items()]


def phase_types(build: dict) -> list[str]:
    return [p["phaseType"] for p in build.get("phases", [])]


def phase(build: dict, phase_type: str) -> dict:
    found = [p for p in build.get("phases", []) if p["phaseType"] == phase_type]
    assert len(found) == 1, f"expected one {phase_type} phase, got {phase_types(build)}"
    return found[0]


def project_arn(name: str, region: str = DEFAULT_REGION, account: str = DEFAULT_ACCOUNT) -> str:
    return f"arn:aws:codebuild:{region}:{account}:project/{name}"


def build_arn(build_id: str, region: str = DEFAULT_REGION,
              account: str = DEFAULT_ACCOUNT) -> str:
    return f"arn:aws:codebuild:{region}:{account}:build/{build_id}"


def is_ms_number(v: Any) -> bool:
    """A JSON number (not bool/str) with at most millisecond precision (reference 1.3)."""
    if isinstance(v, bool) or not isinstance(v, (int, float)):
        return False
    return abs(v * 1000 - round(v * 1000)) < 1e-3


# -- Step Functions helpers -----------------------------------------------------------

SFN_ROLE = "arn:aws:iam::123456789012:role/sfn-e2e-role"
EMULATOR_TASK = "arn:aws:states:::emulator:task"  # NOTE(emulator): test-only Task resource


def sm_arn(name: str, region: str = DEFAULT_REGION, account: str = DEFAULT_ACCOUNT) -> str:
    return f"arn:aws:states:{region}:{account}:stateMachine:{name}"


def execution_arn(sm_name: str, name: str, region: str = DEFAULT_REGION,
                  account: str = DEFAULT_ACCOUNT) -> str:
    return f"arn:aws:states:{region}:{account}:execution:{sm_name}:{name}"


def definition(states: dict, start: str | None = None, **top) -> str:
    """A definition string: {"StartAt": first state (or `start`), "States": states, **top}."""
    body = {"StartAt": start or next(iter(states)), "States": states, **top}
    return json.dumps(body)


PASS_DEFINITION = definition({"P": {"Type": "Pass", "Result": {"ok": True}, "End": True}})


def full_history(client, execution_arn_: str, **kwargs) -> list[dict]:
    """Every event of an execution through boto3, following nextToken."""
    events, token = [], None
    while True:
        args = dict(executionArn=execution_arn_, **kwargs)
        if token:
            args["nextToken"] = token
        page = client.get_execution_history(**args)
        events.extend(page["events"])
        token = page.get("nextToken")
        if not token:
            return events


def event_types(events: list[dict]) -> list[str]:
    return [e["type"] for e in events]


def assert_contiguous(events: list[dict]) -> None:
    """Reference F-101: ids 1..n, consecutive, each previousEventId points backwards."""
    assert [e["id"] for e in events] == list(range(1, len(events) + 1)), \
        [(e["id"], e["type"]) for e in events]
    for e in events:
        assert 0 <= e.get("previousEventId", 0) < e["id"], e


def epoch(ts) -> float:
    """A boto3 datetime (or a wire number) as epoch seconds."""
    return ts.timestamp() if hasattr(ts, "timestamp") else float(ts)
