/* round.c -- see round.h and docs/alerting.md. An SLO is evaluated here
 * exactly as engine_report() evaluates it: the same minutes (store or
 * Prometheus, maintenance windows zeroed), the same exclusions in force. */
#include "engine/round.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/alert.h"
#include "core/grpkey.h"
#include "core/series.h"
#include "core/slo_eval.h"
#include "core/timeparse.h"
#include "engine/group.h"
#include "engine/health.h"
#include "engine/impl.h"
#include "notify/notify.h"
#include "prom/prom.h"
#include "store/alerts.h"
#include "util/imath.h"
#include "util/xmalloc.h"

#define MAX_CONDS 256

/* One line a person reads at 3 a.m. data_reason: what is wrong with the
 * data (NODATA), may be NULL. */
static void summary(const struct hr_condition *c, const struct hr_cond_result *r, const struct hr_slo_state *s,
                    const char *data_reason, char *buf, size_t n) {
  char l[32], sh[32], h[48], rem[48], left[64], pct[48];
  duration_format(c->long_us, l, sizeof l);
  /* the budget as every output words it: "budget left 44.7%", "budget 89.5% overspent" */
  budget_pct_text(s->budget_remaining, pct, sizeof pct);
  snprintf(left, sizeof left, "%s%s", s->budget_remaining < 0 ? "budget " : "budget left ", pct);
  switch (c->kind) {
  case HR_COND_BURNRATE:
    if (c->short_us > 0) {
      duration_format(c->short_us, sh, sizeof sh);
      snprintf(buf, n, "burn rate %.2fx over %s and %.2fx over %s (threshold %gx); %s", r->value, l, r->value2, sh,
               c->factor, left);
    } else {
      snprintf(buf, n, "burn rate %.2fx over %s (threshold %gx); %s", r->value, l, c->factor, left);
    }
    return;
  case HR_COND_EXHAUSTION:
    duration_format(c->horizon_us, sh, sizeof sh);
    if (r->value < 0)
      snprintf(buf, n, "no budget burning over %s; %s", l, left);
    else if (r->value <= 0)
      snprintf(buf, n, "budget exhausted (%s); burning over %s", left, l);
    else
      snprintf(buf, n, "budget gone in %s at the %s burn rate (horizon %s); %s", human_duration(r->value, h, sizeof h),
               l, sh, left);
    return;
  case HR_COND_BUDGET:
    budget_pct_text(r->value, rem, sizeof rem);
    snprintf(buf, n, "%s%s (threshold %.1f%% left)", r->value < 0 ? "budget " : "budget left ", rem, c->level * 100);
    return;
  case HR_COND_NODATA:
    if (s->data == HR_DATA_OK)
      snprintf(buf, n, "the SLO's data is back");
    else
      snprintf(buf, n, "the SLO's data is %s: %s", data_name(s->data), data_reason ? data_reason : "");
    return;
  }
  buf[0] = '\0';
}

/* What one round evaluates an SLO with. */
struct round_ctx {
  struct hr_store *st;
  const struct hr_config *cfg;
  const struct hr_effective *eff; /* exclusions in force */
  const struct hr_annotation *tl; /* the timeline (maintenance windows) */
  size_t ntl;
  const struct hr_pipeline *p; /* the configuration compiled (the fields the filters read) */
  int64_t at_us;
  const char *dashboard_url;
  unsigned char *src_rec; /* engine_source_recorded()'s cache */
};

/* What a round steps the conditions of: an SLO's own alerts, or those of
 * one group of a grouped SLO (docs/alerting.md, "Grouped SLOs"). */
struct subject {
  const struct hr_slo *slo;
  const char *labels;               /* "" for the SLO's own, else grp_labels_json() */
  const struct hr_series *s;        /* its minutes (empty when its state came from range sums) */
  const struct hr_slo_state *state; /* its figures at the round */
  const char *data_reason;          /* the SLO's data health, for people (may be NULL) */
};

