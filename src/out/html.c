/* html.c -- see html.h. */
#include "out/html.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/exclude.h"
#include "core/slo_eval.h"
#include "core/timeparse.h"
#include "core/tz.h"
#include "http/assets.h"
#include "out/jw.h"
#include "store/detail.h"
#include "util/imath.h"
#include "util/xmalloc.h"

#define MINUTE_US_ ((int64_t)60000000)

void slo_series_json(struct hr_jw *w, const struct hr_report_slo *rs, const struct hr_series *s, size_t max_points) {
  const struct hr_slo *slo = rs->slo;
  int64_t at = rs->st.at_us, from = rs->st.window_start_us;
  if (max_points < 2)
    max_points = 2;
  int64_t span = at > from ? at - from : 0;
  int64_t unit = s->step_us > 0 ? s->step_us : MINUTE_US_;
  /* step: a whole number of buckets, so every point stays on the grid. */
  int64_t per = span / (int64_t)(max_points - 1);
  int64_t step = (per + unit - 1) / unit * unit;
  if (step < unit)
    step = unit;
  size_t n = (size_t)(span / step) + 1;
  if (n > max_points)
    n = max_points;

  struct hr_tz *tz = NULL;
  struct hr_excluder *x = NULL;
  struct hr_err e = {0};
  if (slo->window.kind == HR_WIN_CALENDAR && tz_load(slo->window.tz ? slo->window.tz : "UTC", &tz, &e) != HR_OK)
    tz = NULL;
  if (slo->nexcl > 0 && excluder_new(slo->excl, slo->nexcl, &x, &e) != HR_OK)
    x = NULL;

  int64_t *t = xcalloc(n, sizeof *t);
  struct hr_slo_state *st = xcalloc(n, sizeof *st);
  uint64_t *good = xcalloc(n, sizeof *good), *valid = xcalloc(n, sizeof *valid);
  for (size_t i = 0; i < n; i++) {
    t[i] = at - (int64_t)(n - 1 - i) * step;
    slo_eval_ex(slo, tz, s, x, t[i], &st[i]);
    int64_t k_from = series_index(s, i == 0 ? from : t[i - 1]);
    int64_t k_to = series_index(s, t[i]);
    if (k_to > k_from)
      series_sum(s, k_from, k_to, &good[i], &valid[i]);
  }

  char buf[64];
  jw_obj(w, "series");
  jw_int(w, "step_seconds", step / 1000000);
  jw_arr(w, "t");
  for (size_t i = 0; i < n; i++)
    jw_int(w, NULL, floor_div(t[i], 1000000));
  jw_arr_end(w);
  jw_arr(w, "sli");
  for (size_t i = 0; i < n; i++) {
    if (st[i].has_sli)
      jw_num(w, NULL, st[i].sli);
    else
      jw_null(w, NULL);
  }
  jw_arr_end(w);
  jw_arr(w, "budget_remaining");
  for (size_t i = 0; i < n; i++)
    jw_num(w, NULL, st[i].budget_remaining);
  jw_arr_end(w);
  size_t nlb = rs->st.nburn;
  for (size_t b = 0; b < nlb; b++) {
    char key[80];
    snprintf(key, sizeof key, "burn_rate_%s", duration_format(rs->st.burn[b].lookback_us, buf, sizeof buf));
    jw_arr(w, key);
    for (size_t i = 0; i < n; i++)
      jw_num(w, NULL, b < st[i].nburn ? st[i].burn[b].rate : 0);
    jw_arr_end(w);
  }
  jw_arr(w, "good");
  for (size_t i = 0; i < n; i++)
    jw_uint(w, NULL, good[i]);
  jw_arr_end(w);
  jw_arr(w, "valid");
  for (size_t i = 0; i < n; i++)
    jw_uint(w, NULL, valid[i]);
  jw_arr_end(w);
  jw_obj_end(w);

  free(t);
  free(st);
  free(good);
  free(valid);
  excluder_free(x);
  tz_free(tz);
}

void slo_thresholds_json(struct hr_jw *w, const struct hr_slo *slo) {
  size_t n = 0;
  for (size_t p = 0; p < slo->npolicies; p++)
    for (size_t c = 0; c < slo->policies[p]->nconds; c++)
      n += slo->policies[p]->conds[c].kind == HR_COND_BURNRATE;
  if (n == 0)
    return;
  char buf[64];
  jw_arr(w, "thresholds");
  for (size_t p = 0; p < slo->npolicies; p++) {
    const struct hr_alert_policy *pol = slo->policies[p];
    for (size_t c = 0; c < pol->nconds; c++) {
      const struct hr_condition *cd = &pol->conds[c];
      if (cd->kind != HR_COND_BURNRATE)
        continue;
      jw_obj(w, NULL);
      jw_str(w, "name", cd->name);
      jw_str(w, "severity", cd->severity);
      jw_str(w, "lookback", duration_format(cd->long_us, buf, sizeof buf));
      if (cd->short_us > 0)
        jw_str(w, "short_lookback", duration_format(cd->short_us, buf, sizeof buf));
      else
        jw_null(w, "short_lookback");
      jw_num(w, "burn_rate", cd->factor);
      jw_obj_end(w);
    }
  }
  jw_arr_end(w);
}

