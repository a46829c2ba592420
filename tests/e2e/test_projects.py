"""Project CRUD through boto3 and the raw wire: create/get/update/list/delete, defaults."""

import pytest
from botocore.exceptions import ClientError

from emulator import (DEFAULT_ACCOUNT, DEFAULT_REGION, SERVICE_ROLE, is_ms_number,
                      project_arn, project_input)


def error_of(excinfo):
    err = excinfo.value.response["Error"]
    return err["Code"], err["Message"]


def test_create_project_fills_aws_defaults(wire, emu, unique):
    """Reference 2.2 table (and F-029, F-033): what AWS fills in on a new project. SDK
    users read these members without setting them, so the values must match AWS."""
    name = unique("defaults")
    now = emu.now()
    project = wire.call("CreateProject", project_input(name))["project"]

    assert project["name"] == name
    assert project["arn"] == project_arn(name)
    assert is_ms_number(project["created"]) and is_ms_number(project["lastModified"])
    assert project["created"] == project["lastModified"]
    assert project["created"] == pytest.approx(now, abs=0.002)
    assert project["timeoutInMinutes"] == 60
    assert project["queuedTimeoutInMinutes"] == 480
    assert project["encryptionKey"] == f"arn:aws:kms:{DEFAULT_REGION}:{DEFAULT_ACCOUNT}:alias/aws/s3"
    assert project["badge"] == {"badgeEnabled": False}
    assert project["cache"] == {"type": "NO_CACHE"}
    assert project["environment"]["environmentVariables"] == []
    assert project["environment"]["privilegedMode"] is False
    assert project["source"]["insecureSsl"] is False
    assert project["source"]["type"] == "NO_SOURCE"
    assert project["secondarySources"] == []
    assert project["secondaryArtifacts"] == []
    assert project["tags"] == []
    assert project["serviceRole"] == SERVICE_ROLE
    assert project["artifacts"]["type"] == "NO_ARTIFACTS"
    # [INF] rows of the table: the emulator's chosen defaults.
    assert project["logsConfig"]["cloudWatchLogs"]["status"] == "ENABLED"
    assert project["logsConfig"]["s3Logs"]["status"] == "DISABLED"
    assert project["projectVisibility"] == "PRIVATE"
    # Reference 1.3: unset optionals are omitted, never null.
    assert None not in project.values()


def test_create_project_keeps_given_values(cb, unique):
    """Values the caller sets must come back verbatim, not be replaced by defaults."""
    name = unique("given")
    body = project_input(name, {"A": "1"}, description="my project", timeoutInMinutes=30,
                         queuedTimeoutInMinutes=20, badgeEnabled=False,
                         tags=[{"key": "team", "value": "ci"}],
                         encryptionKey="arn:aws:kms:us-east-1:123456789012:key/abc")
    project = cb.create_project(**body)["project"]
    assert project["description"] == "my project"
    assert project["timeoutInMinutes"] == 30
    assert project["queuedTimeoutInMinutes"] == 20
    assert project["tags"] == [{"key": "team", "value": "ci"}]
    assert project["encryptionKey"] == "arn:aws:kms:us-east-1:123456789012:key/abc"
    assert project["environment"]["environmentVariables"] == [
        {"name": "A", "value": "1", "type": "PLAINTEXT"}]
    assert project["source"]["buildspec"] == body["source"]["buildspec"]


def test_batch_get_projects_matches_create_and_reports_not_found(cb, make_project):
    """BatchGetProjects returns what CreateProject returned and lists unknown names."""
    created = make_project()
    out = cb.batch_get_projects(names=[created["name"], "does-not-exist"])
    assert out["projects"] == [created]
    assert out["projectsNotFound"] == ["does-not-exist"]


def test_batch_get_projects_accepts_arn(cb, make_project):
    """BatchGetProjects `names` accepts names or ARNs (model doc of BatchGetProjectsInput)."""
    created = make_project()
    out = cb.batch_get_projects(names=[created["arn"]])
    assert [p["name"] for p in out["projects"]] == [created["name"]]


def test_duplicate_project_is_rejected(cb, make_project):
    """Reference 2.2: duplicate name -> ResourceAlreadyExistsException with the ARN."""
    created = make_project()
    with pytest.raises(ClientError) as ei:
        cb.create_project(**project_input(created["name"]))
    assert error_of(ei) == ("ResourceAlreadyExistsException",
                            f"Project already exists: {project_arn(created['name'])}")
    assert ei.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400


