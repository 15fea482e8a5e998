#!/bin/sh
# tests/cli/alert_damping.sh HEADROOM_BIN BUILD_DIR
# An AlertPolicy's headroom.dev/damping (docs/alerting.md, "One page per
# incident"): backtest over the golden case backtest-incidents (incidents at
# 10:00-10:19 and 18:00-18:59) with the seed's policies, whose page
# incidents close 30 minutes after their last condition stopped by default,
# 2 hours with damping 2h, and merge into one page with 8h; `rules` writes
# the same damping as keep_firing_for; `check` rejects a damping out of range
# with its location.
set -u
bin=$1
src=$(cd "$(dirname "$0")/../.." && pwd)
G=$src/tests/golden/backtest-incidents
command -v python3 >/dev/null 2>&1 || { echo "SKIP: python3 is needed"; exit 0; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fails=0
fail() {
  echo "FAIL: $*" >&2
  fails=$((fails + 1))
}

policy() { # policy DAMPING FILE: the example's policies, yellow's with headroom.dev/damping DAMPING
  sed "s|^  name: yellow-page-engineer\$|  name: yellow-page-engineer\\n  annotations:\\n    headroom.dev/damping: $1|" \
    "$src/examples/soulsync/alert-policies.yaml" >"$2"
}

# backtest DAMPING EXPECTED: "pages notified; each notified firing:incident closed" of the policy set
backtest() {
  if [ "$1" = default ]; then cp "$src/examples/soulsync/alert-policies.yaml" "$tmp/p.yaml"; else policy "$1" "$tmp/p.yaml"; fi
  "$bin" backtest -c "$G/slo.yaml" "$G/traffic.jsonl" --policy "$tmp/p.yaml" --format json >"$tmp/bt.json" 2>"$tmp/err" ||
    { fail "backtest with damping $1: exit $?"; cat "$tmp/err" >&2; return; }
  got=$(python3 -c '
import json, sys
p = json.load(open(sys.argv[1]))["policy"]
sent = ["%s:%s" % (a["fired_at"][11:16], (a["incident_closed_at"] or "open")[11:16] or "open")
        for a in p["alerts"] if a["notified"]]
print(p["summary"][0]["pages_notified"], " ".join(sent))' "$tmp/bt.json")
  [ "$got" = "$2" ] || fail "damping $1: got '$got', want '$2'"
}
backtest default "2 10:03:12:47 18:08:21:19" # closes 30 min after red resolved (12:17) / yellow at 20:49
backtest 2h "2 10:03:14:17 18:08:22:49"
backtest 8h "1 10:03:open" # 18:08 is within 8 hours of 12:17: the same incident

# rules: keep_firing_for is the policy's damping (yellow 8h), the default elsewhere
mkdir -p "$tmp/conf"
cp "$src"/examples/soulsync/*.yaml "$tmp/conf/"
policy 8h "$tmp/conf/alert-policies.yaml"
"$bin" rules -c "$tmp/conf" -o "$tmp/rules.yml" 2>"$tmp/err" || { fail "rules: exit $?"; cat "$tmp/err" >&2; }
python3 - "$tmp/rules.yml" <<'PY' || fail "rules: keep_firing_for does not follow headroom.dev/damping"
import sys, yaml
rules = [r for g in yaml.safe_load(open(sys.argv[1]))["groups"] for r in g["rules"] if "alert" in r]
keep = {(r["labels"]["condition"], r["keep_firing_for"]) for r in rules}
assert keep == {("yellow-burn-1h", "8h"), ("red-exhaustion-3d", "30m")}, keep
PY

# check: out of range, with the annotation's location
policy 10d "$tmp/conf/alert-policies.yaml"
"$bin" check -c "$tmp/conf" >"$tmp/out" 2>"$tmp/err"
rc=$?
[ $rc = 2 ] || fail "check with damping 10d: exit $rc, want 2"
grep -q "alert-policies.yaml:[0-9]*:[0-9]*: headroom.dev/damping must be at most 7d, got 10d" "$tmp/err" ||
  { fail "check with damping 10d: no located error"; cat "$tmp/err" >&2; }

[ $fails = 0 ] || { echo "alert_damping: $fails failure(s)" >&2; exit 1; }
echo "alert_damping: ok"
