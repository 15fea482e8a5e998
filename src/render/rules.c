/* rules.c -- see rules.h and docs/prometheus.md.
 *
 * Every SLO gets one rule group evaluated every interval (1m). Its first
 * rules record the counters' increase over one interval, read `delay` (whole
 * intervals, 1m) behind the evaluation time so that a scrape still in flight
 * cannot hide an increase (per series, counter resets handled, then summed);
 * the window and
 * lookback counts are sum_over_time of those deltas over (T - w, T], which
 * telescopes to the exact count. Everything else is instant arithmetic on
 * those counts. */
#include "render/rules.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/alert.h"
#include "prom/promql.h"
#include "core/grpkey.h"
#include "render/metrics.h"
#include "util/xmalloc.h"

#define US_PER_S INT64_C(1000000)
#define MAX_WINDOWS (HR_MAX_LOOKBACKS + 16)
#define MAX_CONDS 64

/* ------------------------------------------------------------ buffer */

struct sb {
  char *p;
  size_t n, cap;
};

static void sb_printf(struct sb *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void sb_printf(struct sb *b, const char *fmt, ...) {
  for (;;) {
    va_list ap;
    va_start(ap, fmt);
    size_t room = b->cap - b->n;
    int k = vsnprintf(b->p ? b->p + b->n : NULL, room, fmt, ap);
    va_end(ap);
    if (k < 0)
      return;
    if ((size_t)k < room) {
      b->n += (size_t)k;
      return;
    }
    b->cap = (b->cap + (size_t)k + 1) * 2;
    b->p = xrealloc(b->p, b->cap);
  }
}

/* A YAML single-quoted scalar: ' doubled. */
static void sb_sq(struct sb *b, const char *s) {
  sb_printf(b, "'");
  for (const char *p = s; *p; p++)
    sb_printf(b, *p == '\'' ? "''" : "%c", *p);
  sb_printf(b, "'");
}

/* A PromQL string literal body: \ and " escaped. Caller frees. */
static char *pq_escape(const char *s) {
  char *o = xmalloc(strlen(s) * 2 + 1), *q = o;
  for (; *s; s++) {
    if (*s == '\\' || *s == '"')
      *q++ = '\\';
    *q++ = *s;
  }
  *q = 0;
  return o;
}

/* Shortest %g that reads back as x (0.99, not 0.98999999999999999). */
static void fmt_double(double x, char *out, size_t n) {
  int prec = 1; /* at least the integer digits: 10, not 1e+01 */
  for (double a = x < 0 ? -x : x; a >= 10 && prec < 17; a /= 10)
    prec++;
  for (; prec <= 17; prec++) {
    snprintf(out, n, "%.*g", prec, x);
    if (strtod(out, NULL) == x)
      return;
  }
}

/* ------------------------------------------------------------ one SLO */

struct ctx {
  struct sb *b;
  const char *ind; /* indentation of a rule's "- " */
  const struct hr_slo *slo;
  const struct hr_rules_opts *o;
  char *m;                   /* service="S",slo="N" */
  char *svc_id;              /* Sloth's sloth_id: service-slo */
  char obj[32];              /* the target, shortest form */
  char ebud[48];             /* "(1 - 0.999)" */
  int bad;                   /* the SLI names bad events */
  int64_t win_s;             /* the SLO window */
  char win[32];              /* its label, "28d" */
  int64_t wins[MAX_WINDOWS]; /* lookbacks and the window, ascending */
  size_t nwins;
  int grp;      /* the rules of the SLO's groups: headroom_slo_group* series, kept apart by its groupBy labels */
  char by[512]; /* the labels that keep series apart: "service, slo" (and the groupBy labels) */
};

/* name, or with grp its groups' counterpart: headroom_slo:x -> headroom_slo_group:x,
 * headroom_slo_valid_total -> headroom_slo_group_valid_total (in buf). */
static const char *gname(const struct ctx *c, const char *name, char *buf, size_t n) {
  if (!c->grp || strncmp(name, "headroom_slo", 12) != 0)
    return name;
  snprintf(buf, n, "headroom_slo_group%s", name + 12);
  return buf;
}

static void rule_labels(struct ctx *c, const char *window, int sloth) {
  sb_printf(c->b, "%s  labels:\n", c->ind);
  sb_printf(c->b, "%s    service: ", c->ind);
  sb_sq(c->b, c->slo->service ? c->slo->service : "");
  sb_printf(c->b, "\n%s    slo: ", c->ind);
  sb_sq(c->b, c->slo->name);
  sb_printf(c->b, "\n");
  if (window != NULL && !sloth)
    sb_printf(c->b, "%s    window: '%s'\n", c->ind, window);
  if (sloth) {
    sb_printf(c->b, "%s    sloth_id: ", c->ind);
    sb_sq(c->b, c->svc_id);
    sb_printf(c->b, "\n%s    sloth_service: ", c->ind);
    sb_sq(c->b, c->slo->service ? c->slo->service : "");
    sb_printf(c->b, "\n%s    sloth_slo: ", c->ind);
    sb_sq(c->b, c->slo->name);
    sb_printf(c->b, "\n");
    if (window != NULL)
      sb_printf(c->b, "%s    sloth_window: '%s'\n", c->ind, window);
  }
}

/* One recording rule; expr is consumed (freed). */
static void rec(struct ctx *c, const char *record, char *expr, const char *window, int sloth) {
  char rb[128];
  sb_printf(c->b, "%s- record: %s\n%s  expr: ", c->ind, gname(c, record, rb, sizeof rb), c->ind);
  sb_sq(c->b, expr);
  sb_printf(c->b, "\n");
  rule_labels(c, window, sloth);
  free(expr);
}

/* The recorded delta series of which ("valid", "good", "bad"): named after
 * the interval it covers, headroom_slo:valid:delta1m at the default 1m,
 * headroom_slo:valid:delta10s with --interval 10s. */
static const char *delta_name(const struct ctx *c, const char *which, char *out, size_t n) {
  char ib[32];
  snprintf(out, n, "headroom_slo:%s:delta%s", which, promql_duration(c->o->interval_s, ib));
  return out;
}

/* metric{service="S",slo="N"[,window="w"]}; caller frees. */
static char *sel(const struct ctx *c, const char *metric, const char *window) {
  char mb[128];
  metric = gname(c, metric, mb, sizeof mb);
  if (window == NULL)
    return xasprintf("%s{%s}", metric, c->m);
  return xasprintf("%s{%s,window=\"%s\"}", metric, c->m, window);
}

/* Errors over window w (an expression); caller frees. */
static char *errors_expr(const struct ctx *c, const char *w) {
  char *v = sel(c, "headroom_slo:valid:increase", w);
  char *x = sel(c, c->bad ? "headroom_slo:bad:increase" : "headroom_slo:good:increase", w);
  char *e = c->bad ? xstrdup(x) : xasprintf("(%s - %s)", v, x);
  free(v);
  free(x);
  return e;
}

static char *good_expr(const struct ctx *c, const char *w) {
  char *v = sel(c, "headroom_slo:valid:increase", w);
  char *x = sel(c, c->bad ? "headroom_slo:bad:increase" : "headroom_slo:good:increase", w);
  char *e = c->bad ? xasprintf("(%s - %s)", v, x) : xstrdup(x);
  free(v);
  free(x);
  return e;
}

/* The delta rule of one counter: which is "valid", "good" or "bad". */
static enum hr_rc delta_rules(struct ctx *c, const char *which, const char *query, struct hr_err *err) {
  char name[64];
  delta_name(c, which, name, sizeof name);
  const struct hr_datasource *src = c->slo->source;
  if (strcmp(src->type, "headroom.logs") == 0) {
    char metric[64];
    snprintf(metric, sizeof metric, "headroom_slo_%s_total", strcmp(which, "valid") == 0 ? "valid" : "good");
    char *s = sel(c, metric, NULL), *d = promql_selector_delta(s, c->o->interval_s, c->o->delay_s);
    rec(c, name, xasprintf("sum by (%s) (%s)", c->by, d), NULL, 0);
    free(s);
    free(d);
    return HR_OK;
  }
  if (query == NULL || *promql_skip_ws(query) == 0)
    return HR_FAIL(err, HR_ERR_CONFIG,
                   "SLO '%s': a Prometheus SLI needs a %s query (ratioMetric.%s.metricSource.spec.query): rules "
                   "count events with counters",
                   c->slo->name, strcmp(which, "valid") == 0 ? "total" : which,
                   strcmp(which, "valid") == 0 ? "total" : which);
  char *d = promql_counter_delta(query, c->o->interval_s, c->o->delay_s);
  if (d != NULL) {
    rec(c, name, xasprintf("sum(%s)", d), NULL, 0);
    free(d);
    return HR_OK;
  }
  /* Some other expression: record its value, then delta the recorded series
   * over the same interval, as far back as the selectors' deltas (the delay
   * is whole intervals, so the offsets land on recorded samples). A recorded
   * sample is final once written: an increase a late scrape hid from one
   * evaluation shows in the next one's value, and the deltas telescope. */
  char vname[64];
  snprintf(vname, sizeof vname, "headroom_slo:%s:value", which);
  sb_printf(c->b, "%s# %s is not a selector or a sum of one: its summed value is recorded and differenced\n", c->ind,
            which);
  rec(c, vname, xasprintf("sum(%s)", query), NULL, 0);
  char *s = sel(c, vname, NULL), *dv = promql_selector_delta(s, c->o->interval_s, c->o->delay_s);
  rec(c, name, xasprintf("sum(%s)", dv), NULL, 0);
  free(s);
  free(dv);
  return HR_OK;
}

static void add_win(struct ctx *c, int64_t s) {
  if (s <= 0)
    return;
  size_t i = 0;
  while (i < c->nwins && c->wins[i] < s)
    i++;
  if (i < c->nwins && c->wins[i] == s)
    return;
  if (c->nwins == MAX_WINDOWS)
    return;
  memmove(&c->wins[i + 1], &c->wins[i], (c->nwins - i) * sizeof c->wins[0]);
  c->wins[i] = s;
  c->nwins++;
}

static int64_t window_seconds(const struct hr_window *w) {
  if (w->kind == HR_WIN_ROLLING)
    return w->length_us / US_PER_S;
  static const int64_t days[] = {1, 7, 30, 90, 365}; /* DAY WEEK MONTH QUARTER YEAR */
  int64_t d = (w->unit >= HR_CAL_DAY && w->unit <= HR_CAL_YEAR) ? days[w->unit] : 30;
  return d * (w->count > 0 ? w->count : 1) * 86400;
}

static void alert_rule(struct ctx *c, const struct hr_condition *cd) {
  char lw[32], sw[32], hz[32], fo[32], fac[32], lvl[32], lasts[32], wsec[32];
  struct sb *b = c->b;
  promql_duration(cd->long_us / US_PER_S, lw);
  promql_duration(cd->short_us / US_PER_S, sw);
  fmt_double(cd->factor, fac, sizeof fac);
  snprintf(wsec, sizeof wsec, "%lld", (long long)c->win_s);
  char *expr = NULL, *summary = NULL, *desc = NULL;
  const char *alert = alert_name(cd->kind); /* serve's alertname too */
  long long min = (long long)(c->slo->min_events > 1 ? c->slo->min_events : 1);
  if (cd->kind == HR_COND_BURNRATE) {
    const char *op = cd->at_factor ? ">=" : ">";
    char *bl = sel(c, "headroom_slo:burn_rate:ratio", lw);
    expr = xasprintf("%s %s %s", bl, op, fac);
    free(bl);
    if (cd->short_us > 0) {
      char *bs = sel(c, "headroom_slo:burn_rate:ratio", sw);
      char *e2 = xasprintf("%s and on (%s) %s %s %s", expr, c->by, bs, op, fac);
      free(bs);
      free(expr);
      expr = e2;
    }
    if (min > 1) { /* minEvents counts the long lookback only (docs/alerting.md) */
      char *v = sel(c, "headroom_slo:valid:increase", lw);
      char *e2 = xasprintf("%s and on (%s) %s >= %lld", expr, c->by, v, min);
      free(v);
      free(expr);
      expr = e2;
    }
    promql_duration(cd->factor > 0 ? (int64_t)((double)c->win_s / cd->factor) : c->win_s, lasts);
    summary =
        xasprintf("{{ $labels.slo }} is burning its error budget {{ $value | printf \"%%.1f\" }}x as fast as the SLO "
                  "allows (over the last %s%s%s)",
                  lw, cd->short_us > 0 ? " and the last " : "", cd->short_us > 0 ? sw : "");
    desc = xasprintf("SLO {{ $labels.slo }} of service {{ $labels.service }}: burn rate above %sx over %s%s%s; at that "
                     "rate the whole %s error budget is gone in %s. Condition %s (%s).",
                     fac, lw, cd->short_us > 0 ? " and over " : "", cd->short_us > 0 ? sw : "", c->win, lasts, cd->name,
                     cd->severity);
  } else if (cd->kind == HR_COND_EXHAUSTION) {
    promql_duration(cd->horizon_us / US_PER_S, hz);
    char *rem = sel(c, "headroom_slo:budget_remaining:ratio", NULL);
    char *burn = sel(c, "headroom_slo:burn_rate:ratio", lw);
    char *v = sel(c, "headroom_slo:valid:increase", lw);
    expr = xasprintf("(%s * %s / on (%s) (%s > 0) < %lld or (%s <= 0) * 0) and on (%s) %s >= %lld", rem, wsec, c->by,
                     burn, (long long)(cd->horizon_us / US_PER_S), rem, c->by, v, min);
    free(rem);
    free(burn);
    free(v);
    summary =
        xasprintf("{{ $labels.slo }} exhausts its error budget in {{ $value | humanizeDuration }} at the burn rate "
                  "of the last %s (alert below %s)",
                  lw, hz);
    desc =
        xasprintf("SLO {{ $labels.slo }} of service {{ $labels.service }}: remaining budget x %s / burn rate over %s "
                  "is under %s (0s: already exhausted). Condition %s (%s).",
                  c->win, lw, hz, cd->name, cd->severity);
  } else if (cd->kind == HR_COND_NODATA) {
    /* No valid event recorded over the source's staleAfter: the nearest
     * PromQL has to a dead log (malformed lines and unreadable fields are
     * headroom's own judgement, not in the exported counters). */
    char sa[32];
    promql_duration(
        c->slo->source && c->slo->source->stale_after_us > 0 ? c->slo->source->stale_after_us / US_PER_S : 3600, sa);
    char dn[64];
    char *v = sel(c, delta_name(c, "valid", dn, sizeof dn), NULL);
    expr = xasprintf("sum by (%s) (sum_over_time(%s[%s])) == 0 or absent_over_time(%s[%s])", c->by, v, sa, v, sa);
    free(v);
    summary = xasprintf("{{ $labels.slo }} has recorded no valid event for %s", sa);
    desc = xasprintf("SLO {{ $labels.slo }} of service {{ $labels.service }}: no valid event over the last %s (a dead "
                     "log or no traffic). Condition %s (%s).",
                     sa, cd->name, cd->severity);
  } else {
    fmt_double(cd->level, lvl, sizeof lvl);
    char *rem = sel(c, "headroom_slo:budget_remaining:ratio", NULL);
    expr = xasprintf("%s < %s", rem, lvl);
    free(rem);
    summary = xasprintf("{{ $labels.slo }} has {{ $value | humanizePercentage }} of its error budget left (alert below "
                        "%g%%)",
                        cd->level * 100);
    desc = xasprintf("SLO {{ $labels.slo }} of service {{ $labels.service }}: remaining error budget over %s is below "
                     "%s. Condition %s (%s).",
                     c->win, lvl, cd->name, cd->severity);
  }
  sb_printf(b, "%s- alert: %s\n%s  expr: ", c->ind, alert, c->ind);
  sb_sq(b, expr);
  sb_printf(b, "\n");
  if (cd->alert_after_us > 0)
    sb_printf(b, "%s  for: %s\n", c->ind, promql_duration(cd->alert_after_us / US_PER_S, fo));
  /* serve's damping (docs/alerting.md, "One page per incident"): a condition
   * that stops and holds again within it stays one alert, and its resolve
   * goes out as late as serve's (Prometheus 2.42 and later). */
  sb_printf(b, "%s  keep_firing_for: %s\n", c->ind,
            promql_duration((cd->damping_us > 0 ? cd->damping_us : HR_DAMPING_US) / US_PER_S, fo));
  rule_labels(c, NULL, 0);
  if (c->grp) { /* a group's alert: its own labels come with its series; this tells it from the SLO's */
    sb_printf(b, "%s    group_by: '", c->ind);
    for (size_t i = 0; i < c->slo->ngroup_by; i++) {
      char lb[128];
      sb_printf(b, "%s%s", i ? "," : "", grp_label_name(c->slo->group_by[i], lb, sizeof lb));
    }
    sb_printf(b, "'\n");
  }
  sb_printf(b, "%s    severity: ", c->ind);
  sb_sq(b, cd->severity ? cd->severity : "page");
  sb_printf(b, "\n%s    condition: ", c->ind);
  sb_sq(b, cd->name ? cd->name : "");
  sb_printf(b, "\n%s  annotations:\n%s    summary: ", c->ind, c->ind);
  sb_sq(b, summary);
  sb_printf(b, "\n%s    description: ", c->ind);
  sb_sq(b, desc);
  sb_printf(b, "\n");
  free(expr);
  free(summary);
  free(desc);
}

/* Sloth's series (github.com/slok/sloth, internal/prometheus): windows
 * named as Prometheus's Go code names durations (28d is "4w", 7d "1w"), in
 * the record name and the sloth_window label; headroom's own series keep
 * their names ("28d"). */
static void sloth_rules(struct ctx *c) {
  char wb[32], sw[32], days[32];
  for (size_t i = 0; i < c->nwins; i++) {
    promql_duration(c->wins[i], wb);
    promql_model_duration(c->wins[i], sw);
    char name[64];
    snprintf(name, sizeof name, "slo:sli_error:ratio_rate%s", sw);
    char *e = errors_expr(c, wb), *v = sel(c, "headroom_slo:valid:increase", wb);
    rec(c, name, xasprintf("%s / (%s > 0)", e, v), sw, 1);
    free(e);
    free(v);
  }
  rec(c, "slo:objective:ratio", xasprintf("vector(%s)", c->obj), NULL, 1);
  rec(c, "slo:error_budget:ratio", xasprintf("vector%s", c->ebud), NULL, 1);
  fmt_double((double)c->win_s / 86400.0, days, sizeof days);
  rec(c, "slo:time_period:days", xasprintf("vector(%s)", days), NULL, 1);
  char *e5 = errors_expr(c, "5m"), *v5 = sel(c, "headroom_slo:valid:increase", "5m");
  rec(c, "slo:current_burn_rate:ratio", xasprintf("%s / (%s > 0) / %s", e5, v5, c->ebud), NULL, 1);
  free(e5);
  free(v5);
  char *ew = errors_expr(c, c->win), *vw = sel(c, "headroom_slo:valid:increase", c->win);
  rec(c, "slo:period_burn_rate:ratio", xasprintf("%s / (%s > 0) / %s", ew, vw, c->ebud), NULL, 1);
  rec(c, "slo:period_error_budget_remaining:ratio", xasprintf("1 - %s / (%s > 0) / %s", ew, vw, c->ebud), NULL, 1);
  free(ew);
  free(vw);
  /* the info series, with the labels Sloth's dashboards read: the objective
   * in percent, and what made the rules (sloth_mode, sloth_spec, sloth_version) */
  rec(c, "sloth_slo_info", xstrdup("vector(1)"), NULL, 1);
  char pct[32];
  snprintf(pct, sizeof pct, "%.10g", c->slo->target * 100);
  sb_printf(c->b, "%s    sloth_objective: '%s'\n", c->ind, pct);
  sb_printf(c->b, "%s    sloth_mode: '%s'\n", c->ind, c->o->format == HR_RULES_K8S ? "cli-gen-k8s" : "cli-gen-prom");
  sb_printf(c->b, "%s    sloth_spec: 'prometheus/v1'\n", c->ind);
  sb_printf(c->b, "%s    sloth_version: 'headroom'\n", c->ind);
}

static enum hr_rc slo_rules(struct sb *b, const char *gind, const struct hr_slo *slo, const struct hr_rules_opts *o,
                            int grp, struct hr_err *err) {
  const struct hr_datasource *src = slo->source;
  int logs = src != NULL && strcmp(src->type, "headroom.logs") == 0;
  int prom = src != NULL && strcmp(src->type, "prometheus") == 0;
  if (!logs && !prom) {
    sb_printf(b, "%s# SLO %s skipped: headroom writes rules for headroom.logs and prometheus sources only\n", gind,
              slo->name);
    return HR_OK;
  }
  char rind[64];
  snprintf(rind, sizeof rind, "%s    ", gind);
  struct ctx c = {.b = b,
                  .ind = rind,
                  .slo = slo,
                  .o = o,
                  .bad = prom && slo->bad_filter != NULL && slo->good_filter == NULL,
                  .grp = grp};
  snprintf(c.by, sizeof c.by, "service, slo");
  for (size_t i = 0; grp && i < slo->ngroup_by; i++) {
    char lb[128];
    size_t at = strlen(c.by);
    snprintf(c.by + at, sizeof c.by - at, ", %s", grp_label_name(slo->group_by[i], lb, sizeof lb));
  }
  /* log sources: the agents export good and valid whatever the SLI names */
  char *es = pq_escape(slo->service ? slo->service : ""), *en = pq_escape(slo->name);
  c.m = xasprintf("service=\"%s\",slo=\"%s\"", es, en);
  free(es);
  free(en);
  c.svc_id = xasprintf("%s-%s", slo->service ? slo->service : "", slo->name);
  fmt_double(slo->target, c.obj, sizeof c.obj);
  snprintf(c.ebud, sizeof c.ebud, "(1 - %s)", c.obj);
  c.win_s = window_seconds(&slo->window);
  promql_duration(c.win_s, c.win);

  static const int64_t defaults[] = {300, 1800, 3600, 7200, 21600, 86400, 259200};
  for (size_t i = 0; i < sizeof defaults / sizeof defaults[0]; i++)
    add_win(&c, defaults[i]);
  for (size_t i = 0; i < slo->nlookbacks; i++)
    add_win(&c, slo->lookbacks_us[i] / US_PER_S);
  add_win(&c, slo->thr.burn_lookback_us / US_PER_S);
  const struct hr_condition *conds[MAX_CONDS];
  size_t nc = alert_conditions(slo, conds, MAX_CONDS);
  if (nc > MAX_CONDS)
    nc = MAX_CONDS;
  for (size_t i = 0; i < nc; i++) {
    add_win(&c, conds[i]->long_us / US_PER_S);
    add_win(&c, conds[i]->short_us / US_PER_S);
  }
  add_win(&c, c.win_s);
  for (size_t i = 0; i < c.nwins; i++) {
    if (c.wins[i] % o->interval_s != 0) {
      char wb[32], ib[32];
      free(c.m);
      free(c.svc_id);
      return HR_FAIL(err, HR_ERR_CONFIG,
                     "SLO '%s': its %s window is not a whole number of %s rule intervals: the window sums "
                     "would not be exact (choose an --interval that divides every window)",
                     slo->name, promql_duration(c.wins[i], wb), promql_duration(o->interval_s, ib));
    }
  }

  sb_printf(b, "%s- name: ", gind);
  char *gn = xasprintf(grp ? "headroom-%s-groups" : "headroom-%s", slo->name);
  sb_sq(b, gn);
  free(gn);
  char ib[32];
  sb_printf(b, "\n%s  interval: %s\n", gind, promql_duration(o->interval_s, ib));
  if (slo->window.kind == HR_WIN_CALENDAR)
    sb_printf(b, "%s  # calendar window: Prometheus sums the last %s (rolling), not the calendar period\n", gind,
              c.win);
  if (slo->budgeting != HR_BUDGET_OCCURRENCES)
    sb_printf(b, "%s  # %s budgeting is computed here as Occurrences (event counts)\n", gind,
              slo->budgeting == HR_BUDGET_TIMESLICES ? "Timeslices" : "RatioTimeslices");
  if (grp)
    sb_printf(b,
              "%s  # one budget per group (groupBy): headroom folds the values past maxGroups into _other before\n"
              "%s  # exporting; every instance folds its own (docs/prometheus.md, \"Grouped SLOs\")\n",
              gind, gind);
  sb_printf(b, "%s  rules:\n", gind);

  enum hr_rc rc = delta_rules(&c, "valid", slo->total_filter, err);
  if (rc == HR_OK)
    rc = delta_rules(&c, c.bad ? "bad" : "good", c.bad ? slo->bad_filter : slo->good_filter, err);
  if (rc != HR_OK) {
    free(c.m);
    free(c.svc_id);
    return rc;
  }
  /* Counts over every lookback and the window: the deltas of (T - w, T]. */
  char wb[32], rb[32];
  for (int pass = 0; pass < 2; pass++) {
    const char *which = pass == 0 ? "valid" : c.bad ? "bad" : "good";
    char dname[64], iname[64];
    delta_name(&c, which, dname, sizeof dname);
    snprintf(iname, sizeof iname, "headroom_slo:%s:increase", which);
    char *d = sel(&c, dname, NULL);
    for (size_t i = 0; i < c.nwins; i++) {
      promql_duration(c.wins[i], wb);
      promql_duration(c.wins[i] - 1, rb);
      rec(&c, iname, xasprintf("sum_over_time(%s[%s])", d, rb), wb, 0);
    }
    free(d);
  }
  if (!grp) { /* the groups share their SLO's */
    rec(&c, "headroom_slo:objective:ratio", xasprintf("vector(%s)", c.obj), NULL, 0);
    rec(&c, "headroom_slo:window:seconds", xasprintf("vector(%lld)", (long long)c.win_s), NULL, 0);
  }
  char *g = good_expr(&c, c.win), *e = errors_expr(&c, c.win), *v = sel(&c, "headroom_slo:valid:increase", c.win);
  rec(&c, "headroom_slo:sli:ratio", xasprintf("%s / (%s > 0)", g, v), c.win, 0);
  rec(&c, "headroom_slo:budget_remaining:ratio", xasprintf("1 - %s / (%s > 0) / %s", e, v, c.ebud), NULL, 0);
  free(g);
  free(e);
  free(v);
  for (size_t i = 0; i < c.nwins; i++) {
    promql_duration(c.wins[i], wb);
    char *ew = errors_expr(&c, wb), *vw = sel(&c, "headroom_slo:valid:increase", wb);
    rec(&c, "headroom_slo:burn_rate:ratio", xasprintf("%s / clamp_min(%s, 1) / %s", ew, vw, c.ebud), wb, 0);
    free(ew);
    free(vw);
  }
  if (o->sloth_compat && !grp)
    sloth_rules(&c);
  for (size_t i = 0; i < nc; i++)
    if (!grp || conds[i]->kind != HR_COND_NODATA) /* a group without events is no outage */
      alert_rule(&c, conds[i]);
  free(c.m);
  free(c.svc_id);
  return HR_OK;
}

/* A composite SLO's group (docs/internals/math.md, "Composite SLOs"): its
 * budget remaining and burn rates as the weighted means of its components'
 * recorded ones. A component without data (no remaining recorded) has
 * consumed nothing, as in headroom. Not written: the SLI (a weighted mean
 * over the components that have data only), the latch and alerts (those
 * are the components'). */
static void composite_rules(struct sb *b, const char *gind, const struct hr_config *cfg, const struct hr_composite *k,
                            const struct hr_rules_opts *o) {
  char rind[64];
  snprintf(rind, sizeof rind, "%s    ", gind);
  struct ctx c = {.b = b, .ind = rind, .slo = &k->slo, .o = o};
  double wsum = 0;
  for (size_t i = 0; i < k->n; i++)
    wsum += k->weights[i];
  char ws[32], wb[32], ib[32];
  fmt_double(wsum, ws, sizeof ws);
  static const int64_t defaults[] = {300, 1800, 3600, 7200, 21600, 86400, 259200};
  for (size_t i = 0; i < sizeof defaults / sizeof defaults[0]; i++)
    add_win(&c, defaults[i]);
  for (size_t i = 0; i < k->slo.nlookbacks; i++)
    add_win(&c, k->slo.lookbacks_us[i] / US_PER_S);
  sb_printf(b, "%s- name: ", gind);
  char *gname = xasprintf("headroom-%s", k->slo.name);
  sb_sq(b, gname);
  free(gname);
  sb_printf(b, "\n%s  interval: %s\n", gind, promql_duration(o->interval_s, ib));
  sb_printf(b, "%s  # composite SLO: weighted means of its components' records (their SLI is not combined here)\n",
            gind);
  sb_printf(b, "%s  rules:\n", gind);
  for (int pass = -1; pass < (int)c.nwins; pass++) { /* -1: the budget; then each lookback's burn */
    struct sb e = {0};
    if (pass >= 0)
      promql_duration(c.wins[pass], wb);
    sb_printf(&e, pass < 0 ? "1 - (" : "(");
    for (size_t i = 0; i < k->n; i++) {
      const struct hr_slo *m = &cfg->slos[k->members[i]];
      char *es = pq_escape(m->service ? m->service : ""), *en = pq_escape(m->name), w[32];
      fmt_double(k->weights[i], w, sizeof w);
      if (pass < 0)
        sb_printf(&e, "%s%s * (1 - (sum(headroom_slo:budget_remaining:ratio{service=\"%s\",slo=\"%s\"}) or vector(1)))",
                  i ? " + " : "", w, es, en);
      else
        sb_printf(&e,
                  "%s%s * (sum(headroom_slo:burn_rate:ratio{service=\"%s\",slo=\"%s\",window=\"%s\"}) or vector(0))",
                  i ? " + " : "", w, es, en, wb);
      free(es);
      free(en);
    }
    sb_printf(&e, ") / %s", ws);
    rec(&c, pass < 0 ? "headroom_slo:budget_remaining:ratio" : "headroom_slo:burn_rate:ratio", e.p,
        pass < 0 ? promql_duration(window_seconds(&k->slo.window), wb) : wb, 0); /* the window label, as theirs */
  }
  char obj[32];
  fmt_double(k->slo.target, obj, sizeof obj);
  rec(&c, "headroom_slo:objective:ratio", xasprintf("vector(%s)", obj), NULL, 0);
}

char *rules_render(const struct hr_config *cfg, const struct hr_rules_opts *opts, struct hr_err *err) {
  struct hr_rules_opts oo = *opts;
  const struct hr_rules_opts *o = &oo;
  if (oo.interval_s == 0)
    oo.interval_s = 60;
  if (oo.interval_s < 2) {
    HR_FAIL(err, HR_ERR_USAGE, "the rule interval must be at least 2s (got %llds)", (long long)oo.interval_s);
    return NULL;
  }
  if (oo.delay_s < 0 || oo.delay_s % oo.interval_s != 0) {
    char ib[32], db[32];
    HR_FAIL(err, HR_ERR_USAGE, "the delay must be a whole number of rule intervals (%s), got %s",
            promql_duration(oo.interval_s, ib), oo.delay_s < 0 ? "a negative one" : promql_duration(oo.delay_s, db));
    return NULL;
  }
  struct sb b = {0};
  sb_printf(&b, "# Generated by `headroom rules`%s%s: recording and alerting rules for %zu SLOs.\n",
            o->origin ? " from " : "", o->origin ? o->origin : "", cfg->nslos);
  char ib[32], db[32];
  promql_duration(o->interval_s, ib);
  promql_duration(o->delay_s, db);
  sb_printf(&b,
            "# Event-weighted: counter deltas of every %s interval summed over each window (docs/prometheus.md),\n"
            "# read %s behind the evaluation time so that a scrape still in flight is not missed.\n"
            "# Keep every group's interval at %s: the window sums rely on it.\n"
            "# Alerts: keep_firing_for is serve's damping (Prometheus 2.42+). One page per SLO and incident\n"
            "# and tickets held under a page are Alertmanager's route and inhibit_rules; the low-traffic guard\n"
            "# (a Poisson test on exact counts) has no PromQL form (docs/alerting.md, \"Prometheus rules\").\n",
            ib, db, ib);
  const char *gind = "  ";
  if (o->format == HR_RULES_K8S) {
    sb_printf(&b,
              "apiVersion: monitoring.coreos.com/v1\nkind: PrometheusRule\nmetadata:\n  name: headroom-slos\n"
              "  labels:\n    app.kubernetes.io/managed-by: headroom\nspec:\n  groups:%s\n",
              cfg->nslos == 0 ? " []" : "");
    gind = "    ";
  } else {
    sb_printf(&b, "groups:%s\n", cfg->nslos == 0 ? " []" : "");
  }
  for (size_t i = 0; i < cfg->nslos; i++) {
    const struct hr_slo *slo = &cfg->slos[i];
    int grouped = slo->ngroup_by > 0 && slo->source != NULL && strcmp(slo->source->type, "headroom.logs") == 0;
    if (slo_rules(&b, gind, slo, o, 0, err) != HR_OK || (grouped && slo_rules(&b, gind, slo, o, 1, err) != HR_OK)) {
      free(b.p);
      return NULL;
    }
  }
  for (size_t i = 0; i < cfg->ncomposites; i++)
    composite_rules(&b, gind, cfg, &cfg->composites[i], o);
  return b.p;
}
