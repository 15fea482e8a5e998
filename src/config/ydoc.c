/* ydoc.c -- see ydoc.h. Messages with file:line:col, typed access to the
 * nodes of a libyaml document, annotations and inline objects. */
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config/ydoc.h"
#include "core/timeparse.h"
#include "util/xmalloc.h"

const char *const ydoc_kind_names[K__N] = {
    "Service", "SLI", "SLO", "DataSource", "AlertPolicy", "AlertCondition", "AlertNotificationTarget"};

/* ---------------------------------------------------------------- messages */

struct hr_loc ydoc_loc_of(const struct ld *L, const struct doc *d, const yaml_node_t *n) {
  struct hr_loc l = {L->c->files[d->fi], 0, 0};
  if (n != NULL) {
    l.line = (int)n->start_mark.line + 1;
    l.col = (int)n->start_mark.column + 1;
  }
  return l;
}

__attribute__((format(printf, 4, 0))) static void vreport(struct ld *L, const struct hr_loc *loc, int warn,
                                                          const char *fmt, va_list ap) {
  char buf[900];
  vsnprintf(buf, sizeof buf, fmt, ap);
  diag_add(L->diag, loc, "%s%s", warn ? "warning: " : "", buf);
  if (!warn)
    L->nerr++;
}

void ydoc_err_at(struct ld *L, const struct doc *d, const yaml_node_t *n, const char *fmt, ...) {
  struct hr_loc l = ydoc_loc_of(L, d, n);
  va_list ap;
  va_start(ap, fmt);
  vreport(L, &l, 0, fmt, ap);
  va_end(ap);
}

void ydoc_warn_at(struct ld *L, const struct doc *d, const yaml_node_t *n, const char *fmt, ...) {
  struct hr_loc l = ydoc_loc_of(L, d, n);
  va_list ap;
  va_start(ap, fmt);
  vreport(L, &l, 1, fmt, ap);
  va_end(ap);
}

void ydoc_err_loc(struct ld *L, const struct hr_loc *loc, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  vreport(L, loc, 0, fmt, ap);
  va_end(ap);
}

void ydoc_warn_loc(struct ld *L, const struct hr_loc *loc, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  vreport(L, loc, 1, fmt, ap);
  va_end(ap);
}

/* ------------------------------------------------------------ node access */

int ydoc_is_null(const yaml_node_t *n) {
  if (n == NULL)
    return 1;
  if (n->type != YAML_SCALAR_NODE || n->data.scalar.style != YAML_PLAIN_SCALAR_STYLE)
    return 0;
  const char *s = ydoc_sval(n);
  return s[0] == 0 || strcmp(s, "~") == 0 || strcmp(s, "null") == 0 || strcmp(s, "Null") == 0 || strcmp(s, "NULL") == 0;
}

const char *ydoc_type_word(const yaml_node_t *n) {
  switch (n->type) {
  case YAML_SCALAR_NODE: return "a scalar";
  case YAML_SEQUENCE_NODE: return "a list";
  case YAML_MAPPING_NODE: return "a mapping";
  default: return "nothing";
  }
}

yaml_node_t *ydoc_mget(struct doc *d, const yaml_node_t *m, const char *key) {
  if (m == NULL || m->type != YAML_MAPPING_NODE)
    return NULL;
  for (yaml_node_pair_t *p = m->data.mapping.pairs.start; p < m->data.mapping.pairs.top; p++) {
    yaml_node_t *k = ydoc_nd(d, p->key);
    if (k != NULL && k->type == YAML_SCALAR_NODE && strcmp(ydoc_sval(k), key) == 0) {
      yaml_node_t *v = ydoc_nd(d, p->value);
      return ydoc_is_null(v) ? NULL : v;
    }
  }
  return NULL;
}

