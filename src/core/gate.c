/* gate.c -- see gate.h. */
#include "core/gate.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/timeparse.h"

#define ALL_RISKS ((1u << HR_NRISKS) - 1)

static const char *const risk_names[HR_NRISKS] = {"fix", "low", "normal", "high"};

const char *risk_name(enum hr_risk r) {
  return (unsigned)r < HR_NRISKS ? risk_names[r] : "?";
}

static int risk_lookup(const char *s, size_t n) {
  for (int i = 0; i < HR_NRISKS; i++)
    if (strlen(risk_names[i]) == n && memcmp(risk_names[i], s, n) == 0)
      return i;
  return -1;
}

int risk_parse(const char *s, enum hr_risk *out) {
  int i = s ? risk_lookup(s, strlen(s)) : -1;
  if (i < 0)
    return -1;
  *out = (enum hr_risk)i;
  return 0;
}

void gate_policy_default(struct hr_gate_policy *p) {
  p->allow[HR_ST_NODATA] = (1u << HR_RISK_FIX) | (1u << HR_RISK_LOW); /* missing data is not good news */
  p->allow[HR_ST_GREEN] = ALL_RISKS;
  p->allow[HR_ST_YELLOW] = (1u << HR_RISK_FIX) | (1u << HR_RISK_LOW);
  p->allow[HR_ST_ORANGE] = 1u << HR_RISK_FIX;
  p->allow[HR_ST_RED] = 1u << HR_RISK_FIX;
  for (int r = 0; r < HR_NRISKS; r++)
    p->max_p_exhaust[r] = -1;
  p->risk_horizon_us = INT64_C(86400000000);
}

/* ---- the policy text: a tiny parser for {key: [word, ...], ...} ---- */

struct cur {
  const char *p, *end;
};

static void skip_ws(struct cur *c) {
  while (c->p < c->end && (*c->p == ' ' || *c->p == '\t' || *c->p == '\n' || *c->p == '\r'))
    c->p++;
}

static int eat(struct cur *c, char ch) {
  skip_ws(c);
  if (c->p < c->end && *c->p == ch) {
    c->p++;
    return 1;
  }
  return 0;
}

/* A bare word [A-Za-z0-9_-]+ or a '...' / "..." quoted one. */
static int word(struct cur *c, const char **w, size_t *n) {
  skip_ws(c);
  if (c->p >= c->end)
    return -1;
  if (*c->p == '"' || *c->p == '\'') {
    char q = *c->p++;
    const char *s = c->p;
    while (c->p < c->end && *c->p != q)
      c->p++;
    if (c->p >= c->end)
      return -1;
    *w = s;
    *n = (size_t)(c->p - s);
    c->p++;
    return 0;
  }
  const char *s = c->p;
  while (c->p < c->end && ((*c->p >= 'a' && *c->p <= 'z') || (*c->p >= 'A' && *c->p <= 'Z') ||
                           (*c->p >= '0' && *c->p <= '9') || *c->p == '_' || *c->p == '-'))
    c->p++;
  *w = s;
  *n = (size_t)(c->p - s);
  return *n > 0 ? 0 : -1;
}

/* A number from 0 to 1 ("0.3", "1", ".05"). */
static int share(struct cur *c, double *out) {
  skip_ws(c);
  char buf[32];
  size_t n = 0;
  while (c->p < c->end && n + 1 < sizeof buf && ((*c->p >= '0' && *c->p <= '9') || *c->p == '.'))
    buf[n++] = *c->p++;
  buf[n] = '\0';
  char *e;
  double v = n > 0 ? strtod(buf, &e) : -1;
  if (n == 0 || *e != '\0' || !(v >= 0 && v <= 1))
    return -1;
  *out = v;
  return 0;
}

