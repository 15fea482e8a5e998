/* canary.c -- see canary.h. */
#include "engine/canary.h"

#include <glob.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "core/expr.h"
#include "core/fisher.h"
#include "core/format.h"
#include "core/timeparse.h"
#include "engine/impl.h"
#include "util/imath.h"
#include "util/xmalloc.h"

const char *canary_verdict_name(enum hr_canary_verdict v) {
  switch (v) {
  case HR_CANARY_PROMOTE: return "promote";
  case HR_CANARY_ROLLBACK: return "rollback";
  case HR_CANARY_HOLD: return "hold";
  }
  return "hold";
}

int canary_exit_code(enum hr_canary_verdict v) {
  switch (v) {
  case HR_CANARY_PROMOTE: return 0;
  case HR_CANARY_ROLLBACK: return 1;
  case HR_CANARY_HOLD: return 3;
  }
  return 3;
}

/* ---- the figures and the verdict ---- */

static void side(struct hr_canary_side *s, double target) {
  s->has_sli = s->valid > 0;
  s->sli = s->has_sli ? (double)s->good / (double)s->valid : 0;
  double eb = 1 - target;
  s->burn_rate = !s->has_sli ? 0 : eb > 0 ? (1 - s->sli) / eb : s->good < s->valid ? INFINITY : 0;
}

const char *canary_p_text(double p, char *buf, size_t n) {
  if (p < 0.0001)
    snprintf(buf, n, "p < 0.0001");
  else /* three digits near the threshold: never "0.05" for 0.0496 */
    snprintf(buf, n, p >= 0.01 && p < 0.1 ? "p = %.3g" : "p = %.2g", p);
  return buf;
}

const char *canary_rate_text(double x, char *buf, size_t n) {
  snprintf(buf, n, x >= 100 ? "%.0f\xc3\x97" : "%.3g\xc3\x97", x);
  return buf;
}

void canary_judge(struct hr_canary *c, double target) {
  side(&c->canary, target);
  side(&c->baseline, target);
  c->has_p = c->canary.has_sli && c->baseline.has_sli;
  c->p_value = 0;
  if (c->has_p) {
    uint64_t xbad = c->canary.valid - c->canary.good;
    uint64_t kbad = xbad + c->baseline.valid - c->baseline.good;
    c->p_value = fisher_greater(xbad, c->canary.valid, kbad, c->canary.valid + c->baseline.valid);
  }
  char p[32], r[32];
  canary_p_text(c->p_value, p, sizeof p);
  canary_rate_text(c->canary.burn_rate, r, sizeof r);
  /* A side without events is always too few, whatever --min-events says. */
  int few_c = c->canary.valid == 0 || c->canary.valid < c->min_events;
  int few_b = c->baseline.valid == 0 || c->baseline.valid < c->min_events;
  if (few_c || few_b) {
    c->verdict = HR_CANARY_HOLD;
    if (few_c && few_b)
      snprintf(c->reason, sizeof c->reason,
               "too few events to judge: the canary has %llu valid events and the baseline %llu, fewer than "
               "--min-events %llu each; observe longer",
               (unsigned long long)c->canary.valid, (unsigned long long)c->baseline.valid,
               (unsigned long long)c->min_events);
    else
      snprintf(c->reason, sizeof c->reason,
               "too few events to judge: the %s has %llu valid events, fewer than --min-events %llu; observe longer",
               few_c ? "canary" : "baseline", (unsigned long long)(few_c ? c->canary.valid : c->baseline.valid),
               (unsigned long long)c->min_events);
    if (c->has_p && c->p_value < HR_CANARY_ALPHA && c->canary.burn_rate > 1) {
      size_t n = strlen(c->reason);
      snprintf(c->reason + n, sizeof c->reason - n, "; so far the canary looks worse (%s, burn rate %s)", p, r);
    }
  } else if (c->p_value < HR_CANARY_ALPHA && c->canary.burn_rate > 1) {
    c->verdict = HR_CANARY_ROLLBACK;
    snprintf(c->reason, sizeof c->reason,
             "the canary fails %.3g %% of its events, the baseline %.3g %%, more than chance explains (p < %g), and "
             "at %s the canary spends the error budget faster than the SLO allows",
             100 * (1 - c->canary.sli), 100 * (1 - c->baseline.sli), HR_CANARY_ALPHA, r);
  } else if (c->p_value < HR_CANARY_ALPHA) {
    c->verdict = HR_CANARY_PROMOTE;
    snprintf(c->reason, sizeof c->reason,
             "the canary fails more often than the baseline (p < %g), but at a burn rate of %s it stays within the "
             "SLO's budget",
             HR_CANARY_ALPHA, r);
  } else {
    c->verdict = HR_CANARY_PROMOTE;
    snprintf(c->reason, sizeof c->reason,
             "the canary fails no more often than the baseline beyond what chance explains (p >= %g)", HR_CANARY_ALPHA);
  }
}

