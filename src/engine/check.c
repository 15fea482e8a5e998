/* check.c -- see check.h. The static checks (formats, filters, the fields
 * a format fills, paths) and the sample of a real file. */
#include "engine/check.h"

#include <glob.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "core/alert.h"
#include "core/expr.h"
#include "ingest/pipeline.h"
#include "ingest/reader.h"
#include "util/xmalloc.h"

#define BIT(id) ((uint64_t)1 << (id))

static const char *kind_name(enum hr_fmt_kind k) {
  switch (k) {
  case HR_FMT_ALB: return "alb";
  case HR_FMT_NGINX: return "nginx";
  case HR_FMT_APACHE: return "apache";
  case HR_FMT_JSONL: return "jsonl";
  case HR_FMT_HAPROXY: return "haproxy";
  case HR_FMT_W3C: return "w3c";
  }
  return "?";
}

/* What to add to a log_format for each standard field it lacks. */
static const char *const nginx_adds[HR_F_NSTD] = {
    [HR_F_TIME] = "$time_local",
    [HR_F_STATUS] = "$status",
    [HR_F_UPSTREAM_STATUS] = "$upstream_status",
    [HR_F_DURATION] = "$request_time",
    [HR_F_METHOD] = "\"$request\" (or $request_method)",
    [HR_F_PATH] = "\"$request\" (or $request_uri, or $uri)",
    [HR_F_QUERY] = "\"$request\" (or $args)",
    [HR_F_PROTOCOL] = "\"$request\" (or $server_protocol)",
    [HR_F_HOST] = "$host",
    [HR_F_CLIENT] = "$remote_addr",
    [HR_F_BYTES_SENT] = "$body_bytes_sent",
    [HR_F_BYTES_RECEIVED] = "$request_length",
    [HR_F_USER_AGENT] = "\"$http_user_agent\"",
};
static const char *const apache_adds[HR_F_NSTD] = {
    [HR_F_TIME] = "%t",
    [HR_F_STATUS] = "%>s",
    [HR_F_UPSTREAM_STATUS] = NULL, /* Apache logs no upstream status */
    [HR_F_DURATION] = "%D (or %T, %{ms}T)",
    [HR_F_METHOD] = "\"%r\" (or %m)",
    [HR_F_PATH] = "\"%r\" (or %U)",
    [HR_F_QUERY] = "\"%r\" (or %q)",
    [HR_F_PROTOCOL] = "\"%r\" (or %H)",
    [HR_F_HOST] = "%v (or %{Host}i)",
    [HR_F_CLIENT] = "%h (or %a)",
    [HR_F_BYTES_SENT] = "%b (or %O)",
    [HR_F_BYTES_RECEIVED] = "%I",
    [HR_F_USER_AGENT] = "\"%{User-Agent}i\"",
};
static const char *const haproxy_adds[HR_F_NSTD] = {
    [HR_F_TIME] = "%t (or %tr, %Ts)",
    [HR_F_STATUS] = "%ST",
    [HR_F_DURATION] = "%Ta",
    [HR_F_METHOD] = "%{+Q}r (or %HM)",
    [HR_F_PATH] = "%{+Q}r (or %HP)",
    [HR_F_QUERY] = "%{+Q}r (or %HQ)",
    [HR_F_PROTOCOL] = "%{+Q}r (or %HV)",
    [HR_F_HOST] = "%[capture.req.hdr(N)] of a Host capture, or %{+Q}r with absolute URLs",
    [HR_F_CLIENT] = "%ci",
    [HR_F_BYTES_SENT] = "%B",
    [HR_F_BYTES_RECEIVED] = "%U",
    [HR_F_USER_AGENT] = NULL, /* under its fetch's own name: %[capture.req.hdr(N)] */
};
/* Where Traefik's JSON access log keeps the standard fields: the example a
 * jsonl warning gives. */
