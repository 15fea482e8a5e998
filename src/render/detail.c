/* detail.c -- see detail.h. */
#include "render/detail.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "core/jw.h"
#include "core/timeparse.h"
#include "render/alerts.h"
#include "render/report.h"
#include "util/imath.h"

static double round_us(double x) {
  return isfinite(x) ? round(x * 1e6) / 1e6 : x;
}

static void num_array(struct hr_jw *w, const char *key, const double *v, size_t n) {
  jw_arr(w, key);
  for (size_t i = 0; i < n; i++)
    jw_num(w, NULL, v[i]); /* NAN: null */
  jw_arr_end(w);
}

static void uint_array(struct hr_jw *w, const char *key, const uint64_t *v, size_t n) {
  jw_arr(w, key);
  for (size_t i = 0; i < n; i++)
    jw_uint(w, NULL, v[i]);
  jw_arr_end(w);
}

/* step_seconds, t, sli and budget_remaining of v. */
static void series_head(struct hr_jw *w, const struct hr_series_view *v) {
  jw_int(w, "step_seconds", v->step_us / 1000000);
  jw_arr(w, "t");
  for (size_t i = 0; i < v->n; i++)
    jw_int(w, NULL, floor_div(v->t_us[i], 1000000));
  jw_arr_end(w);
  num_array(w, "sli", v->sli, v->n);
  num_array(w, "budget_remaining", v->budget_remaining, v->n);
}

void series_view_json(struct hr_jw *w, const char *key, const struct hr_series_view *v) {
  char buf[64], k[80];
  jw_obj(w, key);
  series_head(w, v);
  for (size_t b = 0; b < v->nburn; b++) {
    snprintf(k, sizeof k, "burn_rate_%s", duration_format(v->lookback_us[b], buf, sizeof buf));
    num_array(w, k, v->burn[b], v->n);
  }
  uint_array(w, "good", v->good, v->n);
  uint_array(w, "valid", v->valid, v->n);
  jw_obj_end(w);
}

void trend_json(struct hr_jw *w, const char *key, const struct hr_series_view *v) {
  jw_obj(w, key);
  series_head(w, v);
  jw_obj_end(w);
}

static const char *cond_kind(enum hr_cond_kind k) {
  return k == HR_COND_BURNRATE ? "burn_rate" : k == HR_COND_EXHAUSTION ? "exhaustion" : "budget";
}

static void thresholds_json(struct hr_jw *w, const struct hr_detail *d) {
  char buf[64];
  jw_arr(w, "thresholds");
  for (size_t i = 0; i < d->nthr; i++) {
    const struct hr_condition *c = d->thr[i].c;
    jw_obj(w, NULL);
    jw_str(w, "name", c->name);
    jw_str(w, "severity", c->severity);
    jw_str(w, "kind", cond_kind(c->kind));
    if (c->kind != HR_COND_BUDGET)
      jw_str(w, "lookback", duration_format(c->long_us, buf, sizeof buf));
    if (c->kind == HR_COND_BURNRATE && c->short_us > 0)
      jw_str(w, "short_lookback", duration_format(c->short_us, buf, sizeof buf));
    else
      jw_null(w, "short_lookback");
    if (d->thr[i].has_rate)
      jw_num(w, "burn_rate", d->thr[i].rate);
    else
      jw_null(w, "burn_rate");
    if (c->kind == HR_COND_EXHAUSTION)
      jw_str(w, "horizon", duration_format(c->horizon_us, buf, sizeof buf));
    if (c->kind == HR_COND_BUDGET)
      jw_num(w, "budget_level", c->level);
    jw_obj_end(w);
  }
  jw_arr_end(w);
}

/* {"remaining": [yellow, orange, red], "burn": [yellow, orange, red],
 * "lookback"}: headroom.dev/status-thresholds as the status uses them. */
static void status_thresholds_json(struct hr_jw *w, const struct hr_detail *d) {
  const struct hr_thresholds *t = &d->status_thr;
  char buf[64];
  jw_obj(w, "status_thresholds");
  jw_arr(w, "remaining");
  jw_num(w, NULL, t->rem_yellow);
  jw_num(w, NULL, t->rem_orange);
  jw_num(w, NULL, t->rem_red);
  jw_arr_end(w);
  jw_arr(w, "burn");
  jw_num(w, NULL, t->burn_yellow);
  jw_num(w, NULL, t->burn_orange);
  jw_num(w, NULL, t->burn_red);
  jw_arr_end(w);
  jw_str(w, "lookback", duration_format(t->burn_lookback_us, buf, sizeof buf));
  jw_obj_end(w);
}

static void timeline_json(struct hr_jw *w, const struct hr_detail *d) {
  jw_arr(w, "timeline");
  for (size_t i = 0; i < d->ntimeline; i++) {
    const struct hr_tl_entry *e = &d->timeline[i];
    jw_obj(w, NULL);
    jw_time(w, "at", e->at_us);
    if (e->end_us != INT64_MIN)
      jw_time(w, "end", e->end_us);
    jw_str(w, "source", e->source);
    jw_str(w, "kind", e->kind);
    jw_str(w, "text", e->text);
    if (e->condition != NULL) {
      jw_str(w, "condition", e->condition);
      jw_str(w, "severity", e->severity);
    }
    jw_obj_end(w);
  }
  jw_arr_end(w);
}

