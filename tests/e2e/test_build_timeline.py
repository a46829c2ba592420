"""The simulated phase timeline on a manual clock (reference 2.4, F-023..F-027)."""

import pytest

from emulator import (DEFAULT_PHASE_SECONDS, PHASE_ORDER, env_override, is_ms_number, phase,
                      phase_types, project_input)


def get(wire, build_id):
    return wire.call("BatchGetBuilds", {"ids": [build_id]})["builds"][0]


def assert_contiguous(build):
    """Each phase starts when the previous one ended (reference 2.4)."""
    phases = build["phases"]
    for prev, cur in zip(phases, phases[1:]):
        assert prev["endTime"] == cur["startTime"], (prev, cur)


def assert_finished_phase_shape(p):
    """A finished phase has status, both times and whole-second duration matching them."""
    assert p["phaseStatus"] in {"SUCCEEDED", "FAILED", "FAULT", "TIMED_OUT", "STOPPED"}, p
    assert is_ms_number(p["startTime"]) and is_ms_number(p["endTime"]), p
    assert isinstance(p["durationInSeconds"], int) and not isinstance(p["durationInSeconds"], bool)
    assert p["durationInSeconds"] == int(round(p["endTime"] - p["startTime"])), p


@pytest.fixture
def project(wire, unique):
    return wire.call("CreateProject", project_input(unique("tl")))["project"]


def test_successful_build_timeline(wire, emu, project):
    """The whole default timeline, checked at every phase boundary with integer clock
    steps: exact phase list, currentPhase, contiguous times, durations, completion."""
    build = wire.call("StartBuild", {"projectName": project["name"]})["build"]
    t0 = build["startTime"]
    bid = build["id"]

    # (seconds after start, expected currentPhase, phases that must be finished by then)
    checkpoints = [
        (0, "QUEUED", ["SUBMITTED"]),
        (1, "PROVISIONING", ["SUBMITTED", "QUEUED"]),
        (2, "DOWNLOAD_SOURCE", ["SUBMITTED", "QUEUED", "PROVISIONING"]),
        # INSTALL and PRE_BUILD last 0 s: both already finished when BUILD starts.
        (3, "BUILD", PHASE_ORDER[:6]),
        (4, "BUILD", PHASE_ORDER[:6]),
        (5, "FINALIZING", PHASE_ORDER[:9]),
    ]
    elapsed = 0
    for at, current, finished in checkpoints:
        emu.advance(at - elapsed)
        elapsed = at
        b = get(wire, bid)
        assert b["currentPhase"] == current, (at, phase_types(b))
        assert phase_types(b) == finished + [current], at
        assert b["buildStatus"] == "IN_PROGRESS" and b["buildComplete"] is False
        assert "endTime" not in b
        assert set(b["phases"][-1]) == {"phaseType", "startTime"}, "open phase: no status yet"
        for p in b["phases"][:-1]:
            assert_finished_phase_shape(p)
            assert p["phaseStatus"] == "SUCCEEDED"
        assert_contiguous(b)

    emu.advance(6 - elapsed)
    done = get(wire, bid)
    assert phase_types(done) == PHASE_ORDER
    assert done["currentPhase"] == "COMPLETED"
    assert done["buildStatus"] == "SUCCEEDED"
    assert done["buildComplete"] is True
    assert_contiguous(done)
    expected_start = t0
    for p in done["phases"][:-1]:
        assert_finished_phase_shape(p)
        assert p["phaseStatus"] == "SUCCEEDED"
        assert p["startTime"] == pytest.approx(expected_start, abs=0.002), p
        assert p["durationInSeconds"] == DEFAULT_PHASE_SECONDS[p["phaseType"]], p
        expected_start += DEFAULT_PHASE_SECONDS[p["phaseType"]]
    completed = done["phases"][-1]
    assert set(completed) == {"phaseType", "startTime"}, "F-025"
    assert done["endTime"] == completed["startTime"], "F-026"
    assert done["endTime"] == pytest.approx(t0 + 6, abs=0.002)
    assert done["startTime"] == t0
    # Reference 2.4: finished phases from PROVISIONING on carry `contexts` (AWS shows
    # [{"statusCode": "", "message": ""}] or []); SUBMITTED and QUEUED carry none.
    for p in done["phases"][2:-1]:
        assert isinstance(p.get("contexts"), list), p
        assert all(c.get("statusCode", "") == "" for c in p["contexts"]), p
    assert "contexts" not in phase(done, "SUBMITTED")
    assert "contexts" not in phase(done, "QUEUED")

    # A finished build no longer changes.
    emu.advance(600)
    assert get(wire, bid) == done


