/* history.c -- see history.h. */
#include "engine/history.h"

#include <stdlib.h>
#include <string.h>

#include "engine/impl.h"
#include "prom/prom.h"
#include "util/imath.h"
#include "util/xmalloc.h"

int64_t slo_window_us(const struct hr_slo *slo) {
  return slo->window.length_us > 0 ? slo->window.length_us : 1;
}

/* The durations of valid events, per SLO (a pipeline hook). */
static void lat_hook(void *ctx, size_t j, const struct hr_event *ev, const char *line, size_t len, int good) {
  (void)line;
  (void)len;
  (void)good;
  const struct hr_val *v = event_get(ev, HR_F_DURATION);
  int b = v != NULL && v->type == HR_V_NUM ? latency_bucket(v->num) : -1;
  if (b >= 0)
    ((uint64_t(*)[HR_LAT_BUCKETS])ctx)[j][b]++;
}

/* Read the logs into per-SLO rings of HR_HISTORY_DAYS, and their durations. */
static enum hr_rc read_logs(struct hr_history *h, const struct hr_read_opts *o, struct hr_effective *eff,
                            struct hr_err *err) {
  const struct hr_config *cfg = h->cfg;
  size_t ns = cfg->nslos ? cfg->nslos : 1;
  h->series = xcalloc(ns, sizeof *h->series);
  h->lat = xcalloc(ns, sizeof *h->lat);
  for (size_t j = 0; j < cfg->nslos; j++)
    series_init(&h->series[j], MINUTE_US, 0,
                (size_t)(HR_HISTORY_DAYS * 1440) + slo_eval_span(&cfg->slos[j], MINUTE_US));
  h->rd.has_logs = 1;
  return engine_read_logs_hooked(&eff->eff, &o->in, o->has_at ? o->at_us : o->now_us + 5 * MINUTE_US, h->series,
                                 lat_hook, h->lat, (uint64_t)1 << HR_F_DURATION, &h->rd, err);
}

enum hr_rc history_open(const struct hr_config *cfg, const struct hr_read_opts *o, struct hr_history *h,
                        struct hr_err *err) {
  memset(h, 0, sizeof *h);
  scan_stats_init(&h->rd.stats);
  h->cfg = cfg;
  size_t ns = cfg->nslos ? cfg->nslos : 1;
  h->ids = xcalloc(ns, sizeof *h->ids);
  h->first_us = xcalloc(ns, sizeof *h->first_us);
  for (size_t j = 0; j < ns; j++) {
    h->ids[j] = -1;
    h->first_us[j] = INT64_MAX;
  }
  const char *db = o->in.db ? o->in.db : cfg->db_path;
  enum hr_rc rc = HR_OK;
  if (o->in.nlogs == 0 || o->in.store || o->in.db != NULL) {
    if (db == NULL)
      rc = HR_FAIL(err, HR_ERR_USAGE, "no store configured; name log files or --db");
    else
      rc = store_open_ro(db, &h->st, err);
    if (rc == HR_ERR_NOTFOUND && o->in.nlogs > 0)
      rc = HR_OK; /* --db named with logs, store absent */
    else if (rc == HR_ERR_NOTFOUND)
      rc = HR_FAIL(err, HR_ERR_NOTFOUND, "no log files named and no store at %s (run 'headroom ingest' first)", db);
  }
  int found = 0;
  if (rc == HR_OK) {
    rc = engine_timeline(h->st, db, &h->rd.timeline, &h->rd.ntimeline, &found, err);
    h->rd.has_timeline = found;
  }
  struct hr_effective eff;
  effective_init(&eff, cfg, h->rd.timeline, h->rd.ntimeline);
  if (rc == HR_OK && o->in.nlogs > 0)
    rc = read_logs(h, o, &eff, err);
  effective_done(&eff);
  for (size_t j = 0; j < cfg->nslos && rc == HR_OK && h->st != NULL; j++) {
    int64_t id, first;
    enum hr_rc r2 = store_slo_find(h->st, cfg->slos[j].name, &id, err);
    if (r2 == HR_ERR_NOTFOUND)
      continue;
    if (r2 == HR_OK)
      r2 = store_first_minute(h->st, id, &first, err);
    if (r2 != HR_OK) {
      rc = r2;
      break;
    }
    h->ids[j] = id;
    if (first != INT64_MIN)
      h->first_us[j] = first * 1000000;
  }
  for (size_t j = 0; j < cfg->nslos && rc == HR_OK && h->series != NULL; j++) {
    const struct hr_series *s = &h->series[j];
    if (s->head == INT64_MIN)
      continue;
    for (int64_t k = s->head - (int64_t)s->cap + 1; k <= s->head; k++) {
      uint64_t g, v;
      series_get(s, k, &g, &v);
      if (v > 0) {
        if (series_start(s, k) < h->first_us[j])
          h->first_us[j] = series_start(s, k);
        break;
      }
    }
  }
  if (rc == HR_OK) {
    int64_t last = h->rd.stats.last_us;
    h->at_us = o->has_at ? (h->st != NULL ? floor_div(o->at_us, MINUTE_US) * MINUTE_US : o->at_us)
               : h->st != NULL || last == INT64_MIN ? (floor_div(o->now_us, MINUTE_US) + 1) * MINUTE_US
                                                    : (floor_div(last, MINUTE_US) + 1) * MINUTE_US;
  }
  if (rc != HR_OK)
    history_close(h);
  return rc;
}