static const char *const traefik_keys[HR_F_NSTD] = {
    [HR_F_STATUS] = "DownstreamStatus", [HR_F_UPSTREAM_STATUS] = "OriginStatus",     [HR_F_METHOD] = "RequestMethod",
    [HR_F_PATH] = "RequestPath",        [HR_F_PROTOCOL] = "RequestProtocol",         [HR_F_HOST] = "RequestHost",
    [HR_F_CLIENT] = "ClientHost",       [HR_F_BYTES_SENT] = "DownstreamContentSize",
};

/* ------------------------------------------------------------ fields */

/* Levenshtein distance of a[0..n) and b, capped at 3. */
static int distance(const char *a, size_t n, const char *b) {
  size_t m = strlen(b);
  if (n > 64 || m > 64)
    return 3;
  int row[65];
  for (size_t j = 0; j <= m; j++)
    row[j] = (int)j;
  for (size_t i = 1; i <= n; i++) {
    int diag = row[0];
    row[0] = (int)i;
    for (size_t j = 1; j <= m; j++) {
      int up = row[j], best = diag + (a[i - 1] != b[j - 1]);
      if (up + 1 < best)
        best = up + 1;
      if (row[j - 1] + 1 < best)
        best = row[j - 1] + 1;
      diag = up;
      row[j] = best;
    }
  }
  return row[m] < 3 ? row[m] : 3;
}

/* Append s to buf (size cap, used *k), with ", " between entries; "..."
 * once full. */
static void add_name(char *buf, size_t cap, size_t *k, const char *s, int *first) {
  if (*k + strlen(s) + 8 >= cap) {
    if (*k + 5 < cap && (*k < 3 || strcmp(buf + *k - 3, "...") != 0))
      *k += (size_t)snprintf(buf + *k, cap - *k, ", ...");
    return;
  }
  *k += (size_t)snprintf(buf + *k, cap - *k, "%s%s", *first ? "" : ", ", s);
  *first = 0;
}

/* The fields a filter on ds (compiled as f) can read, for a message. */
static void offered(const struct hr_datasource *ds, const struct hr_format *f, char *buf, size_t cap) {
  size_t k = 0;
  int first = 1;
  buf[0] = 0;
  enum hr_fmt_kind kind = format_kind(f);
  uint64_t fills = format_fills(f);
  if (kind == HR_FMT_JSONL) {
    k += (size_t)snprintf(buf, cap, "jsonl reads any top-level key by its name; DataSource '%s' maps: ", ds->name);
    add_name(buf, cap, &k, "time", &first);
    for (size_t i = 0; i < ds->fmt.nmap; i++)
      if (strcmp(ds->map[i].dest, "time") != 0)
        add_name(buf, cap, &k, ds->map[i].dest, &first);
    if (ds->fmt.duration_start != NULL)
      add_name(buf, cap, &k, "duration", &first);
    return;
  }
  if (kind == HR_FMT_W3C) {
    snprintf(buf, cap,
             "w3c reads the columns its file's #Fields: line names: the standard fields by their W3C names "
             "(sc-status, time-taken, cs-uri-stem...), every column by its own name, lower case, '_' for other "
             "characters (cs(User-Agent) is cs_user_agent, x-edge-result-type x_edge_result_type)");
    return;
  }
  if (kind == HR_FMT_ALB || (kind == HR_FMT_HAPROXY && ds->fmt.log_format == NULL))
    k += (size_t)snprintf(buf, cap, "%s gives: ", kind_name(kind));
  else if (ds->fmt.log_format == NULL)
    k += (size_t)snprintf(buf, cap, "the default %s format (combined) gives: ", kind_name(kind));
  else
    k += (size_t)snprintf(buf, cap, "this %s logFormat gives: ", kind_name(kind));
  for (int id = 0; id < HR_F_NSTD; id++)
    if (fills & BIT(id))
      add_name(buf, cap, &k, format_field_name(f, id), &first);
  int own = 0;
  for (int id = HR_F_NSTD; id < format_nfields(f); id++)
    if (fills & BIT(id)) {
      if (!own && k + 20 < cap) {
        k += (size_t)snprintf(buf + k, cap - k, "; and by %s: ",
                              kind == HR_FMT_ALB       ? "their ALB names"
                              : kind == HR_FMT_HAPROXY ? "their HAProxy names"
                                                       : "variable");
        first = own = 1;
      }
      add_name(buf, cap, &k, format_field_name(f, id), &first);
    }
}

