#!/usr/bin/env python3
"""Per-instruction self costs of one function from a callgrind dump made with --dump-instr=yes.
Usage: instr-costs.py DUMP FUNCTION-SUBSTRING REQUESTS [TOP=30]
Prints the function's self instructions per request and its costliest addresses (to read beside
`objdump -d --start-address=...`)."""
import re, sys
from collections import Counter

dump, want, reqs = sys.argv[1], sys.argv[2], int(sys.argv[3])
top = int(sys.argv[4]) if len(sys.argv) > 4 else 30
names, costs = {}, Counter()
fn, pos, skip = None, 0, False
for line in open(dump):
    line = line.rstrip("\n")
    m = re.match(r"fn=\((\d+)\)(?: (.*))?", line)
    if m:
        if m.group(2): names[m.group(1)] = m.group(2)
        fn = names.get(m.group(1), "")
        continue
    m = re.match(r"c?fn=\((\d+)\) (.*)", line)  # a name is given where it first appears, maybe as a callee
    if m:
        names[m.group(1)] = m.group(2)
    if line.startswith("calls="):
        skip = True  # the next cost line is the call's inclusive cost, not this function's
        continue
    # "positions: instr line": address, line, cost (the line is 0 without debug info)
    m = re.match(r"(0x[0-9a-f]+|[+-]\d+|\*)\s+(?:\S+\s+)?(\d+)$", line)
    if not m:
        continue
    p = m.group(1)
    pos = int(p, 16) if p.startswith("0x") else pos + int(p) if p[0] in "+-" else pos
    if skip:
        skip = False
        continue
    if fn and want in fn:
        costs[pos] += int(m.group(2))
total = sum(costs.values())
print(f"self: {total / reqs:.0f} instructions per request")
for addr, c in sorted(costs.items(), key=lambda x: -x[1])[:top]:
    print(f"  {addr:#x}  {c / reqs:8.1f}")
