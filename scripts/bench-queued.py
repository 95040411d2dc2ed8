#!/usr/bin/env python3
"""Park N tasks in a pool that has no workers, to measure a service holding a deep queue.

    scripts/bench-queued.py URL TOKEN N [POOL]

Registers the built-in Echo as function "parked" on POOL (default: parked; no worker serves it,
so every task stays queued), then submits N tasks in batches of 1,000, four batches in flight,
retrying a batch the service answers 429 (back-pressure) after 50 ms. Prints the time taken.
Measure the service's heap (jcmd PID GC.run; jcmd PID GC.heap_info) and its latency on another
pool (./gale bench latency) before and after. Needs only python3.
"""
import concurrent.futures
import json
import sys
import time
import urllib.error
import urllib.request

if len(sys.argv) not in (4, 5):
    sys.exit(__doc__)
url, token, n = sys.argv[1].rstrip("/"), sys.argv[2], int(sys.argv[3])
pool = sys.argv[4] if len(sys.argv) == 5 else "parked"
headers = {"Authorization": "Bearer " + token, "Content-Type": "application/json"}


def post(path, body):
    req = urllib.request.Request(url + path, data=json.dumps(body).encode(), headers=headers,
                                 method="POST")
    while True:
        try:
            with urllib.request.urlopen(req, timeout=120) as r:
                return json.loads(r.read())
        except urllib.error.HTTPError as e:
            if e.code == 429:
                time.sleep(0.05)
                continue
            sys.exit(f"POST {path}: HTTP {e.code}: {e.read().decode(errors='replace')}")


fn = post("/v1/functions", {"name": "parked", "kind": "java", "pool": pool,
                            "spec": {"class": "dev.gale.function.builtin.Echo"}})["id"]
t0 = time.time()


def batch(b):
    size = min(1000, n - b * 1000)
    post("/v1/tasks", {"tasks": [{"function": fn, "args": {"i": b * 1000 + i}}
                                 for i in range(size)]})


with concurrent.futures.ThreadPoolExecutor(4) as ex:
    list(ex.map(batch, range((n + 999) // 1000)))
took = time.time() - t0
print(f"submitted {n} tasks to pool {pool} in {took:.1f} s ({n / took:,.0f}/s)")