void history_close(struct hr_history *h) {
  for (size_t j = 0; h->series != NULL && j < h->cfg->nslos; j++)
    series_reset(&h->series[j]);
  free(h->series);
  free(h->lat);
  free(h->ids);
  free(h->first_us);
  store_close(h->st);
  report_free(&h->rd);
  memset(h, 0, sizeof *h);
}

/* Store sums of the whole minutes of [from_s, to_s) less those inside the
 * maintenance windows of the SLO's service (merged, so a minute counts off
 * once). */
static enum hr_rc store_counts(struct hr_history *h, size_t j, int64_t from_s, int64_t to_s, uint64_t *good,
                               uint64_t *valid, struct hr_err *err) {
  enum hr_rc rc = store_sums(h->st, h->ids[j], from_s, to_s, good, valid, err);
  const struct hr_slo *slo = &h->cfg->slos[j];
  int64_t done = from_s; /* minutes before this are already taken off */
  for (size_t i = 0; rc == HR_OK && i < h->rd.ntimeline; i++) {
    const struct hr_annotation *a = &h->rd.timeline[i]; /* in time order */
    if (strcmp(a->kind, "maintenance") != 0 || !a->has_end || !slo_of_service(slo, a->service))
      continue;
    int64_t lo = ceil_to(a->at_s, 60), hi = floor_to(a->end_s, 60);
    if (lo < done)
      lo = done;
    if (hi > to_s)
      hi = to_s;
    if (hi <= lo)
      continue;
    uint64_t g = 0, v = 0;
    rc = store_sums(h->st, h->ids[j], lo, hi, &g, &v, err);
    *good -= g < *good ? g : *good;
    *valid -= v < *valid ? v : *valid;
    done = hi;
  }
  return rc;
}

enum hr_rc history_counts(struct hr_history *h, size_t j, int64_t from_us, int64_t to_us, uint64_t *good,
                          uint64_t *valid, struct hr_err *err) {
  *good = *valid = 0;
  if (to_us > h->at_us)
    to_us = h->at_us;
  if (to_us <= from_us)
    return HR_OK;
  if (h->series != NULL) {
    const struct hr_series *s = &h->series[j];
    int64_t k0 = series_index(s, from_us), k1 = series_index(s, to_us);
    if (series_start(s, k0) < from_us)
      k0++;
    if (series_start(s, k1) < to_us)
      k1++;
    uint64_t g = 0, v = 0;
    if (k1 > k0)
      series_sum(s, k0, k1, &g, &v);
    *good += g;
    *valid += v;
  }
  if (h->st != NULL && h->ids[j] >= 0) {
    uint64_t g = 0, v = 0;
    enum hr_rc rc = store_counts(h, j, ceil_to(floor_div(from_us, 1000000), 60), ceil_to(floor_div(to_us, 1000000), 60),
                                 &g, &v, err);
    if (rc != HR_OK)
      return rc;
    *good += g;
    *valid += v;
  }
  return HR_OK;
}

enum hr_rc history_minutes(struct hr_history *h, size_t j, int64_t from_us, size_t n, uint64_t *good, uint64_t *valid,
                           struct hr_err *err) {
  memset(good, 0, n * sizeof *good);
  memset(valid, 0, n * sizeof *valid);
  int64_t to_us = from_us + (int64_t)n * MINUTE_US;
  if (to_us > h->at_us)
    to_us = h->at_us;
  if (to_us <= from_us)
    return HR_OK;
  size_t m = (size_t)ceil_div(to_us - from_us, MINUTE_US); /* minutes that start before the instant */
  if (h->series != NULL) {
    const struct hr_series *s = &h->series[j];
    int64_t k0 = series_index(s, from_us);
    for (size_t i = 0; i < m; i++)
      series_get(s, k0 + (int64_t)i, &good[i], &valid[i]);
  }
  const struct hr_slo *slo = &h->cfg->slos[j];
  if (h->st != NULL && h->ids[j] >= 0 && !prom_slo_is_prom(slo)) {
    struct hr_series s;
    series_init(&s, MINUTE_US, 0, m);
    enum hr_rc rc = engine_slo_minutes(h->st, slo, h->rd.timeline, h->rd.ntimeline, from_us + (int64_t)m * MINUTE_US,
                                       &s, NULL, err);
    int64_t k0 = series_index(&s, from_us);
    for (size_t i = 0; rc == HR_OK && i < m; i++) {
      uint64_t g, v;
      series_get(&s, k0 + (int64_t)i, &g, &v);
      good[i] += g;
      valid[i] += v;
    }
    series_reset(&s);
    return rc;
  }
  return HR_OK;
}

enum hr_rc history_latency(struct hr_history *h, size_t j, uint64_t *hist, struct hr_err *err) {
  if (h->lat != NULL)
    for (int b = 0; b < HR_LAT_BUCKETS; b++)
      hist[b] += h->lat[j][b];
  if (h->st != NULL && h->ids[j] >= 0 && h->first_us[j] != INT64_MAX)
    return details_histogram(h->st, h->ids[j], floor_div(h->first_us[j], 1000000), floor_div(h->at_us, 1000000), hist,
                             err);
  return HR_OK;
}
