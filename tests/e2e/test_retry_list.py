"""RetryBuild, BatchGetBuilds, ListBuilds and ListBuildsForProject (reference 2.7, 2.8)."""

import pytest
from botocore.exceptions import ClientError

from emulator import env_override, phase_types, project_input


def test_retry_build_creates_next_numbered_build(cb, emu, make_project):
    """F-040/F-027: RetryBuild makes a new build (new id, next buildNumber) that starts
    like a fresh StartBuild and keeps the original's settings and overrides."""
    project = make_project()
    original = cb.start_build(
        projectName=project["name"], timeoutInMinutesOverride=30,
        environmentVariablesOverride=env_override(SIMULATE_STATUS="FAILED"))["build"]
    second = cb.start_build(projectName=project["name"])["build"]
    emu.advance(30)
    assert cb.batch_get_builds(ids=[original["id"]])["builds"][0]["buildStatus"] == "FAILED"

    retried = cb.retry_build(id=original["id"])["build"]
    assert retried["id"] != original["id"]
    assert retried["buildNumber"] == 3
    assert retried["projectName"] == project["name"]
    assert retried["buildStatus"] == "IN_PROGRESS"
    assert retried["buildComplete"] is False
    assert retried["currentPhase"] == "QUEUED"
    assert phase_types(retried) == ["SUBMITTED", "QUEUED"]
    assert retried["timeoutInMinutes"] == 30
    assert retried["environment"] == original["environment"]
    assert retried["source"] == original["source"]
    # The original is untouched.
    assert cb.batch_get_builds(ids=[original["id"]])["builds"][0]["buildNumber"] == 1
    emu.advance(30)
    assert cb.batch_get_builds(ids=[retried["id"]])["builds"][0]["buildStatus"] == "FAILED"
    # Retrying the retry continues the numbering.
    assert cb.retry_build(id=retried["arn"])["build"]["buildNumber"] == 4
    assert second["buildNumber"] == 2


def test_retry_unknown_build(cb, make_project):
    """RetryBuild models ResourceNotFoundException."""
    project = make_project()
    with pytest.raises(ClientError) as ei:
        cb.retry_build(id=f"{project['name']}:00000000-0000-0000-0000-000000000000")
    assert ei.value.response["Error"]["Code"] == "ResourceNotFoundException"


def test_retry_idempotency_token(cb, emu, make_project):
    """Reference 2.7: token semantics as StartBuild: same token -> same retried build."""
    project = make_project()
    original = cb.start_build(projectName=project["name"])["build"]
    a = cb.retry_build(id=original["id"], idempotencyToken="retry-tok")["build"]
    b = cb.retry_build(id=original["id"], idempotencyToken="retry-tok")["build"]
    assert a["id"] == b["id"]


def test_batch_get_builds_order_and_not_found(cb, make_project):
    """Reference 2.8: builds in request order, unknown ids echoed in buildsNotFound, both
    lists always present; ARNs accepted."""
    project = make_project()
    ids = [cb.start_build(projectName=project["name"])["build"]["id"] for _ in range(3)]
    unknown = f"{project['name']}:99999999-9999-9999-9999-999999999999"
    out = cb.batch_get_builds(ids=[ids[2], unknown, ids[0]])
    assert [b["id"] for b in out["builds"]] == [ids[2], ids[0]]
    assert out["buildsNotFound"] == [unknown]
    out = cb.batch_get_builds(ids=ids)
    assert out["buildsNotFound"] == []
    by_arn = cb.batch_get_builds(ids=[out["builds"][1]["arn"]])
    assert [b["id"] for b in by_arn["builds"]] == [ids[1]]


def test_batch_get_builds_skips_duplicates(cb, make_project):
    """Reference 2.8 [INF]: a repeated id is returned once."""
    project = make_project()
    a = cb.start_build(projectName=project["name"])["build"]["id"]
    b = cb.start_build(projectName=project["name"])["build"]["id"]
    assert [x["id"] for x in cb.batch_get_builds(ids=[a, a, b])["builds"]] == [a, b]


def test_batch_get_builds_limits(wire):
    """F-035: ids must hold 1..100 entries."""
    err = wire.error("BatchGetBuilds", {"ids": []})
    assert err.code == "InvalidInputException"
    err = wire.error("BatchGetBuilds", {"ids": [f"p:{i}" for i in range(101)]})
    assert err.code == "InvalidInputException"


