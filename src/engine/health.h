/* health.h -- the data health of an SLO (docs/internals/math.md, "Data
 * health"): is what its figures stand on there, fresh and readable? From
 * what was read of its DataSource: the logs named, the store's record of
 * the source (store/source.h), or for a Prometheus SLO its minutes. */
#ifndef HR_ENGINE_HEALTH_H
#define HR_ENGINE_HEALTH_H

#include <stddef.h>
#include <stdint.h>

#include "core/slo_eval.h"
#include "ingest/pipeline.h"
#include "store/source.h"

/* What was read of one DataSource. */
struct hr_seen {
  int known;                 /* anything at all */
  uint64_t lines, malformed; /* the lines the malformed share is over */
  int64_t last_event_us;     /* the newest event; INT64_MIN: none */
  size_t nfields;            /* fields its filters read, by name (owned) */
  char **names;
  int64_t *field_last_us; /* the newest event in which each had a value; INT64_MIN: never */
};
void seen_init(struct hr_seen *s);
void seen_free(struct hr_seen *s);
/* Add the lines of source si read into st (the pipeline p names its fields). */
void seen_add_stats(struct hr_seen *s, const struct hr_pipeline *p, size_t si, const struct hr_scan_stats *st);
/* Add the store's record of the source (its recent lines). */
void seen_add_store(struct hr_seen *s, const struct hr_source_state *ss);
/* Add the newest minute with events of series x (a Prometheus SLO). */
void seen_add_series(struct hr_seen *s, const struct hr_series *x);

/* The names of the fields SLO j's filters read (time excluded), into names
 * (at least HR_MAX_FIELDS; borrowed from p's formats). Returns how many. */
size_t slo_filter_fields(const struct hr_pipeline *p, size_t j, const char **names);

/* Judge the data of slo (evaluated into st at at_us; fields: what its
 * filters read) by seen: sets st->data (slo_eval_data()), *last_event_us and
 * reason (a sentence for people; "" when ok). */
void engine_health(const struct hr_slo *slo, struct hr_slo_state *st, const struct hr_seen *seen,
                   const char *const *fields, size_t nfields, int64_t at_us, int64_t *last_event_us /* OUT */,
                   char *reason, size_t reason_n);

/* The data health of SLO j of cfg (evaluated into rs at t_us from its
 * minutes s): from src (what the logs named held of its DataSource; NULL:
 * none), the store st's record of it (st NULL: none; a store without one,
 * written before it kept them, gives its newest minute), or for a
 * Prometheus SLO its minutes. p: cfg compiled (NULL: no field is judged).
 * Sets rs->st.data, rs->last_event_us, rs->data_reason (and no burning now
 * on unreadable data). A store error is returned; the health then stands
 * without the store's part. */
struct hr_report_slo;
enum hr_rc engine_slo_health(const struct hr_config *cfg, const struct hr_pipeline *p, struct hr_store *st,
                             const struct hr_scan_stats *src, size_t j, const struct hr_series *s, int64_t t_us,
                             struct hr_report_slo *rs, struct hr_err *err);

#endif
