#!/bin/sh
# format.sh -- the C sources in .clang-format's style (STYLE: LLVM, 2 spaces,
# 120 columns): `make format` applies it, tools/checksrc.sh (run by make
# test, so by CI) checks it:
#   sh tools/format.sh apply | check
# Files of tools/format-skip (one path a line, # comments) are left alone.
# The check runs only with the clang-format major version the tree was
# formatted with (Debian 12's, 14): another version lays some lines out
# differently, and would fail on code nobody touched.
cd "$(dirname "$0")/.." || exit 2
want=14
mode=${1:-check}
if ! command -v clang-format >/dev/null 2>&1; then
  echo "format: clang-format not installed (apt-get install clang-format): not checked" >&2
  [ "$mode" = check ] && exit 0
  exit 2
fi
files=$( (git ls-files 'src/*.[ch]' 'tests/*.[ch]' 'tools/*.[ch]' 2>/dev/null ||
  find src tests tools -name '*.[ch]') | sort -u | grep -vxF -f tools/format-skip)
case $mode in
apply)
  echo "$files" | xargs clang-format -i
  echo "format: $(echo "$files" | wc -l) files in .clang-format's style"
  ;;
check)
  major=$(clang-format --version | sed -n 's/.*version \([0-9]*\).*/\1/p')
  if [ "$major" != "$want" ]; then
    echo "format: clang-format $major, the tree is laid out by $want: not checked" >&2
    exit 0
  fi
  bad=$(echo "$files" | xargs clang-format --dry-run -Werror 2>&1 |
    sed -n 's/^\([^:]*\):[0-9]*:[0-9]*: error: code should be clang-formatted.*/\1/p' | sort -u)
  if [ -n "$bad" ]; then
    echo "format: not in .clang-format's style (make format fixes them):" >&2
    echo "$bad" | sed 's/^/  /' >&2
    exit 1
  fi
  ;;
*)
  echo "usage: format.sh apply | check" >&2
  exit 2
  ;;
esac
