/* pipeline.c -- see pipeline.h. */
#include "ingest/pipeline.h"

#include <fnmatch.h>
#include <stdlib.h>
#include <string.h>

#include "core/grpkey.h"
#include "store/detail.h"
#include "store/group.h"
#include "util/xmalloc.h"

static int resolve(void *ctx, const char *name, size_t n) {
  return format_field((struct hr_format *)ctx, name, n);
}

static enum hr_rc compile(struct hr_format *fmt, const struct hr_slo *slo, const char *what, const char *src,
                          struct hr_expr **out, struct hr_err *err) {
  if (src == NULL) {
    *out = NULL;
    return HR_OK;
  }
  struct hr_err e = {0};
  if (expr_compile(src, strlen(src), resolve, fmt, out, &e) != HR_OK)
    return HR_FAIL(err, HR_ERR_CONFIG, "SLO %s: %s filter: %s", slo->name, what, e.msg);
  return HR_OK;
}

/* Tell every log format the fields its SLOs' filters read, plus extra. */
static void set_need(struct hr_pipeline *p, uint64_t extra) {
  for (size_t i = 0; i < p->nsrc; i++) {
    if (p->src[i].fmt == NULL)
      continue;
    uint64_t need = 0;
    for (size_t k = 0; k < p->src[i].nslos; k++) {
      const struct hr_slo_rt *rt = &p->slo[p->src[i].slos[k]];
      if (rt->good)
        need |= expr_fields(rt->good);
      if (rt->bad)
        need |= expr_fields(rt->bad);
      if (rt->total)
        need |= expr_fields(rt->total);
    }
    p->src[i].filter_fields = need & ~((uint64_t)1 << HR_F_TIME);
    format_need(p->src[i].fmt, need | extra);
  }
}

void pipeline_set_hook(struct hr_pipeline *p, hr_event_hook_fn fn, void *ctx, uint64_t need) {
  p->on_event = fn;
  p->on_event_ctx = fn != NULL ? ctx : NULL;
  p->on_event_need = fn != NULL ? need : 0;
  set_need(p, fn != NULL ? need : 0);
}

void pipeline_hook_details(struct hr_pipeline *p, struct hr_details *d) {
  uint64_t need = HR_DETAILS_NEED;
  for (size_t si = 0; si < p->nsrc; si++)
    for (size_t k = 0; k < p->src[si].nslos && p->src[si].fmt != NULL; k++) {
      size_t j = p->src[si].slos[k];
      const struct hr_slo *slo = &p->cfg->slos[j];
      if (slo->ngroup_by == 0)
        continue;
      int fid[HR_GROUP_FIELDS_MAX];
      size_t nf = slo->ngroup_by < HR_GROUP_FIELDS_MAX ? slo->ngroup_by : HR_GROUP_FIELDS_MAX, f;
      uint64_t bits = 0;
      for (f = 0; f < nf; f++) {
        const char *name = slo->group_by[f];
        fid[f] = format_field(p->src[si].fmt, name, strlen(name));
        if (fid[f] < 0 || fid[f] >= HR_MAX_FIELDS)
          break;
        bits |= (uint64_t)1 << fid[f];
      }
      if (f < nf)
        continue; /* a field it cannot have */
      char fields[HR_GROUP_FIELDS_MAX * 64];
      grpkey_fields(slo->group_by, nf, fields, sizeof fields);
      gbatch_set(details_gbatch(d), j, fid, nf, fields, (uint32_t)slo->max_groups);
      need |= bits;
    }
  pipeline_set_hook(p, details_hook, d, need);
}