/* The notification of an incident's lead condition (named by the incident;
 * one no longer configured is rebuilt from what the incident kept, as
 * retire_orphans() does). */
static enum hr_rc send_incident(const struct round_ctx *x, const struct subject *sub,
                                const struct hr_condition *const *conds, const struct hr_cond_result *res, size_t nc,
                                const struct hr_incident_row *row, const char *grp, enum hr_transition tr,
                                struct hr_err *err) {
  const struct hr_condition *c = NULL;
  struct hr_cond_result r = {0};
  for (size_t i = 0; i < nc && c == NULL; i++)
    if (row->lead != NULL && strcmp(conds[i]->name, row->lead) == 0) {
      c = conds[i];
      r = res[i];
    }
  struct hr_condition gone = {.name = row->lead, .severity = (char *)grp, .kind = row->lead_kind};
  struct hr_notice n = {.slo = sub->slo,
                        .labels = sub->labels,
                        .cond = c != NULL ? c : &gone,
                        .kind = tr,
                        .starts_at_us = row->fired_at_us,
                        .ends_at_us = tr == HR_TR_RESOLVED ? x->at_us : 0,
                        .res = r,
                        .state = sub->state,
                        .dashboard_url = x->dashboard_url};
  return notify_enqueue(x->st, x->cfg, &n, x->at_us / 1000000, err);
}

/* Step a subject's two incidents (page, then ticket: a ticket is held
 * while the page incident is open) after its conditions were stepped, and
 * queue what is to be sent: one firing per incident, from its earliest
 * member firing, and one resolve when it closes (core/alert.h
 * incident_step). */
static enum hr_rc step_incidents(const struct round_ctx *x, const struct subject *sub,
                                 const struct hr_condition *const *conds, const struct hr_cond_result *res,
                                 const struct hr_alert *al, size_t nc, struct hr_round_stats *rs, struct hr_err *err) {
  static const char *const grps[2] = {"page", "ticket"};
  int64_t at_s = x->at_us / 1000000;
  int page_open = 0;
  enum hr_rc rc = HR_OK;
  for (int g = 0; g < 2 && rc == HR_OK; g++) {
    struct hr_incident_row row;
    int found;
    rc = alerts_incident_get(x->st, sub->slo->name, sub->labels, grps[g], &row, &found, err);
    if (rc != HR_OK)
      break;
    if (found && row.updated_s > at_s) { /* never step an incident backwards */
      page_open = g == 0 ? row.g.open : page_open;
      free(row.lead);
      continue;
    }
    int nfiring = 0;
    size_t lead = SIZE_MAX;
    for (size_t i = 0; i < nc; i++)
      if ((!alert_is_page(conds[i])) == g && al[i].state == HR_AL_FIRING) {
        nfiring++;
        if (lead == SIZE_MAX || al[i].fired_at_us < al[lead].fired_at_us)
          lead = i;
      }
    enum hr_transition tr =
        incident_step(&row.g, nfiring, g == 1 && page_open, x->at_us, alert_damping(conds, nc, g == 0));
    if (g == 0)
      page_open = row.g.open;
    if (tr == HR_TR_FIRING) {
      free(row.lead);
      row.lead = xstrdup(conds[lead]->name);
      row.lead_kind = conds[lead]->kind;
      row.fired_at_us = al[lead].fired_at_us;
    }
    if (tr != HR_TR_NONE) {
      rc = send_incident(x, sub, conds, res, nc, &row, grps[g], tr, err);
      rs->notified++;
    }
    row.updated_s = at_s;
    if (rc == HR_OK && (found || row.g.open))
      rc = alerts_incident_put(x->st, sub->slo->name, sub->labels, grps[g], &row, err);
    free(row.lead);
  }
  return rc;
}

/* Evaluate and step every condition of a subject (a group: all but the
 * no-data ones, since a group without events is no outage), then its
 * incidents; writes inside the open transaction. */
