/* group.h -- the groups of grouped SLOs (groupBy, docs/config.md, "Grouped
 * SLOs"), counted while the logs are read: a hook on the reading pipeline
 * that gives each of the first maxGroups distinct values (in the order the
 * events are read) a minute series of its own, and counts every later value
 * under "_other"; then each group is evaluated exactly as its SLO is
 * (engine_eval_slo). Or read from the store's grouped counts, which the
 * writers count by the same rule. For use inside src/engine only. */
#ifndef HR_ENGINE_GROUP_H
#define HR_ENGINE_GROUP_H

#include <stddef.h>
#include <stdint.h>

#include "core/grpkey.h"
#include "engine/impl.h"

struct hr_groups;

/* The groups of the SLOs of cfg selected by sel (one byte per SLO) that are
 * grouped, on the series grid phase_us; NULL when none is. Release with
 * groups_free(). */
struct hr_groups *groups_new(const struct hr_config *cfg, const unsigned char *sel, int64_t phase_us);
void groups_free(struct hr_groups *g);

/* The hook to read with (engine_read_logs_setup(..., groups_setup,
 * groups_hook, g, ...)): setup fails when a groupBy field is not one the
 * SLO's DataSource format can have. */
enum hr_rc groups_setup(void *ctx, struct hr_pipeline *p, uint64_t *need, struct hr_err *err);
void groups_hook(void *ctx, size_t slo_idx, const struct hr_event *ev, const char *line, size_t len, int good);

/* Fill rs->groups (has_groups) of SLO j (slo, with the exclusions in force)
 * at at_us. Nothing when j is not grouped. */
void groups_eval(const struct hr_groups *g, size_t j, const struct hr_slo *slo, const struct hr_exclusion *excl,
                 size_t nexcl, int64_t at_us, struct hr_report_slo *rs);

/* Fill rs->groups (has_groups) of grouped SLO slo from the store's grouped
 * counts (store/group.h) at at_us (a whole minute), each group evaluated as
 * the SLO is from the store: from its range sums when they decide, else
 * from its minutes with the exclusions excl (maintenance windows of tl
 * zeroed). Nothing when slo is not grouped; no group when the store has
 * none. On failure rs has no groups and err is filled. */
struct hr_store;
enum hr_rc groups_eval_store(struct hr_store *st, const struct hr_slo *slo, const struct hr_exclusion *excl,
                             size_t nexcl, const struct hr_annotation *tl, size_t ntl, int64_t at_us,
                             struct hr_report_slo *rs, struct hr_err *err);

/* Each group of grouped SLO slo in the store, evaluated as
 * groups_eval_store() evaluates it, in the order named (_other last): fn
 * gets its values (nf owned strings, which fn keeps or frees; NULL for
 * _other), the id its counts are kept under, its figures in tmp (tmp->st)
 * and its minutes s (an empty series when its range sums decided: then
 * tmp->st holds every lookback's burn). Stops at fn's first failure. Used
 * by groups_eval_store() and by the alert round (engine/round.c). */
typedef enum hr_rc (*hr_group_fn)(void *ctx, char **values, size_t nf, int64_t cid, const struct hr_report_slo *tmp,
                                  const struct hr_series *s, struct hr_err *err);
enum hr_rc groups_each_store(struct hr_store *st, const struct hr_slo *slo, const struct hr_exclusion *excl,
                             size_t nexcl, const struct hr_annotation *tl, size_t ntl, int64_t at_us, hr_group_fn fn,
                             void *ctx, struct hr_err *err);

/* Release rs's groups. */
void groups_release(struct hr_report_slo *rs);

#endif
