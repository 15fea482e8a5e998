/* fmt_jsonl.c -- JSON lines with a field mapping (docs/formats.md), including
 * pipeline/job records with a derived duration.
 *
 * One line is one JSON object. A strict, allocation-free scanner walks the
 * top-level object over (ptr, len); for each key that has an id (mapped by
 * the options, a standard field name, or a name a filter asked for through
 * fmt_jsonl_field()) it stores the value into the event. A key with dots
 * (request.uri, request.headers.User-Agent.0) is a path as well: the
 * scanner walks into the objects (and arrays: a segment in decimal without
 * a leading zero is an index) the path names, and only those; a top-level
 * key spelled exactly as the whole path wins over the walk, wherever it
 * stands in the line (service.name: "a" over service: {name: "b"}). A key
 * with an empty segment (a..b, .a, a.) is only ever that exact key.
 * Keys are compiled into a tree (struct jnode) whose root's children are
 * the top-level names, so a line of flat keys costs what it did without
 * paths. Values:
 *   string -> HR_V_STR (a view into the line; when the string has escapes it
 *             is decoded into ev->scratch by core/json.h, \uXXXX incl.
 *             surrogate pairs to UTF-8), number -> HR_V_NUM (sv: its
 *             text), true/false -> HR_V_BOOL, null -> HR_V_NULL,
 *             object/array -> skipped (the field is left absent), but
 *             validated.
 * Every other key is validated and skipped. Duplicate keys: the last wins
 * (for each path on its own). Keys are compared decoded (escapes and all),
 * so "st\u0061tus" is status (a key written with escapes is compared only
 * when it decodes to at most 256 bytes).
 *
 * time: from the key mapped to "time" (default key "time"): an RFC 3339
 * string, or an epoch number (or numeric string) in seconds; an epoch above
 * 1e11 is taken as milliseconds (1e11 s is the year 5138, while 1e11 ms is
 * 1973: no real log is ambiguous). Sets ev->ts_us and HR_F_TIME (seconds).
 * A line without a usable time is HR_BAD_TIME.
 *
 * duration: with duration_start and duration_end set, duration = time(end)
 * - time(start) in seconds (each as the time above; may be negative), null
 * when either key is missing or null (a job that never completed); a
 * present but unreadable time there is HR_BAD_TIME. Otherwise a numeric
 * duration value (or numeric string) is multiplied by duration_scale (0 =
 * 1); a string like "250ms" is read as a duration.
 *
 * Malformed: not an object, trailing garbage, bad numbers, a string that
 * core/json.h rejects (bad escapes, lone surrogates, raw control bytes, raw
 * bytes that are not UTF-8), nesting deeper than JSONL_MAX_DEPTH ->
 * HR_BAD_JSON; decoded strings that overflow ev->scratch -> HR_BAD_TOOLONG. */
#include <stdlib.h>
#include <string.h>

#include "core/format_impl.h"
#include "core/json.h"
#include "core/timeparse.h"
#include "util/xmalloc.h"

#define JSONL_MAX_DEPTH 64 /* nesting of skipped objects/arrays */

enum role { R_FIELD, R_TIME, R_DSTART, R_DEND };

struct jkey {
  char *key; /* owned */
  size_t n;
  int id; /* R_FIELD: the field id */
  int role;
  int dotted; /* also reached by walking its dot-separated segments */
};

/* The keys as a tree of the names met while scanning a line: the root's
 * children are the exact top-level keys and the first segments of dotted
 * keys; a dotted key's node at the end of its walk, and its exact key at
 * the root, both name it as a target (the exact key marked `exact`). */
struct jtarget {
  int key; /* index into keys */
  int exact;
};

/* A child as its parent's lookup sees it: one contiguous array per node,
 * scanned with independent loads (the top level is scanned for every key
 * of every line). */
struct jkid {
  size_t n;
  const char *name; /* the child's */
  int index;        /* the name as an array index (decimal, no leading zero), else -1 */
  int node;
};

struct jnode {
  char *name; /* owned; NULL for the root */
  size_t n;
  struct jkid *kids; /* owned */
  int nkids;
  struct jtarget *t; /* owned */
  int nt;
};

struct jsonl {
  struct jkey *keys; /* owned */
  int nkeys, capkeys;
  struct jnode *nodes; /* owned; [0] is the root */
  int nnodes, capnodes;
  uint64_t mapped; /* ids filled by a mapping: never also by a key of their own name */
  double scale;    /* seconds per unit of a numeric duration */
  int derived;     /* duration from duration_start/duration_end */
};

