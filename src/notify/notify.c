/* notify.c -- alert transitions to Alertmanager (v2 API) and JSON webhooks
 * through the store's outbox table. See notify.h and docs/notifications.md.
 *
 * notify_enqueue() renders the payload once, when the transition happens,
 * and stores it with the target's URL; notify_deliver() only POSTs stored
 * bytes, so a retry an hour later sends exactly what the round saw. */
#include "notify/notify.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/grpkey.h"
#include "core/jw.h"
#include "core/timeparse.h"
#include "net/httpc.h"
#include "store/outbox.h"
#include "util/xmalloc.h"

#define US INT64_C(1000000)

/* A firing alert tells Alertmanager it ends this far ahead (see
 * docs/notifications.md "Why endsAt is a week ahead"). */
#define FIRING_TTL_S (INT64_C(7) * 86400)

/* Backoff after the nth failed attempt: 10 s doubling, capped at 10 min. */
#define BACKOFF_FIRST_S 10
#define BACKOFF_MAX_S 600

/* Rows tried per pass at most; the rest wait for the next pass. */
#define DELIVER_BATCH 256

/* Bytes of a failed response's body kept in last_error. */
#define ERR_BODY_MAX 200

/* Per request: the connection, and the whole POST. */
#define CONNECT_TIMEOUT_US INT64_C(2000000)
#define POST_TIMEOUT_US INT64_C(5000000)

/* ------------------------------------------------------------------------ */
/* Words and numbers for people */

/* "14.6", "120", "0.85". */
static char *fmt_rate(double x, char *buf, size_t n) {
  if (!isfinite(x))
    x = 0;
  if (fabs(x) >= 100)
    snprintf(buf, n, "%.0f", x);
  else if (fabs(x) >= 1)
    snprintf(buf, n, "%.1f", x);
  else
    snprintf(buf, n, "%.2f", x);
  return buf;
}

/* A fraction as a percentage: "12%", "4.5%", "-35%". */
static char *fmt_pct(double frac, char *buf, size_t n) {
  double p = isfinite(frac) ? frac * 100 : 0;
  if (fabs(p) >= 10 || p == 0)
    snprintf(buf, n, "%.0f%%", p);
  else
    snprintf(buf, n, "%.1f%%", p);
  return buf;
}

/* A target: 0.999 -> "99.9%". */
static char *fmt_target(double t, char *buf, size_t n) {
  snprintf(buf, n, "%.6g%%", t * 100);
  return buf;
}

static char *fmt_dur(int64_t us, char *buf, size_t n) {
  return duration_format(us, buf, n);
}

/* "the 28-day budget", "this month's budget". */
static char *budget_name(const struct hr_slo *slo, const struct hr_slo_state *st, char *buf, size_t n) {
  const struct hr_window *w = &slo->window;
  if (w->kind == HR_WIN_CALENDAR) {
    static const char *const unit[] = {"day", "week", "month", "quarter", "year"};
    const char *u = (unsigned)w->unit < sizeof unit / sizeof unit[0] ? unit[w->unit] : "period";
    if (w->count <= 1)
      snprintf(buf, n, "this %s's budget", u);
    else
      snprintf(buf, n, "the current %d-%s budget", w->count, u);
    return buf;
  }
  int64_t len = w->length_us > 0 ? w->length_us : st->window_us;
  if (len > 0 && len % (86400 * US) == 0) {
    snprintf(buf, n, "the %lld-day budget", (long long)(len / (86400 * US)));
  } else {
    char d[32];
    snprintf(buf, n, "the %s budget", fmt_dur(len, d, sizeof d));
  }
  return buf;
}

/* The burn rate the state holds for lookback_us; -1 when it has none. */
static double state_burn(const struct hr_slo_state *st, int64_t lookback_us) {
  for (size_t i = 0; i < st->nburn && i < HR_MAX_LOOKBACKS; i++)
    if (st->burn[i].lookback_us == lookback_us)
      return st->burn[i].rate;
  return -1;
}