/* ---- the split: a hook on the pipeline that reads ---- */

/* One bin per interval between the candidate starts: the events of
 * [bounds[i - 1], bounds[i]) land in bin i, so whichever start the instant
 * picks (the last deploy at or before it) is a sum of whole bins. */
enum { CG, CV, BG, BV }; /* canary good, valid; baseline good, valid */

struct split {
  size_t slo;                 /* index of the SLO in the configuration */
  const char *src;            /* the filter */
  struct hr_expr *expr;       /* compiled against the reading pipeline's format */
  uint64_t fields;            /* the field ids it reads */
  uint64_t seen;              /* of those, the ones some valid event had a value for */
  char *names[HR_MAX_FIELDS]; /* their names (owned) */
  uint64_t events;            /* valid events of the SLO read */
  const int64_t *bounds;      /* ascending */
  size_t nbounds;
  uint64_t (*bins)[4]; /* nbounds + 1 */
};

static int resolve(void *ctx, const char *name, size_t n) {
  return format_field(ctx, name, n);
}

static enum hr_rc compile(struct hr_format *fmt, const char *src, struct hr_expr **out, struct hr_err *err) {
  struct hr_err e = {0};
  if (expr_compile(src, strlen(src), resolve, fmt, out, &e) != HR_OK)
    return HR_FAIL(err, HR_ERR_USAGE, "--canary '%s': %s", src, e.msg);
  return HR_OK;
}

static enum hr_rc split_setup(void *ctx, struct hr_pipeline *p, uint64_t *need, struct hr_err *err) {
  struct split *s = ctx;
  size_t si = 0;
  while (si < p->nsrc && p->src[si].ds != p->cfg->slos[s->slo].source)
    si++;
  if (si == p->nsrc || p->src[si].fmt == NULL)
    return HR_FAIL(err, HR_ERR_USAGE, "SLO %s is not read from logs", p->cfg->slos[s->slo].name);
  enum hr_rc rc = compile(p->src[si].fmt, s->src, &s->expr, err);
  if (rc != HR_OK)
    return rc;
  s->fields = expr_fields(s->expr) & ~((uint64_t)1 << HR_F_TIME);
  for (uint64_t m = s->fields; m != 0; m &= m - 1) {
    int id = __builtin_ctzll(m);
    const char *name = format_field_name(p->src[si].fmt, id);
    s->names[id] = xstrdup(name != NULL ? name : "?");
  }
  *need = s->fields;
  return HR_OK;
}

static void split_hook(void *ctx, size_t j, const struct hr_event *ev, const char *line, size_t len, int good) {
  (void)line;
  (void)len;
  struct split *s = ctx;
  if (j != s->slo)
    return;
  s->events++;
  for (uint64_t m = s->fields & ~s->seen & ev->set; m != 0; m &= m - 1)
    if (event_get(ev, __builtin_ctzll(m)) != NULL)
      s->seen |= m & -m;
  size_t lo = 0, hi = s->nbounds; /* the first bound after ts */
  while (lo < hi) {
    size_t mid = lo + (hi - lo) / 2;
    if (s->bounds[mid] <= ev->ts_us)
      lo = mid + 1;
    else
      hi = mid;
  }
  int c = expr_eval(s->expr, ev);
  s->bins[lo][c ? CG : BG] += (uint64_t)good;
  s->bins[lo][c ? CV : BV]++;
}

static void split_free(struct split *s) {
  expr_free(s->expr);
  for (int i = 0; i < HR_MAX_FIELDS; i++)
    free(s->names[i]);
  free(s->bins);
}

/* ---- what to read ---- */

