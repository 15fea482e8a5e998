/* composite.h -- the state of a composite SLO from the states of its
 * components (OpenSLO v1 objectives with their own indicators, weighted by
 * compositeWeight). The math is docs/internals/math.md, "Composite SLOs":
 * the budget consumed is the weighted mean of the components' consumed
 * budgets, every burn rate the weighted mean of theirs, the status from the
 * same thresholds table.
 *
 * Pure: no I/O, no clock. */
#ifndef HR_COMPOSITE_H
#define HR_COMPOSITE_H

#include <stddef.h>

#include "core/model.h"
#include "core/slo_eval.h"

/* Combine the states st[0..n) of the components of k (in k->members order,
 * weights k->weights) into out. st[i] are borrowed for the call; every
 * component must have been evaluated at the same instant. */
void composite_eval(const struct hr_composite *k, const struct hr_slo_state *const *st,
                    struct hr_slo_state *out /* OUT */);

#endif
