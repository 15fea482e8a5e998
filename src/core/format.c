/* format.c -- dispatch over the input formats (goaccess's LOGTYPE table,
 * without re-reading the format string per line). */
#include "core/format_impl.h"

#include <stdlib.h>
#include <string.h>

#include "util/xmalloc.h"

static const struct {
  const char *name;
  enum hr_fmt_kind kind;
} kinds[] = {{"alb", HR_FMT_ALB}, {"nginx", HR_FMT_NGINX}, {"apache", HR_FMT_APACHE}, {"jsonl", HR_FMT_JSONL}};

int format_kind_from_name(const char *name) {
  for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; i++)
    if (strcmp(name, kinds[i].name) == 0)
      return (int)kinds[i].kind;
  return -1;
}

int format_add_field(struct hr_format *f, const char *name, size_t n) {
  for (int i = 0; i < f->nfields; i++)
    if (strlen(f->names[i]) == n && memcmp(f->names[i], name, n) == 0)
      return i;
  if (f->nfields >= HR_MAX_FIELDS)
    return -1;
  f->names[f->nfields] = xstrndup(name, n);
  return f->nfields++;
}

enum hr_rc format_new(const struct hr_format_opts *o, struct hr_format **out, struct hr_err *err) {
  *out = NULL;
  struct hr_format *f = xcalloc(1, sizeof *f);
  f->kind = o->kind;
  for (int i = 0; i < HR_F_NSTD; i++)
    f->names[i] = xstrdup(hr_std_field_names[i]);
  f->nfields = HR_F_NSTD;
  f->need = ~(uint64_t)0;
  /* nginx and apache: each variable adds what it fills (fmt_logfmt.c) */
  f->fills = o->kind == HR_FMT_NGINX || o->kind == HR_FMT_APACHE ? 0 : ~(uint64_t)0;
  enum hr_rc rc;
  switch (o->kind) {
  case HR_FMT_ALB: rc = fmt_alb_new(o, f, err); break;
  case HR_FMT_NGINX:
  case HR_FMT_APACHE: rc = fmt_logfmt_new(o, f, err); break;
  case HR_FMT_JSONL: rc = fmt_jsonl_new(o, f, err); break;
  default: rc = HR_FAIL(err, HR_ERR_CONFIG, "unknown format kind %d", (int)o->kind);
  }
  if (rc != HR_OK) {
    f->impl = NULL; /* the kind's _new frees its own state on failure */
    format_free(f);
    return rc;
  }
  *out = f;
  return HR_OK;
}

void format_free(struct hr_format *f) {
  if (f == NULL)
    return;
  if (f->impl != NULL) {
    switch (f->kind) {
    case HR_FMT_ALB: fmt_alb_free(f); break;
    case HR_FMT_NGINX:
    case HR_FMT_APACHE: fmt_logfmt_free(f); break;
    case HR_FMT_JSONL: fmt_jsonl_free(f); break;
    }
  }
  for (int i = 0; i < f->nfields; i++)
    free(f->names[i]);
  free(f);
}

int format_field(struct hr_format *f, const char *name, size_t n) {
  if (f->kind == HR_FMT_JSONL)
    return fmt_jsonl_field(f, name, n);
  for (int i = 0; i < f->nfields; i++)
    if (strlen(f->names[i]) == n && memcmp(f->names[i], name, n) == 0)
      return i;
  return -1;
}

void format_need(struct hr_format *f, uint64_t mask) { f->need = mask | ((uint64_t)1 << HR_F_TIME); }

const char *format_field_name(const struct hr_format *f, int id) {
  return id >= 0 && id < f->nfields ? f->names[id] : NULL;
}

uint64_t format_fills(const struct hr_format *f) { return f->fills; }

int format_nfields(const struct hr_format *f) { return f->nfields; }

enum hr_fmt_kind format_kind(const struct hr_format *f) { return f->kind; }

int format_parse(struct hr_format *f, const char *line, size_t len, struct hr_event *ev) {
  event_reset(ev);
  if (len > HR_MAX_LINE)
    return HR_BAD_TOOLONG;
  switch (f->kind) {
  case HR_FMT_ALB: return fmt_alb_parse(f, line, len, ev);
  case HR_FMT_NGINX:
  case HR_FMT_APACHE: return fmt_logfmt_parse(f, line, len, ev);
  case HR_FMT_JSONL: return fmt_jsonl_parse(f, line, len, ev);
  }
  return HR_BAD_SHAPE;
}

const char *format_reason(int reason) {
  switch (reason) {
  case HR_BAD_NONE: return "ok";
  case HR_BAD_SHAPE: return "line does not match the format";
  case HR_BAD_TIME: return "bad timestamp";
  case HR_BAD_STATUS: return "bad status code";
  case HR_BAD_NUMBER: return "bad number";
  case HR_BAD_JSON: return "not a JSON object";
  case HR_BAD_TYPE: return "record of another kind";
  case HR_BAD_TOOLONG: return "line too long";
  }
  return "malformed";
}
