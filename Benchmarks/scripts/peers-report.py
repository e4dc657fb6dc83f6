#!/usr/bin/env python3
"""Turns run-peers.sh's raw rows into the markdown section for Benchmarks/RESULTS.md.
Usage: peers-report.py RAW.tsv CHECKS.txt JSONBENCH.txt key=value...
"""
import re, statistics, sys
from collections import defaultdict

raw, checks, jsonbench = sys.argv[1:4]
meta = dict(kv.split("=", 1) for kv in sys.argv[4:])

INTERLEAVED = "slug read, interleaved"
runs = defaultdict(list)
for line in open(raw):
    srv, scen, conns, run, rps, p50, p99, cpu, errs, rss, cpu0 = line.rstrip("\n").split("\t")
    runs[(srv, scen)].append(dict(conns=int(conns), rps=float(rps), p50=float(p50), p99=float(p99),
                                  cpu=float(cpu), errs=int(errs), rss=rss, cpu0=float(cpu0)))

# The run with the median req/s stands for the scenario; errors are summed over all runs.
res = {}
for key, rs in runs.items():
    if key[1] == INTERLEAVED: continue
    med = sorted(rs, key=lambda r: r["rps"])[len(rs) // 2]
    res[key] = dict(med, errs=sum(r["errs"] for r in rs), spread=(min(r["rps"] for r in rs), max(r["rps"] for r in rs)))

NAMES = {"folio": "Folio (shipped config: access log on)", "folio-nolog": "Folio (access log off)",
         "hummingbird": "Hummingbird 2.28.1", "vapor": "Vapor 4.122.3", "nginx": "nginx 1.22 (pre-rendered files)",
         "floor-1k": "epoll floor, 1 KiB", "floor-slug": f"epoll floor, {meta.get('slug_bytes', '?')} B (slug size)"}
SCEN = ["slug read", "page-3 list", "filtered list", "slug read, 1000 conns", "slug read, pipelined",
        "fixed response", "fixed response, 1000 conns"]
SRV = ["folio", "folio-nolog", "hummingbird", "vapor", "nginx", "floor-1k", "floor-slug"]

out = []
p = out.append
p(f"## Folio vs peers (issue 7) — {meta['date']}")
p("")
p(f"Commit `{meta['commit']}`; machine: {meta['nproc']} cores, {meta['cpu']}, kernel {meta['kernel']}; "
  f"load average before/after the runs: {meta['load_before']} / {meta['load_after']}.")
p(f"`Benchmarks/run-peers.sh`: each server pinned to CPU 0 with one event loop/worker, wrk (1 thread) pinned "
  f"to CPU 1; per scenario a 2 s warm-up, then {meta['runs']} runs of {meta['secs']} s; the run with the median "
  f"req/s is shown (errors summed over all runs). 64 keep-alive connections unless noted. Server CPU µs/req = "
  f"(utime+stime of the server process during the run) / requests; CPU 0 busy µs/req = all busy time of CPU 0 "
  f"(user+system+irq+softirq+steal, /proc/stat) / requests: it adds the loopback TCP softirq work the kernel does not "
  f"charge to the process, and anything else that ran on CPU 0. Corpus: `folio generate --articles 10000 --seed 42`. "
  f"Routes: `/api/v1/articles/{meta['slug']}` ({meta['slug_bytes']} B), `/api/v1/articles?page=3`, "
  f"`/api/v1/articles?tag={meta['tag']}&author={meta['author']}`.")
p("")
p("| scenario | server | conns | req/s (min–max) | p50 ms | p99 ms | server CPU µs/req | CPU 0 busy µs/req | errors | RSS MB |")
p("|---|---|---|---|---|---|---|---|---|---|")
for sc in SCEN:
    for s in SRV:
        r = res.get((s, sc))
        if not r: continue
        # wrk times only some requests of a pipelined batch: its latencies mean nothing there.
        lat = "— | —" if sc == "slug read, pipelined" else f"{r['p50']:.2f} | {r['p99']:.2f}"
        p(f"| {sc} | {NAMES[s]} | {r['conns']} | {r['rps']:,.0f} ({r['spread'][0]:,.0f}–{r['spread'][1]:,.0f}) | "
          f"{lat} | {r['cpu']:.1f} | {r['cpu0']:.1f} | {r['errs']} | {r['rss']} |")
p("")
if any(k[1] == "slug read, pipelined" for k in res):
    p(f"Pipelined: each connection writes {meta.get('pipeline', 16)} requests at once (`scripts/pipeline.lua`), so wrk spends "
      "one read and one write per batch and the server becomes the bottleneck. wrk does not time pipelined requests "
      "properly, so no latencies are shown. The floor answers pipelined requests with one `send` each; it is not a "
      "bound there, and no ratio to it is taken.")
    p("")

def ratio(a, b, f):
    return f"{f(a) / f(b):.2f}×" if a and b and f(b) else "—"

p("Ratios (Folio / peer; req/s unless noted):")
p("")
p("| Folio | scenario | / Hummingbird | / Vapor | / nginx | CPU/req ÷ floor (same-size body) | p99 ms: Folio vs Hummingbird |")
p("|---|---|---|---|---|---|---|")
floor = res.get(("floor-slug", "fixed response"))
floor1000 = res.get(("floor-slug", "fixed response, 1000 conns"))
for f in ["folio", "folio-nolog"]:
    for sc in SCEN[:5]:
        r = res.get((f, sc))
        if not r: continue
        hb, va, ng = (res.get((s, sc)) for s in ["hummingbird", "vapor", "nginx"])
        fl = {"slug read": floor, "slug read, 1000 conns": floor1000}.get(sc)
        cpu = (f"{r['cpu'] / fl['cpu']:.2f}× ({r['cpu']:.1f} vs {fl['cpu']:.1f} µs); CPU 0 busy: "
               f"{r['cpu0'] / fl['cpu0']:.2f}× ({r['cpu0']:.1f} vs {fl['cpu0']:.1f} µs)") if fl else "—"
        p99 = f"{r['p99']:.2f} vs {hb['p99']:.2f}" if hb and sc != "slug read, pipelined" else "—"
        p(f"| {NAMES[f]} | {sc} | {ratio(r, hb, lambda x: x['rps'])} | {ratio(r, va, lambda x: x['rps'])} | "
          f"{ratio(r, ng, lambda x: x['rps'])} | {cpu} | {p99} |")
p("")

# Interleaved rounds: per server the median CPU/req, and the median of the per-round ratios to
# the floor (each ratio taken between runs a few seconds apart).
interleaved = {}
rounds = defaultdict(dict)
for line in open(raw):
    srv, scen, conns, run, rps, p50, p99, cpu, errs, rss, cpu0 = line.rstrip("\n").split("\t")
    if scen == INTERLEAVED: rounds[int(run)][srv] = dict(cpu=float(cpu), cpu0=float(cpu0), rps=float(rps))
if rounds:
    fl = [rd["floor-slug"]["cpu"] for rd in rounds.values() if "floor-slug" in rd]
    for f in ["folio", "folio-nolog"]:
        pairs = [(rd[f]["cpu"], rd["floor-slug"]["cpu"]) for rd in rounds.values() if f in rd and "floor-slug" in rd]
        if pairs:
            interleaved[f] = dict(ratio=statistics.median(a / b for a, b in pairs), cpu=statistics.median(a for a, _ in pairs),
                                  floor=statistics.median(fl))
    p(f"Interleaved slug reads ({len(rounds)} rounds; in each round the floor, Folio and Folio without access log run "
      f"one after another, each {meta['secs']} s after a 1 s warm-up; all three servers up throughout):")
    p("")
    p("| round | floor µs/req | Folio µs/req (÷ floor) | Folio, log off µs/req (÷ floor) |")
    p("|---|---|---|---|")
    for k in sorted(rounds):
        rd = rounds[k]
        fl_ = rd.get("floor-slug", {}).get("cpu")
        cell = lambda f: f"{rd[f]['cpu']:.2f} ({rd[f]['cpu'] / fl_:.2f}×)" if f in rd and fl_ else "—"
        p(f"| {k} | {fl_:.2f} | {cell('folio')} | {cell('folio-nolog')} |" if fl_ else f"| {k} | — | — | — |")
    p("")

# Targets
def tgt(f):
    rows = []
    g = lambda s, sc: res.get((s, sc))
    def chk(label, ok, val):
        rows.append(f"| {label} | {val} | {'met' if ok else 'NOT met'} |")
    r, hb, ng = g(f, "slug read"), g("hummingbird", "slug read"), g("nginx", "slug read")
    if r and hb: chk("slug read ≥ 3× Hummingbird req/s", r["rps"] >= 3 * hb["rps"], f"{r['rps'] / hb['rps']:.2f}×")
    if r and ng: chk("slug read ≥ 1.2× nginx req/s (wrk on one core is the bottleneck here)", r["rps"] >= 1.2 * ng["rps"], f"{r['rps'] / ng['rps']:.2f}×")
    rp, ngp = g(f, "slug read, pipelined"), g("nginx", "slug read, pipelined")
    if rp and ngp: chk("slug read, pipelined: ≥ 1.2× nginx req/s", rp["rps"] >= 1.2 * ngp["rps"], f"{rp['rps'] / ngp['rps']:.2f}×")
    if r and floor: chk("slug read CPU/req ≤ 1.2× epoll floor (same-size body), side-by-side runs", r["cpu"] <= 1.2 * floor["cpu"],
                        f"{r['cpu'] / floor['cpu']:.2f}× process CPU ({r['cpu0'] / floor['cpu0']:.2f}× CPU 0 busy)")
    il = interleaved.get(f)
    if il: chk("slug read CPU/req ≤ 1.2× epoll floor, interleaved rounds (median of per-round ratios)",
               il["ratio"] <= 1.2, f"{il['ratio']:.2f}× ({il['cpu']:.2f} vs {il['floor']:.2f} µs, medians)")
    for sc in ["filtered list", "page-3 list"]:
        r, hb = g(f, sc), g("hummingbird", sc)
        if r and hb: chk(f"{sc} ≥ 2.5× Hummingbird", r["rps"] >= 2.5 * hb["rps"], f"{r['rps'] / hb['rps']:.2f}×")
    r, hb = g(f, "slug read, 1000 conns"), g("hummingbird", "slug read, 1000 conns")
    if r: chk("1,000 conns: no errors", r["errs"] == 0, f"{r['errs']} errors")
    if r and hb: chk("1,000 conns: p99 below Hummingbird's", r["p99"] < hb["p99"], f"{r['p99']:.2f} vs {hb['p99']:.2f} ms")
    return rows

for f in ["folio", "folio-nolog"]:
    rows = tgt(f)
    if not rows: continue
    p(f"Targets — {NAMES[f]}:")
    p("")
    p("| target | measured | |")
    p("|---|---|---|")
    out.extend(rows)
    p("")

jb = open(jsonbench).read().strip().splitlines()
p("FolioJSON vs Foundation's JSONEncoder, page-1 list (20 summaries + pagination), `JSONBench` release, pinned to CPU 0:")
p("")
p("| encoder | ns/op | throughput |")
p("|---|---|---|")
for line in jb:
    if line.startswith("|"): p(line)
for line in jb:
    if not line.startswith("|"): p(f"- {line}")
m = re.search(r"ratio JSONEncoder/FolioJSON: ([\d.]+)x", "\n".join(jb))
if m: p(f"- target FolioJSON ≥ 5× JSONEncoder: {m.group(1)}× — {'met' if float(m.group(1)) >= 5 else 'NOT met'}")
p("")
p("Same JSON as Folio (parsed and compared with Folio's own bodies):")
p("")
for line in open(checks):
    p(f"- {line.strip()}")
p("")
print("\n".join(out))
