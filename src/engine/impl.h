/* impl.h -- what the engine's files share (not for use outside src/engine/):
 * the one place an SLO's exclusions are set up (configured ones plus the
 * maintenance windows of its service), the one place its minutes are read
 * from the store or Prometheus, and the log reader. */
#ifndef HR_ENGINE_IMPL_H
#define HR_ENGINE_IMPL_H

#include <stddef.h>
#include <stdint.h>

#include "config/config.h"
#include "core/err.h"
#include "core/series.h"
#include "engine/report.h"
#include "store/store.h"
#include "store/timeline.h"

#define MINUTE_US INT64_C(60000000)

/* The configuration as evaluated: each SLO's exclusions plus the
 * maintenance windows of its service as one-off exclusions [at, end).
 * eff.slos[j] stands for cfg->slos[j] (same order; everything else
 * shared). */
struct hr_effective {
  struct hr_config eff;
  const struct hr_config *cfg;
  size_t nmaint; /* maintenance annotations that apply to some SLO */
};
/* Build from the annotations tl[0..ntl) (any kinds; only maintenance is
 * used). Release with effective_done(). */
void effective_init(struct hr_effective *e, const struct hr_config *cfg, const struct hr_annotation *tl, size_t ntl);
void effective_done(struct hr_effective *e);

/* 1 when the SLO belongs to service svc. */
int slo_of_service(const struct hr_slo *slo, const char *svc);

/* Every annotation of the store at db (tl, ntl; owned by the caller:
 * timeline_free()). *found = 0 (HR_OK, nothing) when there is no store;
 * an opened store st may be passed to avoid reopening it. */
enum hr_rc engine_timeline(struct hr_store *st, const char *db, struct hr_annotation **tl /* OUT */,
                           size_t *ntl /* OUT */, int *found /* OUT */, struct hr_err *err);

/* The newest deploy of service in tl[0..ntl) at or before t_us (of two
 * at the same second, the one recorded last); NULL when none. */
const struct hr_annotation *engine_last_deploy(const struct hr_annotation *tl, size_t ntl, const char *service,
                                               int64_t t_us);

/* Fill s (initialised on the one-minute grid, phase 0, for slo) with the
 * minutes of slo up to at_us (a whole minute): from Prometheus for an SLO on
 * a prometheus DataSource (*note may get a malloc'd warning), else from the
 * store st (NULL: none; an SLO the store never saw stays empty). Minutes
 * lying wholly inside a maintenance window of its service (tl) count
 * nothing. */
enum hr_rc engine_slo_minutes(struct hr_store *st, const struct hr_slo *slo, const struct hr_annotation *tl, size_t ntl,
                              int64_t at_us, struct hr_series *s, char **note /* OUT */, struct hr_err *err);

/* The groups grouped SLO slo has in the store (store/group.h
 * store_groups() of its id and groupBy fields): none when the SLO was never
 * ingested. *rows owned by the caller (store_groups_free()). */
struct hr_group_row;
enum hr_rc engine_slo_groups(struct hr_store *st, const struct hr_slo *slo, struct hr_group_row **rows /* OUT */,
                             size_t *n /* OUT */, struct hr_err *err);

/* engine_slo_minutes() of slo's group whose counts the store keeps under
 * cid (store/group.h). */
enum hr_rc engine_group_minutes(struct hr_store *st, const struct hr_slo *slo, int64_t cid,
                                const struct hr_annotation *tl, size_t ntl, int64_t at_us, struct hr_series *s,
                                struct hr_err *err);

/* One SLO's stored minutes as range sums (docs/internals/store.md,
 * "store_sums"), exactly what engine_slo_minutes() would load into a series
 * of `span` minutes ending at at_us and that series would sum: the minutes
 * of [at - span, at) less those lying wholly inside a maintenance window of
 * its service. src is what slo_eval_sums() reads; the first store error is
 * kept in rc and err (every sum after it is 0). */
struct hr_slo_sums {
  struct hr_sums_src src;
  struct hr_store *st;
  int64_t id;          /* -1: the store never saw the SLO (every sum 0) */
  int id_given;        /* id is a group's (engine_group_sums_init) */
  int64_t lo_s, hi_s;  /* the minutes a series would hold: [lo, hi) */
  int64_t (*maint)[2]; /* maintenance minutes [a, b), sorted, disjoint */
  size_t nmaint;
  enum hr_rc rc;
  struct hr_err err;
};
enum hr_rc engine_slo_sums_init(struct hr_slo_sums *x, struct hr_store *st, const struct hr_slo *slo,
                                const struct hr_annotation *tl, size_t ntl, int64_t at_us, struct hr_err *err);
