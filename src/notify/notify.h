/* notify.h -- delivering alert transitions. Each transition becomes one
 * outbox row per notification target (Alertmanager v2 API or a JSON
 * webhook) in the same transaction as the alert state that caused it; a
 * sender delivers due rows and reschedules failures with backoff, so a
 * receiver that is down delays a notification, never drops it, and never
 * blocks ingestion. */
#ifndef HR_NOTIFY_H
#define HR_NOTIFY_H

#include <stdint.h>

#include "config/config.h"
#include "core/alert.h"
#include "core/err.h"
#include "store/store.h"

/* One transition to tell the world about. Strings are borrowed for the call. */
struct hr_notice {
  const struct hr_slo *slo;
  const char *labels; /* a group's alert: its labels (core/grpkey.h grp_labels_json()); NULL or "": the SLO's */
  const struct hr_condition *cond;
  enum hr_transition kind;          /* HR_TR_FIRING or HR_TR_RESOLVED */
  int64_t starts_at_us;             /* when it began firing */
  int64_t ends_at_us;               /* resolved: when; firing: 0 */
  struct hr_cond_result res;        /* what the condition measured */
  const struct hr_slo_state *state; /* the SLO's status at the round */
  const char *dashboard_url;        /* base URL of the dashboard, or NULL */
};

/* Queue n's payload for every target of the SLO's alert policies (SLOs on
 * the default conditions: every AlertNotificationTarget of the config).
 * Call inside the caller's store transaction. now_s: the round's time. */
enum hr_rc notify_enqueue(struct hr_store *st, const struct hr_config *cfg, const struct hr_notice *n, int64_t now_s,
                          struct hr_err *err);

struct hr_deliver_stats {
  int sent, failed, pending; /* pending: still queued after this pass */
};

#define NOTIFY_KEEP_SENT_S (30 * 86400)

/* Try every outbox row due at now_s (next_try <= now_s), oldest first,
 * with a per-request timeout. Success marks it sent; failure counts the
 * attempt and sets next_try = now_s + backoff(attempts) (doubling from 10 s,
 * capped at 10 min). Rows delivered more than NOTIFY_KEEP_SENT_S before
 * now_s are deleted; undelivered rows never are. Returns HR_OK unless the
 * store failed. */
enum hr_rc notify_deliver(struct hr_store *st, int64_t now_s, struct hr_deliver_stats *out /* OUT */,
                          struct hr_err *err);

#endif
