#!/bin/sh
# man.sh -- the man pages (built from docs/cli by tools/man.sh), --help and
# docs/cli agree: every command has headroom-<command>(1), every option its
# --help names is in its docs/cli page and its man page, every option of the
# page's synopsis is in --help, headroom(1)'s command table is --help's, and
# the pages render without a groff warning.
# Usage: sh man.sh HEADROOM_BIN BUILD_DIR
bin=$1 build=$2
src=${HR_SOURCE_DIR:-$(cd "$(dirname "$0")/../.." && pwd)}
man=$build/man
command -v lowdown >/dev/null 2>&1 || [ -f "$man/headroom.1" ] ||
  { echo "SKIP: lowdown not installed (apt-get install lowdown): no man pages built"; exit 0; }
tmp=$(mktemp -d "${TMPDIR:-/tmp}/hr-man.XXXXXX") || exit 2
trap 'rm -rf "$tmp"' EXIT INT TERM
fails=0
fail() { echo "FAIL: $*" >&2; fails=$((fails + 1)); }

# A page's text as written: troff's \- and font changes out.
text() { sed 's/\\-/-/g; s/\\f[BIRCP]//g; s/\\(em/--/g' "$1"; }
opts() { grep -oE -- '--[a-z][a-z0-9-]*[a-z0-9]' | sort -u; }

"$bin" --help >"$tmp/help" || fail "headroom --help exits $?"
cmds=$(awk '/^commands:/ { on = 1; next } on && /^  [a-z]/ { print $1 } on && /^$/ { on = 0 }' "$tmp/help")
[ -n "$cmds" ] || fail "no commands in headroom --help"

# headroom(1): the options of headroom --help, the command table.
[ -f "$man/headroom.1" ] || fail "$man/headroom.1 not built"
text "$man/headroom.1" >"$tmp/top"
for o in $(opts <"$tmp/help"); do
  grep -qF -- "$o" "$tmp/top" || fail "headroom.1 lacks $o (headroom --help names it)"
done
for c in $cmds; do
  h=$(awk -v c="$c" '$1 == c { $1 = ""; sub(/^ +/, ""); print }' "$tmp/help")
  grep -qxF "| [$c]($c.md) | $h |" "$src/docs/cli/_headroom.md" ||
    fail "docs/cli/_headroom.md: no row '| [$c]($c.md) | $h |' (headroom --help's)"
  grep -qF "headroom-$c" "$tmp/top" || fail "headroom.1 does not name headroom-$c(1)"
done
rows=$(grep -c '^| \[' "$src/docs/cli/_headroom.md")
[ "$rows" = "$(echo "$cmds" | wc -l)" ] || fail "docs/cli/_headroom.md has $rows commands, --help $(echo "$cmds" | wc -l)"

for c in $cmds; do
  page=$man/headroom-$c.1 doc=$src/docs/cli/$c.md
  [ -f "$page" ] || { fail "$page not built"; continue; }
  text "$page" >"$tmp/page"
  head -5 "$tmp/page" | grep -q "^\.TH \"headroom-$c\" \"1\"" || fail "$page: no .TH headroom-$c 1"
  grep -qF "headroom(1)" "$tmp/page" || fail "$page: SEE ALSO lacks headroom(1)"
  "$bin" "$c" --help >"$tmp/chelp" 2>&1 || fail "headroom $c --help exits $?"
  for o in $(opts <"$tmp/chelp"); do
    grep -qF -- "$o" "$doc" || fail "docs/cli/$c.md lacks $o (headroom $c --help names it)"
    grep -qF -- "$o" "$tmp/page" || fail "headroom-$c.1 lacks $o (headroom $c --help names it)"
  done
  # The synopsis (the page's first block of `headroom <command> ...`) names
  # only options the command has.
  awk -v c="$c" '!on && $0 ~ "^(    )?headroom " c "( |$)" { on = 1 }
    on && (/^$/ || /^```/) { exit } on' "$doc" | opts >"$tmp/syn"
  for o in $(cat "$tmp/syn"); do
    grep -qF -- "$o" "$tmp/chelp" || fail "docs/cli/$c.md's synopsis names $o, headroom $c --help does not"
  done
  [ -s "$tmp/syn" ] || fail "docs/cli/$c.md: no synopsis (a first block of 'headroom $c ...' with options)"
done
n=$(ls "$man"/*.1 | wc -l)
[ "$n" = $(($(echo "$cmds" | wc -l) + 1)) ] || fail "$n pages in $man, want one per command and headroom.1"

# Every page renders cleanly (preconv for UTF-8, as man does).
if command -v groff >/dev/null 2>&1; then
  groff -k -man -Tutf8 -ww -z "$man"/*.1 >"$tmp/groff" 2>&1
  [ -s "$tmp/groff" ] && { fail "groff warns:"; head -20 "$tmp/groff" >&2; }
else
  echo "note: groff not installed: the pages' rendering is not checked"
fi
[ $fails = 0 ] || exit 1
echo "man: ok ($n pages, $(echo "$cmds" | wc -l) commands)"
