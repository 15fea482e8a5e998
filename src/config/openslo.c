/* openslo.c -- the OpenSLO v1 loader: YAML files (libyaml document API, so
 * every node keeps its line and column) -> struct hr_config.
 *
 * Every document of every file is parsed first; then the kinds are built in
 * dependency order (Service, DataSource, AlertNotificationTarget,
 * AlertCondition, AlertPolicy, SLI, SLO), references are resolved, and every
 * problem is reported through struct hr_diag without stopping at the first.
 * See docs/config.md for every key read here. */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <yaml.h>

#include "config/config.h"
#include "core/gate.h"
#include "core/timeparse.h"
#include "core/tz.h"
#include "util/xmalloc.h"

#define HR_CONFIG_MAX_BYTES ((size_t)4 << 20) /* per file */
#define HR_CONFIG_MAX_FILES 1024

#define US_MIN ((int64_t)60 * 1000000)
#define US_HOUR (60 * US_MIN)
#define US_DAY (24 * US_HOUR)

enum kind { K_SERVICE = 0, K_SLI, K_SLO, K_DS, K_POLICY, K_COND, K_TARGET, K__N };
static const char *const kind_names[K__N] = {"Service",     "SLI",           "SLO",
                                             "DataSource",  "AlertPolicy",   "AlertCondition",
                                             "AlertNotificationTarget"};

struct doc {
  yaml_document_t y;
  size_t fi;          /* index into hr_config.files */
  yaml_node_t *root;  /* a mapping */
  int kind;           /* enum kind, -1 when the header is bad */
  const char *name;   /* metadata.name (borrowed from y) */
  yaml_node_t *name_node, *meta, *spec;
};

struct tmp_cond { /* a top-level AlertCondition, copied into policies that name it */
  struct hr_condition c;
  int ok;
};

struct slo_extra { /* per hr_slo while building */
  size_t src;       /* index into c->sources */
  size_t *pol;      /* indices into c->policies */
  size_t npol;
};

struct ld {
  struct hr_config *c;
  struct hr_diag *diag;
  int strict;
  int nerr;
  struct doc *docs;
  size_t ndocs, capdocs;
  char **dirs; /* per file: its directory */
  unsigned char **bufs;
  size_t *buflens;
  size_t nsrc_declared; /* sources from DataSource documents (the rest are implicit) */
  struct tmp_cond *conds; /* parallel to the AlertCondition docs, by doc index */
  struct slo_extra *ex;
  size_t nex;
  struct hr_loc db_loc, listen_loc;
};

/* ---------------------------------------------------------------- messages */

static struct hr_loc loc_of(const struct ld *L, const struct doc *d, const yaml_node_t *n) {
  struct hr_loc l = {L->c->files[d->fi], 0, 0};
  if (n != NULL) {
    l.line = (int)n->start_mark.line + 1;
    l.col = (int)n->start_mark.column + 1;
  }
  return l;
}

__attribute__((format(printf, 4, 0))) static void vreport(struct ld *L, const struct hr_loc *loc, int warn, const char *fmt, va_list ap) {
  char buf[900];
  vsnprintf(buf, sizeof buf, fmt, ap);
  diag_add(L->diag, loc, "%s%s", warn ? "warning: " : "", buf);
  if (!warn)
    L->nerr++;
}

__attribute__((format(printf, 4, 5))) static void err_at(struct ld *L, const struct doc *d, const yaml_node_t *n,
                                                         const char *fmt, ...) {
  struct hr_loc l = loc_of(L, d, n);
  va_list ap;
  va_start(ap, fmt);
  vreport(L, &l, 0, fmt, ap);
  va_end(ap);
}

__attribute__((format(printf, 4, 5))) static void warn_at(struct ld *L, const struct doc *d, const yaml_node_t *n,
                                                          const char *fmt, ...) {
  struct hr_loc l = loc_of(L, d, n);
  va_list ap;
  va_start(ap, fmt);
  vreport(L, &l, 1, fmt, ap);
  va_end(ap);
}

__attribute__((format(printf, 3, 4))) static void err_loc(struct ld *L, const struct hr_loc *loc, const char *fmt,
                                                          ...) {
  va_list ap;
  va_start(ap, fmt);
  vreport(L, loc, 0, fmt, ap);
  va_end(ap);
}

/* ------------------------------------------------------------ node access */

static yaml_node_t *nd(struct doc *d, int id) { return yaml_document_get_node(&d->y, id); }

static const char *sval(const yaml_node_t *n) { return (const char *)n->data.scalar.value; }

/* A plain empty scalar, "~" or "null": the key is there without a value. */
static int is_null(const yaml_node_t *n) {
  if (n == NULL)
    return 1;
  if (n->type != YAML_SCALAR_NODE || n->data.scalar.style != YAML_PLAIN_SCALAR_STYLE)
    return 0;
  const char *s = sval(n);
  return s[0] == 0 || strcmp(s, "~") == 0 || strcmp(s, "null") == 0 || strcmp(s, "Null") == 0 ||
         strcmp(s, "NULL") == 0;
}

static const char *type_word(const yaml_node_t *n) {
  switch (n->type) {
  case YAML_SCALAR_NODE: return "a scalar";
  case YAML_SEQUENCE_NODE: return "a list";
  case YAML_MAPPING_NODE: return "a mapping";
  default: return "nothing";
  }
}

/* The value of key in mapping m (NULL when absent, null, or m is not a map). */
static yaml_node_t *mget(struct doc *d, const yaml_node_t *m, const char *key) {
  if (m == NULL || m->type != YAML_MAPPING_NODE)
    return NULL;
  for (yaml_node_pair_t *p = m->data.mapping.pairs.start; p < m->data.mapping.pairs.top; p++) {
    yaml_node_t *k = nd(d, p->key);
    if (k != NULL && k->type == YAML_SCALAR_NODE && strcmp(sval(k), key) == 0) {
      yaml_node_t *v = nd(d, p->value);
      return is_null(v) ? NULL : v;
    }
  }
  return NULL;
}

/* The key node of key in mapping m (for messages about the key itself). */
static yaml_node_t *mkey(struct doc *d, const yaml_node_t *m, const char *key) {
  if (m == NULL || m->type != YAML_MAPPING_NODE)
    return NULL;
  for (yaml_node_pair_t *p = m->data.mapping.pairs.start; p < m->data.mapping.pairs.top; p++) {
    yaml_node_t *k = nd(d, p->key);
    if (k != NULL && k->type == YAML_SCALAR_NODE && strcmp(sval(k), key) == 0)
      return k;
  }
  return NULL;
}

static size_t seq_len(const yaml_node_t *s) { return (size_t)(s->data.sequence.items.top - s->data.sequence.items.start); }
static yaml_node_t *seq_at(struct doc *d, const yaml_node_t *s, size_t i) {
  return nd(d, s->data.sequence.items.start[i]);
}

/* Warn about keys of m not in known (NULL-terminated). where names m. */
static void check_keys(struct ld *L, struct doc *d, const yaml_node_t *m, const char *const *known, const char *where) {
  if (m == NULL || m->type != YAML_MAPPING_NODE)
    return;
  for (yaml_node_pair_t *p = m->data.mapping.pairs.start; p < m->data.mapping.pairs.top; p++) {
    yaml_node_t *k = nd(d, p->key);
    if (k == NULL || k->type != YAML_SCALAR_NODE) {
      err_at(L, d, k, "%s: keys must be strings", where);
      continue;
    }
    int found = 0;
    for (size_t i = 0; known[i] != NULL && !found; i++)
      found = strcmp(known[i], sval(k)) == 0;
    if (!found)
      warn_at(L, d, k, "unknown key '%s' in %s (ignored)", sval(k), where);
  }
}

/* Require a node of the given type at parent.key (or absent when
 * !required). Returns it or NULL. */
static yaml_node_t *want_node(struct ld *L, struct doc *d, const yaml_node_t *parent, const char *key, int required,
                              const char *where, yaml_node_type_t type) {
  yaml_node_t *v = mget(d, parent, key);
  if (v == NULL) {
    if (required)
      err_at(L, d, parent, "missing required key '%s' in %s", key, where);
    return NULL;
  }
  if (v->type != type) {
    err_at(L, d, v, "%s.%s must be a %s, found %s", where, key, type == YAML_MAPPING_NODE ? "mapping" : "list",
           type_word(v));
    return NULL;
  }
  return v;
}

static yaml_node_t *want_map(struct ld *L, struct doc *d, const yaml_node_t *parent, const char *key, int required,
                             const char *where) {
  return want_node(L, d, parent, key, required, where, YAML_MAPPING_NODE);
}

static yaml_node_t *want_seq(struct ld *L, struct doc *d, const yaml_node_t *parent, const char *key, int required,
                             const char *where) {
  return want_node(L, d, parent, key, required, where, YAML_SEQUENCE_NODE);
}

/* A string value; NULL when absent (error when required) or of another type. */
static const char *want_str(struct ld *L, struct doc *d, const yaml_node_t *parent, const char *key, int required,
                            const char *where, yaml_node_t **node /* OUT, may be NULL */) {
  yaml_node_t *v = mget(d, parent, key);
  if (node != NULL)
    *node = v;
  if (v == NULL) {
    if (required)
      err_at(L, d, parent, "missing required key '%s' in %s", key, where);
    return NULL;
  }
  if (v->type != YAML_SCALAR_NODE) {
    err_at(L, d, v, "%s.%s must be a string, found %s", where, key, type_word(v));
    return NULL;
  }
  return sval(v);
}

static int parse_num(const char *s, double *out) {
  char *end;
  errno = 0;
  double x = strtod(s, &end);
  if (end == s || *end != 0 || errno != 0 || !isfinite(x))
    return -1;
  *out = x;
  return 0;
}

/* 1: present and a number; 0: absent (error if required); -1: bad. */
static int want_num(struct ld *L, struct doc *d, const yaml_node_t *parent, const char *key, int required,
                    const char *where, double *out, yaml_node_t **node) {
  yaml_node_t *v = mget(d, parent, key);
  if (node != NULL)
    *node = v;
  if (v == NULL) {
    if (required)
      err_at(L, d, parent, "missing required key '%s' in %s", key, where);
    return 0;
  }
  if (v->type != YAML_SCALAR_NODE || parse_num(sval(v), out) != 0) {
    err_at(L, d, v, "%s.%s must be a number, found %s%s%s", where, key,
           v->type == YAML_SCALAR_NODE ? "'" : type_word(v), v->type == YAML_SCALAR_NODE ? sval(v) : "",
           v->type == YAML_SCALAR_NODE ? "'" : "");
    return -1;
  }
  return 1;
}

static int want_bool(struct ld *L, struct doc *d, const yaml_node_t *parent, const char *key, const char *where,
                     int *out) {
  yaml_node_t *v = mget(d, parent, key);
  if (v == NULL)
    return 0;
  if (v->type == YAML_SCALAR_NODE) {
    const char *s = sval(v);
    if (strcmp(s, "true") == 0 || strcmp(s, "True") == 0 || strcmp(s, "TRUE") == 0) {
      *out = 1;
      return 1;
    }
    if (strcmp(s, "false") == 0 || strcmp(s, "False") == 0 || strcmp(s, "FALSE") == 0) {
      *out = 0;
      return 1;
    }
  }
  err_at(L, d, v, "%s.%s must be true or false", where, key);
  return -1;
}