/* The name f offers nearest to name, or NULL: within two edits (one for
 * short names), else the shortest that holds it (tenant: http_x_tenant). */
static const char *nearest(const struct hr_format *f, const char *name) {
  const char *best = NULL, *holds = NULL;
  size_t n = strlen(name);
  int bd = 3;
  for (int id = 0; id < format_nfields(f); id++) {
    const char *c = format_field_name(f, id);
    int dd = distance(name, n, c);
    if (dd < bd && dd <= (n > 4 ? 2 : 1)) {
      bd = dd;
      best = c;
    }
    if (n >= 4 && strlen(c) > n && strstr(c, name) != NULL && (holds == NULL || strlen(c) < strlen(holds)))
      holds = c;
  }
  return best != NULL ? best : holds;
}

/* ------------------------------------------------------------ filters */

/* The resolver check compiles with: the source's format, or (fmt NULL:
 * the format is unknown) every name, standard names at their ids so that
 * the compiler's own checks still apply. Records the last unknown name. */
struct resolver {
  struct hr_format *fmt;
  char unknown[65];
  size_t nunknown;
};

static int resolve(void *ctx, const char *name, size_t n) {
  struct resolver *r = ctx;
  if (r->fmt == NULL) {
    for (int i = 0; i < HR_F_NSTD; i++)
      if (strlen(hr_std_field_names[i]) == n && memcmp(hr_std_field_names[i], name, n) == 0)
        return i;
    return HR_F_NSTD;
  }
  int id = format_field(r->fmt, name, n);
  if (id < 0) {
    r->nunknown = n < sizeof r->unknown ? n : sizeof r->unknown - 1;
    memcpy(r->unknown, name, r->nunknown);
    r->unknown[r->nunknown] = 0;
  }
  return id;
}

/* The location of byte pos of the filter text written at loc: the column
 * moves only while the filter is one line (a block scalar's lines are not
 * mapped back). */
static struct hr_loc at_col(const struct hr_loc *loc, const char *src, long pos) {
  struct hr_loc at = *loc;
  size_t len = strlen(src);
  while (len > 0 && src[len - 1] == '\n')
    len--;
  if (pos > 0 && pos < 100000 && memchr(src, '\n', len) == NULL)
    at.col += (int)pos;
  return at;
}

struct filter_ctx {
  const struct hr_config *cfg;
  const struct hr_slo *slo;
  const struct hr_datasource *ds;
  struct hr_format *fmt; /* NULL: syntax only */
  struct hr_diag *diag;
  uint64_t *warned;  /* per source: jsonl fields already warned about */
  uint64_t reported; /* this SLO: fields already reported as never filled */
};

/* A field f's format never fills, read by a filter of the SLO. */
static void never_filled(struct filter_ctx *x, const char *what, int id, const struct hr_loc *at) {
  const struct hr_datasource *ds = x->ds;
  enum hr_fmt_kind kind = ds->fmt.kind;
  const char *name = hr_std_field_names[id];
  if (kind == HR_FMT_HAPROXY && ds->fmt.log_format == NULL) {
    diag_add(x->diag, at, "the %s filter reads '%s', which HAProxy's httplog of DataSource '%s' never fills%s", what,
             name, ds->name,
             id == HR_F_USER_AGENT ? ": capture the header (capture request header User-Agent len 128) and name it "
                                     "in captures: [..., User-Agent]"
                                   : "");
    return;
  }
  const char *add = kind == HR_FMT_NGINX ? nginx_adds[id] : kind == HR_FMT_HAPROXY ? haproxy_adds[id] : apache_adds[id];
  char fmt[48];
  if (ds->fmt.log_format == NULL)
    snprintf(fmt, sizeof fmt, "the default %s format (combined)", kind_name(kind));
  else
    snprintf(fmt, sizeof fmt, "the %s logFormat", kind_name(kind));
  /* nginx's $upstream_response_time is the upstreams' share only: it
   * keeps its own name and is not the request's duration */
  const char *note =
      kind == HR_FMT_NGINX && id == HR_F_DURATION && format_field(x->fmt, "upstream_response_time", 22) >= 0
          ? " ($upstream_response_time, the upstreams' share, is the field upstream_response_time)"
          : "";
  if (add != NULL)
    diag_add(x->diag, at,
             "the %s filter reads '%s', which %s of DataSource '%s' never fills: add %s to the logFormat%s", what, name,
             fmt, ds->name, add, note);
  else
    diag_add(x->diag, at, "the %s filter reads '%s', which %s of DataSource '%s' never fills: %s", what, name, fmt,
             ds->name,
             id == HR_F_USER_AGENT   ? "log the header with %[capture.req.hdr(N)] and filter on its own name"
             : kind == HR_FMT_APACHE ? "Apache has no upstream status to log (filter on status)"
                                     : "HAProxy logs no upstream status (filter on status)");
}

