/* group.c -- see group.h. */
#include "engine/group.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/format.h"
#include "core/grpkey.h"
#include "core/tally.h"
#include "store/group.h"
#include "store/store.h"
#include "util/xmalloc.h"

struct grp {
  char **values; /* NULL for _other */
  struct hr_series s;
};

struct gslo {
  const struct hr_slo *slo; /* NULL: not grouped (or not selected) */
  int fid[8];               /* the groupBy fields' ids in its format */
  struct hr_tally keys;     /* the key of each group (minute 0) -> seq = its index */
  struct grp *g;            /* max_groups + 1: the last is _other */
  size_t ng;                /* groups with their own budget so far */
  int other_used;
};

struct hr_groups {
  const struct hr_config *cfg;
  int64_t phase_us;
  struct gslo *s; /* one per SLO of the configuration */
};

struct hr_groups *groups_new(const struct hr_config *cfg, const unsigned char *sel, int64_t phase_us) {
  struct hr_groups *g = NULL;
  for (size_t j = 0; j < cfg->nslos; j++) {
    const struct hr_slo *slo = &cfg->slos[j];
    if (!sel[j] || slo->ngroup_by == 0)
      continue;
    if (g == NULL) {
      g = xcalloc(1, sizeof *g);
      g->cfg = cfg;
      g->phase_us = phase_us;
      g->s = xcalloc(cfg->nslos, sizeof *g->s);
    }
    struct gslo *gs = &g->s[j];
    gs->slo = slo;
    tally_init(&gs->keys, 0);
    gs->g = xcalloc(slo->max_groups + 1, sizeof *gs->g);
  }
  return g;
}

void groups_free(struct hr_groups *g) {
  if (g == NULL)
    return;
  for (size_t j = 0; j < g->cfg->nslos; j++) {
    struct gslo *gs = &g->s[j];
    if (gs->slo == NULL)
      continue;
    for (size_t i = 0; i <= gs->slo->max_groups; i++) {
      if (gs->g[i].values != NULL)
        for (size_t k = 0; k < gs->slo->ngroup_by; k++)
          free(gs->g[i].values[k]);
      free(gs->g[i].values);
      if (gs->g[i].s.pages != NULL)
        series_reset(&gs->g[i].s);
    }
    free(gs->g);
    tally_free(&gs->keys);
  }
  free(g->s);
  free(g);
}

enum hr_rc groups_setup(void *ctx, struct hr_pipeline *p, uint64_t *need, struct hr_err *err) {
  struct hr_groups *g = ctx;
  *need = 0;
  for (size_t si = 0; si < p->nsrc; si++)
    for (size_t k = 0; k < p->src[si].nslos; k++) {
      size_t j = p->src[si].slos[k];
      struct gslo *gs = &g->s[j];
      if (gs->slo == NULL)
        continue;
      for (size_t f = 0; f < gs->slo->ngroup_by && f < 8; f++) {
        const char *name = gs->slo->group_by[f];
        int id = p->src[si].fmt != NULL ? format_field(p->src[si].fmt, name, strlen(name)) : -1;
        if (id < 0 || id >= HR_MAX_FIELDS)
          return HR_FAIL(err, HR_ERR_CONFIG, "%s:%d: SLO %s: groupBy %s: DataSource %s has no such field",
                         gs->slo->group_loc.file ? gs->slo->group_loc.file : "?", gs->slo->group_loc.line,
                         gs->slo->name, name, p->src[si].ds->name);
        gs->fid[f] = id;
        *need |= (uint64_t)1 << id;
      }
    }
  return HR_OK;
}

void groups_hook(void *ctx, size_t j, const struct hr_event *ev, const char *line, size_t len, int good) {
  (void)line;
  (void)len;
  struct hr_groups *g = ctx;
  struct gslo *gs = &g->s[j];
  if (gs->slo == NULL)
    return;
  char key[HR_GRPKEY_MAX];
  size_t nf = gs->slo->ngroup_by < HR_GROUP_FIELDS_MAX ? gs->slo->ngroup_by : HR_GROUP_FIELDS_MAX;
  size_t kn = grpkey_make(ev, gs->fid, nf, key);
  const struct hr_tally_cell *c = tally_find(&gs->keys, 0, key, kn, 0);
  size_t idx;
  if (c != NULL) {
    idx = c->seq;
  } else if (gs->ng < gs->slo->max_groups) {
    idx = gs->ng++;
    tally_put(&gs->keys, 0, key, kn, 0, 0, 0, ev->ts_us);
    struct grp *gr = &gs->g[idx];
    gr->values = xcalloc(nf, sizeof *gr->values);
    (void)grpkey_values(key, kn, nf, gr->values); /* a key just made */
  } else {
    idx = gs->slo->max_groups;
    gs->other_used = 1;
  }
  struct grp *gr = &gs->g[idx];
  if (gr->s.pages == NULL)
    series_init(&gr->s, MINUTE_US, g->phase_us, slo_eval_span(gs->slo, MINUTE_US));
  series_add(&gr->s, ev->ts_us, (uint32_t)good, 1);
}

