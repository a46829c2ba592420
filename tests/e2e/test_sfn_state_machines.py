"""Step Functions state machine CRUD through boto3 (reference 4.1, 4.2, F-113..F-127): the
exact AWS messages SDK users match on, idempotency rules, pagination, tags, partitioning."""

import json

import pytest
from botocore.exceptions import ClientError

from emulator import (EMULATOR_TASK, PASS_DEFINITION, SFN_ROLE, definition, sm_arn)


def error_of(excinfo):
    err = excinfo.value.response["Error"]
    return err["Code"], err["Message"]


def test_create_standard_and_express_describe(sfn, unique):
    """CreateStateMachine returns the ARN format of 4.1 and DescribeStateMachine echoes the
    definition byte for byte with AWS's defaults (F-117)."""
    for sm_type in ("STANDARD", "EXPRESS"):
        name = unique("crud")
        text = '{"StartAt":"P",  "States":{"P":{"Type":"Pass","End":true}}}'
        out = sfn.create_state_machine(name=name, definition=text, roleArn=SFN_ROLE, type=sm_type)
        assert out["stateMachineArn"] == sm_arn(name)
        d = sfn.describe_state_machine(stateMachineArn=out["stateMachineArn"])
        assert d["definition"] == text
        assert d["type"] == sm_type
        assert d["status"] == "ACTIVE"
        assert d["name"] == name
        assert d["roleArn"] == SFN_ROLE
        assert d["creationDate"] == out["creationDate"]
        assert d["loggingConfiguration"] == {"level": "OFF", "includeExecutionData": False}
        assert d["tracingConfiguration"] == {"enabled": False}
        assert "revisionId" not in d


def test_create_defaults_to_standard(sfn, unique):
    """`type` is optional and defaults to STANDARD (reference 4.2)."""
    arn = sfn.create_state_machine(name=unique("d"), definition=PASS_DEFINITION,
                                   roleArn=SFN_ROLE)["stateMachineArn"]
    assert sfn.describe_state_machine(stateMachineArn=arn)["type"] == "STANDARD"


def test_create_exact_duplicate_is_idempotent(sfn, unique):
    """F-114: an identical repeat returns 200 with the same ARN and creation date; roleArn and
    tags do not take part in the comparison (reference 4.2)."""
    name = unique("dup")
    first = sfn.create_state_machine(name=name, definition=PASS_DEFINITION, roleArn=SFN_ROLE)
    again = sfn.create_state_machine(name=name, definition=PASS_DEFINITION,
                                     roleArn=SFN_ROLE + "-other",
                                     tags=[{"key": "k", "value": "v"}])
    assert again["stateMachineArn"] == first["stateMachineArn"]
    assert again["creationDate"] == first["creationDate"]
    assert len(sfn.list_state_machines()["stateMachines"]) == 1


def test_create_reindented_definition_conflicts(sfn, unique):
    """F-113: the same JSON re-indented is a different definition."""
    name = unique("dup")
    sfn.create_state_machine(name=name, definition=PASS_DEFINITION, roleArn=SFN_ROLE)
    pretty = json.dumps(json.loads(PASS_DEFINITION), indent=2)
    with pytest.raises(ClientError) as e:
        sfn.create_state_machine(name=name, definition=pretty, roleArn=SFN_ROLE)
    assert error_of(e) == ("StateMachineAlreadyExists",
                           f"State Machine Already Exists: '{sm_arn(name)}'")


def test_create_same_name_other_type_conflicts(sfn, unique):
    """Idempotency includes the type (reference 4.2)."""
    name = unique("dup")
    sfn.create_state_machine(name=name, definition=PASS_DEFINITION, roleArn=SFN_ROLE)
    with pytest.raises(ClientError) as e:
        sfn.create_state_machine(name=name, definition=PASS_DEFINITION, roleArn=SFN_ROLE,
                                 type="EXPRESS")
    assert error_of(e)[0] == "StateMachineAlreadyExists"


def test_invalid_definition_missing_states(sfn, unique):
    """F-115: the recorded SCHEMA_VALIDATION_FAILED text for a definition without States."""
    with pytest.raises(ClientError) as e:
        sfn.create_state_machine(name=unique("bad"), definition='{"StartAt": "A"}',
                                 roleArn=SFN_ROLE)
    assert error_of(e) == (
        "InvalidDefinition",
        "Invalid State Machine Definition: 'SCHEMA_VALIDATION_FAILED: These fields are "
        "required: [States] at /'")
    assert sfn.list_state_machines()["stateMachines"] == []


