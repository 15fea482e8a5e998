"""latency.py URL LOG FIRST N: append N nginx lines (seconds FIRST.. after
2026-03-01 12:00) to LOG one at a time; time each from the write to the
first GET /api/v1/slos that counts it (polled every 10 ms, at most 3 s).
Prints the median and max; exit 1 when any took 1 s or more."""
import json, sys, time, urllib.request

url, log, first, n = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])


def valid():
    with urllib.request.urlopen(url + "api/v1/slos", timeout=5) as r:
        return sum(s["valid"] for s in json.load(r)["slos"])


lat = []
for k in range(first, first + n):
    want = valid() + 1
    t = k % 3600
    line = '10.0.0.1 - - [01/Mar/2026:12:%02d:%02d +0000] "GET /k%d HTTP/1.1" %d 1 "-" "t"\n' % (
        t // 60, t % 60, k, 500 if k % 4 == 3 else 200)
    t0 = time.monotonic()
    with open(log, "a") as f:
        f.write(line)
    for _ in range(300):
        if valid() == want:
            break
        time.sleep(0.01)
    lat.append(time.monotonic() - t0)
lat.sort()
print("tail-to-API latency: median %.0f ms, max %.0f ms (%d lines)" % (lat[len(lat) // 2] * 1000, lat[-1] * 1000, n))
sys.exit(0 if lat[-1] < 1.0 else 1)
