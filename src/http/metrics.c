/* metrics.c -- see metrics.h. Families are written whole (HELP, TYPE, then
 * every sample), so each name appears in one block as the text format
 * requires. */
#include "http/metrics.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/timeparse.h"
#include "http/api.h"
#include "render/metrics.h"
#include "util/xmalloc.h"

static void counter(FILE *f, const char *name, const char *help, uint64_t v) {
  metrics_family(f, name, "counter", help);
  fprintf(f, "%s %llu\n", name, (unsigned long long)v);
}

int metrics_handler(struct hr_req *rq) {
  struct hr_api *a = rq->app;
  char *slo_part = NULL;
  size_t slo_len = 0;
  struct hr_err err = {0};
  enum hr_rc rc = api_snapshot(a, HR_SNAP_METRICS, &slo_part, &slo_len, &err);
  if (rc != HR_OK)
    return server_error(rq->conn, rc == HR_ERR_NOTFOUND ? 503 : 500, "%s", err.msg);
  pthread_mutex_lock(&a->mu);
  struct hr_tail_stats t = a->tail;
  uint64_t hl = a->http_lines, hm = a->http_malformed, he = a->http_events, hb = a->http_bytes;
  uint64_t reloads = a->reloads, rfail = a->reload_failures, rounds = a->rounds, roundf = a->round_failures;
  int store_ok = a->store_ok;
  uint64_t store_fail = a->store_failures;
  pthread_mutex_unlock(&a->mu);
  char *buf = NULL;
  size_t len = 0;
  FILE *f = open_memstream(&buf, &len);
  fwrite(slo_part, 1, slo_len, f);
  free(slo_part);
  metrics_family(f, "headroom_ingest_lines_total", "counter", "Lines read and committed, by how they arrived.");
  fprintf(f, "headroom_ingest_lines_total{via=\"tail\"} %llu\n", (unsigned long long)t.lines);
  fprintf(f, "headroom_ingest_lines_total{via=\"http\"} %llu\n", (unsigned long long)hl);
  metrics_family(f, "headroom_ingest_malformed_lines_total", "counter", "Lines that could not be parsed.");
  fprintf(f, "headroom_ingest_malformed_lines_total{via=\"tail\"} %llu\n", (unsigned long long)t.malformed);
  fprintf(f, "headroom_ingest_malformed_lines_total{via=\"http\"} %llu\n", (unsigned long long)hm);
  metrics_family(f, "headroom_ingest_events_total", "counter", "Events parsed from the lines.");
  fprintf(f, "headroom_ingest_events_total{via=\"tail\"} %llu\n", (unsigned long long)t.events);
  fprintf(f, "headroom_ingest_events_total{via=\"http\"} %llu\n", (unsigned long long)he);
  metrics_family(f, "headroom_ingest_bytes_total", "counter", "Bytes of lines read.");
  fprintf(f, "headroom_ingest_bytes_total{via=\"tail\"} %llu\n", (unsigned long long)t.bytes);
  fprintf(f, "headroom_ingest_bytes_total{via=\"http\"} %llu\n", (unsigned long long)hb);
  counter(f, "headroom_ingest_commits_total", "Store transactions committed by the tailer.", t.commits);
  metrics_family(f, "headroom_tail_files", "gauge", "Files being followed.");
  fprintf(f, "headroom_tail_files %llu\n", (unsigned long long)t.files);
  counter(f, "headroom_tail_files_opened_total", "Files started (new, rotated or found at start).", t.files_opened);
  counter(f, "headroom_tail_rotations_total", "Renames, truncations and removals seen.", t.rotations);
  metrics_family(f, "headroom_tail_lag_seconds", "gauge", "How long the oldest unread complete line has waited.");
  fprintf(f, "headroom_tail_lag_seconds %.3f\n", t.lag_s);
  metrics_family(f, "headroom_store_ok", "gauge", "1 while the store commits what is read, 0 while it refuses.");
  fprintf(f, "headroom_store_ok %d\n", store_ok);
  counter(f, "headroom_store_failures_total", "Tail rounds whose commit the store refused.", store_fail);
  counter(f, "headroom_config_reloads_total", "Configuration reloads (SIGHUP) applied.", reloads);
  counter(f, "headroom_config_reload_failures_total", "Configuration reloads refused.", rfail);
  counter(f, "headroom_alert_rounds_total", "Alert evaluation rounds run.", rounds);
  counter(f, "headroom_alert_round_failures_total", "Alert evaluation rounds that failed.", roundf);
  fclose(f);
  /* gzip'd when the scraper accepts it, as /api/v1/slos (Prometheus does) */
  return server_reply_take_encoded(rq, 200, "text/plain; version=0.0.4; charset=utf-8", buf, len);
}
