/* openslo_alert.c -- the alerting kinds for the OpenSLO loader (see
 * openslo_impl.h and docs/alerting.md): AlertNotificationTarget,
 * AlertCondition (burnrate, headroom.dev/exhaustion, headroom.dev/budget) and
 * AlertPolicy, whose conditions and targets are references or inline. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "config/openslo_impl.h"
#include "core/timeparse.h"
#include "util/xmalloc.h"

/* ------------------------------------------------- AlertNotificationTarget */

const char *openslo_alert_target(struct ld *L, struct doc *d, yaml_node_t *meta, yaml_node_t *spec, const char *name) {
  static const char *const keys[] = {"target", "description", NULL};
  ydoc_check_keys(L, d, spec, keys, "AlertNotificationTarget.spec");
  yaml_node_t *tn;
  const char *t = ydoc_want_str(L, d, spec, "target", 1, "AlertNotificationTarget.spec", &tn);
  struct hr_config *c = L->c;
  c->targets = xrealloc(c->targets, (c->ntargets + 1) * sizeof *c->targets);
  struct hr_alert_target *x = &c->targets[c->ntargets++];
  memset(x, 0, sizeof *x);
  x->name = xstrdup(name);
  x->kind = xstrdup(t ? t : "");
  struct doc tmp = *d;
  tmp.meta = meta;
  const char *url = ydoc_annotation(&tmp, "headroom.dev/url", NULL);
  if (url != NULL)
    x->url = xstrdup(url);
  if (t != NULL && strcmp(t, "alertmanager") != 0 && strcmp(t, "webhook") != 0) {
    if (L->strict)
      ydoc_warn_at(L, d, tn, "headroom sends to alertmanager and webhook targets only; '%s' is not sent", t);
  } else if (t != NULL && url == NULL)
    ydoc_warn_at(L, d, meta ? meta : spec,
                 "notification target '%s' has no headroom.dev/url annotation: nothing is sent", name);
  return x->name;
}

/* --------------------------------------------------------- AlertCondition */

/* condition.lookbackWindow: required, 1m to 400d (at most the window of
 * each SLO using it: openslo_slo_link()); where it is written goes into
 * out->lookback_loc. */
static void lookback(struct ld *L, struct doc *d, yaml_node_t *cn, struct hr_condition *out) {
  yaml_node_t *n = ydoc_mget(d, cn, "lookbackWindow");
  if (ydoc_want_dur(L, d, cn, "lookbackWindow", 1, "AlertCondition.spec.condition", 0, &out->long_us) != 1)
    return;
  out->lookback_loc = ydoc_loc_of(L, d, n);
  if (ydoc_dur_in(L, d, n, "lookbackWindow", out->long_us, YDOC_MIN_US, YDOC_MAX_US, NULL, 0) != 0)
    out->long_us = 0;
}