/* jsonl: 1 when the mapping names a source for standard field id. */
static int jsonl_maps(const struct hr_datasource *ds, int id) {
  if (id == HR_F_TIME || (id == HR_F_DURATION && ds->fmt.duration_start != NULL))
    return 1;
  for (size_t i = 0; i < ds->fmt.nmap; i++)
    if (strcmp(ds->map[i].dest, hr_std_field_names[id]) == 0)
      return 1;
  return 0;
}

static void unmapped(struct filter_ctx *x, const char *what, int id, const struct hr_loc *at) {
  const char *name = hr_std_field_names[id];
  char eg[120];
  if (traefik_keys[id] != NULL)
    snprintf(eg, sizeof eg, "Traefik's is fields: {%s: %s}", name, traefik_keys[id]);
  else if (id == HR_F_DURATION)
    snprintf(eg, sizeof eg, "Traefik's is duration: Duration with durationUnit: ns");
  else
    snprintf(eg, sizeof eg, "fields: {%s: KEY}", name);
  diag_add(x->diag, at,
           "warning: the %s filter reads '%s', which DataSource '%s' (jsonl) does not map, so it is read from a "
           "top-level key \"%s\": map the key that holds it (%s), or write fields: {%s: %s} if that is the key",
           what, name, x->ds->name, name, eg, name, name);
}

/* Compile one filter of x->slo; report what is wrong at the column. */
static void check_filter(struct filter_ctx *x, const char *what, const char *src, const struct hr_loc *loc) {
  if (src == NULL)
    return;
  struct resolver r = {.fmt = x->fmt};
  struct hr_expr *e = NULL;
  struct hr_err err = {0};
  if (expr_compile(src, strlen(src), resolve, &r, &e, &err) != HR_OK) {
    const char *msg = err.msg;
    long col = 0;
    if (strncmp(msg, "col ", 4) == 0) {
      char *end;
      col = strtol(msg + 4, &end, 10);
      if (end != msg + 4 && end[0] == ':') {
        msg = end + 1;
        while (*msg == ' ')
          msg++;
      } else
        col = 0;
    }
    struct hr_loc at = at_col(loc, src, col - 1);
    if (r.nunknown > 0 && x->fmt != NULL) {
      char list[700];
      const char *near = nearest(x->fmt, r.unknown);
      offered(x->ds, x->fmt, list, sizeof list);
      diag_add(x->diag, &at, "invalid %s filter: %s%s%s%s; %s", what, msg, near ? " (did you mean '" : "",
               near ? near : "", near ? "'?)" : "", list);
    } else
      diag_add(x->diag, &at, "invalid %s filter: %s", what, msg);
    return;
  }
  const char *w = expr_warning(e);
  if (w != NULL && strncmp(w, "col ", 4) == 0) {
    char *end;
    long col = strtol(w + 4, &end, 10);
    struct hr_loc at = at_col(loc, src, col - 1);
    diag_add(x->diag, &at, "warning: %s filter: %s", what, end[0] == ':' ? end + 2 : w);
  }
  if (x->fmt != NULL) {
    uint64_t fills = format_fills(x->fmt);
    for (uint64_t m = expr_fields(e) & ~BIT(HR_F_TIME); m != 0; m &= m - 1) {
      int id = __builtin_ctzll(m);
      struct hr_loc at = at_col(loc, src, expr_field_pos(e, id));
      if (id < HR_F_NSTD && !(fills & BIT(id)) && !(x->reported & BIT(id))) {
        never_filled(x, what, id, &at);
        x->reported |= BIT(id);
      }
      if (x->ds->fmt.kind == HR_FMT_JSONL && id < HR_F_NSTD && !jsonl_maps(x->ds, id) && !(*x->warned & BIT(id))) {
        unmapped(x, what, id, &at);
        *x->warned |= BIT(id);
      }
    }
  }
  expr_free(e);
}

