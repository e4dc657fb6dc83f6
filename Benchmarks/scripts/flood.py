#!/usr/bin/env python3
"""Connection floods for Benchmarks/conn-floods.sh.

    flood.py idle PORT N HOLD_SECONDS        N plain TCP connections that never send a byte
    flood.py handshakes PORT N HOLD_SECONDS  N TLS connections that send a ClientHello and stop

Opens them as fast as it can, prints how many it opened and in how long, holds them for
HOLD_SECONDS, then prints how many the server had closed by then (one JSON line each).
"""
import json, resource, socket, ssl, sys, time

mode, port, n, hold = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), float(sys.argv[4])
soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
ctx.check_hostname = False
ctx.verify_mode = ssl.CERT_NONE
socks, errors = [], 0
t0 = time.monotonic()
for i in range(n):
    try:
        s = socket.create_connection(("127.0.0.1", port))
        if mode == "handshakes":
            s.setblocking(False)
            t = ctx.wrap_socket(s, do_handshake_on_connect=False, server_hostname="localhost")
            try:
                t.do_handshake()   # sends the ClientHello, then wants to read: stop there
            except ssl.SSLWantReadError:
                pass
            s = t
        socks.append(s)
    except OSError:
        errors += 1
opened = time.monotonic() - t0
print(json.dumps({"mode": mode, "opened": len(socks), "errors": errors, "seconds": round(opened, 2)}), flush=True)
time.sleep(hold)
closed = 0
for s in socks:
    try:
        if mode == "idle":
            if s.recv(1, socket.MSG_DONTWAIT) == b"":
                closed += 1
        else:
            s.do_handshake()   # the server's flight is there (TLS 1.3 needs nothing more)...
            if s.recv(1) == b"":   # ...and reading then says whether the server closed
                closed += 1
    except (BlockingIOError, ssl.SSLWantReadError, ssl.SSLWantWriteError):
        pass
    except (OSError, ssl.SSLError):
        closed += 1
print(json.dumps({"mode": mode, "held": len(socks), "closed_by_server": closed}), flush=True)
