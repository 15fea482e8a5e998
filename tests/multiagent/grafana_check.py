"""grafana_check.py PROM_URL LIST.json DETAIL.json -- every query of the
dashboards of `headroom rules --grafana` against a real Prometheus running
the rules of `headroom rules` (tests/cli/multiagent.sh).

The variables are resolved as Grafana resolves them: $service and $slo from
their label_values() queries (asked as `group by (label) (metric)`), the list
with service "All" (.*) and with each service, the detail with each
(service, slo). Every target is then asked as Grafana would (an instant
query for table and stat panels, a range query over the last minute for
graphs): the test fails when Prometheus rejects one, or when one returns
nothing (every query of these dashboards has a value whenever the rules have
counted events: an alert count is 0 when none fires). Exits 1 on failure."""
import json
import re
import sys
import time
import urllib.parse
import urllib.request

URL = sys.argv[1]


def ask(path, form):
    data = urllib.parse.urlencode(form).encode()
    try:
        with urllib.request.urlopen(URL + path, data, timeout=10) as r:
            return json.load(r)
    except urllib.error.HTTPError as e:
        return json.load(e)


def label_values(q):
    m = re.fullmatch(r"label_values\((.*), *(\w+)\)", q)
    if not m:
        raise SystemExit("grafana_check: variable query not understood: %s" % q)
    res = ask("/api/v1/query", {"query": "group by (%s) (%s)" % (m.group(2), m.group(1))})
    if res.get("status") != "success":
        raise SystemExit("grafana_check: variable query %s: %s" % (q, res.get("error")))
    return sorted(r["metric"][m.group(2)] for r in res["data"]["result"])


def subst(expr, env):
    for k, v in env.items():
        expr = expr.replace("$" + k, v)
    if "$" in expr:
        raise SystemExit("grafana_check: a variable left in %s" % expr)
    return expr


def check(dash, env, bad, counts):
    now = time.time()
    for p in dash["panels"]:
        for t in p.get("targets", []):
            expr = subst(t["expr"], env)
            if t.get("instant"):
                res = ask("/api/v1/query", {"query": expr, "time": "%.3f" % now})
            else:
                res = ask("/api/v1/query_range", {"query": expr, "start": "%.3f" % (now - 60),
                                                  "end": "%.3f" % now, "step": "5"})
            counts[0] += 1
            where = "%s / %s / %s (%s)" % (dash["title"], p["title"], t["refId"], env)
            if res.get("status") != "success":
                bad.append("%s: Prometheus rejects %s: %s" % (where, expr, res.get("error")))
            elif not res["data"]["result"]:
                bad.append("%s: no data for %s" % (where, expr))


def main():
    lst, det = json.load(open(sys.argv[2])), json.load(open(sys.argv[3]))
    bad, counts = [], [0]
    for d in (lst, det):
        if d.get("schemaVersion", 0) < 30 or not d.get("uid") or not d["panels"]:
            bad.append("%s: not a dashboard model" % d.get("title"))
        for p in d["panels"]:
            if p.get("datasource", {}).get("uid") != "${datasource}":
                bad.append("%s / %s: not on the $datasource variable" % (d["title"], p["title"]))
    var = {v["name"]: v for v in lst["templating"]["list"]}
    services = label_values(var["service"]["query"]["query"])
    if not services:
        bad.append("no service from the variable query")
    for s in [".*"] + services:
        check(lst, {"service": s}, bad, counts)
    dvar = {v["name"]: v for v in det["templating"]["list"]}
    pairs = 0
    for s in label_values(dvar["service"]["query"]["query"]):
        for slo in label_values(subst(dvar["slo"]["query"]["query"], {"service": s})):
            check(det, {"service": s, "slo": slo}, bad, counts)
            pairs += 1
    print("grafana_check: %d queries of 2 dashboards asked (list: All and %d services, detail: %d SLOs), %d failed"
          % (counts[0], len(services), pairs, len(bad)), file=sys.stderr)
    if bad or pairs == 0:
        print("\n".join(bad[:20]), file=sys.stderr)
        sys.exit(1)


main()
