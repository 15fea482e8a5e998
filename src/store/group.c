/* group.c -- see group.h. */
#include "store/group.h"

#include <inttypes.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/counts.h"
#include "core/grpkey.h"
#include "core/tally.h"
#include "util/xmalloc.h"

struct gslo {
  int on;
  int fid[HR_GROUP_FIELDS_MAX];
  size_t nf;
  char *fields;
  uint32_t max;
};

struct hr_gbatch {
  size_t nslo;
  struct gslo *s;
  struct hr_tally keys; /* (SLO, key) -> seq: the batch's groups in the order first read */
  struct hr_counts m;   /* (seq, minute) -> good, valid */
};

struct hr_gbatch *gbatch_new(size_t nslo) {
  struct hr_gbatch *g = xcalloc(1, sizeof *g);
  g->nslo = nslo;
  g->s = xcalloc(nslo ? nslo : 1, sizeof *g->s);
  tally_init(&g->keys, 0);
  counts_init(&g->m, 64);
  return g;
}

void gbatch_free(struct hr_gbatch *g) {
  if (g == NULL)
    return;
  for (size_t j = 0; j < g->nslo; j++)
    free(g->s[j].fields);
  free(g->s);
  tally_free(&g->keys);
  counts_free(&g->m);
  free(g);
}

void gbatch_set(struct hr_gbatch *g, size_t slo, const int *fid, size_t nf, const char *fields, uint32_t max_groups) {
  struct gslo *s = &g->s[slo];
  s->on = nf > 0 && max_groups > 0;
  s->nf = nf < HR_GROUP_FIELDS_MAX ? nf : HR_GROUP_FIELDS_MAX;
  memcpy(s->fid, fid, s->nf * sizeof *fid);
  free(s->fields);
  s->fields = xstrdup(fields);
  s->max = max_groups;
}

void gbatch_add(struct hr_gbatch *g, size_t j, const struct hr_event *ev, int good) {
  if (j >= g->nslo || !g->s[j].on)
    return;
  char key[HR_GRPKEY_MAX];
  size_t kn = grpkey_make(ev, g->s[j].fid, g->s[j].nf, key);
  const struct hr_tally_cell *c = tally_find(&g->keys, (uint32_t)j, key, kn, 0);
  if (c == NULL) {
    tally_put(&g->keys, (uint32_t)j, key, kn, 0, 0, 0, ev->ts_us);
    c = tally_find(&g->keys, (uint32_t)j, key, kn, 0);
  }
  counts_put(&g->m, (uint32_t)c->seq, counts_minute(ev->ts_us), good ? 1 : 0, 1);
}

size_t gbatch_cells(const struct hr_gbatch *g) {
  return g->m.n + g->keys.n;
}

void gbatch_clear(struct hr_gbatch *g) {
  if (g->keys.n == 0 && g->m.n == 0)
    return;
  tally_free(&g->keys);
  tally_init(&g->keys, 0);
  counts_clear(&g->m);
}

static enum hr_rc fail(sqlite3 *db, struct hr_err *err, const char *what) {
  return HR_FAIL(err, HR_ERR_DB, "store: groups: %s: %s", what, sqlite3_errmsg(db));
}

/* The groups of one SLO as the store has them, while a batch is written. */
struct known {
  int loaded;
  struct hr_tally k; /* key -> cell whose `good` holds the cid (a map, not counts) */
  int64_t nnamed;
  int64_t other; /* cid of _other; -1: none yet */
};

static enum hr_rc load_known(sqlite3 *db, sqlite3_stmt *q, int64_t slo_id, const char *fields, struct known *kn,
                             struct hr_err *err) {
  tally_init(&kn->k, 0);
  kn->loaded = 1;
  kn->other = -1;
  sqlite3_bind_int64(q, 1, slo_id);
  sqlite3_bind_text(q, 2, fields, -1, SQLITE_STATIC);
  int r;
  while ((r = sqlite3_step(q)) == SQLITE_ROW) {
    int64_t seq = sqlite3_column_int64(q, 1), cid = sqlite3_column_int64(q, 2);
    if (seq < 0) {
      kn->other = cid;
      continue;
    }
    kn->nnamed++;
    tally_put(&kn->k, 0, sqlite3_column_blob(q, 0), (size_t)sqlite3_column_bytes(q, 0), 0, (uint64_t)cid, 0, 0);
  }
  sqlite3_reset(q);
  sqlite3_clear_bindings(q);
  return r == SQLITE_DONE ? HR_OK : fail(db, err, "read");
}

/* Name a group: its counts' SLO row, then its grp row. */
static enum hr_rc add_group(struct hr_store *st, sqlite3_stmt *ins, int64_t slo_id, const char *fields, const char *key,
                            size_t klen, int64_t seq, int64_t *cid, struct hr_err *err) {
  char name[512];
  snprintf(name, sizeof name, "#group %" PRId64 " %.400s %" PRId64, slo_id, fields, seq);
  enum hr_rc rc = store_slo_id(st, name, cid, err);
  if (rc != HR_OK)
    return rc;
  sqlite3_bind_int64(ins, 1, slo_id);
  sqlite3_bind_text(ins, 2, fields, -1, SQLITE_STATIC);
  sqlite3_bind_blob(ins, 3, klen ? key : "", (int)klen, SQLITE_STATIC);
  sqlite3_bind_int64(ins, 4, seq);
  sqlite3_bind_int64(ins, 5, *cid);
  int r = sqlite3_step(ins);
  sqlite3_reset(ins);
  sqlite3_clear_bindings(ins);
  return r == SQLITE_DONE ? HR_OK : fail(store_db(st), err, "name a group");
}