static enum hr_rc step_subject(const struct round_ctx *x, const struct subject *sub, struct hr_round_stats *rs,
                               struct hr_err *err) {
  const struct hr_slo *slo = sub->slo;
  const struct hr_condition *all[MAX_CONDS], *conds[MAX_CONDS];
  size_t na = alert_conditions(slo, all, MAX_CONDS), nc = 0;
  for (size_t i = 0; i < na && i < MAX_CONDS; i++)
    if (sub->labels[0] == 0 || all[i]->kind != HR_COND_NODATA)
      conds[nc++] = all[i];
  struct hr_cond_result *res = xcalloc(MAX_CONDS, sizeof *res);
  struct hr_alert *al = xcalloc(MAX_CONDS, sizeof *al);
  int64_t at_us = x->at_us, at_s = at_us / 1000000;
  enum hr_rc rc = HR_OK;
  char lt[512];
  grp_labels_text(sub->labels, lt, sizeof lt);
  for (size_t i = 0; i < nc && rc == HR_OK; i++) {
    const struct hr_condition *c = conds[i];
    struct hr_alert *a = &al[i];
    int64_t updated;
    int found;
    rs->conditions++;
    rc = alerts_get(x->st, slo->name, sub->labels, c->name, a, &updated, &found, err);
    if (rc != HR_OK)
      break;
    alert_cond_eval(slo, c, sub->s, sub->state, at_us, found && a->state == HR_AL_FIRING, &res[i]);
    enum hr_transition tr = HR_TR_NONE;
    if (!found || updated <= at_s) { /* never step a state backwards */
      tr = alert_step(a, res[i].active, at_us, c->alert_after_us);
      rc = alerts_put(x->st, slo->name, sub->labels, c->name, c->kind, c->severity, a, res[i].value, at_s, err);
    }
    if (a->state == HR_AL_FIRING)
      rs->firing++;
    else if (a->state == HR_AL_PENDING)
      rs->pending++;
    if (rc != HR_OK || tr == HR_TR_NONE)
      continue;
    char sum[256], full[800];
    summary(c, &res[i], sub->state, sub->data_reason, sum, sizeof sum);
    if (lt[0]) /* a group's: which group first */
      snprintf(full, sizeof full, "%s: %s", lt, sum);
    rc = alerts_event_add(x->st, slo->name, sub->labels, c->name, c->severity, tr, at_s, res[i].value,
                          lt[0] ? full : sum, err);
    if (tr == HR_TR_FIRING)
      rs->fired++;
    else
      rs->resolved++;
  }
  if (rc == HR_OK && nc > 0)
    rc = step_incidents(x, sub, conds, res, al, nc, rs, err);
  free(res);
  free(al);
  return rc;
}

/* SLO j from the store's range sums when they decide (engine_eval_slo_sums;
 * its DataSource recorded, so the data health reads no minute): *done = 1
 * with one's state, burning now and health filled. */
static enum hr_rc round_sums(const struct round_ctx *x, size_t j, struct hr_report_slo *one, int *done,
                             struct hr_err *err) {
  static const struct hr_series none = {.step_us = MINUTE_US, .head = INT64_MIN}; /* not read */
  const struct hr_slo *slo = &x->cfg->slos[j];
  int recorded = 0;
  *done = 0;
  enum hr_rc rc = engine_source_recorded(x->st, x->cfg, slo, x->src_rec, &recorded, err);
  if (rc != HR_OK || !recorded)
    return rc;
  struct hr_slo_sums sx;
  rc = engine_slo_sums_init(&sx, x->st, slo, x->tl, x->ntl, x->at_us, err);
  if (rc == HR_OK && engine_eval_slo_sums(one, slo, &sx, x->at_us)) {
    *done = 1;
    rc = engine_slo_health(x->cfg, x->p, x->st, NULL, j, &none, x->at_us, one, err);
  }
  if (rc == HR_OK && sx.rc != HR_OK) {
    rc = sx.rc;
    if (err != NULL)
      *err = sx.err;
  }
  engine_slo_sums_done(&sx);
  return rc;
}

