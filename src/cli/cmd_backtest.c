/* cmd_backtest.c -- headroom backtest: replay alert conditions over the
 * history in log files at every whole minute (engine/backtest.h); see
 * docs/cli/backtest.md. */
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

/* backtest's own options. */
struct backtest_args {
  struct hr_backtest_opts *bo;
  const char *policy;
};

static int take(void *ctx, int val, const char *arg) {
  struct backtest_args *b = ctx;
  switch (val) {
  case 'F':
    if (cli_parse_time("--from", arg, &b->bo->from_us) != 0)
      return -1;
    b->bo->has_from = 1;
    break;
  case 'T':
    if (cli_parse_time("--to", arg, &b->bo->to_us) != 0)
      return -1;
    b->bo->has_to = 1;
    break;
  case 'p': b->policy = arg; break;
  }
  return 0;
}

int cmd_backtest(int argc, char **argv) {
  static const struct option opts[] = {{"from", required_argument, 0, 'F'},
                                       {"to", required_argument, 0, 'T'},
                                       {"policy", required_argument, 0, 'p'},
                                       {0, 0, 0, 0}};
  static const char *const formats[] = {"text", "json", NULL};
  struct hr_backtest_opts bo = {0};
  struct backtest_args ba = {&bo, NULL};
  const struct cli_spec spec = {usage_text, CLI_CONFIG | CLI_FORMAT | CLI_SOURCE, opts, NULL, take, &ba};
  struct cli_args a;
  int code = cli_parse(argc, argv, &spec, &a);
  if (code >= 0)
    return code;
  const char *conf = a.conf, *format = a.format, *policy = ba.policy;
  bo.in = a.in;
  if (bo.in.nlogs == 0 && !(bo.has_from && bo.has_to)) {
    cli_error("backtest: name at least one LOG file (or --from and --to to replay Prometheus sources)");
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
  code = 0;
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
