"""Wire protocol: validation messages, wrong types, unknown operation, malformed JSON
(reference 1.2, 1.3; server contract)."""

import json
import re

import pytest

from emulator import JSON_11, TARGET_PREFIX, project_input

UUID_RE = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")


@pytest.fixture
def project(wire, unique):
    return wire.call("CreateProject", project_input(unique("val")))["project"]


def one_error(field, value, constraint):
    shown = "null" if value is None else f"'{value}'"
    return (f"1 validation error detected: Value {shown} at '{field}' failed to satisfy "
            f"constraint: {constraint}")


def assert_error_response(status, headers, data, code):
    """Reference 1.2: HTTP 400, JSON 1.1 content type, {"__type", "message"}, request id."""
    assert status == 400, (status, data)
    assert headers.get("content-type", "").startswith(JSON_11), headers
    body = json.loads(data)
    assert body["__type"].split("#")[-1] == code, body
    assert isinstance(body.get("message"), str), body
    assert UUID_RE.match(headers.get("x-amzn-requestid", "")), headers
    # STYLE.md Errors: the router also sets x-amzn-ErrorType (JS v3 can read the code there).
    assert headers.get("x-amzn-errortype", "").split(":")[0] == code, headers
    return body


# -- model-constraint validation (coral-style messages) --------------------------------

def test_timeout_override_above_max(wire, project):
    """The contract's example message, verbatim (max of BuildTimeOut, F-030)."""
    err = wire.error("StartBuild", {"projectName": project["name"], "timeoutInMinutesOverride": 3000})
    assert err.status == 400 and err.code == "InvalidInputException"
    assert err.message == one_error("timeoutInMinutesOverride", 3000,
                                    "Member must have value less than or equal to 2160")


def test_timeout_override_below_min(wire, project):
    """min of BuildTimeOut is 5 (F-030); botocore would not catch it with validation off."""
    err = wire.error("StartBuild", {"projectName": project["name"], "timeoutInMinutesOverride": 3})
    assert err.code == "InvalidInputException"
    assert err.message == one_error("timeoutInMinutesOverride", 3,
                                    "Member must have value greater than or equal to 5")


def test_queued_timeout_override_above_max(wire, project):
    """queuedTimeoutInMinutesOverride range 5..480 (F-030)."""
    err = wire.error("StartBuild", {"projectName": project["name"],
                                    "queuedTimeoutInMinutesOverride": 481})
    assert err.code == "InvalidInputException"
    assert err.message == one_error("queuedTimeoutInMinutesOverride", 481,
                                    "Member must have value less than or equal to 480")


def test_project_name_pattern(wire):
    """F-031: project names must match [A-Za-z0-9][A-Za-z0-9\\-_]{1,149}."""
    err = wire.error("CreateProject", project_input("-starts-with-dash"))
    assert err.code == "InvalidInputException"
    assert err.message == one_error(
        "name", "-starts-with-dash",
        r"Member must satisfy regular expression pattern: [A-Za-z0-9][A-Za-z0-9\-_]{1,149}")


def test_name_too_short_reports_both_violations(wire):
    """'a' breaks the length minimum and the pattern: coral reports both, counted."""
    err = wire.error("CreateProject", project_input("a"))
    assert err.code == "InvalidInputException"
    prefix = "2 validation errors detected: "
    assert err.message.startswith(prefix), err.message
    assert sorted(err.message[len(prefix):].split("; ")) == sorted([
        "Value 'a' at 'name' failed to satisfy constraint: "
        "Member must have length greater than or equal to 2",
        "Value 'a' at 'name' failed to satisfy constraint: "
        r"Member must satisfy regular expression pattern: [A-Za-z0-9][A-Za-z0-9\-_]{1,149}"])


def test_explicit_null_counts_as_missing(wire):
    """JSON null for a required member is reported like a missing one."""
    err = wire.error("StartBuild", {"projectName": None})
    assert err.code == "InvalidInputException"
    assert err.message == one_error("projectName", None, "Member must not be null")


