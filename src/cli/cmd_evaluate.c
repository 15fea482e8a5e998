/* cmd_evaluate.c -- headroom evaluate: one alert-evaluation round over the
 * store (for cron); see docs/cli/evaluate.md. */
#include <stdio.h>
#include <string.h>

#include "cli/cmd.h"
#include "cli/common.h"
#include "core/grpkey.h"
#include "core/timeparse.h"
#include "engine/round.h"
#include "render/alerts.h"
#include "core/jw.h"
#include "util/imath.h"

static const char usage_text[] = "usage: headroom evaluate -c CONF [--db FILE] [--at T] [--send] [--format text|json]\n"
                                 "                         [--dashboard-url URL]\n"
                                 "\n"
                                 "One alert-evaluation round over the store (for cron): evaluates every alert\n"
                                 "condition of every SLO at the whole minute, steps the persisted states\n"
                                 "(pending, firing, resolved), records each transition and queues its\n"
                                 "notifications. Prints the alerts firing and pending and this round's\n"
                                 "transitions.\n"
                                 "\n"
                                 "  -c, --config CONF      OpenSLO file or directory (required)\n"
                                 "      --db FILE          the store (default: the configuration's headroom.db)\n"
                                 "      --at T             evaluate as of T (RFC 3339, rounded down to the minute);\n"
                                 "                         default: now\n"
                                 "      --send             deliver the queued notifications that are due\n"
                                 "      --format F         text (default) or json\n"
                                 "      --dashboard-url U  link put in the notifications\n"
                                 "\n"
                                 "Exit codes: 0 ok (whether or not alerts fire), 2 error.\n";

static void tfmt(int64_t s, char *buf, size_t n) {
  time_format_rfc3339(s * 1000000, buf, n);
}

static void print_json(const struct hr_round_stats *rs, int64_t at_us, const struct hr_alert_view *v,
                       const struct hr_deliver_stats *ds) {
  struct hr_jw w;
  jw_init(&w, stdout, 1);
  jw_obj(&w, NULL);
  jw_time(&w, "at", at_us);
  jw_int(&w, "slos", rs->slos);
  jw_int(&w, "conditions", rs->conditions);
  jw_int(&w, "firing", rs->firing);
  jw_int(&w, "pending", rs->pending);
  jw_arr(&w, "alerts");
  for (size_t i = 0; i < v->nrows; i++)
    alert_row_json(&w, &v->rows[i]);
  jw_arr_end(&w);
  jw_arr(&w, "transitions");
  for (size_t i = 0; i < v->nevents; i++)
    alert_event_json(&w, &v->events[i]);
  jw_arr_end(&w);
  if (ds != NULL) {
    jw_obj(&w, "delivery");
    jw_int(&w, "sent", ds->sent);
    jw_int(&w, "failed", ds->failed);
    jw_int(&w, "pending", ds->pending);
    jw_obj_end(&w);
  }
  jw_obj_end(&w);
}

/* An alert's SLO, and its group's labels when it is a group's:
 * "checkout path=/pay". */
static const char *who(const char *slo, const char *labels, char *buf, size_t n) {
  char lt[512];
  grp_labels_text(labels, lt, sizeof lt);
  snprintf(buf, n, "%s%s%s", slo, lt[0] ? " " : "", lt);
  return buf;
}

static void print_text(const struct hr_round_stats *rs, int64_t at_us, const struct hr_alert_view *v,
                       const struct hr_deliver_stats *ds) {
  char t[40], t2[40], w[640];
  time_format_rfc3339(at_us, t, sizeof t);
  printf("evaluate at %s: %d SLOs, %d conditions; %d firing, %d pending; this round: %d fired, %d resolved\n", t,
         rs->slos, rs->conditions, rs->firing, rs->pending, rs->fired, rs->resolved);
  for (int pass = 0; pass < 2; pass++) {
    enum hr_alert_state want = pass == 0 ? HR_AL_FIRING : HR_AL_PENDING;
    int any = 0;
    for (size_t i = 0; i < v->nrows; i++) {
      const struct hr_alert_row *r = &v->rows[i];
      if (r->a.state != want)
        continue;
      if (!any)
        printf("\n%s:\n", pass == 0 ? "firing" : "pending");
      any = 1;
      tfmt(r->a.since_us / 1000000, t2, sizeof t2);
      printf("  %-28s %-24s %-8s since %s  value %.4g\n", who(r->slo, r->labels, w, sizeof w), r->condition,
             r->severity, t2, r->value);
    }
  }
  if (v->nevents > 0) {
    printf("\ntransitions:\n");
    for (size_t i = 0; i < v->nevents; i++) {
      const struct hr_alert_event *e = &v->events[i];
      tfmt(e->at_s, t2, sizeof t2);
      printf("  %s  %-8s %-28s %-24s %-8s %s\n", t2, e->kind == HR_TR_RESOLVED ? "resolved" : "firing",
             who(e->slo, e->labels, w, sizeof w), e->condition, e->severity, e->summary ? e->summary : "");
    }
  }
  if (ds != NULL)
    printf("\ndelivery: %d sent, %d failed (retried later), %d still queued\n", ds->sent, ds->failed, ds->pending);
}

/* evaluate's own options. */
struct evaluate_args {
  int send;
  const char *url;
};

static int take(void *ctx, int val, const char *arg) {
  struct evaluate_args *e = ctx;
  switch (val) {
  case 'S': e->send = 1; break;
  case 'u': e->url = arg; break;
  }
  return 0;
}

int cmd_evaluate(int argc, char **argv) {
  static const struct option opts[] = {
      {"send", no_argument, 0, 'S'}, {"dashboard-url", required_argument, 0, 'u'}, {0, 0, 0, 0}};
  struct evaluate_args ea = {0, NULL};
  const struct cli_spec spec = {usage_text, CLI_CONFIG | CLI_DB | CLI_AT | CLI_FORMAT, opts, NULL, take, &ea};
  struct cli_args a;
  int code = cli_parse(argc, argv, &spec, &a);
  if (code >= 0)
    return code;
  const char *conf = a.conf, *db = a.in.db, *format = a.format, *url = ea.url;
  int64_t at_us = a.at_us;
  int has_at = a.has_at, send = ea.send;
  if (a.rest < argc) {
    cli_error("evaluate: reads the store only; no LOG arguments");
    fputs(usage_text, stderr);
    return 2;
  }
  static const char *const formats[] = {"text", "json", NULL};
  if (cli_check_format(format, formats) != 0)
    return 2;
  if (!has_at)
    at_us = cli_now_us(); /* tests pass --at */
  at_us = floor_div(at_us, 60000000) * 60000000;
  struct hr_config *cfg = cli_load_config(conf);
  if (cfg == NULL)
    return 2;
  struct hr_err err = {0};
  struct hr_evaluation ev;
  code = 0;
  if (engine_evaluate(cfg, db ? db : cfg->db_path, at_us, send, url, &ev, &err) != HR_OK) {
    cli_error("%s", err.msg);
    code = 2;
  } else if (strcmp(format, "json") == 0) {
    print_json(&ev.round, at_us, &ev.view, send ? &ev.delivery : NULL);
  } else {
    print_text(&ev.round, at_us, &ev.view, send ? &ev.delivery : NULL);
  }
  if (code == 0 && fflush(stdout) != 0)
    code = 2;
  alert_view_free(&ev.view);
  config_free(cfg);
  return code;
}