/* ------------------------------------------------------------------------ */
/* The facts of one notice, computed once for both payload shapes */

struct facts {
  const struct hr_notice *n;
  int resolved;
  const char *alertname;
  const char *cond_kind;   /* "burnrate" | "exhaustion" | "budget" */
  double burn, burn_short; /* the lookbacks the condition reads; burn_short < 0: none */
  int64_t long_us, short_us;
  double threshold; /* factor, horizon seconds or level */
  double rem;       /* budget remaining, fraction */
  int tte_kind;     /* 0 never, 1 in tte_s, 2 already exhausted */
  double tte_s;
  char starts[40], ends[40]; /* RFC 3339 */
  char summary[768];
  char description[1536];
  char ann_burn[192], ann_rem[64], ann_tte[64];
  char *link; /* owned, NULL without a dashboard */
};

/* Percent-encode s (everything but unreserved characters) onto f. */
static void put_escaped(FILE *f, const char *s) {
  for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
    if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') || *p == '-' || *p == '_' ||
        *p == '.' || *p == '~')
      fputc(*p, f);
    else
      fprintf(f, "%%%02X", *p);
  }
}

static char *dashboard_link(const char *base, const char *slo) {
  if (base == NULL || base[0] == '\0')
    return NULL;
  size_t bl = strlen(base);
  while (bl > 0 && base[bl - 1] == '/')
    bl--;
  char *s = NULL;
  size_t sn = 0;
  FILE *f = open_memstream(&s, &sn);
  if (f == NULL)
    abort();
  fprintf(f, "%.*s/#/slo/", (int)bl, base);
  put_escaped(f, slo);
  fclose(f);
  return s;
}

static void facts_tte(struct facts *fx, const struct hr_notice *n) {
  const struct hr_slo_state *st = n->state;
  double w_s = (double)st->window_us / 1e6;
  fx->tte_kind = 0;
  fx->tte_s = 0;
  switch (n->cond->kind) {
  case HR_COND_EXHAUSTION:
    if (n->res.value >= 0 && isfinite(n->res.value)) {
      fx->tte_kind = n->res.value <= 0 ? 2 : 1;
      fx->tte_s = n->res.value;
    }
    return;
  case HR_COND_BUDGET:
    if (st->has_tte) {
      fx->tte_kind = st->tte_s <= 0 ? 2 : 1;
      fx->tte_s = st->tte_s;
    } else if (fx->rem <= 0) {
      fx->tte_kind = 2;
    }
    return;
  case HR_COND_BURNRATE:
  case HR_COND_NODATA: break;
  }
  if (fx->rem <= 0)
    fx->tte_kind = 2;
  else if (fx->burn > 0 && w_s > 0) {
    fx->tte_kind = 1;
    fx->tte_s = fx->rem * w_s / fx->burn;
  }
}