def test_list_builds_for_project_order(cb, emu, make_project):
    """F-057: ListBuildsForProject sorts by build number, default descending; only that
    project's builds."""
    project = make_project()
    other = make_project()
    ids = []
    for _ in range(4):
        ids.append(cb.start_build(projectName=project["name"])["build"]["id"])
        cb.start_build(projectName=other["name"])
        emu.advance(1)
    assert cb.list_builds_for_project(projectName=project["name"])["ids"] == ids[::-1]
    assert cb.list_builds_for_project(projectName=project["name"], sortOrder="DESCENDING")["ids"] == ids[::-1]
    assert cb.list_builds_for_project(projectName=project["name"], sortOrder="ASCENDING")["ids"] == ids


def test_list_builds_for_unknown_project(cb):
    """Reference 2.8: unknown project -> ResourceNotFoundException."""
    with pytest.raises(ClientError) as ei:
        cb.list_builds_for_project(projectName="no-such-project")
    assert ei.value.response["Error"]["Code"] == "ResourceNotFoundException"


def test_list_builds_order(cb, emu, make_project):
    """ListBuilds covers all projects; default order is newest first (DESCENDING), and
    ASCENDING is the exact reverse."""
    a, b = make_project(), make_project()
    ids = []
    for i in range(3):
        for p in (a, b):
            ids.append(cb.start_build(projectName=p["name"])["build"]["id"])
            emu.advance(1)
    default = cb.list_builds()["ids"]
    desc = cb.list_builds(sortOrder="DESCENDING")["ids"]
    asc = cb.list_builds(sortOrder="ASCENDING")["ids"]
    assert default == desc
    assert asc == desc[::-1]
    assert desc == ids[::-1]


def test_list_builds_pagination(cb, make_project):
    """Pages of at most 100 ids with nextToken, for ListBuilds and ListBuildsForProject;
    following the tokens yields every build once, in order."""
    project = make_project()
    ids = [cb.start_build(projectName=project["name"])["build"]["id"] for _ in range(105)]

    first = cb.list_builds(sortOrder="ASCENDING")
    assert len(first["ids"]) == 100
    assert first.get("nextToken")
    second = cb.list_builds(sortOrder="ASCENDING", nextToken=first["nextToken"])
    assert "nextToken" not in second
    assert first["ids"] + second["ids"] == ids

    # No sortOrder here: the model doc says setting it on a project with more than 100
    # builds is an error.
    first = cb.list_builds_for_project(projectName=project["name"])
    assert len(first["ids"]) == 100
    assert first.get("nextToken")
    second = cb.list_builds_for_project(projectName=project["name"], nextToken=first["nextToken"])
    assert "nextToken" not in second
    assert first["ids"] + second["ids"] == ids[::-1]

    pages = list(cb.get_paginator("list_builds_for_project").paginate(projectName=project["name"]))
    assert len(pages) == 2
    assert [i for p in pages for i in p["ids"]] == ids[::-1]


def test_list_builds_for_project_sort_order_over_100_builds(cb, make_project):
    """Model doc of ListBuildsForProjectInput.sortOrder (reference 2.8): "If the project has
    more than 100 builds, setting the sort order will result in an error"."""
    project = make_project()
    for _ in range(101):
        cb.start_build(projectName=project["name"])
    assert len(cb.list_builds_for_project(projectName=project["name"])["ids"]) == 100
    with pytest.raises(ClientError) as ei:
        cb.list_builds_for_project(projectName=project["name"], sortOrder="ASCENDING")
    assert ei.value.response["Error"]["Code"] == "InvalidInputException"


def test_list_builds_bad_token(cb, make_project):
    """A garbage nextToken is a client error, never a 5xx."""
    make_project()
    with pytest.raises(ClientError) as ei:
        cb.list_builds(nextToken="not-a-token")
    assert ei.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400
    assert ei.value.response["Error"]["Code"] == "InvalidInputException"


def test_lists_are_empty_initially(cb):
    """Empty lists come back as [] (reference 1.3), without nextToken."""
    assert cb.list_builds()["ids"] == []
    assert "nextToken" not in cb.list_builds()
    assert cb.list_projects()["projects"] == []
