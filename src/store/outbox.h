/* outbox.h -- the notification outbox in the store (table `outbox`, schema
 * v2; see docs/internals/store.md and docs/notifications.md). One row per
 * (transition, target): the payload to POST, where to, and its retry state.
 * Times are UTC seconds; nothing here reads the clock or decides a backoff
 * (src/notify/notify.c does).
 *
 * Every function runs its own statements on store_db(st); writes belong
 * inside the caller's store_begin() / store_commit() (outbox_add inside the
 * transaction of the alert state that caused it). On failure *err is filled
 * and nothing is returned in the OUT parameters. */
#ifndef HR_STORE_OUTBOX_H
#define HR_STORE_OUTBOX_H

#include <stddef.h>
#include <stdint.h>

#include "core/err.h"
#include "store/store.h"

/* Queue payload for target (its name; kind "alertmanager" or "webhook")
 * at url: created = next_try = now_s, attempts 0, not sent. */
enum hr_rc outbox_add(struct hr_store *st, const char *target, const char *kind, const char *url, const char *payload,
                      int64_t now_s, struct hr_err *err);

/* A row to try (strings owned by the list). */
struct hr_outbox_row {
  int64_t id;
  int64_t attempts; /* failed attempts so far */
  char *url, *payload;
};

/* The unsent rows due at now_s (next_try <= now_s), oldest (lowest id)
 * first, at most max (0: all). A row waits while an older unsent row to
 * the same URL is not yet due, so a resolve never overtakes its firing.
 * *out owned by the caller: outbox_rows_free(); *out = NULL, *n = 0 when
 * none. */
enum hr_rc outbox_due(struct hr_store *st, int64_t now_s, size_t max, struct hr_outbox_row **out /* OUT */,
                      size_t *n /* OUT */, struct hr_err *err);
void outbox_rows_free(struct hr_outbox_row *rows, size_t n); /* NULL: no-op */

/* Row id was delivered at sent_s: sent = sent_s, last_error cleared. */
enum hr_rc outbox_mark_sent(struct hr_store *st, int64_t id, int64_t sent_s, struct hr_err *err);

/* A failed attempt on row id: attempts, next_try and last_error (the reason,
 * may be NULL) set as given; sent stays NULL. */
enum hr_rc outbox_mark_failed(struct hr_store *st, int64_t id, int64_t attempts, int64_t next_try_s,
                              const char *last_error, struct hr_err *err);

/* Delete the rows delivered before before_s (sent < before_s). Rows never
 * delivered are never deleted. */
enum hr_rc outbox_prune_sent(struct hr_store *st, int64_t before_s, struct hr_err *err);

/* The number of unsent rows (due or not). */
enum hr_rc outbox_pending(struct hr_store *st, int64_t *n /* OUT */, struct hr_err *err);

#endif