def test_update_project_changes_only_given_fields(cb, emu, make_project):
    """UpdateProject applies the given members, keeps the rest, bumps lastModified only."""
    created = make_project({"A": "1"}, description="before")
    emu.advance(10)
    updated = cb.update_project(name=created["name"], description="after",
                                timeoutInMinutes=120)["project"]
    assert updated["description"] == "after"
    assert updated["timeoutInMinutes"] == 120
    assert updated["queuedTimeoutInMinutes"] == created["queuedTimeoutInMinutes"]
    assert updated["environment"] == created["environment"]
    assert updated["source"] == created["source"]
    assert updated["created"] == created["created"]
    assert (updated["lastModified"] - created["created"]).total_seconds() == pytest.approx(10, abs=0.01)
    assert cb.batch_get_projects(names=[created["name"]])["projects"] == [updated]


def test_update_unknown_project_is_not_found(cb):
    """UpdateProject models ResourceNotFoundException for a missing project."""
    with pytest.raises(ClientError) as ei:
        cb.update_project(name="no-such-project", description="x")
    assert error_of(ei)[0] == "ResourceNotFoundException"


def test_list_projects_sorting(cb, emu, unique):
    """ListProjects sortBy NAME / CREATED_TIME / LAST_MODIFIED_TIME with both sort orders."""
    prefix = unique("ls")
    names = [f"{prefix}-b", f"{prefix}-c", f"{prefix}-a"]  # created in this order
    for n in names:
        cb.create_project(**project_input(n))
        emu.advance(1)
    cb.update_project(name=f"{prefix}-b", description="touched")  # b now most recent

    def listed(**kw):
        return cb.list_projects(**kw)["projects"]

    assert sorted(listed()) == sorted(names)
    assert listed(sortBy="NAME", sortOrder="ASCENDING") == sorted(names)
    assert listed(sortBy="NAME", sortOrder="DESCENDING") == sorted(names, reverse=True)
    assert listed(sortBy="CREATED_TIME", sortOrder="ASCENDING") == names
    assert listed(sortBy="CREATED_TIME", sortOrder="DESCENDING") == names[::-1]
    assert listed(sortBy="LAST_MODIFIED_TIME", sortOrder="DESCENDING")[0] == f"{prefix}-b"


def test_list_projects_paginates(cb, unique):
    """More projects than one page: nextToken pages cover every project exactly once."""
    prefix = unique("pg")
    names = {f"{prefix}-{i:03d}" for i in range(105)}
    for n in names:
        cb.create_project(**project_input(n))
    first = cb.list_projects(sortBy="NAME", sortOrder="ASCENDING")
    assert "nextToken" in first, "105 projects must not fit one page (AWS pages hold <= 100)"
    assert len(first["projects"]) <= 100
    seen = []
    for page in cb.get_paginator("list_projects").paginate(sortBy="NAME", sortOrder="ASCENDING"):
        seen.extend(page["projects"])
    assert seen == sorted(names)


def test_delete_project(cb, wire, make_project):
    """DeleteProject returns {}, the project disappears; unknown names also return {}
    (reference 2.2: the model has no not-found error for DeleteProject)."""
    created = make_project()
    assert wire.call("DeleteProject", {"name": created["name"]}) == {}
    out = cb.batch_get_projects(names=[created["name"]])
    assert out["projects"] == [] and out["projectsNotFound"] == [created["name"]]
    assert created["name"] not in cb.list_projects()["projects"]
    assert wire.call("DeleteProject", {"name": created["name"]}) == {}
    # The name is free again.
    assert cb.create_project(**project_input(created["name"]))["project"]["name"] == created["name"]


def test_delete_project_keeps_its_builds(cb, emu, make_project):
    """Model doc of DeleteProject: the project's builds are not deleted."""
    project = make_project()
    build = cb.start_build(projectName=project["name"])["build"]
    emu.advance(10)
    cb.delete_project(name=project["name"])
    out = cb.batch_get_builds(ids=[build["id"]])
    assert [b["id"] for b in out["builds"]] == [build["id"]]
    assert out["builds"][0]["buildStatus"] == "SUCCEEDED"


def test_start_build_unknown_project(cb):
    """F-091 / reference 2.2: StartBuild on a missing project -> ResourceNotFoundException."""
    with pytest.raises(ClientError) as ei:
        cb.start_build(projectName="nope")
    assert error_of(ei) == ("ResourceNotFoundException",
                            f"Project cannot be found: {project_arn('nope')}")
