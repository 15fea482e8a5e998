/* timeline.h -- the event timeline of each service (docs/cli/annotate.md):
 * deploys, incidents, maintenance windows and notes, one row each in the
 * store's `annotation` table (schema v2, see docs/internals/store.md).
 *
 * Deploys mark where `report` starts counting the budget spent "since the
 * last deploy"; maintenance windows [at, end) exclude the events of every
 * SLO of their service (docs/cli/annotate.md gives the exact rule). Times
 * are UTC seconds; nothing here reads the clock. */
#ifndef HR_TIMELINE_H
#define HR_TIMELINE_H

#include <stddef.h>
#include <stdint.h>

#include "core/err.h"
#include "store/store.h"

#define HR_TEXT_MAX 4096 /* bytes of an annotation's text */

struct hr_annotation {
  int64_t id;
  char *service; /* owned by the list (timeline_list) or borrowed (timeline_add) */
  char *kind;    /* deploy | incident | maintenance | note */
  int64_t at_s;
  int has_end; /* maintenance: [at_s, end_s) */
  int64_t end_s;
  char *text; /* may be NULL */
  int64_t created_s;
};

/* 1 when kind is one of deploy, incident, maintenance, note. */
int timeline_kind_ok(const char *kind);

/* Record a (borrowed for the call). A maintenance annotation needs has_end
 * and end_s > at_s; other kinds take no end. text at most HR_TEXT_MAX bytes.
 * Runs in its own transaction unless one is open. *id (may be NULL) gets
 * the new row's id. On failure nothing is written and *err is filled
 * (HR_ERR_USAGE for a bad annotation, HR_ERR_DB for the store). */
enum hr_rc timeline_add(struct hr_store *st, const struct hr_annotation *a, int64_t *id /* OUT */, struct hr_err *err);

/* The annotations of service (NULL: every service) and kind (NULL: every
 * kind) that touch [from_s, to_s): a point annotation when from <= at < to,
 * a window when at < to and end > from. Ordered by at, then id. *out is
 * owned by the caller (timeline_free()); *out = NULL, *n = 0 when none or on
 * failure. */
enum hr_rc timeline_list(struct hr_store *st, const char *service, const char *kind, int64_t from_s, int64_t to_s,
                         struct hr_annotation **out /* OUT */, size_t *n /* OUT */, struct hr_err *err);
void timeline_free(struct hr_annotation *a, size_t n); /* NULL: no-op */
/* Free the strings of one annotation filled by timeline_last(). */
void timeline_clear(struct hr_annotation *a);

/* The newest annotation of service and kind with at <= at_s (ties: the
 * highest id). *found = 0 when there is none. out's strings are owned by the
 * caller (timeline_clear(out) when *found). */
enum hr_rc timeline_last(struct hr_store *st, const char *service, const char *kind, int64_t at_s,
                         struct hr_annotation *out /* OUT */, int *found /* OUT */, struct hr_err *err);

#endif
