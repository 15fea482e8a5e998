/* alert.h -- burn-rate alert conditions (docs/alerting.md) and the
 * pending -> firing -> resolved state machine. Pure: no I/O, no clock.
 *
 * A condition is evaluated for one SLO at one instant T from its counts:
 *   HR_COND_BURNRATE    burn over [T-long, T) > factor AND (short_us == 0 or
 *                       burn over [T-short, T) > factor)
 *   HR_COND_EXHAUSTION  time to exhaustion at the burn over [T-long, T)
 *                       < horizon (remaining * W / burn; exhausted counts)
 *   HR_COND_BUDGET      remaining budget < level
 *   HR_COND_NODATA      the SLO's data is not ok (st->data: none, stale or
 *                       unreadable); no other condition holds on unreadable
 *                       data
 * A lookback with fewer than slo->min_events valid events is low traffic and
 * makes its condition inactive (it fires nothing). */
#ifndef HR_ALERT_H
#define HR_ALERT_H

#include <stddef.h>
#include <stdint.h>

#include "core/model.h"
#include "core/series.h"
#include "core/slo_eval.h"
#include "core/tz.h"

/* The defaults (docs/alerting.md) for an SLO without alert policies: page 14.4x 1h&5m,
 * page 6x 6h&30m, ticket 3x 1d&2h, ticket 1x 3d&6h. Static storage. */
const struct hr_condition *alert_default_conditions(size_t *n /* OUT */);

/* The conditions in force for slo: every condition of its policies, or the
 * defaults. Writes up to max pointers (borrowed from the config or static);
 * returns how many there are. */
size_t alert_conditions(const struct hr_slo *slo, const struct hr_condition **out, size_t max);

struct hr_cond_result {
  int active;      /* the condition holds at T */
  int low_traffic; /* inactive because a lookback had too few events */
  double value;    /* BURNRATE: long burn; EXHAUSTION: seconds to exhaustion (or -1 never); BUDGET: remaining;
                    * NODATA: enum hr_data */
  double value2;   /* BURNRATE: short burn; EXHAUSTION: the burn over the lookback; else 0 */
};

/* Evaluate c for slo at at_us from the counts in s (same grid rules as
 * slo_eval). `st` is the SLO's state at at_us from slo_eval (window,
 * remaining), used by EXHAUSTION and BUDGET. */
void alert_cond_eval(const struct hr_slo *slo, const struct hr_condition *c, const struct hr_series *s,
                     const struct hr_slo_state *st, int64_t at_us, struct hr_cond_result *out /* OUT */);

/* 1 when alert_cond_eval() of c reads the series s: a burn-rate or
 * exhaustion condition whose lookback (or short window) is not one of the
 * SLO's lookbacks, which st already holds. 0: s is never read. */
int alert_cond_needs_series(const struct hr_slo *slo, const struct hr_condition *c);

enum hr_alert_state { HR_AL_INACTIVE = 0, HR_AL_PENDING, HR_AL_FIRING, HR_AL_RESOLVED };
const char *alert_state_name(enum hr_alert_state s); /* "inactive", "pending", "firing", "resolved" */
int alert_state_from_name(const char *name);         /* -1 when unknown */

struct hr_alert {
  enum hr_alert_state state;
  int64_t since_us;       /* when the current state began */
  int64_t fired_at_us;    /* INT64_MIN when it never fired */
  int64_t resolved_at_us; /* INT64_MIN while firing / never resolved */
};

enum hr_transition { HR_TR_NONE = 0, HR_TR_FIRING, HR_TR_RESOLVED };

/* One evaluation round at t_us: a condition that holds moves inactive or
 * resolved -> pending, and pending -> firing once it has held for
 * alert_after_us (at once when 0); one that stops holding moves pending ->
 * inactive and firing -> resolved. Returns the transition to notify. */
enum hr_transition alert_step(struct hr_alert *a, int active, int64_t t_us, int64_t alert_after_us);

#endif
