/* api.c -- see api.h. The JSON of /api/v1/slos is exactly report --format
 * json over the store; the SLO page, alerts, annotations and events are
 * read and written through per-request store connections. */
#include "http/api.h"

#include <math.h>
#include <microhttpd.h>
#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli/common.h"
#include "core/timeparse.h"
#include "http/assets.h"
#include "http/body.h"
#include "http/metrics.h"
#include "out/jw.h"
#include "store/alerts.h"
#include "store/detail.h"
#include "store/timeline.h"
#include "util/imath.h"
#include "util/xmalloc.h"

#if defined(__has_include)
#if __has_include("core/gate.h")
#include "core/gate.h"
#define HR_HAVE_GATE 1
#endif
#endif

#define MINUTE_US 60000000LL
#define MAX_POINTS 720
#define TIMELINE_MAX 1000
#define RECENT_ALERTS 50

/* ------------------------------------------------------------------------ */
/* Shared state */

void api_init(struct hr_api *a, const struct hr_config *cfg, const char *db, int has_at, int64_t at_us) {
  memset(a, 0, sizeof *a);
  pthread_rwlock_init(&a->cfg_lock, NULL);
  pthread_mutex_init(&a->mu, NULL);
  a->cfg = cfg;
  a->db = db;
  a->has_at = has_at;
  a->at_us = at_us;
  atomic_init(&a->store_ready, 0);
  atomic_init(&a->generation, 1);
}

void api_destroy(struct hr_api *a) {
  free(a->cache_slos);
  free(a->cache_metrics);
  pthread_rwlock_destroy(&a->cfg_lock);
  pthread_mutex_destroy(&a->mu);
}