static int rank_of(enum hr_status s) {
  switch (s) {
  case HR_ST_RED: return 0;
  case HR_ST_ORANGE: return 1;
  case HR_ST_YELLOW: return 2;
  case HR_ST_NODATA: return 3;
  case HR_ST_GREEN: return 4;
  }
  return 4;
}

/* Worst first: status, budget left, then the named groups by their nf
 * values, _other last. */
static int cmp_group(const struct hr_report_group *x, const struct hr_report_group *y, size_t nf) {
  int rx = rank_of(x->st.status), ry = rank_of(y->st.status);
  if (rx != ry)
    return rx - ry;
  if (x->st.budget_remaining != y->st.budget_remaining)
    return x->st.budget_remaining < y->st.budget_remaining ? -1 : 1;
  if (x->other != y->other)
    return x->other - y->other; /* _other after the named groups */
  for (size_t f = 0; f < nf && !x->other; f++) {
    const char *p = x->values[f], *q = y->values[f];
    if (p == NULL || q == NULL) {
      if (p != q)
        return p == NULL ? 1 : -1;
      continue;
    }
    int c = strcmp(p, q);
    if (c != 0)
      return c;
  }
  return 0;
}

/* Free nf values (values may be NULL: _other). */
static void free_values(char **values, size_t nf) {
  for (size_t f = 0; values != NULL && f < nf; f++)
    free(values[f]);
  free(values);
}

/* Append a group evaluated as tmp (values: nf owned strings, or NULL for
 * _other) to rs's groups (room for it made by the caller). */
static void put_group(struct hr_report_slo *rs, const struct hr_report_slo *tmp, char **values, size_t nf,
                      int64_t cid) {
  struct hr_report_group *out = &rs->groups[rs->ngroups++];
  out->cid = cid;
  out->st = tmp->st;
  out->now = tmp->now;
  out->other = values == NULL;
  out->values = values != NULL ? values : xcalloc(nf ? nf : 1, sizeof *out->values);
}

/* An insertion sort (at most maxGroups + 1 groups): qsort's comparator
 * would need nf in a global, which serve's threads would share. */
static void sort_groups(struct hr_report_slo *rs, size_t nf) {
  for (size_t i = 1; i < rs->ngroups; i++) {
    struct hr_report_group g = rs->groups[i];
    size_t k = i;
    for (; k > 0 && cmp_group(&rs->groups[k - 1], &g, nf) > 0; k--)
      rs->groups[k] = rs->groups[k - 1];
    rs->groups[k] = g;
  }
}

void groups_eval(const struct hr_groups *g, size_t j, const struct hr_slo *slo, const struct hr_exclusion *excl,
                 size_t nexcl, int64_t at_us, struct hr_report_slo *rs) {
  if (g == NULL || g->s[j].slo == NULL)
    return;
  const struct gslo *gs = &g->s[j];
  size_t nf = slo->ngroup_by < HR_GROUP_FIELDS_MAX ? slo->ngroup_by : HR_GROUP_FIELDS_MAX;
  rs->has_groups = 1;
  rs->groups = xcalloc(gs->ng + 1, sizeof *rs->groups);
  for (size_t i = 0; i <= slo->max_groups; i++) {
    const struct grp *gr = &gs->g[i];
    int other = i == slo->max_groups;
    if ((other && !gs->other_used) || (!other && i >= gs->ng))
      continue;
    struct hr_report_slo tmp;
    memset(&tmp, 0, sizeof tmp);
    engine_eval_slo(&tmp, slo, &gr->s, excl, nexcl, at_us);
    char **values = NULL;
    if (!other) {
      values = xcalloc(nf ? nf : 1, sizeof *values);
      for (size_t f = 0; f < nf; f++)
        values[f] = gr->values[f] != NULL ? xstrdup(gr->values[f]) : NULL;
    }
    put_group(rs, &tmp, values, nf, -1);
  }
  sort_groups(rs, nf);
}

enum hr_rc engine_slo_groups(struct hr_store *st, const struct hr_slo *slo, struct hr_group_row **rows, size_t *n,
                             struct hr_err *err) {
  *rows = NULL;
  *n = 0;
  int64_t id;
  enum hr_rc rc = store_slo_find(st, slo->name, &id, err);
  if (rc == HR_ERR_NOTFOUND)
    return HR_OK; /* never ingested: no groups */
  char fields[HR_GROUP_FIELDS_MAX * 64];
  grpkey_fields(slo->group_by, slo->ngroup_by < HR_GROUP_FIELDS_MAX ? slo->ngroup_by : HR_GROUP_FIELDS_MAX, fields,
                sizeof fields);
  return rc == HR_OK ? store_groups(st, id, fields, rows, n, err) : rc;
}