static void facts_words(struct facts *fx) {
  const struct hr_notice *n = fx->n;
  const struct hr_slo *slo = n->slo;
  const struct hr_condition *c = n->cond;
  const struct hr_slo_state *st = n->state;
  char bn[64], lw[32], sw[32], r1[32], r2[32], pct[32], tte[48], thr[48], tgt[32], win[32];
  budget_name(slo, st, bn, sizeof bn);
  fmt_dur(fx->long_us, lw, sizeof lw);
  fmt_dur(fx->short_us, sw, sizeof sw);
  fmt_rate(fx->burn, r1, sizeof r1);
  fmt_rate(fx->burn_short, r2, sizeof r2);
  fmt_pct(fx->rem, pct, sizeof pct);
  if (fx->tte_kind == 1)
    human_duration(fx->tte_s, tte, sizeof tte);
  else
    snprintf(tte, sizeof tte, "%s", fx->tte_kind == 2 ? "exhausted" : "never");

  /* Budget clause: "12% of the 28-day budget left" or "the ... is spent". */
  char budget[160];
  if (fx->rem > 0)
    snprintf(budget, sizeof budget, "%s of %s left", pct, bn);
  else
    snprintf(budget, sizeof budget, "%s is spent (%s left)", bn, pct);
  char rate_tail[96] = "";
  if (fx->tte_kind == 1 && fx->rem > 0)
    snprintf(rate_tail, sizeof rate_tail, "; at this rate it is exhausted in %s", tte);

  char shortpart[128] = "";
  if (fx->burn_short >= 0 && fx->short_us > 0)
    snprintf(shortpart, sizeof shortpart, " (%s: %sx)", sw, r2);

  /* The condition in one phrase, for the description. */
  char def[192];
  switch (c->kind) {
  case HR_COND_BURNRATE:
    fmt_rate(c->factor, thr, sizeof thr);
    if (c->short_us > 0)
      snprintf(def, sizeof def, "the burn rate over %s and over %s are both above %sx", lw, sw, thr);
    else
      snprintf(def, sizeof def, "the burn rate over %s is above %sx", lw, thr);
    break;
  case HR_COND_EXHAUSTION:
    fmt_dur(c->horizon_us, thr, sizeof thr);
    snprintf(def, sizeof def, "the budget runs out within %s at the burn rate of the last %s", thr, lw);
    break;
  case HR_COND_NODATA:
    snprintf(def, sizeof def, "the SLO's data is not ok (no valid event, stale or unreadable)");
    break;
  case HR_COND_BUDGET:
  default:
    fmt_pct(c->level, thr, sizeof thr);
    snprintf(def, sizeof def, "less than %s of the error budget is left", thr);
    break;
  }

  /* A group's alert names its group: "checkout (path=/pay)". */
  char lt[512];
  grp_labels_text(n->labels, lt, sizeof lt);
  char *name = lt[0] ? xasprintf("%s (%s)", slo->name, lt) : xstrdup(slo->name);
  if (c->kind == HR_COND_NODATA) {
    if (fx->resolved)
      snprintf(fx->summary, sizeof fx->summary, "RESOLVED: %s has data again; %s", name, budget);
    else
      snprintf(fx->summary, sizeof fx->summary,
               "%s has no data to judge it by: its data is %s (a dead or unreadable log, or no traffic)", name,
               data_name(st->data));
  } else if (fx->resolved && n->res.low_traffic) {
    snprintf(fx->summary, sizeof fx->summary,
             "RESOLVED: %s has too little traffic to judge (fewer than %lld events in a lookback), so %s no longer "
             "fires; %s",
             name, (long long)slo->min_events, c->name ? c->name : "the condition", budget);
  } else if (fx->resolved) {
    switch (c->kind) {
    case HR_COND_BURNRATE:
      snprintf(fx->summary, sizeof fx->summary,
               "RESOLVED: %s burns its error budget at %sx over the last %s%s, back under the %sx alert level; %s",
               name, r1, lw, shortpart, thr, budget);
      break;
    case HR_COND_EXHAUSTION:
      snprintf(fx->summary, sizeof fx->summary,
               "RESOLVED: %s no longer runs out of error budget within %s (burn over the last %s: %sx, "
               "exhaustion: %s); %s",
               name, thr, lw, r1, tte, budget);
      break;
    case HR_COND_BUDGET:
    default:
      snprintf(fx->summary, sizeof fx->summary, "RESOLVED: %s has %s of %s left again, above the %s alert level", name,
               pct, bn, thr);
      break;
    }
  } else {
    switch (c->kind) {
    case HR_COND_BURNRATE:
      snprintf(fx->summary, sizeof fx->summary,
               "%s is burning its error budget %sx faster than sustainable over the last %s%s; %s%s", name, r1, lw,
               shortpart, budget, rate_tail);
      break;
    case HR_COND_EXHAUSTION:
      if (fx->tte_kind == 2)
        snprintf(fx->summary, sizeof fx->summary,
                 "%s has exhausted its error budget (%s left; burn over the last %s: %sx)", name, pct, lw, r1);
      else
        snprintf(fx->summary, sizeof fx->summary,
                 "%s will run out of error budget in %s at the burn rate of the last %s (%sx); %s", name, tte, lw, r1,
                 budget);
      break;
    case HR_COND_BUDGET:
    default:
      if (fx->rem > 0)
        snprintf(fx->summary, sizeof fx->summary,
                 "%s has only %s of %s left (alert below %s); burning %sx over the "
                 "last %s%s",
                 name, pct, bn, thr, r1, lw, rate_tail);
      else
        snprintf(fx->summary, sizeof fx->summary, "%s: %s (alert below %s); burning %sx over the last %s", name, budget,
                 thr, r1, lw);
      break;
    }
  }

  /* Description: what the condition is, the SLO, the figures, the times. */
  char *d = NULL;
  size_t dn = 0;
  FILE *f = open_memstream(&d, &dn);
  if (f == NULL)
    abort();
  fprintf(f, "Condition %s (%s) %s when %s. ", c->name ? c->name : "?", c->severity ? c->severity : "no severity",
          fx->resolved ? "stopped firing; it fires" : "fires", def);
  fmt_target(slo->target, tgt, sizeof tgt);
  fmt_dur(st->window_us, win, sizeof win);
  fprintf(f, "SLO %s", name);
  if (slo->service)
    fprintf(f, " of service %s", slo->service);
  fprintf(f, " targets %s over %s; ", tgt, win);
  if (st->has_sli)
    fprintf(f, "SLI over the window %.3f%% (%llu of %llu events good), %s. ", st->sli * 100,
            (unsigned long long)st->good, (unsigned long long)st->valid, budget);
  else
    fprintf(f, "no events in the window yet. ");
  fprintf(f, "Fired at %s", fx->starts);
  if (fx->resolved && n->ends_at_us > n->starts_at_us) {
    char lasted[48];
    human_duration((double)(n->ends_at_us - n->starts_at_us) / 1e6, lasted, sizeof lasted);
    fprintf(f, ", resolved at %s after %s", fx->ends, lasted);
  }
  fputc('.', f);
  if (fx->link)
    fprintf(f, " Dashboard: %s", fx->link);
  fclose(f);
  snprintf(fx->description, sizeof fx->description, "%s", d);
  free(d);

  /* Short annotation strings. */
  if (fx->burn_short >= 0 && fx->short_us > 0)
    snprintf(fx->ann_burn, sizeof fx->ann_burn, "%sx over %s, %sx over %s", r1, lw, r2, sw);
  else
    snprintf(fx->ann_burn, sizeof fx->ann_burn, "%sx over %s", r1, lw);
  snprintf(fx->ann_rem, sizeof fx->ann_rem, "%s", pct);
  snprintf(fx->ann_tte, sizeof fx->ann_tte, "%s", tte);
  free(name);
}