/* ------------------------------------------------------------ paths */

/* How many regular files glob pattern matches now. */
static size_t glob_files(const char *pattern) {
  glob_t g;
  size_t n = 0;
  if (glob(pattern, 0, NULL, &g) == 0) {
    for (size_t i = 0; i < g.gl_pathc; i++) {
      struct stat st;
      if (stat(g.gl_pathv[i], &st) == 0 && S_ISREG(st.st_mode))
        n++;
    }
  }
  globfree(&g);
  return n;
}

static void check_paths(const struct hr_datasource *ds, struct hr_diag *diag) {
  for (size_t k = 0; k < ds->npaths; k++)
    if (glob_files(ds->paths[k]) == 0)
      diag_add(diag, ds->path_locs != NULL ? &ds->path_locs[k] : &ds->loc,
               "warning: DataSource '%s': paths entry '%s' matches no file now (serve and ingest would read nothing "
               "from it)",
               ds->name, ds->paths[k]);
}

size_t engine_check(const struct hr_config *c, struct hr_diag *diag) {
  size_t before = diag->n - diag->nwarn;
  struct hr_format **fmts = xcalloc(c->nsources + 1, sizeof *fmts);
  uint64_t *warned = xcalloc(c->nsources + 1, sizeof *warned);
  for (size_t i = 0; i < c->nsources; i++) {
    const struct hr_datasource *ds = &c->sources[i];
    if (strcmp(ds->type, "headroom.logs") != 0 || ds->fmt_bad)
      continue;
    check_paths(ds, diag);
    struct hr_err err = {0};
    if (format_new(&ds->fmt, &fmts[i], &err) != HR_OK)
      diag_add(diag, &ds->fmt_loc, "DataSource '%s': %s", ds->name, err.msg);
  }
  for (size_t i = 0; i < c->nslos; i++) {
    const struct hr_slo *s = &c->slos[i];
    if (s->source != NULL && strcmp(s->source->type, "headroom.logs") != 0 &&
        strcmp(s->source->type, "prometheus") != 0) {
      /* an OpenSLO file may name other tools' sources; an SLO on one has no
       * data here, which must not pass for a quiet service */
      const char *t = s->source->type;
      char low[64];
      size_t k = 0;
      for (; t[k] != 0 && k + 1 < sizeof low; k++)
        low[k] = (char)(t[k] >= 'A' && t[k] <= 'Z' ? t[k] - 'A' + 'a' : t[k]);
      low[k] = 0;
      int near = strstr(low, "log") != NULL || strstr(low, "headroom") != NULL;
      diag_add(diag, &s->source->loc,
               "warning: SLO '%s' reads DataSource '%s' of type '%s', which headroom cannot read (it reads "
               "headroom.logs and prometheus): the SLO will have no data%s",
               s->name, s->source->name, t, near ? "; did you mean type: headroom.logs?" : "");
    }
    if (s->source == NULL || strcmp(s->source->type, "headroom.logs") != 0)
      continue;
    size_t si = (size_t)(s->source - c->sources);
    /* a format that did not compile was reported: its filters' syntax is still checked */
    struct filter_ctx x = {.cfg = c, .slo = s, .ds = s->source, .fmt = fmts[si], .diag = diag, .warned = &warned[si]};
    check_filter(&x, s->good_filter != NULL ? "good" : "bad", s->good_filter != NULL ? s->good_filter : s->bad_filter,
                 s->good_filter != NULL ? &s->good_loc : &s->bad_loc);
    check_filter(&x, "total", s->total_filter, &s->total_loc);
    for (size_t k = 0; fmts[si] != NULL && k < s->ngroup_by; k++)
      if (format_field(fmts[si], s->group_by[k], strlen(s->group_by[k])) < 0)
        diag_add(diag, &s->group_loc, "groupBy: '%s' is not a field of DataSource '%s' (its format cannot have it)",
                 s->group_by[k], s->source->name);
  }
  for (size_t i = 0; i < c->nsources; i++)
    format_free(fmts[i]);
  free(fmts);
  free(warned);
  return diag->n - diag->nwarn - before;
}

