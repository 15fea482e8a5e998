/* compliance.c -- see compliance.h and docs/cli/history.md.
 *
 * Each row is counted twice from the same data, never computed anew: its
 * good and valid events by history_counts() (the store's rollups, or the
 * logs' minutes), its bad minutes by history_minutes(), minute by minute,
 * by the same rules. */
#include "engine/compliance.h"

#include <stdlib.h>
#include <string.h>

#include "core/calendar.h"
#include "engine/impl.h"
#include "util/xmalloc.h"

#define EPS 1e-12 /* an SLI this close below a target meets it (a double's rounding, not a real miss) */

const char *compliance_unit_name(enum hr_cal_unit unit) {
  return unit == HR_CAL_WEEK ? "week" : unit == HR_CAL_QUARTER ? "quarter" : "month";
}

int compliance_unit_parse(const char *s, enum hr_cal_unit *unit) {
  static const struct {
    const char *name;
    enum hr_cal_unit unit;
  } units[] = {{"week", HR_CAL_WEEK}, {"month", HR_CAL_MONTH}, {"quarter", HR_CAL_QUARTER}};
  for (size_t i = 0; i < sizeof units / sizeof units[0]; i++)
    if (s != NULL && strcmp(s, units[i].name) == 0) {
      *unit = units[i].unit;
      return 0;
    }
  return -1;
}

/* The zone of an SLO's periods: its calendar window's, else UTC (NULL). */
static const struct hr_tz *slo_zone(const struct hr_slo *slo) {
  return slo->window.kind == HR_WIN_CALENDAR ? slo->window.zone : NULL;
}

const char *compliance_zone_name(const struct hr_slo *slo) {
  return slo->window.kind == HR_WIN_CALENDAR && slo->window.tz != NULL ? slo->window.tz : "UTC";
}

static int chosen(const struct hr_compliance_opts *o, const struct hr_slo *slo) {
  return (o->slo == NULL || strcmp(slo->name, o->slo) == 0) &&
         (o->service == NULL || (slo->service != NULL && strcmp(slo->service, o->service) == 0));
}

/* The minutes of [r->start, r->end) below the SLO's threshold: its target,
 * or for timeslices its timeSliceTarget (a minute is then a slice). */
static enum hr_rc bad_minutes(struct hr_history *h, size_t j, struct hr_compliance_row *r, struct hr_err *err) {
  const struct hr_slo *slo = r->slo;
  double thr = slo->budgeting == HR_BUDGET_OCCURRENCES ? slo->target : slo->slice_target;
  size_t n = (size_t)((r->end_us - r->start_us + MINUTE_US - 1) / MINUTE_US);
  uint64_t *good = xmalloc((n ? n : 1) * sizeof *good), *valid = xmalloc((n ? n : 1) * sizeof *valid);
  enum hr_rc rc = history_minutes(h, j, r->start_us, n, good, valid, err);
  r->bad_minutes = 0;
  for (size_t i = 0; rc == HR_OK && i < n; i++)
    r->bad_minutes += valid[i] > 0 && (double)good[i] / (double)valid[i] < thr - EPS;
  free(good);
  free(valid);
  return rc;
}

/* One row: SLO j over the period [start, end). */
static enum hr_rc row(struct hr_history *h, size_t j, int64_t start, int64_t end, struct hr_compliance_row *r,
                      struct hr_err *err) {
  const struct hr_slo *slo = &h->cfg->slos[j];
  memset(r, 0, sizeof *r);
  r->slo = slo;
  r->start_us = start;
  r->end_us = end;
  r->complete = end <= h->at_us;
  enum hr_rc rc = history_counts(h, j, start, end, &r->good, &r->valid, err);
  if (rc != HR_OK || r->valid == 0)
    return rc;
  r->has_data = 1;
  r->sli = (double)r->good / (double)r->valid;
  r->met = r->sli >= slo->target - EPS;
  double eb = 1 - slo->target, bad = (double)(r->valid - r->good);
  r->budget_consumed = eb > 0 ? bad / (eb * (double)r->valid) : 0;
  rc = bad_minutes(h, j, r, err);
  if (slo->cost_set != 0) {
    r->has_cost = 1;
    if (slo->cost_set & 1u)
      r->cost += bad * slo->cost_per_bad_event;
    if (slo->cost_set & 2u)
      r->cost += (double)r->bad_minutes * slo->cost_per_bad_minute;
  }
  return rc;
}

/* The total named name in *v (added when new). */
static struct hr_compliance_total *total_of(struct hr_compliance_total **v, size_t *n, const char *name) {
  for (size_t i = 0; i < *n; i++)
    if (strcmp((*v)[i].name, name) == 0)
      return &(*v)[i];
  *v = xrealloc(*v, (*n + 1) * sizeof **v);
  struct hr_compliance_total *t = &(*v)[(*n)++];
  memset(t, 0, sizeof *t);
  t->name = name;
  return t;
}

