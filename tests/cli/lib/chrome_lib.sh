# chrome_lib.sh -- the start shared by history_e2e.sh and journeys_e2e.sh
# (sourced; not a test itself). Expects NAME (the test's name) and the
# test's arguments HEADROOM_BIN BUILD_DIR in $1 and $2. Sets HR and BUILD
# (absolute), SRC (the source tree), TMP (removed on exit) and OUT
# (BUILD_DIR/e2e, where the screenshots are kept); defines skip, fail and
# chrome (headless Chromium, nothing downloaded). Without chromium,
# gen_soulsync or python3 the test prints "SKIP: ..." and exits 0.
HR=${1:?usage: $NAME HEADROOM_BIN BUILD_DIR}
BUILD=${2:?usage: $NAME HEADROOM_BIN BUILD_DIR}
case $HR in /*) ;; *) HR=$(pwd)/$HR ;; esac
case $BUILD in /*) ;; *) BUILD=$(pwd)/$BUILD ;; esac
SRC=${HR_SOURCE_DIR:-$(cd "$(dirname "$0")/../.." && pwd)}
CHROMIUM=${CHROMIUM:-/usr/bin/chromium}
skip() { echo "SKIP: $NAME: $*"; exit 0; }
fail() { echo "$NAME: FAIL: $*" >&2; exit 1; }
[ -x "$CHROMIUM" ] || skip "no $CHROMIUM (apt-get install chromium)"
[ -x "$BUILD/gen_soulsync" ] || skip "no $BUILD/gen_soulsync (build the target gen_soulsync)"
command -v python3 >/dev/null 2>&1 || skip "no python3"

TMP=$(mktemp -d "${TMPDIR:-/tmp}/hr-e2e.XXXXXX") || exit 1
trap 'rm -rf "$TMP"' EXIT INT TERM
OUT="$BUILD/e2e"
mkdir -p "$OUT"

# --no-sandbox: the tests may run as root, where Chromium refuses its sandbox.
chrome() {
  timeout 90 "$CHROMIUM" --headless --no-sandbox --disable-gpu --hide-scrollbars --no-first-run \
    --user-data-dir="$TMP/profile" "$@" 2>>"$TMP/chromium.err"
}