/* ------------------------------------------------------------ sample */

struct counts {
  struct hr_check_sample *s;
  const size_t *idx; /* SLO index in cfg -> index in s->slo, or SIZE_MAX */
};

static void sink(void *ctx, size_t j, int64_t ts, int good) {
  (void)ts;
  struct counts *c = ctx;
  size_t k = c->idx[j];
  if (k == SIZE_MAX)
    return;
  c->s->slo[k].valid++;
  c->s->slo[k].good += good != 0;
}

static void keep_bad(struct hr_check_sample *s, uint64_t lineno, int reason, const char *line, size_t len) {
  if (s->nbad == HR_SAMPLE_BAD)
    return;
  struct hr_check_bad *b = &s->bad[s->nbad++];
  b->line = lineno;
  b->reason = reason;
  size_t n = len < sizeof b->text - 1 ? len : sizeof b->text - 1;
  for (size_t i = 0; i < n; i++) {
    unsigned char ch = (unsigned char)line[i];
    b->text[i] = ch >= 0x20 && ch < 0x7f ? (char)ch : '?';
  }
  b->text[n] = 0;
  b->cut = len > n;
}

/* jsonl: the top-level keys of line[0..len) into s->key (no decoding:
 * a key with escapes is kept as written). */
static void keep_keys(struct hr_check_sample *s, const char *line, size_t len) {
  int depth = 0;
  for (size_t i = 0; i < len && s->nkeys < sizeof s->key / sizeof s->key[0]; i++) {
    char ch = line[i];
    if (ch == '{' || ch == '[')
      depth++;
    else if (ch == '}' || ch == ']')
      depth--;
    else if (ch == '"') {
      size_t start = ++i;
      while (i < len && line[i] != '"')
        i += line[i] == '\\' ? 2 : 1;
      size_t end = i < len ? i : len, j = end + 1;
      while (j < len && (line[j] == ' ' || line[j] == '\t'))
        j++;
      if (depth == 1 && j < len && line[j] == ':') {
        size_t n = end - start < sizeof s->key[0] - 1 ? end - start : sizeof s->key[0] - 1;
        memcpy(s->key[s->nkeys], line + start, n);
        s->key[s->nkeys++][n] = 0;
      }
    }
  }
}

/* The keys of s that may hold field name (their name holds it, any case),
 * as "A, B" into buf; "" when none. */
static void keys_like(const struct hr_check_sample *s, const char *name, char *buf, size_t cap) {
  size_t k = 0, n = strlen(name);
  int first = 1;
  buf[0] = 0;
  for (size_t i = 0; i < s->nkeys; i++) {
    const char *key = s->key[i];
    for (size_t a = 0; key[a] != 0 && strlen(key + a) >= n; a++)
      if (strncasecmp(key + a, name, n) == 0 && strcmp(key, name) != 0) {
        add_name(buf, cap, &k, key, &first);
        break;
      }
  }
}

static int blank(const char *p, size_t n) {
  for (size_t i = 0; i < n; i++)
    if (p[i] != ' ' && p[i] != '\t' && p[i] != '\r')
      return 0;
  return 1;
}

