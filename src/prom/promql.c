/* promql.c -- see promql.h and docs/prometheus.md. */
#include "prom/promql.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/xmalloc.h"

char *promql_duration(int64_t s, char *out) {
  static const struct {
    char unit;
    int64_t secs;
  } u[] = {{'d', 86400}, {'h', 3600}, {'m', 60}, {'s', 1}};
  size_t n = 0;
  if (s <= 0) {
    snprintf(out, 32, "0s");
    return out;
  }
  for (size_t i = 0; i < sizeof u / sizeof u[0]; i++) {
    if (s >= u[i].secs) {
      n += (size_t)snprintf(out + n, 32 - n, "%lld%c", (long long)(s / u[i].secs), u[i].unit);
      s %= u[i].secs;
    }
  }
  return out;
}

char *promql_model_duration(int64_t s, char *out) {
  /* github.com/prometheus/common/model Duration.String(): y and w only when
   * they divide the rest exactly ("90d", not "12w6d"), then d h m s */
  static const struct {
    char unit;
    int64_t secs;
    int exact;
  } u[] = {{'y', 365 * 86400, 1}, {'w', 7 * 86400, 1}, {'d', 86400, 0}, {'h', 3600, 0}, {'m', 60, 0}, {'s', 1, 0}};
  size_t n = 0;
  if (s <= 0) {
    snprintf(out, 32, "0s");
    return out;
  }
  for (size_t i = 0; i < sizeof u / sizeof u[0]; i++) {
    if (u[i].exact && s % u[i].secs != 0)
      continue;
    if (s >= u[i].secs) {
      n += (size_t)snprintf(out + n, 32 - n, "%lld%c", (long long)(s / u[i].secs), u[i].unit);
      s %= u[i].secs;
    }
  }
  return out;
}

/* ------------------------------------------------ PromQL counter queries */

const char *promql_skip_ws(const char *p) {
  while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r')
    p++;
  return p;
}

/* p at an opening bracket: return just past its match (quotes skipped), or NULL. */
static const char *skip_balanced(const char *p, char open, char close) {
  int depth = 0;
  for (; *p; p++) {
    if (*p == '"' || *p == '\'' || *p == '`') {
      char q = *p;
      for (p++; *p && *p != q; p++)
        if (*p == '\\' && q != '`' && p[1])
          p++;
      if (!*p)
        return NULL;
    } else if (*p == open) {
      depth++;
    } else if (*p == close && --depth == 0) {
      return p + 1;
    }
  }
  return NULL;
}

static int is_name_start(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == ':';
}
static int is_name_char(char c) {
  return is_name_start(c) || (c >= '0' && c <= '9');
}

/* A bare vector selector spans [p, end): name, {matchers} or both. */
static int is_selector(const char *p, const char *end) {
  p = promql_skip_ws(p);
  while (end > p && (end[-1] == ' ' || end[-1] == '\t' || end[-1] == '\n' || end[-1] == '\r'))
    end--;
  const char *s = p;
  if (p < end && is_name_start(*p))
    while (p < end && is_name_char(*p))
      p++;
  int named = p > s;
  if (p < end && *p == '{') {
    const char *q = skip_balanced(p, '{', '}');
    if (q == NULL || q > end)
      return 0;
    p = q;
  } else if (!named) {
    return 0;
  }
  if (named) { /* keywords are not metric names */
    static const char *const kw[] = {"sum", "rate", "increase", "by", "without", "offset", "on", "ignoring", NULL};
    for (size_t i = 0; kw[i]; i++)
      if ((size_t)(p - s) == strlen(kw[i]) && strncmp(s, kw[i], strlen(kw[i])) == 0)
        return 0;
  }
  return p == end;
}

/* "by (...)" / "without (...)" at p: return past it; p unchanged when absent. */
static const char *skip_grouping(const char *p) {
  const char *q = promql_skip_ws(p);
  size_t k = strncmp(q, "by", 2) == 0 ? 2 : strncmp(q, "without", 7) == 0 ? 7 : 0;
  if (k == 0 || is_name_char(q[k]))
    return p;
  q = promql_skip_ws(q + k);
  if (*q != '(')
    return p;
  q = skip_balanced(q, '(', ')');
  return q ? q : p;
}

/* "x offset D" ("x" when D is 0); caller frees. */
/* last_over_time(x[HOLD] offset D): the latest sample of each series at or
 * before t - D. A range ignores the staleness markers Prometheus writes when
 * a scrape fails, so one failed scrape does not make a series vanish from a
 * delta (an instant selector would lose the increase across it); HOLD is the
 * instant selectors' own lookback. Caller frees. */
#define HOLD "5m"
static char *at_expr(const char *x, int64_t d) {
  if (d <= 0)
    return xasprintf("last_over_time(%s[" HOLD "])", x);
  char b[32];
  return xasprintf("last_over_time(%s[" HOLD "] offset %s)", x, promql_duration(d, b));
}

/* The delta of one counter expression x (a selector): per series,
 * x(t - delay) - x(t - delay - interval), or x(t - delay) after a reset. */
char *promql_selector_delta(const char *x, int64_t interval_s, int64_t delay_s) {
  char *now = at_expr(x, delay_s), *then = at_expr(x, delay_s + interval_s);
  char *out = xasprintf("(%s - %s >= 0) or (%s < %s)", now, then, now, then);
  free(now);
  free(then);
  return out;
}

char *promql_counter_delta(const char *q, int64_t interval_s, int64_t delay_s) {
  const char *p = promql_skip_ws(q), *sel = p, *sel_end = p + strlen(p);
  if (strncmp(p, "sum", 3) == 0 && !is_name_char(p[3])) {
    const char *r = promql_skip_ws(skip_grouping(p + 3));
    if (*r != '(')
      return NULL;
    const char *e = skip_balanced(r, '(', ')');
    if (e == NULL)
      return NULL;
    const char *t = promql_skip_ws(skip_grouping(e));
    if (*t)
      return NULL;
    sel = r + 1;
    sel_end = e - 1;
  }
  if (!is_selector(sel, sel_end))
    return NULL;
  char *s = xstrndup(sel, (size_t)(sel_end - sel));
  /* trim */
  char *a = (char *)promql_skip_ws(s), *z = a + strlen(a);
  while (z > a && (z[-1] == ' ' || z[-1] == '\t' || z[-1] == '\n' || z[-1] == '\r'))
    *--z = 0;
  char *out = promql_selector_delta(a, interval_s, delay_s);
  free(s);
  return out;
}
