/* html.c -- see html.h. */
#include "render/html.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/jw.h"
#include "render/assets.h"
#include "render/detail.h"
#include "render/journeys.h"
#include "render/report.h"

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

/* What the page inlines: the report, its SLOs' pages, the journeys and the view it opens on. */
struct page {
  const struct hr_report *r;
  const struct hr_detail *details;
  const struct hr_journeys *js;
  const char *view; /* "journeys", or NULL: the overview */
};

static void data_script(FILE *f, const struct page *pg) {
  const struct hr_report *r = pg->r;
  const struct hr_detail *details = pg->details;
  struct membuf rep = {0}, det = {0}, jou = {0};
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
  for (size_t i = 0; details != NULL && i < r->nslos; i++)
    slo_page_json(&w, r->slos[i].slo->name, &details[i]);
  jw_obj_end(&w);
  fclose(m);
  fputs("<script>\nwindow.HEADROOM_DATA = ", f);
  put_json(f, &rep);
  fputs(";\nwindow.HEADROOM_DATA.details = ", f);
  put_json(f, &det);
  if (pg->js != NULL) {
    m = open_memstream(&jou.p, &jou.n);
    if (m == NULL)
      abort();
    journeys_json(m, pg->js);
    fclose(m);
    fputs(";\nwindow.HEADROOM_DATA.journeys = ", f);
    put_json(f, &jou);
  }
  if (pg->view != NULL)
    fprintf(f, ";\nwindow.HEADROOM_DATA.view = \"%s\"", pg->view);
  fputs(";\n</script>\n", f);
  free(rep.p);
  free(det.p);
  free(jou.p);
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

static void page_html(FILE *f, const struct page *pg) {
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
      data_script(f, pg);
      data_done = 1;
      p = tag + 20;
      continue;
    }
    if (strncasecmp(tag, "<script", 7) == 0 && (v = attr_value(tag, gt, "src", &vl)) != NULL &&
        (a = asset_of(v, vl)) != NULL) {
      const char *close = find_ci(gt, end, "</script>");
      if (close != NULL) {
        if (!data_done) { /* the data before the first script that may read it */
          data_script(f, pg);
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
    data_script(f, pg);
}

void report_html(FILE *f, const struct hr_report *r, const struct hr_detail *details, const struct hr_journeys *js) {
  struct page pg = {.r = r, .details = details, .js = js};
  page_html(f, &pg);
}

void journeys_html(FILE *f, const struct hr_journeys *js) {
  struct page pg = {.r = &js->rep, .js = js, .view = "journeys"};
  page_html(f, &pg);
}