/* Read up to max lines of r as source si into s. */
static enum hr_rc scan(struct hr_pipeline *p, size_t si, struct hr_reader *r, uint64_t max, struct counts *cc,
                       struct hr_err *err) {
  struct hr_check_sample *s = cc->s;
  struct hr_source_rt *src = &p->src[si];
  struct hr_event *ev = xmalloc(sizeof *ev);
  struct hr_scan_stats st;
  scan_stats_init(&st);
  uint64_t present[HR_MAX_FIELDS] = {0};
  enum hr_rc rc = HR_OK;
  for (;;) {
    const char *line;
    size_t len;
    int k = reader_next(r, &line, &len, err);
    if (k == HR_READ_EOF)
      break;
    if (k == HR_READ_ERROR) {
      rc = err != NULL && err->rc != HR_OK ? err->rc : HR_ERR_IO;
      break;
    }
    if (s->lines == max) {
      s->more = 1;
      break;
    }
    s->lines++;
    if (k == HR_READ_TOOLONG) {
      s->malformed++;
      s->by_reason[HR_BAD_TOOLONG]++;
      keep_bad(s, s->lines, HR_BAD_TOOLONG, line, 0);
      continue;
    }
    if (blank(line, len)) {
      s->blank++;
      continue;
    }
    int bad = format_parse(src->fmt, line, len, ev);
    if (bad == HR_PARSE_DIRECTIVE) {
      s->blank++; /* a W3C directive, counted as the reports count it */
      continue;
    }
    if (bad != 0) {
      s->malformed++;
      s->by_reason[bad > 0 && bad < HR_BAD__COUNT ? bad : HR_BAD_SHAPE]++;
      keep_bad(s, s->lines, bad, line, len);
      continue;
    }
    if (s->events++ == 0 && s->kind == HR_FMT_JSONL)
      keep_keys(s, line, len);
    for (uint64_t m = src->filter_fields & ev->set; m != 0; m &= m - 1) {
      int id = __builtin_ctzll(m);
      present[id] += ev->f[id].type != HR_V_NULL;
    }
    pipeline_event(p, si, ev, line, len, INT64_MAX, sink, cc, &st);
  }
  free(ev);
  for (size_t k = 0; k < s->nslo; k++) {
    struct hr_check_slo *o = &s->slo[k];
    for (size_t f = 0; f < o->nfields; f++) {
      int id = format_field(src->fmt, o->field[f], strlen(o->field[f]));
      o->present[f] = id >= 0 ? present[id] : 0;
    }
  }
  return rc;
}

/* The judgement: what would make the SLOs' figures wrong. */
static void judge(const struct hr_config *cfg, const struct hr_check_sample *s, struct hr_diag *diag) {
  const struct hr_datasource *ds = config_source(cfg, s->source);
  double max_bad = ds != NULL ? ds->max_malformed : 0.5;
  uint64_t nonblank = s->lines - s->blank;
  struct hr_loc at = {s->file, 0, 0};
  if (nonblank == 0) {
    diag_add(diag, &at, "nothing to sample: %s", s->lines ? "every line read is blank" : "the file is empty");
    return;
  }
  if ((double)s->malformed > max_bad * (double)nonblank)
    diag_add(diag, &at,
             "%.0f%% of the lines read are malformed as DataSource '%s' (%s), more than its maxMalformedRatio %g: "
             "its SLOs' data would be unreadable (is this the right format or logFormat?)",
             100.0 * (double)s->malformed / (double)nonblank, s->source, kind_name(s->kind), max_bad);
  for (size_t k = 0; k < s->nslo; k++) {
    const struct hr_check_slo *o = &s->slo[k];
    for (size_t f = 0; f < o->nfields && s->events > 0; f++) {
      if (o->present[f] != 0)
        continue;
      char like[300], hint[400];
      keys_like(s, o->field[f], like, sizeof like);
      if (s->kind != HR_FMT_JSONL)
        snprintf(hint, sizeof hint, "does the log format write it?");
      else if (like[0] != 0)
        snprintf(hint, sizeof hint, "the first line has %s: map the one that holds it, e.g. fields: {%s: %.*s}", like,
                 o->field[f], (int)strcspn(like, ","), like);
      else
        snprintf(hint, sizeof hint, "map the key that holds it under fields");
      diag_add(diag, &at,
               "SLO '%s' reads '%s', which none of the %llu events read has: its data would be unreadable (%s)",
               o->name, o->field[f], (unsigned long long)s->events, hint);
    }
    if (o->undecided > 0)
      diag_add(diag, &at,
               "warning: SLO '%s': a regex of its filters gave up on %llu events (PCRE2's match limit): they are "
               "undecided, neither good nor bad",
               o->name, (unsigned long long)o->undecided);
  }
}

