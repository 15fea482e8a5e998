/* alerts.h -- alert states and their transitions in the store (tables
 * `alert` and `alert_event`, schema v2, `incident`, v6, keyed by a group's
 * labels too since v8; see
 * docs/internals/store.md). Times
 * in the tables are UTC seconds; struct hr_alert carries microseconds.
 *
 * Every function runs its own statements on store_db(st); writes belong
 * inside the caller's store_begin() / store_commit(). On failure *err is
 * filled and nothing is returned in the OUT parameters. */
#ifndef HR_STORE_ALERTS_H
#define HR_STORE_ALERTS_H

#include <stddef.h>
#include <stdint.h>

#include "core/alert.h"
#include "core/err.h"
#include "store/store.h"

/* An alert is keyed by (slo, labels, condition): labels is the group's
 * labels for an alert of a grouped SLO's group (core/grpkey.h
 * grp_labels_json(), schema v8), "" (or NULL) for the SLO's own. */

/* The persisted state of (slo, labels, condition). *found = 0 (and *a
 * inactive, *updated_s = INT64_MIN) when there is no row. */
enum hr_rc alerts_get(struct hr_store *st, const char *slo, const char *labels, const char *condition,
                      struct hr_alert *a /* OUT */, int64_t *updated_s /* OUT */, int *found /* OUT */,
                      struct hr_err *err);

/* Insert or replace the row of (slo, labels, condition), whose condition is of kind. */
enum hr_rc alerts_put(struct hr_store *st, const char *slo, const char *labels, const char *condition,
                      enum hr_cond_kind kind, const char *severity, const struct hr_alert *a, double value,
                      int64_t updated_s, struct hr_err *err);

/* Append one transition (kind HR_TR_FIRING or HR_TR_RESOLVED) to alert_event. */
enum hr_rc alerts_event_add(struct hr_store *st, const char *slo, const char *labels, const char *condition,
                            const char *severity, enum hr_transition kind, int64_t at_s, double value,
                            const char *summary, struct hr_err *err);

/* Rows of the alert table (strings owned by the list). */
struct hr_alert_row {
  char *slo, *condition, *severity;
  char *labels;           /* the group's (grp_labels_json()), "" for the SLO's own alert */
  enum hr_cond_kind kind; /* of the condition when the row was written */
  struct hr_alert a;
  double value;
  int64_t updated_s;
};
struct hr_alert_event {
  int64_t id;
  char *slo, *condition, *severity, *summary;
  char *labels; /* as hr_alert_row's */
  enum hr_transition kind;
  int64_t at_s;
  double value;
};

/* Alerts whose state is in states_mask (bit 1 << enum hr_alert_state), by
 * SLO, labels, then condition. *out owned by the caller: alerts_rows_free(). */
enum hr_rc alerts_list(struct hr_store *st, unsigned states_mask, struct hr_alert_row **out /* OUT */,
                       size_t *n /* OUT */, struct hr_err *err);
void alerts_rows_free(struct hr_alert_row *rows, size_t n);

/* Transitions with id > after_id (oldest first, at most max; 0: all).
 * *out owned by the caller: alerts_events_free(). */
enum hr_rc alerts_events(struct hr_store *st, int64_t after_id, size_t max, struct hr_alert_event **out /* OUT */,
                         size_t *n /* OUT */, struct hr_err *err);
/* Transitions of slo (NULL: of every SLO) with from_s <= at < to_s, in time
 * order. */
enum hr_rc alerts_events_of(struct hr_store *st, const char *slo, int64_t from_s, int64_t to_s,
                            struct hr_alert_event **out /* OUT */, size_t *n /* OUT */, struct hr_err *err);
void alerts_events_free(struct hr_alert_event *ev, size_t n);

/* The persisted incident of (slo, labels, grp) (grp "page" or "ticket";
 * table `incident`, schema v6, labels v8). lead: the condition whose firing was sent, and its
 * kind; fired_at_us: when. *found = 0 (a closed incident, lead NULL,
 * updated INT64_MIN) when there is no row. *lead is owned by the caller. */
struct hr_incident_row {
  struct hr_incident g;
  char *lead; /* NULL: none */
  enum hr_cond_kind lead_kind;
  int64_t fired_at_us; /* INT64_MIN: never */
  int64_t updated_s;
};
enum hr_rc alerts_incident_get(struct hr_store *st, const char *slo, const char *labels, const char *grp,
                               struct hr_incident_row *out /* OUT */, int *found /* OUT */, struct hr_err *err);
enum hr_rc alerts_incident_put(struct hr_store *st, const char *slo, const char *labels, const char *grp,
                               const struct hr_incident_row *r, struct hr_err *err);

/* The newest alert_event id (0 when none). */
enum hr_rc alerts_last_event_id(struct hr_store *st, int64_t *id /* OUT */, struct hr_err *err);

#endif
