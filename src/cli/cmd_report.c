/* cmd_report.c -- headroom report: SLO status of the given logs and/or the
 * store (docs/cli/report.md). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cmd.h"
#include "cli/common.h"
#include "core/timeparse.h"
#include "engine/breakdown.h"
#include "engine/detail.h"
#include "engine/journeys.h"
#include "engine/report.h"
#include "render/breakdown.h"
#include "render/html.h"
#include "render/report.h"

static const char usage_text[] =
    "usage: headroom report -c CONF [LOG...] [--at T] [--format text|json|html] [-o FILE]\n"
    "                       [--source NAME] [--db FILE] [--store] [--threads N]\n"
    "                       [--slo NAME] [--breakdown FIELD [--lookback D] [--top N]]\n"
    "\n"
    "SLO status of the log files named (plain or .gz) and/or the store: SLI against\n"
    "target, error budget left (fraction and time), burn rates, time to exhaustion,\n"
    "status light.\n"
    "\n"
    "  -c, --config CONF    OpenSLO file or directory (required)\n"
    "      --at T           evaluate as of T (RFC 3339); default: now for the store\n"
    "                       (a service that went quiet shows it), just after the\n"
    "                       last event for logs (events dated in the future are\n"
    "                       not counted)\n"
    "      --format F       text (default), json (docs/cli/report.md), or html: the\n"
    "                       dashboard as one self-contained file (data inlined)\n"
    "  -o, --output FILE    write there instead of standard output\n"
    "      --source NAME    the DataSource the logs are read with (default: the one\n"
    "                       whose paths match the file, or the only one)\n"
    "      --db FILE        the store (default: the configuration's headroom.db)\n"
    "      --store          read the store as well as the logs named\n"
    "      --threads N      threads for reading logs (default 1; large plain files\n"
    "                       are split between them)\n"
    "      --slo NAME       only this SLO\n"
    "      --breakdown FIELD  what is burning: the values of FIELD (path, host,\n"
    "                       status, any field of the format) ranked by the bad\n"
    "                       events they contributed over the lookback, with their\n"
    "                       share of the burn, valid events and SLI (text or json;\n"
    "                       reads the LOGs named, or with no LOG the store's\n"
    "                       grouped counts of a groupBy FIELD)\n"
    "      --lookback D     the breakdown's lookback, ending at the instant\n"
    "                       (default 1h; whole minutes)\n"
    "      --top N          values listed per SLO, the rest summed (default 10;\n"
    "                       0: all)\n"
    "\n"
    "With no LOG, the store is read. Malformed lines are counted and the first few\n"
    "reported as file:line: reason; they never change a figure.\n"
    "Exit codes: 0 ok, 2 error.\n";

/* The HTML report: every SLO's page as the dashboard shows it, and (when
 * the report holds every SLO) the journeys' matrix above the services. */
static enum hr_rc write_html(FILE *f, const struct hr_config *cfg, const struct hr_eval_opts *eo,
                             const struct hr_report *rep, struct hr_err *err) {
  struct hr_detail *det = calloc(rep->nslos ? rep->nslos : 1, sizeof *det);
  struct hr_detail_opts dopt = {.recent = 1, .system = 1};
  struct hr_journeys js;
  int have_js = 0;
  enum hr_rc rc = HR_OK;
  size_t n = 0;
  for (; n < rep->nslos && rc == HR_OK; n++)
    rc = engine_detail(cfg, rep, &rep->slos[n], &dopt, &det[n], err);
  if (rc == HR_OK && eo->slo == NULL) { /* a matrix of one SLO's journey would misplace it */
    struct hr_err jerr = {0};
    have_js = engine_journeys_of(cfg, eo, rep, &js, &jerr) == HR_OK;
    if (!have_js) /* the report stands without it (SLOs read from Prometheus alone have no traffic history) */
      cli_error("report: the page has no journeys matrix: %s", jerr.msg);
  }
  if (rc == HR_OK)
    report_html(f, rep, det, have_js ? &js : NULL);
  if (have_js)
    journeys_free(&js);
  for (size_t j = 0; j < n; j++)
    detail_free(&det[j]);
  free(det);
  return rc;
}

