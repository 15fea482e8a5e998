/* prom.c -- the Prometheus HTTP API client and the per-minute counts of an
 * SLO on a prometheus DataSource. See prom.h. */
#include "prom/prom.h"

#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/slo_eval.h"
#include "net/httpc.h"
#include "prom/promql.h"
#include "util/xmalloc.h"

#define MINUTE_US INT64_C(60000000)
#define SECRET_MAX 4096

int prom_slo_is_prom(const struct hr_slo *slo) {
  return slo != NULL && slo->source != NULL && slo->source->type != NULL &&
         strcmp(slo->source->type, "prometheus") == 0;
}

void prom_conn_from_source(struct hr_prom_conn *c, const struct hr_datasource *ds) {
  memset(c, 0, sizeof *c);
  c->url = ds->url;
  c->bearer_token = ds->bearer_token;
  c->bearer_token_file = ds->bearer_token_file;
  c->user = ds->basic_user;
  c->password = ds->basic_password;
  c->password_file = ds->basic_password_file;
  c->timeout_us = ds->timeout_us;
}

/* ------------------------------------------------------------- HTTP */

/* A secret from a file: its first SECRET_MAX bytes, trailing newlines and
 * spaces dropped. NULL with err filled when unreadable. */
static char *read_secret(const char *path, const char *what, struct hr_err *err) {
  FILE *f = fopen(path, "r");
  if (f == NULL) {
    HR_FAIL(err, HR_ERR_IO, "prometheus: %s %s: %s", what, path, strerror(errno));
    return NULL;
  }
  char *s = xmalloc(SECRET_MAX + 1);
  size_t n = fread(s, 1, SECRET_MAX, f);
  fclose(f);
  while (n > 0 && (s[n - 1] == '\n' || s[n - 1] == '\r' || s[n - 1] == ' ' || s[n - 1] == '\t'))
    n--;
  s[n] = '\0';
  return s;
}

/* POST form to <url>/api/v1/<endpoint>; parse the answer. */
static enum hr_rc api_post(const struct hr_prom_conn *c, const char *endpoint, const char *form,
                           struct hr_prom_result *out, struct hr_err *err) {
  memset(out, 0, sizeof *out);
  if (c->url == NULL || c->url[0] == '\0')
    return HR_FAIL(err, HR_ERR_CONFIG, "prometheus: the DataSource has no connectionDetails.url");
  char *token = NULL, *pw = NULL;
  if (c->bearer_token_file != NULL && (token = read_secret(c->bearer_token_file, "bearerTokenFile", err)) == NULL)
    return HR_ERR_IO;
  if (c->password_file != NULL && (pw = read_secret(c->password_file, "basicAuth.passwordFile", err)) == NULL) {
    free(token);
    return HR_ERR_IO;
  }
  size_t ul = strlen(c->url);
  while (ul > 0 && c->url[ul - 1] == '/')
    ul--;
  char *url = xasprintf("%.*s/api/v1/%s", (int)ul, c->url, endpoint);
  int64_t tmo = c->timeout_us > 0 ? c->timeout_us : PROM_DEFAULT_TIMEOUT_US;
  struct hr_httpc_req rq = {.url = url,
                            .name = c->url,
                            .body = form,
                            .body_len = strlen(form),
                            .content_type = "application/x-www-form-urlencoded",
                            .accept = "application/json",
                            .bearer = token ? token : c->bearer_token,
                            .user = c->user,
                            .password = pw ? pw : c->password,
                            .timeout_us = tmo,
                            .max_body = PROM_MAX_BODY,
                            .compressed = 1};
  struct hr_httpc_resp b;
  enum hr_rc rc = HR_OK;
  enum hr_httpc_rc hrc = httpc_post(NULL, &rq, &b);
  const char *base = c->url;
  if (hrc != HR_HTTPC_OK) {
    rc = HR_FAIL(err, hrc == HR_HTTPC_TOOBIG ? HR_ERR_TOOBIG : HR_ERR_IO, "prometheus: %s%s", b.error,
                 hrc == HR_HTTPC_TIMEOUT ? " (connectionDetails.timeout)" : "");
    goto out;
  }
  long code = b.status;
  struct hr_err pe = {0};
  enum hr_rc prc = prom_parse(b.body, b.n, out, &pe);
  if (code >= 200 && code < 300 && prc == HR_OK)
    goto out;
  if (prc == HR_OK)
    prom_result_free(out);
  if (code == 401 || code == 403)
    rc = HR_FAIL(err, HR_ERR_IO, "prometheus: %s: HTTP %ld (check the bearer token or basic auth)", base, code);
  else if (prc == HR_ERR_IO) /* an error answer: its message */
    rc = HR_FAIL(err, HR_ERR_IO, "prometheus: %s: %s", base, pe.msg);
  else if (code >= 200 && code < 300)
    rc = HR_FAIL(err, HR_ERR_PARSE, "prometheus: %s: %s", base, pe.msg);
  else {
    char line[208];
    httpc_body_line(&b, line, sizeof line);
    rc = HR_FAIL(err, HR_ERR_IO, "prometheus: %s: HTTP %ld%s%s", base, code, line[0] ? ": " : "", line);
  }
out:
  httpc_resp_free(&b);
  free(url);
  free(token);
  free(pw);
  return rc;
}

