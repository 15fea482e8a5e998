/* cmd_backtest.c -- headroom backtest: replay alert conditions over the
 * history in log files at every whole minute; see docs/cli/backtest.md.
 *
 * The logs are read once into per-SLO minute rings large enough for the whole
 * replay; slo_replay_new() turns each ring into prefix sums, so every minute
 * costs O(lookbacks) per SLO and the conditions and their state machine
 * (alert.h) run exactly as in `evaluate`, without a store. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli/cmd.h"
#include "cli/common.h"
#include "core/alert.h"
#include "core/exclude.h"
#include "core/slo_eval.h"
#include "core/timeparse.h"
#include "core/tz.h"
#include "ingest/pipeline.h"
#include "ingest/reader.h"
#include "out/jw.h"
#include "prom/prom.h"
#include "util/imath.h"
#include "util/xmalloc.h"

#define MINUTE_US INT64_C(60000000)
#define DAY_US (1440 * MINUTE_US)
#define DEFAULT_HISTORY_US (93 * DAY_US) /* replayable without --from/--to */
#define MAX_CONDS 256

static const char usage_text[] =
    "usage: headroom backtest -c CONF [LOG...] [--from T] [--to T] [--policy FILE]\n"
    "                         [--format text|json] [--source NAME]\n"
    "\n"
    "Replays the alert conditions of every SLO (its policies, or the defaults) over\n"
    "the history in the logs, at every whole minute, and prints every alert that\n"
    "would have fired, with pages, tickets and minutes firing per SLO.\n"
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

static void sink(void *ctx, size_t j, int64_t ts, int good) {
  series_add(&((struct hr_series *)ctx)[j], ts, (uint32_t)good, 1);
}

/* Read every log into the rings (one reading thread: the rings are sized for
 * the replay). Malformed lines: the first few printed as file:line: reason. A
 * read error after which the lines before it stay counted is a warning. */
static enum hr_rc read_all(const struct hr_config *cfg, char **logs, size_t nlogs, const char *source, int64_t at_us,
                           struct hr_series *series, struct hr_scan_stats *stats, struct hr_err *err) {
  struct hr_pipeline *p = NULL;
  scan_stats_init(stats);
  enum hr_rc rc = pipeline_new(cfg, &p, err);
  for (size_t i = 0; i < nlogs && rc == HR_OK; i++) {
    int si = pipeline_source_for(p, logs[i], source, err);
    if (si < 0) {
      rc = HR_ERR_USAGE;
      break;
    }
    struct hr_reader *r = NULL;
    if ((rc = reader_open(logs[i], &r, err)) != HR_OK)
      break;
    struct hr_scan_stats one;
    struct hr_err e = {0};
    scan_stats_init(&one);
    if (scan_reader(p, (size_t)si, r, at_us, sink, series, 0, NULL, &one, &e) != HR_OK)
      cli_error("%s; the lines before it are counted", e.msg);
    for (size_t k = 0; k < one.nsamples && stats->nsamples + k < HR_SAMPLES; k++)
      fprintf(stderr, "%s:%lld: %s\n", logs[i], (long long)one.samples[k].line, format_reason(one.samples[k].reason));
    scan_stats_merge(stats, &one, 0);
    reader_close(r);
  }
  pipeline_free(p);
  return rc;
}

struct fired {
  size_t slo, cond;
  const struct hr_condition *c;
  int64_t fired_at, resolved_at; /* INT64_MIN: still firing */
};

struct set_result {
  struct fired *alerts;
  size_t n, cap;
  int64_t *pages, *tickets, *minutes; /* per SLO */
};

struct set {
  const char *label; /* "configuration" or "policy" */
  const struct hr_condition **conds; /* policy set: the same for every SLO */
  size_t nconds;
  struct set_result r;
};

