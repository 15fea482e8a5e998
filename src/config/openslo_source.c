/* openslo_source.c -- DataSource documents for the OpenSLO loader (see
 * openslo_impl.h): headroom.logs sources (format, logFormat, paths, the JSON
 * lines field mapping) and Prometheus sources (url, a bearer token or basic
 * auth, timeout). */
#include <string.h>
#include <strings.h>

#include "config/openslo_impl.h"
#include "util/xmalloc.h"

int openslo_source_is_logs(const char *t) {
  return strcasecmp(t, "headroom.logs") == 0;
}

struct hr_datasource *openslo_source_new(struct hr_config *c) {
  c->sources = xrealloc(c->sources, (c->nsources + 1) * sizeof *c->sources);
  struct hr_datasource *s = &c->sources[c->nsources++];
  memset(s, 0, sizeof *s);
  s->fmt.duration_scale = 1;
  s->stale_after_us = 3600000000LL;
  s->max_malformed = 0.5;
  return s;
}

/* connectionDetails of a prometheus DataSource past its url: bearerToken /
 * bearerTokenFile, basicAuth {username, password | passwordFile}, timeout. */
static void prom_connection(struct ld *L, struct doc *d, yaml_node_t *cd, struct hr_datasource *s) {
  static const char *const bakeys[] = {"username", "password", "passwordFile", NULL};
  const char *where = "DataSource.spec.connectionDetails";
  yaml_node_t *tokn, *tfn;
  const char *tok = ydoc_want_str(L, d, cd, "bearerToken", 0, where, &tokn);
  const char *tf = ydoc_want_str(L, d, cd, "bearerTokenFile", 0, where, &tfn);
  if (tok != NULL && tf != NULL)
    ydoc_err_at(L, d, tfn, "name either bearerToken or bearerTokenFile, not both");
  else if (tok != NULL)
    s->bearer_token = xstrdup(tok);
  else if (tf != NULL)
    s->bearer_token_file = ydoc_path_join(L->dirs[d->fi], tf);
  yaml_node_t *ba = ydoc_want_map(L, d, cd, "basicAuth", 0, where);
  if (ba != NULL) {
    const char *bw = "connectionDetails.basicAuth";
    ydoc_check_keys(L, d, ba, bakeys, bw);
    if (tok != NULL || tf != NULL)
      ydoc_err_at(L, d, ba, "a Prometheus DataSource uses a bearer token or basicAuth, not both");
    const char *u = ydoc_want_str(L, d, ba, "username", 1, bw, NULL);
    yaml_node_t *pfn;
    const char *pw = ydoc_want_str(L, d, ba, "password", 0, bw, NULL);
    const char *pf = ydoc_want_str(L, d, ba, "passwordFile", 0, bw, &pfn);
    if (pw != NULL && pf != NULL)
      ydoc_err_at(L, d, pfn, "name either password or passwordFile, not both");
    if (u != NULL)
      s->basic_user = xstrdup(u);
    if (pw != NULL)
      s->basic_password = xstrdup(pw);
    else if (pf != NULL)
      s->basic_password_file = ydoc_path_join(L->dirs[d->fi], pf);
  }
  int64_t t;
  if (ydoc_want_dur(L, d, cd, "timeout", 0, where, 1, &t) == 1 &&
      ydoc_dur_in(L, d, ydoc_mget(d, cd, "timeout"), "timeout", t, 1, (int64_t)3600 * 1000000, NULL, 0) == 0)
    s->timeout_us = t;
}

/* staleAfter (1s to 400d) and maxMalformedRatio (0 to 1). */
static void data_health(struct ld *L, struct doc *d, yaml_node_t *cd, struct hr_datasource *s) {
  const char *where = "DataSource.spec.connectionDetails";
  int64_t t;
  yaml_node_t *n;
  if (ydoc_want_dur(L, d, cd, "staleAfter", 0, where, 1, &t) == 1) {
    if (ydoc_dur_in(L, d, ydoc_mget(d, cd, "staleAfter"), "staleAfter", t, 1000000, YDOC_MAX_US, NULL, 0) == 0)
      s->stale_after_us = t;
  }
  double x;
  if (ydoc_want_num(L, d, cd, "maxMalformedRatio", 0, where, &x, &n) == 1) {
    if (!(x >= 0 && x <= 1))
      ydoc_err_at(L, d, n, "maxMalformedRatio must be a fraction from 0 to 1, got %s", ydoc_sval(n));
    else
      s->max_malformed = x;
  }
}

