/* api.h -- the JSON API of `serve` (/api/v1/...), /healthz, the embedded
 * dashboard files, and the state the HTTP threads share with the daemon's
 * main loop (struct hr_api). See docs/cli/serve.md for every endpoint.
 *
 * Every handler reads through its own read-only store connection, opened
 * per request; writes (POST) open their own read-write connection and commit
 * before answering. */
#ifndef HR_API_H
#define HR_API_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>

#include "config/config.h"
#include "http/server.h"
#include "ingest/tail.h"
#include "out/report.h"
#include "store/store.h"

struct hr_api {
  pthread_rwlock_t cfg_lock;     /* readers: handlers; writer: a reload */
  const struct hr_config *cfg;   /* under cfg_lock */
  const char *db;                /* the store's path (borrowed, outlives the server) */
  int has_at;                    /* serve --at: the clock stands still */
  int64_t at_us;
  atomic_int store_ready;        /* /healthz: 200 once the store is open */
  atomic_uint_fast64_t generation; /* bumped whenever the store or the configuration changes */

  pthread_mutex_t mu;            /* guards what follows */
  struct hr_tail_stats tail;     /* the tailer's latest figures */
  uint64_t http_lines, http_malformed, http_events, http_bytes; /* POST /api/v1/events */
  uint64_t reloads, reload_failures, rounds, round_failures;
  uint64_t cache_gen;            /* what the cached snapshot was computed from */
  int64_t cache_at_us;
  int cache_valid;
  char *cache_slos;              /* GET /api/v1/slos body */
  size_t cache_slos_len;
  char *cache_metrics;           /* the per-SLO families of /metrics */
  size_t cache_metrics_len;
};

/* Initialise / release the shared state (locks, cache). cfg and db borrowed. */
void api_init(struct hr_api *a, const struct hr_config *cfg, const char *db, int has_at, int64_t at_us);
void api_destroy(struct hr_api *a);

/* The evaluation instant: --at T, else the next whole minute after now (so
 * the current minute's events count). */
int64_t api_eval_at(const struct hr_api *a);

/* The route table of serve (/api/v1/..., /healthz, /metrics) and the
 * fallback that answers the embedded dashboard files. app = struct hr_api. */
extern const struct hr_route api_routes[];
extern const size_t api_nroutes;
int api_asset(struct hr_req *rq);

/* One SLO as the dashboard's SLO page wants it: the members of its
 * report --format json object, plus "series" (points over the window: the
 * bucket's good/valid/sli, the SLI since the window start, the budget
 * remaining burned down from the window start, the 1h burn rate at the
 * point's end; per minute for short windows, coarser for long ones, at most
 * ~720 points) and "timeline" (annotations of its service, alert
 * transitions of this SLO, its one-off exclusions, in time order). st: a
 * store to read the series and timeline from (read-only is enough; NULL:
 * both empty). Errors reading the store leave them empty. rs borrowed. */
void api_slo_detail_json(FILE *f, const struct hr_report_slo *rs, struct hr_store *st);

/* Compute (or take from the cache) the report at T and its /metrics
 * families; used by the /api/v1/slos and /metrics handlers. On success
 * returns HR_OK and malloc'd copies the caller frees; on failure err. */
enum hr_rc api_snapshot(struct hr_api *a, char **slos_json, size_t *slos_len, char **metrics, size_t *metrics_len,
                        struct hr_err *err);

#endif