/* A duration ("5m", "28d"); with allow_num, a bare number counts seconds. */
static int want_dur(struct ld *L, struct doc *d, const yaml_node_t *parent, const char *key, int required,
                    const char *where, int allow_num, int64_t *out) {
  yaml_node_t *v = mget(d, parent, key);
  if (v == NULL) {
    if (required)
      err_at(L, d, parent, "missing required key '%s' in %s", key, where);
    return 0;
  }
  if (v->type == YAML_SCALAR_NODE) {
    const char *s = sval(v);
    double x;
    if (duration_parse(s, strlen(s), out) == 0 && *out > 0)
      return 1;
    if (allow_num && parse_num(s, &x) == 0 && x > 0 && x < 1e12) {
      *out = (int64_t)llround(x * 1e6);
      return 1;
    }
  }
  err_at(L, d, v, "%s.%s: invalid duration %s%s%s (expected e.g. 30s, 5m, 1h, 28d)", where, key,
         v->type == YAML_SCALAR_NODE ? "'" : "", v->type == YAML_SCALAR_NODE ? sval(v) : type_word(v),
         v->type == YAML_SCALAR_NODE ? "'" : "");
  return -1;
}

/* Where the text of a scalar starts: past the quote of a quoted scalar, on
 * the first content line of a block scalar. */
