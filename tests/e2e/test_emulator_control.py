"""The non-AWS /_emulator/ routes the black-box tests depend on (server contract)."""

import time

import pytest

from emulator import project_input


def test_health(emu):
    """GET /_emulator/health reports status, clock mode and time."""
    status, body = emu.control("GET", "health")
    assert status == 200
    assert body["status"] == "ok"
    assert body["clock"] == "manual"
    assert isinstance(body["now"], (int, float))


def test_manual_clock_advance_and_set(emu):
    """advance moves time by N seconds and returns the new now; set only moves forward."""
    status, clock = emu.control("GET", "clock")
    assert status == 200 and clock["mode"] == "manual"
    start = float(clock["now"])
    assert emu.advance(90) == pytest.approx(start + 90, abs=0.001)
    assert emu.now() == pytest.approx(start + 90, abs=0.001)
    status, body = emu.control("POST", "clock/set", {"now": start + 1000})
    assert status == 200, body
    assert emu.now() == pytest.approx(start + 1000, abs=0.001)
    status, _ = emu.control("POST", "clock/set", {"now": start})
    assert status == 400, "the manual clock must never go backwards"
    assert emu.now() == pytest.approx(start + 1000, abs=0.001)
    status, _ = emu.control("POST", "clock/advance", {"seconds": -5})
    assert status == 400


def test_manual_clock_does_not_move_by_itself(emu):
    """A manual clock stands still in wall time."""
    before = emu.now()
    time.sleep(0.2)
    assert emu.now() == before


def test_reset_wipes_everything(emu, cb, unique):
    """POST /_emulator/reset removes projects and builds."""
    name = unique("reset")
    cb.create_project(**project_input(name))
    build = cb.start_build(projectName=name)["build"]
    status, body = emu.control("POST", "reset", {})
    assert status == 200 and body == {}
    assert cb.list_projects()["projects"] == []
    assert cb.list_builds()["ids"] == []
    assert cb.batch_get_builds(ids=[build["id"]])["buildsNotFound"] == [build["id"]]
    # Usable right after: same name, numbering from 1.
    cb.create_project(**project_input(name))
    assert cb.start_build(projectName=name)["build"]["buildNumber"] == 1


def test_advance_runs_due_work_across_many_builds(emu, cb, unique):
    """One large advance completes every due build (no per-step limit)."""
    name = unique("many")
    cb.create_project(**project_input(name))
    ids = [cb.start_build(projectName=name)["build"]["id"] for _ in range(20)]
    emu.advance(3600)
    builds = cb.batch_get_builds(ids=ids)["builds"]
    assert len(builds) == 20
    assert all(b["buildComplete"] and b["buildStatus"] == "SUCCEEDED" for b in builds)