def test_invalid_definition_bad_timestamp(sfn, unique):
    """Reference 4.2: a Wait Timestamp that is not RFC3339 is reported at its JSON pointer."""
    text = definition({"WaitUntil": {"Type": "Wait", "Timestamp": "tomorrow", "End": True}})
    with pytest.raises(ClientError) as e:
        sfn.create_state_machine(name=unique("bad"), definition=text, roleArn=SFN_ROLE)
    code, msg = error_of(e)
    assert code == "InvalidDefinition"
    assert "String does not match RFC3339 timestamp at /States/WaitUntil/Timestamp" in msg


def test_invalid_definition_unknown_resource(sfn, unique):
    """F-090: an unknown optimized resource is rejected at creation."""
    res = "arn:aws:states:::nosuchservice:doIt"
    text = definition({"T": {"Type": "Task", "Resource": res, "End": True}})
    with pytest.raises(ClientError) as e:
        sfn.create_state_machine(name=unique("bad"), definition=text, roleArn=SFN_ROLE)
    code, msg = error_of(e)
    assert code == "InvalidDefinition"
    assert f"The resource provided {res} is not recognized." in msg
    assert msg.endswith("at /States/T/Resource'")


@pytest.mark.parametrize("name", ["has space", "a/b", "semi;colon", "star*", "tab\there"])
def test_invalid_name(sfn, name):
    """Reference 4.1: forbidden characters → InvalidName with AWS's text."""
    with pytest.raises(ClientError) as e:
        sfn.create_state_machine(name=name, definition=PASS_DEFINITION, roleArn=SFN_ROLE)
    assert error_of(e) == ("InvalidName", f"Invalid Name: '{name}'")


def test_name_of_81_characters_is_rejected(sfn):
    """Reference 4.1/1.3: names are at most 80 characters and the server (not the SDK) must
    enforce it; the reference does not say which of the two error codes AWS uses."""
    with pytest.raises(ClientError) as e:
        sfn.create_state_machine(name="x" * 81, definition=PASS_DEFINITION, roleArn=SFN_ROLE)
    assert error_of(e)[0] in ("InvalidName", "ValidationException")
    assert sfn.list_state_machines()["stateMachines"] == []


def test_name_of_80_characters_is_valid(sfn):
    """Reference 4.1: 80 characters is the upper bound, inclusive."""
    name = "n" * 80
    out = sfn.create_state_machine(name=name, definition=PASS_DEFINITION, roleArn=SFN_ROLE)
    assert out["stateMachineArn"] == sm_arn(name)


def test_logging_needs_exactly_one_destination(sfn, unique):
    """F-126: level ALL without a destination → InvalidLoggingConfiguration."""
    with pytest.raises(ClientError) as e:
        sfn.create_state_machine(name=unique("log"), definition=PASS_DEFINITION, roleArn=SFN_ROLE,
                                 loggingConfiguration={"level": "ALL",
                                                       "includeExecutionData": True})
    assert error_of(e) == ("InvalidLoggingConfiguration",
                           "Invalid Logging Configuration: Must specify exactly one Log "
                           "Destination.")


def test_logging_with_one_destination_is_echoed(sfn, unique):
    """Reference 4.2: a valid logging configuration is returned by DescribeStateMachine."""
    dest = [{"cloudWatchLogsLogGroup": {
        "logGroupArn": "arn:aws:logs:us-east-1:123456789012:log-group:sfn:*"}}]
    arn = sfn.create_state_machine(
        name=unique("log"), definition=PASS_DEFINITION, roleArn=SFN_ROLE,
        loggingConfiguration={"level": "ERROR", "includeExecutionData": True,
                              "destinations": dest})["stateMachineArn"]
    got = sfn.describe_state_machine(stateMachineArn=arn)["loggingConfiguration"]
    assert got == {"level": "ERROR", "includeExecutionData": True, "destinations": dest}


def test_describe_unknown_and_malformed_arn(sfn):
    """F-108/F-109: the recorded messages for a well-formed unknown ARN and a malformed one."""
    missing = sm_arn("nope")
    with pytest.raises(ClientError) as e:
        sfn.describe_state_machine(stateMachineArn=missing)
    assert error_of(e) == ("StateMachineDoesNotExist", f"State Machine Does Not Exist: '{missing}'")
    with pytest.raises(ClientError) as e:
        sfn.describe_state_machine(stateMachineArn="not-an-arn")
    assert error_of(e) == ("InvalidArn", "Invalid Arn: 'Invalid ARN prefix: not-an-arn'")


