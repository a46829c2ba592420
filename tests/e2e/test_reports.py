"""Test reports end to end (reference 2.11; F-050..F-053): report groups created from a
buildspec `reports` section, reports finished when the build completes (from a JUnit /
Cucumber / Cobertura file named by SIMULATE_REPORT_FILE, or synthetic), and the report APIs."""

import json
import subprocess
from pathlib import Path

import pytest
from botocore.exceptions import ClientError

from emulator import REPO_ROOT, env_override

BUILDSPECS = REPO_ROOT / "fixtures" / "buildspecs"
REPORTS = REPO_ROOT / "fixtures" / "reports"
COUNT_KEYS = {"ERROR", "FAILED", "SKIPPED", "SUCCEEDED", "UNKNOWN"}


def reports_project(make_project):
    return make_project(source={"type": "NO_SOURCE",
                                "buildspec": (BUILDSPECS / "reports.yml").read_text()})


def get_report(cb, arn):
    out = cb.batch_get_reports(reportArns=[arn])
    assert out["reportsNotFound"] == [], out
    return out["reports"][0]


def test_reports_from_junit_and_cobertura_files(cb, wire, emu, make_project):
    """SIMULATE_REPORT_FILE / SIMULATE_REPORT_FILE_<KEY> feed real results into the reports of
    groups named <project>-<key>; GENERATING while the build runs."""
    project = reports_project(make_project)
    build = cb.start_build(projectName=project["name"], environmentVariablesOverride=env_override(
        SIMULATE_REPORT_FILE=str(REPORTS / "junit-mixed.xml"),
        SIMULATE_REPORT_FILE_coverage=str(REPORTS / "cobertura.xml")))["build"]
    assert len(build["reportArns"]) == 2
    test_arn, cov_arn = build["reportArns"]
    group_prefix = f"arn:aws:codebuild:us-east-1:123456789012:report/{project['name']}-"
    assert test_arn.startswith(group_prefix + "pytest:")
    assert cov_arn.startswith(group_prefix + "coverage:")
    generating = wire.call("BatchGetReports", {"reportArns": [test_arn]})["reports"][0]
    assert generating["status"] == "GENERATING"
    assert generating["executionId"] == build["arn"], "F-053"
    assert generating["name"] == f"{project['name']}-pytest"
    assert generating["expired"] == pytest.approx(int(generating["created"]) + 30 * 86400)

    emu.advance(30)
    report = wire.call("BatchGetReports", {"reportArns": [test_arn]})["reports"][0]
    assert report["status"] == "FAILED"
    assert set(report["testSummary"]["statusCounts"]) == COUNT_KEYS, "F-052"
    assert report["testSummary"]["statusCounts"] == {
        "ERROR": 1, "FAILED": 1, "SKIPPED": 1, "SUCCEEDED": 2, "UNKNOWN": 0}
    assert report["testSummary"]["total"] == 5
    assert report["testSummary"]["durationInNanoSeconds"] == 562_000_000
    assert report["truncated"] is False
    cov = get_report(cb, cov_arn)
    assert cov["type"] == "CODE_COVERAGE"
    assert cov["codeCoverageSummary"]["linesCovered"] == 200
    assert cov["codeCoverageSummary"]["linesMissed"] == 50
    assert cov["codeCoverageSummary"]["lineCoveragePercentage"] == 80.0
    assert cov["codeCoverageSummary"]["branchCoveragePercentage"] == 75.0

    cases = cb.describe_test_cases(reportArn=test_arn)["testCases"]
    assert [c["name"] for c in cases] == ["test_add", "test_divide_by_zero", "test_power",
                                          "test_read_config", "test_network"]
    failed = cb.describe_test_cases(reportArn=test_arn, filter={"status": "FAILED"})["testCases"]
    assert len(failed) == 1 and failed[0]["message"].startswith("ZeroDivisionError")
    assert failed[0]["prefix"] == "tests.test_math"
    # testSuiteName is newer than Debian's botocore 1.29 model: read it off the wire.
    raw = wire.call("DescribeTestCases", {"reportArn": test_arn, "filter": {"status": "FAILED"}})
    assert raw["testCases"][0]["testSuiteName"] == "tests.test_math"
    io = cb.describe_test_cases(reportArn=test_arn, filter={"keyword": "test_io"})["testCases"]
    assert [c["name"] for c in io] == ["test_read_config", "test_network"]
    page = cb.describe_test_cases(reportArn=test_arn, maxResults=3)
    rest = cb.describe_test_cases(reportArn=test_arn, maxResults=3, nextToken=page["nextToken"])
    assert len(page["testCases"]) == 3 and len(rest["testCases"]) == 2
    assert "nextToken" not in rest

    group_arn = report["reportGroupArn"]
    assert cb.list_reports_for_report_group(reportGroupArn=group_arn)["reports"] == [test_arn]
    trend = cb.get_report_group_trend(reportGroupArn=group_arn, trendField="PASS_RATE")
    assert trend["stats"] == {"average": "40", "max": "40", "min": "40"}
    assert trend["rawData"] == [{"reportArn": test_arn, "data": "40"}]