/* report --breakdown: rank FIELD's values (text or json). */
static int run_breakdown(const char *conf, const struct hr_eval_opts *eo, const char *field, int64_t lookback_us,
                         size_t top, const char *format, const char *output) {
  if (strcmp(format, "html") == 0) {
    cli_error("--breakdown: --format text or json (the dashboard's SLO page draws it)");
    return 2;
  }
  struct hr_config *cfg = cli_load_config(conf);
  if (cfg == NULL)
    return 2;
  struct hr_breakdown_opts bo = {
      .read = eo->read, .field = field, .slo = eo->slo, .lookback_us = lookback_us, .top = top};
  struct hr_breakdown b;
  struct hr_err err = {0};
  if (engine_breakdown(cfg, &bo, &b, &err) != HR_OK) {
    cli_error("%s", err.msg);
    config_free(cfg);
    return 2;
  }
  cli_print_samples(&b.rd);
  int code = 0;
  FILE *f = cli_output_open(output);
  if (f == NULL) {
    code = 2;
  } else {
    if (strcmp(format, "json") == 0)
      breakdown_json(f, &b);
    else
      breakdown_text(f, &b);
    cli_print_errors(&b.rd);
    if (cli_unreadable_exit(&b.rd) != 0)
      code = 2;
    if (cli_output_close(f, output) != 0)
      code = 2;
  }
  breakdown_free(&b);
  config_free(cfg);
  return code;
}

/* report's own options: the breakdown by a field. */
struct report_args {
  const char *breakdown;
  int64_t lookback_us, top;
  const char *slo;
};

static int take(void *ctx, int val, const char *arg) {
  struct report_args *r = ctx;
  switch (val) {
  case 'L': r->slo = arg; break;
  case 'B': r->breakdown = arg; break;
  case 'W':
    if (duration_parse(arg, strlen(arg), &r->lookback_us) != 0 || r->lookback_us < INT64_C(60000000) ||
        r->lookback_us % INT64_C(60000000) != 0) {
      cli_error("--lookback: expected whole minutes, at least 1m (1h, 30m, 1d), got '%s'", arg);
      return -1;
    }
    break;
  case 'T': return cli_parse_count("--top", arg, &r->top);
  }
  return 0;
}

int cmd_report(int argc, char **argv) {
  static const struct option opts[] = {{"slo", required_argument, 0, 'L'},
                                       {"breakdown", required_argument, 0, 'B'},
                                       {"lookback", required_argument, 0, 'W'},
                                       {"top", required_argument, 0, 'T'},
                                       {0, 0, 0, 0}};
  static const char *const formats[] = {"text", "json", "html", NULL};
  struct report_args r = {NULL, HR_BREAKDOWN_LOOKBACK_US, HR_BREAKDOWN_TOP, NULL};
  const struct cli_spec spec = {
      usage_text, CLI_CONFIG | CLI_AT | CLI_FORMAT | CLI_OUTPUT | CLI_INPUT | CLI_THREADS, opts, NULL, take, &r};
  struct cli_args a;
  int code = cli_parse(argc, argv, &spec, &a);
  if (code >= 0)
    return code;
  const char *conf = a.conf, *format = a.format, *output = a.output;
  const char *breakdown = r.breakdown;
  int64_t lookback_us = r.lookback_us, top = r.top;
  struct hr_eval_opts eo = {.read = cli_read_opts(&a), .slo = r.slo};
  if (cli_check_format(format, formats) != 0)
    return 2;
  eo.keep_series = strcmp(format, "html") == 0;
  if (breakdown != NULL)
    return run_breakdown(conf, &eo, breakdown, lookback_us, (size_t)top, format, output);
  struct hr_config *cfg = cli_load_config(conf);
  if (cfg == NULL)
    return 2;
  struct hr_report rep;
  struct hr_err err = {0};
  code = 0;
  if (engine_report(cfg, &eo, &rep, &err) != HR_OK) {
    cli_error("%s", err.msg);
    config_free(cfg);
    return 2;
  }
  cli_print_samples(&rep);
  FILE *f = cli_output_open(output);
  if (f == NULL) {
    code = 2;
  } else {
    if (strcmp(format, "json") == 0)
      report_json(f, &rep);
    else if (strcmp(format, "html") == 0 && write_html(f, cfg, &eo, &rep, &err) != HR_OK) {
      cli_error("%s", err.msg);
      code = 2;
    } else if (strcmp(format, "text") == 0)
      report_text(f, &rep, NULL, 0, output == NULL && cli_isatty(stdout));
    cli_print_errors(&rep);
    if (cli_unreadable_exit(&rep) != 0)
      code = 2;
    if (f != stdout) {
      if (cli_output_close(f, output) != 0)
        code = 2;
    } else if (fflush(stdout) != 0) { /* standard output: the exit code says it */
      code = 2;
    }
  }
  report_free(&rep);
  config_free(cfg);
  return code;
}
