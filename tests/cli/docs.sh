#!/bin/sh
# Every command in the binary's table has docs/cli/<name>.md whose front
# matter carries the same one-line help (curl's test1139 habit), and every
# documented command exists.
set -u
bin=$1
root=${HR_SOURCE_DIR:?}
fail=0
"$bin" --help >/tmp/hr_help.$$ || { echo "headroom --help failed"; exit 1; }
cmds=$(awk '/^commands:/{on=1; next} on && /^  [a-z]/{print $1}' /tmp/hr_help.$$)
[ -n "$cmds" ] || { echo "no commands listed in --help"; fail=1; }
for c in $cmds; do
  doc="$root/docs/cli/$c.md"
  if [ ! -f "$doc" ]; then echo "missing $doc"; fail=1; continue; fi
  help_bin=$(awk -v c="$c" '$1 == c { $1 = ""; sub(/^ +/, ""); print }' /tmp/hr_help.$$)
  help_doc=$(sed -n 's/^help: //p' "$doc" | head -1)
  if [ "$help_bin" != "$help_doc" ]; then
    echo "$c: --help says '$help_bin', $doc says '$help_doc'"; fail=1
  fi
  "$bin" "$c" --help >/dev/null 2>&1 || { echo "$c --help exits non-zero"; fail=1; }
done
for doc in "$root"/docs/cli/[a-z]*.md; do
  c=$(basename "$doc" .md)
  echo "$cmds" | grep -qx "$c" || { echo "$doc documents a command the binary lacks"; fail=1; }
done
rm -f /tmp/hr_help.$$
[ $fail = 0 ] && echo "docs: ok"
exit $fail