/* "1700000000.123" */
static void fmt_time(int64_t us, char *buf, size_t n) {
  int64_t ms = us >= 0 ? us / 1000 : -((-us + 999) / 1000);
  int64_t s = ms >= 0 ? ms / 1000 : -((-ms + 999) / 1000);
  snprintf(buf, n, "%lld.%03lld", (long long)s, (long long)(ms - s * 1000));
}

enum hr_rc prom_query(const struct hr_prom_conn *c, const char *q, int64_t at_us, struct hr_prom_result *out,
                      struct hr_err *err) {
  char *eq = httpc_urlencode(q), t[48] = "";
  if (at_us != INT64_MIN)
    fmt_time(at_us, t, sizeof t);
  char *form = at_us != INT64_MIN ? xasprintf("query=%s&time=%s", eq, t) : xasprintf("query=%s", eq);
  enum hr_rc rc = api_post(c, "query", form, out, err);
  free(form);
  free(eq);
  return rc;
}

enum hr_rc prom_query_range(const struct hr_prom_conn *c, const char *q, int64_t start_us, int64_t end_us,
                            int64_t step_us, struct hr_prom_result *out, struct hr_err *err) {
  char *eq = httpc_urlencode(q), a[48], b[48], st[48];
  fmt_time(start_us, a, sizeof a);
  fmt_time(end_us, b, sizeof b);
  fmt_time(step_us, st, sizeof st);
  char *form = xasprintf("query=%s&start=%s&end=%s&step=%s", eq, a, b, st);
  enum hr_rc rc = api_post(c, "query_range", form, out, err);
  free(form);
  free(eq);
  return rc;
}

/* ------------------------------------------------------------- SLO counts */

char *prom_count_query(const char *q, int *is_delta) {
  char *d = promql_counter_delta(q, MINUTE_US / 1000000, 0); /* read after the fact: no delay */
  if (d != NULL) {
    *is_delta = 1;
    char *r = xasprintf("sum(%s)", d);
    free(d);
    return r;
  }
  *is_delta = 0;
  return xasprintf("sum(%s)", q);
}

static uint64_t to_count(double v) {
  if (!(v > 0)) /* NaN, negative, 0 */
    return 0;
  if (v >= 1.8e19)
    return UINT64_MAX;
  return (uint64_t)llround(v);
}

/* Add the per-minute counts of query q into cnt[0..nb): bucket k is
 * [base + k min, base + (k+1) min). *seen = 1 when any sample came back. */
static enum hr_rc counts(const struct hr_prom_conn *c, const char *q, int64_t base_us, size_t nb, uint64_t *cnt,
                         int *seen, struct hr_err *err) {
  int delta;
  char *pq = prom_count_query(q, &delta);
  enum hr_rc rc = HR_OK;
  *seen = 0;
  /* Step k (k = 1..nb) is at base + k min; its count goes into bucket k-1.
   * Value queries also read step a-1 of each chunk to difference from. */
  for (size_t a = 1; a <= nb && rc == HR_OK;) {
    size_t z = a + PROM_MAX_STEPS - 1 < nb ? a + PROM_MAX_STEPS - 1 : nb;
    size_t first = delta ? a : a - 1;
    struct hr_prom_result r;
    rc = prom_query_range(c, pq, base_us + (int64_t)first * MINUTE_US, base_us + (int64_t)z * MINUTE_US, MINUTE_US, &r,
                          err);
    if (rc != HR_OK)
      break;
    if (r.type != HR_PROM_MATRIX && r.nseries > 0) {
      rc = HR_FAIL(err, HR_ERR_PARSE, "prometheus: %s: a range query answered a %s", c->url,
                   r.type == HR_PROM_VECTOR ? "vector" : "scalar");
      prom_result_free(&r);
      break;
    }
    int64_t base_ms = base_us / 1000;
    for (size_t i = 0; i < r.nseries; i++) {
      const struct hr_prom_series *se = &r.series[i];
      int64_t prev_k = INT64_MIN;
      double prev_v = 0;
      for (size_t j = 0; j < se->n; j++) {
        int64_t off = se->s[j].t_ms - base_ms;
        if (off % 60000 != 0)
          continue; /* not one of our steps */
        int64_t k = off / 60000;
        if (k < (int64_t)first || k > (int64_t)z)
          continue;
        double v = se->s[j].v;
        *seen = 1;
        if (delta) {
          if (k >= 1)
            cnt[k - 1] += to_count(v);
        } else if (isfinite(v)) {
          if (prev_k == k - 1 && k >= 1)
            cnt[k - 1] += to_count(v >= prev_v ? v - prev_v : v); /* a drop: a reset */
          prev_k = k;
          prev_v = v;
        } else {
          prev_k = INT64_MIN;
        }
      }
    }
    prom_result_free(&r);
    a = z + 1;
  }
  free(pq);
  return rc;
}