enum hr_rc pipeline_new(const struct hr_config *cfg, struct hr_pipeline **out, struct hr_err *err) {
  *out = NULL;
  struct hr_pipeline *p = xcalloc(1, sizeof *p);
  p->cfg = cfg;
  p->nsrc = cfg->nsources;
  p->src = xcalloc(p->nsrc ? p->nsrc : 1, sizeof *p->src);
  p->nslo = cfg->nslos;
  p->slo = xcalloc(p->nslo ? p->nslo : 1, sizeof *p->slo);
  enum hr_rc rc = HR_OK;
  for (size_t i = 0; i < p->nsrc && rc == HR_OK; i++) {
    const struct hr_datasource *ds = &cfg->sources[i];
    p->src[i].ds = ds;
    p->src[i].slos = xcalloc(p->nslo ? p->nslo : 1, sizeof(size_t));
    if (ds->type == NULL || strcmp(ds->type, "headroom.logs") != 0)
      continue;
    struct hr_err e = {0};
    if (format_new(&ds->fmt, &p->src[i].fmt, &e) != HR_OK)
      rc = HR_FAIL(err, HR_ERR_CONFIG, "data source %s: %s", ds->name, e.msg);
  }
  for (size_t j = 0; j < p->nslo && rc == HR_OK; j++) {
    const struct hr_slo *slo = &cfg->slos[j];
    struct hr_slo_rt *rt = &p->slo[j];
    rt->slo = slo;
    rt->guard.field = -1;
    size_t si = p->nsrc;
    for (size_t i = 0; i < p->nsrc; i++)
      if (slo->source == &cfg->sources[i])
        si = i;
    if (si == p->nsrc || p->src[si].fmt == NULL)
      continue; /* not read from logs: shows no data */
    struct hr_format *fmt = p->src[si].fmt;
    rc = compile(fmt, slo, "good", slo->good_filter, &rt->good, err);
    if (rc == HR_OK)
      rc = compile(fmt, slo, "bad", slo->bad_filter, &rt->bad, err);
    if (rc == HR_OK)
      rc = compile(fmt, slo, "total", slo->total_filter, &rt->total, err);
    if (rc == HR_OK)
      rt->ex = excluder_new(slo->excl, slo->nexcl);
    if (rc == HR_OK && rt->good == NULL && rt->bad == NULL)
      rc = HR_FAIL(err, HR_ERR_CONFIG, "SLO %s: neither a good nor a bad filter", slo->name);
    if (rc == HR_OK && rt->total != NULL) /* the good (bad) filter runs where total held */
      (void)expr_assume(rt->good != NULL ? rt->good : rt->bad, rt->total);
    if (rc == HR_OK)
      expr_guard(rt->total, &rt->guard);
    if (rc == HR_OK)
      p->src[si].slos[p->src[si].nslos++] = j;
  }
  /* Each format extracts only what its SLOs' filters read. */
  if (rc == HR_OK)
    set_need(p, 0);
  if (rc != HR_OK) {
    pipeline_free(p);
    return rc;
  }
  *out = p;
  return HR_OK;
}

void pipeline_free(struct hr_pipeline *p) {
  if (p == NULL)
    return;
  for (size_t i = 0; i < p->nsrc; i++) {
    format_free(p->src[i].fmt);
    free(p->src[i].slos);
  }
  for (size_t j = 0; j < p->nslo; j++) {
    expr_free(p->slo[j].good);
    expr_free(p->slo[j].bad);
    expr_free(p->slo[j].total);
    excluder_free(p->slo[j].ex);
  }
  free(p->src);
  free(p->slo);
  free(p);
}

static int glob_matches(const char *pattern, const char *file) {
  if (fnmatch(pattern, file, 0) == 0)
    return 1;
  const char *pb = strrchr(pattern, '/');
  const char *fb = strrchr(file, '/');
  pb = pb ? pb + 1 : pattern;
  fb = fb ? fb + 1 : file;
  return fnmatch(pb, fb, 0) == 0;
}

int pipeline_source_for(const struct hr_pipeline *p, const char *file, const char *source, struct hr_err *err) {
  if (source != NULL) {
    for (size_t i = 0; i < p->nsrc; i++)
      if (strcmp(p->src[i].ds->name, source) == 0) {
        if (p->src[i].fmt == NULL) {
          HR_FAIL(err, HR_ERR_USAGE, "data source %s is not a log source (type %s)", source,
                  p->src[i].ds->type ? p->src[i].ds->type : "?");
          return -1;
        }
        return (int)i;
      }
    HR_FAIL(err, HR_ERR_USAGE, "no data source named %s", source);
    return -1;
  }
  int found = -1, nlog = 0, only = -1;
  for (size_t i = 0; i < p->nsrc; i++) {
    if (p->src[i].fmt == NULL)
      continue;
    nlog++;
    only = (int)i;
    for (size_t k = 0; k < p->src[i].ds->npaths; k++)
      if (glob_matches(p->src[i].ds->paths[k], file)) {
        if (found >= 0 && found != (int)i) {
          HR_FAIL(err, HR_ERR_USAGE, "%s matches the paths of data sources %s and %s; pick one with --source", file,
                  p->src[found].ds->name, p->src[i].ds->name);
          return -1;
        }
        found = (int)i;
      }
  }
  if (found >= 0)
    return found;
  if (nlog == 1)
    return only;
  if (nlog == 0)
    HR_FAIL(err, HR_ERR_USAGE, "the configuration has no log data source (type headroom.logs)");
  else
    HR_FAIL(err, HR_ERR_USAGE, "%s matches no data source's paths and there are %d; name one with --source", file,
            nlog);
  return -1;
}