static void add(struct hr_compliance_total *t, const struct hr_compliance_row *r) {
  if (r->slo->cost_set != 0) {
    const char *cur = r->slo->currency;
    if (!t->has_cost)
      t->currency = cur;
    else if ((cur == NULL) != (t->currency == NULL) || (cur != NULL && strcmp(cur, t->currency) != 0))
      t->mixed_currency = 1;
    t->has_cost = 1;
  }
  if (!r->has_data) {
    t->nodata++;
    return;
  }
  t->periods++;
  t->missed += !r->met;
  t->bad_minutes += r->bad_minutes;
  if (r->has_cost)
    t->cost += r->cost;
}

static void totals(struct hr_compliance *c) {
  c->all.name = "";
  for (size_t i = 0; i < c->nrows; i++) {
    const struct hr_compliance_row *r = &c->rows[i];
    add(total_of(&c->services, &c->nservices, r->slo->service != NULL ? r->slo->service : ""), r);
    add(total_of(&c->slos, &c->nslos, r->slo->name), r);
    add(&c->all, r);
  }
}

/* The range: [from, to) clipped to the instant; by default from the first
 * event of the SLOs chosen. */
static enum hr_rc range(const struct hr_history *h, const struct hr_compliance_opts *o, int64_t *from, int64_t *to,
                        struct hr_err *err) {
  *to = o->has_to && o->to_us < h->at_us ? o->to_us : h->at_us;
  if (o->has_from)
    *from = o->from_us;
  else {
    *from = INT64_MAX;
    for (size_t j = 0; j < h->cfg->nslos; j++)
      if (chosen(o, &h->cfg->slos[j]) && h->first_us[j] < *from)
        *from = h->first_us[j];
    if (*from >= *to) /* no event before the end: the period just before it, which says "no data" */
      *from = *to - 1;
  }
  if (*from >= *to)
    return HR_FAIL(err, HR_ERR_USAGE, "the range is empty: --from must be before --to and before the instant");
  return HR_OK;
}

enum hr_rc engine_compliance(const struct hr_config *cfg, const struct hr_compliance_opts *o, struct hr_compliance *out,
                             struct hr_err *err) {
  memset(out, 0, sizeof *out);
  out->unit = o->unit == HR_CAL_WEEK || o->unit == HR_CAL_QUARTER ? o->unit : HR_CAL_MONTH;
  size_t nsel = 0;
  for (size_t j = 0; j < cfg->nslos; j++)
    nsel += (size_t)chosen(o, &cfg->slos[j]);
  if (nsel == 0 && o->slo != NULL)
    return HR_FAIL(err, HR_ERR_NOTFOUND, "no SLO named %s%s%s", o->slo, o->service ? " in service " : "",
                   o->service ? o->service : "");
  if (nsel == 0 && o->service != NULL)
    return HR_FAIL(err, HR_ERR_NOTFOUND, "no SLO of service %s", o->service);
  struct hr_history h;
  enum hr_rc rc = history_open(cfg, &o->h, &h, err);
  if (rc != HR_OK)
    return rc;
  out->at_us = h.at_us;
  rc = range(&h, o, &out->from_us, &out->to_us, err);
  size_t cap = 0;
  for (size_t j = 0; j < cfg->nslos && rc == HR_OK; j++) {
    if (!chosen(o, &cfg->slos[j]))
      continue;
    size_t n = 0;
    for (int64_t t = out->from_us; t < out->to_us && rc == HR_OK; n++) {
      int64_t start, end;
      period_bounds(out->unit, slo_zone(&cfg->slos[j]), t, &start, &end);
      if (n == HR_COMPLIANCE_MAX_PERIODS) {
        rc = HR_FAIL(err, HR_ERR_USAGE,
                     "more than %d %ss from --from to --to: narrow the range or use a longer "
                     "--period",
                     HR_COMPLIANCE_MAX_PERIODS, compliance_unit_name(out->unit));
        break;
      }
      if (out->nrows == cap) {
        cap = cap ? 2 * cap : 16;
        out->rows = xrealloc(out->rows, cap * sizeof *out->rows);
      }
      rc = row(&h, j, start, end, &out->rows[out->nrows++], err);
      t = end;
    }
  }
  if (rc == HR_OK)
    totals(out);
  out->rd = h.rd; /* what was read goes with the answer */
  memset(&h.rd, 0, sizeof h.rd);
  history_close(&h);
  if (rc != HR_OK)
    compliance_free(out);
  return rc;
}

void compliance_free(struct hr_compliance *c) {
  free(c->rows);
  free(c->services);
  free(c->slos);
  report_free(&c->rd);
  memset(c, 0, sizeof *c);
}
