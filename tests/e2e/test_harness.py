"""The launcher itself: a server that does not shut down cleanly, or whose stderr carries a
sanitizer report, must fail the test that started it (scripts/sanitize.sh relies on this).
Uses a stand-in server script, not the real binary."""

import sys

import pytest

from emulator import Emulator, wall

# Prints the listening line, then behaves as argv[-1] says when SIGTERM arrives.
FAKE_SERVER = r'''
import signal, sys, time
mode = sys.argv[-1]
print("sfn-codebuild-local listening on http://127.0.0.1:9", flush=True)
if mode == "ubsan":  # UBSan with halt_on_error=0 reports and goes on
    sys.stderr.write("engine/x.cpp:12:7: runtime error: signed integer overflow\n")
    sys.stderr.flush()
def on_term(*_):
    if mode == "leak":
        sys.stderr.write("=================================================================\n"
                         "==42==ERROR: LeakSanitizer: detected memory leaks\n\n"
                         "SUMMARY: AddressSanitizer: 77 byte(s) leaked in 1 allocation(s).\n")
        sys.exit(23)
    sys.exit(1 if mode == "exit1" else 0)
signal.signal(signal.SIGTERM, signal.SIG_IGN if mode == "hang" else on_term)
while True:
    time.sleep(0.01)
'''


@pytest.fixture
def fake(tmp_path):
    script = tmp_path / "fake_server.py"
    script.write_text(f"#!{sys.executable}\n{FAKE_SERVER}")
    script.chmod(0o755)
    started = []

    def start(mode: str) -> Emulator:
        work = tmp_path / f"w{len(started)}"
        work.mkdir()
        emu = Emulator(binary=script, extra_args=[mode], work_dir=work)
        started.append(emu)
        return emu.start()

    yield start
    for emu in started:
        emu.kill()


def test_clean_shutdown_has_no_problems(fake):
    assert fake("clean").cleanup() == []


@pytest.mark.parametrize("mode, expected", [
    ("leak", "sanitizer report"),     # LeakSanitizer at exit: report and a non-zero exit code
    ("ubsan", "sanitizer report"),    # a report while running, exit code 0
    ("exit1", "exit code 1 (SIGTERM)"),
])
def test_unclean_shutdown_is_a_problem(fake, mode, expected):
    problems = fake(mode).cleanup()
    assert len(problems) == 1 and expected in problems[0], problems


def test_sanitizer_report_before_a_restart_is_kept(fake):
    emu = fake("leak")
    assert emu.stop() == 23
    emu.extra_args = ["clean"]
    emu.start()
    problems = emu.cleanup()
    assert len(problems) == 1 and "LeakSanitizer" in problems[0], problems


def test_shutdown_that_needs_sigkill_is_a_problem(fake):
    emu = fake("hang")
    assert emu.stop(timeout=0.3) == -9
    problems = emu.exit_problems()
    assert len(problems) == 1 and f"still running {wall(0.3)} s after SIGTERM" in problems[0], \
        problems
