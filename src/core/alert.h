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
 * Two traffic rules keep noise from firing (docs/alerting.md, "Low traffic"):
 *   the guard   the bad events of the condition's lookback (the long one)
 *               must be significantly more than the budget allows: with
 *               lambda = valid * (1 - target), P(Poisson(lambda) >= bad) <
 *               HR_GUARD_ALPHA. On for every burn-rate condition whose
 *               factor is at least 1 and every exhaustion condition (a
 *               spent budget included: it fires at any burn), for an
 *               occurrences SLO; at high traffic a burn above a factor of 2
 *               or more always passes it;
 *   minEvents   a lookback (the long one) with fewer than slo->min_events
 *               valid events makes the condition inactive; a firing one
 *               stays on down to half of it (hysteresis). */
#ifndef HR_ALERT_H
#define HR_ALERT_H

#include <stddef.h>
#include <stdint.h>

#include "core/model.h"
#include "core/series.h"
#include "core/slo_eval.h"
#include "core/tz.h"

/* The low-traffic guard's level (docs/alerting.md): a count of bad events
 * the budget's own error rate reaches less than once in a thousand. */
#define HR_GUARD_ALPHA 0.001

/* The defaults (docs/alerting.md) for an SLO without alert policies: page 14.4x 1h&5m,
 * page 6x 6h&30m, ticket 3x 1d&2h, ticket 1x 3d&6h, and "nodata", a page after 5
 * minutes of data that is not ok. Static storage. */
const struct hr_condition *alert_default_conditions(size_t *n /* OUT */);

/* The conditions in force for slo: every condition of its policies, or the
 * defaults. Writes up to max pointers (borrowed from the config or static);
 * returns how many there are. */
size_t alert_conditions(const struct hr_slo *slo, const struct hr_condition **out, size_t max);

struct hr_cond_result {
  int active;      /* the condition holds at T */
  int low_traffic; /* inactive because the lookback had fewer than minEvents valid events */
  int guarded;     /* would hold but for the guard: its bad events are not significant */
  double value;    /* BURNRATE: long burn; EXHAUSTION: seconds to exhaustion (or -1 never); BUDGET: remaining;
                    * NODATA: enum hr_data */
  double value2;   /* BURNRATE: short burn; EXHAUSTION: the burn over the lookback; else 0 */
};

/* Evaluate c for slo at at_us from the counts in s (same grid rules as
 * slo_eval). `st` is the SLO's state at at_us from slo_eval (window,
 * remaining), used by EXHAUSTION and BUDGET. firing: the condition is firing
 * now (minEvents' hysteresis); 0 when unknown. */
void alert_cond_eval(const struct hr_slo *slo, const struct hr_condition *c, const struct hr_series *s,
                     const struct hr_slo_state *st, int64_t at_us, int firing, struct hr_cond_result *out /* OUT */);

/* The valid events a lookback needs for a condition of slo: minEvents, or
 * half of it (rounded up) while the condition fires. */
uint64_t alert_min_events(const struct hr_slo *slo, int firing);

/* The guard: bad events out of valid significantly more than slo's budget
 * allows (always 1 for timeslices SLOs: a bad slice is already a judgement
 * over many events). */
int alert_guard(const struct hr_slo *slo, uint64_t good, uint64_t valid);

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

/* One incident per SLO and severity (docs/alerting.md, "One page per
 * incident"): its members are the SLO's page conditions (alert_is_page), or
 * all its others (tickets). The first member to fire opens it and is notified;
 * members firing while it is open join it silently; it closes, with one
 * resolve, once no member has fired for HR_DAMPING_US, so a condition that
 * resolves and fires again within it continues the same incident. A ticket
 * incident is inhibited while the SLO's page incident is open: it is
 * notified only if a member still fires once the page incident has closed
 * (Alertmanager's inhibition), and its close only if it was notified. */
#define HR_DAMPING_US (INT64_C(30) * 60 * 1000000)

struct hr_incident {
  int open, notified;
  int64_t quiet_since_us; /* when its last member stopped firing; INT64_MIN while one fires */
};

/* The damping of the incident of conds[0..n) whose members are the page
 * conditions (page 1) or the others (page 0): the longest damping_us of its
 * members (an AlertPolicy's headroom.dev/damping), HR_DAMPING_US for those
 * without one; HR_DAMPING_US when it has no member. */
int64_t alert_damping(const struct hr_condition *const *conds, size_t n, int page);

/* Step an incident after its members were stepped at t_us: nfiring of them
 * fire now; inhibited: the SLO's page incident is open. Returns
 * HR_TR_FIRING when it is to be notified (it opened, or its inhibition
 * ended while a member fires), HR_TR_RESOLVED when a notified one closes,
 * else HR_TR_NONE. */
enum hr_transition incident_step(struct hr_incident *g, int nfiring, int inhibited, int64_t t_us, int64_t damping_us);

/* The alertname of a condition of kind k, the same in serve's notifications
 * and the generated Prometheus rules (docs/notifications.md): SLOBurnRate,
 * SLOBudgetExhaustion, SLOBudgetLow, SLONoData. Static storage. */
const char *alert_name(enum hr_cond_kind k);

/* 1 for severity "page" or "critical" (any case): the incident a ticket is
 * inhibited under, and burning "fast" in report; else 0. */
int alert_is_page(const struct hr_condition *c);

#endif
