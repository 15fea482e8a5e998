"""w3c_ref.py -- an independent W3C extended log reader for the golden
cases' check.py: a closure that keeps the columns of the last #Fields:
line, returns None for a directive (headroom counts those with the blank
lines) and an event dict for an entry. Values are split on tabs when the
line has one, else on spaces; time-taken is milliseconds when #Software:
names IIS, else seconds; CloudFront's User-Agent is URL-decoded."""
import urllib.parse

import ref


def reader():
    st = {"cols": None, "iis": False}

    def parse(line):
        if line.startswith("#"):
            if line.startswith("#Fields:"):
                st["cols"] = line[len("#Fields:"):].split()
            elif line.startswith("#Software:"):
                st["iis"] = "Internet Information Services" in line
            return None
        vals = line.split("\t") if "\t" in line else line.split(" ")
        if st["cols"] is None or len(vals) != len(st["cols"]):
            return "shape"
        r = dict(zip(st["cols"], vals))
        e = {"ts": ref.iso_us(r["date"] + "T" + r["time"] + "Z"), "status": int(r["sc-status"]),
             "path": r["cs-uri-stem"], "method": r["cs-method"]}
        tt = float(r["time-taken"])
        e["duration"] = tt / 1000 if st["iis"] else tt
        e["host"] = r.get("x-host-header", r.get("cs-host"))
        ua = r["cs(User-Agent)"]
        e["ua_raw"] = ua
        e["ua"] = urllib.parse.unquote(ua) if "\t" in line else ua
        e["win32"] = int(r["sc-win32-status"]) if "sc-win32-status" in r else None
        e["edge"] = r.get("x-edge-result-type")
        return e
    return parse
