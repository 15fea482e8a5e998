/* breakdown.c -- see breakdown.h. */
#include "engine/breakdown.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/format.h"
#include "core/grpkey.h"
#include "core/tally.h"
#include "engine/impl.h"
#include "prom/prom.h"
#include "store/group.h"
#include "store/store.h"
#include "util/imath.h"
#include "util/xmalloc.h"

#define PRUNE_EVERY 65536 /* valid events between two prunings of minutes that can no longer count */

/* ---- the count: a hook on the pipeline that reads ---- */

struct split {
  const char *field;
  const unsigned char *sel; /* the SLOs ranked */
  int *fid;                 /* per SLO of the configuration: the field's id in its format (-1: none) */
  int has_at;
  int64_t at_us, lookback_us;
  int64_t max_us; /* the newest valid event counted (no --at) */
  uint64_t since_prune;
  struct hr_tally t; /* keyed (SLO, value, minute); with --at, minute 0 and only the lookback counted */
};

/* The field's name resolved against the format of every source the ranked
 * SLOs read. */
static enum hr_rc split_setup(void *ctx, struct hr_pipeline *p, uint64_t *need, struct hr_err *err) {
  (void)err;
  struct split *s = ctx;
  *need = 0;
  for (size_t si = 0; si < p->nsrc; si++) {
    if (p->src[si].fmt == NULL)
      continue;
    int id = format_field(p->src[si].fmt, s->field, strlen(s->field));
    for (size_t k = 0; k < p->src[si].nslos; k++) {
      size_t j = p->src[si].slos[k];
      s->fid[j] = s->sel[j] ? id : -1;
    }
    if (id >= 0 && id < HR_MAX_FIELDS)
      *need |= (uint64_t)1 << id;
  }
  return HR_OK;
}

/* The text of a value: a string as it is, a number as the line wrote it. */
static const char *value_text(const struct hr_val *v, char *buf, size_t n, size_t *len) {
  if (v->type == HR_V_BOOL) {
    *len = v->num != 0 ? 4 : 5;
    return v->num != 0 ? "true" : "false";
  }
  if (v->sv.p != NULL && (v->sv.n > 0 || v->type == HR_V_STR)) {
    *len = v->sv.n;
    return v->sv.p;
  }
  int w = snprintf(buf, n, "%.17g", v->num);
  *len = w > 0 && (size_t)w < n ? (size_t)w : 0;
  return buf;
}

static void split_hook(void *ctx, size_t j, const struct hr_event *ev, const char *line, size_t len, int good) {
  (void)line;
  (void)len;
  struct split *s = ctx;
  if (s->fid[j] < 0)
    return;
  int64_t minute = 0;
  if (s->has_at) {
    if (ev->ts_us < s->at_us - s->lookback_us)
      return; /* events at or after --at never reach the hook */
  } else {
    minute = floor_div(ev->ts_us, MINUTE_US);
    if (ev->ts_us > s->max_us)
      s->max_us = ev->ts_us;
    /* The instant is at least the minute after the newest event: a minute
     * before (that minute + 1) - lookback can no longer count. */
    if (++s->since_prune >= PRUNE_EVERY) {
      s->since_prune = 0;
      tally_prune(&s->t, floor_div(s->max_us, MINUTE_US) + 1 - floor_div(s->lookback_us, MINUTE_US));
    }
  }
  const struct hr_val *v = event_get(ev, s->fid[j]);
  char buf[32];
  size_t n = 0;
  const char *text = v != NULL ? value_text(v, buf, sizeof buf, &n) : NULL;
  tally_put(&s->t, (uint32_t)j, text, n, minute, (uint64_t)good, 1, ev->ts_us);
}

/* ---- the ranking ---- */

static void figures(struct hr_breakdown_row *r, const struct hr_breakdown_row *all, double target) {
  r->bad = r->valid - r->good;
  r->has_sli = r->valid > 0;
  r->sli = r->has_sli ? (double)r->good / (double)r->valid : 0;
  double eb = 1 - target;
  r->burn_rate = r->has_sli && eb > 0 ? (double)r->bad / (double)r->valid / eb : 0;
  r->share = all->valid > all->good ? (double)r->bad / (double)(all->valid - all->good) : 0;
  r->burn_contribution = all->valid > 0 && eb > 0 ? (double)r->bad / (double)all->valid / eb : 0;
}

