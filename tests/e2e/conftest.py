"""Fixtures for the black-box e2e suites (STYLE.md, Tests item 4).

Every test gets its own emulator process: 127.0.0.1, --port 0, a fresh temp data dir,
manual clock unless asked otherwise. A process start is a few milliseconds, and a crash in
one test can then never leak into the next. If an emulator died during a test, the test's
report gets the emulator's stderr attached and the teardown fails loudly; so does an emulator
that does not exit cleanly on SIGTERM or whose stderr has a sanitizer report (sanitizer builds:
scripts/sanitize.sh).
"""

from __future__ import annotations

import uuid

import pytest

from emulator import (PASS_DEFINITION, SFN_ROLE, Emulator, EmulatorDied, binary_path,
                      project_input)


def pytest_report_header(config):
    path = binary_path()
    return f"emulator binary: {path} ({'present' if path.exists() else 'MISSING'})"


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    if report.failed:
        for emu in getattr(item, "_scl_emulators", []):
            state = "running" if emu.proc and emu.proc.poll() is None else (
                f"exited with {emu.proc.returncode if emu.proc else None}"
                + ("" if emu.stopped_on_purpose else " (UNEXPECTEDLY)"))
            report.sections.append(
                (f"emulator on port {emu.port}: {state}", emu.diagnostics()))


@pytest.fixture
def start_emulator(request, tmp_path):
    """Factory: start_emulator(clock="manual", extra_args=(), data_dir=None) -> Emulator.

    All emulators are stopped with SIGTERM at teardown; one that died on its own, did not exit
    with 0, or wrote a sanitizer report to stderr fails the test."""
    started: list[Emulator] = []
    request.node._scl_emulators = started

    def start(clock: str = "manual", extra_args=(), data_dir=None) -> Emulator:
        work = tmp_path / f"emu{len(started)}"
        work.mkdir()
        emu = Emulator(clock=clock, extra_args=extra_args, data_dir=data_dir, work_dir=work)
        started.append(emu)
        try:
            return emu.start()
        except FileNotFoundError as e:
            pytest.fail(str(e), pytrace=False)

    yield start
    dead = [e for e in started if e.died()]
    problems = []
    for emu in started:
        problems += emu.cleanup()
    if dead:
        raise EmulatorDied("\n\n".join(e.diagnostics() for e in dead))
    if problems:
        raise EmulatorDied("emulator shutdown:\n" + "\n\n".join(problems))


@pytest.fixture
def emu(start_emulator) -> Emulator:
    """A manual-clock emulator with default phase durations."""
    return start_emulator("manual")


@pytest.fixture
def cb(emu):
    """boto3 CodeBuild client for `emu` (account 123456789012, us-east-1)."""
    return emu.client()


@pytest.fixture
def wire(emu):
    """Signed raw-JSON client for `emu`."""
    return emu.wire()


@pytest.fixture
def unique():
    """unique("proj") -> "proj-1a2b3c4d": names that cannot collide across tests."""
    return lambda prefix="p": f"{prefix}-{uuid.uuid4().hex[:8]}"


@pytest.fixture
def make_project(cb, unique):
    """make_project(env_vars=None, name=None, **extra) -> project dict (boto3 shape)."""
    def make(env_vars=None, name=None, client=None, **extra):
        body = project_input(name or unique("proj"), env_vars, **extra)
        return (client or cb).create_project(**body)["project"]
    return make


@pytest.fixture
def sfn(emu):
    """boto3 Step Functions client for `emu`: dummy creds, retries and client-side validation
    off, host-prefix injection off (StartSyncExecution would go to sync-127.0.0.1)."""
    return emu.sfn_client()


@pytest.fixture
def sfn_wire(emu):
    """Signed raw JSON 1.0 client for `emu`'s Step Functions API."""
    return emu.sfn_wire()


@pytest.fixture
def make_sm(sfn, unique):
    """make_sm(definition=PASS_DEFINITION, type="STANDARD", name=None, client=None, **extra)
    -> stateMachineArn."""
    def make(definition=PASS_DEFINITION, type="STANDARD", name=None, client=None, **extra):
        return (client or sfn).create_state_machine(
            name=name or unique("sm"), definition=definition, roleArn=SFN_ROLE, type=type,
            **extra)["stateMachineArn"]
    return make
