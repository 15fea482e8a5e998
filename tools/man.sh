#!/bin/sh
# man.sh -- a page of docs/cli/ as a man(1) page (docs/deployment.md, "Man pages"):
#   tools/man.sh OUT VERSION DATE PAGE.md [MORE.md...]
# The docs are the one source: the first file's front matter gives the NAME
# line (`command:`, `help:`; none means headroom(1) itself), its `#` title is
# dropped, the `#` title of each further file becomes a section. Links to
# another command's page (`[text](gate.md)`) read as their text and are
# gathered into SEE ALSO as headroom-gate(1). Debian's lowdown renders the
# markdown ($LOWDOWN, else lowdown on the PATH); its `##` headings become
# the page's sections.
set -eu
[ $# -ge 4 ] || { echo "usage: man.sh OUT VERSION DATE PAGE.md [MORE.md...]" >&2; exit 2; }
out=$1 version=$2 date=$3
shift 3
first=$1
for f in "$@"; do
  [ -r "$f" ] || { echo "man.sh: $f: cannot read" >&2; exit 2; }
done

cmd=$(sed -n '1{/^---$/!q};2,/^---$/s/^command: //p' "$first")
help=$(sed -n '1{/^---$/!q};2,/^---$/s/^help: //p' "$first")
if [ -n "$cmd" ]; then
  title=headroom-$cmd
  [ -n "$help" ] || { echo "man.sh: $first:1: front matter without help:" >&2; exit 2; }
else
  title=headroom
  help="an SLO engine: SLIs from logs, error budgets, alerts and release gates"
fi

tmp=$(mktemp)
trap 'rm -f "$tmp" "$tmp.md"' EXIT
# The body: front matter out, the first file's title out, later titles as
# sections in capitals (## and ### move up one level below).
n=0
for f in "$@"; do
  n=$((n + 1))
  awk -v first=$n 'NR == 1 && $0 == "---" { fm = 1; next }
    fm { if ($0 == "---") fm = 0; next }
    /^# / && !titled { titled = 1; if (first == 1) next; sub(/^# /, "## ") }
    /^## / { $0 = "## " toupper(substr($0, 4)) }
    { print }' "$f" >>"$tmp"
  echo >>"$tmp"
done

# SEE ALSO: headroom(1) from a command's page, then every command page
# linked, in order of first mention (the link's target names the page).
dir=$(dirname "$first")
seealso=""
[ "$title" = headroom ] || seealso="**headroom**(1)"
for c in $(grep -o '](\([a-z_]*\)\.md' "$tmp" | sed 's/^](//; s/\.md$//' | awk '!seen[$0]++'); do
  [ "$c" != "$cmd" ] && [ -f "$dir/$c.md" ] || continue
  case $c in _*) continue ;; esac
  seealso="${seealso:+$seealso, }**headroom-$c**(1)"
done

{
  printf 'title: %s\nsection: 1\ndate: %s\nsource: headroom %s\nvolume: headroom manual\nshiftheadinglevelby: -1\n\n' \
    "$title" "$date" "$version"
  printf '## NAME\n\n%s \\- %s\n\n' "$title" "$help"
  cat "$tmp"
  printf '## SEE ALSO\n\n%s\n\nThe full documentation is in docs/ of the source tree, installed in /usr/share/doc/headroom.\n' \
    "${seealso:+$seealso.}"
} >"$tmp.md"
mkdir -p "$(dirname "$out")"
"${LOWDOWN:-lowdown}" -s -tman --nroff-nolinks "$tmp.md" -o "$out.tmp"
mv "$out.tmp" "$out"