static int cmp_str(const void *a, const void *b) {
  return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The regular files the paths of ds match (each once, sorted). */
static enum hr_rc source_files(const struct hr_datasource *ds, char ***files, size_t *nfiles, struct hr_err *err) {
  *files = NULL;
  *nfiles = 0;
  for (size_t k = 0; k < ds->npaths; k++) {
    glob_t g;
    memset(&g, 0, sizeof g);
    if (glob(ds->paths[k], 0, NULL, &g) == 0)
      for (size_t i = 0; i < g.gl_pathc; i++) {
        char real[PATH_MAX];
        struct stat sb;
        if (realpath(g.gl_pathv[i], real) == NULL || stat(real, &sb) != 0 || !S_ISREG(sb.st_mode))
          continue;
        int dup = 0;
        for (size_t q = 0; q < *nfiles && !dup; q++)
          dup = strcmp((*files)[q], real) == 0;
        if (!dup) {
          *files = xrealloc(*files, (*nfiles + 1) * sizeof **files);
          (*files)[(*nfiles)++] = xstrdup(real);
        }
      }
    globfree(&g);
  }
  if (*nfiles == 0 && ds->npaths == 0)
    return HR_FAIL(err, HR_ERR_USAGE, "no log named, and DataSource %s has no paths: name the log files", ds->name);
  if (*nfiles == 0)
    return HR_FAIL(err, HR_ERR_USAGE,
                   "no log named, and the paths of DataSource %s (%s%s) match no file: name the log files", ds->name,
                   ds->paths[0], ds->npaths > 1 ? ", ..." : "");
  qsort(*files, *nfiles, sizeof **files, cmp_str);
  return HR_OK;
}

static int cmp_i64(const void *a, const void *b) {
  int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
  return (x > y) - (x < y);
}

/* The deploys of service on tl, ascending (owned). */
static size_t deploys(const struct hr_annotation *tl, size_t ntl, const char *service, int64_t **out) {
  size_t n = 0;
  *out = xcalloc(ntl + 1, sizeof **out);
  for (size_t i = 0; i < ntl; i++)
    if (service != NULL && strcmp(tl[i].kind, "deploy") == 0 && strcmp(tl[i].service, service) == 0)
      (*out)[n++] = tl[i].at_s * 1000000;
  qsort(*out, n, sizeof **out, cmp_i64);
  return n;
}

/* ---- the comparison ---- */

/* Check what can be checked before reading: the SLO, its DataSource, the
 * filter against a format of its own. */
static enum hr_rc check(const struct hr_config *cfg, const struct hr_canary_opts *o, size_t *j, struct hr_err *err) {
  *j = 0;
  while (*j < cfg->nslos && strcmp(cfg->slos[*j].name, o->slo) != 0)
    (*j)++;
  if (*j == cfg->nslos)
    return HR_FAIL(err, HR_ERR_NOTFOUND, "no SLO named '%s' in the configuration", o->slo);
  const struct hr_datasource *ds = cfg->slos[*j].source;
  if (ds == NULL || ds->type == NULL || strcmp(ds->type, "headroom.logs") != 0)
    return HR_FAIL(err, HR_ERR_USAGE,
                   "SLO %s is read from %s, not from logs: a canary needs each event's fields, which only logs keep",
                   o->slo, ds != NULL ? ds->name : "no DataSource");
  struct hr_format *fmt = NULL;
  enum hr_rc rc = format_new(&ds->fmt, &fmt, err);
  struct hr_expr *e = NULL;
  if (rc == HR_OK)
    rc = compile(fmt, o->expr, &e, err);
  expr_free(e);
  format_free(fmt);
  return rc;
}

enum hr_rc engine_canary(const struct hr_config *cfg, const struct hr_canary_opts *o, struct hr_canary *c,
                         struct hr_err *err) {
  memset(c, 0, sizeof *c);
  scan_stats_init(&c->rd.stats);
  c->expr = o->expr;
  c->min_events = o->min_events;
  size_t j;
  enum hr_rc rc = check(cfg, o, &j, err);
  if (rc != HR_OK)
    return rc;
  const struct hr_slo *slo = c->slo = &cfg->slos[j];
  if (o->has_since && o->read.has_at && o->since_us >= o->read.at_us)
    return HR_FAIL(err, HR_ERR_USAGE, "--since is not before --at");
  struct hr_input in = o->read.in;
  in.store = 0;
  if (in.source != NULL && strcmp(in.source, slo->source->name) != 0)
    return HR_FAIL(err, HR_ERR_USAGE, "SLO %s reads DataSource %s, not %s (--source)", slo->name, slo->source->name,
                   in.source);
  in.source = slo->source->name; /* the logs named are the SLO's, whatever their names */
  if (in.nlogs == 0) {
    rc = source_files(slo->source, &c->files, &c->nfiles, err);
    if (rc != HR_OK)
      return rc;
    in.logs = c->files;
    in.nlogs = c->nfiles;
  }
  /* The timeline: the deploys, and the maintenance windows excluded. */
  const char *db = o->read.in.db != NULL ? o->read.in.db : cfg->db_path;
  int found = 0;
  rc = engine_timeline(NULL, db, &c->rd.timeline, &c->rd.ntimeline, &found, err);
  c->rd.has_timeline = found;
  int64_t *dep = NULL, since = o->since_us;
  size_t ndep = o->has_since ? 1 : deploys(c->rd.timeline, c->rd.ntimeline, slo->service, &dep);
  const char *svc = slo->service != NULL ? slo->service : "?";
  if (rc == HR_OK && !o->has_since && !found)
    rc = HR_FAIL(err, HR_ERR_USAGE, "no store at %s to find the last deploy of service %s in: pass --since T",
                 db ? db : "?", svc);
  else if (rc == HR_OK && !o->has_since &&
           (ndep == 0 ||
            (o->read.has_at && engine_last_deploy(c->rd.timeline, c->rd.ntimeline, svc, o->read.at_us) == NULL)))
    rc = HR_FAIL(err, HR_ERR_USAGE,
                 "no deploy of service %s %s on the timeline of %s: pass --since T (or record deploys with 'headroom "
                 "annotate --kind deploy')",
                 svc, ndep == 0 ? "at all" : "at or before --at", db);
  struct split s = {.slo = j, .src = o->expr, .bounds = o->has_since ? &since : dep, .nbounds = ndep};
  s.bins = xcalloc(ndep + 1, sizeof *s.bins);
  if (rc == HR_OK) {
    struct hr_effective eff;
    effective_init(&eff, cfg, c->rd.timeline, c->rd.ntimeline);
    c->rd.nmaintenance = eff.nmaint;
    /* The hook counts; the minute series the reader fills are not used. */
    size_t ns = cfg->nslos ? cfg->nslos : 1;
    struct hr_series *series = xcalloc(ns, sizeof *series);
    for (size_t k = 0; k < ns; k++)
      series_init(&series[k], MINUTE_US, 0, 1);
    c->rd.has_logs = 1;
    rc = engine_read_logs_setup(&eff.eff, &in, o->read.has_at ? o->read.at_us : o->read.now_us + 5 * MINUTE_US, series,
                                split_setup, split_hook, &s, &c->rd, err);
    for (size_t k = 0; k < ns; k++)
      series_reset(&series[k]);
    free(series);
    effective_done(&eff);
  }
  /* The instant, and the start it picks. */
  int64_t last = c->rd.stats.last_us;
  c->at_us = o->read.has_at ? o->read.at_us
                            : (floor_div(last != INT64_MIN ? last : o->read.now_us, MINUTE_US) + 1) * MINUTE_US;
  size_t from = 1;
  if (rc == HR_OK && !o->has_since) {
    const struct hr_annotation *d = engine_last_deploy(c->rd.timeline, c->rd.ntimeline, slo->service, c->at_us);
    if (d == NULL) {
      char t[48];
      rc = HR_FAIL(err, HR_ERR_USAGE,
                   "no deploy of service %s at or before %s (just after the last event read): pass --since T",
                   slo->service, time_format_rfc3339(c->at_us, t, sizeof t));
    } else {
      since = d->at_s * 1000000;
      c->since_deploy = 1;
      c->deploy_text = d->text != NULL ? xstrdup(d->text) : NULL;
      from = 0; /* the bins after the deploys at or before it */
      while (from < ndep && dep[from] <= since)
        from++;
    }
  }
  c->since_us = since;
  for (size_t b = from; rc == HR_OK && b <= ndep; b++) {
    c->canary.good += s.bins[b][CG];
    c->canary.valid += s.bins[b][CV];
    c->baseline.good += s.bins[b][BG];
    c->baseline.valid += s.bins[b][BV];
  }
  /* A field no event ever had: the filter cannot split anything. */
  uint64_t missing = s.fields & ~s.seen;
  if (rc == HR_OK && s.events > 0 && missing != 0)
    rc =
        HR_FAIL(err, HR_ERR_USAGE,
                "--canary '%s' reads '%s', which none of the %llu valid events of SLO %s read has a value for: "
                "the lines of DataSource %s do not carry it",
                o->expr, s.names[__builtin_ctzll(missing)], (unsigned long long)s.events, slo->name, slo->source->name);
  split_free(&s);
  free(dep);
  if (rc != HR_OK) {
    canary_free(c);
    return rc;
  }
  canary_judge(c, slo->target);
  return HR_OK;
}

void canary_free(struct hr_canary *c) {
  for (size_t i = 0; i < c->nfiles; i++)
    free(c->files[i]);
  free(c->files);
  free(c->deploy_text);
  report_free(&c->rd);
  memset(c, 0, sizeof *c);
}