def test_update_nothing_is_missing_required_parameter(sfn, make_sm):
    """F-118: UpdateStateMachine with nothing to update."""
    arn = make_sm()
    with pytest.raises(ClientError) as e:
        sfn.update_state_machine(stateMachineArn=arn)
    assert error_of(e) == (
        "MissingRequiredParameter",
        "Either the definition, the role ARN, the LoggingConfiguration, or the "
        "TracingConfiguration must be specified")


def test_update_returns_revision_and_describe_shows_it(sfn, sfn_wire, make_sm, emu):
    """F-119: updateDate and revisionId come back; DescribeStateMachine then shows revisionId."""
    arn = make_sm()
    emu.advance(5)
    new_def = definition({"Q": {"Type": "Pass", "Result": 2, "End": True}})
    out = sfn_wire.call("UpdateStateMachine", {"stateMachineArn": arn, "definition": new_def})
    assert set(out) == {"updateDate", "revisionId"}
    assert isinstance(out["updateDate"], (int, float))
    d = sfn_wire.call("DescribeStateMachine", {"stateMachineArn": arn})
    assert d["definition"] == new_def
    assert d["revisionId"] == out["revisionId"]
    again = sfn_wire.call("UpdateStateMachine", {"stateMachineArn": arn, "roleArn": SFN_ROLE})
    assert again["revisionId"] != out["revisionId"]


def test_update_with_invalid_definition_keeps_the_old_one(sfn, make_sm):
    """UpdateStateMachine validates like CreateStateMachine (reference 4.3) and changes
    nothing on failure."""
    arn = make_sm()
    with pytest.raises(ClientError) as e:
        sfn.update_state_machine(stateMachineArn=arn, definition='{"StartAt": "A"}')
    assert error_of(e)[0] == "InvalidDefinition"
    assert sfn.describe_state_machine(stateMachineArn=arn)["definition"] == PASS_DEFINITION


def test_update_unknown_machine(sfn):
    """UpdateStateMachine of an unknown ARN → StateMachineDoesNotExist (reference 4.3)."""
    with pytest.raises(ClientError) as e:
        sfn.update_state_machine(stateMachineArn=sm_arn("ghost"), roleArn=SFN_ROLE)
    assert error_of(e)[0] == "StateMachineDoesNotExist"


def test_delete_then_describe_and_delete_nonexistent(sfn, make_sm):
    """F-116: deleting a non-existent (well-formed) ARN returns 200; a deleted machine is gone."""
    arn = make_sm()
    assert sfn.delete_state_machine(stateMachineArn=arn)["ResponseMetadata"]["HTTPStatusCode"] == 200
    with pytest.raises(ClientError) as e:
        sfn.describe_state_machine(stateMachineArn=arn)
    assert error_of(e)[0] == "StateMachineDoesNotExist"
    sfn.delete_state_machine(stateMachineArn=sm_arn("never-existed"))
    with pytest.raises(ClientError) as e:
        sfn.delete_state_machine(stateMachineArn="arn:aws:nope")
    assert error_of(e)[0] == "InvalidArn"


def test_list_state_machines_pagination(sfn, make_sm):
    """ListStateMachines pages with maxResults/nextToken, each machine exactly once."""
    names = [f"page-{i:02d}" for i in range(7)]
    for n in names:
        make_sm(name=n)
    seen, token, pages = [], None, 0
    while True:
        args = {"maxResults": 3}
        if token:
            args["nextToken"] = token
        page = sfn.list_state_machines(**args)
        pages += 1
        assert len(page["stateMachines"]) <= 3
        for item in page["stateMachines"]:
            assert set(item) == {"stateMachineArn", "name", "type", "creationDate"}
        seen += [i["name"] for i in page["stateMachines"]]
        token = page.get("nextToken")
        if not token:
            break
    assert sorted(seen) == names
    assert pages == 3
    paginated = [i["name"] for p in sfn.get_paginator("list_state_machines").paginate(
        PaginationConfig={"PageSize": 2}) for i in p["stateMachines"]]
    assert sorted(paginated) == names