static int cmp_row(const void *a, const void *b) {
  const struct hr_breakdown_row *x = a, *y = b;
  if (x->bad != y->bad)
    return x->bad > y->bad ? -1 : 1;
  if (x->valid != y->valid)
    return x->valid > y->valid ? -1 : 1;
  if (x->value == NULL || y->value == NULL) /* no value last */
    return (x->value == NULL) - (y->value == NULL);
  return strcmp(x->value, y->value);
}

/* The rows of SLO j from the tally: each value's minutes in [from, at)
 * summed (with --at, the tally holds only those). */
static void rank(struct hr_breakdown_slo *bs, const struct hr_tally *t, size_t j, int64_t from_min, int64_t to_min,
                 int has_at, size_t top) {
  struct hr_breakdown_row *rows = NULL;
  size_t n = 0, cap = 0;
  struct hr_tally per; /* one key per value */
  tally_init(&per, 0);
  for (size_t i = 0; i < t->cap; i++) {
    const struct hr_tally_cell *c = &t->c[i];
    if (!c->used || c->slo != j || (!has_at && (c->minute < from_min || c->minute >= to_min)))
      continue;
    tally_put(&per, 0, c->val, c->len, 0, c->good, c->valid, c->first_us);
  }
  for (size_t i = 0; i < per.cap; i++) {
    const struct hr_tally_cell *c = &per.c[i];
    if (!c->used)
      continue;
    if (n == cap)
      rows = xrealloc(rows, (cap = cap ? cap * 2 : 16) * sizeof *rows);
    struct hr_breakdown_row *r = &rows[n++];
    memset(r, 0, sizeof *r);
    r->value = c->val != NULL ? xstrndup(c->val, c->len) : NULL;
    r->good = c->good;
    r->valid = c->valid;
    r->first_us = c->first_us;
    bs->all.good += c->good;
    bs->all.valid += c->valid;
  }
  tally_free(&per);
  double target = bs->slo->target;
  figures(&bs->all, &bs->all, target);
  for (size_t i = 0; i < n; i++)
    figures(&rows[i], &bs->all, target);
  if (n > 1) /* rows is NULL when nothing was counted */
    qsort(rows, n, sizeof *rows, cmp_row);
  bs->nvalues = n;
  bs->nrows = top > 0 && n > top ? top : n;
  for (size_t i = bs->nrows; i < n; i++) {
    bs->rest.good += rows[i].good;
    bs->rest.valid += rows[i].valid;
    free(rows[i].value);
  }
  figures(&bs->rest, &bs->all, target);
  bs->rows = rows;
}

/* ---- the SLOs ranked ---- */

static int reads_logs(const struct hr_slo *slo) {
  return slo->source != NULL && slo->source->type != NULL && strcmp(slo->source->type, "headroom.logs") == 0 &&
         !prom_slo_is_prom(slo);
}

/* The fields of ds's format, comma-separated (owned). */
static char *field_list(const struct hr_datasource *ds) {
  struct hr_format *fmt = NULL;
  struct hr_err e = {0};
  if (format_new(&ds->fmt, &fmt, &e) != HR_OK)
    return xstrdup("?");
  size_t cap = 256, n = 0;
  char *out = xmalloc(cap);
  out[0] = 0;
  for (int id = 0; id < HR_MAX_FIELDS; id++) {
    const char *name = format_field_name(fmt, id);
    if (name == NULL)
      break;
    size_t k = strlen(name);
    if (n + k + 3 > cap)
      out = xrealloc(out, cap = (n + k + 3) * 2);
    n += (size_t)snprintf(out + n, cap - n, "%s%s", n ? ", " : "", name);
  }
  format_free(fmt);
  return out;
}

/* 1 when ds's format can have field. */
static int has_field(const struct hr_datasource *ds, const char *field) {
  struct hr_format *fmt = NULL;
  struct hr_err e = {0};
  if (format_new(&ds->fmt, &fmt, &e) != HR_OK)
    return 0;
  int id = format_field(fmt, field, strlen(field));
  format_free(fmt);
  return id >= 0;
}

/* Note SLO slo as left out: "SLO x: <why> <what>". */
static void skip(struct hr_breakdown *b, const char *slo, const char *why, const char *what) {
  b->skipped = xrealloc(b->skipped, (b->nskipped + 1) * sizeof *b->skipped);
  b->skipped[b->nskipped++] = xasprintf("SLO %s: %s %s", slo, why, what);
}