int64_t api_eval_at(const struct hr_api *a) {
  if (a->has_at)
    return a->at_us;
  struct timespec ts;
  clock_gettime(CLOCK_REALTIME, &ts);
  int64_t now = (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
  return (floor_div(now, MINUTE_US) + 1) * MINUTE_US;
}

static int reply_stream(struct MHD_Connection *c, unsigned status, const char *ctype, char *buf, size_t len) {
  return server_reply_take(c, status, ctype, buf, len);
}

static unsigned status_for(enum hr_rc rc) {
  switch (rc) {
  case HR_ERR_USAGE:
  case HR_ERR_PARSE: return 400;
  case HR_ERR_NOTFOUND: return 404;
  case HR_ERR_TOOBIG: return 413;
  case HR_ERR_CONFLICT: return 422;
  default: return 500;
  }
}

/* ------------------------------------------------------------------------ */
/* The snapshot: the report at T (JSON) and the per-SLO /metrics families,
 * recomputed when the store, the configuration or T changed. */

static enum hr_rc compute(struct hr_api *a, int64_t at_us, char **slos, size_t *slos_len, char **met,
                          size_t *met_len, struct hr_err *err) {
  const struct hr_config *cfg = a->cfg;
  struct hr_status_opts so = {0};
  so.db = a->db;
  so.store = 1;
  so.has_at = 1;
  so.at_us = at_us;
  so.threads = 1;
  struct hr_report rep;
  enum hr_rc rc = status_compute(cfg, &so, &rep, err);
  if (rc != HR_OK)
    return rc;
  size_t ns = rep.nslos ? rep.nslos : 1;
  uint64_t *good = xcalloc(ns, sizeof *good), *valid = xcalloc(ns, sizeof *valid);
  struct hr_store *st = NULL;
  if (store_open_ro(a->db, &st, NULL) == HR_OK) {
    int64_t to_s = floor_div(at_us, MINUTE_US) * 60;
    for (size_t j = 0; j < rep.nslos; j++) {
      int64_t id;
      if (store_slo_find(st, rep.slos[j].slo->name, &id, NULL) == HR_OK)
        store_sums(st, id, 0, to_s, &good[j], &valid[j], NULL);
    }
    store_close(st);
  }
  FILE *f = open_memstream(slos, slos_len);
  report_json(f, &rep);
  fputc('\n', f);
  fclose(f);
  f = open_memstream(met, met_len);
  metrics_slo_families(f, &rep, good, valid);
  fclose(f);
  free(good);
  free(valid);
  report_free(&rep);
  return HR_OK;
}

enum hr_rc api_snapshot(struct hr_api *a, char **slos_json, size_t *slos_len, char **metrics, size_t *metrics_len,
                        struct hr_err *err) {
  int64_t at = api_eval_at(a);
  uint64_t gen = atomic_load(&a->generation);
  enum hr_rc rc = HR_OK;
  pthread_mutex_lock(&a->mu);
  if (!a->cache_valid || a->cache_gen != gen || a->cache_at_us != at) {
    char *s = NULL, *m = NULL;
    size_t sl = 0, ml = 0;
    pthread_rwlock_rdlock(&a->cfg_lock);
    gen = atomic_load(&a->generation); /* the configuration read under the lock */
    rc = compute(a, at, &s, &sl, &m, &ml, err);
    pthread_rwlock_unlock(&a->cfg_lock);
    if (rc == HR_OK) {
      free(a->cache_slos);
      free(a->cache_metrics);
      a->cache_slos = s;
      a->cache_slos_len = sl;
      a->cache_metrics = m;
      a->cache_metrics_len = ml;
      a->cache_gen = gen;
      a->cache_at_us = at;
      a->cache_valid = 1;
    }
  }
  if (rc == HR_OK) {
    if (slos_json != NULL) {
      *slos_json = xstrndup(a->cache_slos, a->cache_slos_len);
      *slos_len = a->cache_slos_len;
    }
    if (metrics != NULL) {
      *metrics = xstrndup(a->cache_metrics, a->cache_metrics_len);
      *metrics_len = a->cache_metrics_len;
    }
  }
  pthread_mutex_unlock(&a->mu);
  return rc;
}

/* ------------------------------------------------------------------------ */
/* GET /api/v1/slos */

static int h_slos(struct hr_req *rq) {
  struct hr_api *a = rq->app;
  char *body = NULL;
  size_t len = 0;
  struct hr_err err = {0};
  enum hr_rc rc = api_snapshot(a, &body, &len, NULL, NULL, &err);
  if (rc != HR_OK)
    return server_error(rq->conn, status_for(rc) == 404 ? 503 : 500, "%s", err.msg);
  return reply_stream(rq->conn, 200, "application/json", body, len);
}

/* ------------------------------------------------------------------------ */
/* GET /api/v1/slos/NAME */

static double ratio_or_nan(uint64_t good, uint64_t valid) {
  return valid == 0 ? NAN : (double)good / (double)valid;
}

/* The series' grid: its window [*ws, *at) in whole minutes, and the
 * shortest step that keeps it to MAX_POINTS points. */
static int64_t series_grid(const struct hr_report_slo *rs, int64_t *ws_out, int64_t *at_out) {
  const struct hr_slo_state *s = &rs->st;
  int64_t ws = floor_div(s->window_start_us, MINUTE_US) * 60, at = floor_div(s->at_us, MINUTE_US) * 60;
  *ws_out = ws;
  *at_out = at;
  return details_step(at - ws, MAX_POINTS);
}

static void write_series(struct hr_jw *w, const struct hr_report_slo *rs, struct hr_store *st) {
  const struct hr_slo_state *s = &rs->st;
  const struct hr_slo *slo = rs->slo;
  int64_t ws, at, step = series_grid(rs, &ws, &at);
  int64_t id = 0;
  int have = st != NULL && store_slo_find(st, slo->name, &id, NULL) == HR_OK;
  jw_obj(w, "series");
  jw_int(w, "step_seconds", step);
  jw_arr(w, "points");
  double budget_events = (1 - slo->target) * (double)s->valid;
  uint64_t cum_good = 0, cum_valid = 0;
  for (int64_t b = floor_div(ws, step) * step; have && b < at; b += step) {
    int64_t from = b < ws ? ws : b, to = b + step > at ? at : b + step;
    uint64_t g = 0, v = 0, g1 = 0, v1 = 0;
    if (store_sums(st, id, from, to, &g, &v, NULL) != HR_OK ||
        store_sums(st, id, to - 3600, to, &g1, &v1, NULL) != HR_OK)
      break;
    cum_good += g;
    cum_valid += v;
    jw_obj(w, NULL);
    jw_time(w, "t", to * 1000000);
    jw_uint(w, "good", g);
    jw_uint(w, "valid", v);
    jw_num(w, "sli", ratio_or_nan(g, v));
    jw_num(w, "sli_window", ratio_or_nan(cum_good, cum_valid));
    if (budget_events > 0)
      jw_num(w, "budget_remaining", 1 - (double)(cum_valid - cum_good) / budget_events);
    else
      jw_null(w, "budget_remaining");
    jw_num(w, "burn_rate_1h", v1 == 0 || slo->target >= 1 ? 0 : (1 - (double)g1 / (double)v1) / (1 - slo->target));
    jw_obj_end(w);
  }
  jw_arr_end(w);
  jw_obj_end(w);
}

static void write_timeline(struct hr_jw *w, const struct hr_report_slo *rs, struct hr_store *st) {
  const struct hr_slo *slo = rs->slo;
  int64_t ws = floor_div(rs->st.window_start_us, 1000000), at = floor_div(rs->st.at_us, 1000000);
  jw_arr(w, "timeline");
  for (size_t i = 0; i < slo->nexcl; i++) {
    const struct hr_exclusion *x = &slo->excl[i];
    if (x->recurring || x->end_us <= rs->st.window_start_us || x->start_us >= rs->st.at_us)
      continue;
    jw_obj(w, NULL);
    jw_time(w, "at", x->start_us);
    jw_time(w, "end", x->end_us);
    jw_str(w, "source", "exclusion");
    jw_str(w, "kind", "exclusion");
    jw_str(w, "text", x->reason);
    jw_obj_end(w);
  }
  sqlite3 *db = st != NULL ? store_db(st) : NULL;
  sqlite3_stmt *q = NULL;
  static const char sql[] =
      "SELECT at, end_at, kind, text, 'annotation', NULL, NULL FROM annotation "
      "WHERE service = ?1 AND at < ?3 AND COALESCE(end_at, at + 1) > ?2 "
      "UNION ALL SELECT at, NULL, kind, summary, 'alert', condition, severity FROM alert_event "
      "WHERE slo = ?4 AND at >= ?2 AND at < ?3 ORDER BY 1 LIMIT " "1000";
  if (db != NULL && sqlite3_prepare_v2(db, sql, -1, &q, NULL) == SQLITE_OK) {
    sqlite3_bind_text(q, 1, slo->service ? slo->service : "", -1, SQLITE_STATIC);
    sqlite3_bind_int64(q, 2, ws);
    sqlite3_bind_int64(q, 3, at);
    sqlite3_bind_text(q, 4, slo->name, -1, SQLITE_STATIC);
    while (sqlite3_step(q) == SQLITE_ROW) {
      jw_obj(w, NULL);
      jw_time(w, "at", sqlite3_column_int64(q, 0) * 1000000);
      if (sqlite3_column_type(q, 1) != SQLITE_NULL)
        jw_time(w, "end", sqlite3_column_int64(q, 1) * 1000000);
      jw_str(w, "source", (const char *)sqlite3_column_text(q, 4));
      jw_str(w, "kind", (const char *)sqlite3_column_text(q, 2));
      jw_str(w, "text", (const char *)sqlite3_column_text(q, 3));
      if (sqlite3_column_type(q, 5) != SQLITE_NULL) {
        jw_str(w, "condition", (const char *)sqlite3_column_text(q, 5));
        jw_str(w, "severity", (const char *)sqlite3_column_text(q, 6));
      }
      jw_obj_end(w);
    }
  }
  sqlite3_finalize(q);
  jw_arr_end(w);
}

/* "latency" (p50/p95/p99 on the series' grid, when the store has
 * durations) and "bad_events" (the latest ones, newest first). */
static void write_details(struct hr_jw *w, const struct hr_report_slo *rs, struct hr_store *st) {
  int64_t id = 0;
  if (st == NULL || store_slo_find(st, rs->slo->name, &id, NULL) != HR_OK)
    return;
  int64_t ws, at, step = series_grid(rs, &ws, &at);
  store_begin(st, NULL); /* one snapshot for both */
  details_latency_json(w, st, id, ws, at, step, details_threshold(rs->slo->good_filter));
  details_bad_events_json(w, st, id, HR_BAD_KEEP);
  store_rollback(st);
}

void api_slo_detail_json(FILE *f, const struct hr_report_slo *rs, struct hr_store *st) {
  /* The report's object for this SLO, reopened to add two members. */
  char *obj = NULL;
  size_t len = 0;
  FILE *m = open_memstream(&obj, &len);
  struct hr_jw w;
  jw_init(&w, m, 0);
  report_json_slo(&w, rs);
  fclose(m);
  while (len > 0 && (obj[len - 1] == '}' || obj[len - 1] == '\n' || obj[len - 1] == ' '))
    if (obj[--len] == '}')
      break;
  fwrite(obj, 1, len, f);
  free(obj);
  jw_init(&w, f, 0);
  w.depth = 1;
  w.count[0] = 1;
  write_series(&w, rs, st);
  write_timeline(&w, rs, st);
  write_details(&w, rs, st);
  jw_obj_end(&w);
}

static int h_slo(struct hr_req *rq) {
  struct hr_api *a = rq->app;
  int64_t at = api_eval_at(a);
  struct hr_err err = {0};
  pthread_rwlock_rdlock(&a->cfg_lock);
  const struct hr_config *cfg = a->cfg;
  size_t j = 0;
  while (j < cfg->nslos && strcmp(cfg->slos[j].name, rq->rest) != 0)
    j++;
  if (j == cfg->nslos) {
    pthread_rwlock_unlock(&a->cfg_lock);
    return server_error(rq->conn, 404, "no SLO named %.200s", rq->rest);
  }
  struct hr_status_opts so = {0};
  so.db = a->db;
  so.store = 1;
  so.has_at = 1;
  so.at_us = at;
  so.threads = 1;
  struct hr_report rep;
  enum hr_rc rc = status_compute(cfg, &so, &rep, &err);
  if (rc != HR_OK) {
    pthread_rwlock_unlock(&a->cfg_lock);
    return server_error(rq->conn, rc == HR_ERR_NOTFOUND ? 503 : 500, "%s", err.msg);
  }
  struct hr_store *st = NULL;
  store_open_ro(a->db, &st, NULL);
  char *buf = NULL;
  size_t len = 0;
  FILE *f = open_memstream(&buf, &len);
  api_slo_detail_json(f, &rep.slos[j], st);
  fputc('\n', f);
  fclose(f);
  store_close(st);
  report_free(&rep);
  pthread_rwlock_unlock(&a->cfg_lock);
  return reply_stream(rq->conn, 200, "application/json", buf, len);
}

/* ------------------------------------------------------------------------ */
/* GET /api/v1/alerts */

static int h_alerts(struct hr_req *rq) {
  struct hr_api *a = rq->app;
  struct hr_store *st = NULL;
  struct hr_err err = {0};
  enum hr_rc rc = store_open_ro(a->db, &st, &err);
  if (rc != HR_OK)
    return server_error(rq->conn, 503, "%s", err.msg);
  char *buf = NULL;
  size_t len = 0;
  FILE *f = open_memstream(&buf, &len);
  struct hr_jw w;
  jw_init(&w, f, 1);
  jw_obj(&w, NULL);
  jw_time(&w, "at", api_eval_at(a));
  jw_arr(&w, "alerts");
  int ok = 1;
  struct hr_alert_row *rows = NULL;
  size_t nrows = 0;
  if (alerts_list(st, 1u << HR_AL_FIRING | 1u << HR_AL_PENDING, &rows, &nrows, NULL) == HR_OK) {
    for (int pass = 0; pass < 2; pass++) /* firing first, then pending; each by SLO and condition */
      for (size_t k = 0; k < nrows; k++) {
        const struct hr_alert_row *r = &rows[k];
        if ((r->a.state == HR_AL_FIRING) != (pass == 0))
          continue;
        jw_obj(&w, NULL);
        jw_str(&w, "slo", r->slo);
        jw_str(&w, "condition", r->condition);
        jw_str(&w, "severity", r->severity);
        jw_str(&w, "state", alert_state_name(r->a.state));
        jw_time(&w, "since", r->a.since_us);
        jw_time(&w, "fired_at", r->a.fired_at_us);
        jw_time(&w, "resolved_at", r->a.resolved_at_us);
        jw_num(&w, "value", r->value);
        jw_time(&w, "updated", r->updated_s * 1000000);
        jw_obj_end(&w);
      }
    alerts_rows_free(rows, nrows);
  } else {
    ok = 0;
  }
  jw_arr_end(&w);
  jw_arr(&w, "recent");
  int64_t last = 0;
  struct hr_alert_event *ev = NULL;
  size_t nev = 0;
  if (alerts_last_event_id(st, &last, NULL) == HR_OK &&
      alerts_events(st, last > 50 ? last - 50 : 0, 50, &ev, &nev, NULL) == HR_OK) {
    for (size_t k = nev; k-- > 0;) { /* newest first */
      jw_obj(&w, NULL);
      jw_int(&w, "id", ev[k].id);
      jw_str(&w, "slo", ev[k].slo);
      jw_str(&w, "condition", ev[k].condition);
      jw_str(&w, "severity", ev[k].severity);
      jw_str(&w, "kind", ev[k].kind == HR_TR_RESOLVED ? "resolved" : "firing");
      jw_time(&w, "at", ev[k].at_s * 1000000);
      jw_num(&w, "value", ev[k].value);
      jw_str(&w, "summary", ev[k].summary);
      jw_obj_end(&w);
    }
    alerts_events_free(ev, nev);
  } else {
    ok = 0;
  }
  jw_arr_end(&w);
  jw_obj_end(&w);
  fputc('\n', f);
  fclose(f);
  if (!ok) {
    int r = server_error(rq->conn, 500, "store: alerts: %s", sqlite3_errmsg(store_db(st)));
    store_close(st);
    free(buf);
    return r;
  }
  store_close(st);
  return reply_stream(rq->conn, 200, "application/json", buf, len);
}

/* ------------------------------------------------------------------------ */
/* GET /api/v1/gate */

static int h_gate(struct hr_req *rq) {
#ifdef HR_HAVE_GATE
  struct hr_api *a = rq->app;
  const char *service = server_arg(rq, "service");
  const char *risk_s = server_arg(rq, "risk");
  enum hr_risk risk;
  if (service == NULL || service[0] == '\0')
    return server_error(rq->conn, 400, "service=S is required");
  if (risk_parse(risk_s ? risk_s : "normal", &risk) != 0)
    return server_error(rq->conn, 400, "risk: expected fix, low, normal or high, got '%.64s'", risk_s);
  pthread_rwlock_rdlock(&a->cfg_lock);
  const struct hr_config *cfg = a->cfg;
  struct hr_gate_policy pol;
  gate_policy_default(&pol);
  int known = 0;
  for (size_t i = 0; i < cfg->nslos; i++)
    known |= cfg->slos[i].service != NULL && strcmp(cfg->slos[i].service, service) == 0;
  for (size_t i = 0; i < cfg->nservices; i++) {
    char msg[256];
    if (strcmp(cfg->services[i].name, service) != 0)
      continue;
    known = 1;
    if (cfg->services[i].gate_policy != NULL)
      gate_policy_parse(cfg->services[i].gate_policy, strlen(cfg->services[i].gate_policy), &pol, msg, sizeof msg);
  }
  if (!known) {
    pthread_rwlock_unlock(&a->cfg_lock);
    return server_error(rq->conn, 404, "no service named %.200s", service);
  }
  struct hr_status_opts so = {0};
  so.db = a->db;
  so.store = 1;
  so.has_at = 1;
  so.at_us = api_eval_at(a);
  so.threads = 1;
  struct hr_report rep;
  struct hr_err err = {0};
  enum hr_rc rc = status_compute(cfg, &so, &rep, &err);
  if (rc != HR_OK) {
    pthread_rwlock_unlock(&a->cfg_lock);
    return server_error(rq->conn, rc == HR_ERR_NOTFOUND ? 503 : 500, "%s", err.msg);
  }
  struct hr_gate_slo *g = xcalloc(rep.nslos ? rep.nslos : 1, sizeof *g);
  size_t *idx = xcalloc(rep.nslos ? rep.nslos : 1, sizeof *idx);
  size_t k = 0;
  for (size_t j = 0; j < rep.nslos; j++)
    if (rep.slos[j].slo->service != NULL && strcmp(rep.slos[j].slo->service, service) == 0) {
      g[k].slo = rep.slos[j].slo;
      g[k].st = &rep.slos[j].st;
      idx[k++] = j;
    }
  struct hr_gate_decision d;
  gate_decide(&pol, service, risk, g, k, &d);
  char *buf = NULL;
  size_t len = 0;
  FILE *f = open_memstream(&buf, &len);
  struct hr_jw w;
  jw_init(&w, f, 1);
  jw_obj(&w, NULL);
  report_json_members(&w, &rep);
  jw_str(&w, "service", service);
  jw_str(&w, "risk", risk_name(risk));
  jw_str(&w, "decision", d.allow ? "allow" : "deny");
  jw_str(&w, "reason", d.reason);
  jw_str(&w, "deciding_slo", d.deciding >= 0 ? rep.slos[idx[d.deciding]].slo->name : NULL);
  jw_obj(&w, "policy");
  static const enum hr_status order[] = {HR_ST_GREEN, HR_ST_YELLOW, HR_ST_ORANGE, HR_ST_RED, HR_ST_NODATA};
  for (size_t i = 0; i < sizeof order / sizeof order[0]; i++) {
    jw_arr(&w, status_name(order[i]));
    for (int r = 0; r < HR_NRISKS; r++)
      if (pol.allow[order[i]] & (1u << r))
        jw_str(&w, NULL, risk_name((enum hr_risk)r));
    jw_arr_end(&w);
  }
  jw_obj_end(&w);
  jw_obj_end(&w);
  fputc('\n', f);
  fclose(f);
  free(g);
  free(idx);
  report_free(&rep);
  pthread_rwlock_unlock(&a->cfg_lock);
  return reply_stream(rq->conn, 200, "application/json", buf, len);
#else
  return server_error(rq->conn, 501, "the release gate is not built into this headroom yet; use 'headroom gate'");
#endif
}

/* ------------------------------------------------------------------------ */
/* POST /api/v1/events?source=NAME, optional header Idempotency-Key: K */

static int h_events(struct hr_req *rq) {
  struct hr_api *a = rq->app;
  const char *source = server_arg(rq, "source");
  const char *key = server_header(rq, "Idempotency-Key");
  int dup = 0;
  struct hr_err err = {0};
  pthread_rwlock_rdlock(&a->cfg_lock);
  struct hr_pipeline *p = NULL;
  struct hr_store *st = NULL;
  struct hr_scan_stats s;
  scan_stats_init(&s);
  enum hr_rc rc = pipeline_new(a->cfg, &p, &err);
  if (rc == HR_OK)
    rc = store_open(a->db, &st, &err);
  if (rc == HR_OK)
    rc = tail_ingest_buffer(p, st, source, key, rq->body, rq->body_len, &s, &dup, &err);
  store_close(st);
  pipeline_free(p);
  pthread_rwlock_unlock(&a->cfg_lock);
  if (rc != HR_OK)
    return server_error(rq->conn, status_for(rc), "%s", err.msg);
  if (!dup) { /* a retried batch: nothing was committed */
    atomic_fetch_add(&a->generation, 1);
    pthread_mutex_lock(&a->mu);
    a->http_lines += s.lines;
    a->http_malformed += s.malformed;
    a->http_events += s.events;
    a->http_bytes += s.bytes;
    pthread_mutex_unlock(&a->mu);
  }
  char *body = xasprintf("{\"lines\": %llu, \"events\": %llu, \"malformed\": %llu, \"blank\": %llu, "
                         "\"duplicate\": %s}\n",
                         (unsigned long long)s.lines, (unsigned long long)s.events, (unsigned long long)s.malformed,
                         (unsigned long long)s.blank, dup ? "true" : "false");
  return reply_stream(rq->conn, 200, "application/json", body, strlen(body));
}

/* ------------------------------------------------------------------------ */
/* POST /api/v1/annotations: a flat JSON object of strings and numbers. */

static int h_annotations(struct hr_req *rq) {
  struct hr_api *a = rq->app;
  struct hr_jfield fs[] = {{"service", NULL, 0, 0, 0}, {"kind", NULL, 0, 0, 0}, {"text", NULL, 0, 0, 0},
                           {"at", NULL, 0, 0, 0},      {"end", NULL, 0, 0, 0}};
  enum { F_SERVICE, F_KIND, F_TEXT, F_AT, F_END, F_N };
  const char *msg = NULL;
  int code = 0;
  char why[600];
  int64_t at_s, end_s = 0; /* default: now (serve --at: T) */
  int has_at, has_end;
  if (a->has_at) {
    at_s = floor_div(a->at_us, 1000000);
  } else {
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    at_s = (int64_t)ts.tv_sec;
  }
  if (body_parse_object(rq->body, rq->body + rq->body_len, fs, F_N, &msg) != 0) {
    code = 400;
    snprintf(why, sizeof why, "body: %s", msg);
  } else if (fs[F_SERVICE].s == NULL || fs[F_SERVICE].s[0] == '\0') {
    code = 400;
    snprintf(why, sizeof why, "\"service\" (a string) is required");
  } else if (fs[F_KIND].s == NULL || (strcmp(fs[F_KIND].s, "deploy") != 0 && strcmp(fs[F_KIND].s, "incident") != 0 &&
                                      strcmp(fs[F_KIND].s, "maintenance") != 0 && strcmp(fs[F_KIND].s, "note") != 0)) {
    code = 400;
    snprintf(why, sizeof why, "\"kind\" must be deploy, incident, maintenance or note");
  } else if (fs[F_TEXT].present && (fs[F_TEXT].s == NULL || strlen(fs[F_TEXT].s) > 4096)) {
    code = 400;
    snprintf(why, sizeof why, "\"text\" must be a string of at most 4096 bytes");
  } else if (body_field_time(&fs[F_AT], &at_s, &has_at) != 0 ||
             body_field_time(&fs[F_END], &end_s, &has_end) != 0) {
    code = 400;
    snprintf(why, sizeof why, "\"at\" and \"end\" are RFC 3339 times or UTC seconds");
  } else if ((strcmp(fs[F_KIND].s, "maintenance") == 0) != has_end || (has_end && end_s <= at_s)) {
    code = 400;
    snprintf(why, sizeof why, "a maintenance annotation needs \"end\" after \"at\"; other kinds take none");
  }
  if (code == 0) {
    struct hr_store *st = NULL;
    struct hr_err err = {0};
    if (store_open(a->db, &st, &err) != HR_OK) {
      code = 500;
      snprintf(why, sizeof why, "%s", err.msg);
    } else {
      struct timespec ts;
      clock_gettime(CLOCK_REALTIME, &ts);
      struct hr_annotation an = {.service = fs[F_SERVICE].s,
                                 .kind = fs[F_KIND].s,
                                 .at_s = at_s,
                                 .has_end = has_end,
                                 .end_s = end_s,
                                 .text = fs[F_TEXT].s,
                                 .created_s = (int64_t)ts.tv_sec};
      int64_t id = 0;
      if (timeline_add(st, &an, &id, &err) != HR_OK) {
        code = err.rc == HR_ERR_DB ? 500 : 400;
        snprintf(why, sizeof why, "%s", err.msg);
      }
      store_close(st);
      if (code == 0) {
        char tb[64];
        snprintf(why, sizeof why, "{\"id\": %lld, \"at\": \"%s\"}\n", (long long)id,
                 time_format_rfc3339(at_s * 1000000, tb, sizeof tb));
      }
    }
  }
  for (size_t i = 0; i < F_N; i++)
    free(fs[i].s);
  if (code != 0)
    return server_error(rq->conn, (unsigned)code, "%s", why);
  atomic_fetch_add(&a->generation, 1);
  return server_reply(rq->conn, 200, "application/json", why, strlen(why));
}

/* ------------------------------------------------------------------------ */
/* GET /healthz and the dashboard files */

static int h_healthz(struct hr_req *rq) {
  struct hr_api *a = rq->app;
  if (!atomic_load(&a->store_ready))
    return server_error(rq->conn, 503, "the store is not open yet");
  static const char ok[] = "{\"status\": \"ok\"}\n";
  return server_reply(rq->conn, 200, "application/json", ok, sizeof ok - 1);
}

int api_asset(struct hr_req *rq) {
  const struct hr_asset *as = hr_asset_find(rq->path);
  if (as == NULL)
    return server_error(rq->conn, 404, "not found: %.200s", rq->path);
  const char *inm = server_header(rq, "If-None-Match");
  struct MHD_Response *r;
  unsigned status = 200;
  if (inm != NULL && as->etag != NULL && strstr(inm, as->etag) != NULL) {
    r = MHD_create_response_from_buffer(0, (void *)"", MHD_RESPMEM_PERSISTENT);
    status = 304;
  } else {
    r = MHD_create_response_from_buffer(as->len, (void *)as->data, MHD_RESPMEM_PERSISTENT);
  }
  if (r == NULL)
    return MHD_NO;
  MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, as->mime);
  if (as->etag != NULL)
    MHD_add_response_header(r, MHD_HTTP_HEADER_ETAG, as->etag);
  MHD_add_response_header(r, MHD_HTTP_HEADER_CACHE_CONTROL, "no-cache");
  enum MHD_Result ok = MHD_queue_response(rq->conn, status, r);
  MHD_destroy_response(r);
  return ok;
}

const struct hr_route api_routes[] = {
    {"GET", "/api/v1/slos", 0, h_slos},
    {"GET", "/api/v1/slos/", 0, h_slo},
    {"GET", "/api/v1/alerts", 0, h_alerts},
    {"GET", "/api/v1/gate", 0, h_gate},
    {"POST", "/api/v1/events", 1, h_events},
    {"POST", "/api/v1/annotations", 1, h_annotations},
    {"GET", "/metrics", 0, metrics_handler},
    {"GET", "/healthz", 0, h_healthz},
};
const size_t api_nroutes = sizeof api_routes / sizeof api_routes[0];