static void add_lookback(struct hr_slo *s, int64_t us) {
  if (us <= 0)
    return;
  for (size_t i = 0; i < s->nlookbacks; i++)
    if (s->lookbacks_us[i] == us)
      return;
  if (s->nlookbacks == HR_MAX_LOOKBACKS)
    return; /* alert_cond_eval() then computes that burn from the series */
  size_t i = s->nlookbacks++;
  while (i > 0 && s->lookbacks_us[i - 1] > us) {
    s->lookbacks_us[i] = s->lookbacks_us[i - 1];
    i--;
  }
  s->lookbacks_us[i] = us;
}

/* Step the conditions of one set for one SLO at minute t. */
static void step_set(struct set_result *r, size_t j, const struct hr_slo *slo, const struct hr_series *s,
                     const struct hr_condition **conds, size_t nc, const struct hr_slo_state *st, int64_t t,
                     struct hr_alert *al, size_t *open) {
  int any = 0;
  for (size_t i = 0; i < nc; i++) {
    struct hr_cond_result res;
    alert_cond_eval(slo, conds[i], s, st, t, &res);
    enum hr_transition tr = alert_step(&al[i], res.active, t, conds[i]->alert_after_us);
    if (tr == HR_TR_FIRING) {
      if (r->n == r->cap) {
        r->cap = r->cap ? 2 * r->cap : 64;
        r->alerts = xrealloc(r->alerts, r->cap * sizeof *r->alerts);
      }
      open[i] = r->n;
      r->alerts[r->n++] = (struct fired){j, i, conds[i], t, INT64_MIN};
      if (conds[i]->severity && strcmp(conds[i]->severity, "page") == 0)
        r->pages[j]++;
      else if (conds[i]->severity && strcmp(conds[i]->severity, "ticket") == 0)
        r->tickets[j]++;
    } else if (tr == HR_TR_RESOLVED) {
      r->alerts[open[i]].resolved_at = t;
    }
    any |= al[i].state == HR_AL_FIRING;
  }
  r->minutes[j] += any;
}

static int cmp_fired(const void *a, const void *b) {
  const struct fired *x = a, *y = b;
  if (x->fired_at != y->fired_at)
    return x->fired_at < y->fired_at ? -1 : 1;
  if (x->slo != y->slo)
    return x->slo < y->slo ? -1 : 1;
  return x->cond < y->cond ? -1 : x->cond > y->cond;
}

static void json_set(struct hr_jw *w, const struct hr_config *cfg, const struct set *set) {
  jw_arr(w, "alerts");
  for (size_t i = 0; i < set->r.n; i++) {
    const struct fired *f = &set->r.alerts[i];
    jw_obj(w, NULL);
    jw_str(w, "slo", cfg->slos[f->slo].name);
    jw_str(w, "condition", f->c->name);
    jw_str(w, "severity", f->c->severity);
    jw_time(w, "fired_at", f->fired_at);
    jw_time(w, "resolved_at", f->resolved_at);
    jw_obj_end(w);
  }
  jw_arr_end(w);
  jw_arr(w, "summary");
  for (size_t j = 0; j < cfg->nslos; j++) {
    jw_obj(w, NULL);
    jw_str(w, "slo", cfg->slos[j].name);
    jw_int(w, "pages", set->r.pages[j]);
    jw_int(w, "tickets", set->r.tickets[j]);
    jw_int(w, "minutes_firing", set->r.minutes[j]);
    jw_obj_end(w);
  }
  jw_arr_end(w);
}

static void text_set(const struct hr_config *cfg, const struct set *set) {
  char a[40], b[40];
  printf("\nalerts (%s): %zu\n", set->label, set->r.n);
  for (size_t i = 0; i < set->r.n; i++) {
    const struct fired *f = &set->r.alerts[i];
    time_format_rfc3339(f->fired_at, a, sizeof a);
    if (f->resolved_at == INT64_MIN)
      snprintf(b, sizeof b, "still firing");
    else
      time_format_rfc3339(f->resolved_at, b, sizeof b);
    printf("  %s .. %-20s  %-28s %-24s %s\n", a, b, cfg->slos[f->slo].name, f->c->name, f->c->severity);
  }
  printf("\nsummary (%s):\n  %-28s %6s %8s %15s\n", set->label, "slo", "pages", "tickets", "minutes firing");
  for (size_t j = 0; j < cfg->nslos; j++)
    printf("  %-28s %6lld %8lld %15lld\n", cfg->slos[j].name, (long long)set->r.pages[j],
           (long long)set->r.tickets[j], (long long)set->r.minutes[j]);
}