yaml_node_t *ydoc_mkey(struct doc *d, const yaml_node_t *m, const char *key) {
  if (m == NULL || m->type != YAML_MAPPING_NODE)
    return NULL;
  for (yaml_node_pair_t *p = m->data.mapping.pairs.start; p < m->data.mapping.pairs.top; p++) {
    yaml_node_t *k = ydoc_nd(d, p->key);
    if (k != NULL && k->type == YAML_SCALAR_NODE && strcmp(ydoc_sval(k), key) == 0)
      return k;
  }
  return NULL;
}

void ydoc_check_keys(struct ld *L, struct doc *d, const yaml_node_t *m, const char *const *known, const char *where) {
  if (m == NULL || m->type != YAML_MAPPING_NODE)
    return;
  for (yaml_node_pair_t *p = m->data.mapping.pairs.start; p < m->data.mapping.pairs.top; p++) {
    yaml_node_t *k = ydoc_nd(d, p->key);
    if (k == NULL || k->type != YAML_SCALAR_NODE) {
      ydoc_err_at(L, d, k, "%s: keys must be strings", where);
      continue;
    }
    int found = 0;
    for (size_t i = 0; known[i] != NULL && !found; i++)
      found = strcmp(known[i], ydoc_sval(k)) == 0;
    if (!found)
      ydoc_warn_at(L, d, k, "unknown key '%s' in %s (ignored)", ydoc_sval(k), where);
  }
}

/* Require a node of the given type at parent.key (or absent when
 * !required). Returns it or NULL. */
static yaml_node_t *want_node(struct ld *L, struct doc *d, const yaml_node_t *parent, const char *key, int required,
                              const char *where, yaml_node_type_t type) {
  yaml_node_t *v = ydoc_mget(d, parent, key);
  if (v == NULL) {
    if (required)
      ydoc_err_at(L, d, parent, "missing required key '%s' in %s", key, where);
    return NULL;
  }
  if (v->type != type) {
    ydoc_err_at(L, d, v, "%s.%s must be a %s, found %s", where, key, type == YAML_MAPPING_NODE ? "mapping" : "list",
                ydoc_type_word(v));
    return NULL;
  }
  return v;
}

yaml_node_t *ydoc_want_map(struct ld *L, struct doc *d, const yaml_node_t *parent, const char *key, int required,
                           const char *where) {
  return want_node(L, d, parent, key, required, where, YAML_MAPPING_NODE);
}

yaml_node_t *ydoc_want_seq(struct ld *L, struct doc *d, const yaml_node_t *parent, const char *key, int required,
                           const char *where) {
  return want_node(L, d, parent, key, required, where, YAML_SEQUENCE_NODE);
}

const char *ydoc_want_str(struct ld *L, struct doc *d, const yaml_node_t *parent, const char *key, int required,
                          const char *where, yaml_node_t **node /* OUT, may be NULL */) {
  yaml_node_t *v = ydoc_mget(d, parent, key);
  if (node != NULL)
    *node = v;
  if (v == NULL) {
    if (required)
      ydoc_err_at(L, d, parent, "missing required key '%s' in %s", key, where);
    return NULL;
  }
  if (v->type != YAML_SCALAR_NODE) {
    ydoc_err_at(L, d, v, "%s.%s must be a string, found %s", where, key, ydoc_type_word(v));
    return NULL;
  }
  return ydoc_sval(v);
}

int ydoc_parse_num(const char *s, double *out) {
  char *end;
  errno = 0;
  double x = strtod(s, &end);
  if (end == s || *end != 0 || errno != 0 || !isfinite(x))
    return -1;
  *out = x;
  return 0;
}

int ydoc_want_num(struct ld *L, struct doc *d, const yaml_node_t *parent, const char *key, int required,
                  const char *where, double *out, yaml_node_t **node) {
  yaml_node_t *v = ydoc_mget(d, parent, key);
  if (node != NULL)
    *node = v;
  if (v == NULL) {
    if (required)
      ydoc_err_at(L, d, parent, "missing required key '%s' in %s", key, where);
    return 0;
  }
  if (v->type != YAML_SCALAR_NODE || ydoc_parse_num(ydoc_sval(v), out) != 0) {
    ydoc_err_at(L, d, v, "%s.%s must be a number, found %s%s%s", where, key,
                v->type == YAML_SCALAR_NODE ? "'" : ydoc_type_word(v), v->type == YAML_SCALAR_NODE ? ydoc_sval(v) : "",
                v->type == YAML_SCALAR_NODE ? "'" : "");
    return -1;
  }
  return 1;
}

