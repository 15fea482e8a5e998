/* exclude.h -- maintenance windows and known-bad periods (docs/internals/math.md
 * "Exclusions"): is an event at instant t excluded from an SLO?
 *
 * A checker caches the interval around the last answer, so the per-event
 * cost on time-ordered input is two comparisons. */
#ifndef HR_EXCLUDE_H
#define HR_EXCLUDE_H

#include <stdint.h>

#include "core/model.h"
#include "core/err.h"
#include "core/tz.h"

struct hr_excluder;

/* Build a checker for n exclusions (recurring ones use the zone the
 * configuration loaded for them, UTC when none). Owned by the caller
 * (excluder_free()); NULL when n is 0 (excluder_test(NULL, t) is 0). */
struct hr_excluder *excluder_new(const struct hr_exclusion *ex, size_t n);
void excluder_free(struct hr_excluder *x);

/* 1 when t_us falls in an exclusion. x may be NULL (never excluded). */
int excluder_test(struct hr_excluder *x, int64_t t_us);

/* The excluded intervals that intersect [from_us, to_us), in order, written
 * to out (at most max); returns how many there are (may exceed max). */
size_t excluder_list(struct hr_excluder *x, int64_t from_us, int64_t to_us, int64_t (*out)[2], size_t max);

#endif
