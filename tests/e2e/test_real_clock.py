"""Real clock with --time-scale: a build finishes in wall-clock seconds."""

import time

from emulator import PHASE_ORDER, phase_types, project_input


def test_time_scale_build_completes_quickly(start_emulator, unique):
    """With --time-scale 10 the default 6 s timeline takes ~0.6 s of wall time; the
    reported timestamps are simulated time, so the durations are the default ones."""
    emu = start_emulator("real", ["--time-scale", "10"])
    status, health = emu.control("GET", "health")
    assert status == 200 and health["clock"] == "real"
    status, clock = emu.control("GET", "clock")
    assert clock["mode"] == "real" and float(clock["timeScale"]) == 10
    cb = emu.client()
    name = unique("rt")
    cb.create_project(**project_input(name))
    started = time.monotonic()
    build = cb.start_build(projectName=name)["build"]
    while True:
        current = cb.batch_get_builds(ids=[build["id"]])["builds"][0]
        if current["buildComplete"]:
            break
        assert time.monotonic() - started < 5, f"build not complete after 5 s: {current}"
        time.sleep(0.05)
    assert current["buildStatus"] == "SUCCEEDED"
    assert phase_types(current) == PHASE_ORDER
    simulated = (current["endTime"] - current["startTime"]).total_seconds()
    assert 5.5 <= simulated <= 8, simulated


def test_real_clock_refuses_manual_control(start_emulator):
    """clock/advance is manual-mode only: 400 under the real clock."""
    emu = start_emulator("real")
    status, _ = emu.control("POST", "clock/advance", {"seconds": 5})
    assert status == 400
    status, _ = emu.control("POST", "clock/set", {"now": time.time() + 100})
    assert status == 400