size_t slo_exclusions_json(struct hr_jw *w, const struct hr_slo *slo, int64_t from_us, int64_t to_us) {
  if (slo->nexcl == 0 || to_us <= from_us)
    return 0;
  struct hr_excluder *x = NULL;
  struct hr_err e = {0};
  if (excluder_new(slo->excl, slo->nexcl, &x, &e) != HR_OK || x == NULL)
    return 0;
  enum { MAXI = 200 };
  int64_t(*iv)[2] = xcalloc(MAXI, sizeof *iv);
  size_t n = excluder_list(x, from_us, to_us, iv, MAXI);
  if (n > MAXI)
    n = MAXI;
  for (size_t i = 0; i < n; i++) {
    /* The reason of the exclusion that holds the interval's first instant. */
    const char *why = NULL;
    for (size_t j = 0; j < slo->nexcl && why == NULL; j++) {
      struct hr_excluder *one = NULL;
      if (excluder_new(&slo->excl[j], 1, &one, &e) == HR_OK && one != NULL) {
        if (excluder_test(one, iv[i][0] > from_us ? iv[i][0] : from_us))
          why = slo->excl[j].reason;
        excluder_free(one);
      }
    }
    jw_obj(w, NULL);
    jw_time(w, "at", iv[i][0]);
    jw_time(w, "end", iv[i][1]);
    jw_str(w, "kind", "exclusion");
    jw_str(w, "text", why ? why : "excluded from the SLO");
    jw_obj_end(w);
  }
  free(iv);
  excluder_free(x);
  return n;
}

size_t slo_annotations_json(struct hr_jw *w, const struct hr_annotation *a, size_t n, const char *service) {
  size_t k = 0;
  for (size_t i = 0; i < n; i++) {
    if (service != NULL && (a[i].service == NULL || strcmp(a[i].service, service) != 0))
      continue;
    jw_obj(w, NULL);
    jw_time(w, "at", a[i].at_s * 1000000);
    if (a[i].has_end)
      jw_time(w, "end", a[i].end_s * 1000000);
    jw_str(w, "kind", a[i].kind);
    jw_str(w, "text", a[i].text ? a[i].text : "");
    jw_obj_end(w);
    k++;
  }
  return k;
}

/* ---- the self-contained file ---- */

struct membuf {
  char *p;
  size_t n;
};

/* Write s[0..n) with every case-insensitive occurrence of `</tag` turned
 * into `<\/tag`, so inlined text can never close its element early. */
static void put_escaped(FILE *f, const char *s, size_t n, const char *tag) {
  size_t tl = strlen(tag), i = 0, start = 0;
  while (i + 2 + tl <= n) {
    if (s[i] == '<' && s[i + 1] == '/' && strncasecmp(s + i + 2, tag, tl) == 0) {
      fwrite(s + start, 1, i - start, f);
      fputs("<\\/", f);
      i += 2;
      start = i;
    } else {
      i++;
    }
  }
  fwrite(s + start, 1, n - start, f);
}

/* JSON inside <script>: '<' only occurs inside strings, where \u003c reads
 * back the same; so no "</script" or "<!--" can appear. */
static void put_json(FILE *f, const struct membuf *m) {
  size_t start = 0;
  for (size_t i = 0; i < m->n; i++) {
    if (m->p[i] == '<') {
      fwrite(m->p + start, 1, i - start, f);
      fputs("\\u003c", f);
      start = i + 1;
    }
  }
  fwrite(m->p + start, 1, m->n - start, f);
}

static void data_script(FILE *f, const struct hr_report *r, const struct hr_series *series,
                        const struct hr_annotation *tl, size_t ntl) {
  struct membuf rep = {0}, det = {0};
  FILE *m = open_memstream(&rep.p, &rep.n);
  if (m == NULL)
    abort();
  report_json(m, r);
  fclose(m);
  m = open_memstream(&det.p, &det.n);
  if (m == NULL)
    abort();
  struct hr_jw w;
  jw_init(&w, m, 0);
  jw_obj(&w, NULL);
  /* A report that read the store also carries its latency percentiles and
   * latest bad events (GET /api/v1/slos/NAME's "latency", "bad_events"). */
  struct hr_store *st = NULL;
  if (r->from_store && r->store_path != NULL && store_open_ro(r->store_path, &st, NULL) == HR_OK)
    store_begin(st, NULL);
  for (size_t i = 0; i < r->nslos; i++) {
    const struct hr_report_slo *rs = &r->slos[i];
    if (rs->slo == NULL)
      continue;
    jw_obj(&w, rs->slo->name);
    if (series != NULL)
      slo_series_json(&w, rs, &series[i], HR_SERIES_POINTS);
    slo_thresholds_json(&w, rs->slo);
    jw_arr(&w, "timeline");
    slo_exclusions_json(&w, rs->slo, rs->st.window_start_us, rs->st.at_us);
    if (tl != NULL)
      slo_annotations_json(&w, tl, ntl, rs->slo->service);
    jw_arr_end(&w);
    int64_t id = 0;
    if (st != NULL && store_slo_find(st, rs->slo->name, &id, NULL) == HR_OK) {
      int64_t ws = floor_div(rs->st.window_start_us, MINUTE_US_) * 60, at = floor_div(rs->st.at_us, MINUTE_US_) * 60;
      details_latency_json(&w, st, id, ws, at, details_step(at - ws, HR_SERIES_POINTS),
                           details_threshold(rs->slo->good_filter));
      details_bad_events_json(&w, st, id, HR_BAD_KEEP);
    }
    jw_obj_end(&w);
  }
  store_close(st);
  jw_obj_end(&w);
  fclose(m);
  fputs("<script>\nwindow.HEADROOM_DATA = ", f);
  put_json(f, &rep);
  fputs(";\nwindow.HEADROOM_DATA.details = ", f);
  put_json(f, &det);
  fputs(";\n</script>\n", f);
  free(rep.p);
  free(det.p);
}

