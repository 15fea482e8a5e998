#!/bin/sh
# rotate.sh -- SPEC §5: rename rotation and copytruncate (logrotate's way,
# with the older rotated files compressed to .gz) while serve tails, plus
# two kill -9 and restarts in the middle: the store's counts equal an
# independent count of the lines in every file.
# Usage: sh rotate.sh HEADROOM_BIN BUILD_DIR
src=${HR_SOURCE_DIR:-$(cd "$(dirname "$0")/../.." && pwd)}
HR_CRASH_ROTATE=mixed HR_CRASH_KILLS=${HR_CRASH_KILLS:-2} HR_CRASH_LINES=${HR_CRASH_LINES:-12000} \
  exec sh "$src/tests/cli/crash.sh" "$@"