/* Keys: one per field id at most (R_FIELD, R_TIME), and duration's start
 * and end. The per-line bit set of struct pctx has a bit for each. */
#define JSONL_MAX_KEYS 128
_Static_assert(JSONL_MAX_KEYS >= HR_MAX_FIELDS + 2, "a bit per key");

static int new_node(struct jsonl *j, const char *name, size_t n) {
  if (j->nnodes == j->capnodes) {
    j->capnodes = j->capnodes ? 2 * j->capnodes : 32;
    j->nodes = xrealloc(j->nodes, (size_t)j->capnodes * sizeof *j->nodes);
  }
  struct jnode *d = &j->nodes[j->nnodes];
  memset(d, 0, sizeof *d);
  d->name = name ? xstrndup(name, n) : NULL;
  d->n = n;
  return j->nnodes++;
}

/* The child of node named (name, n), created when missing. */
static int child_of(struct jsonl *j, int node, const char *name, size_t n) {
  for (int i = 0; i < j->nodes[node].nkids; i++) {
    const struct jkid *k = &j->nodes[node].kids[i];
    if (k->n == n && memcmp(k->name, name, n) == 0)
      return k->node;
  }
  int c = new_node(j, name, n);
  struct jnode *d = &j->nodes[node]; /* after new_node(): the array may have moved */
  d->kids = xrealloc(d->kids, (size_t)(d->nkids + 1) * sizeof *d->kids);
  struct jkid *k = &d->kids[d->nkids++];
  k->n = n;
  k->name = j->nodes[c].name;
  k->node = c;
  k->index = -1;
  if (n > 0 && n <= 9 && (name[0] != '0' || n == 1)) {
    int x = 0;
    for (size_t i = 0; i < n && x >= 0; i++)
      x = name[i] >= '0' && name[i] <= '9' ? x * 10 + (name[i] - '0') : -1;
    k->index = x;
  }
  return c;
}

static void add_target(struct jsonl *j, int node, int key, int exact) {
  struct jnode *d = &j->nodes[node];
  d->t = xrealloc(d->t, (size_t)(d->nt + 1) * sizeof *d->t);
  d->t[d->nt].key = key;
  d->t[d->nt].exact = exact;
  d->nt++;
}

static void add_key(struct jsonl *j, const char *key, size_t n, int id, int role) {
  if (j->nkeys == j->capkeys) {
    j->capkeys = j->capkeys ? 2 * j->capkeys : 32;
    j->keys = xrealloc(j->keys, (size_t)j->capkeys * sizeof *j->keys);
  }
  int ki = j->nkeys++;
  struct jkey *k = &j->keys[ki];
  k->key = xstrndup(key, n);
  k->n = n;
  k->id = id;
  k->role = role;
  /* a dotted key without empty segments is also a path */
  k->dotted = memchr(key, '.', n) != NULL && key[0] != '.' && key[n - 1] != '.';
  for (size_t i = 1; i < n && k->dotted; i++)
    if (key[i] == '.' && key[i - 1] == '.')
      k->dotted = 0;
  if (j->nnodes == 0)
    new_node(j, NULL, 0);
  add_target(j, child_of(j, 0, key, n), ki, 1);
  if (k->dotted) {
    int node = 0;
    for (const char *p = key, *end = key + n; p < end;) {
      const char *dot = memchr(p, '.', (size_t)(end - p));
      const char *e = dot ? dot : end;
      node = child_of(j, node, p, (size_t)(e - p));
      p = dot ? dot + 1 : end;
    }
    add_target(j, node, ki, 0);
  }
}

static void jsonl_destroy(struct jsonl *j) {
  if (j == NULL)
    return;
  for (int i = 0; i < j->nkeys; i++)
    free(j->keys[i].key);
  for (int i = 0; i < j->nnodes; i++) {
    free(j->nodes[i].name);
    free(j->nodes[i].kids);
    free(j->nodes[i].t);
  }
  free(j->nodes);
  free(j->keys);
  free(j);
}

void fmt_jsonl_free(struct hr_format *f) {
  jsonl_destroy(f->impl);
  f->impl = NULL;
}

