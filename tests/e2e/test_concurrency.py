"""The server runs N io threads: concurrent requests must not race on counters or state."""

import threading

from emulator import project_input


def test_parallel_start_builds_get_unique_numbers(start_emulator, unique):
    """80 StartBuild calls from 8 threads on one project: build numbers are exactly 1..80
    and every build is listed once (F-034 under concurrency)."""
    emu = start_emulator("manual", ["--threads", "4"])
    name = unique("conc")
    emu.client().create_project(**project_input(name))
    numbers, ids, errors = [], [], []
    lock = threading.Lock()

    def worker():
        cb = emu.client()
        for _ in range(10):
            try:
                b = cb.start_build(projectName=name)["build"]
                with lock:
                    numbers.append(b["buildNumber"])
                    ids.append(b["id"])
            except Exception as e:  # noqa: BLE001 - collected and asserted below
                errors.append(repr(e))

    threads = [threading.Thread(target=worker) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert sorted(numbers) == list(range(1, 81))
    cb = emu.client()
    listed = []
    for page in cb.get_paginator("list_builds_for_project").paginate(projectName=name):
        listed.extend(page["ids"])
    assert sorted(listed) == sorted(ids)
    emu.advance(60)
    builds = []
    for i in range(0, 80, 40):
        builds += cb.batch_get_builds(ids=ids[i:i + 40])["builds"]
    assert all(b["buildStatus"] == "SUCCEEDED" for b in builds)


def test_parallel_create_same_project_once(start_emulator, unique):
    """Racing CreateProject calls for one name: exactly one wins, the rest get
    ResourceAlreadyExistsException."""
    emu = start_emulator("manual", ["--threads", "4"])
    name = unique("race")
    outcomes = []

    def worker():
        cb = emu.client()
        try:
            cb.create_project(**project_input(name))
            outcomes.append("created")
        except cb.exceptions.ResourceAlreadyExistsException:
            outcomes.append("exists")

    threads = [threading.Thread(target=worker) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(outcomes) == ["created"] + ["exists"] * 7
