/* cmd_history.c -- headroom history: compliance per SLO per calendar
 * period, with downtime and its cost (engine/compliance.h); see
 * docs/cli/history.md. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cmd.h"
#include "cli/common.h"
#include "engine/compliance.h"
#include "render/history.h"

static const char usage_text[] =
    "usage: headroom history -c CONF [LOG...] [--period week|month|quarter] [--from T] [--to T]\n"
    "                        [--slo NAME | --service S] [--at T] [--format text|json|csv|html]\n"
    "                        [-o FILE] [--source NAME] [--db FILE] [--store]\n"
    "\n"
    "For each SLO and each calendar week, month or quarter of its time zone: its SLI,\n"
    "target met or missed, the share of the period's error budget used, the minutes\n"
    "whose own SLI was below the target (downtime) and their cost from the SLO's\n"
    "annotations headroom.dev/cost-per-bad-event and cost-per-bad-minute. A period\n"
    "without valid events says \"no data\". A composite SLO gets its periods from its\n"
    "components' (weighted budget consumed, met while at most 100%), and they count\n"
    "in the totals through it.\n"
    "\n"
    "  -c, --config CONF   OpenSLO file or directory (required)\n"
    "      --period P      week (from Monday), month (default) or quarter\n"
    "      --from T        the periods from the one holding T (RFC 3339); default:\n"
    "                      the first event of the SLOs shown\n"
    "      --to T          ... up to the one holding the instant before T; default\n"
    "                      and at most: the instant\n"
    "      --slo NAME      only this SLO (a composite: with its components)\n"
    "      --service S     only this service's SLOs\n"
    "      --at T          the instant (RFC 3339); default: now for the store, just\n"
    "                      after the last event for logs\n"
    "      --format F      text (default), json, csv (RFC 4180) or html (one\n"
    "                      self-contained page)\n"
    "  -o, --output FILE   write there instead of stdout\n"
    "      --source NAME   the DataSource the logs are read with\n"
    "      --db FILE       the store (default: the configuration's headroom.db)\n"
    "      --store         read the store as well as the logs named\n"
    "\n"
    "With no LOG, the store is read; logs named are read whole (their latest 100\n"
    "days).\n"
    "Exit codes: 0 ok, 2 error.\n";

static int take(void *ctx, int val, const char *arg) {
  struct hr_compliance_opts *co = ctx;
  switch (val) {
  case 'p':
    if (compliance_unit_parse(arg, &co->unit) != 0) {
      cli_error("--period: expected week, month or quarter, got '%s'", arg);
      return -1;
    }
    break;
  case 'F':
    if (cli_parse_time("--from", arg, &co->from_us) != 0)
      return -1;
    co->has_from = 1;
    break;
  case 'T':
    if (cli_parse_time("--to", arg, &co->to_us) != 0)
      return -1;
    co->has_to = 1;
    break;
  case 'n': co->slo = arg; break;
  case 'v': co->service = arg; break;
  }
  return 0;
}

int cmd_history(int argc, char **argv) {
  static const struct option opts[] = {{"period", required_argument, 0, 'p'},  {"from", required_argument, 0, 'F'},
                                       {"to", required_argument, 0, 'T'},      {"slo", required_argument, 0, 'n'},
                                       {"service", required_argument, 0, 'v'}, {0, 0, 0, 0}};
  static const char *const formats[] = {"text", "json", "csv", "html", NULL};
  struct hr_compliance_opts co = {0};
  co.unit = HR_CAL_MONTH;
  const struct cli_spec spec = {usage_text, CLI_CONFIG | CLI_AT | CLI_FORMAT | CLI_OUTPUT | CLI_INPUT, opts, NULL, take,
                                &co};
  struct cli_args a;
  int code = cli_parse(argc, argv, &spec, &a);
  if (code >= 0)
    return code;
  const char *conf = a.conf, *format = a.format, *output = a.output;
  co.read = cli_read_opts(&a);
  if (cli_check_format(format, formats) != 0)
    return 2;
  if (co.has_from && co.has_to && co.from_us >= co.to_us) {
    cli_error("history: --from must be before --to");
    return 2;
  }
  struct hr_config *cfg = cli_load_config(conf);
  if (cfg == NULL)
    return 2;
  struct hr_compliance hc;
  struct hr_err err = {0};
  if (engine_compliance(cfg, &co, &hc, &err) != HR_OK) {
    cli_error("%s", err.msg);
    config_free(cfg);
    return 2;
  }
  code = 0;
  FILE *out = stdout;
  if (output != NULL && (out = fopen(output, "w")) == NULL) {
    cli_error("history: cannot write %s: %s", output, strerror(errno));
    code = 2;
  }
  cli_print_samples(&hc.rd);
  if (code == 0) {
    if (strcmp(format, "json") == 0)
      history_json(out, &hc);
    else if (strcmp(format, "csv") == 0)
      history_csv(out, &hc);
    else if (strcmp(format, "html") == 0)
      history_html(out, &hc);
    else
      history_text(out, &hc);
  }
  cli_print_errors(&hc.rd);
  if (cli_unreadable_exit(&hc.rd) != 0) /* a history of part of the logs must not pass for one of all */
    code = 2;
  if (out != NULL && out != stdout && fclose(out) != 0) {
    cli_error("history: write %s: %s", output, strerror(errno));
    code = 2;
  }
  if (fflush(stdout) != 0)
    code = 2;
  compliance_free(&hc);
  config_free(cfg);
  return code;
}
