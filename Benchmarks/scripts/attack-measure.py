#!/usr/bin/env python3
"""The well-behaved clients of Benchmarks/search-attack.sh, measured while the attack runs.

    attack-measure.py PORT SECONDS

Two threads on keep-alive connections, one request at a time: an ordinary reader (a one-word
search on pages 1-3, then an article by slug, alternately) and a health checker (/healthz every
5 ms). Prints one JSON line: per client the count, non-200 answers, p50, p99 and max in ms.
"""
import http.client
import json
import random
import sys
import threading
import time

port, seconds = int(sys.argv[1]), float(sys.argv[2])
WORDS = ["energy", "trade", "policy", "security", "region", "economic", "union", "transport", "research", "cooperation"]


def connect():
    return http.client.HTTPConnection("127.0.0.1", port, timeout=30)


def slugs():
    c = connect()
    c.request("GET", "/api/v1/articles?fields=slug&per_page=100")
    data = json.loads(c.getresponse().read())
    return [a["slug"] for a in data["data"]]


def run(name, paths, pause, results):
    c = connect()
    lat, errors, end = [], {}, time.monotonic() + seconds
    while time.monotonic() < end:
        path = next(paths)
        t0 = time.perf_counter()
        try:
            c.request("GET", path)
            r = c.getresponse()
            r.read()
            status = r.status
        except Exception as e:  # a closed or stalled connection counts as an error
            status = type(e).__name__
            c = connect()
        lat.append((time.perf_counter() - t0) * 1000)
        if status != 200:
            errors[str(status)] = errors.get(str(status), 0) + 1
        if pause:
            time.sleep(pause)
    lat.sort()
    pct = lambda p: round(lat[min(len(lat) - 1, int(len(lat) * p))], 2) if lat else None
    results[name] = {"requests": len(lat), "errors": errors, "p50_ms": pct(0.50), "p99_ms": pct(0.99),
                     "max_ms": round(lat[-1], 2) if lat else None}


def ordinary(articles):
    rnd = random.Random(1)
    while True:
        yield f"/api/v1/search?q={rnd.choice(WORDS)}&page={rnd.randint(1, 3)}"
        yield f"/api/v1/articles/{rnd.choice(articles)}"


def health():
    while True:
        yield "/healthz"


results = {}
articles = slugs()
threads = [threading.Thread(target=run, args=("ordinary", ordinary(articles), 0.005, results)),
           threading.Thread(target=run, args=("healthz", health(), 0.005, results))]
for t in threads:
    t.start()
for t in threads:
    t.join()
print(json.dumps(results))
