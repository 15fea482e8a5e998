/* commands.c -- the subcommand table; --help and docs/cli/ are checked against it. */
#include "cli/cmd.h"

const struct hr_command hr_commands[] = {
    {"check", cmd_check, "validate an OpenSLO configuration"},
    {"report", cmd_report, "SLO status of the given logs and/or the store"},
    {"ingest", cmd_ingest, "backfill logs into the store"},
};
const unsigned hr_ncommands = sizeof hr_commands / sizeof hr_commands[0];