def test_description_too_long(wire, unique):
    """description is at most 255 characters (reference 2.2)."""
    desc = "d" * 256
    err = wire.error("CreateProject", project_input(unique("desc"), description=desc))
    assert err.code == "InvalidInputException"
    assert err.message == one_error("description", desc,
                                    "Member must have length less than or equal to 255")


def test_enum_violation_nested_member(wire, unique):
    """Enum messages list the model's values in model order; nested members are dotted."""
    body = project_input(unique("enum"))
    body["artifacts"] = {"type": "FOO"}
    err = wire.error("CreateProject", body)
    assert err.code == "InvalidInputException"
    assert err.message == one_error("artifacts.type", "FOO",
                                    "Member must satisfy enum value set: [CODEPIPELINE, S3, NO_ARTIFACTS]")


def test_enum_violation_sort_order(wire):
    """SortOrderType = ASCENDING, DESCENDING."""
    err = wire.error("ListBuilds", {"sortOrder": "UP"})
    assert err.code == "InvalidInputException"
    assert err.message == one_error("sortOrder", "UP",
                                    "Member must satisfy enum value set: [ASCENDING, DESCENDING]")


def test_missing_required_member(wire):
    """A missing required member is reported as a null value."""
    err = wire.error("StartBuild", {})
    assert err.code == "InvalidInputException"
    assert err.message == one_error("projectName", None, "Member must not be null")


def test_create_project_missing_required_members(wire, unique):
    """F-032: CreateProject needs name, source, artifacts, environment, serviceRole."""
    for member in ["source", "artifacts", "environment", "serviceRole"]:
        body = project_input(unique("req"))
        del body[member]
        err = wire.error("CreateProject", body)
        assert err.code == "InvalidInputException", member
        assert f"'{member}'" in err.message, err.message


def test_list_member_paths(wire, project):
    """Members inside lists are addressed coral-style: <list>.<1-based index>.member.<name>."""
    err = wire.error("StartBuild", {"projectName": project["name"],
                                    "environmentVariablesOverride": [{"name": "A", "value": "1"},
                                                                     {"name": "B"}]})
    assert err.code == "InvalidInputException"
    assert err.message == one_error("environmentVariablesOverride.2.member.value", None,
                                    "Member must not be null")
    err = wire.error("StartBuild", {"projectName": project["name"],
                                    "environmentVariablesOverride": [{"name": "A", "value": "1",
                                                                      "type": "X"}]})
    assert err.message == one_error(
        "environmentVariablesOverride.1.member.type", "X",
        "Member must satisfy enum value set: [PLAINTEXT, PARAMETER_STORE, SECRETS_MANAGER]")


def test_several_violations_are_counted(wire, project):
    """Reference 1.2: `N validation errors detected: a; b`."""
    err = wire.error("StartBuild", {"projectName": project["name"],
                                    "timeoutInMinutesOverride": 3000,
                                    "queuedTimeoutInMinutesOverride": 1})
    assert err.code == "InvalidInputException"
    assert err.message.startswith("2 validation errors detected: "), err.message
    parts = err.message[len("2 validation errors detected: "):].split("; ")
    assert sorted(parts) == sorted([
        "Value '3000' at 'timeoutInMinutesOverride' failed to satisfy constraint: "
        "Member must have value less than or equal to 2160",
        "Value '1' at 'queuedTimeoutInMinutesOverride' failed to satisfy constraint: "
        "Member must have value greater than or equal to 5"])


def test_boto3_maps_error_classes(cb):
    """SDKs pick the exception class from __type: boto3's modeled classes must match."""
    with pytest.raises(cb.exceptions.InvalidInputException):
        cb.start_build(projectName="x", timeoutInMinutesOverride=9999)
    with pytest.raises(cb.exceptions.ResourceNotFoundException):
        cb.start_build(projectName="no-such-project")


# -- wrong JSON types -----------------------------------------------------------------

