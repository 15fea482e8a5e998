/* cmd_backtest.c -- headroom backtest: replay alert conditions over the
 * history in log files at every whole minute (engine/backtest.h); see
 * docs/cli/backtest.md. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cmd.h"
#include "cli/common.h"
#include "engine/backtest.h"
#include "render/backtest.h"
#include "util/imath.h"

#define MINUTE_US INT64_C(60000000)

static const char usage_text[] = "usage: headroom backtest -c CONF [LOG...] [--from T] [--to T] [--policy FILE]\n"
                                 "                         [--format text|json] [--source NAME]\n"
                                 "\n"
                                 "Replays the alert conditions of every SLO (its policies, or the defaults) over\n"
                                 "the history in the logs, at every whole minute, and prints every alert that\n"
                                 "would have fired, with pages, tickets and minutes firing per SLO. Each alert\n"
                                 "says whether it was notified or grouped: one notification per incident and\n"
                                 "SLO, as serve sends them (docs/alerting.md).\n"
                                 "\n"
                                 "  -c, --config CONF  OpenSLO file or directory (required)\n"
                                 "      --from T       first minute replayed (RFC 3339); default: the first event\n"
                                 "      --to T         last minute replayed; default: just after the last event\n"
                                 "      --policy FILE  AlertPolicy/AlertCondition documents replayed side by side\n"
                                 "                     for every SLO (labelled \"policy\" in the output)\n"
                                 "      --format F     text (default) or json\n"
                                 "      --source NAME  the DataSource the logs are read with\n"
                                 "\n"
                                 "Exit codes: 0 ok, 2 error.\n";

int cmd_backtest(int argc, char **argv) {
  static const struct option opts[] = {{"config", required_argument, 0, 'c'}, {"from", required_argument, 0, 'F'},
                                       {"to", required_argument, 0, 'T'},     {"policy", required_argument, 0, 'p'},
                                       {"format", required_argument, 0, 'f'}, {"source", required_argument, 0, 's'},
                                       {"help", no_argument, 0, 'h'},         {0, 0, 0, 0}};
  static const char *const formats[] = {"text", "json", NULL};
  const char *conf = NULL, *format = "text", *policy = NULL;
  struct hr_backtest_opts bo = {0};
  bo.in.threads = 1;
  int c;
  optind = 1;
  while ((c = getopt_long(argc, argv, "c:h", opts, NULL)) != -1) {
    switch (c) {
    case 'c': conf = optarg; break;
    case 'F':
      if (cli_parse_time("--from", optarg, &bo.from_us) != 0)
        return 2;
      bo.has_from = 1;
      break;
    case 'T':
      if (cli_parse_time("--to", optarg, &bo.to_us) != 0)
        return 2;
      bo.has_to = 1;
      break;
    case 'p': policy = optarg; break;
    case 'f': format = optarg; break;
    case 's': bo.in.source = optarg; break;
    case 'h': fputs(usage_text, stdout); return 0;
    default: fputs(usage_text, stderr); return 2;
    }
  }
  bo.in.logs = argv + optind;
  bo.in.nlogs = (size_t)(argc - optind);
  if (conf == NULL || (bo.in.nlogs == 0 && !(bo.has_from && bo.has_to))) {
    cli_error(conf == NULL ? "backtest: -c CONF is required"
                           : "backtest: name at least one LOG file (or --from and --to to replay Prometheus sources)");
    fputs(usage_text, stderr);
    return 2;
  }
  if (cli_check_format(format, formats) != 0)
    return 2;
  bo.from_us = floor_div(bo.from_us, MINUTE_US) * MINUTE_US;
  bo.to_us = floor_div(bo.to_us, MINUTE_US) * MINUTE_US;
  if (bo.has_from && bo.has_to && bo.to_us < bo.from_us) {
    cli_error("--to is before --from");
    return 2;
  }
  struct hr_config *cfg = cli_load_config(conf);
  if (cfg == NULL)
    return 2;
  struct hr_config *pcfg = NULL;
  if (policy != NULL && (pcfg = cli_load_config(policy)) == NULL) {
    config_free(cfg);
    return 2;
  }
  bo.policy = pcfg;
  struct hr_backtest b;
  struct hr_err err = {0};
  int code = 0;
  if (engine_backtest(cfg, &bo, &b, &err) != HR_OK) {
    cli_error("%s", err.msg);
    code = 2;
  } else {
    cli_print_samples(&b.rd);
    for (size_t i = 0; i < b.rd.nerrors; i++)
      cli_error("%s", b.rd.errors[i]);
    for (size_t i = 0; i < b.nwarnings; i++)
      cli_error("warning: %s", b.warnings[i]);
    if (strcmp(format, "json") == 0)
      backtest_json(stdout, cfg, &b, policy);
    else
      backtest_text(stdout, cfg, &b);
    if (fflush(stdout) != 0)
      code = 2;
    backtest_free(&b);
  }
  config_free(pcfg);
  config_free(cfg);
  return code;
}