static void facts_make(struct facts *fx, const struct hr_notice *n, int64_t now_s) {
  memset(fx, 0, sizeof *fx);
  fx->n = n;
  fx->resolved = n->kind == HR_TR_RESOLVED;
  const struct hr_condition *c = n->cond;
  const struct hr_slo_state *st = n->state;
  fx->rem = isfinite(st->budget_remaining) ? st->budget_remaining : 0;
  fx->burn_short = -1;
  fx->alertname = alert_name(c->kind);
  switch (c->kind) {
  case HR_COND_BURNRATE:
    fx->cond_kind = "burnrate";
    fx->burn = n->res.value;
    fx->long_us = c->long_us;
    if (c->short_us > 0) {
      fx->short_us = c->short_us;
      fx->burn_short = n->res.value2;
    }
    fx->threshold = c->factor;
    break;
  case HR_COND_EXHAUSTION:
    fx->cond_kind = "exhaustion";
    fx->long_us = c->long_us;
    fx->burn = state_burn(st, c->long_us);
    fx->threshold = (double)c->horizon_us / 1e6;
    break;
  case HR_COND_NODATA:
    fx->cond_kind = "nodata";
    fx->long_us = n->slo->thr.burn_lookback_us > 0 ? n->slo->thr.burn_lookback_us : 3600 * US;
    fx->burn = st->burn_status;
    fx->threshold = 0;
    break;
  case HR_COND_BUDGET:
  default:
    fx->cond_kind = "budget";
    fx->long_us = n->slo->thr.burn_lookback_us > 0 ? n->slo->thr.burn_lookback_us : 3600 * US;
    fx->burn = st->burn_status;
    fx->threshold = c->level;
    break;
  }
  if (!isfinite(fx->burn) || fx->burn < 0)
    fx->burn = 0;
  if (!isfinite(fx->burn_short))
    fx->burn_short = 0;
  facts_tte(fx, n);

  int64_t starts_us = n->starts_at_us;
  time_format_rfc3339(starts_us, fx->starts, sizeof fx->starts);
  if (fx->resolved) {
    time_format_rfc3339(n->ends_at_us, fx->ends, sizeof fx->ends);
  } else {
    /* Far ahead, so Alertmanager does not resolve it on its own. */
    int64_t base_s = starts_us / US > now_s ? starts_us / US : now_s;
    time_format_rfc3339((base_s + FIRING_TTL_S) * US, fx->ends, sizeof fx->ends);
  }
  fx->link = dashboard_link(n->dashboard_url, n->slo->name);
  facts_words(fx);
}