/* The attribute value after `attr="` within [p, end), or NULL. */
static const char *attr_value(const char *p, const char *end, const char *attr, size_t *len) {
  size_t al = strlen(attr);
  for (const char *q = p; q + al + 2 <= end; q++) {
    if (strncmp(q, attr, al) == 0 && q[al] == '=' && q[al + 1] == '"') {
      const char *v = q + al + 2, *e = memchr(v, '"', (size_t)(end - v));
      if (e == NULL)
        return NULL;
      *len = (size_t)(e - v);
      return v;
    }
  }
  return NULL;
}

/* The asset a page-relative URL names ("app.js", "./vendor/chart.js"). */
static const struct hr_asset *asset_of(const char *v, size_t n) {
  char path[256];
  while (n >= 2 && v[0] == '.' && v[1] == '/') {
    v += 2;
    n -= 2;
  }
  if (n == 0 || n + 2 > sizeof path || memchr(v, ':', n) != NULL)
    return NULL;
  size_t o = 0;
  if (v[0] != '/')
    path[o++] = '/';
  memcpy(path + o, v, n);
  path[o + n] = 0;
  return hr_asset_find(path);
}

static const char *find_ci(const char *p, const char *end, const char *needle) {
  size_t nl = strlen(needle);
  for (; p + nl <= end; p++)
    if (strncasecmp(p, needle, nl) == 0)
      return p;
  return NULL;
}

void report_html(FILE *f, const struct hr_report *r, const struct hr_series *series,
                 const struct hr_annotation *timeline, size_t ntimeline) {
  const struct hr_asset *index = hr_asset_find("/index.html");
  if (index == NULL) {
    fputs("<!doctype html><meta charset=\"utf-8\"><title>headroom</title><p>headroom: this build has no dashboard\n",
          f);
    return;
  }
  const char *p = (const char *)index->data, *end = p + index->len;
  int data_done = 0;
  while (p < end) {
    const char *tag = memchr(p, '<', (size_t)(end - p));
    if (tag == NULL) {
      fwrite(p, 1, (size_t)(end - p), f);
      break;
    }
    fwrite(p, 1, (size_t)(tag - p), f);
    const char *gt = memchr(tag, '>', (size_t)(end - tag));
    if (gt == NULL) {
      fwrite(tag, 1, (size_t)(end - tag), f);
      break;
    }
    size_t vl = 0;
    const char *v;
    const struct hr_asset *a;
    if (strncmp(tag, "<!--headroom:data-->", 20) == 0) {
      data_script(f, r, series, timeline, ntimeline);
      data_done = 1;
      p = tag + 20;
      continue;
    }
    if (strncasecmp(tag, "<script", 7) == 0 && (v = attr_value(tag, gt, "src", &vl)) != NULL &&
        (a = asset_of(v, vl)) != NULL) {
      const char *close = find_ci(gt, end, "</script>");
      if (close != NULL) {
        if (!data_done) { /* the data before the first script that may read it */
          data_script(f, r, series, timeline, ntimeline);
          data_done = 1;
        }
        fputs("<script>\n", f);
        put_escaped(f, (const char *)a->data, a->len, "script");
        fputs("\n</script>", f);
        p = close + 9;
        continue;
      }
    }
    if (strncasecmp(tag, "<link", 5) == 0 && find_ci(tag, gt, "stylesheet") != NULL &&
        (v = attr_value(tag, gt, "href", &vl)) != NULL && (a = asset_of(v, vl)) != NULL) {
      fputs("<style>\n", f);
      put_escaped(f, (const char *)a->data, a->len, "style");
      fputs("\n</style>", f);
      p = gt + 1;
      continue;
    }
    fwrite(tag, 1, (size_t)(gt + 1 - tag), f);
    p = gt + 1;
  }
  if (!data_done)
    data_script(f, r, series, timeline, ntimeline);
}