void scan_stats_init(struct hr_scan_stats *st) {
  memset(st, 0, sizeof *st);
  st->min_ts_us = INT64_MAX;
  st->max_ts_us = INT64_MIN;
  st->last_us = INT64_MIN;
  for (int i = 0; i < HR_MAX_FIELDS; i++)
    st->field_last_us[i] = INT64_MIN;
  st->run_fields = 0;
  st->run_last_us = INT64_MIN;
}

int64_t scan_stats_field_last(const struct hr_scan_stats *st, int id) {
  int64_t t = st->field_last_us[id];
  return st->run_fields >> id & 1 && st->run_last_us > t ? st->run_last_us : t;
}

/* Fold the current run into field_last_us; a new run begins. */
static void settle_run(struct hr_scan_stats *st, uint64_t fields) {
  for (uint64_t m = st->run_fields; m != 0; m &= m - 1) {
    int id = __builtin_ctzll(m);
    if (st->run_last_us > st->field_last_us[id])
      st->field_last_us[id] = st->run_last_us;
  }
  st->run_fields = fields;
  st->run_last_us = INT64_MIN;
}

void pipeline_source_batch(const struct hr_pipeline *p, size_t si, const struct hr_scan_stats *st, const char **names,
                           int64_t *field_last, struct hr_source_batch *b) {
  const struct hr_source_rt *src = &p->src[si];
  memset(b, 0, sizeof *b);
  b->lines = st->lines - st->blank;
  b->malformed = st->malformed;
  b->last_event_us = st->last_us;
  for (uint64_t m = src->fmt != NULL ? src->filter_fields : 0; m != 0; m &= m - 1) {
    int id = __builtin_ctzll(m);
    const char *name = format_field_name(src->fmt, id);
    if (name == NULL)
      continue;
    names[b->nfields] = name;
    field_last[b->nfields++] = scan_stats_field_last(st, id);
  }
  b->fields = names;
  b->field_last_us = field_last;
}

void scan_stats_merge(struct hr_scan_stats *a, const struct hr_scan_stats *b, int64_t line_shift) {
  a->lines += b->lines;
  a->blank += b->blank;
  a->malformed += b->malformed;
  for (int i = 0; i < HR_BAD__COUNT; i++)
    a->by_reason[i] += b->by_reason[i];
  a->after_at += b->after_at;
  a->events += b->events;
  a->undecided += b->undecided;
  a->bytes += b->bytes;
  if (b->min_ts_us < a->min_ts_us)
    a->min_ts_us = b->min_ts_us;
  if (b->max_ts_us > a->max_ts_us)
    a->max_ts_us = b->max_ts_us;
  if (b->last_us > a->last_us)
    a->last_us = b->last_us;
  settle_run(a, 0);
  for (int i = 0; i < HR_MAX_FIELDS; i++) {
    int64_t t = scan_stats_field_last(b, i);
    if (t > a->field_last_us[i])
      a->field_last_us[i] = t;
  }
  for (size_t i = 0; i < b->nsamples && a->nsamples < HR_SAMPLES; i++) {
    a->samples[a->nsamples] = b->samples[i];
    a->samples[a->nsamples++].line += line_shift;
  }
}

static int is_blank(const char *line, size_t len) {
  for (size_t i = 0; i < len; i++)
    if (line[i] != ' ' && line[i] != '\t')
      return 0;
  return 1;
}