/* groups_each_store()'s fn of the round: step one group's alerts. */
struct group_step {
  const struct round_ctx *x;
  const struct hr_report_slo *one; /* the SLO's own evaluation (its data health) */
  struct hr_round_stats *rs;
};
static enum hr_rc group_step_fn(void *ctx, char **values, size_t nf, int64_t cid, const struct hr_report_slo *tmp,
                                const struct hr_series *s, struct hr_err *err) {
  (void)cid;
  struct group_step *gs = ctx;
  const struct hr_slo *slo = gs->one->slo;
  char *labels = grp_labels_json(slo->group_by, values, nf, values == NULL);
  struct hr_slo_state st = tmp->st;
  if (gs->one->st.data == HR_DATA_UNREADABLE)
    st.data = HR_DATA_UNREADABLE; /* figures of unreadable data: no group's condition holds either */
  struct subject sub = {slo, labels, s, &st, gs->one->data_reason};
  enum hr_rc rc = step_subject(gs->x, &sub, gs->rs, err);
  free(labels);
  for (size_t f = 0; values != NULL && f < nf; f++)
    free(values[f]);
  free(values);
  return rc;
}

/* Evaluate and step every condition of SLO j, then its incidents, then
 * those of each of its groups; writes inside the open transaction. pre:
 * its minutes read from Prometheus before the transaction, or NULL to read
 * the store. */
static enum hr_rc round_slo(const struct round_ctx *x, size_t j, struct hr_series *pre, struct hr_round_stats *rs,
                            struct hr_err *err) {
  struct hr_store *st = x->st;
  const struct hr_slo *slo = &x->cfg->slos[j];
  const struct hr_slo *eslo = &x->eff->eff.slos[j];
  int64_t at_us = x->at_us;
  struct hr_series s = {.step_us = MINUTE_US, .head = INT64_MIN};
  enum hr_rc rc = HR_OK;
  struct hr_report_slo one = {0};
  int done = 0;
  if (pre != NULL) {
    s = *pre;
    memset(pre, 0, sizeof *pre);
  } else {
    rc = round_sums(x, j, &one, &done, err);
    if (rc == HR_OK && !done) {
      series_init(&s, MINUTE_US, 0, slo_eval_span(slo, MINUTE_US));
      rc = engine_slo_minutes(st, slo, x->tl, x->ntl, at_us, &s, NULL, err);
    }
  }
  if (rc == HR_OK && !done) {
    engine_eval_slo(&one, slo, &s, eslo->excl, eslo->nexcl, at_us);
    rc = engine_slo_health(x->cfg, x->p, st, NULL, j, &s, at_us, &one, err);
  }
  if (rc == HR_OK) {
    rs->slos++;
    one.slo = slo;
    struct subject sub = {slo, "", &s, &one.st, one.data_reason};
    rc = step_subject(x, &sub, rs, err);
  }
  series_reset(&s);
  if (rc == HR_OK && pre == NULL && slo->ngroup_by > 0) {
    struct group_step gs = {x, &one, rs};
    rc = groups_each_store(st, slo, eslo->excl, eslo->nexcl, x->tl, x->ntl, at_us, group_step_fn, &gs, err);
  }
  free(one.data_reason);
  return rc;
}

/* Alerts whose SLO or condition is no longer in the configuration, and
 * alerts of a group this round did not step (its SLO no longer grouped, or
 * grouped by other fields): each is stepped as a condition that stopped
 * holding -- a firing one resolves (with its transition row and its resolve
 * sent, so Alertmanager does not keep it active), a pending one goes back
 * to inactive. skip[j]: SLO j was left out of this round (its alerts stay as
 * they are). */
