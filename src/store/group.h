/* group.h -- the grouped counts of grouped SLOs (groupBy, store schema v7,
 * docs/internals/store.md "Version 7"). Each group of an SLO has a row in
 * the table grp naming the store id its counts are kept under: an SLO id of
 * its own (a row of the slo table named "#group <slo id> <fields> <seq>"),
 * so its minutes, hourly and daily rollups live in the minute, hour and day
 * tables and every reader of counts (store_sums, store_load) reads a group
 * as it reads an SLO.
 *
 * Which groups get their own budget: the first maxGroups distinct keys
 * (core/grpkey.h) of the SLO's valid events, in the order the writers
 * commit them (within a batch, the order read); every later key is counted
 * under the SLO's one _other group. The assignment is written in the same
 * transaction as the counts and never changes, so it is the same after a
 * restart, whatever is read next.
 *
 * ingest, serve's tailer and POST /api/v1/events collect a batch (struct
 * hr_gbatch) through the pipeline's per-event hook (store/detail.h's
 * details_hook, which feeds it) and write it with the batch's other
 * counts. An SLO without groupBy costs one branch per valid event. */
#ifndef HR_STORE_GROUP_H
#define HR_STORE_GROUP_H

#include <stddef.h>
#include <stdint.h>

#include "core/err.h"
#include "core/event.h"
#include "store/store.h"

/* ---- collecting (one thread) ---- */

struct hr_gbatch;

/* A batch for a configuration of nslo SLOs, none grouped yet. */
struct hr_gbatch *gbatch_new(size_t nslo);
void gbatch_free(struct hr_gbatch *g); /* NULL: no-op */
/* Group SLO slo by the fields fid[0..nf) of its format (names: fields, the
 * groupBy list joined by ',', copied), with max_groups groups of their own. */
void gbatch_set(struct hr_gbatch *g, size_t slo, const int *fid, size_t nf, const char *fields, uint32_t max_groups);
/* Count one valid event of SLO slo (nothing when it is not grouped). */
void gbatch_add(struct hr_gbatch *g, size_t slo, const struct hr_event *ev, int good);
/* What the batch's memory grows with: its (group, minute) cells and keys. */
size_t gbatch_cells(const struct hr_gbatch *g);
/* Forget the batch (after a commit or a rollback). */
void gbatch_clear(struct hr_gbatch *g);
/* Write the batch into st inside the caller's open transaction: name the
 * groups first seen (in the order read), then add the counts of every
 * group. ids[slo] is the store id of each SLO. On failure the caller rolls
 * back (the batch is left as it was). */
enum hr_rc gbatch_write(struct hr_gbatch *g, struct hr_store *st, const int64_t *ids, struct hr_err *err);

/* ---- reading ---- */

struct hr_group_row {
  int64_t cid; /* the store id its counts are kept under (store_sums, store_load) */
  int64_t seq; /* the order it was named in (0, 1, ...); -1 for _other */
  char *key;   /* core/grpkey.h (owned); NULL for _other */
  size_t klen;
};

/* The groups of SLO slo_id grouped by fields, named ones in the order they
 * were named, _other last. *out owned by the caller (store_groups_free());
 * NULL, 0 when there are none. */
enum hr_rc store_groups(struct hr_store *st, int64_t slo_id, const char *fields, struct hr_group_row **out /* OUT */,
                        size_t *n /* OUT */, struct hr_err *err);
void store_groups_free(struct hr_group_row *rows, size_t n);

#endif
