#!/bin/sh
# Source checks: banned calls (curl/collectd habit). The time functions
# matter most: log timestamps are converted without the C library's
# process-wide time zone state.
cd "$(dirname "$0")/.." || exit 2
bad=$(grep -nE '\b(strcpy|strcat|sprintf|vsprintf|strtok|atoi|atol|gmtime|localtime|mktime|gets)[[:space:]]*\(' \
  src/*/*.c src/*/*.h tools/*.c 2>/dev/null | grep -v 'checksrc:allow')
if [ -n "$bad" ]; then
  echo "checksrc: banned calls:" >&2
  echo "$bad" >&2
  exit 1
fi
echo "checksrc: ok"
