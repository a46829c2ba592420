"""Accounts and regions partition every resource (server contract; reference 1.4)."""

from emulator import DEFAULT_ACCOUNT, project_arn, project_input


def test_accounts_are_isolated(emu, unique):
    """A 12-digit access key id is the account id; other keys map to 123456789012.
    The same project name can exist in both accounts without seeing each other."""
    default = emu.client("AKIDEXAMPLE")
    other = emu.client("111122223333")
    name = unique("shared")
    a = default.create_project(**project_input(name))["project"]
    # A service role is an IAM role of the caller's account (issue 13).
    b = other.create_project(**project_input(
        name, serviceRole="arn:aws:iam::111122223333:role/service-role/codebuild-e2e-role"))["project"]
    assert a["arn"] == project_arn(name, account=DEFAULT_ACCOUNT)
    assert b["arn"] == project_arn(name, account="111122223333")
    assert b["encryptionKey"] == "arn:aws:kms:us-east-1:111122223333:alias/aws/s3"

    only_a = unique("only-a")
    default.create_project(**project_input(only_a))
    assert sorted(default.list_projects()["projects"]) == sorted([name, only_a])
    assert other.list_projects()["projects"] == [name]
    assert other.batch_get_projects(names=[only_a])["projectsNotFound"] == [only_a]

    build = other.start_build(projectName=name)["build"]
    assert build["arn"] == f"arn:aws:codebuild:us-east-1:111122223333:build/{build['id']}"
    assert build["buildNumber"] == 1
    assert default.start_build(projectName=name)["build"]["buildNumber"] == 1
    assert default.batch_get_builds(ids=[build["id"]])["buildsNotFound"] == [build["id"]]
    assert build["id"] not in default.list_builds()["ids"]
    assert other.list_builds()["ids"] == [build["id"]]
    # Deleting in one account leaves the other alone.
    other.delete_project(name=name)
    assert default.batch_get_projects(names=[name])["projects"][0]["arn"] == a["arn"]


def test_regions_are_isolated(emu, unique):
    """The region comes from the SigV4 credential scope."""
    east = emu.client(region="us-east-1")
    west = emu.client(region="eu-west-1")
    name = unique("reg")
    east.create_project(**project_input(name))
    assert west.list_projects()["projects"] == []
    created = west.create_project(**project_input(name))["project"]
    assert created["arn"] == project_arn(name, region="eu-west-1")
    build = west.start_build(projectName=name)["build"]
    assert build["arn"].startswith("arn:aws:codebuild:eu-west-1:123456789012:build/")
    assert east.batch_get_builds(ids=[build["id"]])["buildsNotFound"] == [build["id"]]
    assert east.batch_delete_builds(ids=[build["id"]])["buildsDeleted"] == []
