/* journeys.c -- see journeys.h and docs/cli/journeys.md. */
#include "engine/journeys.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/history.h"
#include "util/xmalloc.h"

#define DAY_US (86400LL * 1000000)

const char *quadrant_name(enum hr_quadrant q) {
  switch (q) {
  case HR_Q_LIFELINE: return "lifeline";
  case HR_Q_CRITICAL: return "critical";
  case HR_Q_FOUNDATION: return "foundation";
  case HR_Q_PERIPHERY: break;
  }
  return "periphery";
}

const char *quadrant_title(enum hr_quadrant q) {
  switch (q) {
  case HR_Q_LIFELINE: return "The Lifeline";
  case HR_Q_CRITICAL: return "Critical Moments";
  case HR_Q_FOUNDATION: return "Foundation";
  case HR_Q_PERIPHERY: break;
  }
  return "Periphery";
}

int quadrant_rank(enum hr_quadrant q) {
  return q == HR_Q_LIFELINE ? 2 : (int)q;
}

static void warn(struct hr_journeys *js, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void warn(struct hr_journeys *js, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  char *m = xvasprintf(fmt, ap);
  va_end(ap);
  js->warnings = xrealloc(js->warnings, (js->nwarnings + 1) * sizeof *js->warnings);
  js->warnings[js->nwarnings++] = m;
}

/* The journeys: every Service document, then every service only SLOs name. */
static void list_journeys(const struct hr_config *cfg, struct hr_journeys *js) {
  js->j = xcalloc(cfg->nservices + cfg->nslos + 1, sizeof *js->j);
  for (size_t i = 0; i < cfg->nservices; i++) {
    struct hr_journey *j = &js->j[js->n++];
    const struct hr_service *s = &cfg->services[i];
    j->service = s->name;
    j->display_name = s->display_name ? s->display_name : s->name;
    j->has_value = s->has_value;
    j->value = s->value;
  }
  for (size_t k = 0; k < cfg->nslos; k++) {
    const char *svc = cfg->slos[k].service;
    int known = svc == NULL;
    for (size_t i = 0; i < js->n && !known; i++)
      known = strcmp(js->j[i].service, svc) == 0;
    if (!known) {
      js->j[js->n].service = svc;
      js->j[js->n++].display_name = svc;
    }
  }
}

/* Events per day of SLO k over the last 28 days before the instant, or since
 * its first event when its history is shorter (at least a day). */
static enum hr_rc per_day(struct hr_history *h, size_t k, int64_t at_us, double *out, struct hr_err *err) {
  int64_t from = at_us - HR_JOURNEY_SPAN_US;
  uint64_t g, v;
  enum hr_rc rc = history_counts(h, k, from, at_us, &g, &v, err);
  if (rc != HR_OK)
    return rc;
  int64_t span = at_us - (h->first_us[k] > from ? h->first_us[k] : from);
  if (span < DAY_US)
    span = DAY_US;
  *out = (double)v / ((double)span / (double)DAY_US);
  return HR_OK;
}

/* Frequency on the log scale: with the journey's own high-frequency mark H,
 * 0.5 * ln(1 + e) / ln(1 + H) (0.5 exactly at H); else between the quietest
 * and busiest journey with traffic, (ln(1 + e) - ln(1 + lo)) / (ln(1 + hi) -
 * ln(1 + lo)), 1 when they are the same. Clamped to [0, 1]. */
static double frequency(double e, double lo, double hi, double high_mark) {
  double f;
  if (high_mark > 0)
    f = 0.5 * log1p(e) / log1p(high_mark);
  else if (e <= 0)
    f = 0;
  else if (hi <= lo)
    f = 1;
  else
    f = (log1p(e) - log1p(lo)) / (log1p(hi) - log1p(lo));
  return f < 0 ? 0 : f > 1 ? 1 : f;
}

static enum hr_status worse(enum hr_status a, enum hr_status b) {
  return a > b ? a : b;
}

static void pct(double t, char *buf, size_t n) {
  snprintf(buf, n, "%.10g%%", t * 100);
}

/* A journey held looser than one of a lower quadrant (periphery <
 * foundation < critical = lifeline). */
static void strictness_warnings(struct hr_journeys *js) {
  for (size_t a = 0; a < js->n; a++)
    for (size_t b = 0; b < js->n; b++) {
      const struct hr_journey *hi = &js->j[a], *lo = &js->j[b];
      if (!hi->has_strictest || !lo->has_strictest || quadrant_rank(hi->quadrant) <= quadrant_rank(lo->quadrant) ||
          hi->strictest_target >= lo->strictest_target)
        continue;
      char t1[32], t2[32];
      pct(hi->strictest_target, t1, sizeof t1);
      pct(lo->strictest_target, t2, sizeof t2);
      warn(js,
           "%s (%s) is held to at most %s (%s), looser than %s (%s) at %s (%s): a more important journey should be "
           "held at least as strictly",
           hi->service, quadrant_name(hi->quadrant), t1, hi->strictest_slo, lo->service, quadrant_name(lo->quadrant),
           t2, lo->strictest_slo);
    }
}

enum hr_rc engine_journeys(const struct hr_config *cfg, const struct hr_eval_opts *o, struct hr_journeys *js,
                           struct hr_err *err) {
  struct hr_eval_opts ro = *o;
  ro.slo = NULL;
  ro.keep_series = 0;
  struct hr_report rep;
  enum hr_rc rc = engine_report(cfg, &ro, &rep, err);
  if (rc != HR_OK) {
    memset(js, 0, sizeof *js);
    return rc;
  }
  rc = engine_journeys_of(cfg, o, &rep, js, err);
  if (rc != HR_OK) {
    report_free(&rep);
    return rc;
  }
  js->rep = rep; /* the journeys point into it: it moves in whole, never copied apart */
  return HR_OK;
}

enum hr_rc engine_journeys_of(const struct hr_config *cfg, const struct hr_eval_opts *o, const struct hr_report *rep,
                              struct hr_journeys *js, struct hr_err *err) {
  memset(js, 0, sizeof *js);
  js->at_us = rep->at_us;
  struct hr_history h;
  struct hr_read_opts ho = {.in = o->read.in, .has_at = 1, .at_us = js->at_us, .now_us = o->read.now_us};
  enum hr_rc rc = history_open(cfg, &ho, &h, err);
  if (rc != HR_OK)
    return rc;
  list_journeys(cfg, js);
  /* events per day, SLOs, strictest target, status */
  for (size_t i = 0; i < js->n && rc == HR_OK; i++) {
    struct hr_journey *j = &js->j[i];
    j->slos = xcalloc(rep->nslos + 1, sizeof *j->slos);
    j->status = HR_ST_NODATA;
    for (size_t r = 0; r < rep->nslos && rc == HR_OK; r++) {
      const struct hr_report_slo *rs = &rep->slos[r];
      if (rs->slo->service == NULL || strcmp(rs->slo->service, j->service) != 0)
        continue;
      j->slos[j->nslos++] = rs;
      j->status = worse(j->status, rs->st.status);
      if (rs->comp != NULL)
        continue;
      if (!j->has_strictest || rs->slo->target > j->strictest_target) {
        j->has_strictest = 1;
        j->strictest_target = rs->slo->target;
        j->strictest_slo = rs->slo->name;
      }
      double e = 0;
      rc = per_day(&h, (size_t)(rs->slo - cfg->slos), js->at_us, &e, err);
      if (e > j->events_per_day)
        j->events_per_day = e;
    }
  }
  history_close(&h);
  if (rc != HR_OK) {
    journeys_free(js);
    return rc;
  }
  int any = 0;
  for (size_t i = 0; i < js->n; i++) {
    double e = js->j[i].events_per_day;
    if (e <= 0)
      continue;
    js->lo_per_day = !any || e < js->lo_per_day ? e : js->lo_per_day;
    js->hi_per_day = !any || e > js->hi_per_day ? e : js->hi_per_day;
    any = 1;
  }
  for (size_t i = 0; i < js->n; i++) {
    struct hr_journey *j = &js->j[i];
    const struct hr_service *svc = config_service(cfg, j->service);
    j->high_per_day = svc ? svc->high_per_day : 0;
    j->frequency = frequency(j->events_per_day, js->lo_per_day, js->hi_per_day, j->high_per_day);
    int hv = j->value >= 0.5, hf = j->frequency >= 0.5;
    j->quadrant = hv ? (hf ? HR_Q_LIFELINE : HR_Q_CRITICAL) : (hf ? HR_Q_FOUNDATION : HR_Q_PERIPHERY);
    if (!j->has_value)
      warn(js, "%s has no headroom.dev/value annotation (low, medium, high or 0 to 1): placed at value 0", j->service);
    if (j->nslos == 0)
      warn(js, "%s has no SLOs: no traffic measured, no target to compare", j->service);
    else if (j->events_per_day <= 0)
      warn(js, "%s had no valid events in the last 28 days: placed at frequency 0", j->service);
  }
  strictness_warnings(js);
  return HR_OK;
}

void journeys_free(struct hr_journeys *js) {
  for (size_t i = 0; i < js->n; i++)
    free((void *)js->j[i].slos);
  free(js->j);
  for (size_t i = 0; i < js->nwarnings; i++)
    free(js->warnings[i]);
  free(js->warnings);
  report_free(&js->rep);
  memset(js, 0, sizeof *js);
}
