#!/usr/bin/env python3
"""The compressor comparison of issue 15: ratio and CPU per article for gzip (zlib), Brotli and
zstd at several levels, through Python's bindings to the C libraries Folio links (zlib, libdeflate,
libbrotli, libzstd; `pip install brotli zstandard deflate`), on real article responses.

    compressors.py ARTICLES.json     (a JSON array of response bodies; see compressors.sh)
"""
import brotli, deflate, json, statistics, sys, time, zlib, zstandard

bodies = [b.encode() for b in json.load(open(sys.argv[1]))]
total = sum(map(len, bodies))

def gzip_(level):
    def f(b):
        c = zlib.compressobj(level, zlib.DEFLATED, 31)
        return c.compress(b) + c.flush()
    return f

cases = [("gzip (zlib)", l, gzip_(l)) for l in (1, 2, 4, 6, 9)]
# libdeflate through the `deflate` package from PyPI (it bundles its own libdeflate build).
cases += [("gzip (libdeflate)", l, (lambda l: lambda b: deflate.gzip_compress(b, l))(l)) for l in (1, 2, 4, 6, 9, 12)]
cases += [("br", q, (lambda q: lambda b: brotli.compress(b, quality=q, lgwin=22))(q)) for q in (1, 3, 4, 5, 6, 9, 11)]
cases += [("zstd", l, (lambda c: lambda b: c.compress(b))(zstandard.ZstdCompressor(level=l))) for l in (1, 3, 6, 9, 19)]

print(f"{len(bodies)} article responses, mean {total // len(bodies)} bytes")
print("| coding | level | ratio | µs per article (median of 3 passes) |")
print("|---|---|---|---|")
for name, level, f in cases:
    out = sum(len(f(b)) for b in bodies)
    times = []
    for _ in range(3):
        t0 = time.perf_counter()
        for b in bodies:
            f(b)
        times.append((time.perf_counter() - t0) / len(bodies) * 1e6)
    print(f"| {name} | {level} | {total / out:.2f}× | {statistics.median(times):.0f} |")
