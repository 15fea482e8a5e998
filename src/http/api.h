/* api.h -- the JSON API of `serve` (/api/v1/...), /healthz, the embedded
 * dashboard files, and the state the HTTP threads share with the daemon's
 * main loop (struct hr_api). See docs/cli/serve.md for every endpoint.
 *
 * Every answer is the engine's (src/engine/) rendered by src/render/: the same
 * computation as `report`, `gate` and `evaluate`, so the two cannot
 * disagree. Handlers read through their own read-only store connections;
 * writes (POST) open their own read-write connection and commit before
 * answering. */
#ifndef HR_API_H
#define HR_API_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>

#include "config/config.h"
#include "http/server.h"
#include "engine/daemon.h"

struct hr_api {
  pthread_rwlock_t cfg_lock;   /* readers: handlers; writer: a reload */
  const struct hr_config *cfg; /* under cfg_lock */
  const char *db;              /* the store's path (borrowed, outlives the server) */
  int has_at;                  /* serve --at: the clock stands still */
  int64_t at_us;
  atomic_int store_ready;          /* /healthz: 200 once the store is open */
  atomic_uint_fast64_t generation; /* bumped whenever the store or the configuration changes */

  pthread_mutex_t mu;        /* guards what follows */
  struct hr_tail_stats tail; /* the tailer's latest figures */
  int store_ok;              /* the last step committed what it read (or had nothing to) */
  char store_error[512];     /* why not, while !store_ok */
  uint64_t store_failures;   /* steps whose commit failed */
  struct hr_api_file {       /* the files followed (owned) */
    char *path, *source;
    int64_t offset, size;
    double idle_s;
  } * files;
  size_t nfiles;
  char **empty_globs; /* "SOURCE: GLOB" of the globs that match no file (owned) */
  size_t nempty;
  uint64_t http_lines, http_malformed, http_events, http_bytes; /* POST /api/v1/events */
  uint64_t reloads, reload_failures, rounds, round_failures;
  /* The snapshot (api_snapshot_get): computed by its own thread, on demand,
   * never by a request; requests share the last complete one by reference. */
  pthread_cond_t snap_cv; /* with mu: an attempt ended, or one is wanted */
  pthread_t snap_thread;
  int snap_thread_on, snap_stop, snap_want;
  struct hr_snapshot *snap;             /* the last complete snapshot, or NULL */
  uint64_t snap_started, snap_done;     /* attempts started / ended */
  enum hr_rc snap_rc;                   /* the last attempt's outcome */
  struct hr_err snap_err;               /* why it failed */
  atomic_uint_fast64_t sync_generation; /* requests wait for a snapshot this new (api_changed) */
};

/* The daemon's view after a step (serve's main loop), under a->mu: the
 * files followed and the globs matching nothing (copied). */
struct hr_daemon;
void api_set_files(struct hr_api *a, const struct hr_daemon *d, double mono_s);

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

/* The snapshot: the report at the instant rendered once into the bodies
 * below, immutable once published and shared by reference (answers are sent
 * from it without a copy). Its thread recomputes it when a request finds it
 * older than the store, the configuration or the instant; meanwhile
 * requests get the previous one, except that one made after a write the
 * client expects to read (api_changed(a, 1): POSTed events or annotations, a
 * reload) waits for a snapshot that includes it, and the first waits for the
 * first. An alert round writes nothing a snapshot reads (alert states and
 * the outbox), so it does not make one stale, unless an SLO reads
 * Prometheus (api_round_done). docs/internals/serve.md. */
enum hr_snap { HR_SNAP_SLOS = 0, HR_SNAP_METRICS, HR_SNAP_TRENDS, HR_SNAP_N };
struct hr_snapshot {
  atomic_int refs;
  uint64_t gen; /* the generation it was computed from */
  int64_t at_us;
  char *body[HR_SNAP_N];
  size_t len[HR_SNAP_N];
  char *gz[HR_SNAP_N]; /* the JSON bodies gzip'd, for clients that accept it (NULL: none) */
  size_t gzlen[HR_SNAP_N];
};
/* A reference to the snapshot to answer from (api_snapshot_release() it),
 * or NULL and *rc/err (the attempt it waited for failed, or serve stops). */
struct hr_snapshot *api_snapshot_get(struct hr_api *a, enum hr_rc *rc, struct hr_err *err);
void api_snapshot_release(struct hr_snapshot *s);
/* A malloc'd copy of one body (*len bytes); on failure err. */
enum hr_rc api_snapshot(struct hr_api *a, enum hr_snap which, char **body, size_t *len, struct hr_err *err);

/* What a snapshot reads changed (committed lines, a write, a reload): the
 * generation bumped; sync: the next requests wait until a snapshot has it. */
void api_changed(struct hr_api *a, int sync);
/* An alert round ran: stale only for SLOs read from Prometheus. Under the
 * configuration's owner (serve's main thread). */
void api_round_done(struct hr_api *a);

#endif
