/* openslo_impl.h -- the builders of the OpenSLO loader's kinds, one file per
 * family (openslo_source.c, openslo_alert.c, openslo_slo.c), which
 * openslo.c calls in dependency order. Each appends to L->c, reports every
 * problem through L (see ydoc.h) and carries on. An internal header of the
 * loader: not for use outside src/config/. */
#ifndef HR_OPENSLO_IMPL_H
#define HR_OPENSLO_IMPL_H

#include "config/ydoc.h"

/* openslo_source.c */
/* 1 when t names headroom's own log source type (headroom.logs, any case). */
int openslo_source_is_logs(const char *t);
/* Append a zeroed source (duration_scale 1) to c->sources and return it; the
 * pointer is valid until the next append. */
struct hr_datasource *openslo_source_new(struct hr_config *c);
/* A DataSource document: appends one source, even when it has errors. */
void openslo_source_build(struct ld *L, struct doc *d);

/* openslo_alert.c */
/* An AlertNotificationTarget, a document or inline in a policy: meta (may be
 * NULL) and spec are its parts. Appends to c->targets; returns its name
 * (owned by L->c). */
const char *openslo_alert_target(struct ld *L, struct doc *d, yaml_node_t *meta, yaml_node_t *spec, const char *name);
/* An AlertCondition's spec (meta may be NULL) into *out, which the caller
 * frees with openslo_alert_cond_free() whatever the result. Returns 1 when
 * the condition had no error, else 0. */
int openslo_alert_condition(struct ld *L, struct doc *d, yaml_node_t *meta, yaml_node_t *spec, const char *name,
                            struct hr_condition *out /* OUT */);
void openslo_alert_cond_free(struct hr_condition *c);
/* An AlertPolicy's spec (a document or inline in an SLO; at locates it).
 * conditionRef needs L->conds, targetRef the targets built. Appends a policy
 * to c->policies; returns its index. */
size_t openslo_alert_policy(struct ld *L, struct doc *d, yaml_node_t *pmeta, yaml_node_t *spec, const char *name,
                            yaml_node_t *at);

/* openslo_slo.c */
/* Check an SLI document on its own (even when no SLO uses it). */
void openslo_slo_check_sli(struct ld *L, struct doc *d);
/* An SLO document: one struct hr_slo per objective, appended to c->slos
 * (with L->ex) only when the document has no error and an SLI headroom
 * evaluates. */
void openslo_slo_build(struct ld *L, struct doc *d);
/* Once every kind is built (the arrays do not move any more): each SLO's
 * source and policies pointers, and its lookbacks. */
void openslo_slo_link(struct ld *L);
/* Free the strings and arrays of s, not s itself. */
void openslo_slo_free(struct hr_slo *s);

#endif
