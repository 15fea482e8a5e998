#!/bin/sh
# Record the generator's schedule on the services' timelines: every deploy,
# incident and maintenance window that gen_soulsync --print-schedule lists
# for the same options becomes a `headroom annotate` in the store, so the
# demo does not repeat the schedule (used by demo.sh and tests/cli/demo.sh).
#
#   sh examples/soulsync/annotate.sh HEADROOM GEN_SOULSYNC CONF DB [GEN OPTIONS...]
#
# GEN OPTIONS are those the traffic was generated with (--end, --anchor,
# --live-incident, --from ...). Prints one line per annotation recorded.
# An incident annotation is a point at its start; its end goes in the text.
# Exit 0 when every line was recorded, 2 otherwise.
set -u
[ $# -ge 4 ] || { echo "usage: annotate.sh HEADROOM GEN_SOULSYNC CONF DB [GEN OPTIONS...]" >&2; exit 2; }
HR=$1 GEN=$2 CONF=$3 DB=$4
shift 4

SCHED=$("$GEN" --print-schedule "$@") || { echo "annotate.sh: gen_soulsync --print-schedule failed" >&2; exit 2; }
[ -n "$SCHED" ] || exit 0
note() { # annotate ARGS...: record, print what was recorded (without the store path)
  out=$("$HR" annotate -c "$CONF" --db "$DB" "$@") || return 2
  printf '%s\n' "${out% (store *}"
}

printf '%s\n' "$SCHED" | {
  rc=0
  while read -r kind service at rest; do
    case $kind in
    deploy) note --service "$service" --kind deploy --at "$at" --text "$rest" ;;
    incident) note --service "$service" --kind incident --at "$at" --text "${rest#* } (until ${rest%% *})" ;;
    maintenance) note --service "$service" --kind maintenance --at "$at" --until "${rest%% *}" --text "${rest#* }" ;;
    *) echo "annotate.sh: unexpected schedule line: $kind $service $at $rest" >&2; false ;;
    esac || rc=2
  done
  exit $rc
}
