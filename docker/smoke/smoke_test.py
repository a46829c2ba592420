"""Container smoke test: create a project, run a build to completion, delete it.

Runs against $EMULATOR_URL (default http://emulator:8083) with boto3; exits non-zero on
any mismatch. Expects the emulator on a real clock (a time scale makes it fast).
"""

import os
import sys
import time
import uuid

import boto3
from botocore.config import Config

URL = os.environ.get("EMULATOR_URL", "http://emulator:8083")
DEADLINE_S = float(os.environ.get("SMOKE_DEADLINE_SECONDS", "120"))


def main() -> int:
    cb = boto3.client("codebuild", endpoint_url=URL,
                      region_name=os.environ.get("AWS_DEFAULT_REGION", "us-east-1"),
                      config=Config(retries={"total_max_attempts": 1}))
    name = f"smoke-{uuid.uuid4().hex[:8]}"
    cb.create_project(
        name=name,
        source={"type": "NO_SOURCE", "buildspec": "version: 0.2\nphases:\n  build:\n    commands:\n      - echo hi\n"},
        artifacts={"type": "NO_ARTIFACTS"},
        environment={"type": "LINUX_CONTAINER", "image": "aws/codebuild/standard:7.0",
                     "computeType": "BUILD_GENERAL1_SMALL"},
        serviceRole="arn:aws:iam::123456789012:role/smoke")
    build = cb.start_build(projectName=name)["build"]
    print(f"started {build['id']}", flush=True)
    deadline = time.monotonic() + DEADLINE_S
    while True:
        current = cb.batch_get_builds(ids=[build["id"]])["builds"][0]
        if current["buildComplete"]:
            break
        if time.monotonic() > deadline:
            print(f"FAIL: build not complete after {DEADLINE_S}s: {current['currentPhase']}")
            return 1
        time.sleep(0.5)
    if current["buildStatus"] != "SUCCEEDED":
        print(f"FAIL: buildStatus {current['buildStatus']}")
        return 1
    deleted = cb.batch_delete_builds(ids=[build["id"]])["buildsDeleted"]
    if deleted != [build["arn"]]:
        print(f"FAIL: buildsDeleted {deleted}")
        return 1
    print("smoke test passed", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
