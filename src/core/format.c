/* format.c -- dispatch over the input formats (goaccess's LOGTYPE table,
 * without re-reading the format string per line). */
#include "core/format_impl.h"

#include <stdlib.h>
#include <string.h>

#include "util/xmalloc.h"

static const struct {
  const char *name;
  enum hr_fmt_kind kind;
} kinds[] = {{"alb", HR_FMT_ALB},     {"nginx", HR_FMT_NGINX},     {"apache", HR_FMT_APACHE},
             {"jsonl", HR_FMT_JSONL}, {"haproxy", HR_FMT_HAPROXY}, {"w3c", HR_FMT_W3C}};

const char *format_kind_names(void) {
  return "alb, nginx, apache, jsonl, haproxy or w3c";
}

/* The keys of two proxies' documented JSON access logs: Caddy 2's
 * http.log.access logger (caddyserver.com/docs/caddyfile/directives/log) and
 * Traefik's accessLog with format json (doc.traefik.io, "Access Logs"). */
static const struct hr_jsonl_preset presets[] = {
    {"caddy",
     {{"time", "ts"},
      {"path", "request.uri"},
      {"method", "request.method"},
      {"host", "request.host"},
      {"client", "request.remote_ip"},
      {"protocol", "request.proto"},
      {"user_agent", "request.headers.User-Agent.0"},
      {"bytes_sent", "size"},
      {"bytes_received", "bytes_read"},
      {"status", "status"},
      {"duration", "duration"}},
     11,
     1},
    {"traefik",
     {{"status", "DownstreamStatus"},
      {"upstream_status", "OriginStatus"},
      {"path", "RequestPath"},
      {"method", "RequestMethod"},
      {"host", "RequestHost"},
      {"client", "ClientHost"},
      {"protocol", "RequestProtocol"},
      {"user_agent", "request_User-Agent"},
      {"bytes_sent", "DownstreamContentSize"},
      {"bytes_received", "RequestContentSize"},
      {"duration", "Duration"}},
     11,
     1e-9},
};

const struct hr_jsonl_preset *format_preset(const char *name) {
  for (size_t i = 0; i < sizeof presets / sizeof presets[0]; i++)
    if (strcmp(name, presets[i].name) == 0)
      return &presets[i];
  return NULL;
}

const char *format_preset_names(void) {
  return "caddy or traefik";
}

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
  /* nginx, apache and a HAProxy log-format: each variable adds what it
   * fills (fmt_logfmt.c) */
  f->logfmt = o->kind == HR_FMT_NGINX || o->kind == HR_FMT_APACHE || (o->kind == HR_FMT_HAPROXY && o->log_format);
  f->fills = f->logfmt ? 0 : ~(uint64_t)0;
  enum hr_rc rc;
  switch (f->logfmt ? HR_FMT_NGINX : o->kind) {
  case HR_FMT_ALB: rc = fmt_alb_new(o, f, err); break;
  case HR_FMT_NGINX:
  case HR_FMT_APACHE: rc = fmt_logfmt_new(o, f, err); break;
  case HR_FMT_JSONL: rc = fmt_jsonl_new(o, f, err); break;
  case HR_FMT_HAPROXY: rc = fmt_haproxy_new(o, f, err); break;
  case HR_FMT_W3C: rc = fmt_w3c_new(o, f, err); break;
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
    switch (f->logfmt ? HR_FMT_NGINX : f->kind) {
    case HR_FMT_ALB: fmt_alb_free(f); break;
    case HR_FMT_NGINX:
    case HR_FMT_APACHE: fmt_logfmt_free(f); break;
    case HR_FMT_JSONL: fmt_jsonl_free(f); break;
    case HR_FMT_HAPROXY: fmt_haproxy_free(f); break;
    case HR_FMT_W3C: fmt_w3c_free(f); break;
    }
  }
  for (int i = 0; i < f->nfields; i++)
    free(f->names[i]);
  free(f);
}

int format_field(struct hr_format *f, const char *name, size_t n) {
  if (f->kind == HR_FMT_JSONL)
    return fmt_jsonl_field(f, name, n);
  if (f->kind == HR_FMT_W3C)
    return fmt_w3c_field(f, name, n);
  for (int i = 0; i < f->nfields; i++)
    if (strlen(f->names[i]) == n && memcmp(f->names[i], name, n) == 0)
      return i;
  if (f->kind == HR_FMT_HAPROXY && !f->logfmt)
    return fmt_haproxy_field(f, name, n);
  return -1;
}

int format_stateful(const struct hr_format *f) {
  return f->kind == HR_FMT_W3C;
}

void format_reset(struct hr_format *f) {
  if (f->kind == HR_FMT_W3C)
    fmt_w3c_reset(f);
}

char *format_state_save(const struct hr_format *f) {
  return f->kind == HR_FMT_W3C ? fmt_w3c_state(f) : NULL;
}

void format_state_load(struct hr_format *f, const char *s) {
  format_reset(f);
  if (s == NULL || f->kind != HR_FMT_W3C)
    return;
  struct hr_event *ev = xmalloc(sizeof *ev);
  while (*s) {
    const char *nl = strchr(s, '\n');
    size_t n = nl ? (size_t)(nl - s) : strlen(s);
    (void)format_parse(f, s, n, ev);
    s += n + (nl != NULL);
  }
  free(ev);
}

void format_need(struct hr_format *f, uint64_t mask) {
  f->need = mask | ((uint64_t)1 << HR_F_TIME);
}

const char *format_field_name(const struct hr_format *f, int id) {
  return id >= 0 && id < f->nfields ? f->names[id] : NULL;
}

uint64_t format_fills(const struct hr_format *f) {
  return f->fills;
}

int format_nfields(const struct hr_format *f) {
  return f->nfields;
}

enum hr_fmt_kind format_kind(const struct hr_format *f) {
  return f->kind;
}

int format_parse(struct hr_format *f, const char *line, size_t len, struct hr_event *ev) {
  event_reset(ev);
  if (len > HR_MAX_LINE)
    return HR_BAD_TOOLONG;
  switch (f->logfmt ? HR_FMT_NGINX : f->kind) {
  case HR_FMT_ALB: return fmt_alb_parse(f, line, len, ev);
  case HR_FMT_NGINX:
  case HR_FMT_APACHE: return fmt_logfmt_parse(f, line, len, ev);
  case HR_FMT_JSONL: return fmt_jsonl_parse(f, line, len, ev);
  case HR_FMT_HAPROXY: return fmt_haproxy_parse(f, line, len, ev);
  case HR_FMT_W3C: return fmt_w3c_parse(f, line, len, ev);
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
