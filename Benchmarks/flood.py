#!/usr/bin/env python3
"""Connection flood for Benchmarks/reliability.sh.

Opens COUNT connections to 127.0.0.1:PORT in batches, sends one `GET /healthz` on each and
reads the answer: below the server's max_connections the answer is 200 and the connection is
kept (idle keep-alive); beyond it the server must answer 503 and close. Then holds everything
for HOLD seconds, checks that held connections are still open, and prints one JSON line.

    flood.py PORT COUNT HOLD_SECONDS [BATCH]
"""
import json
import selectors
import socket
import sys
import time

port, count, hold = int(sys.argv[1]), int(sys.argv[2]), float(sys.argv[3])
batch = int(sys.argv[4]) if len(sys.argv) > 4 else 500
REQUEST = b"GET /healthz HTTP/1.1\r\nHost: flood\r\n\r\n"

sel = selectors.DefaultSelector()
status = {}          # fd -> "200" | "503" | "closed" | "error" | "timeout"
socks = {}           # fd -> socket
buffers = {}


def status_of(data):
    head = data.split(b"\r\n", 1)[0].split(b" ")
    return head[1].decode() if len(head) > 1 else "garbled"


def pump(deadline):
    """Reads answers until every pending socket answered or the deadline passes."""
    while time.monotonic() < deadline and any(v is None for v in status.values()):
        for key, _ in sel.select(timeout=0.2):
            s = key.fileobj
            fd = s.fileno()
            try:
                data = s.recv(4096)
            except (ConnectionResetError, BrokenPipeError):
                data = b""
            if not data:
                if status[fd] is None:
                    status[fd] = "closed" if not buffers[fd] else status_of(buffers[fd])
                sel.unregister(s)
                continue
            buffers[fd] += data
            if b"\r\n\r\n" in buffers[fd] and status[fd] is None:
                status[fd] = status_of(buffers[fd])


started = time.monotonic()
opened = 0
connect_errors = 0
while opened < count:
    n = min(batch, count - opened)
    for _ in range(n):
        s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        s.settimeout(5)
        try:
            s.connect(("127.0.0.1", port))
            s.sendall(REQUEST)
        except OSError:
            connect_errors += 1
            s.close()
            continue
        s.setblocking(False)
        fd = s.fileno()
        socks[fd] = s
        status[fd] = None
        buffers[fd] = b""
        sel.register(s, selectors.EVENT_READ)
    opened += n
    pump(time.monotonic() + 10)
pump(time.monotonic() + 10)
open_seconds = time.monotonic() - started

counts = {}
for v in status.values():
    counts[v or "timeout"] = counts.get(v or "timeout", 0) + 1

# Hold (the caller samples the server meanwhile), then check that every connection answered 200
# is still open: a read would block.
print("holding", file=sys.stderr, flush=True)
time.sleep(hold)
still_open = 0
closed_during_hold = 0
for fd, v in status.items():
    if v != "200":
        continue
    s = socks[fd]
    try:
        s.recv(1, socket.MSG_PEEK)  # EOF or unexpected bytes: the server let go of it
        closed_during_hold += 1
    except BlockingIOError:
        still_open += 1
    except OSError:
        closed_during_hold += 1

print(json.dumps({
    "attempted": count, "connect_errors": connect_errors, "answers": counts,
    "held_open_after_hold": still_open, "closed_during_hold": closed_during_hold,
    "seconds_to_open_all": round(open_seconds, 2), "hold_seconds": hold,
}))
sys.stdout.flush()
for s in socks.values():
    s.close()
