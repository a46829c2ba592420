"""Runs the Step Functions part of the JS SDK v3 suite (js/sfn.test.mjs) so that
`pytest -k sfn` covers the JS SDK too; test_js_sdk.py runs the whole JS suite."""

import os
import shutil
import subprocess

import pytest

from emulator import E2E_DIR, binary_path

JS_DIR = E2E_DIR / "js"


def test_sfn_js_sdk_suite():
    """node --test js/sfn.test.mjs must pass (@aws-sdk/client-sfn, disableHostPrefix)."""
    node = shutil.which("node")
    if node is None:
        pytest.skip("node is not installed (Debian package nodejs); JS SDK suite not run")
    if not (JS_DIR / "node_modules" / "@aws-sdk" / "client-sfn").is_dir():
        pytest.skip("JS dependencies missing: run `npm ci` in tests/e2e/js first")
    if not binary_path().exists():
        pytest.fail(f"emulator binary not found at {binary_path()}", pytrace=False)
    env = dict(os.environ, SCL_BINARY=str(binary_path()))
    proc = subprocess.run([node, "--test", "sfn.test.mjs"], cwd=JS_DIR, env=env,
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, f"node --test failed ({proc.returncode}):\n{proc.stdout}\n{proc.stderr}"