static void add_bucket(struct hr_series *s, int64_t t_us, uint64_t g, uint64_t v) {
  while (g > 0 || v > 0) {
    uint32_t g1 = g > UINT32_MAX ? UINT32_MAX : (uint32_t)g, v1 = v > UINT32_MAX ? UINT32_MAX : (uint32_t)v;
    series_add(s, t_us, g1, v1);
    g -= g1;
    v -= v1;
  }
}

enum hr_rc prom_slo_series(const struct hr_slo *slo, int64_t at_us, struct hr_series *s, int *nodata, char **note,
                           struct hr_err *err) {
  *nodata = 1;
  if (note)
    *note = NULL;
  if (!prom_slo_is_prom(slo))
    return HR_FAIL(err, HR_ERR_CONFIG, "SLO %s does not read a prometheus DataSource", slo->name);
  const struct hr_datasource *ds = slo->source;
  if (ds->url == NULL)
    return HR_FAIL(err, HR_ERR_CONFIG, "SLO %s: DataSource '%s' has no connectionDetails.url to query", slo->name,
                   ds->name);
  if (slo->total_filter == NULL)
    return HR_FAIL(err, HR_ERR_CONFIG, "SLO %s: a Prometheus SLI needs a total query (ratioMetric.total)", slo->name);
  const char *gq = slo->good_filter ? slo->good_filter : slo->bad_filter;
  if (gq == NULL)
    return HR_FAIL(err, HR_ERR_CONFIG, "SLO %s: no good or bad query", slo->name);
  struct hr_prom_conn c;
  prom_conn_from_source(&c, ds);
  size_t nb = s->cap;
  int64_t base = at_us - (int64_t)nb * s->step_us;
  uint64_t *valid = xcalloc(nb, sizeof *valid), *gb = xcalloc(nb, sizeof *gb);
  int vseen = 0, gseen = 0;
  struct hr_err e = {0};
  enum hr_rc rc = counts(&c, slo->total_filter, base, nb, valid, &vseen, &e);
  if (rc == HR_OK && vseen)
    rc = counts(&c, gq, base, nb, gb, &gseen, &e);
  if (rc != HR_OK) {
    HR_FAIL(err, rc, "SLO %s: %s", slo->name, e.msg);
  } else if (!vseen) {
    if (note)
      *note = xasprintf("SLO %s: prometheus: no data for its total query %s (shown as no data)", slo->name,
                        slo->total_filter);
  } else {
    *nodata = 0;
    size_t over = 0;
    for (size_t k = 0; k < nb; k++) {
      uint64_t g;
      if (slo->good_filter) {
        g = gb[k];
        if (g > valid[k]) {
          over++;
          g = valid[k];
        }
      } else {
        if (gb[k] > valid[k])
          over++;
        g = gb[k] >= valid[k] ? 0 : valid[k] - gb[k];
      }
      add_bucket(s, base + (int64_t)k * s->step_us, g, valid[k]);
    }
    if (note && over > 0)
      *note = xasprintf("SLO %s: prometheus: in %zu minute(s) the %s query counted more events than the total "
                        "query; those minutes count the total",
                        slo->name, over, slo->good_filter ? "good" : "bad");
    else if (note && !gseen && slo->good_filter)
      *note = xasprintf("SLO %s: prometheus: no data for its good query %s: counted as 0 good events", slo->name,
                        slo->good_filter);
  }
  free(valid);
  free(gb);
  return rc;
}
