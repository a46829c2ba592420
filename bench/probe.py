#!/usr/bin/env python3
"""Helpers for bench/run.sh that need more than curl: cold start timing, bulk requests, RSS.

  probe.py coldstart BINARY ARGS...   -> ms from exec to the first answered health request
  probe.py bulk PORT N TARGET BODY    -> sends N requests on one keep-alive connection
  probe.py rss PID                    -> resident set size in MiB
"""
import http.client
import os
import re
import socket
import subprocess
import sys
import time

AUTH = ("AWS4-HMAC-SHA256 Credential=AKIDBENCH/20260101/us-east-1/codebuild/aws4_request, "
        "SignedHeaders=host, Signature=0")


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def coldstart(argv):
    port = free_port()
    t0 = time.perf_counter()
    proc = subprocess.Popen(argv + ["--port", str(port)], stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    try:
        deadline = t0 + 10
        while time.perf_counter() < deadline:
            try:
                c = http.client.HTTPConnection("127.0.0.1", port, timeout=1)
                c.request("GET", "/_emulator/health")
                if c.getresponse().status == 200:
                    print("%.1f" % ((time.perf_counter() - t0) * 1000))
                    return
            except OSError:
                time.sleep(0.0005)
        print("timeout")
    finally:
        proc.terminate()
        proc.wait()


def bulk(port, n, target, body):
    c = http.client.HTTPConnection("127.0.0.1", int(port), timeout=30)
    ct = "application/x-amz-json-1.0" if target.startswith("AWSStepFunctions.") else \
        "application/x-amz-json-1.1"
    headers = {"Content-Type": ct, "X-Amz-Target": target, "Authorization": AUTH}
    bad = 0
    for _ in range(int(n)):
        c.request("POST", "/", body=body, headers=headers)
        r = c.getresponse()
        r.read()
        bad += r.status != 200
    print(bad)


def rss(pid):
    with open("/proc/%s/status" % pid) as f:
        m = re.search(r"VmRSS:\s+(\d+) kB", f.read())
    print("%.1f" % (int(m.group(1)) / 1024.0))


if __name__ == "__main__":
    cmd, args = sys.argv[1], sys.argv[2:]
    {"coldstart": lambda: coldstart(args), "bulk": lambda: bulk(*args),
     "rss": lambda: rss(*args)}[cmd]()