/* max_p_exhaust: {class: share, ...} after its key. */
static int parse_limits(struct cur *c, struct hr_gate_policy *out, char *msg, size_t msg_n) {
  const char *w;
  size_t wn;
  if (!eat(c, ':') || !eat(c, '{')) {
    snprintf(msg, msg_n, "max_p_exhaust: expected ': {' and risk classes with limits, as {normal: 0.3, high: 0.1}");
    return -1;
  }
  if (eat(c, '}'))
    return 0;
  for (;;) {
    int r = word(c, &w, &wn) == 0 ? risk_lookup(w, wn) : -1;
    if (r < 0) {
      snprintf(msg, msg_n, "max_p_exhaust: expected a risk class (fix, low, normal, high)");
      return -1;
    }
    if (!eat(c, ':') || share(c, &out->max_p_exhaust[r]) != 0) {
      snprintf(msg, msg_n, "max_p_exhaust: %s: expected a share from 0 to 1 (0.3 for 30 %%)", risk_names[r]);
      return -1;
    }
    if (eat(c, '}'))
      return 0;
    if (!eat(c, ',')) {
      snprintf(msg, msg_n, "max_p_exhaust: expected ',' or '}'");
      return -1;
    }
  }
}

/* risk_horizon: DURATION after its key. */
static int parse_horizon(struct cur *c, struct hr_gate_policy *out, char *msg, size_t msg_n) {
  const char *w;
  size_t wn;
  int64_t us;
  if (!eat(c, ':') || word(c, &w, &wn) != 0 || duration_parse(w, wn, &us) != 0 || us < INT64_C(60000000)) {
    snprintf(msg, msg_n, "risk_horizon: expected a duration of at least a minute, as 24h");
    return -1;
  }
  out->risk_horizon_us = us;
  return 0;
}

static int status_lookup(const char *s, size_t n) {
  for (int i = 0; i < HR_NSTATUS; i++) {
    const char *name = status_name((enum hr_status)i);
    if (strlen(name) == n && memcmp(name, s, n) == 0)
      return i;
  }
  return -1;
}

int gate_policy_parse(const char *s, size_t n, struct hr_gate_policy *p, char *msg, size_t msg_n) {
  struct cur c = {s, s + n};
  struct hr_gate_policy out = *p;
  unsigned seen = 0;
  const char *w;
  size_t wn;
  if (!eat(&c, '{')) {
    snprintf(msg, msg_n, "expected a mapping such as {green: [fix, low, normal, high], yellow: [fix, low]}");
    return -1;
  }
  if (!eat(&c, '}')) {
    for (;;) {
      if (word(&c, &w, &wn) != 0) {
        snprintf(msg, msg_n, "expected a status (green, yellow, orange, red, nodata) at offset %zu", (size_t)(c.p - s));
        return -1;
      }
      int st = status_lookup(w, wn), other = 0;
      if (st < 0 && wn == 13 && memcmp(w, "max_p_exhaust", 13) == 0) {
        if (parse_limits(&c, &out, msg, msg_n) != 0)
          return -1;
        other = 1;
      } else if (st < 0 && wn == 12 && memcmp(w, "risk_horizon", 12) == 0) {
        if (parse_horizon(&c, &out, msg, msg_n) != 0)
          return -1;
        other = 1;
      } else if (st < 0) {
        snprintf(msg, msg_n,
                 "unknown status '%.*s' (green, yellow, orange, red, nodata; or max_p_exhaust, risk_horizon)",
                 (int)(wn > 40 ? 40 : wn), w);
        return -1;
      }
      if (other) {
        if (eat(&c, '}'))
          break;
        if (!eat(&c, ',')) {
          snprintf(msg, msg_n, "expected ',' or '}' after %.*s", (int)wn, w);
          return -1;
        }
        continue;
      }
      if (seen & (1u << st)) {
        snprintf(msg, msg_n, "status '%s' named twice", status_name((enum hr_status)st));
        return -1;
      }
      seen |= 1u << st;
      if (!eat(&c, ':') || !eat(&c, '[')) {
        snprintf(msg, msg_n, "%s: expected ': [' and a list of risk classes (fix, low, normal, high)",
                 status_name((enum hr_status)st));
        return -1;
      }
      unsigned row = 0;
      if (!eat(&c, ']')) {
        for (;;) {
          if (word(&c, &w, &wn) != 0) {
            snprintf(msg, msg_n, "%s: expected a risk class (fix, low, normal, high, all)",
                     status_name((enum hr_status)st));
            return -1;
          }
          int r = risk_lookup(w, wn);
          if (r >= 0)
            row |= 1u << r;
          else if (wn == 3 && memcmp(w, "all", 3) == 0)
            row = ALL_RISKS;
          else {
            snprintf(msg, msg_n, "%s: unknown risk class '%.*s' (fix, low, normal, high, all)",
                     status_name((enum hr_status)st), (int)(wn > 40 ? 40 : wn), w);
            return -1;
          }
          if (eat(&c, ']'))
            break;
          if (!eat(&c, ',')) {
            snprintf(msg, msg_n, "%s: expected ',' or ']' in the list", status_name((enum hr_status)st));
            return -1;
          }
        }
      }
      out.allow[st] = row;
      if (eat(&c, '}'))
        break;
      if (!eat(&c, ',')) {
        snprintf(msg, msg_n, "expected ',' or '}' after the list of %s", status_name((enum hr_status)st));
        return -1;
      }
    }
  }
  skip_ws(&c);
  if (c.p != c.end) {
    snprintf(msg, msg_n, "unexpected text after the closing '}'");
    return -1;
  }
  *p = out;
  return 0;
}

