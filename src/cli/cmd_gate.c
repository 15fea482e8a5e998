/* cmd_gate.c -- headroom gate: may a change of a given risk ship to a
 * service now? Evaluates the service's SLOs exactly as report does
 * (status_compute) and decides by the policy table (core/gate.h).
 * Exit 0 allow, 1 deny, 2 error (SPEC §4). */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cmd.h"
#include "cli/common.h"
#include "core/gate.h"
#include "out/jw.h"
#include "out/report.h"
#include "util/xmalloc.h"

static const char usage_text[] = "usage: headroom gate -c CONF --service S [--risk fix|low|normal|high] [LOG...]\n"
                                 "                     [--at T] [--db FILE] [--store] [--format text|json]\n"
                                 "\n"
                                 "Release decision for a service: allow (exit 0) or deny (exit 1) a change of\n"
                                 "the given risk class, by the status of every SLO of the service and the\n"
                                 "policy table (default: green all changes; yellow fix and low; orange fix\n"
                                 "only; red, the latch included, fix only; no data does not block).\n"
                                 "\n"
                                 "  -c, --config CONF    OpenSLO file or directory (required)\n"
                                 "      --service S      the service (spec.service of its SLOs; required)\n"
                                 "      --risk R         fix, low, normal (default) or high\n"
                                 "      --at T           evaluate as of T (RFC 3339); default: just after the last\n"
                                 "                       event read, its minute rounded up\n"
                                 "      --format F       text (default) or json (the report's keys plus decision,\n"
                                 "                       reason, risk, service, deciding_slo, policy)\n"
                                 "      --source NAME    the DataSource the logs are read with\n"
                                 "      --db FILE        the store (default: the configuration's headroom.db)\n"
                                 "      --store          read the store as well as the logs named\n"
                                 "\n"
                                 "With no LOG, the store is read. The policy table comes from the Service's\n"
                                 "headroom.dev/gate-policy annotation when it has one.\n"
                                 "Exit codes: 0 allow, 1 deny, 2 error (unknown service, bad risk, config).\n";

/* The services named anywhere (SLOs and Service documents), for the error. */
static void known_services(const struct hr_config *cfg, char *buf, size_t n) {
  size_t len = 0;
  buf[0] = '\0';
  for (size_t j = 0; j < cfg->nslos; j++) {
    const char *s = cfg->slos[j].service;
    int dup = 0;
    for (size_t k = 0; k < j && !dup; k++)
      dup = cfg->slos[k].service && s && strcmp(cfg->slos[k].service, s) == 0;
    if (s == NULL || dup || len >= n)
      continue;
    int w = snprintf(buf + len, n - len, "%s%s", len ? ", " : "", s);
    if (w > 0)
      len += (size_t)w;
  }
}

static void json_out(const struct hr_report *rep, const char *service, enum hr_risk risk,
                     const struct hr_gate_policy *pol, const struct hr_gate_decision *d) {
  struct hr_jw w;
  jw_init(&w, stdout, 1);
  jw_obj(&w, NULL);
  report_json_members(&w, rep);
  jw_str(&w, "service", service);
  jw_str(&w, "risk", risk_name(risk));
  jw_str(&w, "decision", d->allow ? "allow" : "deny");
  jw_str(&w, "reason", d->reason);
  jw_str(&w, "deciding_slo", d->deciding >= 0 ? rep->slos[d->deciding].slo->name : NULL);
  jw_obj(&w, "policy");
  static const enum hr_status order[] = {HR_ST_GREEN, HR_ST_YELLOW, HR_ST_ORANGE, HR_ST_RED, HR_ST_NODATA};
  for (size_t i = 0; i < sizeof order / sizeof order[0]; i++) {
    jw_arr(&w, status_name(order[i]));
    for (int r = 0; r < HR_NRISKS; r++)
      if (pol->allow[order[i]] & (1u << r))
        jw_str(&w, NULL, risk_name((enum hr_risk)r));
    jw_arr_end(&w);
  }
  jw_obj_end(&w);
  jw_obj_end(&w);
}