int openslo_alert_condition(struct ld *L, struct doc *d, yaml_node_t *meta, yaml_node_t *spec, const char *name,
                            struct hr_condition *out) {
  static const char *const keys[] = {"description", "severity", "condition", NULL};
  static const char *const ckeys[] = {"kind", "op", "threshold", "lookbackWindow", "alertAfter", NULL};
  const char *w = "AlertCondition.spec";
  memset(out, 0, sizeof *out);
  out->loc = ydoc_loc_of(L, d, spec);
  out->lookback_loc = out->short_loc = out->loc;
  int nerr = L->nerr;
  ydoc_check_keys(L, d, spec, keys, w);
  const char *sev = ydoc_want_str(L, d, spec, "severity", 1, w, NULL);
  yaml_node_t *cn = ydoc_want_map(L, d, spec, "condition", 1, w);
  out->name = xstrdup(name);
  out->severity = xstrdup(sev ? sev : "");
  if (cn == NULL)
    return L->nerr == nerr;
  w = "AlertCondition.spec.condition";
  ydoc_check_keys(L, d, cn, ckeys, w);
  yaml_node_t *kn, *opn;
  const char *kind = ydoc_want_str(L, d, cn, "kind", 0, w, &kn);
  const char *op = ydoc_want_str(L, d, cn, "op", 0, w, &opn);
  if (kind == NULL || strcasecmp(kind, "burnrate") == 0) {
    out->kind = HR_COND_BURNRATE;
    if (ydoc_want_num(L, d, cn, "threshold", 1, w, &out->factor, NULL) == 1 && out->factor <= 0)
      ydoc_err_at(L, d, ydoc_mget(d, cn, "threshold"), "a burn-rate threshold must be positive");
    lookback(L, d, cn, out);
    if (op != NULL && strcmp(op, "gt") != 0 && strcmp(op, "gte") != 0)
      ydoc_err_at(L, d, opn, "burn-rate conditions fire above the threshold: op must be gt (or gte), not '%s'", op);
    out->at_factor = op != NULL && strcmp(op, "gte") == 0;
    struct doc tmp = *d;
    tmp.meta = meta;
    yaml_node_t *sn;
    const char *sw = ydoc_annotation(&tmp, "headroom.dev/short-window", &sn);
    if (sw != NULL) {
      out->short_loc = ydoc_loc_of(L, d, sn);
      if (duration_parse(sw, strlen(sw), &out->short_us) != 0 || out->short_us <= 0)
        ydoc_err_at(L, d, sn, "headroom.dev/short-window: invalid duration '%s'", sw);
      else if (out->long_us > 0 && out->short_us >= out->long_us)
        ydoc_err_at(L, d, sn, "headroom.dev/short-window (%s) must be shorter than lookbackWindow", sw);
      else if (ydoc_dur_in(L, d, sn, "headroom.dev/short-window", out->short_us, YDOC_MIN_US, 0, NULL, 0) != 0)
        out->short_us = 0;
    }
  } else if (strcmp(kind, "headroom.dev/exhaustion") == 0) {
    out->kind = HR_COND_EXHAUSTION;
    yaml_node_t *th = ydoc_mget(d, cn, "threshold");
    if (th == NULL)
      ydoc_err_at(L, d, cn, "missing required key 'threshold' in %s (the horizon, e.g. 3d)", w);
    else if (th->type != YAML_SCALAR_NODE ||
             duration_parse(ydoc_sval(th), strlen(ydoc_sval(th)), &out->horizon_us) != 0 || out->horizon_us <= 0)
      ydoc_err_at(L, d, th, "headroom.dev/exhaustion: threshold must be a duration (the horizon, e.g. 3d)");
    else
      ydoc_dur_in(L, d, th, "headroom.dev/exhaustion: threshold", out->horizon_us, 1, YDOC_MAX_US, NULL, 0);
    lookback(L, d, cn, out);
  } else if (strcmp(kind, "headroom.dev/budget") == 0) {
    out->kind = HR_COND_BUDGET;
    yaml_node_t *th;
    if (ydoc_want_num(L, d, cn, "threshold", 1, w, &out->level, &th) == 1 && (out->level < -10 || out->level > 1))
      ydoc_err_at(L, d, th, "headroom.dev/budget: threshold is the remaining budget as a fraction (e.g. 0.25)");
  } else {
    ydoc_err_at(L, d, kn,
                "unknown condition kind '%s' (expected burnrate, headroom.dev/exhaustion or headroom.dev/budget)",
                kind);
  }
  /* alertAfter: 0s (fire in the first round it holds) is the default and may
   * be written out (docs/alerting.md, "States"). */
  int64_t after = 0;
  yaml_node_t *an = ydoc_mget(d, cn, "alertAfter");
  const char *av = an != NULL && an->type == YAML_SCALAR_NODE ? ydoc_sval(an) : NULL;
  if (av != NULL && duration_parse(av, strlen(av), &after) == 0 && after == 0)
    out->alert_after_us = 0;
  else if (ydoc_want_dur(L, d, cn, "alertAfter", 0, w, 0, &after) == 1 &&
           ydoc_dur_in(L, d, an, "alertAfter", after, 1, YDOC_MAX_US, NULL, 0) == 0)
    out->alert_after_us = after;
  return L->nerr == nerr;
}

