/* health.c -- see health.h. */
#include "engine/health.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/expr.h"
#include "core/timeparse.h"
#include "engine/report.h"
#include "prom/prom.h"
#include "util/xmalloc.h"

void seen_init(struct hr_seen *s) {
  memset(s, 0, sizeof *s);
  s->last_event_us = INT64_MIN;
}

void seen_free(struct hr_seen *s) {
  for (size_t i = 0; i < s->nfields; i++)
    free(s->names[i]);
  free(s->names);
  free(s->field_last_us);
  seen_init(s);
}

static void seen_field(struct hr_seen *s, const char *name, int64_t last) {
  for (size_t i = 0; i < s->nfields; i++)
    if (strcmp(s->names[i], name) == 0) {
      if (last > s->field_last_us[i])
        s->field_last_us[i] = last;
      return;
    }
  s->names = xrealloc(s->names, (s->nfields + 1) * sizeof *s->names);
  s->field_last_us = xrealloc(s->field_last_us, (s->nfields + 1) * sizeof *s->field_last_us);
  s->names[s->nfields] = xstrdup(name);
  s->field_last_us[s->nfields++] = last;
}

static void seen_last(struct hr_seen *s, int64_t last) {
  if (last > s->last_event_us)
    s->last_event_us = last;
}

void seen_add_stats(struct hr_seen *s, const struct hr_pipeline *p, size_t si, const struct hr_scan_stats *st) {
  const char *names[HR_MAX_FIELDS];
  int64_t last[HR_MAX_FIELDS];
  struct hr_source_batch b;
  pipeline_source_batch(p, si, st, names, last, &b);
  s->known = 1;
  s->lines += b.lines;
  s->malformed += b.malformed;
  seen_last(s, b.last_event_us);
  for (size_t i = 0; i < b.nfields; i++)
    seen_field(s, names[i], last[i]);
}

void seen_add_store(struct hr_seen *s, const struct hr_source_state *ss) {
  s->known = 1;
  s->lines += ss->recent_lines;
  s->malformed += ss->recent_malformed;
  seen_last(s, ss->last_event_us);
  for (size_t i = 0; i < ss->nfields; i++)
    seen_field(s, ss->fields[i], ss->field_last_us[i]);
}

void seen_add_series(struct hr_seen *s, const struct hr_series *x) {
  if (x->pages == NULL || x->head == INT64_MIN)
    return;
  s->known = 1;
  int64_t lo = x->head - (int64_t)x->cap + 1;
  for (int64_t k = x->head; k >= lo; k--) {
    uint64_t g, v;
    series_get(x, k, &g, &v);
    if (v > 0) {
      seen_last(s, series_start(x, k));
      return;
    }
  }
}

size_t slo_filter_fields(const struct hr_pipeline *p, size_t j, const char **names) {
  const struct hr_slo_rt *rt = &p->slo[j];
  if (rt->slo == NULL)
    return 0;
  size_t si = 0;
  while (si < p->nsrc && p->src[si].ds != rt->slo->source)
    si++;
  if (si == p->nsrc || p->src[si].fmt == NULL)
    return 0;
  uint64_t m = (rt->good ? expr_fields(rt->good) : 0) | (rt->bad ? expr_fields(rt->bad) : 0) |
               (rt->total ? expr_fields(rt->total) : 0);
  m &= ~((uint64_t)1 << HR_F_TIME);
  size_t n = 0;
  for (; m != 0; m &= m - 1) {
    const char *name = format_field_name(p->src[si].fmt, __builtin_ctzll(m));
    if (name != NULL)
      names[n++] = name;
  }
  return n;
}