def test_synthetic_reports_and_cucumber(cb, wire, emu, make_project):
    """Without a report file the report follows the build: SUCCEEDED build -> one passing
    case, FAILED -> one failing case; Cucumber JSON is read for CUCUMBERJSON groups."""
    project = reports_project(make_project)
    ok = cb.start_build(projectName=project["name"])["build"]
    bad = cb.start_build(projectName=project["name"],
                         environmentVariablesOverride=env_override(SIMULATE_STATUS="FAILED"))["build"]
    emu.advance(30)
    ok_report = get_report(cb, ok["reportArns"][0])
    assert ok_report["status"] == "SUCCEEDED"
    assert ok_report["testSummary"]["statusCounts"]["SUCCEEDED"] == 1
    bad_report = get_report(cb, bad["reportArns"][0])
    assert bad_report["status"] == "FAILED"
    assert bad_report["testSummary"]["statusCounts"]["FAILED"] == 1
    assert cb.list_reports(filter={"status": "FAILED"})["reports"] == [
        bad["reportArns"][1], bad["reportArns"][0]]

    cucumber = make_project(source={"type": "NO_SOURCE", "buildspec": (
        "version: 0.2\nreports:\n  features:\n    files: [cucumber.json]\n"
        "    file-format: CUCUMBERJSON\n")})
    build = cb.start_build(projectName=cucumber["name"], environmentVariablesOverride=env_override(
        SIMULATE_REPORT_FILE=str(REPORTS / "cucumber.json")))["build"]
    emu.advance(30)
    report = get_report(cb, build["reportArns"][0])
    assert report["status"] == "FAILED"
    assert report["testSummary"]["statusCounts"]["SUCCEEDED"] == 1
    assert report["testSummary"]["statusCounts"]["FAILED"] == 1
    cases = wire.call("DescribeTestCases", {"reportArn": build["reportArns"][0]})["testCases"]
    assert cases[1]["message"] == "expected DECLINED, got ACCEPTED"
    assert cases[1]["testSuiteName"] == "Checkout"


def test_report_group_crud(cb, emu, make_project):
    """CreateReportGroup / UpdateReportGroup / BatchGetReportGroups / ListReportGroups /
    DeleteReportGroup (deleteReports) / DeleteReport."""
    group = cb.create_report_group(name="manual-group", type="TEST",
                                   exportConfig={"exportConfigType": "NO_EXPORT"})["reportGroup"]
    assert group["arn"] == "arn:aws:codebuild:us-east-1:123456789012:report-group/manual-group"
    with pytest.raises(ClientError) as e:
        cb.create_report_group(name="manual-group", type="TEST",
                               exportConfig={"exportConfigType": "NO_EXPORT"})
    assert e.value.response["Error"]["Code"] == "ResourceAlreadyExistsException"
    emu.advance(2)
    updated = cb.update_report_group(arn=group["arn"], tags=[{"key": "team", "value": "qa"}])
    assert updated["reportGroup"]["tags"] == [{"key": "team", "value": "qa"}]
    got = cb.batch_get_report_groups(reportGroupArns=[group["arn"], group["arn"] + "x"])
    assert [g["name"] for g in got["reportGroups"]] == ["manual-group"]
    assert got["reportGroupsNotFound"] == [group["arn"] + "x"]
    assert got["reportGroups"][0]["lastModified"] > got["reportGroups"][0]["created"]

    project = make_project(source={"type": "NO_SOURCE", "buildspec": (
        f"version: 0.2\nreports:\n  {group['arn']}:\n    files: [junit.xml]\n")})
    build = cb.start_build(projectName=project["name"])["build"]
    emu.advance(30)
    assert cb.list_report_groups()["reportGroups"] == [group["arn"]]
    with pytest.raises(ClientError) as e:
        cb.delete_report_group(arn=group["arn"])
    assert e.value.response["Error"]["Code"] == "InvalidInputException"
    cb.delete_report_group(arn=group["arn"], deleteReports=True)
    assert cb.batch_get_reports(reportArns=build["reportArns"])["reportsNotFound"] == build["reportArns"]
    assert cb.list_report_groups()["reportGroups"] == []


def test_aws_cli_report_commands(emu, cb, make_project):
    """The AWS CLI (v2, Debian) reads reports: batch-get-reports, describe-test-cases."""
    exe = "/usr/bin/aws"
    if not Path(exe).exists():
        pytest.skip("no /usr/bin/aws")
    project = reports_project(make_project)
    build = cb.start_build(projectName=project["name"], environmentVariablesOverride=env_override(
        SIMULATE_REPORT_FILE=str(REPORTS / "junit-mixed.xml")))["build"]
    emu.advance(30)
    env = {"AWS_ACCESS_KEY_ID": "AKIDEXAMPLE", "AWS_SECRET_ACCESS_KEY": "secret",
           "AWS_DEFAULT_REGION": "us-east-1", "PATH": "/usr/bin:/bin", "HOME": str(emu.work_dir)}

    def aws(*args):
        out = subprocess.run([exe, "--endpoint-url", emu.endpoint, "--output", "json",
                              "codebuild", *args], capture_output=True, text=True, env=env,
                             timeout=120)
        assert out.returncode == 0, out.stderr
        return json.loads(out.stdout)

    reports = aws("batch-get-reports", "--report-arns", build["reportArns"][0])["reports"]
    assert reports[0]["testSummary"]["total"] == 5
    cases = aws("describe-test-cases", "--report-arn", build["reportArns"][0],
                "--filter", "status=ERROR")["testCases"]
    assert [c["name"] for c in cases] == ["test_read_config"]