enum hr_rc fmt_jsonl_new(const struct hr_format_opts *o, struct hr_format *f, struct hr_err *err) {
  struct jsonl *j = xcalloc(1, sizeof *j);
  enum hr_rc rc = HR_OK;
  const char *timekey = "time";
  j->scale = o->duration_scale == 0 ? 1 : o->duration_scale;
  if (!(j->scale > 0 && j->scale < 1e12)) {
    rc = HR_FAIL(err, HR_ERR_CONFIG, "jsonl: duration_scale must be positive, not %g", o->duration_scale);
    goto fail;
  }
  if ((o->duration_start == NULL) != (o->duration_end == NULL) ||
      (o->duration_start != NULL && (!*o->duration_start || !*o->duration_end))) {
    rc = HR_FAIL(err, HR_ERR_CONFIG, "jsonl: duration_start and duration_end must be set together");
    goto fail;
  }
  j->derived = o->duration_start != NULL;
  for (size_t i = 0; i < o->nmap; i++) {
    const struct hr_jsonl_map *m = &o->map[i];
    if (m->dest == NULL || m->key == NULL || !*m->dest || !*m->key) {
      rc = HR_FAIL(err, HR_ERR_CONFIG, "jsonl: mapping %zu: empty field name or key", i + 1);
      goto fail;
    }
    int id = format_add_field(f, m->dest, strlen(m->dest));
    if (id < 0) {
      rc = HR_FAIL(err, HR_ERR_CONFIG, "jsonl: too many fields (limit %d)", HR_MAX_FIELDS);
      goto fail;
    }
    if (j->mapped >> id & 1) {
      rc = HR_FAIL(err, HR_ERR_CONFIG, "jsonl: field '%s' is mapped twice", m->dest);
      goto fail;
    }
    if (id == HR_F_DURATION && j->derived) {
      rc = HR_FAIL(err, HR_ERR_CONFIG,
                   "jsonl: 'duration' is derived from duration_start/duration_end; do not map it too");
      goto fail;
    }
    j->mapped |= (uint64_t)1 << id;
    if (id == HR_F_TIME)
      timekey = m->key;
    else
      add_key(j, m->key, strlen(m->key), id, R_FIELD);
  }
  j->mapped |= (uint64_t)1 << HR_F_TIME;
  add_key(j, timekey, strlen(timekey), HR_F_TIME, R_TIME);
  if (j->derived) {
    j->mapped |= (uint64_t)1 << HR_F_DURATION;
    add_key(j, o->duration_start, strlen(o->duration_start), -1, R_DSTART);
    add_key(j, o->duration_end, strlen(o->duration_end), -1, R_DEND);
  }
  /* standard fields are read from keys of their own name unless mapped */
  for (int id = 0; id < HR_F_NSTD; id++)
    if (!(j->mapped >> id & 1))
      add_key(j, hr_std_field_names[id], strlen(hr_std_field_names[id]), id, R_FIELD);
  f->impl = j;
  return HR_OK;
fail:
  jsonl_destroy(j);
  return rc;
}

int fmt_jsonl_field(struct hr_format *f, const char *name, size_t n) {
  int id = format_add_field(f, name, n);
  struct jsonl *j = f->impl;
  if (id < 0 || j == NULL || (j->mapped >> id & 1))
    return id;
  for (int i = 0; i < j->nkeys; i++)
    if (j->keys[i].role == R_FIELD && j->keys[i].id == id)
      return id; /* already read from its own name */
  add_key(j, name, n, id, R_FIELD);
  return id;
}

/* ------------------------------------------------------------ scanner */

#define V_SKIPPED 0xff /* hr_val.type of an object or array */

struct scan {
  const char *p, *end;
  struct hr_event *ev;
};

static void skip_ws(struct scan *s) {
  while (s->p < s->end && (*s->p == ' ' || *s->p == '\t' || *s->p == '\n' || *s->p == '\r'))
    s->p++;
}

/* A string at s->p (the opening quote), checked by json_str_scan() (the
 * policy of core/json.h); *raw = the text between the quotes, *esc = it
 * holds escapes. Returns 0 or HR_BAD_JSON. */
static int scan_string(struct scan *s, struct hr_sv *raw, int *esc) {
  const char *close;
  if (json_str_scan(s->p + 1, s->end, &close, esc) != HR_JSON_OK)
    return HR_BAD_JSON;
  raw->p = s->p + 1;
  raw->n = (size_t)(close - raw->p);
  s->p = close + 1;
  return 0;
}

/* Decode a checked raw string with escapes into ev->scratch. Returns 0 or
 * HR_BAD_TOOLONG when scratch is full. */
