"""Persistence across restarts on the same --data-dir (server contract)."""

import pytest

from emulator import PHASE_ORDER, phase, phase_types, project_input


def test_restart_in_the_middle_of_a_build(start_emulator, tmp_path, unique):
    """Projects, builds and counters survive a SIGTERM restart, and a build in flight
    continues its timeline from the stored times (ends at start + 6 s as if never
    interrupted)."""
    data = tmp_path / "shared-data"
    emu = start_emulator("manual", data_dir=data)
    wire = emu.wire()
    name = unique("rst")
    project = wire.call("CreateProject", project_input(name))["project"]
    done_before = wire.call("StartBuild", {"projectName": name})["build"]
    emu.advance(10)
    build = wire.call("StartBuild", {"projectName": name})["build"]
    t0 = build["startTime"]
    emu.advance(3)  # the build is in BUILD now
    mid = wire.call("BatchGetBuilds", {"ids": [build["id"]]})["builds"][0]
    assert mid["currentPhase"] == "BUILD"
    assert emu.stop() == 0, "SIGTERM must stop the server cleanly\n" + emu.diagnostics()

    emu2 = start_emulator("manual", data_dir=data)
    wire2 = emu2.wire()
    assert wire2.call("BatchGetProjects", {"names": [name]})["projects"] == [project]
    finished = wire2.call("BatchGetBuilds", {"ids": [done_before["id"]]})["builds"][0]
    assert finished["buildStatus"] == "SUCCEEDED" and finished["buildComplete"] is True

    emu2.advance_to(t0 + 10)
    after = wire2.call("BatchGetBuilds", {"ids": [build["id"]]})["builds"][0]
    assert phase_types(after) == PHASE_ORDER
    assert after["buildStatus"] == "SUCCEEDED"
    assert after["buildComplete"] is True
    assert after["startTime"] == t0
    assert after["phases"][: len(mid["phases"]) - 1] == mid["phases"][:-1], \
        "finished phases must be kept exactly"
    assert phase(after, "BUILD")["startTime"] == pytest.approx(t0 + 3, abs=0.002)
    assert phase(after, "BUILD")["durationInSeconds"] == 2
    assert after["endTime"] == pytest.approx(t0 + 6, abs=0.002)
    for prev, cur in zip(after["phases"], after["phases"][1:]):
        assert prev["endTime"] == cur["startTime"]

    # Counters persisted too: the next build is number 3.
    assert wire2.call("StartBuild", {"projectName": name})["build"]["buildNumber"] == 3
    assert set(wire2.call("ListBuildsForProject", {"projectName": name})["ids"]) >= {
        done_before["id"], build["id"]}


def test_sigterm_exits_zero(emu):
    """The contract: SIGTERM stops the server cleanly (exit code 0)."""
    assert emu.stop() == 0, emu.diagnostics()


def test_restart_real_clock_catches_up(start_emulator, tmp_path, unique):
    """Real clock: time that passed while the server was down is not lost; a build that
    should have finished meanwhile is complete after restart with its planned times."""
    data = tmp_path / "rt-data"
    args = ["--time-scale", "10"]
    emu = start_emulator("real", args, data_dir=data)
    cb = emu.client()
    name = unique("rtr")
    cb.create_project(**project_input(name, {"SIMULATE_PHASE_SECONDS": "BUILD=20"}))
    build = cb.start_build(projectName=name)["build"]  # 24 simulated s = 2.4 s wall
    assert emu.stop() == 0, emu.diagnostics()
    import time
    time.sleep(3.0)
    emu2 = start_emulator("real", args, data_dir=data)
    cb2 = emu2.client()
    deadline = time.monotonic() + 5
    while True:
        got = cb2.batch_get_builds(ids=[build["id"]])["builds"][0]
        if got["buildComplete"] or time.monotonic() > deadline:
            break
        time.sleep(0.05)
    assert got["buildComplete"] is True and got["buildStatus"] == "SUCCEEDED", got
    assert phase(got, "BUILD")["durationInSeconds"] == 20
    assert (got["endTime"] - got["startTime"]).total_seconds() == pytest.approx(24, abs=0.01)
    for prev, cur in zip(got["phases"], got["phases"][1:]):
        assert prev["endTime"] == cur["startTime"]


def test_restart_during_finalize_window(start_emulator, tmp_path, unique):
    """A stopped build still FINALIZING when the server restarts keeps its remaining
    finalize delay: not deletable before it ends, complete and deletable after."""
    data = tmp_path / "fin-data"
    emu = start_emulator("manual", data_dir=data)
    cb = emu.client()
    name = unique("rfin")
    cb.create_project(**project_input(name))
    build = cb.start_build(projectName=name)["build"]
    emu.advance(3)
    cb.stop_build(id=build["id"])
    emu.advance(1)
    stop_clock = emu.now()
    assert emu.stop() == 0, emu.diagnostics()

    emu2 = start_emulator("manual", data_dir=data)
    cb2 = emu2.client()
    # The manual clock itself is not promised to persist (only stored times are), so the
    # checks below are anchored on stored build times, not on the pre-restart clock.
    got = cb2.batch_get_builds(ids=[build["id"]])["builds"][0]
    assert got["buildStatus"] == "STOPPED"
    if not got["buildComplete"]:  # still inside the window (clock resumed where it was)
        assert cb2.batch_delete_builds(ids=[build["id"]])["buildsNotDeleted"][0]["statusCode"] == \
            "BUILD_IN_PROGRESS"
    emu2.advance_to(stop_clock + 2)
    got = cb2.batch_get_builds(ids=[build["id"]])["builds"][0]
    assert got["buildComplete"] is True and got["currentPhase"] == "COMPLETED"
    assert (got["endTime"] - got["startTime"]).total_seconds() == pytest.approx(6, abs=0.01)
    assert cb2.batch_delete_builds(ids=[build["id"]])["buildsDeleted"] == [build["arn"]]