/* ------------------------------------------------------------------------ */
/* Payloads */

/* A group's labels as Alertmanager labels, named as the generated rules
 * name them (grp_label_name(); "_other" as is; a field without value has no
 * label, as in Prometheus), and group_by: the label names joined by ','.
 * Nothing for an SLO's own alert. */
static void group_labels(struct hr_jw *w, const char *labels) {
  char name[128], value[HR_GROUP_VALUE_MAX * 3 + 1], ln[160], by[HR_GROUP_FIELDS_MAX * 161] = "";
  size_t pos = 0, at = 0;
  int isnull;
  while (grp_labels_next(labels, &pos, name, sizeof name, value, sizeof value, &isnull)) {
    grp_label_name(name, ln, sizeof ln);
    if (!isnull && value[0]) /* no value: no label, as Prometheus drops an empty one */
      jw_str(w, ln, value);
    int k = snprintf(by + at, sizeof by - at, "%s%s", at ? "," : "", ln);
    at += k > 0 && (size_t)k < sizeof by - at ? (size_t)k : 0;
  }
  if (at > 0)
    jw_str(w, "group_by", by);
}

static char *payload_alertmanager(const struct facts *fx) {
  const struct hr_notice *n = fx->n;
  char *s = NULL;
  size_t sn = 0;
  FILE *f = open_memstream(&s, &sn);
  if (f == NULL)
    abort();
  struct hr_jw w;
  jw_init(&w, f, 0);
  jw_arr(&w, NULL);
  jw_obj(&w, NULL);
  /* Labels identify the alert: the same set for its firing and its resolve,
   * nothing that changes from round to round. */
  jw_obj(&w, "labels");
  jw_str(&w, "alertname", fx->alertname);
  jw_str(&w, "slo", n->slo->name);
  if (n->slo->service && n->slo->service[0])
    jw_str(&w, "service", n->slo->service);
  if (n->cond->severity && n->cond->severity[0])
    jw_str(&w, "severity", n->cond->severity);
  jw_str(&w, "condition", n->cond->name ? n->cond->name : fx->cond_kind);
  group_labels(&w, n->labels);
  jw_obj_end(&w);
  jw_obj(&w, "annotations");
  jw_str(&w, "summary", fx->summary);
  jw_str(&w, "description", fx->description);
  jw_str(&w, "burn_rate", fx->ann_burn);
  jw_str(&w, "budget_remaining", fx->ann_rem);
  jw_str(&w, "time_to_exhaustion", fx->ann_tte);
  if (fx->link)
    jw_str(&w, "dashboard", fx->link);
  jw_obj_end(&w);
  jw_str(&w, "startsAt", fx->starts);
  jw_str(&w, "endsAt", fx->ends);
  if (fx->link)
    jw_str(&w, "generatorURL", fx->link);
  jw_obj_end(&w);
  jw_arr_end(&w);
  fclose(f);
  return s;
}