@pytest.mark.parametrize("op,body", [
    ("StartBuild", {"projectName": 123}),
    ("StartBuild", {"projectName": "p", "timeoutInMinutesOverride": "sixty"}),
    ("StartBuild", {"projectName": "p", "timeoutInMinutesOverride": 30.5}),
    ("StartBuild", {"projectName": "p", "privilegedModeOverride": "yes"}),
    ("StartBuild", {"projectName": "p", "environmentVariablesOverride": {"name": "A"}}),
    ("BatchGetBuilds", {"ids": "p:1"}),
    ("CreateProject", {"name": "p", "source": "NO_SOURCE"}),
], ids=["string-as-int", "int-as-string", "fraction-as-int", "bool-as-string", "list-as-object",
        "list-as-string", "struct-as-string"])
def test_wrong_json_types(wire, op, body):
    """A member of the wrong JSON type is a SerializationException, not a validation error."""
    status, headers, data = wire.raw(op, body)
    assert_error_response(status, headers, data, "SerializationException")


def test_top_level_not_an_object(wire):
    """The body must be a JSON object."""
    status, headers, data = wire.raw("ListProjects", "[]")
    assert_error_response(status, headers, data, "SerializationException")


# -- protocol-level errors (raw HTTP) --------------------------------------------------

def test_unknown_operation(wire):
    """Reference 1.2 [INF]: unknown X-Amz-Target -> UnknownOperationException."""
    status, headers, data = wire.raw("NoSuchOperation", {})
    assert_error_response(status, headers, data, "UnknownOperationException")


def test_wrong_service_prefix(wire):
    """A target with a foreign prefix is not a CodeBuild operation either."""
    status, headers, data = wire.raw("", {}, target="DynamoDB_20120810.ListTables")
    assert_error_response(status, headers, data, "UnknownOperationException")


def test_target_is_case_sensitive(wire):
    """Reference 1.1: the target value is case-sensitive."""
    status, headers, data = wire.raw("", {}, target=TARGET_PREFIX + "listProjects")
    assert_error_response(status, headers, data, "UnknownOperationException")


@pytest.mark.parametrize("body", [b"{", b"not json", b'{"projectName": "p",}', b"\xff\xfe"])
def test_malformed_json(emu, body):
    """Unparsable body -> SerializationException (sent unsigned through http.client: the
    emulator must not depend on a valid signature to answer)."""
    status, headers, data = emu.http("POST", "/", body, {
        "Content-Type": JSON_11, "X-Amz-Target": TARGET_PREFIX + "StartBuild"})
    assert_error_response(status, headers, data, "SerializationException")


def test_success_headers(emu):
    """Reference 1.1: 200, JSON 1.1 content type, x-amzn-RequestId uuid on success; an
    unsigned request with an empty object works (no signature verification)."""
    status, headers, data = emu.http("POST", "/", b"{}", {
        "Content-Type": JSON_11, "X-Amz-Target": TARGET_PREFIX + "ListProjects"})
    assert status == 200, data
    assert headers["content-type"].startswith(JSON_11)
    assert UUID_RE.match(headers.get("x-amzn-requestid", "")), headers
    assert json.loads(data) == {"projects": []}


def test_request_ids_are_unique(emu):
    """Every response carries its own request id."""
    seen = set()
    for _ in range(5):
        _, headers, _ = emu.http("POST", "/", b"{}", {
            "Content-Type": JSON_11, "X-Amz-Target": TARGET_PREFIX + "ListProjects"})
        seen.add(headers["x-amzn-requestid"])
    assert len(seen) == 5


def test_keep_alive_connection_serves_many_requests(emu):
    """SDKs reuse connections: several requests on one HTTP/1.1 connection."""
    import http.client
    conn = http.client.HTTPConnection("127.0.0.1", emu.port, timeout=10)
    try:
        for _ in range(3):
            conn.request("POST", "/", body=b"{}", headers={
                "Content-Type": JSON_11, "X-Amz-Target": TARGET_PREFIX + "ListProjects"})
            resp = conn.getresponse()
            assert resp.status == 200
            assert json.loads(resp.read()) == {"projects": []}
    finally:
        conn.close()
