/* compliance.c -- see compliance.h and docs/cli/history.md.
 *
 * Each row is counted twice from the same data, never computed anew: its
 * good and valid events by history_counts() (the store's rollups, or the
 * logs' minutes), its bad minutes by history_minutes(), minute by minute,
 * by the same rules. A composite SLO's rows are its components' rows of the
 * same period combined as core/composite.c combines their states
 * (docs/internals/math.md, "Composite SLOs"): nothing is counted twice. */
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

/* The composite SLO j is a component of, or NULL. */
static const struct hr_composite *composite_of(const struct hr_config *cfg, size_t j) {
  for (size_t k = 0; k < cfg->ncomposites; k++)
    for (size_t i = 0; i < cfg->composites[k].n; i++)
      if (cfg->composites[k].members[i] == j)
        return &cfg->composites[k];
  return NULL;
}

/* SLO j is shown: chosen itself, or a component of a composite chosen. */
static int slo_chosen(const struct hr_config *cfg, const struct hr_compliance_opts *o, size_t j) {
  const struct hr_composite *k = composite_of(cfg, j);
  return chosen(o, &cfg->slos[j]) || (k != NULL && chosen(o, &k->slo));
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

/* The composite k's row of period p from its components' rows: member i's
 * rows start at rows[first[i]]. Bad minutes: those whose weighted consumed
 * budget (each component's (1 - SLI) / (1 - threshold) that minute, 0
 * without events) was above 1, which for one component is its SLI below
 * its threshold. */
static enum hr_rc composite_row(struct hr_history *h, const struct hr_composite *k,
                                const struct hr_compliance_row *rows, const size_t *first, size_t p,
                                struct hr_compliance_row *r, struct hr_err *err) {
  const struct hr_compliance_row *r0 = &rows[first[0] + p];
  memset(r, 0, sizeof *r);
  r->slo = &k->slo;
  r->comp = k;
  r->start_us = r0->start_us;
  r->end_us = r0->end_us;
  r->complete = r0->complete;
  double wsum = 0, wdata = 0, sli = 0, consumed = 0;
  for (size_t i = 0; i < k->n; i++) {
    const struct hr_compliance_row *c = &rows[first[i] + p];
    wsum += k->weights[i];
    r->good += c->good;
    r->valid += c->valid;
    if (c->has_data) {
      wdata += k->weights[i];
      sli += k->weights[i] * c->sli;
      consumed += k->weights[i] * c->budget_consumed;
    }
  }
  if (wdata <= 0 || wsum <= 0)
    return HR_OK;
  r->has_data = 1;
  r->sli = sli / wdata;
  r->budget_consumed = consumed / wsum;
  r->met = r->budget_consumed <= 1 + EPS;
  size_t n = (size_t)((r->end_us - r->start_us + MINUTE_US - 1) / MINUTE_US);
  double *cons = xcalloc(n ? n : 1, sizeof *cons);
  uint64_t *good = xmalloc((n ? n : 1) * sizeof *good), *valid = xmalloc((n ? n : 1) * sizeof *valid);
  enum hr_rc rc = HR_OK;
  for (size_t i = 0; i < k->n && rc == HR_OK; i++) {
    const struct hr_slo *m = &h->cfg->slos[k->members[i]];
    double thr = m->budgeting == HR_BUDGET_OCCURRENCES ? m->target : m->slice_target, eb = 1 - thr;
    rc = history_minutes(h, k->members[i], r->start_us, n, good, valid, err);
    for (size_t t = 0; rc == HR_OK && t < n; t++)
      if (valid[t] > good[t]) /* no events, or none bad: nothing consumed */
        cons[t] += k->weights[i] * (eb > 0 ? (double)(valid[t] - good[t]) / (eb * (double)valid[t]) : 1e300);
  }
  for (size_t t = 0; rc == HR_OK && t < n; t++)
    r->bad_minutes += cons[t] / wsum > 1 + EPS;
  free(cons);
  free(good);
  free(valid);
  if (k->slo.cost_set != 0) {
    r->has_cost = 1;
    if (k->slo.cost_set & 1u)
      r->cost += (double)(r->valid - r->good) * k->slo.cost_per_bad_event;
    if (k->slo.cost_set & 2u)
      r->cost += (double)r->bad_minutes * k->slo.cost_per_bad_minute;
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
    if (r->part_of == NULL) { /* a component shown with its composite counts once, in the composite */
      add(total_of(&c->services, &c->nservices, r->slo->service != NULL ? r->slo->service : ""), r);
      add(&c->all, r);
    }
    add(total_of(&c->slos, &c->nslos, r->slo->name), r);
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
      if (slo_chosen(h->cfg, o, j) && h->first_us[j] < *from)
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
  out->cfg = cfg;
  out->unit = o->unit == HR_CAL_WEEK || o->unit == HR_CAL_QUARTER ? o->unit : HR_CAL_MONTH;
  size_t nsel = 0;
  for (size_t j = 0; j < cfg->nslos; j++)
    nsel += (size_t)slo_chosen(cfg, o, j);
  if (nsel == 0 && o->slo != NULL)
    return HR_FAIL(err, HR_ERR_NOTFOUND, "no SLO named %s%s%s", o->slo, o->service ? " in service " : "",
                   o->service ? o->service : "");
  if (nsel == 0 && o->service != NULL)
    return HR_FAIL(err, HR_ERR_NOTFOUND, "no SLO of service %s", o->service);
  struct hr_history h;
  enum hr_rc rc = history_open(cfg, &o->read, &h, err);
  if (rc != HR_OK)
    return rc;
  out->at_us = h.at_us;
  rc = range(&h, o, &out->from_us, &out->to_us, err);
  size_t cap = 0, *first = xcalloc(cfg->nslos + 1, sizeof *first), nper = 0;
  for (size_t j = 0; j < cfg->nslos && rc == HR_OK; j++) {
    if (!slo_chosen(cfg, o, j))
      continue;
    const struct hr_composite *k = composite_of(cfg, j);
    int with_comp = k != NULL && chosen(o, &k->slo);
    first[j] = out->nrows;
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
      if (out->nrows + 1 >= cap) {
        cap = cap ? 2 * cap : 16;
        out->rows = xrealloc(out->rows, cap * sizeof *out->rows);
      }
      rc = row(&h, j, start, end, &out->rows[out->nrows++], err);
      out->rows[out->nrows - 1].part_of = with_comp ? k : NULL;
      t = end;
    }
    nper = n;
    if (!with_comp || j != k->members[k->n - 1])
      continue;
    /* the last component: the composite's rows (its components share its window, so its periods) */
    size_t *fm = xcalloc(k->n, sizeof *fm);
    for (size_t i = 0; i < k->n; i++)
      fm[i] = first[k->members[i]];
    for (size_t p = 0; p < nper && rc == HR_OK; p++) {
      if (out->nrows + 1 >= cap) {
        cap = 2 * cap;
        out->rows = xrealloc(out->rows, cap * sizeof *out->rows);
      }
      rc = composite_row(&h, k, out->rows, fm, p, &out->rows[out->nrows], err);
      out->nrows++;
    }
    /* the composite first, its components after it: rotate [components | composite] */
    size_t a = fm[0], nc = out->nrows - a - nper, nb = nper * sizeof *out->rows;
    struct hr_compliance_row *tmp = xmalloc(nb ? nb : 1);
    memcpy(tmp, out->rows + a + nc, nb);
    memmove(out->rows + a + nper, out->rows + a, nc * sizeof *out->rows);
    memcpy(out->rows + a, tmp, nb);
    free(tmp);
    free(fm);
  }
  free(first);
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
