/* round.h -- one alert-evaluation round over the store: every condition in
 * force for every SLO at one whole minute, the persisted states stepped, the
 * transitions recorded and queued for delivery, all in one transaction.
 * Used by `headroom evaluate` (cron) and by `serve` (every minute). */
#ifndef HR_ROUND_H
#define HR_ROUND_H

#include <stdint.h>

#include "config/config.h"
#include "core/err.h"
#include "notify/notify.h"
#include "store/alerts.h"
#include "store/store.h"

struct hr_round_stats {
  int slos, conditions, firing, pending, fired, resolved; /* conditions' states and transitions */
  int notified; /* notifications queued: one firing and one resolve per incident (docs/alerting.md) */
};

/* Run one round at at_us rounded down to the minute. For each SLO: its
 * minutes and state exactly as engine_report() has them (maintenance
 * windows of the store's timeline included), its conditions (alert_conditions),
 * step each persisted state (alerts_get/alert_step), then the SLO's
 * incidents (incident_step); in ONE store transaction, write the states, an
 * alert_event row per transition, the incidents and their notifications
 * (notify_enqueue: one firing per incident, one resolve when it closes). send: afterwards deliver what is due
 * (notify_deliver). A row whose last round is newer than at_us is left alone
 * (a round never steps a state backwards); a second round at the same minute
 * over the same counts changes nothing. dashboard_url (may be NULL) is put in
 * the notifications. *out (may be NULL) gets the counts: firing/pending after
 * the round, fired/resolved the transitions of this round. On failure nothing
 * of the round is kept and *err is filled. */
enum hr_rc alert_round(struct hr_store *st, const struct hr_config *cfg, int64_t at_us, int send,
                       const char *dashboard_url, struct hr_round_stats *out, struct hr_err *err);

/* The alerts as they stood at at_us (docs/alerting.md, "As of an
 * instant"), of one SLO or of every one (slo NULL): a transition at or
 * before at_us has happened, one after it has not. *rows: one per (slo,
 * condition) that fired at or before at_us -- firing when its latest
 * transition then is a firing, else resolved, with both times -- and the
 * pending ones of the alert table whose last round is at or before at_us (a
 * later round says nothing of at_us); unordered. value and updated: the
 * table's when its last round is at or before at_us and agrees, else its
 * latest transition's. *ev (may be NULL): every transition at or before
 * at_us, in time order. Both owned by the caller (alerts_rows_free(),
 * alerts_events_free()). The one rule of GET /api/v1/alerts and of an SLO's
 * page. */
enum hr_rc engine_alerts_as_of(struct hr_store *st, const char *slo, int64_t at_us,
                               struct hr_alert_row **rows /* OUT */, size_t *nrows /* OUT */,
                               struct hr_alert_event **ev /* OUT */, size_t *nev /* OUT */, struct hr_err *err);

/* The alerts as they stood at at_us (engine_alerts_as_of()): the firing and
 * pending ones (firing first, then by SLO, group and condition), and transitions:
 * with after_id >= 0 those after it (oldest first, at most max; 0: all),
 * with a negative after_id the latest max at or before at_us (newest
 * first). st: an open store, or NULL to open db read-only (one snapshot). */
struct hr_alert_view {
  struct hr_alert_row *rows;
  size_t nrows;
  struct hr_alert_event *events;
  size_t nevents;
};
enum hr_rc engine_alerts(struct hr_store *st, const char *db, int64_t at_us, int64_t after_id, size_t max,
                         struct hr_alert_view *out /* OUT */, struct hr_err *err);
void alert_view_free(struct hr_alert_view *v);

/* `headroom evaluate`: one round at at_us over the store db (which must
 * exist), then with send the delivery of what is due, then the alerts as
 * they stood at the round's minute and this round's transitions. */
struct hr_evaluation {
  struct hr_round_stats round;
  struct hr_deliver_stats delivery; /* with send */
  struct hr_alert_view view;        /* events: this round's transitions */
};
enum hr_rc engine_evaluate(const struct hr_config *cfg, const char *db, int64_t at_us, int send, const char *url,
                           struct hr_evaluation *out /* OUT */, struct hr_err *err);

#endif
