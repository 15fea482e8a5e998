/* cmd_annotate.c -- headroom annotate: record a deploy, incident,
 * maintenance window or note on a service's timeline in the store
 * (engine/annotate.h). Exit 0 recorded, 2 error. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cmd.h"
#include "cli/common.h"
#include "core/timeparse.h"
#include "engine/annotate.h"
#include "core/jw.h"
#include "util/imath.h"

static const char usage_text[] =
    "usage: headroom annotate -c CONF --service S --kind deploy|incident|maintenance|note\n"
    "                         [--text TEXT] [--at T] [--until T] [--db FILE]\n"
    "                         [--format text|json]\n"
    "\n"
    "Add an event to a service's timeline in the store. report and gate show the\n"
    "budget spent since the last deploy; a maintenance window [--at, --until)\n"
    "excludes the events of every SLO of the service.\n"
    "\n"
    "  -c, --config CONF    OpenSLO file or directory (required)\n"
    "      --service S      the service (required; a Service or an SLO's spec.service)\n"
    "      --kind K         deploy, incident, maintenance or note (required)\n"
    "      --text TEXT      what happened (a version, a ticket, a reason)\n"
    "      --at T           when (RFC 3339); default: now\n"
    "      --until T        end of a maintenance window (required for maintenance)\n"
    "      --db FILE        the store (default: the configuration's headroom.db;\n"
    "                       created when absent)\n"
    "      --format F       text (default) or json: what was recorded\n"
    "\n"
    "Exit codes: 0 recorded, 2 error.\n";

/* annotate's own options. */
struct annotate_args {
  const char *service, *kind, *text;
  int has_until;
  int64_t until_us;
};

static int take(void *ctx, int val, const char *arg) {
  struct annotate_args *an = ctx;
  switch (val) {
  case 'S': an->service = arg; break;
  case 'k': an->kind = arg; break;
  case 't': an->text = arg; break;
  case 'u':
    if (cli_parse_time("--until", arg, &an->until_us) != 0)
      return -1;
    an->has_until = 1;
    break;
  }
  return 0;
}

int cmd_annotate(int argc, char **argv) {
  static const struct option opts[] = {{"service", required_argument, 0, 'S'},
                                       {"kind", required_argument, 0, 'k'},
                                       {"text", required_argument, 0, 't'},
                                       {"until", required_argument, 0, 'u'},
                                       {0, 0, 0, 0}};
  struct annotate_args an = {0};
  const struct cli_spec spec = {usage_text, CLI_CONFIG | CLI_AT | CLI_DB | CLI_FORMAT, opts, NULL, take, &an};
  struct cli_args ca;
  int code = cli_parse(argc, argv, &spec, &ca);
  if (code >= 0)
    return code;
  const char *conf = ca.conf, *service = an.service, *kind = an.kind, *text = an.text, *db = ca.in.db,
             *format = ca.format;
  int64_t at_us = ca.at_us, until_us = an.until_us;
  int has_at = ca.has_at, has_until = an.has_until;
  if (service == NULL || kind == NULL) {
    cli_error("annotate: %s is required", service == NULL ? "--service S" : "--kind K");
    fputs(usage_text, stderr);
    return 2;
  }
  if (ca.rest < argc) {
    cli_error("annotate: unexpected argument '%s' (quote a --text with spaces)", argv[ca.rest]);
    return 2;
  }
  if (!timeline_kind_ok(kind)) {
    cli_error("--kind: expected deploy, incident, maintenance or note, got '%s'", kind);
    return 2;
  }
  static const char *const formats[] = {"text", "json", NULL};
  if (cli_check_format(format, formats) != 0)
    return 2;
  struct hr_config *cfg = cli_load_config(conf);
  if (cfg == NULL)
    return 2;
  code = 2;
  if (db == NULL)
    db = cfg->db_path;
  int64_t now = floor_div(cli_now_us(), 1000000);
  struct hr_annotation a = {0};
  a.service = (char *)service;
  a.kind = (char *)kind;
  a.at_s = has_at ? floor_div(at_us, 1000000) : now;
  a.has_end = has_until;
  a.end_s = has_until ? floor_div(until_us, 1000000) : 0;
  a.text = (char *)text;
  a.created_s = now;
  struct hr_err err = {0};
  int64_t id = 0;
  if (engine_annotate(cfg, db, &a, &id, &err) != HR_OK) {
    cli_error("annotate: %s", err.msg);
    goto out;
  }
  char at[64], until[64];
  time_format_rfc3339(a.at_s * 1000000, at, sizeof at);
  time_format_rfc3339(a.end_s * 1000000, until, sizeof until);
  if (strcmp(format, "json") == 0) {
    struct hr_jw w;
    jw_init(&w, stdout, 1);
    jw_obj(&w, NULL);
    jw_int(&w, "id", id);
    jw_str(&w, "service", service);
    jw_str(&w, "kind", kind);
    jw_str(&w, "at", at);
    jw_str(&w, "until", a.has_end ? until : NULL);
    jw_str(&w, "text", text);
    jw_str(&w, "store", db);
    jw_obj_end(&w);
  } else {
    printf("recorded %s #%lld for %s at %s", kind, (long long)id, service, at);
    if (a.has_end)
      printf(" until %s", until);
    if (text != NULL)
      printf(": %s", text);
    printf(" (store %s)\n", db);
  }
  code = fflush(stdout) == 0 ? 0 : 2;
out:
  config_free(cfg);
  return code;
}
