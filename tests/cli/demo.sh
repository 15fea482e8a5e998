#!/bin/sh
# tests/cli/demo.sh HEADROOM_BIN BUILD_DIR
# What `make demo` shows, without the wall clock: the SoulSync traffic with
# the live incident (gen_soulsync --live-incident: from 11:05, every 3 hours,
# 15 minutes of 5xx from the matching pods) at fixed times, the schedule
# annotated with examples/soulsync/annotate.sh (the script demo.sh uses),
# then alert rounds with `evaluate --at` during and after the incident:
#   - the live incident touches only the minutes it covers: the calm traffic
#     (no --live-incident) is the same up to 11:05 (ALB) and everywhere
#     (chat, report jobs); 5xx of getMatches only inside the incident,
#   - --print-schedule lists 8 deploys, the 4 incidents, the maintenance
#     window and the live incidents starting in the range; annotate.sh
#     records every one,
#   - 11:00 nothing fires; 11:10 matching-availability pages (yellow-burn-1h, whose
#     5m short window resolves it 5 minutes after the incident, and
#     red-exhaustion-3d) and nothing else; 12:30 yellow resolved, red
#     still firing; 13:30 both resolved; 14:20 (the next incident) both fire
#     again,
#   - report --format json --at 11:15: matching-availability burning_now
#     level "burning" (burn over the threshold), the other five "ok", the
#     last deploy under since_deploy, one maintenance window; at 13:30 "ok",
#   - serve --at 11:15 (the clock stands still): GET /api/v1/alerts shows
#     the pages firing; GET /api/v1/slos/matching-availability has them
#     firing in "alerts" and its timeline holds the deploys, the incidents
#     and the firing transitions; serve --at 13:31: both resolved, and the
#     timeline holds the resolve transitions too.
set -u
HR=${1:?usage: demo.sh HEADROOM_BIN BUILD_DIR}
BUILD=${2:?usage: demo.sh HEADROOM_BIN BUILD_DIR}
case $HR in /*) ;; *) HR=$(pwd)/$HR ;; esac
case $BUILD in /*) ;; *) BUILD=$(pwd)/$BUILD ;; esac
SRC=${HR_SOURCE_DIR:-$(cd "$(dirname "$0")/../.." && pwd)}
GEN="$BUILD/gen_soulsync"

fail() { echo "demo.sh: FAIL: $*" >&2; exit 1; }
[ -x "$GEN" ] || fail "$GEN not built"
command -v python3 >/dev/null 2>&1 || { echo "SKIP: python3 missing"; exit 0; }

TMP=$(mktemp -d "${TMPDIR:-/tmp}/hr-demo.XXXXXX") || exit 1
pid=
cleanup() {
  [ -n "$pid" ] && kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null
  rm -rf "$TMP"
}
trap cleanup EXIT
trap 'exit 1' INT TERM
cd "$TMP" || exit 1
mkdir conf || exit 1
cp "$SRC"/examples/soulsync/*.yaml conf/ || fail "copy the example"

DAY=2026-11-05
OPTS="--scale 0.2 --end ${DAY}T14:30:00Z --anchor ${DAY}T00:00:00Z"
LIVE="--live-incident ${DAY}T11:05:00Z"
# shellcheck disable=SC2086
"$GEN" --out conf/logs $OPTS $LIVE >gen.out || fail "gen_soulsync --live-incident failed"
# shellcheck disable=SC2086
"$GEN" --out calm $OPTS >/dev/null || fail "gen_soulsync (calm) failed"

# ---- the live incident changes only its own minutes ----
for f in chat-events.jsonl report-jobs.jsonl; do
  cmp -s "conf/logs/$f" "calm/$f" || fail "--live-incident changed $f"
done
python3 - conf/logs/gateway-alb.log calm/gateway-alb.log "$DAY" <<'PY' || exit 1
import sys
live, calm, day = open(sys.argv[1]).read().splitlines(), open(sys.argv[2]).read().splitlines(), sys.argv[3]
start = day + "T11:05:00"
i = 0
while i < min(len(live), len(calm)) and live[i] == calm[i]:
    i += 1
errs = []
if i == min(len(live), len(calm)):
    errs.append("the ALB log with the live incident equals the calm one")
elif live[i].split()[1] < start:
    errs.append("first difference before the incident: line %d, %s" % (i + 1, live[i].split()[1]))
def bad(lines, lo, hi):  # getMatches answered 5xx in [lo, hi)
    n = 0
    for l in lines:
        f = l.split()
        t = f[1]
        if day + "T" + lo <= t < day + "T" + hi and "/api/v1/matches?" in l and f[8].startswith("5"):
            n += 1
    return n
for name, lines in (("live", live), ("calm", calm)):
    print("%s: getMatches 5xx 11:05-11:20 %d, 11:20-14:05 %d, 14:05-14:20 %d" %
          (name, bad(lines, "11:05", "11:20"), bad(lines, "11:20", "14:05"), bad(lines, "14:05", "14:20")))
if bad(live, "11:05", "11:20") < 3 or bad(live, "14:05", "14:20") < 3:
    errs.append("too few 5xx in the live incidents")
if bad(live, "03:00", "11:05") or bad(live, "11:20", "14:05") or bad(live, "14:20", "14:30"):
    errs.append("5xx outside the live incidents in the calm hours")
if bad(calm, "03:00", "14:30"):
    errs.append("5xx in the calm traffic")
for e in errs:
    print("demo.sh: FAIL: " + e, file=sys.stderr)
sys.exit(1 if errs else 0)
PY

# ---- the schedule ----
# shellcheck disable=SC2086
"$GEN" --print-schedule $OPTS $LIVE >sched.txt || fail "--print-schedule failed"
[ ! -e gateway-alb.log ] || fail "--print-schedule wrote traffic"
n() { grep -c "$1" sched.txt; }
[ "$(n '^deploy core-matching ')" = 8 ] || { cat sched.txt >&2; fail "want 8 deploys of core-matching"; }
[ "$(n '^incident ')" = 6 ] || { cat sched.txt >&2; fail "want 6 incidents (4 + 2 live)"; }
[ "$(n '^maintenance ai-report ')" = 1 ] || { cat sched.txt >&2; fail "want 1 maintenance window"; }
grep -q "^incident core-matching ${DAY}T11:05:00Z ${DAY}T11:20:00Z " sched.txt || fail "no live incident at 11:05"
grep -q "^incident core-matching ${DAY}T14:05:00Z ${DAY}T14:20:00Z " sched.txt || fail "no live incident at 14:05"
sort -c -k3,3 sched.txt || fail "the schedule is not in time order"
# The minutes the live demo appends: an incident is listed in the minute it starts.
# shellcheck disable=SC2086
one=$("$GEN" --print-schedule --from ${DAY}T14:05:00Z --end ${DAY}T14:06:00Z --anchor ${DAY}T00:00:00Z $LIVE)
case $one in "incident core-matching ${DAY}T14:05:00Z "*) ;; *) fail "appended minute 14:05: '$one'" ;; esac
# shellcheck disable=SC2086
none=$("$GEN" --print-schedule --from ${DAY}T14:06:00Z --end ${DAY}T14:07:00Z --anchor ${DAY}T00:00:00Z $LIVE)
[ -z "$none" ] || fail "appended minute 14:06 lists '$none'"

# ---- store and timeline ----
"$HR" ingest -c conf --db hr.db conf/logs/* >ingest.out 2>&1 || { cat ingest.out >&2; fail "ingest"; }
# shellcheck disable=SC2086
sh "$SRC/examples/soulsync/annotate.sh" "$HR" "$GEN" conf hr.db $OPTS $LIVE >annotate.out 2>&1 ||
  { cat annotate.out >&2; fail "annotate.sh exited non-zero"; }
[ "$(grep -c '^recorded ' annotate.out)" = 15 ] || { cat annotate.out >&2; fail "want 15 annotations recorded"; }

# ---- alert rounds ----
# round HH:MM: evaluate --format json at that minute of $DAY into eval-HHMM.json
round() {
  "$HR" evaluate -c conf --db hr.db --format json --at "${DAY}T$1:00Z" >"eval-$(echo "$1" | tr -d :).json" 2>eval.err ||
    { cat eval.err >&2; fail "evaluate --at $1"; }
}
# check_round HH:MM FIRING TRANSITIONS: the firing alerts and this round's
# transitions, each a sorted list "slo/condition[/kind]" joined by spaces.
check_round() {
  python3 - "eval-$(echo "$1" | tr -d :).json" "$1" "$2" "$3" <<'PY' || exit 1
import json, sys
d = json.load(open(sys.argv[1]))
firing = " ".join(sorted("%s/%s" % (a["slo"], a["condition"]) for a in d["alerts"] if a["state"] == "firing"))
trans = " ".join(sorted("%s/%s/%s" % (e["slo"], e["condition"], e["kind"]) for e in d["transitions"]))
ok = firing == sys.argv[3] and trans == sys.argv[4]
if not ok:
    print("demo.sh: FAIL: evaluate at %s: firing [%s], want [%s]; transitions [%s], want [%s]"
          % (sys.argv[2], firing, sys.argv[3], trans, sys.argv[4]), file=sys.stderr)
sys.exit(0 if ok else 1)
PY
}
MA=matching-availability
Y=$MA/yellow-burn-1h
R=$MA/red-exhaustion-3d

round 11:00 && check_round 11:00 "" ""
round 11:10 && check_round 11:10 "$R $Y" "$R/firing $Y/firing"
round 11:15 && check_round 11:15 "$R $Y" ""

# report during the incident: burning_now
report_json() {
  "$HR" report -c conf --db hr.db --format json --at "${DAY}T$1:00Z" >"report-$(echo "$1" | tr -d :).json" 2>report.err ||
    { cat report.err >&2; fail "report --at $1"; }
}
report_json 11:15
python3 - report-1115.json "$DAY" <<'PY' || exit 1
import json, sys
d = json.load(open(sys.argv[1]))
day = sys.argv[2]
errs = []
slos = {s["name"]: s for s in d["slos"]}
ma = slos["matching-availability"]
b = ma.get("burning_now") or {}
if b.get("level") != "burning":
    errs.append("matching-availability burning_now.level = %r, want 'burning'" % b.get("level"))
if not (b.get("burn_rate", 0) > b.get("threshold", 1e9)):
    errs.append("matching-availability burning_now: burn %r not above threshold %r" % (b.get("burn_rate"), b.get("threshold")))
if b.get("lookback") != "1h" or b.get("condition") != "yellow-burn-1h":
    errs.append("matching-availability burning_now: %r, want lookback 1h, condition yellow-burn-1h" % b)
# matching-journey (a composite without alertPolicies) and its availability
# component have no conditions: the same 1h burn above 1 is only elevated.
for name, s in slos.items():
    want = "elevated" if name in ("matching-journey.availability", "matching-journey") else "ok"
    if name != "matching-availability" and s["burning_now"]["level"] != want:
        errs.append("%s burning_now.level = %r, want %r" % (name, s["burning_now"]["level"], want))
sd = ma.get("since_deploy") or {}
if sd.get("at") != "2026-11-02T05:00:00Z" or not str(sd.get("text", "")).startswith("core-matching v"):
    errs.append("matching-availability since_deploy = %r, want the deploy of 2026-11-02T05:00:00Z" % sd)
if d.get("maintenance_windows") != 1:
    errs.append("maintenance_windows = %r, want 1" % d.get("maintenance_windows"))
for e in errs:
    print("demo.sh: FAIL: report at 11:15: " + e, file=sys.stderr)
sys.exit(1 if errs else 0)
PY

# ---- the API, as the dashboard reads it ----
# serve_at HH:MM: serve --at that minute on a free port; sets pid and url.
serve_at() {
  : >serve.out
  "$HR" serve -c conf --db hr.db --listen 127.0.0.1:0 --at "${DAY}T$1:00Z" -q >serve.out 2>serve.err </dev/null &
  pid=$!
  i=0
  url=
  while [ $i -lt 200 ]; do
    url=$(sed -n 's/^listening on //p' serve.out | tail -1)
    [ -n "$url" ] && return 0
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.05
    i=$((i + 1))
  done
  cat serve.err >&2
  fail "serve --at $1 did not start"
}
stop_serve() {
  kill "$pid" 2>/dev/null
  wait "$pid" 2>/dev/null
  pid=
}
# check_api WANT_STATE WANT_KINDS: /api/v1/alerts and the SLO's page
check_api() {
  python3 - "$url" "$1" "$2" <<'PY' || exit 1
import json, sys, urllib.request
url, want_state, want_kinds = sys.argv[1], sys.argv[2], sys.argv[3].split(",")
def get(p):
    with urllib.request.urlopen(url + p, timeout=30) as r:
        return json.load(r)
errs = []
conds = {"yellow-burn-1h", "red-exhaustion-3d"}
al = get("api/v1/alerts")
firing = {a["condition"] for a in al["alerts"] if a["state"] == "firing" and a["slo"] == "matching-availability"}
if want_state == "firing" and firing != conds:
    errs.append("/api/v1/alerts: firing %r, want both pages" % sorted(firing))
if want_state == "resolved" and any(a["state"] == "firing" for a in al["alerts"]):
    errs.append("/api/v1/alerts: still firing: %r" % al["alerts"])
d = get("api/v1/slos/matching-availability")
states = {a["condition"]: a["state"] for a in d.get("alerts", [])}
if any(states.get(c) != want_state for c in conds):
    errs.append("SLO alerts %r, want both %s" % (states, want_state))
tl = d.get("timeline", [])
kinds = [e["kind"] for e in tl]
if kinds.count("deploy") != 8:
    errs.append("timeline: %d deploys, want 8" % kinds.count("deploy"))
inc = [e for e in tl if e["kind"] == "incident"]
if not any("GPU pool outage" in e["text"] for e in inc) or not any("crash-looping" in e["text"] for e in inc):
    errs.append("timeline incidents %r, want the GPU pool outage and the live incident" % [e["text"] for e in inc])
for k in want_kinds:
    got = {e.get("condition") for e in tl if e.get("source") == "alert" and e["kind"] == k}
    if got != conds:
        errs.append("timeline: %s transitions of %r, want both pages" % (k, sorted(x for x in got if x)))
for e in errs:
    print("demo.sh: FAIL: API (%s): %s" % (want_state, e), file=sys.stderr)
sys.exit(1 if errs else 0)
PY
}
serve_at 11:15
check_api firing firing
stop_serve

round 12:30 && check_round 12:30 "$R" "$Y/resolved"
round 13:30 && check_round 13:30 "" "$R/resolved"
report_json 13:30
python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
b = [s for s in d["slos"] if s["name"] == "matching-availability"][0]["burning_now"]
sys.exit(0 if b["level"] == "ok" else "demo.sh: FAIL: report at 13:30: burning_now %r, want ok" % b)' report-1330.json || exit 1

# 13:31, not 13:30: the SLO page holds the transitions before its "to"
# (serve --at T: to = T), and red resolved in the 13:30 round.
serve_at 13:31
check_api resolved firing,resolved
stop_serve

# the next live incident pages again
round 14:20 && check_round 14:20 "$R $Y" "$R/firing $Y/firing"

echo "demo.sh: ok"