/* durationUnit: s, ms, us or ns (Traefik's Duration) into s->fmt.duration_scale. */
static void duration_unit(struct ld *L, struct doc *d, yaml_node_t *unit, struct hr_datasource *s) {
  static const struct {
    const char *name;
    double scale;
  } units[] = {{"s", 1}, {"ms", 1e-3}, {"us", 1e-6}, {"ns", 1e-9}};
  const char *u = unit->type == YAML_SCALAR_NODE ? ydoc_sval(unit) : "";
  for (size_t i = 0; i < sizeof units / sizeof units[0]; i++)
    if (strcmp(u, units[i].name) == 0) {
      s->fmt.duration_scale = units[i].scale;
      return;
    }
  ydoc_err_at(L, d, unit, "durationUnit must be s, ms, us or ns");
}

/* captures: the names of HAProxy's captured request headers, in the order
 * of its `capture request header` lines; kept '|'-joined in fmt.captures. */
static void haproxy_captures(struct ld *L, struct doc *d, yaml_node_t *cd, int fk, struct hr_datasource *s) {
  yaml_node_t *n = ydoc_mget(d, cd, "captures");
  if (n == NULL)
    return;
  if (fk >= 0 && fk != HR_FMT_HAPROXY) {
    ydoc_warn_at(L, d, n, "captures is used by the haproxy format only (ignored)");
    return;
  }
  if (ydoc_mget(d, cd, "logFormat") != NULL) {
    ydoc_warn_at(L, d, n,
                 "captures names the {...} headers of HAProxy's httplog; with a logFormat it is ignored: log a "
                 "header with %%[capture.req.hdr(N)] and filter on its own name (capture_req_hdr_N)");
    return;
  }
  if (n->type != YAML_SEQUENCE_NODE) {
    ydoc_err_at(L, d, n, "captures is a list of header names, e.g. [Host, User-Agent]");
    return;
  }
  char *all = xstrdup("");
  for (size_t i = 0; i < ydoc_seq_len(n); i++) {
    yaml_node_t *e = ydoc_seq_at(d, n, i);
    const char *v = e != NULL && e->type == YAML_SCALAR_NODE && !ydoc_is_null(e) ? ydoc_sval(e) : NULL;
    if (v == NULL || *v == 0 || strchr(v, '|') != NULL || strlen(v) > 48) {
      ydoc_err_at(L, d, e ? e : n, "captures entries are header names (at most 48 characters, no '|')");
      continue;
    }
    char *next = xasprintf("%s%s%s", all, *all ? "|" : "", v);
    free(all);
    all = next;
  }
  free((char *)s->fmt.captures);
  s->fmt.captures = *all ? all : NULL;
  if (s->fmt.captures == NULL)
    free(all);
}

/* format: caddy / traefik: the preset's mapping for every field that
 * `fields` (and `duration`, user_duration) do not map themselves. */
static void apply_preset(struct hr_datasource *s, const struct hr_jsonl_preset *p, int user_duration) {
  for (size_t i = 0; i < p->nmap; i++) {
    int is_dur = strcmp(p->map[i].dest, "duration") == 0, mapped = is_dur && user_duration;
    for (size_t j = 0; j < s->fmt.nmap && !mapped; j++)
      mapped = strcmp(s->map[j].dest, p->map[i].dest) == 0;
    if (mapped)
      continue;
    s->map = xrealloc(s->map, (s->fmt.nmap + 1) * sizeof *s->map);
    s->map[s->fmt.nmap].dest = xstrdup(p->map[i].dest);
    s->map[s->fmt.nmap].key = xstrdup(p->map[i].key);
    s->fmt.nmap++;
    if (is_dur)
      s->fmt.duration_scale = p->duration_scale;
  }
}

/* One entry of paths (scalar n), resolved against the file's directory. */
static void add_path(struct ld *L, struct doc *d, struct hr_datasource *s, yaml_node_t *n) {
  s->path_locs = xrealloc(s->path_locs, (s->npaths + 1) * sizeof *s->path_locs);
  s->path_locs[s->npaths] = ydoc_text_loc(L, d, n);
  ydoc_push_str(&s->paths, &s->npaths, ydoc_path_join(L->dirs[d->fi], ydoc_sval(n)));
}