int cmd_gate(int argc, char **argv) {
  static const struct option opts[] = {{"config", required_argument, 0, 'c'}, {"service", required_argument, 0, 'S'},
                                       {"risk", required_argument, 0, 'r'},   {"at", required_argument, 0, 'a'},
                                       {"format", required_argument, 0, 'f'}, {"source", required_argument, 0, 's'},
                                       {"db", required_argument, 0, 'd'},     {"store", no_argument, 0, 'T'},
                                       {"help", no_argument, 0, 'h'},         {0, 0, 0, 0}};
  const char *conf = NULL, *format = "text", *service = NULL, *risk_s = "normal";
  struct hr_status_opts so = {0};
  so.threads = 1;
  int c;
  optind = 1;
  while ((c = getopt_long(argc, argv, "c:h", opts, NULL)) != -1) {
    switch (c) {
    case 'c': conf = optarg; break;
    case 'S': service = optarg; break;
    case 'r': risk_s = optarg; break;
    case 'a':
      if (cli_parse_time("--at", optarg, &so.at_us) != 0)
        return 2;
      so.has_at = 1;
      break;
    case 'f': format = optarg; break;
    case 's': so.source = optarg; break;
    case 'd': so.db = optarg; break;
    case 'T': so.store = 1; break;
    case 'h': fputs(usage_text, stdout); return 0;
    default: fputs(usage_text, stderr); return 2;
    }
  }
  if (conf == NULL || service == NULL) {
    cli_error("gate: %s is required", conf == NULL ? "-c CONF" : "--service S");
    fputs(usage_text, stderr);
    return 2;
  }
  enum hr_risk risk;
  if (risk_parse(risk_s, &risk) != 0) {
    cli_error("--risk: expected fix, low, normal or high, got '%s'", risk_s);
    return 2;
  }
  if (strcmp(format, "text") != 0 && strcmp(format, "json") != 0) {
    cli_error("--format: expected text or json, got '%s'", format);
    return 2;
  }
  so.logs = argv + optind;
  so.nlogs = (size_t)(argc - optind);
  struct hr_config *cfg = cli_load_config(conf);
  if (cfg == NULL)
    return 2;

  /* The service and its policy. */
  size_t nsvc = 0;
  for (size_t j = 0; j < cfg->nslos; j++)
    nsvc += cfg->slos[j].service != NULL && strcmp(cfg->slos[j].service, service) == 0;
  if (nsvc == 0) {
    int declared = 0;
    for (size_t i = 0; i < cfg->nservices; i++)
      declared |= strcmp(cfg->services[i].name, service) == 0;
    char names[512];
    known_services(cfg, names, sizeof names);
    if (declared)
      cli_error("gate: service '%s' has no SLOs: nothing to decide by (services with SLOs: %s)", service,
                names[0] ? names : "none");
    else
      cli_error("gate: unknown service '%s' (services with SLOs: %s)", service, names[0] ? names : "none");
    config_free(cfg);
    return 2;
  }
  struct hr_gate_policy pol;
  gate_policy_default(&pol);
  for (size_t i = 0; i < cfg->nservices; i++) {
    char msg[200];
    if (strcmp(cfg->services[i].name, service) == 0 && cfg->services[i].gate_policy != NULL &&
        gate_policy_parse(cfg->services[i].gate_policy, strlen(cfg->services[i].gate_policy), &pol, msg, sizeof msg) !=
            0) {
      cli_error("gate: service %s: headroom.dev/gate-policy: %s", service, msg); /* config_load checked it */
      config_free(cfg);
      return 2;
    }
  }

  struct hr_report rep;
  struct hr_err err = {0};
  if (status_compute(cfg, &so, &rep, &err) != HR_OK) {
    cli_error("%s", err.msg);
    config_free(cfg);
    return 2;
  }
  /* The report limited to the service: its SLOs, in configuration order. */
  struct hr_report_slo *all = rep.slos;
  size_t nall = rep.nslos;
  struct hr_report_slo *mine = xcalloc(nsvc, sizeof *mine);
  struct hr_gate_slo *g = xcalloc(nsvc, sizeof *g);
  size_t k = 0;
  for (size_t j = 0; j < nall; j++)
    if (all[j].slo->service != NULL && strcmp(all[j].slo->service, service) == 0)
      mine[k++] = all[j];
  for (size_t j = 0; j < k; j++) {
    g[j].slo = mine[j].slo;
    g[j].st = &mine[j].st;
  }
  struct hr_gate_decision d;
  gate_decide(&pol, service, risk, g, k, &d);
  rep.slos = mine;
  rep.nslos = k;
  if (strcmp(format, "json") == 0) {
    json_out(&rep, service, risk, &pol, &d);
  } else {
    printf("%s: %s change to %s\n%s.\n\n", d.allow ? "ALLOW" : "DENY", risk_name(risk), service, d.reason);
    report_text(stdout, &rep, cli_isatty(stdout));
  }
  for (size_t i = 0; i < rep.nerrors; i++)
    cli_error("%s", rep.errors[i]);
  int code = d.allow ? 0 : 1;
  if (fflush(stdout) != 0)
    code = 2;
  rep.slos = all; /* report_free() frees the whole array (deploy texts included) */
  rep.nslos = nall;
  report_free(&rep);
  free(mine);
  free(g);
  config_free(cfg);
  return code;
}