static void cond_copy(struct hr_condition *dst, const struct hr_condition *src) {
  *dst = *src;
  dst->name = xstrdup(src->name);
  dst->severity = xstrdup(src->severity);
}

void openslo_alert_cond_free(struct hr_condition *c) {
  free(c->name);
  free(c->severity);
}

/* ------------------------------------------------------------ AlertPolicy */

static struct tmp_cond *find_cond(struct ld *L, const char *name) {
  for (size_t i = 0; i < L->ndocs; i++)
    if (L->docs[i].kind == K_COND && strcmp(L->docs[i].name, name) == 0)
      return &L->conds[i];
  return NULL;
}

static int target_exists(struct ld *L, const char *name) {
  for (size_t i = 0; i < L->c->ntargets; i++)
    if (strcmp(L->c->targets[i].name, name) == 0)
      return 1;
  return 0;
}

/* alertWhenNoData: one more condition, "<policy>-nodata", that holds while
 * the SLO's data is not ok (docs/alerting.md): as severe as the policy's
 * most severe condition (page when any pages), pending for the longest
 * alertAfter of the policy, at least 5 minutes. */
static void nodata_condition(struct hr_alert_policy *p) {
  struct hr_condition c;
  memset(&c, 0, sizeof c);
  c.name = xasprintf("%s-nodata", p->name);
  c.kind = HR_COND_NODATA;
  const char *sev = p->nconds > 0 ? p->conds[0].severity : NULL;
  int64_t after = 5 * 60 * 1000000LL;
  for (size_t i = 0; i < p->nconds; i++) {
    if (p->conds[i].severity != NULL && strcmp(p->conds[i].severity, "page") == 0)
      sev = "page";
    if (p->conds[i].alert_after_us > after)
      after = p->conds[i].alert_after_us;
  }
  c.severity = xstrdup(sev != NULL ? sev : "ticket");
  c.alert_after_us = after;
  c.loc = p->loc;
  p->conds = xrealloc(p->conds, (p->nconds + 1) * sizeof *p->conds);
  p->conds[p->nconds++] = c;
}

/* headroom.dev/damping on the AlertPolicy's metadata (docs/config.md): how long
 * its incidents stay open after their last condition stopped firing, 1m to 7d;
 * written into each of its conditions. */
static void damping(struct ld *L, struct doc *d, yaml_node_t *meta, struct hr_alert_policy *p) {
  struct doc tmp = *d;
  tmp.meta = meta;
  yaml_node_t *n;
  const char *v = ydoc_annotation(&tmp, "headroom.dev/damping", &n);
  int64_t us = 0;
  if (v == NULL)
    return;
  if (duration_parse(v, strlen(v), &us) != 0 || us <= 0) {
    ydoc_err_at(L, d, n,
                "headroom.dev/damping: invalid duration '%s' (how long an incident stays open after its "
                "last condition stopped firing, e.g. 2h)",
                v);
    return;
  }
  if (ydoc_dur_in(L, d, n, "headroom.dev/damping", us, YDOC_MIN_US, 7 * 24 * 60 * YDOC_MIN_US, NULL, 1) != 0)
    return;
  for (size_t i = 0; i < p->nconds; i++)
    p->conds[i].damping_us = us;
}