void openslo_source_build(struct ld *L, struct doc *d) {
  static const char *const keys[] = {"type", "connectionDetails", "description", NULL};
  static const char *const logkeys[] = {"format",     "logFormat",         "paths",    "fields",
                                        "duration",   "durationUnit",      "timeZone", "captures",
                                        "staleAfter", "maxMalformedRatio", NULL};
  static const char *const promkeys[] = {"url",     "bearerToken", "bearerTokenFile",   "basicAuth",
                                         "timeout", "staleAfter",  "maxMalformedRatio", NULL};
  ydoc_check_keys(L, d, d->spec, keys, "DataSource.spec");
  yaml_node_t *tn;
  const char *type = ydoc_want_str(L, d, d->spec, "type", 1, "DataSource.spec", &tn);
  struct hr_datasource *s = openslo_source_new(L->c);
  L->nsrc_declared++;
  s->name = xstrdup(d->name);
  s->loc = ydoc_loc_of(L, d, d->name_node);
  s->fmt_loc = s->loc;
  if (type == NULL) {
    s->type = xstrdup("");
    return;
  }
  int prom = strcasecmp(type, "prometheus") == 0;
  s->type = xstrdup(openslo_source_is_logs(type) ? "headroom.logs" : prom ? "prometheus" : type);
  yaml_node_t *cd = ydoc_want_map(L, d, d->spec, "connectionDetails", openslo_source_is_logs(type), "DataSource.spec");
  if (cd != NULL)
    data_health(L, d, cd, s);
  if (prom) {
    if (cd != NULL)
      ydoc_check_keys(L, d, cd, promkeys, "DataSource.spec.connectionDetails");
    const char *url = ydoc_want_str(L, d, cd, "url", 0, "connectionDetails", NULL);
    if (url != NULL)
      s->url = xstrdup(url);
    else if (L->strict)
      ydoc_warn_at(L, d, cd ? cd : tn, "Prometheus DataSource '%s' has no connectionDetails.url", d->name);
    if (cd != NULL)
      prom_connection(L, d, cd, s);
    return;
  }
  s->fmt_bad = openslo_source_is_logs(type); /* until a known format is read */
  if (!openslo_source_is_logs(type)) {
    if (L->strict)
      ydoc_warn_at(L, d, tn, "headroom cannot read from DataSource type '%s' (it reads headroom.logs and prometheus)",
                   type);
    return;
  }
  if (cd == NULL)
    return;
  const char *where = "DataSource.spec.connectionDetails";
  ydoc_check_keys(L, d, cd, logkeys, where);
  yaml_node_t *fn;
  const char *fmt = ydoc_want_str(L, d, cd, "format", 1, where, &fn);
  int fk = -1;
  const struct hr_jsonl_preset *preset = fmt != NULL ? format_preset(fmt) : NULL;
  if (fmt != NULL) {
    fk = preset != NULL ? HR_FMT_JSONL : format_kind_from_name(fmt);
    if (fk < 0) {
      /* the names people try for the W3C logs of a server that writes them */
      int w3c =
          strcasecmp(fmt, "iis") == 0 || strcasecmp(fmt, "cloudfront") == 0 || strcasecmp(fmt, "w3c-extended") == 0;
      ydoc_err_at(L, d, fn, "unknown format '%s' (expected %s; or %s, JSON lines with their keys)%s", fmt,
                  format_kind_names(), format_preset_names(),
                  w3c ? ": IIS and CloudFront write W3C extended logs, format: w3c" : "");
    } else {
      s->fmt.kind = (enum hr_fmt_kind)fk;
      s->fmt_bad = 0;
    }
    s->fmt_loc = ydoc_text_loc(L, d, fn);
  }
  /* HAProxy's accept dates carry no zone: local time in timeZone (UTC). */
  yaml_node_t *zn;
  const char *zone = ydoc_want_str(L, d, cd, "timeZone", 0, where, &zn);
  if (zone != NULL && fk >= 0 && fk != HR_FMT_HAPROXY) {
    ydoc_warn_at(L, d, zn, "timeZone is used by the haproxy format only (ignored for %s: its times carry their zone)",
                 fmt);
  } else if (zone != NULL) {
    struct hr_err e = {0};
    s->fmt.tz = config_zone(L->c, zone, &e);
    if (s->fmt.tz == NULL)
      ydoc_err_at(L, d, zn, "timeZone: %s (an IANA name such as Europe/Berlin)", e.msg);
  }
  haproxy_captures(L, d, cd, fk, s);
  yaml_node_t *lfn;
  const char *lf = ydoc_want_str(L, d, cd, "logFormat", 0, where, &lfn);
  if (lf != NULL) {
    if (fk == HR_FMT_NGINX || fk == HR_FMT_APACHE || fk == HR_FMT_HAPROXY) {
      s->fmt.log_format = xstrdup(lf);
      s->fmt_loc = ydoc_text_loc(L, d, lfn);
    } else if (fk >= 0)
      ydoc_warn_at(L, d, lfn, "logFormat is used by the nginx, apache and haproxy formats only (ignored for %s)", fmt);
  }
  yaml_node_t *pn = ydoc_mget(d, cd, "paths");
  if (pn != NULL) {
    if (pn->type == YAML_SCALAR_NODE) {
      add_path(L, d, s, pn);
    } else if (pn->type == YAML_SEQUENCE_NODE) {
      for (size_t i = 0; i < ydoc_seq_len(pn); i++) {
        yaml_node_t *e = ydoc_seq_at(d, pn, i);
        if (e == NULL || e->type != YAML_SCALAR_NODE || ydoc_is_null(e))
          ydoc_err_at(L, d, e ? e : pn, "paths entries must be file names or globs");
        else
          add_path(L, d, s, e);
      }
    } else
      ydoc_err_at(L, d, pn, "%s.paths must be a list of file names or globs, found %s", where, ydoc_type_word(pn));
  }
  /* JSON lines: the field mapping */
  int jsonl = fk == HR_FMT_JSONL;
  yaml_node_t *fields = ydoc_want_map(L, d, cd, "fields", 0, where);
  yaml_node_t *dur = ydoc_mget(d, cd, "duration");
  yaml_node_t *unit = ydoc_mget(d, cd, "durationUnit");
  if (fk == HR_FMT_W3C) {
    s->fmt.duration_scale = 0; /* time-taken: ms in IIS's files, s in others */
    if (unit != NULL)
      duration_unit(L, d, unit, s);
    unit = NULL;
  }
  if (!jsonl) {
    yaml_node_t *extra = fields ? fields : dur ? dur : unit;
    if (extra != NULL && fk >= 0)
      ydoc_warn_at(L, d, extra, "%s apply to the jsonl format only (ignored for %s)",
                   fk == HR_FMT_W3C ? "fields and duration" : "fields, duration and durationUnit", fmt);
    return;
  }
  size_t nmap = fields ? (size_t)(fields->data.mapping.pairs.top - fields->data.mapping.pairs.start) : 0;
  s->map = xcalloc(nmap + 1, sizeof *s->map);
  if (fields != NULL) {
    for (yaml_node_pair_t *p = fields->data.mapping.pairs.start; p < fields->data.mapping.pairs.top; p++) {
      yaml_node_t *k = ydoc_nd(d, p->key), *v = ydoc_nd(d, p->value);
      if (k == NULL || v == NULL || k->type != YAML_SCALAR_NODE || v->type != YAML_SCALAR_NODE || ydoc_is_null(v)) {
        ydoc_err_at(L, d, v ? v : fields,
                    "fields maps a field name to a JSON key, e.g. {time: completed_at, status: code}");
        continue;
      }
      s->map[s->fmt.nmap].dest = xstrdup(ydoc_sval(k));
      s->map[s->fmt.nmap].key = xstrdup(ydoc_sval(v));
      s->fmt.nmap++;
    }
  }
  if (dur != NULL) {
    if (dur->type == YAML_SCALAR_NODE) {
      s->map = xrealloc(s->map, (s->fmt.nmap + 1) * sizeof *s->map);
      s->map[s->fmt.nmap].dest = xstrdup("duration");
      s->map[s->fmt.nmap].key = xstrdup(ydoc_sval(dur));
      s->fmt.nmap++;
    } else if (dur->type == YAML_MAPPING_NODE) {
      static const char *const se[] = {"start", "end", NULL};
      ydoc_check_keys(L, d, dur, se, "connectionDetails.duration");
      const char *a = ydoc_want_str(L, d, dur, "start", 1, "connectionDetails.duration", NULL);
      const char *b = ydoc_want_str(L, d, dur, "end", 1, "connectionDetails.duration", NULL);
      if (a != NULL && b != NULL) {
        s->fmt.duration_start = xstrdup(a);
        s->fmt.duration_end = xstrdup(b);
      }
    } else
      ydoc_err_at(L, d, dur, "duration must be a JSON key or {start: key, end: key}");
  }
  if (preset != NULL)
    apply_preset(s, preset, dur != NULL);
  if (unit != NULL)
    duration_unit(L, d, unit, s);
  s->fmt.map = s->fmt.nmap ? s->map : NULL;
}