static int decode_string(struct hr_event *ev, struct hr_sv raw, struct hr_sv *out) {
  const char *close;
  size_t n;
  char *o = ev->scratch + ev->scratch_len;
  if (json_str_decode(raw.p, raw.p + raw.n + 1, o, HR_EVENT_SCRATCH - ev->scratch_len, &n, &close) != HR_JSON_OK)
    return HR_BAD_TOOLONG; /* checked already: only the room can run out */
  *out = sv_make(o, n);
  ev->scratch_len += n;
  return 0;
}

/* The JSON number at s->p (core/json.h's grammar): *raw = its text,
 * *integer = neither fraction nor exponent. */
static int scan_number(struct scan *s, struct hr_sv *raw, int *integer) {
  const char *stop;
  if (json_num_scan(s->p, s->end, &stop, integer) != HR_JSON_OK)
    return HR_BAD_JSON;
  raw->p = s->p;
  raw->n = (size_t)(stop - s->p);
  s->p = stop;
  return 0;
}

/* Value of a scanned JSON number. Returns 0, or -1 when too long to convert. */
static int number_value(struct hr_sv raw, int integer, double *x) {
  return json_num_value(raw.p, raw.n, integer, x) == HR_JSON_OK ? 0 : -1;
}

static int skip_value(struct scan *s, int depth);

#define AT_CLOSE (-1) /* open_container(), next_member(): the container ended */

/* The opening of a container at s->p ('{' or '[', at depth): AT_CLOSE when
 * it is empty (and consumed), 0 when members follow, or HR_BAD_JSON when
 * too deep. *close is its closing byte. */
static int open_container(struct scan *s, int depth, char *close) {
  *close = *s->p == '{' ? '}' : ']';
  if (depth > JSONL_MAX_DEPTH)
    return HR_BAD_JSON;
  s->p++;
  skip_ws(s);
  if (s->p < s->end && *s->p == *close) {
    s->p++;
    return AT_CLOSE;
  }
  return 0;
}

/* A member's key and its ':' at s->p: *raw and *esc as scan_string(). */
static int member_key(struct scan *s, struct hr_sv *raw, int *esc) {
  if (s->p >= s->end || *s->p != '"' || scan_string(s, raw, esc))
    return HR_BAD_JSON;
  skip_ws(s);
  if (s->p >= s->end || *s->p != ':')
    return HR_BAD_JSON;
  s->p++;
  skip_ws(s);
  return 0;
}

/* After a member or an element: AT_CLOSE at the container's close, 0 after
 * a comma (both consumed), or HR_BAD_JSON. */
static int next_member(struct scan *s, char close) {
  skip_ws(s);
  if (s->p >= s->end)
    return HR_BAD_JSON;
  if (*s->p == close) {
    s->p++;
    return AT_CLOSE;
  }
  if (*s->p != ',')
    return HR_BAD_JSON;
  s->p++;
  skip_ws(s);
  return 0;
}

/* Members or elements of an object/array at s->p ('{' or '['), not kept. */
static int skip_container(struct scan *s, int depth) {
  char close;
  int rc = open_container(s, depth, &close);
  if (rc != 0)
    return rc == AT_CLOSE ? 0 : rc;
  for (;;) {
    struct hr_sv raw;
    int esc;
    if (close == '}' && (rc = member_key(s, &raw, &esc)) != 0)
      return rc;
    if ((rc = skip_value(s, depth)) != 0 || (rc = next_member(s, close)) != 0)
      return rc == AT_CLOSE ? 0 : rc;
  }
}

static int expect_word(struct scan *s, const char *w, size_t n) {
  if ((size_t)(s->end - s->p) < n || memcmp(s->p, w, n) != 0)
    return HR_BAD_JSON;
  s->p += n;
  return 0;
}

/* Any value at s->p, not kept. */
static int skip_value(struct scan *s, int depth) {
  if (s->p >= s->end)
    return HR_BAD_JSON;
  struct hr_sv raw;
  int flag;
  switch (*s->p) {
  case '{':
  case '[': return skip_container(s, depth + 1);
  case '"': return scan_string(s, &raw, &flag);
  case 't': return expect_word(s, "true", 4);
  case 'f': return expect_word(s, "false", 5);
  case 'n': return expect_word(s, "null", 4);
  default: return scan_number(s, &raw, &flag);
  }
}

/* A value at s->p, kept in *v (strings decoded into scratch when needed);
 * a container (inside one at depth) is skipped. */