static char *payload_webhook(const struct facts *fx, int64_t now_s) {
  const struct hr_notice *n = fx->n;
  const struct hr_slo_state *st = n->state;
  char *s = NULL;
  size_t sn = 0;
  FILE *f = open_memstream(&s, &sn);
  if (f == NULL)
    abort();
  struct hr_jw w;
  char buf[40];
  jw_init(&w, f, 0);
  jw_obj(&w, NULL);
  jw_str(&w, "status", fx->resolved ? "resolved" : "firing");
  jw_str(&w, "slo", n->slo->name);
  jw_str(&w, "service", n->slo->service);
  jw_str(&w, "condition", n->cond->name);
  jw_str(&w, "severity", n->cond->severity);
  jw_str(&w, "kind", fx->cond_kind);
  grp_labels_jw(&w, "labels", n->labels);
  jw_str(&w, "startsAt", fx->starts);
  if (fx->resolved)
    jw_str(&w, "endsAt", fx->ends);
  else
    jw_null(&w, "endsAt");
  jw_time(&w, "at", now_s * US);
  jw_num(&w, "threshold", fx->threshold);
  jw_num(&w, "burn_rate", fx->burn);
  jw_str(&w, "burn_window", fmt_dur(fx->long_us, buf, sizeof buf));
  if (fx->burn_short >= 0 && fx->short_us > 0) {
    jw_num(&w, "burn_rate_short", fx->burn_short);
    jw_str(&w, "burn_window_short", fmt_dur(fx->short_us, buf, sizeof buf));
  } else {
    jw_null(&w, "burn_rate_short");
    jw_null(&w, "burn_window_short");
  }
  jw_obj(&w, "burn_rates");
  for (size_t i = 0; i < st->nburn && i < HR_MAX_LOOKBACKS; i++)
    jw_num(&w, fmt_dur(st->burn[i].lookback_us, buf, sizeof buf), st->burn[i].rate);
  jw_obj_end(&w);
  jw_num(&w, "budget_remaining", fx->rem);
  if (fx->tte_kind == 0)
    jw_null(&w, "time_to_exhaustion_seconds");
  else
    jw_num(&w, "time_to_exhaustion_seconds", fx->tte_kind == 2 ? 0 : floor(fx->tte_s + 0.5));
  if (st->has_sli)
    jw_num(&w, "sli", st->sli);
  else
    jw_null(&w, "sli");
  jw_num(&w, "target", n->slo->target);
  jw_str(&w, "window", fmt_dur(st->window_us, buf, sizeof buf));
  jw_bool(&w, "low_traffic", n->res.low_traffic);
  jw_str(&w, "summary", fx->summary);
  jw_str(&w, "description", fx->description);
  jw_str(&w, "dashboard", fx->link);
  jw_obj_end(&w);
  fclose(f);
  return s;
}

/* ------------------------------------------------------------------------ */
/* Targets and the outbox */

/* Does the condition pointer c live in policy p's conditions? */
static int policy_has(const struct hr_alert_policy *p, const struct hr_condition *c) {
  return p->nconds > 0 && c >= p->conds && c < p->conds + p->nconds;
}

static const struct hr_alert_target *find_target(const struct hr_config *cfg, const char *name) {
  for (size_t i = 0; i < cfg->ntargets; i++)
    if (cfg->targets[i].name && strcmp(cfg->targets[i].name, name) == 0)
      return &cfg->targets[i];
  return NULL;
}

