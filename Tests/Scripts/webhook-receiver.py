#!/usr/bin/env python3
"""A webhook endpoint for Folio's end-to-end tests.

Verifies every request with the Standard Webhooks reference library (PyPI standardwebhooks),
answers the first FAIL_FIRST attempts with 500, then holds one attempt for HANG seconds (past
the sender's timeout), then accepts (204). Each attempt is one JSON line in LOG:
{"n", "id", "verified", "action", "body"}. Prints its port on the first line of stdout.

usage: webhook-receiver.py SECRET_FILE LOG FAIL_FIRST HANG
"""
import json
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from standardwebhooks.webhooks import Webhook

secret_file, log_path, fail_first, hang = sys.argv[1], sys.argv[2], int(sys.argv[3]), float(sys.argv[4])
lock = threading.Lock()
state = {"attempts": 0, "hung": hang <= 0}


class Handler(BaseHTTPRequestHandler):
    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        headers = {k.lower(): v for k, v in self.headers.items()}
        try:
            Webhook(open(secret_file).read().strip()).verify(body, headers)
            verified = True
        except Exception:  # a bad signature, timestamp or header
            verified = False
        with lock:
            state["attempts"] += 1
            n = state["attempts"]
            if n <= fail_first:
                action = "fail"
            elif not state["hung"]:
                state["hung"] = True
                action = "hang"
            else:
                action = "accept" if verified else "reject"
            record = {"n": n, "id": headers.get("webhook-id"), "verified": verified, "action": action,
                      "body": json.loads(body or b"null")}
            with open(log_path, "a") as f:
                f.write(json.dumps(record) + "\n")
        if action == "hang":
            time.sleep(hang)
            return
        try:
            self.send_response(204 if action == "accept" else 500)
            self.send_header("Content-Length", "0")
            self.end_headers()
        except OSError:
            pass

    def log_message(self, *args):
        pass


server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
server.daemon_threads = True
print(server.server_address[1], flush=True)
server.serve_forever()