char *gate_allowed_text(unsigned allow, char *buf, size_t n) {
  allow &= ALL_RISKS;
  if (allow == ALL_RISKS) {
    snprintf(buf, n, "all changes");
    return buf;
  }
  if (allow == 0) {
    snprintf(buf, n, "no change");
    return buf;
  }
  int k = 0, total = 0;
  for (int r = 0; r < HR_NRISKS; r++)
    total += (allow >> r) & 1;
  size_t len = 0;
  buf[0] = '\0';
  for (int r = 0; r < HR_NRISKS; r++) {
    if (!((allow >> r) & 1))
      continue;
    const char *sep = k == 0 ? "" : k == total - 1 ? " and " : ", ";
    int w = snprintf(buf + len, len < n ? n - len : 0, "%s%s", sep, risk_names[r]);
    if (w > 0)
      len += (size_t)w;
    k++;
  }
  if (total == 1 && len < n)
    snprintf(buf + len, n - len, " only");
  return buf;
}

/* ---- the decision ---- */

static int severity(enum hr_status s) {
  switch (s) {
  case HR_ST_RED: return 4;
  case HR_ST_ORANGE: return 3;
  case HR_ST_YELLOW: return 2;
  case HR_ST_NODATA: return 1;
  case HR_ST_GREEN: return 0;
  }
  return 0;
}

/* The status, or no data when the data is not ok and that is worse. */
static int eff_severity(const struct hr_gate_slo *g) {
  int s = severity(g->st->status);
  return g->st->data != HR_DATA_OK && s < severity(HR_ST_NODATA) ? severity(HR_ST_NODATA) : s;
}

/* The row of the policy that judges g: its status', narrowed by the no-data
 * row when its data is not ok. */
static unsigned row_of(const struct hr_gate_policy *p, const struct hr_gate_slo *g) {
  unsigned row = p->allow[(unsigned)g->st->status < HR_NSTATUS ? g->st->status : HR_ST_NODATA];
  return g->st->data != HR_DATA_OK ? row & p->allow[HR_ST_NODATA] : row;
}

/* 1 when a is worse than b. */
static int worse(const struct hr_gate_slo *a, const struct hr_gate_slo *b) {
  int sa = eff_severity(a), sb = eff_severity(b);
  if (sa != sb)
    return sa > sb;
  if (a->st->budget_remaining != b->st->budget_remaining)
    return a->st->budget_remaining < b->st->budget_remaining;
  return a->st->burn_status > b->st->burn_status;
}

struct out {
  char *buf;
  size_t n, len;
};

__attribute__((format(printf, 2, 3))) static void put(struct out *o, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  int w = vsnprintf(o->buf + o->len, o->len < o->n ? o->n - o->len : 0, fmt, ap);
  va_end(ap);
  if (w > 0)
    o->len += (size_t)w;
  if (o->len >= o->n)
    o->len = o->n - 1; /* truncated: keep the buffer terminated */
}

/* Percent with enough digits to tell 99.9 % from 99.95 %. */
static void pct(struct out *o, double x) {
  double p = x * 100;
  if (fabs(p) >= 99.99 && fabs(p) < 100)
    put(o, "%.4f%%", p);
  else if (fabs(p) >= 90 && fabs(p) < 100)
    put(o, "%.3f%%", p);
  else
    put(o, "%.1f%%", p);
}

static const struct hr_burn *status_burn(const struct hr_gate_slo *g) {
  for (size_t i = 0; i < g->st->nburn; i++)
    if (g->st->burn[i].lookback_us == g->slo->thr.burn_lookback_us)
      return &g->st->burn[i];
  return NULL;
}