size_t openslo_alert_policy(struct ld *L, struct doc *d, yaml_node_t *pmeta, yaml_node_t *spec, const char *name,
                            yaml_node_t *at) {
  static const char *const keys[] = {
      "description", "alertWhenNoData", "alertWhenResolved", "alertWhenBreaching", "conditions", "notificationTargets",
      NULL};
  const char *w = "AlertPolicy.spec";
  struct hr_alert_policy p;
  memset(&p, 0, sizeof p);
  p.name = xstrdup(name);
  p.loc = ydoc_loc_of(L, d, at);
  ydoc_check_keys(L, d, spec, keys, w);
  int b, nodata = 0;
  if (ydoc_want_bool(L, d, spec, "alertWhenNoData", w, &b) == 1)
    nodata = b;
  ydoc_want_bool(L, d, spec, "alertWhenResolved", w, &b);
  ydoc_want_bool(L, d, spec, "alertWhenBreaching", w, &b);
  yaml_node_t *cs = ydoc_want_seq(L, d, spec, "conditions", 1, w);
  if (cs != NULL && ydoc_seq_len(cs) == 0)
    ydoc_err_at(L, d, cs, "AlertPolicy '%s' has no conditions", name);
  if (cs != NULL) {
    p.conds = xcalloc(ydoc_seq_len(cs) + 1, sizeof *p.conds);
    for (size_t i = 0; i < ydoc_seq_len(cs); i++) {
      yaml_node_t *e = ydoc_seq_at(d, cs, i);
      if (e == NULL || e->type != YAML_MAPPING_NODE) {
        ydoc_err_at(L, d, e ? e : cs, "conditions entries must be {conditionRef: NAME} or an inline AlertCondition");
        continue;
      }
      yaml_node_t *rn;
      const char *ref = ydoc_want_str(L, d, e, "conditionRef", 0, "conditions", &rn);
      if (ref != NULL) {
        struct tmp_cond *tc = find_cond(L, ref);
        if (tc == NULL) {
          char names[400];
          ydoc_names_of(L, K_COND, names, sizeof names);
          ydoc_err_at(L, d, rn, "unknown AlertCondition '%s' (defined: %s)", ref, names);
        } else if (tc->ok)
          cond_copy(&p.conds[p.nconds++], &tc->c);
        continue;
      }
      if (rn != NULL)
        continue;
      yaml_node_t *meta, *sp;
      char fb[300];
      snprintf(fb, sizeof fb, "%s.%zu", name, i + 1);
      const char *cname = ydoc_inline_head(L, d, e, K_COND, &meta, &sp, fb);
      if (sp == NULL)
        continue;
      struct hr_condition c;
      if (openslo_alert_condition(L, d, meta, sp, cname, &c))
        p.conds[p.nconds++] = c;
      else
        openslo_alert_cond_free(&c);
    }
  }
  if (nodata)
    nodata_condition(&p);
  damping(L, d, pmeta, &p);
  yaml_node_t *ts = ydoc_want_seq(L, d, spec, "notificationTargets", 0, w);
  for (size_t i = 0; ts != NULL && i < ydoc_seq_len(ts); i++) {
    yaml_node_t *e = ydoc_seq_at(d, ts, i);
    if (e == NULL || e->type != YAML_MAPPING_NODE) {
      ydoc_err_at(L, d, e ? e : ts, "notificationTargets entries must be {targetRef: NAME} or an inline target");
      continue;
    }
    yaml_node_t *rn;
    const char *ref = ydoc_want_str(L, d, e, "targetRef", 0, "notificationTargets", &rn);
    if (ref != NULL) {
      if (!target_exists(L, ref)) {
        char names[400];
        ydoc_names_of(L, K_TARGET, names, sizeof names);
        ydoc_err_at(L, d, rn, "unknown AlertNotificationTarget '%s' (defined: %s)", ref, names);
      } else
        ydoc_push_str(&p.targets, &p.ntargets, xstrdup(ref));
      continue;
    }
    if (rn != NULL)
      continue;
    yaml_node_t *meta, *sp;
    char fb[300];
    snprintf(fb, sizeof fb, "%s.target%zu", name, i + 1);
    const char *tname = ydoc_inline_head(L, d, e, K_TARGET, &meta, &sp, fb);
    if (sp != NULL)
      ydoc_push_str(&p.targets, &p.ntargets, xstrdup(openslo_alert_target(L, d, meta, sp, tname)));
  }
  struct hr_config *c = L->c;
  c->policies = xrealloc(c->policies, (c->npolicies + 1) * sizeof *c->policies);
  c->policies[c->npolicies] = p;
  return c->npolicies++;
}
