/* cmd_rules.c -- headroom rules: Prometheus recording and alerting rules for
 * every SLO (src/render/rules.h, docs/prometheus.md). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cmd.h"
#include "cli/common.h"
#include "core/timeparse.h"
#include "render/grafana.h"
#include "render/rules.h"

static const char usage_text[] = "usage: headroom rules -c CONF [--format prometheus|k8s] [--sloth-compat]\n"
                                 "                      [--interval D] [--delay D] [-o FILE]\n"
                                 "       headroom rules -c CONF --grafana list|detail [-o FILE]\n"
                                 "\n"
                                 "Prometheus recording and alerting rules for every SLO: event counts over every\n"
                                 "lookback and the SLO window (counter deltas per interval, summed), SLI, error\n"
                                 "budget remaining, burn rates, and the SLO's alert conditions as alerting rules.\n"
                                 "Log sources: over headroom_slo_good_total / headroom_slo_valid_total exported by\n"
                                 "`headroom serve` agents, summed across instances. Prometheus sources: over the\n"
                                 "SLI's good/total (or bad/total) queries.\n"
                                 "\n"
                                 "  -c, --config CONF    OpenSLO file or directory (required)\n"
                                 "      --format F       prometheus (default: a rule file) or k8s (a PrometheusRule\n"
                                 "                       resource of the Prometheus Operator)\n"
                                 "      --sloth-compat   also record Sloth's series (slo:sli_error:ratio_rate5m,\n"
                                 "                       slo:error_budget:ratio, ...) for existing Sloth dashboards\n"
                                 "      --interval D     the rule groups' evaluation interval (default 1m); every\n"
                                 "                       window and lookback must be a whole multiple of it\n"
                                 "      --delay D        read the counters D behind the evaluation time, so a\n"
                                 "                       scrape still in flight is never missed (default 1m, a whole\n"
                                 "                       number of intervals): at least the scrape timeout, more\n"
                                 "                       when samples arrive late (remote write, federation).\n"
                                 "                       Figures and alerts lag by D.\n"
                                 "      --grafana KIND   instead of the rules, a Grafana dashboard over the series\n"
                                 "                       they record (JSON, to import or provision): list (every\n"
                                 "                       SLO: objective, SLI, budget left, burn rate, alerts) or\n"
                                 "                       detail (one SLO over time, chosen by $service and $slo)\n"
                                 "  -o, --output FILE    write there instead of standard output\n"
                                 "\n"
                                 "Check the output with `promtool check rules FILE`.\n"
                                 "Exit codes: 0 ok, 2 error.\n";

struct rules_args {
  struct hr_rules_opts ro;
  int grafana; /* enum hr_grafana_kind, or -1: the rules */
};

static int take(void *ctx, int c, const char *arg) {
  struct rules_args *r = ctx;
  switch (c) {
  case 'f':
    if (strcmp(arg, "prometheus") == 0)
      r->ro.format = HR_RULES_PROMETHEUS;
    else if (strcmp(arg, "k8s") == 0)
      r->ro.format = HR_RULES_K8S;
    else {
      cli_error("--format: expected prometheus or k8s, got '%s'", arg);
      return -1;
    }
    return 0;
  case 'g':
    if ((r->grafana = grafana_kind_from_name(arg)) < 0) {
      cli_error("--grafana: expected list or detail, got '%s'", arg);
      return -1;
    }
    return 0;
  case 's': r->ro.sloth_compat = 1; return 0;
  default: { /* 'i', 'd' */
    int64_t us = 0;
    if (duration_parse(arg, strlen(arg), &us) != 0 || us % 1000000 != 0 || (c == 'i' && us < 2000000)) {
      cli_error("--%s: expected a duration in whole seconds%s (30s, 1m), got '%s'", c == 'i' ? "interval" : "delay",
                c == 'i' ? " of at least 2s" : "", arg);
      return -1;
    }
    *(c == 'i' ? &r->ro.interval_s : &r->ro.delay_s) = us / 1000000;
    return 0;
  }
  }
}

int cmd_rules(int argc, char **argv) {
  static const struct option opts[] = {{"format", required_argument, 0, 'f'},   {"sloth-compat", no_argument, 0, 's'},
                                       {"interval", required_argument, 0, 'i'}, {"delay", required_argument, 0, 'd'},
                                       {"grafana", required_argument, 0, 'g'},  {0, 0, 0, 0}};
  struct rules_args r = {.ro = {.interval_s = HR_RULES_DEFAULT_INTERVAL_S, .delay_s = HR_RULES_DEFAULT_DELAY_S},
                         .grafana = -1};
  const struct cli_spec spec = {usage_text, CLI_CONFIG | CLI_OUTPUT | CLI_NO_WORDS, opts, NULL, take, &r};
  struct cli_args a;
  int code = cli_parse(argc, argv, &spec, &a);
  if (code >= 0)
    return code;
  const char *conf = a.conf, *output = a.output;
  struct hr_rules_opts ro = r.ro;
  int grafana = r.grafana;
  if (grafana >= 0 && (ro.format != HR_RULES_PROMETHEUS || ro.sloth_compat ||
                       ro.interval_s != HR_RULES_DEFAULT_INTERVAL_S || ro.delay_s != HR_RULES_DEFAULT_DELAY_S)) {
    cli_error("rules: --grafana writes a dashboard: --format, --sloth-compat, --interval and --delay do not apply");
    return 2;
  }
  struct hr_config *cfg = cli_load_config(conf);
  if (cfg == NULL)
    return 2;
  ro.origin = conf;
  struct hr_err err = {0};
  char *text =
      grafana >= 0 ? grafana_render(cfg, (enum hr_grafana_kind)grafana, conf, &err) : rules_render(cfg, &ro, &err);
  config_free(cfg);
  if (text == NULL) {
    cli_error("%s", err.msg);
    return 2;
  }
  code = 0;
  FILE *f = cli_output_open(output);
  if (f == NULL) {
    code = 2;
  } else {
    fputs(text, f);
    if (cli_output_close(f, output) != 0)
      code = 2;
  }
  free(text);
  return code;
}