static enum hr_rc retire_orphans(struct hr_store *st, const struct hr_config *cfg, const unsigned char *skip,
                                 int64_t at_us, const char *dashboard_url, struct hr_round_stats *rs,
                                 struct hr_err *err) {
  struct hr_alert_row *rows = NULL;
  size_t n = 0;
  enum hr_rc rc = alerts_list(st, 1u << HR_AL_FIRING | 1u << HR_AL_PENDING, &rows, &n, err);
  int64_t at_s = at_us / 1000000;
  for (size_t i = 0; i < n && rc == HR_OK; i++) {
    struct hr_alert_row *row = &rows[i];
    const struct hr_slo *slo = config_slo(cfg, row->slo);
    int configured = 0, cond_configured = 0, group = row->labels != NULL && row->labels[0] != 0;
    if (slo != NULL) {
      const struct hr_condition *conds[MAX_CONDS];
      size_t nc = alert_conditions(slo, conds, MAX_CONDS);
      for (size_t k = 0; k < nc && k < MAX_CONDS && !configured; k++)
        configured = strcmp(conds[k]->name, row->condition) == 0;
      cond_configured = configured;
      /* a group's alert is live while this round stepped it (or left its SLO out) */
      if (configured && group)
        configured = row->updated_s >= at_s || skip[slo - cfg->slos];
    }
    if (configured || row->updated_s > at_s)
      continue;
    struct hr_alert a = row->a;
    enum hr_transition tr = alert_step(&a, 0, at_us, 0);
    rc = alerts_put(st, row->slo, row->labels, row->condition, row->kind, row->severity, &a, row->value, at_s, err);
    if (rc != HR_OK || tr != HR_TR_RESOLVED)
      continue;
    char sum[600], lt[512];
    snprintf(sum, sizeof sum, "%s%sresolved: %s", grp_labels_text(row->labels, lt, sizeof lt), lt[0] ? ": " : "",
             cond_configured ? "the group is no longer in the configuration"
                             : "the condition is no longer in the configuration");
    rc = alerts_event_add(st, row->slo, row->labels, row->condition, row->severity, tr, at_s, row->value, sum, err);
    /* Where the firing went is no longer in the configuration: the resolve
     * goes to every target (an SLO without policies), with the labels the
     * firing had -- the SLO's name and service, the condition's name,
     * severity and kind (the alertname), as the store kept them. */
    struct hr_slo gone = {.name = row->slo, .service = slo != NULL ? slo->service : NULL};
    struct hr_condition cond = {.name = row->condition, .severity = row->severity, .kind = row->kind};
    struct hr_slo_state state = {.budget_remaining = 1};
    struct hr_notice nt = {.slo = &gone,
                           .labels = row->labels,
                           .cond = &cond,
                           .kind = tr,
                           .starts_at_us = a.fired_at_us,
                           .ends_at_us = a.resolved_at_us,
                           .state = &state,
                           .dashboard_url = dashboard_url};
    if (rc == HR_OK)
      rc = notify_enqueue(st, cfg, &nt, at_s, err);
    rs->resolved++;
  }
  alerts_rows_free(rows, n);
  return rc;
}