int ydoc_want_bool(struct ld *L, struct doc *d, const yaml_node_t *parent, const char *key, const char *where,
                   int *out) {
  yaml_node_t *v = ydoc_mget(d, parent, key);
  if (v == NULL)
    return 0;
  if (v->type == YAML_SCALAR_NODE) {
    const char *s = ydoc_sval(v);
    if (strcmp(s, "true") == 0 || strcmp(s, "True") == 0 || strcmp(s, "TRUE") == 0) {
      *out = 1;
      return 1;
    }
    if (strcmp(s, "false") == 0 || strcmp(s, "False") == 0 || strcmp(s, "FALSE") == 0) {
      *out = 0;
      return 1;
    }
  }
  ydoc_err_at(L, d, v, "%s.%s must be true or false", where, key);
  return -1;
}

int ydoc_want_dur(struct ld *L, struct doc *d, const yaml_node_t *parent, const char *key, int required,
                  const char *where, int allow_num, int64_t *out) {
  yaml_node_t *v = ydoc_mget(d, parent, key);
  if (v == NULL) {
    if (required)
      ydoc_err_at(L, d, parent, "missing required key '%s' in %s", key, where);
    return 0;
  }
  if (v->type == YAML_SCALAR_NODE) {
    const char *s = ydoc_sval(v);
    double x;
    if (duration_parse(s, strlen(s), out) == 0 && *out > 0)
      return 1;
    if (allow_num && ydoc_parse_num(s, &x) == 0 && x > 0 && x < 1e12) {
      *out = (int64_t)llround(x * 1e6);
      return 1;
    }
  }
  ydoc_err_at(L, d, v, "%s.%s: invalid duration %s%s%s (expected e.g. 30s, 5m, 1h, 28d)", where, key,
              v->type == YAML_SCALAR_NODE ? "'" : "", v->type == YAML_SCALAR_NODE ? ydoc_sval(v) : ydoc_type_word(v),
              v->type == YAML_SCALAR_NODE ? "'" : "");
  return -1;
}

int ydoc_dur_in(struct ld *L, struct doc *d, const yaml_node_t *n, const char *what, int64_t us, int64_t min_us,
                int64_t max_us, const char *max_what, int minutes) {
  char a[48], b[48];
  duration_format(us, a, sizeof a);
  if (us < min_us) {
    ydoc_err_at(L, d, n, "%s must be at least %s, got %s", what, duration_format(min_us, b, sizeof b), a);
    return -1;
  }
  if (max_us > 0 && us > max_us) {
    ydoc_err_at(L, d, n, "%s must be at most %s%s%s%s, got %s", what, duration_format(max_us, b, sizeof b),
                max_what ? " (" : "", max_what ? max_what : "", max_what ? ")" : "", a);
    return -1;
  }
  if (minutes && us % YDOC_MIN_US != 0) {
    ydoc_err_at(L, d, n, "%s must be a whole number of minutes (headroom counts events per minute), got %s", what, a);
    return -1;
  }
  return 0;
}

