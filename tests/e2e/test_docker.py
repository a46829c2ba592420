"""Static checks of docker/ (no Docker engine runs on the dev/CI machines): the compose
file must be valid for docker-compose, the Dockerfile must keep its agreed shape."""

import json
import py_compile
import re
import shutil
import subprocess

import pytest

from emulator import REPO_ROOT

DOCKER_DIR = REPO_ROOT / "docker"
DOCKERFILE = DOCKER_DIR / "Dockerfile"
COMPOSE = DOCKER_DIR / "docker-compose.yml"


def instructions(path):
    """Dockerfile instructions as (KEYWORD, args) with continuations joined, comments dropped."""
    lines, current = [], ""
    for raw in path.read_text().splitlines():
        stripped = raw.strip()
        if not current and (not stripped or stripped.startswith("#")):
            continue
        if stripped.startswith("#"):
            continue
        if stripped.endswith("\\"):
            current += stripped[:-1] + " "
            continue
        current += stripped
        keyword, _, args = current.partition(" ")
        lines.append((keyword.upper(), args.strip()))
        current = ""
    return lines


def stages(path):
    out = []
    for keyword, args in instructions(path):
        if keyword == "FROM":
            out.append({"from": args, "body": []})
        elif out:
            out[-1]["body"].append((keyword, args))
    return out


def test_dockerfile_is_two_stage_bookworm():
    """Build on debian:bookworm, run on debian:bookworm-slim (Debian 12 both times)."""
    st = stages(DOCKERFILE)
    assert len(st) == 2, [s["from"] for s in st]
    assert re.match(r"debian:bookworm(\s|$)", st[0]["from"]), st[0]["from"]
    assert re.match(r"debian:bookworm-slim(\s|$)", st[1]["from"]), st[1]["from"]
    build_cmds = " ".join(a for k, a in st[0]["body"] if k == "RUN")
    assert "cmake --preset release" in build_cmds
    assert "libboost1.81-dev" in build_cmds
    copies = [a for k, a in st[1]["body"] if k == "COPY"]
    assert any(a.startswith("--from=") for a in copies), "runtime stage must copy the binary from the build stage"


def test_runtime_stage_is_slim_and_unprivileged():
    """Runtime: non-root USER, EXPOSE 8083, /data volume, HEALTHCHECK on /_emulator/health,
    listening on 0.0.0.0:8083, no compiler or -dev packages."""
    runtime = stages(DOCKERFILE)[-1]["body"]
    users = [a for k, a in runtime if k == "USER"]
    assert users, "runtime stage needs a USER"
    assert users[-1].split(":")[0] not in {"root", "0"}, users
    assert ("EXPOSE", "8083") in runtime
    assert any(k == "VOLUME" and "/data" in a for k, a in runtime)
    health = [a for k, a in runtime if k == "HEALTHCHECK"]
    assert len(health) == 1 and "/_emulator/health" in health[0] and "8083" in health[0], health
    entry = " ".join(a for k, a in runtime if k in {"ENTRYPOINT", "CMD"})
    argv = [tok for k, a in runtime if k == "ENTRYPOINT" for tok in json.loads(a)]
    assert argv[argv.index("--host") + 1] == "0.0.0.0", argv
    assert argv[argv.index("--port") + 1] == "8083", argv
    assert argv[argv.index("--data-dir") + 1] == "/data", argv
    assert "sfn-codebuild-local" in entry
    installs = " ".join(a for k, a in runtime if k == "RUN")
    assert not re.search(r"\b(g\+\+|gcc|cmake|[\w.+-]+-dev)\b", installs), installs


def test_dockerignore_keeps_build_outputs_out_of_the_context():
    """The build context must not ship build/ or node_modules/ into the image build."""
    ignore = (DOCKER_DIR / "Dockerfile.dockerignore").read_text().split()
    assert "build" in ignore and "**/node_modules" in ignore and ".git" in ignore


def test_smoke_script_compiles():
    """The test container's script is valid Python."""
    py_compile.compile(str(DOCKER_DIR / "smoke" / "smoke_test.py"), doraise=True)


def test_compose_file_is_valid():
    """`docker-compose config` (Debian docker-compose 1.29) accepts the file and sees both
    services; the test service waits for the emulator's health and uses its service name."""
    exe = shutil.which("docker-compose")
    if exe is None:
        pytest.skip("docker-compose not installed (Debian package docker-compose)")
    run = lambda *a: subprocess.run([exe, "-f", str(COMPOSE), *a], capture_output=True,
                                    text=True, timeout=60, cwd=DOCKER_DIR)
    proc = run("config", "-q")
    assert proc.returncode == 0, proc.stderr
    services = run("config", "--services")
    assert services.returncode == 0, services.stderr
    assert set(services.stdout.split()) == {"emulator", "smoke"}
    rendered = run("config").stdout
    assert "condition: service_healthy" in rendered
    assert "EMULATOR_URL: http://emulator:8083" in rendered
    assert "dockerfile: docker/Dockerfile" in rendered
    assert f"context: {REPO_ROOT}" in rendered