void engine_health(const struct hr_slo *slo, struct hr_slo_state *st, const struct hr_seen *seen,
                   const char *const *fields, size_t nfields, int64_t at_us, int64_t *last_event_us, char *reason,
                   size_t reason_n) {
  const struct hr_datasource *ds = slo->source;
  const char *dsname = ds != NULL ? ds->name : "its DataSource";
  double max_bad = ds != NULL ? ds->max_malformed : 0.5;
  int64_t stale_us = ds != NULL && ds->stale_after_us > 0 ? ds->stale_after_us : 3600000000LL;
  int64_t last = seen->known ? seen->last_event_us : INT64_MIN;
  char a[48], b[48];
  *last_event_us = last;
  reason[0] = '\0';
  if (seen->lines > 0 && (double)seen->malformed > max_bad * (double)seen->lines) {
    snprintf(reason, reason_n, "%.0f%% of the latest %llu lines read from %s were malformed (maxMalformedRatio %g)",
             100.0 * (double)seen->malformed / (double)seen->lines, (unsigned long long)seen->lines, dsname, max_bad);
    slo_eval_data(st, HR_DATA_UNREADABLE);
    return;
  }
  if (last != INT64_MIN && last >= st->window_start_us)
    for (size_t i = 0; i < nfields; i++)
      for (size_t k = 0; k < seen->nfields; k++)
        if (strcmp(seen->names[k], fields[i]) == 0 && seen->field_last_us[k] < st->window_start_us) {
          snprintf(reason, reason_n,
                   "no event read from %s in the window has a value for '%s', which the SLO's filters read", dsname,
                   fields[i]);
          slo_eval_data(st, HR_DATA_UNREADABLE);
          return;
        }
  if (!st->has_sli) {
    if (last == INT64_MIN)
      snprintf(reason, reason_n, "nothing has been read from %s", dsname);
    else
      snprintf(reason, reason_n, "no valid event in the window; the newest event of %s is at %s", dsname,
               time_format_rfc3339(last, a, sizeof a));
    slo_eval_data(st, HR_DATA_NONE);
    return;
  }
  if (last != INT64_MIN && at_us - last > stale_us) {
    snprintf(reason, reason_n, "the newest event of %s is %s old (staleAfter %s)", dsname,
             human_duration((double)(at_us - last) / 1e6, a, sizeof a), duration_format(stale_us, b, sizeof b));
    slo_eval_data(st, HR_DATA_STALE);
    return;
  }
  slo_eval_data(st, HR_DATA_OK);
}

enum hr_rc engine_slo_health(const struct hr_config *cfg, const struct hr_pipeline *p, struct hr_store *st,
                             const struct hr_scan_stats *src, size_t j, const struct hr_series *s, int64_t t_us,
                             struct hr_report_slo *rs, struct hr_err *err) {
  const struct hr_slo *slo = &cfg->slos[j];
  size_t si = (size_t)(slo->source - cfg->sources);
  int prom = prom_slo_is_prom(slo);
  enum hr_rc rc = HR_OK;
  struct hr_seen seen;
  seen_init(&seen);
  if (prom)
    seen_add_series(&seen, s);
  if (src != NULL && p != NULL)
    seen_add_stats(&seen, p, si, src);
  if (st != NULL && !prom) {
    struct hr_source_state ss;
    int found = 0;
    rc = store_source_get(st, slo->source->name, &ss, &found, err);
    if (found)
      seen_add_store(&seen, &ss);
    else if (src == NULL)
      seen_add_series(&seen, s);
    store_source_state_free(&ss);
  }
  const char *fields[HR_MAX_FIELDS];
  size_t nf = p != NULL ? slo_filter_fields(p, j, fields) : 0;
  char why[512];
  engine_health(slo, &rs->st, &seen, fields, nf, t_us, &rs->last_event_us, why, sizeof why);
  free(rs->data_reason);
  rs->data_reason = why[0] ? xstrdup(why) : NULL;
  if (rs->st.data == HR_DATA_UNREADABLE) /* its figures were false: nothing burns */
    memset(&rs->now, 0, sizeof rs->now);
  seen_free(&seen);
  return rc;
}
