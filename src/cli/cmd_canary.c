/* cmd_canary.c -- headroom canary: compare a canary's events with the rest
 * since the last deploy and say promote, hold or rollback
 * (engine/canary.h). Exit 0 promote, 1 rollback, 3 hold, 2 error
 * (docs/cli/canary.md). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cmd.h"
#include "cli/common.h"
#include "engine/canary.h"
#include "render/canary.h"

static const char usage_text[] = "usage: headroom canary -c CONF --slo NAME --canary EXPR [--since T] [LOG...]\n"
                                 "                       [--at T] [--min-events N] [--source NAME] [--db FILE]\n"
                                 "                       [--format text|json]\n"
                                 "\n"
                                 "Splits the SLO's valid events since the last deploy into the canary (the\n"
                                 "events EXPR matches, in the SLO's filter language) and the baseline (the\n"
                                 "rest), and compares them: each side's SLI and burn rate, and a one-sided\n"
                                 "Fisher exact test that the canary fails more often than the baseline.\n"
                                 "  promote   the canary is no worse (p >= 0.05), or worse but within budget\n"
                                 "  rollback  p < 0.05 and the canary burns the budget faster than 1x\n"
                                 "  hold      either side has fewer than --min-events valid events: observe longer\n"
                                 "\n"
                                 "  -c, --config CONF   OpenSLO file or directory (required)\n"
                                 "      --slo NAME      the SLO compared (required; read from logs)\n"
                                 "      --canary EXPR   the canary's events, e.g. 'host == \"web-7\"' or\n"
                                 "                      'pod =~ \"^checkout-7d9f\"' (required)\n"
                                 "      --since T       count from T (RFC 3339); default: the last deploy of the\n"
                                 "                      SLO's service at or before the instant (headroom annotate)\n"
                                 "      --at T          the instant (RFC 3339); default: just after the last event\n"
                                 "      --min-events N  valid events each side needs for a verdict (default 100)\n"
                                 "      --source NAME   the SLO's DataSource (the logs named are read with it anyway)\n"
                                 "      --db FILE       the store whose timeline has the deploys and maintenance\n"
                                 "                      windows (default: the configuration's headroom.db)\n"
                                 "      --format F      text (default) or json\n"
                                 "\n"
                                 "With no LOG, the files of the SLO's DataSource paths are read. Exclusions\n"
                                 "and maintenance windows apply as in report.\n"
                                 "Exit codes: 0 promote, 1 rollback, 3 hold, 2 error.\n";

static int take(void *ctx, int val, const char *arg) {
  struct hr_canary_opts *co = ctx;
  switch (val) {
  case 'S': co->slo = arg; break;
  case 'e': co->expr = arg; break;
  case 'F':
    if (cli_parse_time("--since", arg, &co->since_us) != 0)
      return -1;
    co->has_since = 1;
    break;
  case 'm': {
    char *end;
    unsigned long long n = strtoull(arg, &end, 10);
    if (arg[0] < '0' || arg[0] > '9' || *end != '\0' || n < 1) {
      cli_error("--min-events: expected a whole number of at least 1, got '%s'", arg);
      return -1;
    }
    co->min_events = n;
    break;
  }
  }
  return 0;
}

int cmd_canary(int argc, char **argv) {
  static const struct option opts[] = {{"slo", required_argument, 0, 'S'},
                                       {"canary", required_argument, 0, 'e'},
                                       {"since", required_argument, 0, 'F'},
                                       {"min-events", required_argument, 0, 'm'},
                                       {0, 0, 0, 0}};
  static const char *const formats[] = {"text", "json", NULL};
  struct hr_canary_opts co = {0};
  co.min_events = HR_CANARY_MIN_EVENTS;
  const struct cli_spec spec = {usage_text, CLI_CONFIG | CLI_AT | CLI_FORMAT | CLI_SOURCE | CLI_DB, opts, NULL, take,
                                &co};
  struct cli_args a;
  int code = cli_parse(argc, argv, &spec, &a);
  if (code >= 0)
    return code;
  const char *conf = a.conf, *format = a.format;
  co.read = cli_read_opts(&a);
  if (co.slo == NULL || co.expr == NULL) {
    cli_error("canary: %s is required", co.slo == NULL ? "--slo NAME" : "--canary EXPR");
    fputs(usage_text, stderr);
    return 2;
  }
  if (cli_check_format(format, formats) != 0)
    return 2;
  struct hr_config *cfg = cli_load_config(conf);
  if (cfg == NULL)
    return 2;
  struct hr_canary r;
  struct hr_err err = {0};
  if (engine_canary(cfg, &co, &r, &err) != HR_OK) {
    cli_error("canary: %s", err.msg);
    config_free(cfg);
    return 2;
  }
  cli_print_samples(&r.rd);
  code = canary_exit_code(r.verdict);
  if (cli_refuse_unreadable(&r.rd, "canary", "verdict")) {
    code = 2;
  } else {
    if (strcmp(format, "json") == 0)
      canary_json(stdout, &r);
    else
      canary_text(stdout, &r);
    cli_print_errors(&r.rd);
    if (fflush(stdout) != 0)
      code = 2;
  }
  canary_free(&r);
  config_free(cfg);
  return code;
}