/* Collect the targets of n (deduplicated, config order of discovery). */
static size_t collect_targets(const struct hr_config *cfg, const struct hr_notice *n,
                              const struct hr_alert_target **out, size_t max) {
  size_t k = 0;
  const struct hr_slo *slo = n->slo;
  if (slo->npolicies == 0) {
    for (size_t i = 0; i < cfg->ntargets && k < max; i++)
      out[k++] = &cfg->targets[i];
    return k;
  }
  /* The policies that hold this condition; when none does (a condition
   * not taken from the config), every policy of the SLO. */
  int owned = 0;
  for (size_t i = 0; i < slo->npolicies; i++)
    if (slo->policies[i] && policy_has(slo->policies[i], n->cond))
      owned = 1;
  for (size_t i = 0; i < slo->npolicies; i++) {
    const struct hr_alert_policy *p = slo->policies[i];
    if (p == NULL || (owned && !policy_has(p, n->cond)))
      continue;
    for (size_t j = 0; j < p->ntargets; j++) {
      const struct hr_alert_target *t = p->targets[j] ? find_target(cfg, p->targets[j]) : NULL;
      if (t == NULL)
        continue;
      int dup = 0;
      for (size_t m = 0; m < k; m++)
        dup |= out[m] == t;
      if (!dup && k < max)
        out[k++] = t;
    }
  }
  return k;
}

/* The URL a target's payload is POSTed to. Owned by the caller. */
static char *post_url(const struct hr_alert_target *t, int am) {
  size_t len = strlen(t->url);
  while (len > 0 && t->url[len - 1] == '/')
    len--;
  static const char suffix[] = "/api/v2/alerts";
  size_t sl = sizeof suffix - 1;
  if (!am || (len >= sl && memcmp(t->url + len - sl, suffix, sl) == 0))
    return am ? xstrndup(t->url, len) : xstrdup(t->url);
  return xasprintf("%.*s%s", (int)len, t->url, suffix);
}

enum hr_rc notify_enqueue(struct hr_store *st, const struct hr_config *cfg, const struct hr_notice *n, int64_t now_s,
                          struct hr_err *err) {
  if (st == NULL || cfg == NULL || n == NULL || n->slo == NULL || n->cond == NULL || n->state == NULL)
    return HR_FAIL(err, HR_ERR_USAGE, "notify: enqueue: missing store, config, SLO, condition or state");
  if (n->kind != HR_TR_FIRING && n->kind != HR_TR_RESOLVED)
    return HR_OK;
  enum { MAXT = 64 };
  const struct hr_alert_target *tg[MAXT];
  size_t nt = collect_targets(cfg, n, tg, MAXT);
  if (nt == 0)
    return HR_OK;

  struct facts fx;
  facts_make(&fx, n, now_s);
  char *body[2] = {NULL, NULL}; /* [0] alertmanager, [1] webhook, made on demand */
  enum hr_rc rc = HR_OK;
  for (size_t i = 0; i < nt && rc == HR_OK; i++) {
    const struct hr_alert_target *t = tg[i];
    if (t->url == NULL || t->url[0] == '\0' || t->kind == NULL)
      continue; /* config check warns: nothing is sent */
    int am = strcmp(t->kind, "alertmanager") == 0;
    if (!am && strcmp(t->kind, "webhook") != 0)
      continue;
    char **b = &body[am ? 0 : 1];
    if (*b == NULL)
      *b = am ? payload_alertmanager(&fx) : payload_webhook(&fx, now_s);
    char *url = post_url(t, am);
    rc = outbox_add(st, t->name ? t->name : "", am ? "alertmanager" : "webhook", url, *b, now_s, err);
    free(url);
  }
  free(body[0]);
  free(body[1]);
  free(fx.link);
  return rc;
}

/* ------------------------------------------------------------------------ */
/* Delivery */

/* POST body to url. Returns 1 on a 2xx answer; else 0 with why in msg (the
 * HTTP status and the start of the answer, or what went wrong on the way:
 * "<url>: connection refused", "<url>: no answer within 5s", ...). */
