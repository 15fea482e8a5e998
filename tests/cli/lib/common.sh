# common.sh -- the setup the tests of tests/cli share (sourced; not a test
# itself). After `set -u`:
#   . "$(dirname "$0")/lib/common.sh"
#   test_init NAME "$@"
# gives HR (the binary, absolute), SRC (the source tree), TMP (a directory
# removed on exit, serve's $pid stopped first), fails and fail(); python3 is
# needed (tools/test-deps.sh installs it). End with test_done. KEEP=1 in the
# environment keeps TMP, to look at after a failure.

test_init() { # test_init NAME HEADROOM_BIN
  T=$1
  HR=${2:?usage: $1.sh HEADROOM_BIN BUILD_DIR}
  case $HR in /*) ;; *) HR=$(pwd)/$HR ;; esac
  SRC=${HR_SOURCE_DIR:-$(cd "$(dirname "$0")/../.." && pwd)}
  command -v python3 >/dev/null 2>&1 || { echo "$T.sh: python3 is needed" >&2; exit 1; }
  TMP=$(mktemp -d "${TMPDIR:-/tmp}/hr-$T.XXXXXX") || exit 1
  pid=
  fails=0
  trap test_cleanup EXIT INT TERM
}

test_cleanup() {
  [ -n "$pid" ] && kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null
  [ -n "${KEEP:-}" ] || rm -rf "$TMP"
}

fail() {
  echo "$T.sh: FAIL: $*" >&2
  fails=$((fails + 1))
}

# refuse WANT-EXIT MESSAGE ARGS...: `headroom ARGS` exits WANT-EXIT and
# its output holds MESSAGE (a fixed string).
refuse() {
  want=$1 msg=$2
  shift 2
  "$HR" "$@" >"$TMP/refuse.out" 2>&1
  got=$?
  [ "$got" = "$want" ] || fail "headroom $*: exit $got, want $want"
  grep -qF -- "$msg" "$TMP/refuse.out" || {
    fail "headroom $*: no '$msg' in:"
    sed 's/^/  | /' "$TMP/refuse.out" >&2
  }
}

test_done() {
  [ "$fails" = 0 ] || { echo "$T.sh: $fails failure(s)" >&2; exit 1; }
  echo "$T.sh: ok"
  exit 0
}