static struct hr_loc text_loc(struct ld *L, struct doc *d, const yaml_node_t *n) {
  struct hr_loc l = loc_of(L, d, n);
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

static char *path_join(const char *dir, const char *rel) {
  if (rel[0] == '/' || dir == NULL || strcmp(dir, ".") == 0 || dir[0] == 0)
    return xstrdup(rel);
  size_t n = strlen(dir);
  return xasprintf("%s%s%s", dir, dir[n - 1] == '/' ? "" : "/", rel);
}

static char *dir_of(const char *path) {
  const char *slash = strrchr(path, '/');
  if (slash == NULL)
    return xstrdup(".");
  if (slash == path)
    return xstrdup("/");
  return xstrndup(path, (size_t)(slash - path));
}

static void push_str(char ***arr, size_t *n, char *s) {
  *arr = xrealloc(*arr, (*n + 1) * sizeof **arr);
  (*arr)[(*n)++] = s;
}

static int kind_of(const char *s) {
  for (int k = 0; k < K__N; k++)
    if (strcmp(kind_names[k], s) == 0)
      return k;
  return -1;
}

/* Names of every document of kind k, "a, b, c" (or "none"), for messages. */
static void names_of(struct ld *L, int k, char *buf, size_t n) {
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

static struct doc *find_doc(struct ld *L, int k, const char *name) {
  for (size_t i = 0; i < L->ndocs; i++)
    if (L->docs[i].kind == k && L->docs[i].name != NULL && strcmp(L->docs[i].name, name) == 0)
      return &L->docs[i];
  return NULL;
}

/* ------------------------------------------------------------- annotations */

static const char *annotation(struct doc *d, const char *key, yaml_node_t **node) {
  yaml_node_t *ann = mget(d, d->meta, "annotations");
  yaml_node_t *v = mget(d, ann, key);
  if (node != NULL)
    *node = v;
  if (v == NULL || v->type != YAML_SCALAR_NODE)
    return NULL;
  return sval(v);
}

static const char *const known_annotations[] = {"headroom.dev/min-events", "headroom.dev/exclude",
                                                "headroom.dev/status-thresholds", "headroom.dev/db",
                                                "headroom.dev/listen", "headroom.dev/short-window",
                                                "headroom.dev/url", "headroom.dev/gate-policy", NULL};
static const int annotation_kinds[] = {K_SLO, K_SLO, K_SLO, -1, -1, K_COND, K_TARGET, K_SERVICE};

static void check_annotations(struct ld *L, struct doc *d, yaml_node_t *meta, int kind) {
  yaml_node_t *ann = mget(d, meta, "annotations");
  if (ann == NULL)
    return;
  if (ann->type != YAML_MAPPING_NODE) {
    err_at(L, d, ann, "metadata.annotations must be a mapping of strings, found %s", type_word(ann));
    return;
  }
  for (yaml_node_pair_t *p = ann->data.mapping.pairs.start; p < ann->data.mapping.pairs.top; p++) {
    yaml_node_t *k = nd(d, p->key), *v = nd(d, p->value);
    if (k == NULL || k->type != YAML_SCALAR_NODE)
      continue;
    if (v != NULL && v->type != YAML_SCALAR_NODE)
      err_at(L, d, v, "annotation '%s' must be a string (OpenSLO annotations are strings), found %s", sval(k),
             type_word(v));
    if (strncmp(sval(k), "headroom.dev/", 13) != 0)
      continue;
    int i = 0;
    while (known_annotations[i] != NULL && strcmp(known_annotations[i], sval(k)) != 0)
      i++;
    if (known_annotations[i] == NULL)
      warn_at(L, d, k, "unknown headroom annotation '%s' (ignored)", sval(k));
    else if (annotation_kinds[i] >= 0 && annotation_kinds[i] != kind)
      warn_at(L, d, k, "annotation '%s' has no effect on a %s (it belongs on a %s)", sval(k),
              kind >= 0 ? kind_names[kind] : "document", kind_names[annotation_kinds[i]]);
  }
}

/* Parse a YAML string held by an annotation. Returns 0 with *doc loaded
 * (caller deletes), or -1 with the problem in msg. */
static int sub_yaml(const char *s, yaml_document_t *doc, char *msg, size_t n) {
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

/* Sub-documents reuse the node helpers through a temporary struct doc. */
static int sub_num(struct doc *sd, yaml_node_t *n, double *out) {
  (void)sd;
  return n != NULL && n->type == YAML_SCALAR_NODE && parse_num(sval(n), out) == 0 ? 0 : -1;
}

static void parse_thresholds(struct ld *L, struct doc *d, struct hr_thresholds *t) {
  yaml_node_t *an;
  const char *s = annotation(d, "headroom.dev/status-thresholds", &an);
  if (s == NULL)
    return;
  struct doc sd;
  memset(&sd, 0, sizeof sd);
  char msg[256];
  if (sub_yaml(s, &sd.y, msg, sizeof msg) != 0) {
    err_at(L, d, an, "headroom.dev/status-thresholds: %s", msg);
    return;
  }
  yaml_node_t *root = yaml_document_get_root_node(&sd.y);
  if (root->type != YAML_MAPPING_NODE) {
    err_at(L, d, an, "headroom.dev/status-thresholds must hold a mapping {remaining: [..], burn: [..], lookback: ..}");
    goto out;
  }
  static const char *const keys[] = {"remaining", "burn"};
  for (int k = 0; k < 2; k++) {
    yaml_node_t *v = mget(&sd, root, keys[k]);
    if (v == NULL)
      continue;
    double x[3];
    if (v->type != YAML_SEQUENCE_NODE || seq_len(v) != 3 || sub_num(&sd, seq_at(&sd, v, 0), &x[0]) ||
        sub_num(&sd, seq_at(&sd, v, 1), &x[1]) || sub_num(&sd, seq_at(&sd, v, 2), &x[2])) {
      err_at(L, d, an, "headroom.dev/status-thresholds: %s must be a list of three numbers", keys[k]);
      continue;
    }
    if (k == 0) {
      if (!(x[0] >= x[1] && x[1] >= x[2]) || x[0] > 1)
        err_at(L, d, an,
               "headroom.dev/status-thresholds: remaining must be descending fractions (yellow, orange, red), "
               "e.g. [0.7, 0.3, 0]");
      t->rem_yellow = x[0], t->rem_orange = x[1], t->rem_red = x[2];
    } else {
      if (!(x[0] > 0 && x[0] <= x[1] && x[1] <= x[2]))
        err_at(L, d, an, "headroom.dev/status-thresholds: burn must be ascending positive rates, e.g. [2, 5, 10]");
      t->burn_yellow = x[0], t->burn_orange = x[1], t->burn_red = x[2];
    }
  }
  yaml_node_t *lb = mget(&sd, root, "lookback");
  if (lb != NULL) {
    int64_t us;
    if (lb->type != YAML_SCALAR_NODE || duration_parse(sval(lb), strlen(sval(lb)), &us) != 0 || us <= 0)
      err_at(L, d, an, "headroom.dev/status-thresholds: lookback must be a duration such as 1h");
    else
      t->burn_lookback_us = us;
  }
  for (yaml_node_pair_t *p = root->data.mapping.pairs.start; p < root->data.mapping.pairs.top; p++) {
    yaml_node_t *k = nd(&sd, p->key);
    if (k != NULL && k->type == YAML_SCALAR_NODE && strcmp(sval(k), "remaining") != 0 &&
        strcmp(sval(k), "burn") != 0 && strcmp(sval(k), "lookback") != 0)
      warn_at(L, d, an, "headroom.dev/status-thresholds: unknown key '%s' (ignored)", sval(k));
  }
out:
  yaml_document_delete(&sd.y);
}

static int check_tz(const char *name) {
  struct hr_tz *tz = NULL;
  struct hr_err e;
  if (tz_load(name, &tz, &e) != HR_OK)
    return -1;
  tz_free(tz);
  return 0;
}

static int weekday_bit(const char *s) {
  static const char *const days[] = {"sun", "mon", "tue", "wed", "thu", "fri", "sat"};
  static const char *const full[] = {"sunday", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday"};
  for (int i = 0; i < 7; i++)
    if (strcasecmp(s, days[i]) == 0 || strcasecmp(s, full[i]) == 0)
      return i;
  return -1;
}

static void parse_exclusions(struct ld *L, struct doc *d, struct hr_slo *s) {
  yaml_node_t *an;
  const char *str = annotation(d, "headroom.dev/exclude", &an);
  if (str == NULL)
    return;
  struct doc sd;
  memset(&sd, 0, sizeof sd);
  char msg[256];
  if (sub_yaml(str, &sd.y, msg, sizeof msg) != 0) {
    err_at(L, d, an, "headroom.dev/exclude: %s", msg);
    return;
  }
  yaml_node_t *root = yaml_document_get_root_node(&sd.y);
  size_t n = root->type == YAML_SEQUENCE_NODE ? seq_len(root) : 1;
  if (root->type != YAML_SEQUENCE_NODE && root->type != YAML_MAPPING_NODE) {
    err_at(L, d, an, "headroom.dev/exclude must hold a list of {start, end, reason} or {days, at, duration} entries");
    goto out;
  }
  s->excl = xcalloc(n, sizeof *s->excl);
  for (size_t i = 0; i < n; i++) {
    yaml_node_t *e = root->type == YAML_SEQUENCE_NODE ? seq_at(&sd, root, i) : root;
    struct hr_exclusion *x = &s->excl[s->nexcl];
    memset(x, 0, sizeof *x);
    if (e == NULL || e->type != YAML_MAPPING_NODE) {
      err_at(L, d, an, "headroom.dev/exclude: entry %zu must be a mapping", i + 1);
      continue;
    }
    yaml_node_t *st = mget(&sd, e, "start"), *en = mget(&sd, e, "end"), *days = mget(&sd, e, "days"),
                *at = mget(&sd, e, "at"), *dur = mget(&sd, e, "duration"), *tz = mget(&sd, e, "timeZone"),
                *reason = mget(&sd, e, "reason");
    int bad = 0;
    if (st != NULL || en != NULL) {
      if (st == NULL || en == NULL || st->type != YAML_SCALAR_NODE || en->type != YAML_SCALAR_NODE ||
          time_parse_rfc3339(sval(st), strlen(sval(st)), &x->start_us) != 0 ||
          time_parse_rfc3339(sval(en), strlen(sval(en)), &x->end_us) != 0) {
        err_at(L, d, an, "headroom.dev/exclude: entry %zu needs start and end as RFC 3339 times", i + 1);
        bad = 1;
      } else if (x->end_us <= x->start_us) {
        err_at(L, d, an, "headroom.dev/exclude: entry %zu ends before it starts", i + 1);
        bad = 1;
      }
    } else if (days != NULL || at != NULL) {
      x->recurring = 1;
      if (days == NULL) {
        err_at(L, d, an, "headroom.dev/exclude: entry %zu needs days (a list such as [sat, sun], or daily)", i + 1);
        bad = 1;
      } else if (days->type == YAML_SCALAR_NODE && strcmp(sval(days), "daily") == 0) {
        x->weekdays = 0x7f;
      } else if (days->type == YAML_SEQUENCE_NODE && seq_len(days) > 0) {
        for (size_t j = 0; j < seq_len(days); j++) {
          yaml_node_t *dn = seq_at(&sd, days, j);
          int b = dn != NULL && dn->type == YAML_SCALAR_NODE ? weekday_bit(sval(dn)) : -1;
          if (dn != NULL && dn->type == YAML_SCALAR_NODE && strcmp(sval(dn), "daily") == 0)
            x->weekdays = 0x7f;
          else if (b < 0) {
            err_at(L, d, an, "headroom.dev/exclude: entry %zu: unknown day '%s' (mon tue wed thu fri sat sun)", i + 1,
                   dn != NULL && dn->type == YAML_SCALAR_NODE ? sval(dn) : "?");
            bad = 1;
          } else
            x->weekdays |= 1u << b;
        }
      } else {
        err_at(L, d, an, "headroom.dev/exclude: entry %zu: days must be a list such as [sat, sun], or daily", i + 1);
        bad = 1;
      }
      unsigned hh = 99, mm = 99;
      char tail = 0;
      if (at == NULL || at->type != YAML_SCALAR_NODE || sscanf(sval(at), "%u:%u%c", &hh, &mm, &tail) != 2 ||
          hh > 23 || mm > 59) {
        err_at(L, d, an, "headroom.dev/exclude: entry %zu needs at: \"HH:MM\" (local time of day)", i + 1);
        bad = 1;
      } else
        x->start_min = (int)(hh * 60 + mm);
      if (dur == NULL || dur->type != YAML_SCALAR_NODE ||
          duration_parse(sval(dur), strlen(sval(dur)), &x->duration_us) != 0 || x->duration_us <= 0 ||
          x->duration_us > 7 * US_DAY) {
        err_at(L, d, an, "headroom.dev/exclude: entry %zu needs duration (such as 1h, at most 7d)", i + 1);
        bad = 1;
      }
      const char *zone = tz != NULL && tz->type == YAML_SCALAR_NODE ? sval(tz) : "UTC";
      if (check_tz(zone) != 0) {
        err_at(L, d, an, "headroom.dev/exclude: entry %zu: unknown time zone '%s'", i + 1, zone);
        bad = 1;
      } else
        x->tz = xstrdup(zone);
    } else {
      err_at(L, d, an, "headroom.dev/exclude: entry %zu needs start/end (one-off) or days/at/duration (recurring)",
             i + 1);
      bad = 1;
    }
    if (reason != NULL && reason->type == YAML_SCALAR_NODE)
      x->reason = xstrdup(sval(reason));
    if (bad) {
      free(x->tz);
      free(x->reason);
      memset(x, 0, sizeof *x);
    } else
      s->nexcl++;
  }
out:
  yaml_document_delete(&sd.y);
}

/* headroom.dev/db and headroom.dev/listen, allowed on any document. */
static void parse_global_annotations(struct ld *L, struct doc *d) {
  yaml_node_t *an;
  const char *s = annotation(d, "headroom.dev/db", &an);
  if (s != NULL) {
    char *p = path_join(L->dirs[d->fi], s);
    if (L->c->db_path != NULL && strcmp(L->c->db_path, p) != 0) {
      err_at(L, d, an, "headroom.dev/db is already set to '%s' at %s:%d:%d", L->c->db_path, L->db_loc.file,
             L->db_loc.line, L->db_loc.col);
      free(p);
    } else if (L->c->db_path == NULL) {
      L->c->db_path = p;
      L->db_loc = loc_of(L, d, an);
    } else
      free(p);
  }
  s = annotation(d, "headroom.dev/listen", &an);
  if (s != NULL) {
    if (strchr(s, ':') == NULL)
      err_at(L, d, an, "headroom.dev/listen must be ADDRESS:PORT, e.g. 127.0.0.1:8080");
    else if (L->c->listen != NULL && strcmp(L->c->listen, s) != 0)
      err_at(L, d, an, "headroom.dev/listen is already set to '%s' at %s:%d:%d", L->c->listen, L->listen_loc.file,
             L->listen_loc.line, L->listen_loc.col);
    else if (L->c->listen == NULL) {
      L->c->listen = xstrdup(s);
      L->listen_loc = loc_of(L, d, an);
    }
  }
}

/* ------------------------------------------------------------- documents */

static void read_header(struct ld *L, struct doc *d) {
  static const char *const top[] = {"apiVersion", "kind", "metadata", "spec", NULL};
  static const char *const meta[] = {"name", "displayName", "labels", "annotations", NULL};
  d->kind = -1;
  yaml_node_t *r = d->root;
  const char *api = want_str(L, d, r, "apiVersion", 1, "the document", NULL);
  yaml_node_t *kn;
  const char *kind = want_str(L, d, r, "kind", 1, "the document", &kn);
  int bad = api == NULL || kind == NULL;
  if (api != NULL && strcmp(api, "openslo/v1") != 0) {
    err_at(L, d, mget(d, r, "apiVersion"), "unsupported apiVersion '%s' (headroom reads openslo/v1)", api);
    bad = 1;
  }
  int k = kind != NULL ? kind_of(kind) : -1;
  if (kind != NULL && k < 0) {
    err_at(L, d, kn,
           "unknown kind '%s' (expected Service, SLI, SLO, DataSource, AlertPolicy, AlertCondition or "
           "AlertNotificationTarget)",
           kind);
    bad = 1;
  }
  check_keys(L, d, r, top, "the document");
  d->meta = want_map(L, d, r, "metadata", 1, "the document");
  if (d->meta != NULL) {
    check_keys(L, d, d->meta, meta, "metadata");
    d->name = want_str(L, d, d->meta, "name", 0, "metadata", &d->name_node);
    if (d->name == NULL && mget(d, d->meta, "name") == NULL)
      err_at(L, d, d->meta, "missing metadata.name");
    else if (d->name != NULL && d->name[0] == 0) {
      err_at(L, d, d->name_node, "metadata.name is empty");
      d->name = NULL;
    }
    check_annotations(L, d, d->meta, k);
    parse_global_annotations(L, d);
  }
  d->spec = want_map(L, d, r, "spec", 1, "the document");
  if (bad || d->meta == NULL || d->name == NULL || d->spec == NULL)
    return;
  for (size_t i = 0; i < L->ndocs && &L->docs[i] != d; i++) {
    struct doc *o = &L->docs[i];
    if (o->kind == k && o->name != NULL && strcmp(o->name, d->name) == 0) {
      struct hr_loc first = loc_of(L, o, o->name_node);
      err_at(L, d, d->name_node, "duplicate %s name '%s' (first defined at %s:%d:%d)", kind_names[k], d->name,
             first.file, first.line, first.col);
      return;
    }
  }
  d->kind = k;
}

/* ------------------------------------------------------------- Service */

static void build_service(struct ld *L, struct doc *d) {
  static const char *const keys[] = {"description", NULL};
  check_keys(L, d, d->spec, keys, "Service.spec");
  struct hr_config *c = L->c;
  c->services = xrealloc(c->services, (c->nservices + 1) * sizeof *c->services);
  struct hr_service *s = &c->services[c->nservices++];
  memset(s, 0, sizeof *s);
  s->name = xstrdup(d->name);
  const char *v = want_str(L, d, d->meta, "displayName", 0, "metadata", NULL);
  s->display_name = v ? xstrdup(v) : NULL;
  v = want_str(L, d, d->spec, "description", 0, "Service.spec", NULL);
  s->description = v ? xstrdup(v) : NULL;
  /* headroom.dev/gate-policy: the release gate's table (core/gate.h). */
  yaml_node_t *an;
  v = annotation(d, "headroom.dev/gate-policy", &an);
  if (v != NULL) {
    struct hr_gate_policy pol;
    char msg[200];
    gate_policy_default(&pol);
    if (gate_policy_parse(v, strlen(v), &pol, msg, sizeof msg) != 0)
      err_at(L, d, an, "headroom.dev/gate-policy: %s", msg);
    else
      s->gate_policy = xstrdup(v);
  }
}

/* ------------------------------------------------------------- DataSource */

static int is_logs_type(const char *t) { return strcasecmp(t, "headroom.logs") == 0; }

static const struct {
  const char *name;
  enum hr_fmt_kind kind;
} fmt_names[] = {{"alb", HR_FMT_ALB}, {"nginx", HR_FMT_NGINX}, {"apache", HR_FMT_APACHE}, {"jsonl", HR_FMT_JSONL}};

static struct hr_datasource *new_source(struct hr_config *c) {
  c->sources = xrealloc(c->sources, (c->nsources + 1) * sizeof *c->sources);
  struct hr_datasource *s = &c->sources[c->nsources++];
  memset(s, 0, sizeof *s);
  s->fmt.duration_scale = 1;
  return s;
}

/* connectionDetails of a prometheus DataSource past its url: bearerToken /
 * bearerTokenFile, basicAuth {username, password | passwordFile}, timeout. */
static void prom_connection(struct ld *L, struct doc *d, yaml_node_t *cd, struct hr_datasource *s) {
  static const char *const bakeys[] = {"username", "password", "passwordFile", NULL};
  const char *where = "DataSource.spec.connectionDetails";
  yaml_node_t *tokn, *tfn;
  const char *tok = want_str(L, d, cd, "bearerToken", 0, where, &tokn);
  const char *tf = want_str(L, d, cd, "bearerTokenFile", 0, where, &tfn);
  if (tok != NULL && tf != NULL)
    err_at(L, d, tfn, "name either bearerToken or bearerTokenFile, not both");
  else if (tok != NULL)
    s->bearer_token = xstrdup(tok);
  else if (tf != NULL)
    s->bearer_token_file = path_join(L->dirs[d->fi], tf);
  yaml_node_t *ba = want_map(L, d, cd, "basicAuth", 0, where);
  if (ba != NULL) {
    const char *bw = "connectionDetails.basicAuth";
    check_keys(L, d, ba, bakeys, bw);
    if (tok != NULL || tf != NULL)
      err_at(L, d, ba, "a Prometheus DataSource uses a bearer token or basicAuth, not both");
    const char *u = want_str(L, d, ba, "username", 1, bw, NULL);
    yaml_node_t *pfn;
    const char *pw = want_str(L, d, ba, "password", 0, bw, NULL);
    const char *pf = want_str(L, d, ba, "passwordFile", 0, bw, &pfn);
    if (pw != NULL && pf != NULL)
      err_at(L, d, pfn, "name either password or passwordFile, not both");
    if (u != NULL)
      s->basic_user = xstrdup(u);
    if (pw != NULL)
      s->basic_password = xstrdup(pw);
    else if (pf != NULL)
      s->basic_password_file = path_join(L->dirs[d->fi], pf);
  }
  int64_t t;
  if (want_dur(L, d, cd, "timeout", 0, where, 1, &t) == 1)
    s->timeout_us = t;
}

static void build_datasource(struct ld *L, struct doc *d) {
  static const char *const keys[] = {"type", "connectionDetails", "description", NULL};
  static const char *const logkeys[] = {"format", "logFormat", "paths", "fields", "duration", "durationUnit", NULL};
  static const char *const promkeys[] = {"url", "bearerToken", "bearerTokenFile", "basicAuth", "timeout", NULL};
  check_keys(L, d, d->spec, keys, "DataSource.spec");
  yaml_node_t *tn;
  const char *type = want_str(L, d, d->spec, "type", 1, "DataSource.spec", &tn);
  struct hr_datasource *s = new_source(L->c);
  L->nsrc_declared++;
  s->name = xstrdup(d->name);
  s->loc = loc_of(L, d, d->name_node);
  if (type == NULL) {
    s->type = xstrdup("");
    return;
  }
  int prom = strcasecmp(type, "prometheus") == 0;
  s->type = xstrdup(is_logs_type(type) ? "headroom.logs" : prom ? "prometheus" : type);
  yaml_node_t *cd = want_map(L, d, d->spec, "connectionDetails", is_logs_type(type), "DataSource.spec");
  if (prom) {
    if (cd != NULL)
      check_keys(L, d, cd, promkeys, "DataSource.spec.connectionDetails");
    const char *url = want_str(L, d, cd, "url", 0, "connectionDetails", NULL);
    if (url != NULL)
      s->url = xstrdup(url);
    else if (L->strict)
      warn_at(L, d, cd ? cd : tn, "Prometheus DataSource '%s' has no connectionDetails.url", d->name);
    if (cd != NULL)
      prom_connection(L, d, cd, s);
    return;
  }
  if (!is_logs_type(type)) {
    if (L->strict)
      warn_at(L, d, tn, "headroom cannot read from DataSource type '%s' (it reads headroom.logs and prometheus)",
              type);
    return;
  }
  if (cd == NULL)
    return;
  const char *where = "DataSource.spec.connectionDetails";
  check_keys(L, d, cd, logkeys, where);
  yaml_node_t *fn;
  const char *fmt = want_str(L, d, cd, "format", 1, where, &fn);
  int fk = -1;
  if (fmt != NULL) {
    for (size_t i = 0; i < sizeof fmt_names / sizeof fmt_names[0]; i++)
      if (strcmp(fmt, fmt_names[i].name) == 0)
        fk = (int)fmt_names[i].kind;
    if (fk < 0)
      err_at(L, d, fn, "unknown format '%s' (expected alb, nginx, apache or jsonl)", fmt);
    else
      s->fmt.kind = (enum hr_fmt_kind)fk;
  }
  yaml_node_t *lfn;
  const char *lf = want_str(L, d, cd, "logFormat", 0, where, &lfn);
  if (lf != NULL) {
    if (fk == HR_FMT_NGINX || fk == HR_FMT_APACHE)
      s->fmt.log_format = xstrdup(lf);
    else if (fk >= 0)
      warn_at(L, d, lfn, "logFormat is used by the nginx and apache formats only (ignored for %s)", fmt);
  }
  yaml_node_t *pn = mget(d, cd, "paths");
  if (pn != NULL) {
    if (pn->type == YAML_SCALAR_NODE) {
      push_str(&s->paths, &s->npaths, path_join(L->dirs[d->fi], sval(pn)));
    } else if (pn->type == YAML_SEQUENCE_NODE) {
      for (size_t i = 0; i < seq_len(pn); i++) {
        yaml_node_t *e = seq_at(d, pn, i);
        if (e == NULL || e->type != YAML_SCALAR_NODE || is_null(e))
          err_at(L, d, e ? e : pn, "paths entries must be file names or globs");
        else
          push_str(&s->paths, &s->npaths, path_join(L->dirs[d->fi], sval(e)));
      }
    } else
      err_at(L, d, pn, "%s.paths must be a list of file names or globs, found %s", where, type_word(pn));
  }
  /* JSON lines: the field mapping */
  int jsonl = fk == HR_FMT_JSONL;
  yaml_node_t *fields = want_map(L, d, cd, "fields", 0, where);
  yaml_node_t *dur = mget(d, cd, "duration");
  yaml_node_t *unit = mget(d, cd, "durationUnit");
  if (!jsonl) {
    yaml_node_t *extra = fields ? fields : dur ? dur : unit;
    if (extra != NULL && fk >= 0)
      warn_at(L, d, extra, "fields, duration and durationUnit apply to the jsonl format only (ignored for %s)", fmt);
    return;
  }
  size_t nmap = fields ? (size_t)(fields->data.mapping.pairs.top - fields->data.mapping.pairs.start) : 0;
  s->map = xcalloc(nmap + 1, sizeof *s->map);
  if (fields != NULL) {
    for (yaml_node_pair_t *p = fields->data.mapping.pairs.start; p < fields->data.mapping.pairs.top; p++) {
      yaml_node_t *k = nd(d, p->key), *v = nd(d, p->value);
      if (k == NULL || v == NULL || k->type != YAML_SCALAR_NODE || v->type != YAML_SCALAR_NODE || is_null(v)) {
        err_at(L, d, v ? v : fields, "fields maps a field name to a JSON key, e.g. {time: completed_at, status: code}");
        continue;
      }
      s->map[s->fmt.nmap].dest = xstrdup(sval(k));
      s->map[s->fmt.nmap].key = xstrdup(sval(v));
      s->fmt.nmap++;
    }
  }
  if (dur != NULL) {
    if (dur->type == YAML_SCALAR_NODE) {
      s->map = xrealloc(s->map, (s->fmt.nmap + 1) * sizeof *s->map);
      s->map[s->fmt.nmap].dest = xstrdup("duration");
      s->map[s->fmt.nmap].key = xstrdup(sval(dur));
      s->fmt.nmap++;
    } else if (dur->type == YAML_MAPPING_NODE) {
      static const char *const se[] = {"start", "end", NULL};
      check_keys(L, d, dur, se, "connectionDetails.duration");
      const char *a = want_str(L, d, dur, "start", 1, "connectionDetails.duration", NULL);
      const char *b = want_str(L, d, dur, "end", 1, "connectionDetails.duration", NULL);
      if (a != NULL && b != NULL) {
        s->fmt.duration_start = xstrdup(a);
        s->fmt.duration_end = xstrdup(b);
      }
    } else
      err_at(L, d, dur, "duration must be a JSON key or {start: key, end: key}");
  }
  if (unit != NULL) {
    const char *u = unit->type == YAML_SCALAR_NODE ? sval(unit) : "";
    if (strcmp(u, "s") == 0)
      s->fmt.duration_scale = 1;
    else if (strcmp(u, "ms") == 0)
      s->fmt.duration_scale = 0.001;
    else if (strcmp(u, "us") == 0)
      s->fmt.duration_scale = 0.000001;
    else
      err_at(L, d, unit, "durationUnit must be s, ms or us");
  }
  s->fmt.map = s->fmt.nmap ? s->map : NULL;
}

/* ------------------------------------------------- AlertNotificationTarget */

/* m: {kind?, metadata, spec}. Appends to c->targets; returns its name or NULL. */
static const char *build_target(struct ld *L, struct doc *d, yaml_node_t *meta, yaml_node_t *spec, const char *name) {
  static const char *const keys[] = {"target", "description", NULL};
  check_keys(L, d, spec, keys, "AlertNotificationTarget.spec");
  yaml_node_t *tn;
  const char *t = want_str(L, d, spec, "target", 1, "AlertNotificationTarget.spec", &tn);
  struct hr_config *c = L->c;
  c->targets = xrealloc(c->targets, (c->ntargets + 1) * sizeof *c->targets);
  struct hr_alert_target *x = &c->targets[c->ntargets++];
  memset(x, 0, sizeof *x);
  x->name = xstrdup(name);
  x->kind = xstrdup(t ? t : "");
  struct doc tmp = *d;
  tmp.meta = meta;
  const char *url = annotation(&tmp, "headroom.dev/url", NULL);
  if (url != NULL)
    x->url = xstrdup(url);
  if (t != NULL && strcmp(t, "alertmanager") != 0 && strcmp(t, "webhook") != 0) {
    if (L->strict)
      warn_at(L, d, tn, "headroom sends to alertmanager and webhook targets only; '%s' is not sent", t);
  } else if (t != NULL && url == NULL)
    warn_at(L, d, meta ? meta : spec, "notification target '%s' has no headroom.dev/url annotation: nothing is sent",
            name);
  return x->name;
}

/* --------------------------------------------------------- AlertCondition */

static int parse_condition(struct ld *L, struct doc *d, yaml_node_t *meta, yaml_node_t *spec, const char *name,
                           struct hr_condition *out) {
  static const char *const keys[] = {"description", "severity", "condition", NULL};
  static const char *const ckeys[] = {"kind", "op", "threshold", "lookbackWindow", "alertAfter", NULL};
  const char *w = "AlertCondition.spec";
  memset(out, 0, sizeof *out);
  out->loc = loc_of(L, d, spec);
  int nerr = L->nerr;
  check_keys(L, d, spec, keys, w);
  const char *sev = want_str(L, d, spec, "severity", 1, w, NULL);
  yaml_node_t *cn = want_map(L, d, spec, "condition", 1, w);
  out->name = xstrdup(name);
  out->severity = xstrdup(sev ? sev : "");
  if (cn == NULL)
    return L->nerr == nerr;
  w = "AlertCondition.spec.condition";
  check_keys(L, d, cn, ckeys, w);
  yaml_node_t *kn, *opn;
  const char *kind = want_str(L, d, cn, "kind", 0, w, &kn);
  const char *op = want_str(L, d, cn, "op", 0, w, &opn);
  if (kind == NULL || strcasecmp(kind, "burnrate") == 0) {
    out->kind = HR_COND_BURNRATE;
    want_num(L, d, cn, "threshold", 1, w, &out->factor, NULL);
    if (out->factor < 0)
      err_at(L, d, mget(d, cn, "threshold"), "a burn-rate threshold must be positive");
    want_dur(L, d, cn, "lookbackWindow", 1, w, 0, &out->long_us);
    if (op != NULL && strcmp(op, "gt") != 0 && strcmp(op, "gte") != 0)
      err_at(L, d, opn, "burn-rate conditions fire above the threshold: op must be gt (or gte), not '%s'", op);
    out->at_factor = op != NULL && strcmp(op, "gte") == 0;
    struct doc tmp = *d;
    tmp.meta = meta;
    yaml_node_t *sn;
    const char *sw = annotation(&tmp, "headroom.dev/short-window", &sn);
    if (sw != NULL) {
      if (duration_parse(sw, strlen(sw), &out->short_us) != 0 || out->short_us <= 0)
        err_at(L, d, sn, "headroom.dev/short-window: invalid duration '%s'", sw);
      else if (out->long_us > 0 && out->short_us >= out->long_us)
        err_at(L, d, sn, "headroom.dev/short-window (%s) must be shorter than lookbackWindow", sw);
    }
  } else if (strcmp(kind, "headroom.dev/exhaustion") == 0) {
    out->kind = HR_COND_EXHAUSTION;
    yaml_node_t *th = mget(d, cn, "threshold");
    if (th == NULL)
      err_at(L, d, cn, "missing required key 'threshold' in %s (the horizon, e.g. 3d)", w);
    else if (th->type != YAML_SCALAR_NODE || duration_parse(sval(th), strlen(sval(th)), &out->horizon_us) != 0 ||
             out->horizon_us <= 0)
      err_at(L, d, th, "headroom.dev/exhaustion: threshold must be a duration (the horizon, e.g. 3d)");
    want_dur(L, d, cn, "lookbackWindow", 1, w, 0, &out->long_us);
  } else if (strcmp(kind, "headroom.dev/budget") == 0) {
    out->kind = HR_COND_BUDGET;
    yaml_node_t *th;
    if (want_num(L, d, cn, "threshold", 1, w, &out->level, &th) == 1 && (out->level < -10 || out->level > 1))
      err_at(L, d, th, "headroom.dev/budget: threshold is the remaining budget as a fraction (e.g. 0.25)");
  } else {
    err_at(L, d, kn, "unknown condition kind '%s' (expected burnrate, headroom.dev/exhaustion or headroom.dev/budget)",
           kind);
  }
  int64_t after = 0;
  if (want_dur(L, d, cn, "alertAfter", 0, w, 0, &after) == 1)
    out->alert_after_us = after;
  return L->nerr == nerr;
}

static void cond_copy(struct hr_condition *dst, const struct hr_condition *src) {
  *dst = *src;
  dst->name = xstrdup(src->name);
  dst->severity = xstrdup(src->severity);
}

static void cond_free(struct hr_condition *c) {
  free(c->name);
  free(c->severity);
}

/* ------------------------------------------------------------ AlertPolicy */

/* Inline objects {kind, metadata, spec}: check kind, return the name. */
static const char *inline_head(struct ld *L, struct doc *d, yaml_node_t *m, int want, yaml_node_t **meta,
                               yaml_node_t **spec, const char *fallback) {
  static const char *const keys[] = {"kind", "metadata", "spec", "apiVersion", NULL};
  check_keys(L, d, m, keys, kind_names[want]);
  yaml_node_t *kn;
  const char *k = want_str(L, d, m, "kind", 0, kind_names[want], &kn);
  if (k != NULL && strcmp(k, kind_names[want]) != 0)
    err_at(L, d, kn, "expected an inline %s here, found kind '%s'", kind_names[want], k);
  *meta = want_map(L, d, m, "metadata", 0, kind_names[want]);
  *spec = want_map(L, d, m, "spec", 1, kind_names[want]);
  const char *name = want_str(L, d, *meta, "name", 0, "metadata", NULL);
  if (*meta != NULL)
    check_annotations(L, d, *meta, want);
  return name != NULL && name[0] ? name : fallback;
}

static struct tmp_cond *find_cond(struct ld *L, const char *name) {
  for (size_t i = 0; i < L->ndocs; i++)
    if (L->docs[i].kind == K_COND && strcmp(L->docs[i].name, name) == 0)
      return &L->conds[i];
  return NULL;
}

static int target_exists(struct ld *L, const char *name) {
  for (size_t i = 0; i < L->c->ntargets; i++)
    if (strcmp(L->c->targets[i].name, name) == 0)
      return 1;
  return 0;
}

/* Appends a policy to c->policies; returns its index. */
static size_t build_policy(struct ld *L, struct doc *d, yaml_node_t *spec, const char *name, yaml_node_t *at) {
  static const char *const keys[] = {"description",      "alertWhenNoData",    "alertWhenResolved",
                                     "alertWhenBreaching", "conditions",       "notificationTargets", NULL};
  const char *w = "AlertPolicy.spec";
  struct hr_alert_policy p;
  memset(&p, 0, sizeof p);
  p.name = xstrdup(name);
  p.loc = loc_of(L, d, at);
  check_keys(L, d, spec, keys, w);
  int b;
  want_bool(L, d, spec, "alertWhenNoData", w, &b);
  want_bool(L, d, spec, "alertWhenResolved", w, &b);
  want_bool(L, d, spec, "alertWhenBreaching", w, &b);
  yaml_node_t *cs = want_seq(L, d, spec, "conditions", 1, w);
  if (cs != NULL && seq_len(cs) == 0)
    err_at(L, d, cs, "AlertPolicy '%s' has no conditions", name);
  if (cs != NULL) {
    p.conds = xcalloc(seq_len(cs) + 1, sizeof *p.conds);
    for (size_t i = 0; i < seq_len(cs); i++) {
      yaml_node_t *e = seq_at(d, cs, i);
      if (e == NULL || e->type != YAML_MAPPING_NODE) {
        err_at(L, d, e ? e : cs, "conditions entries must be {conditionRef: NAME} or an inline AlertCondition");
        continue;
      }
      yaml_node_t *rn;
      const char *ref = want_str(L, d, e, "conditionRef", 0, "conditions", &rn);
      if (ref != NULL) {
        struct tmp_cond *tc = find_cond(L, ref);
        if (tc == NULL) {
          char names[400];
          names_of(L, K_COND, names, sizeof names);
          err_at(L, d, rn, "unknown AlertCondition '%s' (defined: %s)", ref, names);
        } else if (tc->ok)
          cond_copy(&p.conds[p.nconds++], &tc->c);
        continue;
      }
      if (rn != NULL)
        continue;
      yaml_node_t *meta, *sp;
      char fb[300];
      snprintf(fb, sizeof fb, "%s.%zu", name, i + 1);
      const char *cname = inline_head(L, d, e, K_COND, &meta, &sp, fb);
      if (sp == NULL)
        continue;
      struct hr_condition c;
      if (parse_condition(L, d, meta, sp, cname, &c))
        p.conds[p.nconds++] = c;
      else
        cond_free(&c);
    }
  }
  yaml_node_t *ts = want_seq(L, d, spec, "notificationTargets", 0, w);
  for (size_t i = 0; ts != NULL && i < seq_len(ts); i++) {
    yaml_node_t *e = seq_at(d, ts, i);
    if (e == NULL || e->type != YAML_MAPPING_NODE) {
      err_at(L, d, e ? e : ts, "notificationTargets entries must be {targetRef: NAME} or an inline target");
      continue;
    }
    yaml_node_t *rn;
    const char *ref = want_str(L, d, e, "targetRef", 0, "notificationTargets", &rn);
    if (ref != NULL) {
      if (!target_exists(L, ref)) {
        char names[400];
        names_of(L, K_TARGET, names, sizeof names);
        err_at(L, d, rn, "unknown AlertNotificationTarget '%s' (defined: %s)", ref, names);
      } else
        push_str(&p.targets, &p.ntargets, xstrdup(ref));
      continue;
    }
    if (rn != NULL)
      continue;
    yaml_node_t *meta, *sp;
    char fb[300];
    snprintf(fb, sizeof fb, "%s.target%zu", name, i + 1);
    const char *tname = inline_head(L, d, e, K_TARGET, &meta, &sp, fb);
    if (sp != NULL)
      push_str(&p.targets, &p.ntargets, xstrdup(build_target(L, d, meta, sp, tname)));
  }
  struct hr_config *c = L->c;
  c->policies = xrealloc(c->policies, (c->npolicies + 1) * sizeof *c->policies);
  c->policies[c->npolicies] = p;
  return c->npolicies++;
}

/* ------------------------------------------------------------------ SLI */

struct msrc {
  yaml_node_t *node; /* the metricSource mapping */
  const char *ref, *type, *filter;
  yaml_node_t *refnode, *filternode, *specnode;
};

struct sli {
  const char *name;
  struct msrc good, bad, total;
  int have_good, have_bad, have_total;
  int unsupported; /* thresholdMetric / raw: loaded, not evaluated */
  yaml_node_t *at;
};

static int parse_msrc(struct ld *L, struct doc *d, yaml_node_t *m, const char *which, struct msrc *o) {
  static const char *const mk[] = {"metricSource", NULL};
  static const char *const sk[] = {"metricSourceRef", "type", "spec", NULL};
  char where[64];
  snprintf(where, sizeof where, "ratioMetric.%s", which);
  memset(o, 0, sizeof *o);
  if (m->type != YAML_MAPPING_NODE) {
    err_at(L, d, m, "%s must be a mapping with metricSource, found %s", where, type_word(m));
    return -1;
  }
  check_keys(L, d, m, mk, where);
  o->node = want_map(L, d, m, "metricSource", 1, where);
  if (o->node == NULL)
    return -1;
  snprintf(where, sizeof where, "ratioMetric.%s.metricSource", which);
  check_keys(L, d, o->node, sk, where);
  o->ref = want_str(L, d, o->node, "metricSourceRef", 0, where, &o->refnode);
  o->type = want_str(L, d, o->node, "type", 0, where, NULL);
  o->specnode = mget(d, o->node, "spec");
  if (o->specnode != NULL && o->specnode->type != YAML_MAPPING_NODE) {
    err_at(L, d, o->specnode, "%s.spec must be a mapping, found %s", where, type_word(o->specnode));
    o->specnode = NULL;
  }
  o->filter = want_str(L, d, o->specnode, "filter", 0, "metricSource.spec", &o->filternode);
  if (o->filter == NULL && o->filternode == NULL)
    o->filter = want_str(L, d, o->specnode, "query", 0, "metricSource.spec", &o->filternode);
  return 0;
}

/* spec: an SLI spec mapping (SLI document's spec, or indicator.spec). */
static void parse_sli(struct ld *L, struct doc *d, yaml_node_t *spec, const char *name, struct sli *o) {
  static const char *const keys[] = {"description", "thresholdMetric", "ratioMetric", NULL};
  static const char *const rk[] = {"counter", "good", "bad", "total", "rawType", "raw", NULL};
  memset(o, 0, sizeof *o);
  o->name = name;
  o->at = spec;
  check_keys(L, d, spec, keys, "SLI.spec");
  yaml_node_t *rm = mget(d, spec, "ratioMetric"), *tm = mget(d, spec, "thresholdMetric");
  if (rm == NULL) {
    if (tm != NULL) {
      warn_at(L, d, mkey(d, spec, "thresholdMetric"), "thresholdMetric SLIs are not evaluated by headroom (use a ratioMetric); SLO skipped");
      o->unsupported = 1;
    } else
      err_at(L, d, spec, "SLI '%s' needs a ratioMetric", name);
    return;
  }
  if (tm != NULL)
    err_at(L, d, tm, "an SLI has either ratioMetric or thresholdMetric, not both");
  if (rm->type != YAML_MAPPING_NODE) {
    err_at(L, d, rm, "ratioMetric must be a mapping, found %s", type_word(rm));
    return;
  }
  check_keys(L, d, rm, rk, "ratioMetric");
  int b;
  want_bool(L, d, rm, "counter", "ratioMetric", &b);
  yaml_node_t *g = mget(d, rm, "good"), *bd = mget(d, rm, "bad"), *t = mget(d, rm, "total");
  if (g == NULL && bd == NULL) {
    if (mget(d, rm, "raw") != NULL) {
      warn_at(L, d, mkey(d, rm, "raw"), "raw ratio metrics are not evaluated by headroom; SLO skipped");
      o->unsupported = 1;
    } else
      err_at(L, d, rm, "ratioMetric needs good or bad");
    return;
  }
  if (g != NULL && bd != NULL)
    err_at(L, d, bd, "ratioMetric has both good and bad: name one of them");
  if (g != NULL)
    o->have_good = parse_msrc(L, d, g, "good", &o->good) == 0;
  else
    o->have_bad = parse_msrc(L, d, bd, "bad", &o->bad) == 0;
  if (t != NULL)
    o->have_total = parse_msrc(L, d, t, "total", &o->total) == 0;
}

/* ------------------------------------------------------------------ SLO */

static size_t implicit_source(struct ld *L, struct doc *d, const char *type, yaml_node_t *at) {
  struct hr_config *c = L->c;
  for (size_t i = L->nsrc_declared; i < c->nsources; i++)
    if (strcmp(c->sources[i].name, type) == 0)
      return i;
  struct hr_datasource *s = new_source(c);
  s->name = xstrdup(type);
  s->type = xstrdup(strcasecmp(type, "prometheus") == 0 ? "prometheus" : type);
  s->loc = loc_of(L, d, at);
  if (L->strict && strcasecmp(type, "prometheus") != 0)
    warn_at(L, d, at, "headroom cannot read from metric source type '%s': this SLO will show no data", type);
  else if (L->strict)
    warn_at(L, d, at, "metric source of type Prometheus without a DataSource: headroom has no URL to query");
  return c->nsources - 1;
}

static int find_source(struct ld *L, const char *name) {
  for (size_t i = 0; i < L->nsrc_declared; i++)
    if (strcmp(L->c->sources[i].name, name) == 0)
      return (int)i;
  return -1;
}

/* Resolve the SLI's data source; -1 on error (reported). */
static int resolve_source(struct ld *L, struct doc *d, struct sli *s) {
  struct msrc *m = s->have_good ? &s->good : &s->bad;
  int idx = -1;
  char names[400];
  if (m->ref != NULL) {
    idx = find_source(L, m->ref);
    if (idx < 0) {
      names_of(L, K_DS, names, sizeof names);
      err_at(L, d, m->refnode, "unknown DataSource '%s' (defined: %s)", m->ref, names);
      return -1;
    }
  } else if (L->nsrc_declared == 1 &&
             (m->type == NULL || strcasecmp(m->type, L->c->sources[0].type) == 0 || is_logs_type(m->type) ||
              strcasecmp(L->c->sources[0].type, "headroom.logs") == 0)) {
    idx = 0;
  } else if (m->type != NULL && !is_logs_type(m->type)) {
    idx = (int)implicit_source(L, d, m->type, m->node);
  } else if (L->nsrc_declared == 0) {
    err_at(L, d, m->node, "no DataSource is defined: add one (kind: DataSource) and name it in metricSourceRef");
    return -1;
  } else {
    names_of(L, K_DS, names, sizeof names);
    err_at(L, d, m->node, "metricSourceRef is required when several DataSources are defined (%s)", names);
    return -1;
  }
  if (s->have_total && s->total.ref != NULL && strcmp(s->total.ref, L->c->sources[idx].name) != 0) {
    err_at(L, d, s->total.refnode, "total reads DataSource '%s' but %s reads '%s': both must use the same source",
           s->total.ref, s->have_good ? "good" : "bad", L->c->sources[idx].name);
    return -1;
  }
  if (s->have_total && s->total.ref != NULL && find_source(L, s->total.ref) < 0)
    return -1;
  return idx;
}

static void slo_free_fields(struct hr_slo *s) {
  free(s->name);
  free(s->display_name);
  free(s->service);
  free(s->description);
  free(s->sli_name);
  free(s->good_filter);
  free(s->bad_filter);
  free(s->total_filter);
  free(s->window.tz);
  for (size_t i = 0; i < s->nexcl; i++) {
    free(s->excl[i].tz);
    free(s->excl[i].reason);
  }
  free(s->excl);
  free(s->policies);
}

static char *dupn(const char *s) { return s ? xstrdup(s) : NULL; }

static void slo_copy(struct hr_slo *dst, const struct hr_slo *src) {
  *dst = *src;
  dst->name = dupn(src->name);
  dst->display_name = dupn(src->display_name);
  dst->service = dupn(src->service);
  dst->description = dupn(src->description);
  dst->sli_name = dupn(src->sli_name);
  dst->good_filter = dupn(src->good_filter);
  dst->bad_filter = dupn(src->bad_filter);
  dst->total_filter = dupn(src->total_filter);
  dst->window.tz = dupn(src->window.tz);
  dst->excl = src->nexcl ? xcalloc(src->nexcl, sizeof *dst->excl) : NULL;
  for (size_t i = 0; i < src->nexcl; i++) {
    dst->excl[i] = src->excl[i];
    dst->excl[i].tz = dupn(src->excl[i].tz);
    dst->excl[i].reason = dupn(src->excl[i].reason);
  }
  dst->policies = NULL;
  dst->npolicies = 0;
}

static void parse_window(struct ld *L, struct doc *d, struct hr_slo *s) {
  static const char *const wk[] = {"duration", "isRolling", "calendar", NULL};
  static const char *const ck[] = {"startTime", "timeZone", NULL};
  yaml_node_t *tw = want_seq(L, d, d->spec, "timeWindow", 1, "SLO.spec");
  s->window.tz = xstrdup("UTC");
  if (tw == NULL)
    return;
  if (seq_len(tw) == 0) {
    err_at(L, d, tw, "timeWindow needs one entry, e.g. [{duration: 28d, isRolling: true}]");
    return;
  }
  if (seq_len(tw) > 1)
    warn_at(L, d, seq_at(d, tw, 1), "OpenSLO allows one timeWindow; headroom uses the first");
  yaml_node_t *w = seq_at(d, tw, 0);
  if (w == NULL || w->type != YAML_MAPPING_NODE) {
    err_at(L, d, w ? w : tw, "timeWindow entries must be mappings {duration, isRolling, calendar}");
    return;
  }
  check_keys(L, d, w, wk, "timeWindow");
  yaml_node_t *dn;
  const char *dur = want_str(L, d, w, "duration", 1, "timeWindow", &dn);
  int rolling = -1;
  want_bool(L, d, w, "isRolling", "timeWindow", &rolling);
  yaml_node_t *cal = want_map(L, d, w, "calendar", 0, "timeWindow");
  if (rolling < 0)
    rolling = cal == NULL;
  if (cal != NULL && rolling)
    warn_at(L, d, cal, "calendar is ignored for a rolling window (isRolling: true)");
  if (dur == NULL)
    return;
  if (rolling) {
    s->window.kind = HR_WIN_ROLLING;
    if (duration_parse(dur, strlen(dur), &s->window.length_us) != 0 || s->window.length_us <= 0)
      err_at(L, d, dn, "invalid rolling window duration '%s' (expected e.g. 28d, 30d, 7d; 1M/1Q/1y need isRolling: false)",
             dur);
    return;
  }
  s->window.kind = HR_WIN_CALENDAR;
  char *end;
  errno = 0;
  long cnt = strtol(dur, &end, 10);
  static const struct {
    char c;
    enum hr_cal_unit u;
    int64_t nominal;
  } units[] = {{'d', HR_CAL_DAY, US_DAY},       {'w', HR_CAL_WEEK, 7 * US_DAY},   {'M', HR_CAL_MONTH, 30 * US_DAY},
               {'m', HR_CAL_MONTH, 30 * US_DAY}, {'Q', HR_CAL_QUARTER, 91 * US_DAY}, {'y', HR_CAL_YEAR, 365 * US_DAY},
               {'Y', HR_CAL_YEAR, 365 * US_DAY}};
  int u = -1;
  if (end != dur && errno == 0 && cnt >= 1 && cnt <= 100 && end[0] != 0 && end[1] == 0)
    for (size_t i = 0; i < sizeof units / sizeof units[0]; i++)
      if (units[i].c == end[0])
        u = (int)i;
  if (u < 0) {
    err_at(L, d, dn, "invalid calendar window '%s' (expected a count and one of d, w, M, Q, y: 1M, 1Q, 1w)", dur);
    return;
  }
  if (units[u].c == 'm')
    warn_at(L, d, dn, "calendar window '%s' read as %ldM (months): minutes are not a calendar period", dur, cnt);
  s->window.unit = units[u].u;
  s->window.count = (int)cnt;
  s->window.length_us = cnt * units[u].nominal; /* nominal; window_length() gives the real one */
  s->window.start_us = 0;
  if (cal == NULL)
    return;
  check_keys(L, d, cal, ck, "calendar");
  yaml_node_t *zn, *sn;
  const char *zone = want_str(L, d, cal, "timeZone", 0, "calendar", &zn);
  const char *start = want_str(L, d, cal, "startTime", 0, "calendar", &sn);
  struct hr_tz *tz = NULL;
  if (zone != NULL) {
    struct hr_err e;
    if (tz_load(zone, &tz, &e) != HR_OK) {
      err_at(L, d, zn, "unknown time zone '%s' (an IANA name such as Europe/Berlin)", zone);
      tz = NULL;
    } else {
      free(s->window.tz);
      s->window.tz = xstrdup(zone);
    }
  }
  if (start != NULL) {
    unsigned y, mo, dd, hh = 0, mi = 0, ss = 0;
    char sep = 0, tail = 0;
    int n = sscanf(start, "%4u-%2u-%2u%c%2u:%2u:%2u%c", &y, &mo, &dd, &sep, &hh, &mi, &ss, &tail);
    int64_t us;
    if ((n == 3 || (n == 7 && (sep == ' ' || sep == 'T'))) && mo >= 1 && mo <= 12 && dd >= 1 && dd <= 31 &&
        hh <= 23 && mi <= 59 && ss <= 60) {
      if (tz != NULL)
        s->window.start_us = tz_local_to_utc(tz, y, mo, dd, (int)hh, (int)mi, (int)ss) * 1000000;
      else
        s->window.start_us = (days_from_civil(y, mo, dd) * 86400 + hh * 3600 + mi * 60 + ss) * (int64_t)1000000;
    } else if (time_parse_rfc3339(start, strlen(start), &us) == 0) {
      s->window.start_us = us; /* carries its own offset */
    } else
      err_at(L, d, sn, "calendar.startTime '%s' is not a time such as \"2026-01-01 00:00:00\"", start);
  }
  tz_free(tz);
}

static char *slugify(const char *s) {
  char *o = xstrdup(s);
  for (char *p = o; *p; p++) {
    unsigned char ch = (unsigned char)*p;
    *p = isalnum(ch) || ch == '.' || ch == '_' || ch == '-' ? (char)tolower(ch) : '-';
  }
  return o;
}

static void add_lookback(struct hr_slo *s, int64_t us, int *overflow) {
  if (us <= 0)
    return;
  for (size_t i = 0; i < s->nlookbacks; i++)
    if (s->lookbacks_us[i] == us)
      return;
  if (s->nlookbacks == HR_MAX_LOOKBACKS) {
    *overflow = 1;
    return;
  }
  size_t i = s->nlookbacks++;
  while (i > 0 && s->lookbacks_us[i - 1] > us) {
    s->lookbacks_us[i] = s->lookbacks_us[i - 1];
    i--;
  }
  s->lookbacks_us[i] = us;
}

static void push_slo(struct ld *L, const struct hr_slo *proto, size_t src, const size_t *pol, size_t npol) {
  struct hr_config *c = L->c;
  c->slos = xrealloc(c->slos, (c->nslos + 1) * sizeof *c->slos);
  L->ex = xrealloc(L->ex, (c->nslos + 1) * sizeof *L->ex);
  slo_copy(&c->slos[c->nslos], proto);
  L->ex[c->nslos].src = src;
  L->ex[c->nslos].npol = npol;
  L->ex[c->nslos].pol = npol ? xmalloc(npol * sizeof *pol) : NULL;
  if (npol)
    memcpy(L->ex[c->nslos].pol, pol, npol * sizeof *pol);
  c->nslos++;
  L->nex = c->nslos;
}

static void set_filter(struct ld *L, struct doc *d, const struct msrc *m, int logs, char **out, struct hr_loc *loc,
                       int required) {
  if (m->filter != NULL) {
    *out = xstrdup(m->filter);
    *loc = text_loc(L, d, m->filternode);
  } else {
    if (m->filternode != NULL) /* wrong type: already reported */
      return;
    if (logs && required)
      err_at(L, d, m->specnode ? m->specnode : m->node,
             "missing required key 'filter' in metricSource.spec (e.g. filter: 'status < 500')");
    *out = logs && !required ? NULL : xstrdup("");
    *loc = loc_of(L, d, m->node);
  }
}

static void build_slo(struct ld *L, struct doc *d) {
  static const char *const keys[] = {"description",     "service",    "indicator",  "indicatorRef",
                                     "timeWindow",      "budgetingMethod", "objectives", "alertPolicies", NULL};
  static const char *const ok[] = {"displayName", "op",          "value",         "target",         "targetPercent",
                                   "timeSliceTarget", "timeSliceWindow", "indicator", "indicatorRef",
                                   "compositeWeight", NULL};
  const char *w = "SLO.spec";
  int nerr0 = L->nerr;
  check_keys(L, d, d->spec, keys, w);
  struct hr_slo proto;
  memset(&proto, 0, sizeof proto);
  proto.loc = loc_of(L, d, d->name_node);
  proto.min_events = 1;
  proto.thr = (struct hr_thresholds){0.7, 0.3, 0.0, 2, 5, 10, US_HOUR};
  const char *v = want_str(L, d, d->meta, "displayName", 0, "metadata", NULL);
  proto.display_name = dupn(v);
  proto.description = dupn(want_str(L, d, d->spec, "description", 0, w, NULL));
  yaml_node_t *svn;
  const char *svc = want_str(L, d, d->spec, "service", 1, w, &svn);
  proto.service = xstrdup(svc ? svc : "");
  if (svc != NULL && L->c->nservices > 0 && find_doc(L, K_SERVICE, svc) == NULL) {
    char names[400];
    names_of(L, K_SERVICE, names, sizeof names);
    warn_at(L, d, svn, "service '%s' is not a defined Service (defined: %s)", svc, names);
  }

  /* the indicator */
  struct sli sli;
  memset(&sli, 0, sizeof sli);
  yaml_node_t *ind = mget(d, d->spec, "indicator"), *irn;
  const char *iref = want_str(L, d, d->spec, "indicatorRef", 0, w, &irn);
  int have_sli = 0;
  struct doc *sd = d; /* where the SLI's nodes live */
  if (ind != NULL && irn != NULL)
    err_at(L, d, irn, "SLO has both indicator and indicatorRef: name one of them");
  if (ind != NULL) {
    if (ind->type != YAML_MAPPING_NODE)
      err_at(L, d, ind, "indicator must be a mapping {metadata, spec}, found %s", type_word(ind));
    else {
      static const char *const ik[] = {"metadata", "spec", "kind", "apiVersion", NULL};
      check_keys(L, d, ind, ik, "indicator");
      yaml_node_t *im = want_map(L, d, ind, "metadata", 0, "indicator");
      const char *iname = want_str(L, d, im, "name", 0, "indicator.metadata", NULL);
      yaml_node_t *isp = want_map(L, d, ind, "spec", 1, "indicator");
      if (isp != NULL) {
        parse_sli(L, d, isp, iname ? iname : d->name, &sli);
        have_sli = 1;
      }
    }
  } else if (iref != NULL) {
    struct doc *x = find_doc(L, K_SLI, iref);
    if (x == NULL) {
      char names[400];
      names_of(L, K_SLI, names, sizeof names);
      err_at(L, d, irn, "unknown SLI '%s' (defined: %s)", iref, names);
    } else {
      sd = x;
      parse_sli(L, x, x->spec, x->name, &sli);
      have_sli = 1;
    }
  } else if (irn == NULL)
    err_at(L, d, d->spec, "SLO '%s' needs indicator or indicatorRef", d->name);

  int src = -1;
  if (have_sli && !sli.unsupported && (sli.have_good || sli.have_bad)) {
    src = resolve_source(L, sd, &sli);
    proto.sli_name = xstrdup(sli.name);
    int logs = src >= 0 && strcmp(L->c->sources[src].type, "headroom.logs") == 0;
    if (sli.have_good)
      set_filter(L, sd, &sli.good, logs, &proto.good_filter, &proto.good_loc, 1);
    else
      set_filter(L, sd, &sli.bad, logs, &proto.bad_filter, &proto.bad_loc, 1);
    if (sli.have_total)
      set_filter(L, sd, &sli.total, logs, &proto.total_filter, &proto.total_loc, 0);
    if (proto.total_filter != NULL && proto.total_filter[0] == 0 && logs) {
      free(proto.total_filter);
      proto.total_filter = NULL;
    }
  }

  /* budgeting, window */
  yaml_node_t *bmn;
  const char *bm = want_str(L, d, d->spec, "budgetingMethod", 0, w, &bmn);
  if (bm == NULL || strcmp(bm, "Occurrences") == 0)
    proto.budgeting = HR_BUDGET_OCCURRENCES;
  else if (strcmp(bm, "Timeslices") == 0)
    proto.budgeting = HR_BUDGET_TIMESLICES;
  else if (strcmp(bm, "RatioTimeslices") == 0)
    proto.budgeting = HR_BUDGET_RATIO_TIMESLICES;
  else
    err_at(L, d, bmn, "unknown budgetingMethod '%s' (expected Occurrences, Timeslices or RatioTimeslices)", bm);
  parse_window(L, d, &proto);

  /* headroom annotations */
  yaml_node_t *an;
  const char *me = annotation(d, "headroom.dev/min-events", &an);
  if (me != NULL) {
    double x;
    if (parse_num(me, &x) != 0 || x < 1 || x != floor(x) || x > 1e15)
      err_at(L, d, an, "headroom.dev/min-events must be a whole number >= 1, not '%s'", me);
    else
      proto.min_events = (int64_t)x;
  }
  parse_thresholds(L, d, &proto.thr);
  parse_exclusions(L, d, &proto);

  /* alert policies */
  size_t *pol = NULL, npol = 0;
  yaml_node_t *aps = mget(d, d->spec, "alertPolicies");
  if (aps != NULL && aps->type != YAML_SEQUENCE_NODE)
    err_at(L, d, aps, "alertPolicies must be a list, found %s", type_word(aps));
  else if (aps != NULL) {
    pol = xcalloc(seq_len(aps) + 1, sizeof *pol);
    for (size_t i = 0; i < seq_len(aps); i++) {
      yaml_node_t *e = seq_at(d, aps, i);
      if (e == NULL || e->type != YAML_MAPPING_NODE) {
        err_at(L, d, e ? e : aps, "alertPolicies entries must be {alertPolicyRef: NAME} or an inline AlertPolicy");
        continue;
      }
      yaml_node_t *rn;
      const char *ref = want_str(L, d, e, "alertPolicyRef", 0, "alertPolicies", &rn);
      if (ref != NULL) {
        size_t j = 0;
        while (j < L->c->npolicies && strcmp(L->c->policies[j].name, ref) != 0)
          j++;
        if (j == L->c->npolicies) {
          char names[400];
          names_of(L, K_POLICY, names, sizeof names);
          err_at(L, d, rn, "unknown AlertPolicy '%s' (defined: %s)", ref, names);
        } else
          pol[npol++] = j;
        continue;
      }
      if (rn != NULL)
        continue;
      yaml_node_t *meta, *sp;
      char fb[300];
      snprintf(fb, sizeof fb, "%s.policy%zu", d->name, i + 1);
      const char *pname = inline_head(L, d, e, K_POLICY, &meta, &sp, fb);
      if (sp != NULL)
        pol[npol++] = build_policy(L, d, sp, pname, e);
    }
  }

  /* objectives: one hr_slo each */
  yaml_node_t *objs = want_seq(L, d, d->spec, "objectives", 1, w);
  if (objs != NULL && seq_len(objs) == 0)
    err_at(L, d, objs, "objectives needs at least one entry, e.g. [{target: 0.999}]");
  size_t nobj = objs ? seq_len(objs) : 0;
  struct hr_slo *made = xcalloc(nobj + 1, sizeof *made);
  size_t nmade = 0;
  for (size_t i = 0; i < nobj; i++) {
    yaml_node_t *o = seq_at(d, objs, i);
    if (o == NULL || o->type != YAML_MAPPING_NODE) {
      err_at(L, d, o ? o : objs, "objectives entries must be mappings {displayName, target, ...}");
      continue;
    }
    const char *ow = "objectives";
    check_keys(L, d, o, ok, ow);
    struct hr_slo s;
    slo_copy(&s, &proto);
    s.loc = loc_of(L, d, nobj > 1 ? o : d->name_node);
    const char *dn = want_str(L, d, o, "displayName", 0, ow, NULL);
    if (nobj > 1) {
      char *slug = dn && dn[0] ? slugify(dn) : xasprintf("%zu", i + 1);
      free(s.name);
      s.name = xasprintf("%s.%s", d->name, slug);
      free(slug);
      if (dn != NULL) {
        free(s.display_name);
        s.display_name = xstrdup(dn);
      }
    } else
      s.name = xstrdup(d->name);
    if (s.display_name == NULL && dn != NULL)
      s.display_name = xstrdup(dn);
    yaml_node_t *tn, *tpn;
    double t = 0, tp = 0;
    int ht = want_num(L, d, o, "target", 0, ow, &t, &tn);
    int htp = want_num(L, d, o, "targetPercent", 0, ow, &tp, &tpn);
    if (ht == 1 && htp == 1)
      err_at(L, d, tpn, "an objective has target or targetPercent, not both");
    if (ht == 1) {
      if (!(t > 0 && t < 1))
        err_at(L, d, tn, "target must be a fraction in (0, 1), got %s%s", sval(tn),
               t >= 1 && t < 100 ? " (for a percentage use targetPercent)" : "");
      s.target = t;
    } else if (htp == 1) {
      if (!(tp > 0 && tp < 100))
        err_at(L, d, tpn, "targetPercent must be in (0, 100), got %s", sval(tpn));
      s.target = tp / 100.0;
    } else if (ht == 0 && htp == 0)
      err_at(L, d, o, "objective needs target (a fraction such as 0.999) or targetPercent");
    yaml_node_t *stn;
    int hst = want_num(L, d, o, "timeSliceTarget", 0, ow, &s.slice_target, &stn);
    if (hst == 1 && !(s.slice_target > 0 && s.slice_target <= 1))
      err_at(L, d, stn, "timeSliceTarget must be in (0, 1], got %s", sval(stn));
    int hsw = want_dur(L, d, o, "timeSliceWindow", 0, ow, 1, &s.slice_us);
    if (proto.budgeting == HR_BUDGET_TIMESLICES && (hst == 0 || hsw == 0))
      err_at(L, d, o, "budgetingMethod Timeslices needs timeSliceTarget and timeSliceWindow in every objective");
    if (proto.budgeting == HR_BUDGET_RATIO_TIMESLICES && hsw == 0)
      err_at(L, d, o, "budgetingMethod RatioTimeslices needs timeSliceWindow in every objective");
    if (mget(d, o, "indicator") != NULL || mget(d, o, "indicatorRef") != NULL)
      warn_at(L, d, o, "composite SLOs (an indicator per objective) are not supported; the SLO's indicator is used");
    made[nmade++] = s;
  }
  for (size_t i = 0; i < nmade; i++)
    for (size_t j = 0; j < i; j++)
      if (strcmp(made[i].name, made[j].name) == 0)
        err_at(L, d, objs, "two objectives of SLO '%s' have the same name '%s': give them distinct displayNames",
               d->name, made[i].name);
  int skip = have_sli && sli.unsupported;
  for (size_t i = 0; i < nmade; i++) {
    if (!skip && L->nerr == nerr0 && src >= 0) {
      /* unique across SLO documents */
      int dup = 0;
      for (size_t k = 0; k < L->c->nslos && !dup; k++)
        dup = strcmp(L->c->slos[k].name, made[i].name) == 0;
      if (dup)
        err_at(L, d, d->name_node, "SLO name '%s' is used twice", made[i].name);
      else
        push_slo(L, &made[i], (size_t)src, pol, npol);
    }
    slo_free_fields(&made[i]);
  }
  free(made);
  free(pol);
  slo_free_fields(&proto);
}

/* ------------------------------------------------------------- loading */

static void free_loader(struct ld *L) {
  if (L->conds != NULL)
    for (size_t i = 0; i < L->ndocs; i++)
      if (L->docs[i].kind == K_COND)
        cond_free(&L->conds[i].c);
  free(L->conds);
  for (size_t i = 0; i < L->ndocs; i++)
    yaml_document_delete(&L->docs[i].y);
  free(L->docs);
  for (size_t i = 0; L->c != NULL && i < L->c->nfiles; i++) {
    free(L->dirs[i]);
    free(L->bufs[i]);
  }
  free(L->dirs);
  free(L->bufs);
  free(L->buflens);
  for (size_t i = 0; i < L->nex; i++)
    free(L->ex[i].pol);
  free(L->ex);
}

/* Takes ownership of buf (malloc'd, n bytes). */
static void add_file(struct ld *L, const char *path, unsigned char *buf, size_t n) {
  struct hr_config *c = L->c;
  size_t fi = c->nfiles;
  push_str(&c->files, &c->nfiles, xstrdup(path));
  L->dirs = xrealloc(L->dirs, c->nfiles * sizeof *L->dirs);
  L->bufs = xrealloc(L->bufs, c->nfiles * sizeof *L->bufs);
  L->buflens = xrealloc(L->buflens, c->nfiles * sizeof *L->buflens);
  L->dirs[fi] = dir_of(path);
  L->bufs[fi] = buf;
  L->buflens[fi] = n;
  yaml_parser_t p;
  if (!yaml_parser_initialize(&p))
    return;
  yaml_parser_set_input_string(&p, buf, n);
  for (;;) {
    struct doc d;
    memset(&d, 0, sizeof d);
    d.fi = fi;
    d.kind = -1;
    if (!yaml_parser_load(&p, &d.y)) {
      struct hr_loc l = {c->files[fi], (int)p.problem_mark.line + 1, (int)p.problem_mark.column + 1};
      err_loc(L, &l, "YAML syntax error: %s%s%s", p.problem ? p.problem : "invalid YAML", p.context ? " " : "",
              p.context ? p.context : "");
      break;
    }
    d.root = yaml_document_get_root_node(&d.y);
    if (d.root == NULL) { /* end of the stream */
      yaml_document_delete(&d.y);
      break;
    }
    if (is_null(d.root)) { /* an empty document between two '---' */
      yaml_document_delete(&d.y);
      continue;
    }
    if (L->ndocs == L->capdocs) {
      L->capdocs = L->capdocs ? 2 * L->capdocs : 16;
      L->docs = xrealloc(L->docs, L->capdocs * sizeof *L->docs);
    }
    L->docs[L->ndocs++] = d;
  }
  yaml_parser_delete(&p);
}

static enum hr_rc read_file(struct ld *L, const char *path) {
  struct hr_loc l = {path, 0, 0};
  FILE *f = fopen(path, "rb");
  if (f == NULL) {
    err_loc(L, &l, "cannot open: %s", strerror(errno));
    return HR_ERR_IO;
  }
  size_t cap = 65536, n = 0;
  unsigned char *buf = xmalloc(cap);
  for (;;) {
    if (n == cap) {
      if (cap > HR_CONFIG_MAX_BYTES)
        break;
      cap *= 2;
      buf = xrealloc(buf, cap + 1);
    }
    size_t r = fread(buf + n, 1, cap - n, f);
    if (r == 0)
      break;
    n += r;
  }
  int ioerr = ferror(f);
  fclose(f);
  if (ioerr) {
    free(buf);
    err_loc(L, &l, "read error");
    return HR_ERR_IO;
  }
  if (n > HR_CONFIG_MAX_BYTES) {
    free(buf);
    err_loc(L, &l, "file too big (a configuration file may have at most 4 MiB)");
    return HR_ERR_TOOBIG;
  }
  add_file(L, path, buf, n);
  return HR_OK;
}

static int cmp_str(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

static int has_yaml_ext(const char *n) {
  size_t l = strlen(n);
  return n[0] != '.' && ((l > 5 && strcmp(n + l - 5, ".yaml") == 0) || (l > 4 && strcmp(n + l - 4, ".yml") == 0));
}

static enum hr_rc read_dir(struct ld *L, const char *path) {
  struct hr_loc l = {path, 0, 0};
  DIR *dir = opendir(path);
  if (dir == NULL) {
    err_loc(L, &l, "cannot open directory: %s", strerror(errno));
    return HR_ERR_IO;
  }
  char **names = NULL;
  size_t n = 0;
  struct dirent *e;
  while ((e = readdir(dir)) != NULL && n < HR_CONFIG_MAX_FILES)
    if (has_yaml_ext(e->d_name))
      push_str(&names, &n, path_join(path, e->d_name));
  closedir(dir);
  if (n > 0)
    qsort(names, n, sizeof *names, cmp_str);
  enum hr_rc rc = HR_OK;
  for (size_t i = 0; i < n; i++) {
    struct stat st;
    if (stat(names[i], &st) == 0 && S_ISREG(st.st_mode)) {
      enum hr_rc r = read_file(L, names[i]);
      if (r != HR_OK)
        rc = r;
    }
    free(names[i]);
  }
  free(names);
  if (n == 0) {
    err_loc(L, &l, "no *.yaml or *.yml files in this directory");
    return HR_ERR_CONFIG;
  }
  return rc;
}

static void build(struct ld *L) {
  struct hr_config *c = L->c;
  for (size_t i = 0; i < L->ndocs; i++) {
    struct doc *d = &L->docs[i];
    if (d->root->type != YAML_MAPPING_NODE) {
      err_at(L, d, d->root, "a document must be a mapping (apiVersion, kind, metadata, spec), found %s",
             type_word(d->root));
      continue;
    }
    read_header(L, d);
  }
  for (size_t i = 0; i < L->ndocs; i++)
    if (L->docs[i].kind == K_SERVICE)
      build_service(L, &L->docs[i]);
  for (size_t i = 0; i < L->ndocs; i++)
    if (L->docs[i].kind == K_DS)
      build_datasource(L, &L->docs[i]);
  for (size_t i = 0; i < L->ndocs; i++)
    if (L->docs[i].kind == K_TARGET)
      build_target(L, &L->docs[i], L->docs[i].meta, L->docs[i].spec, L->docs[i].name);
  L->conds = xcalloc(L->ndocs + 1, sizeof *L->conds);
  for (size_t i = 0; i < L->ndocs; i++)
    if (L->docs[i].kind == K_COND)
      L->conds[i].ok = parse_condition(L, &L->docs[i], L->docs[i].meta, L->docs[i].spec, L->docs[i].name,
                                       &L->conds[i].c);
  for (size_t i = 0; i < L->ndocs; i++)
    if (L->docs[i].kind == K_POLICY)
      build_policy(L, &L->docs[i], L->docs[i].spec, L->docs[i].name, L->docs[i].name_node);
  for (size_t i = 0; i < L->ndocs; i++)
    if (L->docs[i].kind == K_SLI) { /* check each SLI once, even when no SLO uses it */
      struct sli s;
      parse_sli(L, &L->docs[i], L->docs[i].spec, L->docs[i].name, &s);
    }
  for (size_t i = 0; i < L->ndocs; i++)
    if (L->docs[i].kind == K_SLO)
      build_slo(L, &L->docs[i]);

  /* Pointers last: the arrays do not move any more. */
  for (size_t i = 0; i < c->nslos; i++) {
    struct hr_slo *s = &c->slos[i];
    s->source = &c->sources[L->ex[i].src];
    s->npolicies = L->ex[i].npol;
    s->policies = s->npolicies ? xcalloc(s->npolicies, sizeof *s->policies) : NULL;
    int over = 0;
    add_lookback(s, s->thr.burn_lookback_us, &over);
    for (size_t j = 0; j < s->npolicies; j++) {
      struct hr_alert_policy *p = &c->policies[L->ex[i].pol[j]];
      s->policies[j] = p;
      for (size_t k = 0; k < p->nconds; k++) {
        add_lookback(s, p->conds[k].long_us, &over);
        add_lookback(s, p->conds[k].short_us, &over);
      }
    }
    if (s->npolicies == 0) {
      static const int64_t defaults[] = {5 * US_MIN, 30 * US_MIN, US_HOUR, 2 * US_HOUR, 6 * US_HOUR, US_DAY, 3 * US_DAY};
      for (size_t k = 0; k < sizeof defaults / sizeof defaults[0]; k++)
        add_lookback(s, defaults[k], &over);
    }
    if (over)
      err_loc(L, &s->loc, "SLO '%s' uses more than %d distinct lookback windows", s->name, HR_MAX_LOOKBACKS);
  }
  if (c->db_path == NULL)
    c->db_path = path_join(c->base_dir, "headroom.db");
  if (c->listen == NULL)
    c->listen = xstrdup("127.0.0.1:8080");
}

static enum hr_rc finish(struct ld *L, enum hr_rc rc, struct hr_config **out) {
  if (rc == HR_OK || rc == HR_ERR_CONFIG)
    build(L);
  free_loader(L);
  if (rc == HR_OK && L->nerr > 0)
    rc = HR_ERR_CONFIG;
  if (rc != HR_OK) {
    config_free(L->c);
    return rc;
  }
  *out = L->c;
  return HR_OK;
}

enum hr_rc config_load(const char *path, int strict, struct hr_config **out, struct hr_diag *diag) {
  *out = NULL;
  struct ld L;
  memset(&L, 0, sizeof L);
  L.c = xcalloc(1, sizeof *L.c);
  L.diag = diag;
  L.strict = strict;
  struct stat st;
  enum hr_rc rc;
  if (stat(path, &st) != 0) {
    struct hr_loc l = {path, 0, 0};
    err_loc(&L, &l, "cannot open: %s", strerror(errno));
    free_loader(&L);
    config_free(L.c);
    return HR_ERR_IO;
  }
  if (S_ISDIR(st.st_mode)) {
    L.c->base_dir = xstrdup(path);
    rc = read_dir(&L, path);
  } else {
    L.c->base_dir = dir_of(path);
    rc = read_file(&L, path);
  }
  if (rc == HR_ERR_TOOBIG)
    rc = HR_ERR_CONFIG;
  if (rc != HR_OK && rc != HR_ERR_CONFIG) {
    free_loader(&L);
    config_free(L.c);
    return rc;
  }
  return finish(&L, rc, out);
}

enum hr_rc config_load_mem(const char *name, const char *buf, size_t n, int strict, struct hr_config **out,
                           struct hr_diag *diag) {
  *out = NULL;
  struct ld L;
  memset(&L, 0, sizeof L);
  L.c = xcalloc(1, sizeof *L.c);
  L.diag = diag;
  L.strict = strict;
  L.c->base_dir = dir_of(name);
  if (n > HR_CONFIG_MAX_BYTES) {
    struct hr_loc l = {name, 0, 0};
    err_loc(&L, &l, "file too big (a configuration file may have at most 4 MiB)");
    free_loader(&L);
    config_free(L.c);
    return HR_ERR_CONFIG;
  }
  unsigned char *copy = xmalloc(n + 1);
  if (n > 0)
    memcpy(copy, buf, n);
  add_file(&L, name, copy, n);
  return finish(&L, HR_OK, out);
}

/* ------------------------------------------------------------- free, find */

void config_free(struct hr_config *c) {
  if (c == NULL)
    return;
  for (size_t i = 0; i < c->nservices; i++) {
    free(c->services[i].name);
    free(c->services[i].display_name);
    free(c->services[i].description);
    free(c->services[i].gate_policy);
  }
  free(c->services);
  for (size_t i = 0; i < c->nsources; i++) {
    struct hr_datasource *s = &c->sources[i];
    free(s->name);
    free(s->type);
    free((char *)s->fmt.log_format);
    free((char *)s->fmt.duration_start);
    free((char *)s->fmt.duration_end);
    for (size_t j = 0; j < s->fmt.nmap; j++) {
      free((char *)s->map[j].dest);
      free((char *)s->map[j].key);
    }
    free(s->map);
    for (size_t j = 0; j < s->npaths; j++)
      free(s->paths[j]);
    free(s->paths);
    free(s->url);
    free(s->bearer_token);
    free(s->bearer_token_file);
    free(s->basic_user);
    free(s->basic_password);
    free(s->basic_password_file);
  }
  free(c->sources);
  for (size_t i = 0; i < c->nslos; i++)
    slo_free_fields(&c->slos[i]);
  free(c->slos);
  for (size_t i = 0; i < c->npolicies; i++) {
    struct hr_alert_policy *p = &c->policies[i];
    free(p->name);
    for (size_t j = 0; j < p->nconds; j++)
      cond_free(&p->conds[j]);
    free(p->conds);
    for (size_t j = 0; j < p->ntargets; j++)
      free(p->targets[j]);
    free(p->targets);
  }
  free(c->policies);
  for (size_t i = 0; i < c->ntargets; i++) {
    free(c->targets[i].name);
    free(c->targets[i].kind);
    free(c->targets[i].url);
  }
  free(c->targets);
  for (size_t i = 0; i < c->nfiles; i++)
    free(c->files[i]);
  free(c->files);
  free(c->db_path);
  free(c->listen);
  free(c->base_dir);
  free(c);
}

struct hr_slo *config_slo(const struct hr_config *c, const char *name) {
  for (size_t i = 0; i < c->nslos; i++)
    if (strcmp(c->slos[i].name, name) == 0)
      return &c->slos[i];
  return NULL;
}

struct hr_datasource *config_source(const struct hr_config *c, const char *name) {
  for (size_t i = 0; i < c->nsources; i++)
    if (strcmp(c->sources[i].name, name) == 0)
      return &c->sources[i];
  return NULL;
}