static int http_post(struct hr_httpc *hc, const char *url, const char *body, char *msg, size_t msgn) {
  struct hr_httpc_req rq = {.url = url,
                            .body = body,
                            .body_len = strlen(body),
                            .content_type = "application/json",
                            .timeout_us = POST_TIMEOUT_US,
                            .connect_timeout_us = CONNECT_TIMEOUT_US,
                            .max_body = ERR_BODY_MAX,
                            .cut_body = 1};
  struct hr_httpc_resp r;
  int ok = 0;
  if (httpc_post(hc, &rq, &r) != HR_HTTPC_OK) {
    snprintf(msg, msgn, "%s", r.error);
  } else if (r.status >= 200 && r.status < 300) {
    ok = 1;
  } else {
    /* Keep the start of the answer on one line: receivers say why there. */
    char line[ERR_BODY_MAX + 1];
    httpc_body_line(&r, line, sizeof line);
    snprintf(msg, msgn, "HTTP %ld%s%s", r.status, line[0] ? ": " : "", line);
  }
  httpc_resp_free(&r);
  return ok;
}

static int64_t backoff_s(int64_t attempts) {
  int64_t b = BACKOFF_FIRST_S;
  for (int64_t i = 1; i < attempts && b < BACKOFF_MAX_S; i++)
    b *= 2;
  return b < BACKOFF_MAX_S ? b : BACKOFF_MAX_S;
}

/* One row's outcome, in its own transaction. */
static enum hr_rc record(struct hr_store *st, const struct hr_outbox_row *r, int ok, const char *msg, int64_t now_s,
                         struct hr_err *err) {
  enum hr_rc rc = store_begin(st, err);
  if (rc != HR_OK)
    return rc;
  if (ok)
    rc = outbox_mark_sent(st, r->id, now_s, err);
  else
    rc = outbox_mark_failed(st, r->id, r->attempts + 1, now_s + backoff_s(r->attempts + 1), msg, err);
  if (rc == HR_OK)
    rc = store_commit(st, err);
  if (rc != HR_OK)
    store_rollback(st);
  return rc;
}

enum hr_rc notify_deliver(struct hr_store *st, int64_t now_s, struct hr_deliver_stats *out, struct hr_err *err) {
  struct hr_deliver_stats stats = {0, 0, 0};
  if (out)
    *out = stats;
  if (st == NULL)
    return HR_FAIL(err, HR_ERR_USAGE, "notify: deliver: no store");
  if (store_is_readonly(st))
    return HR_FAIL(err, HR_ERR_DB, "notify: deliver: the store is open read-only");
  struct hr_outbox_row *rows = NULL;
  size_t nrows = 0;
  enum hr_rc rc = outbox_due(st, now_s, DELIVER_BATCH, &rows, &nrows, err);
  struct hr_httpc *hc = NULL;
  /* URLs that failed in this pass: their later rows wait (order per URL). */
  const char **failed = nrows ? xcalloc(nrows, sizeof *failed) : NULL;
  size_t nfailed = 0;
  if (rc == HR_OK && nrows > 0)
    hc = httpc_new(); /* one client for the pass: connections are kept */
  for (size_t i = 0; i < nrows && rc == HR_OK; i++) {
    const struct hr_outbox_row *r = &rows[i];
    int held = 0;
    for (size_t j = 0; j < nfailed; j++)
      held |= strcmp(failed[j], r->url) == 0;
    if (held)
      continue;
    char msg[512] = "";
    int ok = http_post(hc, r->url, r->payload, msg, sizeof msg);
    rc = record(st, r, ok, msg, now_s, err);
    if (ok) {
      stats.sent++;
    } else {
      stats.failed++;
      failed[nfailed++] = r->url;
    }
  }
  httpc_free(hc);
  free(failed);
  outbox_rows_free(rows, nrows);
  /* Delivered rows older than NOTIFY_KEEP_SENT_S are dropped: the outbox
   * stays the size of a month of notifications. Pending rows never are. */
  if (rc == HR_OK)
    rc = outbox_prune_sent(st, now_s - NOTIFY_KEEP_SENT_S, err);
  int64_t pending = 0;
  if (rc == HR_OK && (rc = outbox_pending(st, &pending, err)) == HR_OK)
    stats.pending = (int)pending;
  if (out)
    *out = stats;
  return rc;
}
