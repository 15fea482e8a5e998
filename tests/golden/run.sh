#!/bin/sh
# Golden black-box case runner: sh run.sh HEADROOM_BIN CASE_DIR
#
# A case directory holds:
#   cmd       one line: arguments after the binary; $CASE is the case dir,
#             $SHARED the shared data dir (../shared), $TMP a scratch dir
#   expected  the expected standard output (exactly), or
#   expected.json  expected JSON output, compared after normalising with python3
#   exit      expected exit code (default 0)
#   stderr    optional: lines that must each appear in standard error
#   check.py  optional: python3 check.py OUT (with GOT_EXIT in the environment)
#             recomputes the figures independently from the input and exits
#             non-zero when the output disagrees (the cases over the project's
#             own logs, tests/data/synth/ref.py); run after the comparison,
#             under UPDATE=1 too, so a wrong snapshot is not accepted
# UPDATE=1 rewrites expected output from the current binary.
#
# A case whose cmd reads $SHARED (the real logs of ../shared/data/real,
# which sit beside the repository on the project's machines but not in a
# user's clone) is skipped when that directory is absent: it prints a SKIP
# line and exits 77, which CMakeLists.txt declares as ctest's
# SKIP_RETURN_CODE. The *-synth cases cover the same ground on the
# project's own data.
set -u
bin=$1
case_dir=$2
CASE=$case_dir
SHARED=${HR_SHARED_DIR:-$case_dir/../../../../shared}
if grep -q '\$SHARED' "$case_dir/cmd" && [ ! -d "$SHARED/data/real" ]; then
  echo "SKIP: golden $(basename "$case_dir"): $SHARED/data/real not present (a user's clone): real-log counts not checked (the *-synth cases check equivalent figures on tests/data/synth)"
  exit 77
fi
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
export CASE SHARED TMP
args=$(sed -e "s#\$CASE#$CASE#g" -e "s#\$SHARED#$SHARED#g" -e "s#\$TMP#$TMP#g" "$case_dir/cmd")
want_exit=0
[ -f "$case_dir/exit" ] && want_exit=$(cat "$case_dir/exit")
# shellcheck disable=SC2086
"$bin" $args >"$TMP/out" 2>"$TMP/err"
got_exit=$?
# Paths in the output are written back as $CASE and $SHARED, so expected
# files do not depend on where the repository is.
for f in out err; do
  sed -e "s#$CASE#\$CASE#g" -e "s#$SHARED#\$SHARED#g" "$TMP/$f" >"$TMP/$f.n" && mv "$TMP/$f.n" "$TMP/$f"
done
fail=0
if [ "$got_exit" != "$want_exit" ]; then
  echo "exit code $got_exit, expected $want_exit"; fail=1
fi
if [ -f "$case_dir/expected.json" ]; then
  if [ "${UPDATE:-0}" = 1 ]; then
    python3 -m json.tool --sort-keys "$TMP/out" >"$case_dir/expected.json"
  elif ! python3 - "$case_dir/expected.json" "$TMP/out" <<'PY'
import json, sys, math
want = json.load(open(sys.argv[1]))
got = json.load(open(sys.argv[2]))
def cmp(a, b, path):
    if isinstance(a, float) or isinstance(b, float):
        if a is None or b is None or not math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-12):
            print(f"{path}: want {a!r} got {b!r}"); return False
        return True
    if isinstance(a, dict) and isinstance(b, dict):
        ok = True
        for k in set(a) | set(b):
            if k not in a or k not in b:
                print(f"{path}.{k}: present in only one of want/got"); ok = False
            else:
                ok = cmp(a[k], b[k], f"{path}.{k}") and ok
        return ok
    if isinstance(a, list) and isinstance(b, list):
        if len(a) != len(b):
            print(f"{path}: want {len(a)} items, got {len(b)}"); return False
        return all([cmp(x, y, f"{path}[{i}]") for i, (x, y) in enumerate(zip(a, b))])
    if a != b:
        print(f"{path}: want {a!r} got {b!r}"); return False
    return True
sys.exit(0 if cmp(want, got, "$") else 1)
PY
  then
    fail=1
  fi
elif [ -f "$case_dir/expected" ]; then
  if [ "${UPDATE:-0}" = 1 ]; then
    cp "$TMP/out" "$case_dir/expected"
  elif ! diff -u "$case_dir/expected" "$TMP/out"; then
    fail=1
  fi
fi
if [ -f "$case_dir/stderr" ]; then
  while IFS= read -r line; do
    [ -z "$line" ] && continue
    if ! grep -qF -- "$line" "$TMP/err"; then
      echo "stderr lacks: $line"; fail=1
    fi
  done <"$case_dir/stderr"
fi
if [ -f "$case_dir/check.py" ] && ! GOT_EXIT=$got_exit PYTHONDONTWRITEBYTECODE=1 python3 "$case_dir/check.py" "$TMP/out"; then
  echo "check.py: the output disagrees with the independent reference"; fail=1
fi
if [ $fail != 0 ]; then
  echo "--- stderr ---"; head -20 "$TMP/err"
  echo "golden $(basename "$case_dir"): FAILED"
  exit 1
fi
echo "golden $(basename "$case_dir"): ok"
