/* cmd_gate.c -- headroom gate: may a change of a given risk ship to a
 * service now? The engine evaluates and decides (engine/gate.h), exactly as
 * for GET /api/v1/gate. Exit 0 allow, 1 deny, 2 error (docs/cli/gate.md). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cmd.h"
#include "cli/common.h"
#include "engine/gate.h"
#include "render/gate.h"

static const char usage_text[] = "usage: headroom gate -c CONF --service S [--risk fix|low|normal|high] [LOG...]\n"
                                 "                     [--at T] [--db FILE] [--store] [--format text|json]\n"
                                 "\n"
                                 "Release decision for a service: allow (exit 0) or deny (exit 1) a change of\n"
                                 "the given risk class, by the status of every SLO of the service and the\n"
                                 "policy table (default: green all changes; yellow fix and low; orange fix\n"
                                 "only; red, the latch included, fix only; no data, or data that is stale\n"
                                 "or unreadable, fix and low only: missing data is never good news).\n"
                                 "\n"
                                 "  -c, --config CONF    OpenSLO file or directory (required)\n"
                                 "      --service S      the service (spec.service of its SLOs; required)\n"
                                 "      --risk R         fix, low, normal (default) or high\n"
                                 "      --at T           evaluate as of T (RFC 3339); default: now for the store,\n"
                                 "                       just after the last event for logs\n"
                                 "      --format F       text (default) or json (the report's keys plus decision,\n"
                                 "                       reason, risk, service, deciding_slo, policy)\n"
                                 "      --source NAME    the DataSource the logs are read with\n"
                                 "      --db FILE        the store (default: the configuration's headroom.db)\n"
                                 "      --store          read the store as well as the logs named\n"
                                 "\n"
                                 "With no LOG, the store is read. The policy table comes from the Service's\n"
                                 "headroom.dev/gate-policy annotation when it has one.\n"
                                 "Exit codes: 0 allow, 1 deny, 2 error (unknown service, bad risk, config).\n";

/* gate's own options. */
struct gate_args {
  const char *service, *risk;
};

static int take(void *ctx, int val, const char *arg) {
  struct gate_args *g = ctx;
  switch (val) {
  case 'S': g->service = arg; break;
  case 'r': g->risk = arg; break;
  }
  return 0;
}

int cmd_gate(int argc, char **argv) {
  static const struct option opts[] = {
      {"service", required_argument, 0, 'S'}, {"risk", required_argument, 0, 'r'}, {0, 0, 0, 0}};
  static const char *const formats[] = {"text", "json", NULL};
  struct gate_args ga = {NULL, "normal"};
  const struct cli_spec spec = {usage_text, CLI_CONFIG | CLI_AT | CLI_FORMAT | CLI_INPUT, opts, NULL, take, &ga};
  struct cli_args a;
  int code = cli_parse(argc, argv, &spec, &a);
  if (code >= 0)
    return code;
  const char *conf = a.conf, *format = a.format, *service = ga.service, *risk_s = ga.risk;
  struct hr_eval_opts eo = {.read = cli_read_opts(&a)};
  if (service == NULL) {
    cli_error("gate: --service S is required");
    fputs(usage_text, stderr);
    return 2;
  }
  enum hr_risk risk;
  if (risk_parse(risk_s, &risk) != 0) {
    cli_error("--risk: expected fix, low, normal or high, got '%s'", risk_s);
    return 2;
  }
  if (cli_check_format(format, formats) != 0)
    return 2;
  struct hr_config *cfg = cli_load_config(conf);
  if (cfg == NULL)
    return 2;
  struct hr_report rep;
  struct hr_gate_result g;
  struct hr_err err = {0};
  if (engine_gate(cfg, &eo, service, risk, &rep, &g, &err) != HR_OK) {
    cli_error("gate: %s", err.msg);
    config_free(cfg);
    return 2;
  }
  cli_print_samples(&rep);
  if (cli_refuse_unreadable(&rep, "gate", "decision")) {
    gate_result_free(&g);
    report_free(&rep);
    config_free(cfg);
    return 2;
  }
  if (strcmp(format, "json") == 0)
    gate_json(stdout, &rep, service, &g);
  else
    gate_text(stdout, &rep, service, &g, cli_isatty(stdout));
  cli_print_errors(&rep);
  code = g.d.allow ? 0 : 1;
  if (fflush(stdout) != 0)
    code = 2;
  gate_result_free(&g);
  report_free(&rep);
  config_free(cfg);
  return code;
}