/* "X is red (latched): budget 35.2% overspent, 1h burn 0.00x" */
static void describe(struct out *o, const struct hr_gate_slo *g) {
  const struct hr_slo_state *st = g->st;
  char lb[32];
  duration_format(g->slo->thr.burn_lookback_us, lb, sizeof lb);
  put(o, "SLO %s is %s%s", g->slo->name, status_name(st->status), st->latched ? " (latched)" : "");
  if (st->data != HR_DATA_OK) {
    put(o, ", its data %s: %s", data_name(st->data), g->data_reason ? g->data_reason : "the gate cannot judge it");
    if (!st->has_sli)
      return;
  } else if (!st->has_sli) {
    put(o, ": no data in its window, so the gate cannot judge it");
    return;
  }
  char left[48];
  put(o, st->budget_remaining < 0 ? ": budget %s" : ": budget left %s",
      budget_pct_text(st->budget_remaining, left, sizeof left));
  const struct hr_burn *b = status_burn(g);
  if (b != NULL && b->low_traffic)
    put(o, ", %s burn: low traffic", lb);
  else
    put(o, ", %s burn %.2fx", lb, st->burn_status);
}

/* The data problems of the SLOs that did not decide: never hidden behind
 * the deciding one. */
static void other_data(struct out *o, const struct hr_gate_slo *slos, size_t n, long deciding) {
  for (size_t i = 0; i < n; i++)
    if ((long)i != deciding && slos[i].st->data != HR_DATA_OK) {
      put(o, ". Also SLO %s: its data %s", slos[i].slo->name, data_name(slos[i].st->data));
      if (slos[i].data_reason != NULL)
        put(o, " (%s)", slos[i].data_reason);
    }
}

void gate_decide(const struct hr_gate_policy *p, const char *service, enum hr_risk risk, const struct hr_gate_slo *slos,
                 size_t n, struct hr_gate_decision *out) {
  struct out o = {out->reason, sizeof out->reason, 0};
  out->reason[0] = '\0';
  out->allow = 1;
  out->deciding = -1;
  unsigned bit = 1u << risk;
  const char *svc = service ? service : "the service";
  if (n == 0) {
    put(&o, "%s has no SLOs: nothing to judge", svc);
    return;
  }
  long deny = -1, all = 0;
  for (size_t i = 0; i < n; i++) {
    unsigned row = row_of(p, &slos[i]);
    if (!(row & bit) && (deny < 0 || worse(&slos[i], &slos[deny])))
      deny = (long)i;
    if (i > 0 && worse(&slos[i], &slos[all]))
      all = (long)i;
  }
  char allowed[64];
  if (deny >= 0) {
    const struct hr_gate_slo *g = &slos[deny];
    out->allow = 0;
    out->deciding = deny;
    describe(&o, g);
    if (g->st->data != HR_DATA_OK && g->st->status != HR_ST_NODATA && (p->allow[g->st->status] & bit))
      put(&o, "; data that is %s is judged as no data, which allows %s, not a %s change", data_name(g->st->data),
          gate_allowed_text(row_of(p, g), allowed, sizeof allowed), risk_name(risk));
    else
      put(&o, "; %s allows %s, not a %s change", status_name(g->st->status),
          gate_allowed_text(row_of(p, g), allowed, sizeof allowed), risk_name(risk));
    if (g->st->status == HR_ST_RED) {
      put(&o, ". The freeze lifts once the SLI over the window (now ");
      if (g->st->has_sli)
        pct(&o, g->st->sli);
      else
        put(&o, "no data");
      put(&o, ") is back at >= the target ");
      pct(&o, g->slo->target);
      char lb[32];
      put(&o, " and the %s burn rate (now %.2fx) is below 1",
          duration_format(g->slo->thr.burn_lookback_us, lb, sizeof lb), g->st->burn_status);
    }
    other_data(&o, slos, n, deny);
    return;
  }
  const struct hr_gate_slo *g = &slos[all];
  out->deciding = all;
  put(&o, "every SLO of %s allows a %s change; worst: ", svc, risk_name(risk));
  describe(&o, g);
  put(&o, " (%s allows %s)", g->st->data != HR_DATA_OK ? "its data" : status_name(g->st->status),
      gate_allowed_text(row_of(p, g), allowed, sizeof allowed));
  other_data(&o, slos, n, all);
}
