"""StopBuild, the finalize window and BatchDeleteBuilds (reference 2.6, 2.9; F-035..F-039)."""

import pytest
from botocore.exceptions import ClientError

from emulator import build_arn, env_override, phase, phase_types


def ts(dt):
    return dt.timestamp()


def get(cb, build_id):
    out = cb.batch_get_builds(ids=[build_id])
    assert len(out["builds"]) == 1, out
    return out["builds"][0]


def test_stop_finalize_then_delete(cb, emu, make_project):
    """The Step Functions docs' "not immediately deletable after StopBuild" window:
    STOPPED at once, BUILD_IN_PROGRESS for delete during finalization (default 3 s),
    then complete and deletable."""
    project = make_project()
    build = cb.start_build(projectName=project["name"])["build"]
    t0 = ts(build["startTime"])
    emu.advance(3)  # in BUILD
    stopped = cb.stop_build(id=build["id"])["build"]
    assert stopped["id"] == build["id"]
    assert stopped["buildStatus"] == "STOPPED"
    assert stopped["buildComplete"] is False
    assert "endTime" not in stopped
    build_phase = phase(stopped, "BUILD")
    assert build_phase["phaseStatus"] == "STOPPED"
    assert ts(build_phase["endTime"]) == pytest.approx(t0 + 3, abs=0.002)
    assert "POST_BUILD" not in phase_types(stopped)
    assert get(cb, build["id"]) == stopped

    arn = build_arn(build["id"])
    out = cb.batch_delete_builds(ids=[build["id"]])
    assert out["buildsDeleted"] == []
    assert out["buildsNotDeleted"] == [{"id": arn, "statusCode": "BUILD_IN_PROGRESS"}]

    emu.advance(2)  # still inside the 3 s finalize delay
    mid = get(cb, build["id"])
    assert mid["buildComplete"] is False and mid["currentPhase"] == "FINALIZING"
    assert cb.batch_delete_builds(ids=[arn])["buildsNotDeleted"] == [
        {"id": arn, "statusCode": "BUILD_IN_PROGRESS"}]

    emu.advance(1)
    done = get(cb, build["id"])
    assert done["buildStatus"] == "STOPPED"
    assert done["buildComplete"] is True
    assert done["currentPhase"] == "COMPLETED"
    assert phase_types(done)[-2:] == ["FINALIZING", "COMPLETED"]
    assert phase(done, "FINALIZING")["durationInSeconds"] == 3
    assert ts(done["endTime"]) == pytest.approx(t0 + 6, abs=0.002)
    for prev, cur in zip(done["phases"], done["phases"][1:]):
        assert prev["endTime"] == cur["startTime"]

    out = cb.batch_delete_builds(ids=[build["id"]])
    assert out["buildsDeleted"] == [arn], "F-036: deleted builds are listed as ARNs"
    assert out["buildsNotDeleted"] == []
    gone = cb.batch_get_builds(ids=[build["id"]])
    assert gone["builds"] == [] and gone["buildsNotFound"] == [build["id"]]
    assert build["id"] not in cb.list_builds()["ids"]
    assert build["id"] not in cb.list_builds_for_project(projectName=project["name"])["ids"]


def test_stop_while_queued(cb, emu, make_project):
    """Stopping in QUEUED marks QUEUED STOPPED and never provisions."""
    project = make_project()
    build = cb.start_build(projectName=project["name"])["build"]
    stopped = cb.stop_build(id=build["id"])["build"]
    assert stopped["buildStatus"] == "STOPPED"
    assert phase(stopped, "QUEUED")["phaseStatus"] == "STOPPED"
    emu.advance(30)
    done = get(cb, build["id"])
    assert done["buildComplete"] is True and done["buildStatus"] == "STOPPED"
    assert "PROVISIONING" not in phase_types(done)


def test_finalize_seconds_flag(start_emulator, unique):
    """--finalize-seconds sets the stop -> complete delay."""
    from emulator import project_input
    emu = start_emulator("manual", ["--finalize-seconds", "10"])
    cb = emu.client()
    name = unique("fin")
    cb.create_project(**project_input(name))
    build = cb.start_build(projectName=name)["build"]
    emu.advance(3)
    cb.stop_build(id=build["id"])
    emu.advance(9)
    assert get(cb, build["id"])["buildComplete"] is False
    emu.advance(1)
    done = get(cb, build["id"])
    assert done["buildComplete"] is True
    assert phase(done, "FINALIZING")["durationInSeconds"] == 10


