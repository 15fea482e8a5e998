/* round.h -- one alert-evaluation round over the store: every condition in
 * force for every SLO at one whole minute, the persisted states stepped, the
 * transitions recorded and queued for delivery, all in one transaction.
 * Used by `headroom evaluate` (cron) and by `serve` (every minute). */
#ifndef HR_ROUND_H
#define HR_ROUND_H

#include <stdint.h>

#include "config/config.h"
#include "core/err.h"
#include "store/store.h"

struct hr_round_stats {
  int slos, conditions, firing, pending, fired, resolved;
};

/* Run one round at at_us rounded down to the minute. For each SLO: load its
 * buckets from st, slo_eval_ex(), evaluate its conditions (alert_conditions),
 * step each persisted state (alerts_get/alert_step); then, in ONE store
 * transaction, write the states, an alert_event row per transition and the
 * notifications (notify_enqueue). send: afterwards deliver what is due
 * (notify_deliver). A row whose last round is newer than at_us is left alone
 * (a round never steps a state backwards); a second round at the same minute
 * over the same counts changes nothing. dashboard_url (may be NULL) is put in
 * the notifications. *out (may be NULL) gets the counts: firing/pending after
 * the round, fired/resolved the transitions of this round. On failure nothing
 * of the round is kept and *err is filled. */
enum hr_rc alert_round(struct hr_store *st, const struct hr_config *cfg, int64_t at_us, int send,
                       const char *dashboard_url, struct hr_round_stats *out, struct hr_err *err);

#endif