/* Which SLOs are ranked (sel), checked before anything is read. */
static enum hr_rc select_slos(const struct hr_config *cfg, const struct hr_breakdown_opts *o, unsigned char *sel,
                              struct hr_breakdown *b, struct hr_err *err) {
  size_t n = 0, named = 0;
  for (size_t j = 0; j < cfg->nslos; j++) {
    const struct hr_slo *slo = &cfg->slos[j];
    if (o->slo != NULL && strcmp(slo->name, o->slo) != 0)
      continue;
    named++;
    if (!reads_logs(slo)) {
      if (o->slo != NULL)
        return HR_FAIL(err, HR_ERR_USAGE,
                       "SLO %s is read from %s, not from logs: a breakdown needs each event's fields, which only "
                       "logs keep",
                       slo->name, slo->source != NULL ? slo->source->name : "no DataSource");
      skip(b, slo->name, "not read from logs but from", slo->source != NULL ? slo->source->name : "nothing");
      continue;
    }
    if (!has_field(slo->source, o->field)) {
      char *fields = field_list(slo->source);
      enum hr_rc rc = HR_OK;
      if (o->slo != NULL)
        rc = HR_FAIL(err, HR_ERR_USAGE, "--breakdown %s: DataSource %s (SLO %s) has no such field; it has: %s",
                     o->field, slo->source->name, slo->name, fields);
      else
        skip(b, slo->name, "its DataSource has no field", o->field);
      free(fields);
      if (rc != HR_OK)
        return rc;
      continue;
    }
    sel[j] = 1;
    n++;
  }
  if (o->slo != NULL && named == 0)
    return HR_FAIL(err, HR_ERR_NOTFOUND, "no SLO named %s", o->slo);
  if (n == 0)
    return HR_FAIL(err, HR_ERR_USAGE, "--breakdown %s: no SLO read from logs has that field%s", o->field,
                   b->nskipped ? " (see above)" : "");
  return HR_OK;
}

/* ---- from the store's grouped counts ---- */

/* The position of field in slo's groupBy, -1 when it is not one. */
static int group_field(const struct hr_slo *slo, const char *field) {
  for (size_t f = 0; f < slo->ngroup_by && f < HR_GROUP_FIELDS_MAX; f++)
    if (strcmp(slo->group_by[f], field) == 0)
      return (int)f;
  return -1;
}

/* The groupBy fields of cfg's SLOs read from logs (each once), for an error. */
static char *group_fields(const struct hr_config *cfg) {
  char *out = xstrdup("");
  for (size_t j = 0; j < cfg->nslos; j++)
    for (size_t f = 0; f < cfg->slos[j].ngroup_by && reads_logs(&cfg->slos[j]); f++) {
      const char *name = cfg->slos[j].group_by[f];
      int seen = 0;
      for (size_t i = 0; i < j && !seen; i++)
        seen = group_field(&cfg->slos[i], name) >= 0 && reads_logs(&cfg->slos[i]);
      for (size_t g = 0; g < f && !seen; g++)
        seen = strcmp(cfg->slos[j].group_by[g], name) == 0;
      if (seen)
        continue;
      char *t = xasprintf("%s%s%s", out, *out ? ", " : "", name);
      free(out);
      out = t;
    }
  return out;
}

/* The SLOs the store can rank by o->field: read from logs and grouped by it. */
static enum hr_rc select_grouped(const struct hr_config *cfg, const struct hr_breakdown_opts *o, unsigned char *sel,
                                 struct hr_breakdown *b, struct hr_err *err) {
  size_t n = 0, named = 0;
  for (size_t j = 0; j < cfg->nslos; j++) {
    const struct hr_slo *slo = &cfg->slos[j];
    if (o->slo != NULL && strcmp(slo->name, o->slo) != 0)
      continue;
    named++;
    if (reads_logs(slo) && group_field(slo, o->field) >= 0) {
      sel[j] = 1;
      n++;
      continue;
    }
    if (o->slo == NULL) {
      skip(b, slo->name, "the store keeps no grouped counts of", o->field);
      continue;
    }
    char *fields = group_fields(cfg);
    enum hr_rc rc = HR_FAIL(err, HR_ERR_USAGE,
                            "--breakdown %s from the store: SLO %s is not grouped by %s; the store answers for the "
                            "groupBy fields (%s) of the SLOs that name them; name the log files for any other field",
                            o->field, slo->name, o->field, *fields ? fields : "none");
    free(fields);
    return rc;
  }
  if (o->slo != NULL && named == 0)
    return HR_FAIL(err, HR_ERR_NOTFOUND, "no SLO named %s", o->slo);
  if (n == 0) {
    char *fields = group_fields(cfg);
    enum hr_rc rc = HR_FAIL(err, HR_ERR_USAGE,
                            "--breakdown %s from the store: no SLO is grouped by %s; the store answers for the groupBy "
                            "fields only (%s); name the log files for any other field",
                            o->field, o->field, *fields ? fields : "none");
    free(fields);
    return rc;
  }
  return HR_OK;
}

