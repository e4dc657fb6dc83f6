#!/usr/bin/env python3
"""Writers for Benchmarks/write-load.sh.

    write-load.py PORT TOKEN AUTHOR MODE SECONDS [RATE|CONNECTIONS]

MODE latency: RATE writes per second (creates) over CONNECTIONS connections (7th argument,
default 1), prints the rate reached and p50/p99/max latency.
MODE sustained: CONNECTIONS connections writing as fast as answers come, prints writes/s.
Each write creates a new article (a short Markdown body, tag "energy"). One JSON line out.
"""
import http.client
import json
import random
import sys
import threading
import time

port, token, author, mode, seconds = int(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4], float(sys.argv[5])
extra = float(sys.argv[6]) if len(sys.argv) > 6 else 1
run = random.randint(0, 10**9)


def write(c, n):
    body = json.dumps({"slug": f"load-{run}-{n}", "title": f"Load {n}", "published_at": "2026-12-01T10:00:00Z",
                       "authors": [author], "tags": ["energy"], "body_markdown": "A short body for a load test. " * 20})
    c.request("POST", "/api/v1/articles", body, {"Authorization": "Bearer " + token, "Content-Type": "application/json"})
    r = c.getresponse()
    r.read()
    return r.status


if mode == "latency":
    # RATE writes per second in all, spread over CONNECTIONS connections (argument 7, default 1).
    conns = int(sys.argv[7]) if len(sys.argv) > 7 else 1
    lat, errors = [], [0]
    lock = threading.Lock()
    start = time.monotonic()

    def paced(k):
        c = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        n = 0
        while time.monotonic() - start < seconds:
            t0 = time.perf_counter()
            status = write(c, k * 10**7 + n)
            with lock:
                lat.append((time.perf_counter() - t0) * 1000)
                errors[0] += status != 201
            n += 1
            time.sleep(max(0, start + n * conns / extra - time.monotonic()))

    threads = [threading.Thread(target=paced, args=(k,)) for k in range(conns)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    lat.sort()
    print(json.dumps({"writes": len(lat), "writes_per_s": round(len(lat) / seconds, 1), "errors": errors[0],
                      "p50_ms": round(lat[len(lat) // 2], 2), "p99_ms": round(lat[min(len(lat) - 1, int(len(lat) * 0.99))], 2),
                      "max_ms": round(lat[-1], 2)}))
else:
    counts = [0] * int(extra)
    errors = [0]
    end = time.monotonic() + seconds

    def worker(k):
        c = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        n = 0
        while time.monotonic() < end:
            if write(c, k * 10**7 + n) == 201:
                counts[k] += 1
            else:
                errors[0] += 1
            n += 1

    threads = [threading.Thread(target=worker, args=(k,)) for k in range(int(extra))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    print(json.dumps({"writes": sum(counts), "writes_per_s": round(sum(counts) / seconds, 1), "errors": errors[0]}))