/* The same for the group of slo whose counts the store keeps under cid
 * (store/group.h). */
enum hr_rc engine_group_sums_init(struct hr_slo_sums *x, struct hr_store *st, const struct hr_slo *slo, int64_t cid,
                                  const struct hr_annotation *tl, size_t ntl, int64_t at_us, struct hr_err *err);
void engine_slo_sums_done(struct hr_slo_sums *x);
/* Good and valid over [from_us, to_us) (whole minutes). */
void engine_slo_sum(struct hr_slo_sums *x, int64_t from_us, int64_t to_us, uint64_t *good /* OUT */,
                    uint64_t *valid /* OUT */);

/* Read the logs o->logs into series (one per SLO of cfg, on their grid),
 * events at or after at_us left out. Stats and the first malformed lines go
 * into rep; read errors after which the lines before stay counted go into
 * rep->errors. Fails (nothing kept) when a log has no data source or is not
 * a readable file. */
enum hr_rc engine_read_logs(const struct hr_config *cfg, const struct hr_input *in, int64_t at_us,
                            struct hr_series *series, struct hr_report *rep, struct hr_err *err);

/* engine_read_logs() with a per-event hook (pipeline_set_hook(): fn,
 * ctx, the fields it reads): one thread reads everything. */
enum hr_rc engine_read_logs_hooked(const struct hr_config *cfg, const struct hr_input *in, int64_t at_us,
                                   struct hr_series *series, hr_event_hook_fn hook, void *hook_ctx, uint64_t need,
                                   struct hr_report *rep, struct hr_err *err);

/* Prepares a hook before anything is read: called once, on the one thread
 * that reads, with the pipeline it reads with (compiled from cfg). It may
 * compile filters against the formats of its sources (p->src[i].fmt, which
 * then extract the fields those name), and sets *need to the field ids the
 * hook reads. Anything it fails with stops the reading. */
typedef enum hr_rc (*hr_hook_setup_fn)(void *ctx, struct hr_pipeline *p, uint64_t *need /* OUT */, struct hr_err *err);

/* engine_read_logs_hooked() with setup(hook_ctx, ...) called first. */
enum hr_rc engine_read_logs_setup(const struct hr_config *cfg, const struct hr_input *in, int64_t at_us,
                                  struct hr_series *series, hr_hook_setup_fn setup, hr_event_hook_fn hook,
                                  void *hook_ctx, struct hr_report *rep, struct hr_err *err);

/* The state of one SLO at at_us from its minutes s, with its exclusions in
 * force (excl[0..nexcl)); fills rs->st and rs->now. */
void engine_eval_slo(struct hr_report_slo *rs, const struct hr_slo *slo, const struct hr_series *s,
                     const struct hr_exclusion *excl, size_t nexcl, int64_t at_us);

/* engine_eval_slo() from the store's range sums x, when they decide:
 * slo_eval_sums() does, and every alert condition of slo reads only its
 * lookbacks (burning now evaluates them). Returns 1 with rs->st and rs->now
 * filled; 0 when the minutes are needed (or x->rc says a read failed). */
int engine_eval_slo_sums(struct hr_report_slo *rs, const struct hr_slo *slo, struct hr_slo_sums *x, int64_t at_us);

/* engine_trend() of rs (evaluated from the sums x) from the sums: for an
 * SLO with occurrences budgeting, exactly the view its series gives. */
struct hr_series_view;
void engine_trend_sums(const struct hr_report_slo *rs, struct hr_slo_sums *x, size_t points,
                       struct hr_series_view *out /* OUT */);

/* 1 when the store holds the record of the DataSource of slo (the data
 * health then reads no minute); cache: one byte per DataSource of cfg,
 * zeroed before the first call. */
enum hr_rc engine_source_recorded(struct hr_store *st, const struct hr_config *cfg, const struct hr_slo *slo,
                                  unsigned char *cache, int *recorded /* OUT */, struct hr_err *err);

/* Now, on the whole minute (the clock is read only here and by the daemon). */
int64_t engine_now_minute(void);

/* The release risk of service (engine/risk.h) given the state now (the
 * report now, which r does not own: r->rep stays empty). */
struct hr_release_risk;
enum hr_rc engine_risk_of(const struct hr_config *cfg, const struct hr_input *in, const struct hr_report *now,
                          const char *service, int64_t horizon_us, double canary, struct hr_release_risk *r,
                          struct hr_err *err);

#endif