enum hr_rc alert_round(struct hr_store *st, const struct hr_config *cfg, int64_t at_us, int send,
                       const char *dashboard_url, struct hr_round_stats *out, struct hr_err *err) {
  struct hr_round_stats rs = {0};
  at_us = floor_div(at_us, MINUTE_US) * MINUTE_US;
  /* SLOs on a prometheus DataSource: their minutes come from Prometheus,
   * read before the transaction. One that cannot be read is left out of
   * this round (its states stay as they are: Prometheus being down resolves
   * nothing), and the round then reports that error after committing the
   * others. */
  size_t ns = cfg->nslos ? cfg->nslos : 1;
  struct hr_series *pre = xcalloc(ns, sizeof *pre);
  unsigned char *is_pre = xcalloc(ns, 1), *skip = xcalloc(ns, 1);
  struct hr_err perr = {0};
  enum hr_rc prc = HR_OK;
  struct hr_annotation *tl = NULL;
  size_t ntl = 0;
  int found = 0;
  enum hr_rc rc = engine_timeline(st, NULL, &tl, &ntl, &found, err);
  if (rc != HR_OK) {
    free(pre);
    free(is_pre);
    free(skip);
    return rc;
  }
  for (size_t j = 0; j < cfg->nslos; j++) {
    if (!prom_slo_is_prom(&cfg->slos[j]))
      continue;
    series_init(&pre[j], MINUTE_US, 0, slo_eval_span(&cfg->slos[j], MINUTE_US));
    is_pre[j] = 1;
    struct hr_err e = {0};
    enum hr_rc r2 = engine_slo_minutes(NULL, &cfg->slos[j], tl, ntl, at_us, &pre[j], NULL, &e);
    if (r2 != HR_OK) {
      skip[j] = 1;
      if (prc == HR_OK) {
        prc = r2;
        perr = e;
      }
    }
  }
  struct hr_effective eff;
  effective_init(&eff, cfg, tl, ntl);
  struct hr_pipeline *p = NULL;
  if (pipeline_new(&eff.eff, &p, err) != HR_OK)
    p = NULL; /* the data health then judges no field */
  struct round_ctx x = {st, cfg, &eff, tl, ntl, p, at_us, dashboard_url, xcalloc(cfg->nsources ? cfg->nsources : 1, 1)};
  rc = store_begin(st, err);
  int began = rc == HR_OK;
  for (size_t j = 0; j < cfg->nslos && rc == HR_OK; j++)
    if (!skip[j])
      rc = round_slo(&x, j, is_pre[j] ? &pre[j] : NULL, &rs, err);
  if (rc == HR_OK)
    rc = retire_orphans(st, cfg, skip, at_us, dashboard_url, &rs, err);
  for (size_t j = 0; j < cfg->nslos; j++)
    if (is_pre[j] && pre[j].pages != NULL)
      series_reset(&pre[j]);
  free(pre);
  free(is_pre);
  free(skip);
  free(x.src_rec);
  effective_done(&eff);
  pipeline_free(p);
  timeline_free(tl, ntl);
  if (rc == HR_OK)
    rc = store_commit(st, err);
  if (rc != HR_OK) {
    if (began)
      store_rollback(st);
    return rc;
  }
  if (out)
    *out = rs;
  if (send) {
    struct hr_deliver_stats ds;
    rc = notify_deliver(st, at_us / 1000000, &ds, err);
  }
  if (rc == HR_OK && prc != HR_OK) {
    if (err != NULL)
      *err = perr;
    rc = prc;
  }
  return rc;
}

/* Whether row r is the alert (slo, labels, condition). */
static int row_is(const struct hr_alert_row *r, const char *slo, const char *labels, const char *condition) {
  return strcmp(r->condition, condition) == 0 && strcmp(r->slo, slo) == 0 &&
         strcmp(r->labels, labels != NULL ? labels : "") == 0;
}

/* The entry of (slo, labels, condition) in rows[0..*n), added when missing. */
static struct hr_alert_row *row_of(struct hr_alert_row **rows, size_t *n, size_t *cap, const char *slo,
                                   const char *labels, const char *condition, const char *severity) {
  for (size_t k = 0; k < *n; k++)
    if (row_is(&(*rows)[k], slo, labels, condition))
      return &(*rows)[k];
  if (*n == *cap) {
    *cap = *cap ? 2 * *cap : 16;
    *rows = xrealloc(*rows, *cap * sizeof **rows);
  }
  struct hr_alert_row *r = &(*rows)[(*n)++];
  memset(r, 0, sizeof *r);
  r->slo = xstrdup(slo);
  r->labels = xstrdup(labels != NULL ? labels : "");
  r->condition = xstrdup(condition);
  r->severity = xstrdup(severity ? severity : "");
  r->a.state = HR_AL_INACTIVE;
  r->a.since_us = r->a.fired_at_us = r->a.resolved_at_us = INT64_MIN;
  r->updated_s = INT64_MIN;
  return r;
}