def test_list_state_machines_max_results_1001(sfn):
    """F-121: the recorded model-constraint message."""
    with pytest.raises(ClientError) as e:
        sfn.list_state_machines(maxResults=1001)
    assert error_of(e) == (
        "ValidationException",
        "1 validation error detected: Value '1001' at 'maxResults' failed to satisfy "
        "constraint: Member must have value less than or equal to 1000")


def test_list_state_machines_bad_token(sfn, make_sm):
    """An unparsable nextToken → InvalidToken (reference 4.3)."""
    make_sm()
    with pytest.raises(ClientError) as e:
        sfn.list_state_machines(nextToken="garbage!!")
    assert error_of(e)[0] == "InvalidToken"


def test_validate_definition(sfn_wire):
    """F-127 / reference 4.2: HTTP 200 with result FAIL and the recorded diagnostics."""
    ok = sfn_wire.call("ValidateStateMachineDefinition", {"definition": PASS_DEFINITION})
    assert ok == {"result": "OK", "diagnostics": [], "truncated": False}
    empty = sfn_wire.call("ValidateStateMachineDefinition", {"definition": "{}"})
    assert empty["result"] == "FAIL"
    assert {"severity": "ERROR", "code": "SCHEMA_VALIDATION_FAILED",
            "message": "These fields are required: [States, StartAt]", "location": "/"} \
        in empty["diagnostics"]
    not_json = sfn_wire.call("ValidateStateMachineDefinition", {"definition": "not json"})
    assert not_json["result"] == "FAIL"
    assert not_json["diagnostics"][0]["code"] == "INVALID_JSON_DESCRIPTION"


def test_tags_round_trip(sfn, make_sm):
    """TagResource/UntagResource/ListTagsForResource (reference 4.2 Tags)."""
    arn = make_sm(tags=[{"key": "a", "value": "1"}])
    assert sfn.list_tags_for_resource(resourceArn=arn)["tags"] == [{"key": "a", "value": "1"}]
    sfn.tag_resource(resourceArn=arn, tags=[{"key": "b", "value": "2"}, {"key": "a", "value": "3"}])
    tags = sorted(sfn.list_tags_for_resource(resourceArn=arn)["tags"], key=lambda t: t["key"])
    assert tags == [{"key": "a", "value": "3"}, {"key": "b", "value": "2"}]
    sfn.untag_resource(resourceArn=arn, tagKeys=["a"])
    assert sfn.list_tags_for_resource(resourceArn=arn)["tags"] == [{"key": "b", "value": "2"}]


def test_tags_unknown_resource(sfn):
    """Reference 4.2: unknown resource → ResourceNotFound."""
    with pytest.raises(ClientError) as e:
        sfn.list_tags_for_resource(resourceArn=sm_arn("ghost"))
    assert error_of(e)[0] == "ResourceNotFound"


def test_account_and_region_partitioning(emu, unique):
    """README: resources are separate per account (12-digit access key) and region."""
    a = emu.sfn_client()
    other_account = emu.sfn_client(access_key="210987654321")
    other_region = emu.sfn_client(region="eu-west-1")
    name = unique("part")
    arn = a.create_state_machine(name=name, definition=PASS_DEFINITION,
                                 roleArn=SFN_ROLE)["stateMachineArn"]
    assert other_account.list_state_machines()["stateMachines"] == []
    assert other_region.list_state_machines()["stateMachines"] == []
    for c in (other_account, other_region):
        with pytest.raises(ClientError) as e:
            c.describe_state_machine(stateMachineArn=arn)
        assert error_of(e)[0] == "StateMachineDoesNotExist"
        with pytest.raises(ClientError) as e:
            c.start_execution(stateMachineArn=arn)
        assert error_of(e)[0] == "StateMachineDoesNotExist"
    # The same name elsewhere is a different machine with its own ARN.
    arn2 = other_account.create_state_machine(name=name, definition=PASS_DEFINITION,
                                              roleArn=SFN_ROLE)["stateMachineArn"]
    assert arn2 == sm_arn(name, account="210987654321")
    arn3 = other_region.create_state_machine(name=name, definition=PASS_DEFINITION,
                                             roleArn=SFN_ROLE)["stateMachineArn"]
    assert arn3 == sm_arn(name, region="eu-west-1")
    # Deleting through another partition leaves the original alone.
    other_account.delete_state_machine(stateMachineArn=arn)
    assert a.describe_state_machine(stateMachineArn=arn)["name"] == name