static int read_value(struct scan *s, struct hr_val *v, int depth) {
  int rc, flag;
  if (s->p >= s->end)
    return HR_BAD_JSON;
  memset(v, 0, sizeof *v);
  switch (*s->p) {
  case '{':
  case '[': v->type = V_SKIPPED; return skip_container(s, depth + 1);
  case '"':
    if ((rc = scan_string(s, &v->sv, &flag)) != 0)
      return rc;
    v->type = HR_V_STR;
    return flag ? decode_string(s->ev, v->sv, &v->sv) : 0;
  case 't':
    v->type = HR_V_BOOL;
    v->num = 1;
    return expect_word(s, "true", 4);
  case 'f': v->type = HR_V_BOOL; return expect_word(s, "false", 5);
  case 'n': v->type = HR_V_NULL; return expect_word(s, "null", 4);
  default:
    if ((rc = scan_number(s, &v->sv, &flag)) != 0)
      return rc;
    v->type = HR_V_NUM;
    return number_value(v->sv, flag, &v->num) ? HR_BAD_NUMBER : 0;
  }
}

/* Whole-text decimal number in a string ("1711670400.5"); 0 or -1. */
static int str_number(struct hr_sv t, double *x) {
  struct scan s = {t.p, t.p + t.n, NULL};
  struct hr_sv raw;
  int plain;
  if (t.n == 0 || scan_number(&s, &raw, &plain) || s.p != s.end)
    return -1;
  return number_value(raw, plain, x);
}

/* A time value (see the top of the file) to microseconds; 0 or -1. */
static int time_value(const struct hr_val *v, int64_t *us) {
  double x;
  if (v->type == HR_V_STR) {
    if (time_parse_rfc3339(v->sv.p, v->sv.n, us) == 0)
      return 0;
    if (str_number(v->sv, &x))
      return -1;
  } else if (v->type == HR_V_NUM) {
    x = v->num;
  } else {
    return -1;
  }
  if (!(x >= 0 && x < 1e15)) /* NaN, negative, or past the year 33658 in ms */
    return -1;
  if (x > 1e11) { /* milliseconds */
    *us = (int64_t)(x * 1000.0 + 0.5);
    return 0;
  }
  if (time_parse_epoch(v->sv.p, v->sv.n, us) == 0) /* exact for plain decimals */
    return 0;
  *us = (int64_t)(x * 1e6 + 0.5);
  return 0;
}

/* What one line's scan collects besides ev's fields. */
struct pctx {
  const struct jsonl *j;
  struct hr_val tv, startv, endv;      /* HR_V_NULL: not seen */
  uint64_t exact[JSONL_MAX_KEYS / 64]; /* dotted keys set by their exact top-level key */
};

/* Value v reached node d (exactly at the top level, or by a walk). */
static void deliver(struct pctx *c, struct hr_event *ev, const struct jnode *d, const struct hr_val *v) {
  for (int i = 0; i < d->nt; i++) {
    const struct jtarget *t = &d->t[i];
    const struct jkey *k = &c->j->keys[t->key];
    if (k->dotted) { /* the exact key wins over the walk, wherever it stands */
      uint64_t bit = (uint64_t)1 << (t->key & 63), *w = &c->exact[t->key >> 6];
      if (t->exact)
        *w |= bit;
      else if (*w & bit)
        continue;
    }
    switch (k->role) {
    case R_TIME: c->tv = *v; break;
    case R_DSTART: c->startv = *v; break;
    case R_DEND: c->endv = *v; break;
    default: {
      uint64_t bit = (uint64_t)1 << k->id;
      if (v->type == V_SKIPPED) {
        ev->set &= ~bit;
      } else {
        ev->f[k->id] = *v;
        ev->set |= bit;
        if (v->type == HR_V_NULL)
          ev->nulls |= bit;
      }
    }
    }
  }
}

/* The child of node d named key, or NULL. */
static const struct jnode *find_child(const struct jsonl *j, const struct jnode *d, struct hr_sv key) {
  const struct jkid *k = d->kids, *end = k + d->nkids;
  for (; k < end; k++)
    if (k->n == key.n && memcmp(k->name, key.p, key.n) == 0)
      return &j->nodes[k->node];
  return NULL;
}

/* The child of node d that is array index i, or NULL. */
static const struct jnode *find_index(const struct jsonl *j, const struct jnode *d, int i) {
  for (int c = 0; c < d->nkids; c++)
    if (d->kids[c].index == i)
      return &j->nodes[d->kids[c].node];
  return NULL;
}

