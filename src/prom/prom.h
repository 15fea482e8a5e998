/* prom.h -- reading SLIs back from Prometheus (or Thanos, Mimir,
 * VictoriaMetrics): a client of the HTTP query API (instant and range
 * queries, POSTed as forms), a strict parser of its JSON answers, and the
 * per-minute good/valid counts of an SLO on a prometheus DataSource.
 *
 * What is queried for an SLO (docs/deployment.md, docs/config.md): for each
 * of its total and good (or bad) queries q, a range query at 1-minute steps
 * over [T - span, T] (span: slo_eval_span() minutes, in chunks of at most
 * PROM_MAX_STEPS steps):
 *   - q a selector or a sum of one (promql_counter_delta(), promql.h):
 *       sum((x - x offset 1m >= 0) or (x < x offset 1m))
 *     whose value at step t is the events counted in (t - 1m, t], per series
 *     with counter resets handled, summed across series -- exactly the
 *     headroom_slo:*:delta1m series the generated rules record;
 *   - any other q: sum(q), differenced between consecutive steps here (a drop
 *     is a reset: the new value counts), as the rules difference the recorded
 *     headroom_slo:*:value.
 * The count at step t goes into the minute bucket [t - 1m, t). */
#ifndef HR_PROM_H
#define HR_PROM_H

#include <stddef.h>
#include <stdint.h>

#include "config/config.h"
#include "core/err.h"
#include "core/series.h"

#define PROM_MAX_STEPS 10000             /* Prometheus refuses more than 11,000 points per series */
#define PROM_MAX_BODY (64u << 20)        /* largest answer read */
#define PROM_DEFAULT_TIMEOUT_US 30000000 /* per request */

struct hr_prom_conn {
  const char *url;               /* base URL, e.g. http://127.0.0.1:9090 (a path prefix is kept) */
  const char *bearer_token;      /* may be NULL */
  const char *bearer_token_file; /* read at each request; trailing newlines dropped */
  const char *user;              /* basic auth when non-NULL */
  const char *password;
  const char *password_file;
  int64_t timeout_us; /* 0: PROM_DEFAULT_TIMEOUT_US */
};

/* The connection settings of a prometheus DataSource (strings borrowed). */
void prom_conn_from_source(struct hr_prom_conn *c, const struct hr_datasource *ds);

enum hr_prom_type { HR_PROM_VECTOR = 0, HR_PROM_MATRIX, HR_PROM_SCALAR, HR_PROM_STRING };

struct hr_prom_sample {
  int64_t t_ms;
  double v; /* may be NaN or infinite, as Prometheus sent it */
};

struct hr_prom_series {
  char *metric; /* the label set as sent, e.g. {"job":"a"} (owned) */
  struct hr_prom_sample *s;
  size_t n;
};

struct hr_prom_result {
  enum hr_prom_type type;
  struct hr_prom_series *series; /* vector / matrix; scalar and string: one series, metric "{}" */
  size_t nseries;
  char *warning; /* the first of "warnings", or NULL (owned) */
};

void prom_result_free(struct hr_prom_result *r);

/* Parse n bytes of an answer of /api/v1/query or /api/v1/query_range.
 * HR_OK: *out filled (prom_result_free() it). HR_ERR_IO: Prometheus said
 * "status":"error"; err->msg is "<errorType>: <error>". HR_ERR_PARSE: not
 * such an answer (err->msg says where). Allocation is bounded by n. */
enum hr_rc prom_parse(const char *buf, size_t n, struct hr_prom_result *out /* OUT */, struct hr_err *err);

/* GET-free POST /api/v1/query?query=q&time=at (at_us INT64_MIN: no time).
 * Errors read "prometheus: <url>: connection refused", "...: no answer within
 * 30s", "...: HTTP 401 (check the bearer token or basic auth)", or the error
 * message of the answer. */
enum hr_rc prom_query(const struct hr_prom_conn *c, const char *q, int64_t at_us, struct hr_prom_result *out,
                      struct hr_err *err);
/* POST /api/v1/query_range, start..end inclusive every step (whole ms). */
enum hr_rc prom_query_range(const struct hr_prom_conn *c, const char *q, int64_t start_us, int64_t end_us,
                            int64_t step_us, struct hr_prom_result *out, struct hr_err *err);

/* The range query sent for counter query q and whether its value is a
 * per-step count already (1) or a cumulative value differenced here (0).
 * Caller frees. */
char *prom_count_query(const char *q, int *is_delta /* OUT */);

/* For an SLO on a prometheus source: add to s (initialised, one-minute step,
 * at_us on its grid) the per-minute good/valid counts of the buckets
 * [at_us - s->cap minutes, at_us). *nodata = 1 (nothing added) when the total
 * query returned no sample at all. *note (may be NULL) gets a malloc'd
 * warning to show (no data; a good query without data counted as 0; good
 * above valid in some minute), or NULL. Errors: the connection, an error
 * answer (its message), an SLO without a url or a total query. */
enum hr_rc prom_slo_series(const struct hr_slo *slo, int64_t at_us, struct hr_series *s, int *nodata /* OUT */,
                           char **note /* OUT */, struct hr_err *err);

/* 1 when slo reads a prometheus DataSource. */
int prom_slo_is_prom(const struct hr_slo *slo);

#endif
