/* daemon.c -- see daemon.h. */
#include "engine/daemon.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/store.h"
#include "util/imath.h"
#include "util/xmalloc.h"

struct hr_daemon {
  const struct hr_config *cfg;
  struct hr_store *st;
  struct hr_tail *tail;
  char *url;
  int64_t last_round_min;
  char **quiet; /* paths said to have stopped growing */
  size_t nquiet;
  char **empty; /* "source\tglob" said to match nothing */
  size_t nempty;
};

/* Is s in the list (*l, *n)? When it is not and add, add it. */
static int listed(char ***l, size_t *n, const char *s, int add) {
  for (size_t i = 0; i < *n; i++)
    if (strcmp((*l)[i], s) == 0)
      return 1;
  if (add) {
    *l = xrealloc(*l, (*n + 1) * sizeof **l);
    (*l)[(*n)++] = xstrdup(s);
  }
  return 0;
}

static void unlist(char **l, size_t *n, const char *s) {
  for (size_t i = 0; i < *n; i++)
    if (strcmp(l[i], s) == 0) {
      free(l[i]);
      l[i] = l[--*n];
      return;
    }
}

static void news(struct hr_daemon_step *o, enum hr_daemon_news_kind k, const char *source, const char *what,
                 double idle_s) {
  if (o->nnews < HR_DAEMON_NEWS)
    o->news[o->nnews++] = (struct hr_daemon_news){k, source, what, idle_s};
}

/* What changed in what is followed: new empty globs, files quiet for their
 * source's staleAfter, quiet files that grow again. */
static void watch(struct hr_daemon *d, double mono_s, struct hr_daemon_step *o) {
  const char *src[HR_DAEMON_NEWS], *glob[HR_DAEMON_NEWS];
  size_t ne = tail_empty_globs(d->tail, src, glob, HR_DAEMON_NEWS);
  for (size_t i = 0; i < ne && i < HR_DAEMON_NEWS; i++) {
    char *key = xasprintf("%s\t%s", src[i], glob[i]);
    if (!listed(&d->empty, &d->nempty, key, 1))
      news(o, HR_NEWS_EMPTY_GLOB, src[i], glob[i], 0);
    free(key);
  }
  struct hr_tail_file fs[64];
  size_t nf = tail_files(d->tail, mono_s, fs, 64);
  for (size_t i = 0; i < nf && i < 64; i++) {
    const struct hr_datasource *ds = config_source(d->cfg, fs[i].source);
    double stale_s = ds != NULL && ds->stale_after_us > 0 ? (double)ds->stale_after_us / 1e6 : 3600;
    if (fs[i].gone || fs[i].gz)
      continue;
    if (fs[i].idle_s > stale_s) {
      if (!listed(&d->quiet, &d->nquiet, fs[i].path, 1))
        news(o, HR_NEWS_QUIET, fs[i].source, fs[i].path, fs[i].idle_s);
    } else if (listed(&d->quiet, &d->nquiet, fs[i].path, 0)) {
      unlist(d->quiet, &d->nquiet, fs[i].path);
      news(o, HR_NEWS_GROWS, fs[i].source, fs[i].path, 0);
    }
  }
}

enum hr_rc daemon_open(const struct hr_config *cfg, const char *db, struct hr_daemon **out, struct hr_err *err) {
  *out = NULL;
  struct hr_daemon *d = xcalloc(1, sizeof *d);
  d->cfg = cfg;
  d->last_round_min = INT64_MIN;
  enum hr_rc rc = store_open(db, &d->st, err);
  if (rc == HR_OK)
    rc = tail_new(cfg, d->st, &d->tail, err);
  if (rc != HR_OK) {
    daemon_close(d);
    return rc;
  }
  *out = d;
  return HR_OK;
}

void daemon_set_url(struct hr_daemon *d, const char *url) {
  free(d->url);
  d->url = url ? xstrdup(url) : NULL;
}

enum hr_rc daemon_set_config(struct hr_daemon *d, const struct hr_config *cfg, struct hr_err *err) {
  enum hr_rc rc = tail_set_config(d->tail, cfg, err);
  if (rc == HR_OK) {
    d->cfg = cfg;
    for (size_t i = 0; i < d->nempty; i++) /* the new globs are said again */
      free(d->empty[i]);
    d->nempty = 0;
  }
  return rc;
}

void daemon_step(struct hr_daemon *d, double mono_s, int64_t t_us, struct hr_daemon_step *out) {
  memset(out, 0, sizeof *out);
  out->tail_rc = tail_poll(d->tail, mono_s, &out->tail_err);
  tail_stats(d->tail, &out->tail);
  watch(d, mono_s, out);
  int64_t minute = floor_div(t_us, 60000000);
  if (minute != d->last_round_min) {
    d->last_round_min = minute;
    out->round_ran = 1;
    out->round_rc = alert_round(d->st, d->cfg, t_us, 1, d->url, &out->round, &out->round_err);
  }
}

void daemon_close(struct hr_daemon *d) {
  if (d == NULL)
    return;
  tail_free(d->tail);
  store_close(d->st);
  free(d->url);
  for (size_t i = 0; i < d->nquiet; i++)
    free(d->quiet[i]);
  free(d->quiet);
  for (size_t i = 0; i < d->nempty; i++)
    free(d->empty[i]);
  free(d->empty);
  free(d);
}

size_t daemon_files(const struct hr_daemon *d, double mono_s, struct hr_tail_file *out, size_t max) {
  return tail_files(d->tail, mono_s, out, max);
}

size_t daemon_empty_globs(const struct hr_daemon *d, const char **source, const char **glob, size_t max) {
  return tail_empty_globs(d->tail, source, glob, max);
}