def test_sub_second_clock_steps(wire, emu, project):
    """Fractional advances: QUEUED (1 s) is still open at +0.5 s and closed at +1.0 s."""
    build = wire.call("StartBuild", {"projectName": project["name"]})["build"]
    emu.advance(0.5)
    assert get(wire, build["id"])["currentPhase"] == "QUEUED"
    emu.advance(0.5)
    b = get(wire, build["id"])
    assert b["currentPhase"] == "PROVISIONING"
    assert phase(b, "QUEUED")["endTime"] == pytest.approx(build["startTime"] + 1, abs=0.002)


def test_simulate_phase_seconds(wire, emu, unique):
    """SIMULATE_PHASE_SECONDS on the project changes single phase durations."""
    proj = wire.call("CreateProject", project_input(
        unique("sps"), {"SIMULATE_PHASE_SECONDS": "BUILD=30,INSTALL=5"}))["project"]
    build = wire.call("StartBuild", {"projectName": proj["name"]})["build"]
    emu.advance(20)
    assert get(wire, build["id"])["currentPhase"] == "BUILD"
    emu.advance(100)
    done = get(wire, build["id"])
    assert done["buildStatus"] == "SUCCEEDED"
    assert phase(done, "INSTALL")["durationInSeconds"] == 5
    assert phase(done, "BUILD")["durationInSeconds"] == 30
    assert phase(done, "PROVISIONING")["durationInSeconds"] == 1
    assert done["endTime"] - done["startTime"] == pytest.approx(6 + 5 + 28, abs=0.002)
    assert_contiguous(done)


def test_env_override_beats_project_simulation_vars(wire, emu, unique):
    """StartBuild environmentVariablesOverride wins over the project's SIMULATE_* vars."""
    proj = wire.call("CreateProject", project_input(
        unique("ovr"), {"SIMULATE_STATUS": "FAILED"}))["project"]
    build = wire.call("StartBuild", {
        "projectName": proj["name"],
        "environmentVariablesOverride": env_override(SIMULATE_STATUS="SUCCEEDED")})["build"]
    emu.advance(30)
    assert get(wire, build["id"])["buildStatus"] == "SUCCEEDED"


def test_phase_seconds_flag(start_emulator, unique):
    """--phase-seconds changes the server-wide default durations."""
    emu = start_emulator("manual", ["--phase-seconds", "QUEUED=10,BUILD=7"])
    wire = emu.wire()
    proj = wire.call("CreateProject", project_input(unique("flag")))["project"]
    build = wire.call("StartBuild", {"projectName": proj["name"]})["build"]
    emu.advance(9)
    assert get(wire, build["id"])["currentPhase"] == "QUEUED"
    emu.advance(100)
    done = get(wire, build["id"])
    assert phase(done, "QUEUED")["durationInSeconds"] == 10
    assert phase(done, "BUILD")["durationInSeconds"] == 7
    assert phase(done, "PROVISIONING")["durationInSeconds"] == 1
    assert done["endTime"] - done["startTime"] == pytest.approx(6 - 1 - 2 + 10 + 7, abs=0.002)


def test_concurrent_builds_progress_independently(wire, emu, project):
    """Two builds started at different times keep their own timelines."""
    a = wire.call("StartBuild", {"projectName": project["name"]})["build"]
    emu.advance(3)
    b = wire.call("StartBuild", {"projectName": project["name"]})["build"]
    assert b["startTime"] == pytest.approx(a["startTime"] + 3, abs=0.002)
    emu.advance(3)
    assert get(wire, a["id"])["currentPhase"] == "COMPLETED"
    assert get(wire, b["id"])["currentPhase"] == "BUILD"
    emu.advance(3)
    assert get(wire, b["id"])["endTime"] == pytest.approx(b["startTime"] + 6, abs=0.002)
