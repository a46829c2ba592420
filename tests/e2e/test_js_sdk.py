"""Runs the JS SDK v3 suite (tests/e2e/js, `node --test`) from pytest so that one command
runs every e2e suite. The JS tests start their own emulator (same binary, free port,
temp dir); this wrapper only passes SCL_BINARY and checks the runner's verdict."""

import os
import shutil
import subprocess

import pytest

from emulator import E2E_DIR, binary_path

JS_DIR = E2E_DIR / "js"


def test_js_sdk_suite():
    """node --test in tests/e2e/js must pass."""
    node = shutil.which("node")
    if node is None:
        pytest.skip("node is not installed (Debian package nodejs); JS SDK suite not run")
    if not (JS_DIR / "node_modules" / "@aws-sdk" / "client-codebuild").is_dir():
        pytest.skip("JS dependencies missing: run `npm ci` in tests/e2e/js first")
    if not binary_path().exists():
        pytest.fail(f"emulator binary not found at {binary_path()}", pytrace=False)
    env = dict(os.environ, SCL_BINARY=str(binary_path()))
    proc = subprocess.run([node, "--test"], cwd=JS_DIR, env=env, capture_output=True,
                          text=True, timeout=300)
    assert proc.returncode == 0, f"node --test failed ({proc.returncode}):\n{proc.stdout}\n{proc.stderr}"
