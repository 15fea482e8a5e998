/* cmd_suggest.c -- headroom suggest: targets and latency thresholds that
 * history supports (engine/suggest.h); see docs/cli/suggest.md. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cmd.h"
#include "cli/common.h"
#include "engine/suggest.h"
#include "render/suggest.h"

static const char usage_text[] = "usage: headroom suggest -c CONF [LOG...] [--slo NAME] [--at T] [--confidence C]\n"
                                 "                        [--format text|json] [--source NAME] [--db FILE] [--store]\n"
                                 "\n"
                                 "For each SLO, the SLIs it achieved over every window of its length ending at a\n"
                                 "midnight of its history, the share of those windows each target (90% to 99.99%,\n"
                                 "and the current one) would have met with its error budget as time, the tightest\n"
                                 "target met in at least C of them, and for latency SLOs the p50/p95/p99 of the\n"
                                 "durations and the threshold history met at each share.\n"
                                 "\n"
                                 "  -c, --config CONF   OpenSLO file or directory (required)\n"
                                 "      --slo NAME      only this SLO\n"
                                 "      --at T          the end of the history (RFC 3339); default: now for the\n"
                                 "                      store, just after the last event for logs\n"
                                 "      --confidence C  share of windows a suggested target must have met, in\n"
                                 "                      (0, 1] (default 0.9)\n"
                                 "      --format F      text (default) or json (docs/cli/suggest.md)\n"
                                 "      --source NAME   the DataSource the logs are read with\n"
                                 "      --db FILE       the store (default: the configuration's headroom.db)\n"
                                 "      --store         read the store as well as the logs named\n"
                                 "\n"
                                 "With no LOG, the store is read; logs named are read whole (their latest 100\n"
                                 "days).\n"
                                 "Exit codes: 0 ok, 2 error.\n";

static int parse_confidence(const char *s, double *out) {
  char *end;
  double x = strtod(s, &end);
  if (*s == '\0' || *end != '\0' || !(x > 0 && x <= 1)) {
    cli_error("--confidence: expected a share in (0, 1] such as 0.9, got '%s'", s);
    return -1;
  }
  *out = x;
  return 0;
}

static int take(void *ctx, int val, const char *arg) {
  struct hr_suggest_opts *so = ctx;
  switch (val) {
  case 'n': so->slo = arg; break;
  case 'C': return parse_confidence(arg, &so->confidence);
  }
  return 0;
}

int cmd_suggest(int argc, char **argv) {
  static const struct option opts[] = {
      {"slo", required_argument, 0, 'n'}, {"confidence", required_argument, 0, 'C'}, {0, 0, 0, 0}};
  static const char *const formats[] = {"text", "json", NULL};
  struct hr_suggest_opts so = {0};
  const struct cli_spec spec = {usage_text, CLI_CONFIG | CLI_AT | CLI_FORMAT | CLI_INPUT, opts, NULL, take, &so};
  struct cli_args a;
  int code = cli_parse(argc, argv, &spec, &a);
  if (code >= 0)
    return code;
  const char *conf = a.conf, *format = a.format;
  so.read = cli_read_opts(&a);
  if (cli_check_format(format, formats) != 0)
    return 2;
  struct hr_config *cfg = cli_load_config(conf);
  if (cfg == NULL)
    return 2;
  struct hr_suggest s;
  struct hr_err err = {0};
  code = 0;
  if (engine_suggest(cfg, &so, &s, &err) != HR_OK) {
    cli_error("%s", err.msg);
    config_free(cfg);
    return 2;
  }
  cli_print_samples(&s.rd);
  if (strcmp(format, "json") == 0)
    suggest_json(stdout, &s);
  else
    suggest_text(stdout, &s);
  cli_print_errors(&s.rd);
  if (cli_unreadable_exit(&s.rd) != 0) /* a suggestion from part of the logs must not pass for one from all */
    code = 2;
  if (fflush(stdout) != 0)
    code = 2;
  suggest_free(&s);
  config_free(cfg);
  return code;
}
