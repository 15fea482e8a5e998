/* cmd_risk.c -- headroom risk: the chance that a release of a service
 * consumes a given share of each SLO's budget, from its past deploys
 * (engine/risk.h); see docs/cli/risk.md. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cmd.h"
#include "cli/common.h"
#include "core/timeparse.h"
#include "engine/risk.h"
#include "render/risk.h"

static const char usage_text[] = "usage: headroom risk -c CONF --service S [--horizon D] [--canary F] [LOG...]\n"
                                 "                     [--at T] [--db FILE] [--store] [--format text|json]\n"
                                 "\n"
                                 "Release risk from history: every deploy annotation of the service at least\n"
                                 "the horizon old is a past release. For each SLO of the service, what each\n"
                                 "consumed of the window's budget in the horizon after it; from that, the\n"
                                 "chance that the next release consumes at least 1, 2, 5, 10 or 20 % of the\n"
                                 "budget, its median, p90 and worst consumption, and the chance that it\n"
                                 "exhausts what is left now.\n"
                                 "\n"
                                 "  -c, --config CONF  OpenSLO file or directory (required)\n"
                                 "      --service S    the service (spec.service of its SLOs; required)\n"
                                 "      --horizon D    how long after a deploy its effect is counted (default 24h)\n"
                                 "      --canary F     the share of traffic the release reaches, 0 < F <= 1\n"
                                 "                     (default 1; 0.1 for a canary to 10 % of users)\n"
                                 "      --at T         evaluate as of T (RFC 3339); default: now for the store,\n"
                                 "                     just after the last event for logs\n"
                                 "      --format F     text (default) or json\n"
                                 "      --source NAME  the DataSource the logs are read with\n"
                                 "      --db FILE      the store (default: the configuration's headroom.db)\n"
                                 "      --store        read the store as well as the logs named\n"
                                 "\n"
                                 "Deploys come from the store's timeline ('headroom annotate --kind deploy').\n"
                                 "With fewer than 5 past deploys the figures are thin and the output says so.\n"
                                 "Exit codes: 0 ok, 2 error.\n";

static int take(void *ctx, int val, const char *arg) {
  struct hr_risk_opts *ro = ctx;
  char *end;
  switch (val) {
  case 'S': ro->service = arg; break;
  case 'H':
    if (duration_parse(arg, strlen(arg), &ro->horizon_us) != 0 || ro->horizon_us < INT64_C(60000000)) {
      cli_error("--horizon: expected a duration of at least a minute (24h, 2d), got '%s'", arg);
      return -1;
    }
    break;
  case 'C':
    ro->canary = strtod(arg, &end);
    if (end == arg || *end != '\0' || !(ro->canary > 0 && ro->canary <= 1)) {
      cli_error("--canary: expected a share of traffic above 0 and at most 1 (0.1 for 10 %%), got '%s'", arg);
      return -1;
    }
    break;
  }
  return 0;
}

int cmd_risk(int argc, char **argv) {
  static const struct option opts[] = {{"service", required_argument, 0, 'S'},
                                       {"horizon", required_argument, 0, 'H'},
                                       {"canary", required_argument, 0, 'C'},
                                       {0, 0, 0, 0}};
  static const char *const formats[] = {"text", "json", NULL};
  struct hr_risk_opts ro = {0};
  const struct cli_spec spec = {usage_text, CLI_CONFIG | CLI_AT | CLI_FORMAT | CLI_INPUT, opts, NULL, take, &ro};
  struct cli_args a;
  int code = cli_parse(argc, argv, &spec, &a);
  if (code >= 0)
    return code;
  const char *conf = a.conf, *format = a.format;
  ro.e.read = cli_read_opts(&a);
  if (ro.service == NULL) {
    cli_error("risk: --service S is required");
    fputs(usage_text, stderr);
    return 2;
  }
  if (cli_check_format(format, formats) != 0)
    return 2;
  struct hr_config *cfg = cli_load_config(conf);
  if (cfg == NULL)
    return 2;
  struct hr_release_risk r;
  struct hr_err err = {0};
  if (engine_risk(cfg, &ro, &r, &err) != HR_OK) {
    cli_error("risk: %s", err.msg);
    config_free(cfg);
    return 2;
  }
  cli_print_samples(&r.rep);
  code = 0;
  if (cli_refuse_unreadable(&r.rep, "risk", "figure")) { /* a figure from part of the input is not one */
    code = 2;
  } else {
    if (strcmp(format, "json") == 0)
      risk_json(stdout, &r);
    else
      risk_text(stdout, &r);
    cli_print_errors(&r.rep);
    if (fflush(stdout) != 0)
      code = 2;
  }
  risk_free(&r);
  config_free(cfg);
  return code;
}
