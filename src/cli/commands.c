/* commands.c -- the subcommand table; --help and docs/cli/ are checked against it. */
#include "cli/cmd.h"

const struct hr_command hr_commands[] = {
    {"check", cmd_check, "validate an OpenSLO configuration"},
    {"report", cmd_report, "SLO status of the given logs and/or the store"},
    {"ingest", cmd_ingest, "backfill logs into the store"},
    {"serve", cmd_serve, "daemon: tail sources, evaluate alerts, HTTP API, dashboard, /metrics"},
    {"gate", cmd_gate, "release decision for a service (exit 0 allow, 1 deny)"},
    {"annotate", cmd_annotate, "add a deploy, incident, maintenance or note to the timeline"},
    {"backtest", cmd_backtest, "replay alert policies over history"},
    {"evaluate", cmd_evaluate, "one alert-evaluation round over the store (for cron)"},
    {"rules", cmd_rules, "Prometheus recording and alerting rules for every SLO"},
    {"history", cmd_history, "compliance per SLO per week, month or quarter, with downtime and its cost"},
    {"risk", cmd_risk, "release risk of a service from its past deploys"},
    {"suggest", cmd_suggest, "targets and latency thresholds that history supports"},
    {"canary", cmd_canary, "canary against baseline: promote, hold or roll back (exit 0, 3, 1)"},
    {"journeys", cmd_journeys, "the value x frequency matrix of the services (critical user journeys)"},
};
const unsigned hr_ncommands = sizeof hr_commands / sizeof hr_commands[0];