enum hr_rc engine_alerts_as_of(struct hr_store *st, const char *slo, int64_t at_us, struct hr_alert_row **rows_out,
                               size_t *nrows_out, struct hr_alert_event **ev_out, size_t *nev_out, struct hr_err *err) {
  *rows_out = NULL;
  *nrows_out = 0;
  int64_t at_s = floor_div(at_us, 1000000);
  struct hr_alert_event *ev = NULL;
  size_t nev = 0, n = 0, cap = 0;
  struct hr_alert_row *rows = NULL;
  enum hr_rc rc = alerts_events_of(st, slo, INT64_MIN / 2, at_s + 1, &ev, &nev, err);
  if (rc != HR_OK)
    return rc;
  /* The transitions at or before the instant, in time order: the last one
   * of each alert is its state then. */
  for (size_t i = 0; i < nev; i++) {
    const struct hr_alert_event *e = &ev[i];
    struct hr_alert_row *r = row_of(&rows, &n, &cap, e->slo, e->labels, e->condition, e->severity);
    int64_t t = e->at_s * 1000000;
    if (e->kind == HR_TR_FIRING) {
      r->a.state = HR_AL_FIRING;
      r->a.fired_at_us = r->a.since_us = t;
      r->a.resolved_at_us = INT64_MIN;
    } else if (r->a.state == HR_AL_FIRING) {
      r->a.state = HR_AL_RESOLVED;
      r->a.resolved_at_us = r->a.since_us = t;
    }
    r->value = e->value;
    r->updated_s = e->at_s;
  }
  /* The table's row of an alert is its state as of its last round: when
   * that round is at or before the instant, nothing changed it since, so a
   * pending row was pending then, and its value is the latest known. A row
   * written by a later round says nothing of the instant. */
  struct hr_alert_row *tab = NULL;
  size_t ntab = 0;
  rc = alerts_list(st, 1u << HR_AL_FIRING | 1u << HR_AL_PENDING | 1u << HR_AL_RESOLVED, &tab, &ntab, err);
  for (size_t i = 0; rc == HR_OK && i < ntab; i++) {
    const struct hr_alert_row *t = &tab[i];
    if ((slo != NULL && strcmp(t->slo, slo) != 0) || t->updated_s > at_s)
      continue;
    if (t->a.state != HR_AL_PENDING) { /* firing or resolved: as its transitions say; the latest value */
      for (size_t k = 0; k < n; k++)
        if (row_is(&rows[k], t->slo, t->labels, t->condition) && rows[k].a.state == t->a.state) {
          rows[k].value = t->value;
          rows[k].updated_s = t->updated_s;
        }
      continue;
    }
    struct hr_alert_row *r = row_of(&rows, &n, &cap, t->slo, t->labels, t->condition, t->severity);
    r->a.state = HR_AL_PENDING;
    r->a.since_us = t->a.since_us;
    r->kind = t->kind;
    r->value = t->value;
    r->updated_s = t->updated_s;
  }
  alerts_rows_free(tab, ntab);
  if (rc == HR_OK && ev_out != NULL) {
    *ev_out = ev;
    *nev_out = nev;
  } else {
    alerts_events_free(ev, nev);
  }
  if (rc != HR_OK) {
    alerts_rows_free(rows, n);
    return rc;
  }
  *rows_out = rows;
  *nrows_out = n;
  return HR_OK;
}

static int cmp_row(const void *a, const void *b) {
  const struct hr_alert_row *x = a, *y = b;
  int fx = x->a.state == HR_AL_FIRING, fy = y->a.state == HR_AL_FIRING;
  if (fx != fy)
    return fy - fx;
  int c = strcmp(x->slo, y->slo);
  if (c == 0)
    c = strcmp(x->labels, y->labels);
  return c ? c : strcmp(x->condition, y->condition);
}