static int cmp_seq(const void *a, const void *b) {
  const struct hr_tally_cell *x = *(const struct hr_tally_cell *const *)a, *y = *(const struct hr_tally_cell *const *)b;
  return x->seq < y->seq ? -1 : x->seq > y->seq;
}

enum hr_rc gbatch_write(struct hr_gbatch *g, struct hr_store *st, const int64_t *ids, struct hr_err *err) {
  if (g->m.n == 0)
    return HR_OK;
  sqlite3 *db = store_db(st);
  sqlite3_stmt *sel = NULL, *ins = NULL;
  enum hr_rc rc = HR_OK;
  if (sqlite3_prepare_v2(db, "SELECT key, seq, cid FROM grp WHERE slo_id = ?1 AND fields = ?2", -1, &sel, NULL) !=
          SQLITE_OK ||
      sqlite3_prepare_v2(db, "INSERT INTO grp(slo_id, fields, key, seq, cid) VALUES (?1, ?2, ?3, ?4, ?5)", -1, &ins,
                         NULL) != SQLITE_OK)
    rc = fail(db, err, "prepare");
  /* The batch's keys in the order first read. */
  size_t n = g->keys.n, k = 0;
  const struct hr_tally_cell **order = xcalloc(n ? n : 1, sizeof *order);
  for (size_t i = 0; i < g->keys.cap; i++)
    if (g->keys.c[i].used)
      order[k++] = &g->keys.c[i];
  qsort(order, k, sizeof *order, cmp_seq);
  size_t nseq = g->keys.next_seq;
  int64_t *cids = xcalloc(nseq ? nseq : 1, sizeof *cids);
  struct known *kn = xcalloc(g->nslo ? g->nslo : 1, sizeof *kn);
  for (size_t i = 0; i < k && rc == HR_OK; i++) {
    const struct hr_tally_cell *c = order[i];
    const struct gslo *s = &g->s[c->slo];
    struct known *w = &kn[c->slo];
    if (!w->loaded && (rc = load_known(db, sel, ids[c->slo], s->fields, w, err)) != HR_OK)
      break;
    const struct hr_tally_cell *f = tally_find(&w->k, 0, c->val, c->len, 0);
    if (f != NULL) {
      cids[c->seq] = (int64_t)f->good;
    } else if (w->nnamed < (int64_t)s->max) {
      rc = add_group(st, ins, ids[c->slo], s->fields, c->val, c->len, w->nnamed, &cids[c->seq], err);
      if (rc == HR_OK)
        tally_put(&w->k, 0, c->val, c->len, 0, (uint64_t)cids[c->seq], 0, 0);
      w->nnamed++;
    } else {
      if (w->other < 0)
        rc = add_group(st, ins, ids[c->slo], s->fields, NULL, 0, -1, &w->other, err);
      cids[c->seq] = w->other;
    }
  }
  if (rc == HR_OK) {
    counts_sort(&g->m); /* each group's minutes together, in time order */
    rc = store_add_counts(st, cids, &g->m, err);
  }
  for (size_t j = 0; j < g->nslo; j++)
    if (kn[j].loaded)
      tally_free(&kn[j].k);
  free(kn);
  free(cids);
  free(order);
  sqlite3_finalize(sel);
  sqlite3_finalize(ins);
  return rc;
}

enum hr_rc store_groups(struct hr_store *st, int64_t slo_id, const char *fields, struct hr_group_row **out, size_t *n,
                        struct hr_err *err) {
  *out = NULL;
  *n = 0;
  sqlite3 *db = store_db(st);
  sqlite3_stmt *q = NULL;
  if (sqlite3_prepare_v2(db, "SELECT cid, seq, key FROM grp WHERE slo_id = ?1 AND fields = ?2 ORDER BY seq < 0, seq",
                         -1, &q, NULL) != SQLITE_OK)
    return fail(db, err, "prepare");
  sqlite3_bind_int64(q, 1, slo_id);
  sqlite3_bind_text(q, 2, fields, -1, SQLITE_STATIC);
  struct hr_group_row *v = NULL;
  size_t k = 0;
  int r;
  while ((r = sqlite3_step(q)) == SQLITE_ROW) {
    v = xrealloc(v, (k + 1) * sizeof *v);
    struct hr_group_row *w = &v[k++];
    w->cid = sqlite3_column_int64(q, 0);
    w->seq = sqlite3_column_int64(q, 1);
    w->klen = (size_t)sqlite3_column_bytes(q, 2);
    w->key = w->seq < 0 ? NULL : xmalloc(w->klen + 1);
    if (w->key != NULL) {
      if (w->klen)
        memcpy(w->key, sqlite3_column_blob(q, 2), w->klen);
      w->key[w->klen] = 0;
    }
  }
  enum hr_rc rc = r == SQLITE_DONE ? HR_OK : fail(db, err, "read");
  sqlite3_finalize(q);
  if (rc != HR_OK) {
    store_groups_free(v, k);
    return rc;
  }
  *out = v;
  *n = k;
  return HR_OK;
}

void store_groups_free(struct hr_group_row *rows, size_t n) {
  for (size_t i = 0; i < n && rows != NULL; i++)
    free(rows[i].key);
  free(rows);
}
