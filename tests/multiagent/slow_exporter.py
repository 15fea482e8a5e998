#!/usr/bin/env python3
"""A deliberately slow /metrics for tests/cli/multiagent.sh.

slow_exporter.py PORT_FILE DELAY_S: listens on 127.0.0.1 (a free port,
written to PORT_FILE) and answers every scrape DELAY_S seconds late with
headroom_slo_{valid,good}_total{service="slow",slo="slow"}, the valid count
one higher on every scrape (every third one a bad event). Prometheus stamps a
sample with the scrape's start but stores it when the answer arrives, so a
rule evaluated in between does not see it yet: the race that rules read
`--delay` behind the evaluation time to avoid.
"""
import http.server
import os
import sys
import threading
import time

lock = threading.Lock()
state = {"valid": 0}


class Handler(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        with lock:
            state["valid"] += 1
            v = state["valid"]
        time.sleep(float(sys.argv[2]))
        body = ('# TYPE headroom_slo_valid_total counter\n'
                'headroom_slo_valid_total{service="slow",slo="slow"} %d\n'
                '# TYPE headroom_slo_good_total counter\n'
                'headroom_slo_good_total{service="slow",slo="slow"} %d\n' % (v, v - v // 3)).encode()
        self.send_response(200)
        self.send_header("Content-Type", "text/plain; version=0.0.4")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


srv = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
with open(sys.argv[1] + ".tmp", "w") as f:
    f.write("%d\n" % srv.server_address[1])

os.rename(sys.argv[1] + ".tmp", sys.argv[1])
srv.serve_forever()