enum hr_rc engine_alerts(struct hr_store *st, const char *db, int64_t at_us, int64_t after_id, size_t max,
                         struct hr_alert_view *out, struct hr_err *err) {
  memset(out, 0, sizeof *out);
  struct hr_store *own = NULL;
  enum hr_rc rc = HR_OK;
  int began = 0;
  if (st == NULL) {
    rc = store_open_ro(db, &own, err);
    st = own;
    if (rc == HR_OK)
      rc = store_begin(st, err); /* one snapshot: the states and the transitions agree */
    began = rc == HR_OK;
  }
  struct hr_alert_event *ev = NULL;
  size_t nev = 0;
  if (rc == HR_OK)
    rc = engine_alerts_as_of(st, NULL, at_us, &out->rows, &out->nrows, &ev, &nev, err);
  if (rc == HR_OK) { /* firing and pending then */
    size_t k = 0;
    for (size_t i = 0; i < out->nrows; i++) {
      struct hr_alert_row *r = &out->rows[i];
      if (r->a.state == HR_AL_FIRING || r->a.state == HR_AL_PENDING) {
        out->rows[k++] = *r;
      } else {
        free(r->slo);
        free(r->labels);
        free(r->condition);
        free(r->severity);
      }
    }
    out->nrows = k;
    if (k > 1)
      qsort(out->rows, k, sizeof *out->rows, cmp_row);
  }
  if (rc == HR_OK && after_id >= 0) {
    rc = alerts_events(st, after_id, max, &out->events, &out->nevents, err);
  } else if (rc == HR_OK) { /* the latest max at or before the instant, newest first */
    size_t keep = max && nev > max ? max : nev;
    out->events = xcalloc(keep ? keep : 1, sizeof *out->events);
    for (size_t i = 0; i < keep; i++) {
      out->events[i] = ev[nev - 1 - i];
      memset(&ev[nev - 1 - i], 0, sizeof *ev);
    }
    out->nevents = keep;
  }
  alerts_events_free(ev, nev);
  if (began)
    store_rollback(own);
  store_close(own);
  if (rc != HR_OK)
    alert_view_free(out);
  return rc;
}

void alert_view_free(struct hr_alert_view *v) {
  alerts_rows_free(v->rows, v->nrows);
  alerts_events_free(v->events, v->nevents);
  memset(v, 0, sizeof *v);
}

enum hr_rc engine_evaluate(const struct hr_config *cfg, const char *db, int64_t at_us, int send, const char *url,
                           struct hr_evaluation *out, struct hr_err *err) {
  memset(out, 0, sizeof *out);
  struct hr_store *st = NULL;
  enum hr_rc rc =
      db == NULL ? HR_FAIL(err, HR_ERR_USAGE, "no store configured; use --db FILE") : store_open_ro(db, &st, err);
  store_close(st); /* it exists; now the writer */
  st = NULL;
  if (rc == HR_ERR_NOTFOUND)
    return HR_FAIL(err, HR_ERR_NOTFOUND, "no store at %s (run 'headroom ingest' first)", db);
  if (rc == HR_OK || rc == HR_ERR_DB) /* a store of an older schema: the writer migrates it */
    rc = store_open(db, &st, err);
  int64_t last_id = 0;
  if (rc == HR_OK)
    rc = alerts_last_event_id(st, &last_id, err);
  if (rc == HR_OK)
    rc = alert_round(st, cfg, at_us, 0, url, &out->round, err);
  if (rc == HR_OK && send)
    rc = notify_deliver(st, floor_div(at_us, 1000000), &out->delivery, err);
  if (rc == HR_OK)
    rc = engine_alerts(st, NULL, floor_div(at_us, MINUTE_US) * MINUTE_US, last_id, 0, &out->view, err);
  store_close(st);
  return rc;
}
