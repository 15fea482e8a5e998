/* metrics.c -- see metrics.h. Families are written whole (HELP, TYPE, then
 * every sample), so each name appears in one block as the text format
 * requires. */
#include "http/metrics.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/timeparse.h"
#include "http/api.h"
#include "util/xmalloc.h"

void metrics_escape(FILE *f, const char *s) {
  for (; s != NULL && *s; s++) {
    if (*s == '\\')
      fputs("\\\\", f);
    else if (*s == '"')
      fputs("\\\"", f);
    else if (*s == '\n')
      fputs("\\n", f);
    else
      fputc(*s, f);
  }
}

static void family(FILE *f, const char *name, const char *type, const char *help) {
  fprintf(f, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
}

static void labels(FILE *f, const char *name, const struct hr_slo *slo) {
  fprintf(f, "%s{service=\"", name);
  metrics_escape(f, slo->service ? slo->service : "");
  fputs("\",slo=\"", f);
  metrics_escape(f, slo->name);
  fputc('"', f);
}

static void value(FILE *f, double x) {
  if (isnan(x))
    fputs(" NaN\n", f);
  else if (isinf(x))
    fputs(x > 0 ? " +Inf\n" : " -Inf\n", f);
  else {
    char buf[40];
    snprintf(buf, sizeof buf, "%.15g", x);
    if (strtod(buf, NULL) != x)
      snprintf(buf, sizeof buf, "%.17g", x);
    fprintf(f, " %s\n", buf);
  }
}

void metrics_slo_families(FILE *f, const struct hr_report *r, const uint64_t *good_total, const uint64_t *valid_total) {
  family(f, "headroom_slo_valid_total", "counter", "Valid events counted in the store for the SLO (all time).");
  for (size_t j = 0; j < r->nslos; j++) {
    labels(f, "headroom_slo_valid_total", r->slos[j].slo);
    fprintf(f, "} %llu\n", (unsigned long long)valid_total[j]);
  }
  family(f, "headroom_slo_good_total", "counter", "Good events counted in the store for the SLO (all time).");
  for (size_t j = 0; j < r->nslos; j++) {
    labels(f, "headroom_slo_good_total", r->slos[j].slo);
    fprintf(f, "} %llu\n", (unsigned long long)good_total[j]);
  }
  family(f, "headroom_slo_target_ratio", "gauge", "The SLO's objective as a fraction.");
  for (size_t j = 0; j < r->nslos; j++) {
    labels(f, "headroom_slo_target_ratio", r->slos[j].slo);
    fputc('}', f);
    value(f, r->slos[j].slo->target);
  }
  family(f, "headroom_slo_sli_ratio", "gauge", "SLI over the SLO window (absent when the window has no data).");
  for (size_t j = 0; j < r->nslos; j++) {
    if (!r->slos[j].st.has_sli)
      continue;
    labels(f, "headroom_slo_sli_ratio", r->slos[j].slo);
    fputc('}', f);
    value(f, r->slos[j].st.sli);
  }
  family(f, "headroom_slo_budget_remaining_ratio", "gauge",
         "Error budget remaining as a fraction of the window's budget (negative when overspent).");
  for (size_t j = 0; j < r->nslos; j++) {
    labels(f, "headroom_slo_budget_remaining_ratio", r->slos[j].slo);
    fputc('}', f);
    value(f, r->slos[j].st.budget_remaining);
  }
  family(f, "headroom_slo_burn_rate", "gauge", "Error budget burn rate over the lookback window.");
  for (size_t j = 0; j < r->nslos; j++) {
    const struct hr_slo_state *st = &r->slos[j].st;
    for (size_t i = 0; i < st->nburn; i++) {
      char buf[32];
      labels(f, "headroom_slo_burn_rate", r->slos[j].slo);
      fputs(",window=\"", f);
      metrics_escape(f, duration_format(st->burn[i].lookback_us, buf, sizeof buf));
      fputs("\"}", f);
      value(f, st->burn[i].rate);
    }
  }
  family(f, "headroom_slo_time_to_exhaustion_seconds", "gauge",
         "Time until the budget is spent at the status burn rate (absent when never).");
  for (size_t j = 0; j < r->nslos; j++) {
    if (!r->slos[j].st.has_tte)
      continue;
    labels(f, "headroom_slo_time_to_exhaustion_seconds", r->slos[j].slo);
    fputc('}', f);
    value(f, r->slos[j].st.tte_s);
  }
  family(f, "headroom_slo_status", "gauge", "1 for the SLO's current status, 0 for the others.");
  static const enum hr_status all[] = {HR_ST_GREEN, HR_ST_YELLOW, HR_ST_ORANGE, HR_ST_RED, HR_ST_NODATA};
  for (size_t j = 0; j < r->nslos; j++)
    for (size_t k = 0; k < sizeof all / sizeof all[0]; k++) {
      labels(f, "headroom_slo_status", r->slos[j].slo);
      fprintf(f, ",status=\"%s\"} %d\n", status_name(all[k]), r->slos[j].st.status == all[k]);
    }
}

static void counter(FILE *f, const char *name, const char *help, uint64_t v) {
  family(f, name, "counter", help);
  fprintf(f, "%s %llu\n", name, (unsigned long long)v);
}

int metrics_handler(struct hr_req *rq) {
  struct hr_api *a = rq->app;
  char *slo_part = NULL;
  size_t slo_len = 0;
  struct hr_err err = {0};
  enum hr_rc rc = api_snapshot(a, NULL, NULL, &slo_part, &slo_len, &err);
  if (rc != HR_OK)
    return server_error(rq->conn, rc == HR_ERR_NOTFOUND ? 503 : 500, "%s", err.msg);
  pthread_mutex_lock(&a->mu);
  struct hr_tail_stats t = a->tail;
  uint64_t hl = a->http_lines, hm = a->http_malformed, he = a->http_events, hb = a->http_bytes;
  uint64_t reloads = a->reloads, rfail = a->reload_failures, rounds = a->rounds, roundf = a->round_failures;
  pthread_mutex_unlock(&a->mu);
  char *buf = NULL;
  size_t len = 0;
  FILE *f = open_memstream(&buf, &len);
  fwrite(slo_part, 1, slo_len, f);
  free(slo_part);
  family(f, "headroom_ingest_lines_total", "counter", "Lines read and committed, by how they arrived.");
  fprintf(f, "headroom_ingest_lines_total{via=\"tail\"} %llu\n", (unsigned long long)t.lines);
  fprintf(f, "headroom_ingest_lines_total{via=\"http\"} %llu\n", (unsigned long long)hl);
  family(f, "headroom_ingest_malformed_lines_total", "counter", "Lines that could not be parsed.");
  fprintf(f, "headroom_ingest_malformed_lines_total{via=\"tail\"} %llu\n", (unsigned long long)t.malformed);
  fprintf(f, "headroom_ingest_malformed_lines_total{via=\"http\"} %llu\n", (unsigned long long)hm);
  family(f, "headroom_ingest_events_total", "counter", "Events parsed from the lines.");
  fprintf(f, "headroom_ingest_events_total{via=\"tail\"} %llu\n", (unsigned long long)t.events);
  fprintf(f, "headroom_ingest_events_total{via=\"http\"} %llu\n", (unsigned long long)he);
  family(f, "headroom_ingest_bytes_total", "counter", "Bytes of lines read.");
  fprintf(f, "headroom_ingest_bytes_total{via=\"tail\"} %llu\n", (unsigned long long)t.bytes);
  fprintf(f, "headroom_ingest_bytes_total{via=\"http\"} %llu\n", (unsigned long long)hb);
  counter(f, "headroom_ingest_commits_total", "Store transactions committed by the tailer.", t.commits);
  family(f, "headroom_tail_files", "gauge", "Files being followed.");
  fprintf(f, "headroom_tail_files %llu\n", (unsigned long long)t.files);
  counter(f, "headroom_tail_files_opened_total", "Files started (new, rotated or found at start).", t.files_opened);
  counter(f, "headroom_tail_rotations_total", "Renames, truncations and removals seen.", t.rotations);
  family(f, "headroom_tail_lag_seconds", "gauge", "How long the oldest unread complete line has waited.");
  fprintf(f, "headroom_tail_lag_seconds %.3f\n", t.lag_s);
  counter(f, "headroom_config_reloads_total", "Configuration reloads (SIGHUP) applied.", reloads);
  counter(f, "headroom_config_reload_failures_total", "Configuration reloads refused.", rfail);
  counter(f, "headroom_alert_rounds_total", "Alert evaluation rounds run.", rounds);
  counter(f, "headroom_alert_round_failures_total", "Alert evaluation rounds that failed.", roundf);
  fclose(f);
  return server_reply_take(rq->conn, 200, "text/plain; version=0.0.4; charset=utf-8", buf, len);
}
