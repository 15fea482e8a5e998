/* daemon.c -- see daemon.h. */
#include "engine/daemon.h"

#include <stdlib.h>
#include <string.h>

#include "store/store.h"
#include "util/imath.h"
#include "util/xmalloc.h"

struct hr_daemon {
  const struct hr_config *cfg;
  struct hr_store *st;
  struct hr_tail *tail;
  char *url;
  int64_t last_round_min;
};

enum hr_rc daemon_open(const struct hr_config *cfg, const char *db, struct hr_daemon **out, struct hr_err *err) {
  *out = NULL;
  struct hr_daemon *d = xcalloc(1, sizeof *d);
  d->cfg = cfg;
  d->last_round_min = INT64_MIN;
  enum hr_rc rc = store_open(db, &d->st, err);
  if (rc == HR_OK)
    rc = tail_new(cfg, d->st, &d->tail, err);
  if (rc != HR_OK) {
    daemon_close(d);
    return rc;
  }
  *out = d;
  return HR_OK;
}

void daemon_set_url(struct hr_daemon *d, const char *url) {
  free(d->url);
  d->url = url ? xstrdup(url) : NULL;
}

enum hr_rc daemon_set_config(struct hr_daemon *d, const struct hr_config *cfg, struct hr_err *err) {
  enum hr_rc rc = tail_set_config(d->tail, cfg, err);
  if (rc == HR_OK)
    d->cfg = cfg;
  return rc;
}

void daemon_step(struct hr_daemon *d, double mono_s, int64_t t_us, struct hr_daemon_step *out) {
  memset(out, 0, sizeof *out);
  out->tail_rc = tail_poll(d->tail, mono_s, &out->tail_err);
  tail_stats(d->tail, &out->tail);
  int64_t minute = floor_div(t_us, 60000000);
  if (minute != d->last_round_min) {
    d->last_round_min = minute;
    out->round_ran = 1;
    out->round_rc = alert_round(d->st, d->cfg, t_us, 1, d->url, &out->round, &out->round_err);
  }
}

void daemon_close(struct hr_daemon *d) {
  if (d == NULL)
    return;
  tail_free(d->tail);
  store_close(d->st);
  free(d->url);
  free(d);
}