struct hr_loc ydoc_text_loc(struct ld *L, struct doc *d, const yaml_node_t *n) {
  struct hr_loc l = ydoc_loc_of(L, d, n);
  if (n->type != YAML_SCALAR_NODE)
    return l;
  switch (n->data.scalar.style) {
  case YAML_SINGLE_QUOTED_SCALAR_STYLE:
  case YAML_DOUBLE_QUOTED_SCALAR_STYLE: l.col++; break;
  case YAML_LITERAL_SCALAR_STYLE:
  case YAML_FOLDED_SCALAR_STYLE: {
    const unsigned char *b = L->bufs[d->fi];
    size_t len = L->buflens[d->fi], i = n->start_mark.index;
    int line = l.line;
    while (i < len && b[i] != '\n') /* the indicator line */
      i++;
    for (;;) {
      if (i >= len)
        return l;
      i++; /* past '\n' */
      line++;
      size_t j = i;
      while (j < len && b[j] == ' ')
        j++;
      if (j < len && b[j] != '\n' && b[j] != '\r') {
        l.line = line;
        l.col = (int)(j - i) + 1;
        return l;
      }
      i = j;
    }
  }
  default: break;
  }
  return l;
}

/* ------------------------------------------------------------- utilities */

char *ydoc_path_join(const char *dir, const char *rel) {
  if (rel[0] == '/' || dir == NULL || strcmp(dir, ".") == 0 || dir[0] == 0)
    return xstrdup(rel);
  size_t n = strlen(dir);
  return xasprintf("%s%s%s", dir, dir[n - 1] == '/' ? "" : "/", rel);
}

void ydoc_push_str(char ***arr, size_t *n, char *s) {
  *arr = xrealloc(*arr, (*n + 1) * sizeof **arr);
  (*arr)[(*n)++] = s;
}

void ydoc_names_of(struct ld *L, int k, char *buf, size_t n) {
  size_t used = 0;
  buf[0] = 0;
  int any = 0;
  for (size_t i = 0; i < L->ndocs && used + 1 < n; i++) {
    if (L->docs[i].kind != k || L->docs[i].name == NULL)
      continue;
    int w = snprintf(buf + used, n - used, "%s%s", any ? ", " : "", L->docs[i].name);
    if (w < 0)
      break;
    used += (size_t)w;
    any = 1;
  }
  if (!any)
    snprintf(buf, n, "none");
  else if (used >= n - 1 && n > 4)
    memcpy(buf + n - 4, "...", 4);
}

struct doc *ydoc_find_doc(struct ld *L, int k, const char *name) {
  for (size_t i = 0; i < L->ndocs; i++)
    if (L->docs[i].kind == k && L->docs[i].name != NULL && strcmp(L->docs[i].name, name) == 0)
      return &L->docs[i];
  return NULL;
}

/* ------------------------------------------------------------- annotations */

const char *ydoc_annotation(struct doc *d, const char *key, yaml_node_t **node) {
  yaml_node_t *ann = ydoc_mget(d, d->meta, "annotations");
  yaml_node_t *v = ydoc_mget(d, ann, key);
  if (node != NULL)
    *node = v;
  if (v == NULL || v->type != YAML_SCALAR_NODE)
    return NULL;
  return ydoc_sval(v);
}

static const char *const known_annotations[] = {"headroom.dev/cost-per-bad-event",
                                                "headroom.dev/cost-per-bad-minute",
                                                "headroom.dev/currency",
                                                "headroom.dev/min-events",
                                                "headroom.dev/exclude",
                                                "headroom.dev/status-thresholds",
                                                "headroom.dev/db",
                                                "headroom.dev/listen",
                                                "headroom.dev/short-window",
                                                "headroom.dev/url",
                                                "headroom.dev/gate-policy",
                                                "headroom.dev/logs-url",
                                                "headroom.dev/system-metrics",
                                                "headroom.dev/value",
                                                "headroom.dev/high-frequency",
                                                "headroom.dev/damping",
                                                NULL};
static const int annotation_kinds[] = {K_SLO,     K_SLO,     K_SLO,     K_SLO,    K_SLO,     K_SLO,
                                       -1,        -1,        K_COND,    K_TARGET, K_SERVICE, K_SERVICE,
                                       K_SERVICE, K_SERVICE, K_SERVICE, K_POLICY};

