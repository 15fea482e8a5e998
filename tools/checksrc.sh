#!/bin/sh
# Source checks: banned calls (curl/collectd habit) and the layers of
# docs/internals/architecture.md. The time functions matter most: log
# timestamps are converted without the C library's process-wide time zone
# state.
cd "$(dirname "$0")/.." || exit 2
status=0
bad=$(grep -nE '\b(strcpy|strcat|sprintf|vsprintf|strtok|atoi|atol|gmtime|localtime|mktime|gets)[[:space:]]*\(' \
  src/*/*.c src/*/*.h tools/*.c 2>/dev/null | grep -v 'checksrc:allow')
if [ -n "$bad" ]; then
  echo "checksrc: banned calls:" >&2
  echo "$bad" >&2
  status=1
fi

# Who may include whom: each folder of src/ and the folders it may include
# (its own always). A front end (cli, http) renders with render/ what the
# engine computed; nothing below the engine includes anything above it.
allowed() {
  case $1 in
  util) echo "" ;;
  core) echo "util" ;;
  config | net) echo "core util" ;;
  store) echo "core util" ;;
  ingest) echo "config core store util" ;;
  prom) echo "config core net util" ;;
  notify) echo "config core net store util" ;;
  engine) echo "config core ingest net notify prom store util" ;;
  render) echo "config core engine prom util" ;;
  http) echo "config core engine render util" ;;
  cli) echo "config core engine http render util" ;;
  *) echo "?" ;;
  esac
}
for dir in src/*/; do
  layer=$(basename "$dir")
  ok=$(allowed "$layer")
  if [ "$ok" = "?" ]; then
    echo "checksrc: src/$layer is not in the layer table of tools/checksrc.sh (docs/internals/architecture.md)" >&2
    status=1
    continue
  fi
  for f in "$dir"*.c "$dir"*.h; do
    [ -f "$f" ] || continue
    for inc in $(sed -n 's/^#include "\([a-z_]*\)\/.*/\1/p' "$f" | sort -u); do
      [ "$inc" = "$layer" ] && continue
      case " $ok " in *" $inc "*) ;; *)
        echo "checksrc: $f includes $inc/: $layer/ may include only: ${ok:-nothing}" >&2
        status=1
        ;;
      esac
    done
  done
done

# The core reads no files and no clock is read outside the engine's and the
# front ends' own places; SQL lives in src/store; src/render opens no store.
bad=$(grep -nE '\b(fopen|open|opendir|fread|clock_gettime|time)[[:space:]]*\(' src/core/*.c |
  grep -vE '^[^:]+:[0-9]+:[[:space:]]*(/?\*|//)|checksrc:allow|"[^"]*\b(time|open)[[:space:]]*\(')
[ -n "$bad" ] && { echo "checksrc: src/core reads files or the clock:" >&2; echo "$bad" >&2; status=1; }
bad=$(grep -ln 'sqlite3' src/*/*.c src/*/*.h | grep -v '^src/store/')
[ -n "$bad" ] && { echo "checksrc: SQLite outside src/store:" >&2; echo "$bad" >&2; status=1; }
bad=$(grep -nE 'store_(open|open_ro)[[:space:]]*\(' src/render/*.c src/http/*.c src/cli/*.c)
[ -n "$bad" ] && { echo "checksrc: a front end or renderer opens the store:" >&2; echo "$bad" >&2; status=1; }

# The layout of .clang-format (make format applies it).
sh tools/format.sh check || status=1

[ $status = 0 ] && echo "checksrc: ok"
exit $status