static void alerts_json(struct hr_jw *w, const struct hr_detail *d) {
  if (!d->has_alerts)
    return;
  jw_arr(w, "alerts");
  for (size_t i = 0; i < d->nalerts; i++)
    alert_row_json(w, &d->alerts[i]);
  jw_arr_end(w);
}

static void latency_json(struct hr_jw *w, const struct hr_detail *d) {
  const struct hr_latency_view *l = &d->latency;
  if (!d->has_latency)
    return;
  jw_obj(w, "latency");
  jw_int(w, "step_seconds", l->step_s);
  jw_arr(w, "t");
  for (size_t k = 0; k < l->n; k++)
    jw_int(w, NULL, l->t_s[k]);
  jw_arr_end(w);
  const double *qs[3] = {l->p50, l->p95, l->p99};
  static const char *const names[3] = {"p50", "p95", "p99"};
  for (int q = 0; q < 3; q++) {
    jw_arr(w, names[q]);
    for (size_t k = 0; k < l->n; k++)
      jw_num(w, NULL, round_us(qs[q][k]));
    jw_arr_end(w);
  }
  uint_array(w, "count", l->count, l->n);
  jw_obj(w, "window");
  jw_uint(w, "count", l->wcount);
  jw_num(w, "p50", round_us(l->wp50));
  jw_num(w, "p95", round_us(l->wp95));
  jw_num(w, "p99", round_us(l->wp99));
  jw_obj_end(w);
  if (isfinite(l->threshold_s))
    jw_num(w, "threshold_seconds", l->threshold_s);
  jw_obj_end(w);
}

static void bad_events_json(struct hr_jw *w, const struct hr_detail *d) {
  if (!d->has_bad)
    return;
  char buf[64];
  jw_arr(w, "bad_events");
  for (size_t i = 0; i < d->nbad; i++) {
    const struct hr_bad_event *e = &d->bad[i];
    jw_obj(w, NULL);
    /* "2026-03-29T00:00:00Z" + milliseconds */
    int64_t s = floor_div(e->t_us, 1000000);
    time_format_rfc3339(s * 1000000, buf, sizeof buf);
    size_t l = strlen(buf);
    if (l > 0 && buf[l - 1] == 'Z')
      snprintf(buf + l - 1, sizeof buf - (l - 1), ".%03dZ", (int)((e->t_us - s * 1000000) / 1000));
    jw_str(w, "at", buf);
    switch (e->status_kind) {
    case HR_BADST_INT: jw_int(w, "status", e->status_i); break;
    case HR_BADST_NUM: jw_num(w, "status", e->status_f); break;
    case HR_BADST_TEXT: jw_str(w, "status", e->status_s); break;
    default: jw_null(w, "status");
    }
    jw_str(w, "path", e->path);
    if (e->has_duration)
      jw_num(w, "duration", e->duration);
    else
      jw_null(w, "duration");
    jw_str(w, "line", e->line);
    jw_obj_end(w);
  }
  jw_arr_end(w);
}

static void system_json(struct hr_jw *w, const struct hr_detail *d) {
  if (d->nsys == 0)
    return;
  jw_arr(w, "system_metrics");
  for (size_t i = 0; i < d->nsys; i++) {
    const struct hr_sys_metric *m = &d->sys[i];
    jw_obj(w, NULL);
    jw_str(w, "title", m->title);
    jw_str(w, "query", m->query);
    jw_str(w, "error", m->error);
    jw_arr(w, "series");
    for (size_t k = 0; k < m->nseries; k++) {
      jw_obj(w, NULL);
      jw_str(w, "labels", m->series[k].labels);
      jw_arr(w, "t");
      for (size_t j = 0; j < m->series[k].n; j++)
        jw_int(w, NULL, m->series[k].t_s[j]);
      jw_arr_end(w);
      num_array(w, "v", m->series[k].v, m->series[k].n);
      jw_obj_end(w);
    }
    jw_arr_end(w);
    jw_obj_end(w);
  }
  jw_arr_end(w);
}

void slo_page_json(struct hr_jw *w, const char *key, const struct hr_detail *d) {
  jw_obj(w, key);
  report_json_slo_members(w, d->rs);
  jw_time(w, "from", d->from_us);
  jw_time(w, "to", d->to_us);
  if (d->has_series)
    series_view_json(w, "series", &d->series);
  if (d->has_recent)
    series_view_json(w, "recent", &d->recent);
  thresholds_json(w, d);
  status_thresholds_json(w, d);
  timeline_json(w, d);
  alerts_json(w, d);
  latency_json(w, d);
  bad_events_json(w, d);
  jw_arr(w, "links");
  for (size_t i = 0; i < d->nlinks; i++) {
    jw_obj(w, NULL);
    jw_str(w, "title", d->links[i].title);
    jw_str(w, "url", d->links[i].url);
    jw_obj_end(w);
  }
  jw_arr_end(w);
  system_json(w, d);
  jw_arr(w, "detail_errors");
  for (size_t i = 0; i < d->nerrors; i++)
    jw_str(w, NULL, d->errors[i]);
  jw_arr_end(w);
  jw_obj_end(w);
}
