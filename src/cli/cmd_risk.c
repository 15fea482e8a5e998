/* cmd_risk.c -- headroom risk: the chance that a release of a service
 * consumes a given share of each SLO's budget, from its past deploys
 * (engine/risk.h); see docs/cli/risk.md. */
#include <getopt.h>
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

int cmd_risk(int argc, char **argv) {
  static const struct option opts[] = {{"config", required_argument, 0, 'c'},
                                       {"service", required_argument, 0, 'S'},
                                       {"horizon", required_argument, 0, 'H'},
                                       {"canary", required_argument, 0, 'C'},
                                       {"at", required_argument, 0, 'a'},
                                       {"format", required_argument, 0, 'f'},
                                       {"source", required_argument, 0, 's'},
                                       {"db", required_argument, 0, 'd'},
                                       {"store", no_argument, 0, 'T'},
                                       {"help", no_argument, 0, 'h'},
                                       {0, 0, 0, 0}};
  static const char *const formats[] = {"text", "json", NULL};
  const char *conf = NULL, *format = "text";
  struct hr_risk_opts ro = {0};
  ro.e.in.threads = 1;
  int c;
  char *end;
  optind = 1;
  while ((c = getopt_long(argc, argv, "c:h", opts, NULL)) != -1) {
    switch (c) {
    case 'c': conf = optarg; break;
    case 'S': ro.service = optarg; break;
    case 'H':
      if (duration_parse(optarg, strlen(optarg), &ro.horizon_us) != 0 || ro.horizon_us < INT64_C(60000000)) {
        cli_error("--horizon: expected a duration of at least a minute (24h, 2d), got '%s'", optarg);
        return 2;
      }
      break;
    case 'C':
      ro.canary = strtod(optarg, &end);
      if (end == optarg || *end != '\0' || !(ro.canary > 0 && ro.canary <= 1)) {
        cli_error("--canary: expected a share of traffic above 0 and at most 1 (0.1 for 10 %%), got '%s'", optarg);
        return 2;
      }
      break;
    case 'a':
      if (cli_parse_time("--at", optarg, &ro.e.at_us) != 0)
        return 2;
      ro.e.has_at = 1;
      break;
    case 'f': format = optarg; break;
    case 's': ro.e.in.source = optarg; break;
    case 'd': ro.e.in.db = optarg; break;
    case 'T': ro.e.in.store = 1; break;
    case 'h': fputs(usage_text, stdout); return 0;
    default: fputs(usage_text, stderr); return 2;
    }
  }
  if (conf == NULL || ro.service == NULL) {
    cli_error("risk: %s is required", conf == NULL ? "-c CONF" : "--service S");
    fputs(usage_text, stderr);
    return 2;
  }
  if (cli_check_format(format, formats) != 0)
    return 2;
  ro.e.now_us = cli_now_us();
  ro.e.in.logs = argv + optind;
  ro.e.in.nlogs = (size_t)(argc - optind);
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
  int code = 0;
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