/* SLO j's groups summed over [from, at) by the value of field f, into t
 * (_other under "_other"). */
static enum hr_rc tally_groups(struct hr_store *st, const struct hr_breakdown *b, const struct hr_slo *slo, size_t j,
                               int f, struct hr_tally *t, struct hr_err *err) {
  size_t nf = slo->ngroup_by < HR_GROUP_FIELDS_MAX ? slo->ngroup_by : HR_GROUP_FIELDS_MAX;
  struct hr_group_row *rows = NULL;
  size_t n = 0;
  enum hr_rc rc = engine_slo_groups(st, slo, &rows, &n, err);
  for (size_t i = 0; i < n && rc == HR_OK; i++) {
    char *values[HR_GROUP_FIELDS_MAX] = {0};
    if (rows[i].seq >= 0 && grpkey_values(rows[i].key, rows[i].klen, nf, values) != 0)
      continue;
    struct hr_slo_sums x;
    uint64_t good = 0, valid = 0;
    rc = engine_group_sums_init(&x, st, slo, rows[i].cid, b->rd.timeline, b->rd.ntimeline, b->at_us, err);
    if (rc == HR_OK)
      engine_slo_sum(&x, b->from_us, b->at_us, &good, &valid);
    if (rc == HR_OK && x.rc != HR_OK) {
      rc = x.rc;
      *err = x.err;
    }
    engine_slo_sums_done(&x);
    const char *v = rows[i].seq < 0 ? "_other" : values[f];
    if (rc == HR_OK && valid > 0)
      tally_put(t, (uint32_t)j, v, v != NULL ? strlen(v) : 0, 0, good, valid, b->from_us);
    for (size_t k = 0; k < nf; k++)
      free(values[k]);
  }
  store_groups_free(rows, n);
  return rc;
}

static enum hr_rc from_store(const struct hr_config *cfg, const struct hr_breakdown_opts *o, struct hr_breakdown *b,
                             struct hr_err *err) {
  size_t ns = cfg->nslos ? cfg->nslos : 1;
  unsigned char *sel = xcalloc(ns, 1);
  struct hr_store *st = NULL;
  const char *db = o->read.in.db != NULL ? o->read.in.db : cfg->db_path;
  enum hr_rc rc = select_grouped(cfg, o, sel, b, err);
  if (rc == HR_OK && db == NULL)
    rc = HR_FAIL(err, HR_ERR_USAGE, "--breakdown: no log files named and no store configured (--db)");
  if (rc == HR_OK) {
    rc = store_open_ro(db, &st, err);
    if (rc == HR_ERR_NOTFOUND)
      rc = HR_FAIL(err, HR_ERR_NOTFOUND, "--breakdown: no log files named and no store at %s", db);
  }
  int found = 0;
  if (rc == HR_OK)
    rc = engine_timeline(st, db, &b->rd.timeline, &b->rd.ntimeline, &found, err);
  b->rd.has_timeline = found;
  b->rd.from_store = 1;
  /* The instant as report of the store takes it: --at on whole minutes, else the next whole minute. */
  b->at_us =
      (o->read.has_at ? floor_div(o->read.at_us, MINUTE_US) : floor_div(o->read.now_us, MINUTE_US) + 1) * MINUTE_US;
  b->from_us = b->at_us - o->lookback_us;
  struct hr_tally t;
  tally_init(&t, 0);
  if (rc == HR_OK)
    rc = store_begin(st, err); /* one snapshot */
  if (rc == HR_OK) {
    b->slos = xcalloc(ns, sizeof *b->slos);
    for (size_t j = 0; j < cfg->nslos && rc == HR_OK; j++) {
      if (!sel[j])
        continue;
      rc = tally_groups(st, b, &cfg->slos[j], j, group_field(&cfg->slos[j], o->field), &t, err);
      struct hr_breakdown_slo *bs = &b->slos[b->nslos++];
      bs->slo = &cfg->slos[j];
      rank(bs, &t, j, 0, 0, 1, o->top);
    }
    store_rollback(st); /* ends the read transaction */
  }
  tally_free(&t);
  store_close(st);
  free(sel);
  if (rc != HR_OK)
    breakdown_free(b);
  return rc;
}