void pipeline_event(struct hr_pipeline *p, size_t si, const struct hr_event *ev, const char *line, size_t len,
                    int64_t at_us, hr_sink_fn sink, void *ctx, struct hr_scan_stats *st) {
  const struct hr_source_rt *src = &p->src[si];
  st->events++;
  int64_t ts = ev->ts_us;
  if (ts < st->min_ts_us)
    st->min_ts_us = ts;
  if (ts > st->max_ts_us)
    st->max_ts_us = ts;
  if (ts >= at_us) {
    st->after_at++;
    return;
  }
  if (ts > st->last_us)
    st->last_us = ts;
  uint64_t have = src->filter_fields & ev->set;
  for (uint64_t m = have & ev->nulls; m != 0; m &= m - 1) /* set null at some point: null now? */
    if (ev->f[__builtin_ctzll(m)].type == HR_V_NULL)
      have &= ~(m & -m);
  if (have != st->run_fields)
    settle_run(st, have);
  if (ts > st->run_last_us)
    st->run_last_us = ts;
  for (size_t i = 0; i < src->nslos; i++) {
    size_t j = src->slos[i];
    struct hr_slo_rt *rt = &p->slo[j];
    if (rt->guard.field >= 0 && expr_guard_fails(&rt->guard, ev))
      continue; /* total is false: one inline test instead of its program */
    enum hr_truth valid = rt->total != NULL ? expr_decide(rt->total, ev) : HR_TRUE;
    if (valid == HR_FALSE)
      continue;
    if (rt->ex != NULL && excluder_test(rt->ex, ts))
      continue;
    /* An event a regex could not decide is neither good nor bad: counting
     * it either way would make up a figure (docs/filters.md). */
    struct hr_expr *gb = rt->good != NULL ? rt->good : rt->bad;
    enum hr_truth t = valid == HR_TRUE ? expr_decide_given(gb, ev) : expr_decide(gb, ev);
    if (valid == HR_UNDECIDED || t == HR_UNDECIDED) {
      st->undecided++;
      continue;
    }
    int good = rt->good != NULL ? t == HR_TRUE : t == HR_FALSE;
    sink(ctx, j, ts, good);
    if (p->on_event != NULL)
      p->on_event(p->on_event_ctx, j, ev, line, len, good);
  }
}

void pipeline_bad_line(struct hr_scan_stats *st, int reason) {
  st->malformed++;
  st->by_reason[reason > 0 && reason < HR_BAD__COUNT ? reason : HR_BAD_SHAPE]++;
  if (st->nsamples < HR_SAMPLES) {
    st->samples[st->nsamples].line = (int64_t)st->lines;
    st->samples[st->nsamples++].reason = reason;
  }
}

enum hr_rc scan_reader(struct hr_pipeline *p, size_t si, struct hr_reader *r, int64_t at_us, hr_sink_fn sink, void *ctx,
                       uint64_t max_lines, int *more, struct hr_scan_stats *st, struct hr_err *err) {
  struct hr_source_rt *src = &p->src[si];
  struct hr_event *ev = xmalloc(sizeof *ev);
  enum hr_rc rc = HR_OK;
  uint64_t n = 0;
  int64_t off0 = reader_offset(r);
  if (more != NULL)
    *more = 0;
  for (;;) {
    if (max_lines > 0 && n >= max_lines) {
      if (more != NULL)
        *more = 1;
      break;
    }
    const char *line;
    size_t len;
    int k = reader_next(r, &line, &len, err);
    if (k == HR_READ_EOF)
      break;
    if (k == HR_READ_ERROR) {
      rc = err != NULL ? err->rc : HR_ERR_IO;
      break;
    }
    n++;
    st->lines++;
    if (k == HR_READ_TOOLONG) {
      pipeline_bad_line(st, HR_BAD_TOOLONG);
      continue;
    }
    if (is_blank(line, len)) {
      st->blank++;
      continue;
    }
    int bad = format_parse(src->fmt, line, len, ev);
    if (bad == HR_PARSE_DIRECTIVE) {
      st->blank++; /* a W3C directive: read, counted with the blank lines */
      continue;
    }
    if (bad != 0) {
      pipeline_bad_line(st, bad);
      continue;
    }
    pipeline_event(p, si, ev, line, len, at_us, sink, ctx, st);
  }
  st->bytes += (uint64_t)(reader_offset(r) - off0);
  free(ev);
  return rc;
}

enum hr_rc pipeline_prime(struct hr_pipeline *p, size_t si, const char *path, int64_t offset, struct hr_err *err) {
  struct hr_format *f = p->src[si].fmt;
  if (f == NULL || !format_stateful(f))
    return HR_OK;
  format_reset(f);
  if (offset <= 0)
    return HR_OK;
  struct hr_reader *r = NULL;
  enum hr_rc rc = reader_open(path, &r, err);
  if (rc != HR_OK)
    return rc;
  struct hr_event *ev = xmalloc(sizeof *ev);
  while (reader_offset(r) < offset) {
    const char *line;
    size_t len;
    int k = reader_next(r, &line, &len, err);
    if (k == HR_READ_EOF)
      break;
    if (k == HR_READ_ERROR) {
      rc = err != NULL ? err->rc : HR_ERR_IO;
      break;
    }
    if (k == HR_READ_LINE && len > 0 && line[0] == '#')
      (void)format_parse(f, line, len, ev);
  }
  free(ev);
  reader_close(r);
  return rc;
}