static double now_s(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts); /* measures the replay only; no figure depends on it */
  return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int cmd_backtest(int argc, char **argv) {
  static const struct option opts[] = {{"config", required_argument, 0, 'c'}, {"from", required_argument, 0, 'F'},
                                       {"to", required_argument, 0, 'T'},     {"policy", required_argument, 0, 'p'},
                                       {"format", required_argument, 0, 'f'}, {"source", required_argument, 0, 's'},
                                       {"help", no_argument, 0, 'h'},         {0, 0, 0, 0}};
  const char *conf = NULL, *format = "text", *policy = NULL;
  struct hr_status_opts so = {0};
  so.threads = 1;
  int64_t from_us = 0, to_us = 0;
  int has_from = 0, has_to = 0, c;
  optind = 1;
  while ((c = getopt_long(argc, argv, "c:h", opts, NULL)) != -1) {
    switch (c) {
    case 'c': conf = optarg; break;
    case 'F':
      if (cli_parse_time("--from", optarg, &from_us) != 0)
        return 2;
      has_from = 1;
      break;
    case 'T':
      if (cli_parse_time("--to", optarg, &to_us) != 0)
        return 2;
      has_to = 1;
      break;
    case 'p': policy = optarg; break;
    case 'f': format = optarg; break;
    case 's': so.source = optarg; break;
    case 'h': fputs(usage_text, stdout); return 0;
    default: fputs(usage_text, stderr); return 2;
    }
  }
  so.logs = argv + optind;
  so.nlogs = (size_t)(argc - optind);
  if (conf == NULL || (so.nlogs == 0 && !(has_from && has_to))) {
    cli_error(conf == NULL ? "backtest: -c CONF is required"
                           : "backtest: name at least one LOG file (or --from and --to to replay Prometheus sources)");
    fputs(usage_text, stderr);
    return 2;
  }
  if (strcmp(format, "text") != 0 && strcmp(format, "json") != 0) {
    cli_error("--format: expected text or json, got '%s'", format);
    return 2;
  }
  if (has_from)
    from_us = floor_div(from_us, MINUTE_US) * MINUTE_US;
  if (has_to)
    to_us = floor_div(to_us, MINUTE_US) * MINUTE_US;
  if (has_from && has_to && to_us < from_us) {
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
  /* The policy set: every condition of every policy of FILE. */
  struct set sets[2] = {{.label = "configuration"}, {.label = "policy"}};
  size_t nsets = pcfg ? 2 : 1;
  if (pcfg) {
    for (size_t p = 0; p < pcfg->npolicies; p++)
      sets[1].nconds += pcfg->policies[p].nconds;
    if (sets[1].nconds == 0) {
      cli_error("%s: no AlertPolicy with conditions", policy);
      config_free(pcfg);
      config_free(cfg);
      return 2;
    }
    sets[1].conds = xcalloc(sets[1].nconds, sizeof *sets[1].conds);
    size_t k = 0;
    for (size_t p = 0; p < pcfg->npolicies; p++)
      for (size_t i = 0; i < pcfg->policies[p].nconds; i++)
        sets[1].conds[k++] = &pcfg->policies[p].conds[i];
  }
  size_t ns = cfg->nslos ? cfg->nslos : 1;
  /* Each SLO with the policy set's lookbacks too, so the replay computes them. */
  struct hr_slo *slos = xcalloc(ns, sizeof *slos);
  struct hr_series *series = xcalloc(ns, sizeof *series);
  int64_t history = has_from && has_to ? to_us - from_us + MINUTE_US : DEFAULT_HISTORY_US;
  for (size_t j = 0; j < cfg->nslos; j++) {
    slos[j] = cfg->slos[j];
    for (size_t i = 0; i < sets[1].nconds; i++) {
      add_lookback(&slos[j], sets[1].conds[i]->long_us);
      add_lookback(&slos[j], sets[1].conds[i]->short_us);
    }
    series_init(&series[j], MINUTE_US, 0, slo_eval_span(&slos[j], MINUTE_US) + (size_t)(history / MINUTE_US));
  }
  for (size_t k = 0; k < nsets; k++) {
    sets[k].r.pages = xcalloc(ns, sizeof(int64_t));
    sets[k].r.tickets = xcalloc(ns, sizeof(int64_t));
    sets[k].r.minutes = xcalloc(ns, sizeof(int64_t));
  }
  struct hr_scan_stats stats;
  struct hr_err err = {0};
  int code = 0;
  double t0 = now_s();
  enum hr_rc rc = read_all(cfg, so.logs, so.nlogs, so.source, has_to ? to_us : INT64_MAX, series, &stats, &err);
  double t1 = now_s();
  if (rc != HR_OK) {
    cli_error("%s", err.msg);
    code = 2;
    goto done;
  }
  if (!has_from || !has_to) {
    if (stats.events == 0 || stats.min_ts_us == INT64_MAX) {
      cli_error("backtest: no events in the logs named; nothing to replay");
      code = 2;
      goto done;
    }
    if (!has_from)
      from_us = floor_div(stats.min_ts_us, MINUTE_US) * MINUTE_US;
    if (!has_to)
      to_us = (floor_div(stats.max_ts_us, MINUTE_US) + 1) * MINUTE_US;
    if (to_us < from_us)
      to_us = from_us;
  }
  /* SLOs on a prometheus DataSource: their minutes come from its range
   * queries over everything the replay needs, ending at --to. */
  for (size_t j = 0; j < cfg->nslos; j++) {
    if (!prom_slo_is_prom(&cfg->slos[j]))
      continue;
    int nodata = 0;
    char *note = NULL;
    if (prom_slo_series(&slos[j], to_us, &series[j], &nodata, &note, &err) != HR_OK) {
      cli_error("%s", err.msg);
      free(note);
      code = 2;
      goto done;
    }
    if (note != NULL)
      cli_error("warning: %s", note);
    free(note);
  }
  /* The replay starts no earlier than the rings still hold what it needs
   * (logs longer than the default history without --from/--to). */
  for (size_t j = 0; j < cfg->nslos; j++) {
    const struct hr_series *s = &series[j];
    if (s->head == INT64_MIN)
      continue;
    int64_t held = series_start(s, s->head - (int64_t)s->cap + 1);
    int64_t need = held + (int64_t)slo_eval_span(&slos[j], MINUTE_US) * MINUTE_US;
    if ((s->dropped > 0 || stats.min_ts_us < held) && from_us < need) {
      char b[40];
      from_us = need;
      cli_error("warning: the logs span more than the replay holds; replaying from %s (use --from and --to)",
                time_format_rfc3339(from_us, b, sizeof b));
    }
  }
  if (to_us < from_us)
    to_us = from_us;
  size_t nmin = (size_t)((to_us - from_us) / MINUTE_US) + 1;
  struct hr_alert *al = xcalloc(2 * MAX_CONDS, sizeof *al);
  size_t *open = xcalloc(2 * MAX_CONDS, sizeof *open);
  for (size_t j = 0; j < cfg->nslos && code == 0; j++) {
    const struct hr_slo *slo = &slos[j];
    struct hr_tz *tz = NULL;
    struct hr_excluder *ex = NULL;
    struct hr_err e = {0};
    if (slo->window.kind == HR_WIN_CALENDAR && tz_load(slo->window.tz ? slo->window.tz : "UTC", &tz, &e) != HR_OK) {
      cli_error("SLO %s: %s", slo->name, e.msg);
      code = 2;
      break;
    }
    if (slo->nexcl > 0 && excluder_new(slo->excl, slo->nexcl, &ex, &e) != HR_OK) {
      cli_error("SLO %s: exclusions: %s", slo->name, e.msg);
      tz_free(tz);
      code = 2;
      break;
    }
    const struct hr_condition *conds[2][MAX_CONDS];
    size_t nc[2];
    nc[0] = alert_conditions(&cfg->slos[j], conds[0], MAX_CONDS);
    nc[1] = sets[1].nconds;
    for (size_t i = 0; i < nc[1] && i < MAX_CONDS; i++)
      conds[1][i] = sets[1].conds[i];
    for (size_t k = 0; k < 2; k++) {
      if (nc[k] > MAX_CONDS)
        nc[k] = MAX_CONDS;
      for (size_t i = 0; i < nc[k]; i++) {
        memset(&al[k * MAX_CONDS + i], 0, sizeof *al);
        al[k * MAX_CONDS + i].fired_at_us = al[k * MAX_CONDS + i].resolved_at_us = INT64_MIN;
      }
    }
    struct hr_slo_replay *r = slo_replay_new(slo, tz, &series[j], ex, from_us, to_us);
    struct hr_slo_state state;
    for (size_t m = 0; m < nmin; m++) {
      int64_t t = from_us + (int64_t)m * MINUTE_US;
      slo_replay_at(r, t, &state);
      for (size_t k = 0; k < nsets; k++)
        step_set(&sets[k].r, j, slo, &series[j], conds[k], nc[k], &state, t, &al[k * MAX_CONDS],
                 &open[k * MAX_CONDS]);
    }
    slo_replay_free(r);
    excluder_free(ex);
    tz_free(tz);
  }
  double t2 = now_s();
  free(al);
  free(open);
  if (code != 0)
    goto done;
  for (size_t k = 0; k < nsets; k++)
    qsort(sets[k].r.alerts, sets[k].r.n, sizeof *sets[k].r.alerts, cmp_fired);
  if (strcmp(format, "json") == 0) {
    struct hr_jw w;
    jw_init(&w, stdout, 1);
    jw_obj(&w, NULL);
    jw_time(&w, "from", from_us);
    jw_time(&w, "to", to_us);
    jw_uint(&w, "minutes", nmin);
    jw_uint(&w, "lines_read", stats.lines);
    jw_uint(&w, "lines_malformed", stats.malformed);
    json_set(&w, cfg, &sets[0]);
    if (nsets > 1) {
      jw_obj(&w, "policy");
      jw_str(&w, "file", policy);
      json_set(&w, cfg, &sets[1]);
      jw_obj_end(&w);
    }
    jw_obj_end(&w);
    fputc('\n', stdout);
  } else {
    char a[40], b[40];
    printf("backtest %s .. %s: %zu minutes x %zu SLOs; read %llu lines in %.3f s, replayed in %.3f s\n",
           time_format_rfc3339(from_us, a, sizeof a), time_format_rfc3339(to_us, b, sizeof b), nmin, cfg->nslos,
           (unsigned long long)stats.lines, t1 - t0, t2 - t1);
    for (size_t k = 0; k < nsets; k++)
      text_set(cfg, &sets[k]);
  }
  if (fflush(stdout) != 0)
    code = 2;
done:
  for (size_t j = 0; j < cfg->nslos; j++)
    series_reset(&series[j]);
  free(series);
  free(slos);
  for (size_t k = 0; k < 2; k++) {
    free(sets[k].r.alerts);
    free(sets[k].r.pages);
    free(sets[k].r.tickets);
    free(sets[k].r.minutes);
  }
  free(sets[1].conds);
  config_free(pcfg);
  config_free(cfg);
  return code;
}