void ydoc_check_annotations(struct ld *L, struct doc *d, yaml_node_t *meta, int kind) {
  yaml_node_t *ann = ydoc_mget(d, meta, "annotations");
  if (ann == NULL)
    return;
  if (ann->type != YAML_MAPPING_NODE) {
    ydoc_err_at(L, d, ann, "metadata.annotations must be a mapping of strings, found %s", ydoc_type_word(ann));
    return;
  }
  for (yaml_node_pair_t *p = ann->data.mapping.pairs.start; p < ann->data.mapping.pairs.top; p++) {
    yaml_node_t *k = ydoc_nd(d, p->key), *v = ydoc_nd(d, p->value);
    if (k == NULL || k->type != YAML_SCALAR_NODE)
      continue;
    if (v != NULL && v->type != YAML_SCALAR_NODE)
      ydoc_err_at(L, d, v, "annotation '%s' must be a string (OpenSLO annotations are strings), found %s", ydoc_sval(k),
                  ydoc_type_word(v));
    if (strncmp(ydoc_sval(k), "headroom.dev/", 13) != 0)
      continue;
    int i = 0;
    while (known_annotations[i] != NULL && strcmp(known_annotations[i], ydoc_sval(k)) != 0)
      i++;
    if (known_annotations[i] == NULL)
      ydoc_warn_at(L, d, k, "unknown headroom annotation '%s' (ignored)", ydoc_sval(k));
    else if (annotation_kinds[i] >= 0 && annotation_kinds[i] != kind)
      ydoc_warn_at(L, d, k, "annotation '%s' has no effect on a %s (it belongs on a %s)", ydoc_sval(k),
                   kind >= 0 ? ydoc_kind_names[kind] : "document", ydoc_kind_names[annotation_kinds[i]]);
  }
}

int ydoc_sub_yaml(const char *s, yaml_document_t *doc, char *msg, size_t n) {
  yaml_parser_t p;
  if (!yaml_parser_initialize(&p)) {
    snprintf(msg, n, "out of memory");
    return -1;
  }
  yaml_parser_set_input_string(&p, (const unsigned char *)s, strlen(s));
  int ok = yaml_parser_load(&p, doc);
  if (!ok)
    snprintf(msg, n, "not valid YAML: %s (line %d column %d of the value)", p.problem ? p.problem : "syntax error",
             (int)p.problem_mark.line + 1, (int)p.problem_mark.column + 1);
  yaml_parser_delete(&p);
  if (ok && yaml_document_get_root_node(doc) == NULL) {
    yaml_document_delete(doc);
    snprintf(msg, n, "empty value");
    return -1;
  }
  return ok ? 0 : -1;
}

int ydoc_sub_num(struct doc *sd, yaml_node_t *n, double *out) {
  (void)sd;
  return n != NULL && n->type == YAML_SCALAR_NODE && ydoc_parse_num(ydoc_sval(n), out) == 0 ? 0 : -1;
}

/* -------------------------------------------------------- inline objects */

const char *ydoc_inline_head(struct ld *L, struct doc *d, yaml_node_t *m, int want, yaml_node_t **meta,
                             yaml_node_t **spec, const char *fallback) {
  static const char *const keys[] = {"kind", "metadata", "spec", "apiVersion", NULL};
  ydoc_check_keys(L, d, m, keys, ydoc_kind_names[want]);
  yaml_node_t *kn;
  const char *k = ydoc_want_str(L, d, m, "kind", 0, ydoc_kind_names[want], &kn);
  if (k != NULL && strcmp(k, ydoc_kind_names[want]) != 0)
    ydoc_err_at(L, d, kn, "expected an inline %s here, found kind '%s'", ydoc_kind_names[want], k);
  *meta = ydoc_want_map(L, d, m, "metadata", 0, ydoc_kind_names[want]);
  *spec = ydoc_want_map(L, d, m, "spec", 1, ydoc_kind_names[want]);
  const char *name = ydoc_want_str(L, d, *meta, "name", 0, "metadata", NULL);
  if (*meta != NULL)
    ydoc_check_annotations(L, d, *meta, want);
  return name != NULL && name[0] ? name : fallback;
}