enum hr_rc groups_each_store(struct hr_store *st, const struct hr_slo *slo, const struct hr_exclusion *excl,
                             size_t nexcl, const struct hr_annotation *tl, size_t ntl, int64_t at_us, hr_group_fn fn,
                             void *ctx, struct hr_err *err) {
  if (slo->ngroup_by == 0)
    return HR_OK;
  size_t nf = slo->ngroup_by < HR_GROUP_FIELDS_MAX ? slo->ngroup_by : HR_GROUP_FIELDS_MAX;
  struct hr_group_row *rows = NULL;
  size_t n = 0;
  enum hr_rc rc = engine_slo_groups(st, slo, &rows, &n, err);
  static const struct hr_series none = {.step_us = MINUTE_US, .head = INT64_MIN}; /* not read */
  for (size_t i = 0; i < n && rc == HR_OK; i++) {
    char **values = NULL;
    if (rows[i].seq >= 0) {
      values = xcalloc(nf ? nf : 1, sizeof *values);
      if (grpkey_values(rows[i].key, rows[i].klen, nf, values) != 0) {
        free(values); /* not a key of these fields: never written so */
        continue;
      }
    }
    struct hr_report_slo tmp;
    memset(&tmp, 0, sizeof tmp);
    /* As the SLO itself: from the range sums when they decide, else from its minutes. */
    struct hr_slo_sums x;
    rc = engine_group_sums_init(&x, st, slo, rows[i].cid, tl, ntl, at_us, err);
    int done = rc == HR_OK && engine_eval_slo_sums(&tmp, slo, &x, at_us);
    if (rc == HR_OK && x.rc != HR_OK) {
      rc = x.rc;
      *err = x.err;
    }
    engine_slo_sums_done(&x);
    struct hr_series s;
    series_init(&s, MINUTE_US, 0, done ? 1 : slo_eval_span(slo, MINUTE_US)); /* not read when done */
    if (rc == HR_OK && !done) {
      rc = engine_group_minutes(st, slo, rows[i].cid, tl, ntl, at_us, &s, err);
      if (rc == HR_OK)
        engine_eval_slo(&tmp, slo, &s, excl, nexcl, at_us);
    }
    if (rc == HR_OK)
      rc = fn(ctx, values, nf, rows[i].cid, &tmp, done ? &none : &s, err); /* fn owns values */
    else
      free_values(values, nf);
    series_reset(&s);
  }
  store_groups_free(rows, n);
  return rc;
}

/* groups_each_store()'s fn for groups_eval_store(): the group into rs. */
static enum hr_rc put_group_fn(void *ctx, char **values, size_t nf, int64_t cid, const struct hr_report_slo *tmp,
                               const struct hr_series *s, struct hr_err *err) {
  (void)s;
  (void)err;
  struct hr_report_slo *rs = ctx;
  if (rs->ngroups % 16 == 0)
    rs->groups = xrealloc(rs->groups, (rs->ngroups + 16) * sizeof *rs->groups);
  put_group(rs, tmp, values, nf, cid);
  return HR_OK;
}

enum hr_rc groups_eval_store(struct hr_store *st, const struct hr_slo *slo, const struct hr_exclusion *excl,
                             size_t nexcl, const struct hr_annotation *tl, size_t ntl, int64_t at_us,
                             struct hr_report_slo *rs, struct hr_err *err) {
  if (slo->ngroup_by == 0)
    return HR_OK;
  rs->has_groups = 1;
  enum hr_rc rc = groups_each_store(st, slo, excl, nexcl, tl, ntl, at_us, put_group_fn, rs, err);
  if (rc != HR_OK) {
    groups_release(rs);
    return rc;
  }
  sort_groups(rs, slo->ngroup_by < HR_GROUP_FIELDS_MAX ? slo->ngroup_by : HR_GROUP_FIELDS_MAX);
  return HR_OK;
}

void groups_release(struct hr_report_slo *rs) {
  size_t nf = rs->slo != NULL && rs->slo->ngroup_by < 8 ? rs->slo->ngroup_by : 8;
  for (size_t i = 0; i < rs->ngroups; i++) {
    for (size_t f = 0; f < nf && rs->groups[i].values != NULL; f++)
      free(rs->groups[i].values[f]);
    free(rs->groups[i].values);
  }
  free(rs->groups);
  rs->groups = NULL;
  rs->ngroups = 0;
  rs->has_groups = 0;
}