def test_simulate_finalize_seconds(cb, emu, make_project):
    """SIMULATE_FINALIZE_SECONDS sets the delay for one build."""
    project = make_project()
    build = cb.start_build(projectName=project["name"],
                           environmentVariablesOverride=env_override(SIMULATE_FINALIZE_SECONDS="20"))["build"]
    emu.advance(1)
    cb.stop_build(id=build["id"])
    emu.advance(19)
    assert cb.batch_delete_builds(ids=[build["id"]])["buildsNotDeleted"][0]["statusCode"] == \
        "BUILD_IN_PROGRESS"
    emu.advance(1)
    assert cb.batch_delete_builds(ids=[build["id"]])["buildsDeleted"] == [build_arn(build["id"])]


def test_stop_finished_build_returns_it_unchanged(cb, emu, make_project):
    """F-039: StopBuild on a finished build succeeds and returns the final status."""
    project = make_project()
    build = cb.start_build(projectName=project["name"])["build"]
    emu.advance(30)
    before = get(cb, build["id"])
    assert before["buildStatus"] == "SUCCEEDED"
    after = cb.stop_build(id=build["id"])["build"]
    assert after == before
    assert get(cb, build["id"]) == before


def test_stop_twice_is_harmless(cb, emu, make_project):
    """A second StopBuild during finalization keeps STOPPED and does not restart the delay."""
    project = make_project()
    build = cb.start_build(projectName=project["name"])["build"]
    emu.advance(3)
    first = cb.stop_build(id=build["id"])["build"]
    emu.advance(1)
    second = cb.stop_build(id=build["id"])["build"]
    assert second["buildStatus"] == "STOPPED"
    assert second["phases"][: len(first["phases"]) - 1] == first["phases"][:-1]
    emu.advance(2)
    assert get(cb, build["id"])["buildComplete"] is True


def test_stop_unknown_build(cb, make_project):
    """StopBuild models ResourceNotFoundException for an unknown build id."""
    project = make_project()
    with pytest.raises(ClientError) as ei:
        cb.stop_build(id=f"{project['name']}:00000000-0000-0000-0000-000000000000")
    assert ei.value.response["Error"]["Code"] == "ResourceNotFoundException"


def test_stop_accepts_arn(cb, emu, make_project):
    """Reference 2.1 [INF]: build ARNs are accepted where ids are."""
    project = make_project()
    build = cb.start_build(projectName=project["name"])["build"]
    assert cb.stop_build(id=build["arn"])["build"]["buildStatus"] == "STOPPED"


def test_delete_mixed_batch(cb, emu, make_project):
    """F-036/F-037/F-038: one request with a finished build (by ARN), a running one (by id)
    and an unknown id: finished deleted, running BUILD_IN_PROGRESS, unknown not deleted."""
    project = make_project()
    finished = cb.start_build(projectName=project["name"])["build"]
    emu.advance(10)
    running = cb.start_build(projectName=project["name"])["build"]
    unknown = f"{project['name']}:11111111-2222-3333-4444-555555555555"
    out = cb.batch_delete_builds(ids=[finished["arn"], running["id"], unknown])
    assert out["buildsDeleted"] == [finished["arn"]]
    by_id = {e["id"]: e["statusCode"] for e in out["buildsNotDeleted"]}
    assert by_id[running["arn"]] == "BUILD_IN_PROGRESS"
    # Unknown ids: an emulator choice (reference 2.9); only require that they are reported.
    assert any(unknown in e["id"] for e in out["buildsNotDeleted"]), out
    assert cb.batch_get_builds(ids=[running["id"]])["builds"][0]["id"] == running["id"]


def test_deleting_builds_does_not_renumber(cb, emu, make_project):
    """F-034: buildNumber is never reused after deletions."""
    project = make_project()
    first = cb.start_build(projectName=project["name"])["build"]
    emu.advance(10)
    cb.batch_delete_builds(ids=[first["id"]])
    assert cb.start_build(projectName=project["name"])["build"]["buildNumber"] == 2