enum hr_rc engine_breakdown(const struct hr_config *cfg, const struct hr_breakdown_opts *o, struct hr_breakdown *b,
                            struct hr_err *err) {
  memset(b, 0, sizeof *b);
  scan_stats_init(&b->rd.stats);
  b->field = o->field;
  b->lookback_us = o->lookback_us;
  if (o->lookback_us < MINUTE_US || o->lookback_us % MINUTE_US != 0)
    return HR_FAIL(err, HR_ERR_USAGE, "--lookback: expected whole minutes of at least 1m");
  if (o->read.in.nlogs == 0)
    return from_store(cfg, o, b, err);
  size_t ns = cfg->nslos ? cfg->nslos : 1;
  unsigned char *sel = xcalloc(ns, 1);
  enum hr_rc rc = select_slos(cfg, o, sel, b, err);
  struct split s = {.field = o->field,
                    .sel = sel,
                    .has_at = o->read.has_at,
                    .at_us = o->read.at_us,
                    .lookback_us = o->lookback_us,
                    .max_us = INT64_MIN};
  s.fid = xcalloc(ns, sizeof *s.fid);
  for (size_t j = 0; j < ns; j++)
    s.fid[j] = -1;
  tally_init(&s.t, HR_BREAKDOWN_MAX_KEYS);
  struct hr_input in = o->read.in;
  in.store = 0;
  if (rc == HR_OK) {
    /* The timeline: the maintenance windows excluded, as report does. */
    const char *db = o->read.in.db != NULL ? o->read.in.db : cfg->db_path;
    int found = 0;
    struct hr_err e = {0};
    if (engine_timeline(NULL, db, &b->rd.timeline, &b->rd.ntimeline, &found, &e) != HR_OK)
      report_add_error(&b->rd, "%s", e.msg);
    b->rd.has_timeline = found;
    struct hr_effective eff;
    effective_init(&eff, cfg, b->rd.timeline, b->rd.ntimeline);
    b->rd.nmaintenance = eff.nmaint;
    /* The hook counts; the minute series the reader fills are not used. */
    struct hr_series *series = xcalloc(ns, sizeof *series);
    for (size_t k = 0; k < ns; k++)
      series_init(&series[k], MINUTE_US, 0, 1);
    b->rd.has_logs = 1;
    rc = engine_read_logs_setup(&eff.eff, &in, o->read.has_at ? o->read.at_us : o->read.now_us + 5 * MINUTE_US, series,
                                split_setup, split_hook, &s, &b->rd, err);
    for (size_t k = 0; k < ns; k++)
      series_reset(&series[k]);
    free(series);
    effective_done(&eff);
  }
  int64_t last = b->rd.stats.last_us;
  b->at_us = o->read.has_at ? o->read.at_us
                            : (floor_div(last != INT64_MIN ? last : o->read.now_us, MINUTE_US) + 1) * MINUTE_US;
  b->from_us = b->at_us - o->lookback_us;
  b->overflowed = s.t.overflowed;
  if (rc == HR_OK) {
    b->slos = xcalloc(ns, sizeof *b->slos);
    int64_t to_min = floor_div(b->at_us, MINUTE_US), from_min = to_min - o->lookback_us / MINUTE_US;
    for (size_t j = 0; j < cfg->nslos; j++)
      if (sel[j]) {
        struct hr_breakdown_slo *bs = &b->slos[b->nslos++];
        bs->slo = &cfg->slos[j];
        rank(bs, &s.t, j, from_min, to_min, o->read.has_at, o->top);
      }
  }
  tally_free(&s.t);
  free(s.fid);
  free(sel);
  if (rc != HR_OK)
    breakdown_free(b);
  return rc;
}

void breakdown_free(struct hr_breakdown *b) {
  for (size_t i = 0; i < b->nslos; i++) {
    for (size_t k = 0; k < b->slos[i].nrows; k++)
      free(b->slos[i].rows[k].value);
    free(b->slos[i].rows);
  }
  free(b->slos);
  for (size_t i = 0; i < b->nskipped; i++)
    free(b->skipped[i]);
  free(b->skipped);
  report_free(&b->rd);
  memset(b, 0, sizeof *b);
}