enum hr_rc engine_sample(const struct hr_config *cfg, const char *file, const char *source, uint64_t max_lines,
                         struct hr_check_sample *out, struct hr_diag *diag, struct hr_err *err) {
  memset(out, 0, sizeof *out);
  out->file = file;
  struct hr_pipeline *p = NULL;
  enum hr_rc rc = pipeline_new(cfg, &p, err);
  if (rc != HR_OK)
    return rc;
  int si = pipeline_source_for(p, file, source, err);
  if (si < 0) {
    pipeline_free(p);
    return HR_ERR_USAGE;
  }
  struct hr_source_rt *src = &p->src[si];
  out->source = src->ds->name;
  out->kind = src->ds->fmt.kind;
  out->slo = xcalloc(src->nslos + 1, sizeof *out->slo);
  size_t *idx = xmalloc((p->nslo + 1) * sizeof *idx);
  for (size_t j = 0; j < p->nslo; j++)
    idx[j] = SIZE_MAX;
  for (size_t k = 0; k < src->nslos; k++) {
    size_t j = src->slos[k];
    struct hr_check_slo *o = &out->slo[out->nslo];
    idx[j] = out->nslo++;
    o->name = cfg->slos[j].name;
    const struct hr_slo_rt *rt = &p->slo[j];
    uint64_t m = (rt->good ? expr_fields(rt->good) : 0) | (rt->bad ? expr_fields(rt->bad) : 0) |
                 (rt->total ? expr_fields(rt->total) : 0);
    for (m &= ~BIT(HR_F_TIME); m != 0; m &= m - 1) {
      const char *name = format_field_name(src->fmt, __builtin_ctzll(m));
      if (name != NULL)
        o->field[o->nfields++] = xstrdup(name);
    }
  }
  struct hr_reader *r = NULL;
  rc = reader_open(file, &r, err);
  if (rc == HR_OK) {
    struct counts cc = {out, idx};
    rc = scan(p, (size_t)si, r, max_lines > 0 ? max_lines : HR_SAMPLE_LINES, &cc, err);
    reader_close(r);
    for (size_t k = 0; k < src->nslos; k++) {
      const struct hr_slo_rt *rt = &p->slo[src->slos[k]];
      out->slo[k].undecided = (rt->good ? expr_undecided(rt->good) : 0) + (rt->bad ? expr_undecided(rt->bad) : 0) +
                              (rt->total ? expr_undecided(rt->total) : 0);
    }
  }
  if (rc == HR_OK)
    judge(cfg, out, diag);
  free(idx);
  pipeline_free(p);
  if (rc != HR_OK)
    engine_sample_free(out);
  return rc;
}

void engine_sample_free(struct hr_check_sample *s) {
  for (size_t k = 0; k < s->nslo; k++)
    for (size_t f = 0; f < s->slo[k].nfields; f++)
      free(s->slo[k].field[f]);
  free(s->slo);
  s->slo = NULL;
  s->nslo = 0;
}

struct hr_group_span engine_group_span(const struct hr_config *cfg) {
  struct hr_group_span g = {0};
  for (size_t j = 0; j < cfg->nslos; j++) {
    const struct hr_slo *slo = &cfg->slos[j];
    if (slo->ngroup_by == 0)
      continue;
    const struct hr_condition *conds[256];
    size_t nc = alert_conditions(slo, conds, 256), na = 0;
    for (size_t i = 0; i < nc && i < 256; i++)
      na += conds[i]->kind != HR_COND_NODATA;
    g.slos++;
    g.budgets += (size_t)slo->max_groups + 1;
    g.alerts += ((size_t)slo->max_groups + 1) * na;
  }
  return g;
}