static int scan_container(struct scan *s, struct pctx *c, const struct jnode *d, int depth);

/* The value at s->p, which reached node x inside a container at depth:
 * walked into when x has children and it is a container, else kept for
 * x's targets. */
static int member_value(struct scan *s, struct pctx *c, const struct jnode *x, int depth) {
  int rc;
  if (x->nkids > 0 && s->p < s->end && (*s->p == '{' || *s->p == '[')) {
    if (x->nt > 0) {
      struct hr_val v = {.type = V_SKIPPED};
      deliver(c, s->ev, x, &v);
    }
    return scan_container(s, c, x, depth + 1);
  }
  struct hr_val v;
  if ((rc = read_value(s, &v, depth)) != 0)
    return rc;
  deliver(c, s->ev, x, &v);
  return 0;
}

/* The object or array at s->p ('{' or '['), at depth (the line's object is
 * 0), against node d's children: an object's members by name, an array's
 * elements by index. Every byte is checked whether or not a value is kept;
 * skip_container() does the same for what no key names. */
static int scan_container(struct scan *s, struct pctx *c, const struct jnode *d, int depth) {
  char close;
  int rc = open_container(s, depth, &close);
  if (rc != 0)
    return rc == AT_CLOSE ? 0 : rc;
  for (int i = 0;; i++) {
    const struct jnode *x;
    if (close == '}') {
      struct hr_sv key;
      int esc;
      if ((rc = member_key(s, &key, &esc)) != 0)
        return rc;
      /* a key with escapes is compared decoded (in a local buffer) */
      char kbuf[256];
      if (esc) {
        const char *kclose;
        size_t kn;
        int fits = json_str_decode(key.p, key.p + key.n + 1, kbuf, sizeof kbuf, &kn, &kclose) == HR_JSON_OK;
        key = fits ? sv_make(kbuf, kn) : sv_make(NULL, 0); /* too long: never matches */
      }
      x = key.n > 0 ? find_child(c->j, d, key) : NULL;
    } else {
      x = find_index(c->j, d, i);
    }
    if ((rc = x == NULL ? skip_value(s, depth) : member_value(s, c, x, depth)) != 0 ||
        (rc = next_member(s, close)) != 0)
      return rc == AT_CLOSE ? 0 : rc;
  }
}

int fmt_jsonl_parse(struct hr_format *f, const char *line, size_t len, struct hr_event *ev) {
  const struct jsonl *j = f->impl;
  struct scan s = {line, line + len, ev};
  struct pctx c = {.j = j}; /* tv, startv, endv: HR_V_NULL, not seen */
  int rc;
  event_reset(ev);
  if (len >= 3 && memcmp(line, "\xEF\xBB\xBF", 3) == 0) /* a UTF-8 BOM */
    s.p += 3;
  skip_ws(&s);
  if (s.p >= s.end || *s.p != '{')
    return HR_BAD_JSON;
  if ((rc = scan_container(&s, &c, &j->nodes[0], 0)) != 0)
    return rc;
  skip_ws(&s);
  if (s.p != s.end)
    return HR_BAD_JSON; /* trailing garbage */

  if (time_value(&c.tv, &ev->ts_us))
    return HR_BAD_TIME;
  event_set_num(ev, HR_F_TIME, (double)ev->ts_us / 1e6, c.tv.sv.p, c.tv.sv.n);
  if (j->derived) {
    int64_t a, b;
    if (c.startv.type == HR_V_NULL || c.endv.type == HR_V_NULL) {
      event_set_null(ev, HR_F_DURATION);
    } else {
      if (time_value(&c.startv, &a) || time_value(&c.endv, &b))
        return HR_BAD_TIME;
      event_set_num(ev, HR_F_DURATION, (double)(b - a) / 1e6, NULL, 0);
    }
  } else if (ev->set >> HR_F_DURATION & 1) {
    struct hr_val *d = &ev->f[HR_F_DURATION];
    double x;
    int64_t us;
    if (d->type == HR_V_NUM) {
      d->num *= j->scale;
    } else if (d->type == HR_V_STR) {
      if (str_number(d->sv, &x) == 0)
        event_set_num(ev, HR_F_DURATION, x * j->scale, d->sv.p, d->sv.n);
      else if (duration_parse(d->sv.p, d->sv.n, &us) == 0)
        event_set_num(ev, HR_F_DURATION, (double)us / 1e6, d->sv.p, d->sv.n);
    }
  }
  return 0;
}
