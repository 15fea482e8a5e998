/* fmt_jsonl.c -- JSON lines with a field mapping (docs/config.md), including
 * pipeline/job records with a derived duration.
 *
 * One line is one JSON object. A strict, allocation-free scanner walks the
 * top-level object over (ptr, len); for each key that has an id (mapped by
 * the options, a standard field name, or a name a filter asked for through
 * fmt_jsonl_field()) it stores the value into the event:
 *   string -> HR_V_STR (a view into the line; when the string has escapes it
 *             is decoded into ev->scratch by core/json.h, \uXXXX incl.
 *             surrogate pairs to UTF-8), number -> HR_V_NUM (sv: its
 *             text), true/false -> HR_V_BOOL, null -> HR_V_NULL,
 *             object/array -> skipped (the field is left absent), but
 *             validated.
 * Every other key is validated and skipped. Duplicate keys: the last wins.
 * Keys are compared decoded (escapes and all), so "st\u0061tus" is status.
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
};

struct jsonl {
  struct jkey *keys; /* owned */
  int nkeys, capkeys;
  uint64_t mapped; /* ids filled by a mapping: never also by a key of their own name */
  double scale;    /* seconds per unit of a numeric duration */
  int derived;     /* duration from duration_start/duration_end */
};

static void add_key(struct jsonl *j, const char *key, size_t n, int id, int role) {
  if (j->nkeys == j->capkeys) {
    j->capkeys = j->capkeys ? 2 * j->capkeys : 32;
    j->keys = xrealloc(j->keys, (size_t)j->capkeys * sizeof *j->keys);
  }
  struct jkey *k = &j->keys[j->nkeys++];
  k->key = xstrndup(key, n);
  k->n = n;
  k->id = id;
  k->role = role;
}

static void jsonl_destroy(struct jsonl *j) {
  if (j == NULL)
    return;
  for (int i = 0; i < j->nkeys; i++)
    free(j->keys[i].key);
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

static int is_digit(int c) {
  return c >= '0' && c <= '9';
}

/* A JSON number at s->p: -?(0|[1-9][0-9]*)(.[0-9]+)?([eE][+-]?[0-9]+)?
 * *raw = its text, *plain = integer of at most 15 digits. */
static int scan_number(struct scan *s, struct hr_sv *raw, int *plain) {
  const char *p = s->p, *end = s->end;
  *plain = 1;
  if (p < end && *p == '-')
    p++;
  if (p >= end || !is_digit(*p))
    return HR_BAD_JSON;
  if (*p == '0')
    p++;
  else
    while (p < end && is_digit(*p))
      p++;
  if (p < end && *p == '.') {
    *plain = 0;
    if (++p >= end || !is_digit(*p))
      return HR_BAD_JSON;
    while (p < end && is_digit(*p))
      p++;
  }
  if (p < end && (*p == 'e' || *p == 'E')) {
    *plain = 0;
    if (++p < end && (*p == '+' || *p == '-'))
      p++;
    if (p >= end || !is_digit(*p))
      return HR_BAD_JSON;
    while (p < end && is_digit(*p))
      p++;
  }
  raw->p = s->p;
  raw->n = (size_t)(p - s->p);
  if (raw->n > 16)
    *plain = 0;
  s->p = p;
  return 0;
}

/* Value of a validated JSON number. Returns 0, or -1 when too long to convert. */
static int number_value(struct hr_sv raw, int plain, double *x) {
  if (plain) {
    int64_t v = 0;
    size_t i = raw.p[0] == '-';
    if (raw.n - i <= 15) {
      for (; i < raw.n; i++)
        v = v * 10 + (raw.p[i] - '0');
      *x = raw.p[0] == '-' ? -(double)v : (double)v;
      return 0;
    }
  }
  char buf[80];
  if (raw.n >= sizeof buf)
    return -1;
  memcpy(buf, raw.p, raw.n);
  buf[raw.n] = 0;
  *x = strtod(buf, NULL);
  return 0;
}

static int skip_value(struct scan *s, int depth);

/* Members or elements of an object/array at s->p ('{' or '['). */
static int skip_container(struct scan *s, int depth) {
  char close = *s->p == '{' ? '}' : ']';
  int obj = close == '}';
  if (depth > JSONL_MAX_DEPTH)
    return HR_BAD_JSON;
  s->p++;
  skip_ws(s);
  if (s->p < s->end && *s->p == close) {
    s->p++;
    return 0;
  }
  for (;;) {
    int rc;
    if (obj) {
      struct hr_sv raw;
      int esc;
      if (s->p >= s->end || *s->p != '"' || (rc = scan_string(s, &raw, &esc)) != 0)
        return HR_BAD_JSON;
      skip_ws(s);
      if (s->p >= s->end || *s->p != ':')
        return HR_BAD_JSON;
      s->p++;
      skip_ws(s);
    }
    if ((rc = skip_value(s, depth)) != 0)
      return rc;
    skip_ws(s);
    if (s->p >= s->end)
      return HR_BAD_JSON;
    if (*s->p == close) {
      s->p++;
      return 0;
    }
    if (*s->p != ',')
      return HR_BAD_JSON;
    s->p++;
    skip_ws(s);
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

/* A value at s->p, kept in *v (strings decoded into scratch when needed). */
static int read_value(struct scan *s, struct hr_val *v) {
  int rc, flag;
  if (s->p >= s->end)
    return HR_BAD_JSON;
  memset(v, 0, sizeof *v);
  switch (*s->p) {
  case '{':
  case '[': v->type = V_SKIPPED; return skip_container(s, 1);
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

int fmt_jsonl_parse(struct hr_format *f, const char *line, size_t len, struct hr_event *ev) {
  const struct jsonl *j = f->impl;
  struct scan s = {line, line + len, ev};
  struct hr_val tv = {0}, startv = {0}, endv = {0}; /* HR_V_NULL: not seen */
  int rc;
  event_reset(ev);
  if (len >= 3 && memcmp(line, "\xEF\xBB\xBF", 3) == 0) /* a UTF-8 BOM */
    s.p += 3;
  skip_ws(&s);
  if (s.p >= s.end || *s.p != '{')
    return HR_BAD_JSON;
  s.p++;
  skip_ws(&s);
  if (s.p < s.end && *s.p == '}') {
    s.p++;
  } else {
    for (;;) {
      struct hr_sv key;
      int esc;
      if (s.p >= s.end || *s.p != '"' || scan_string(&s, &key, &esc))
        return HR_BAD_JSON;
      skip_ws(&s);
      if (s.p >= s.end || *s.p != ':')
        return HR_BAD_JSON;
      s.p++;
      skip_ws(&s);
      /* a key with escapes is compared decoded (in a local buffer) */
      char kbuf[256];
      if (esc) {
        const char *close;
        size_t kn;
        int fits = json_str_decode(key.p, key.p + key.n + 1, kbuf, sizeof kbuf, &kn, &close) == HR_JSON_OK;
        key = fits ? sv_make(kbuf, kn) : sv_make(NULL, 0); /* too long: never matches */
      }
      const struct jkey *hit = NULL;
      int nhit = 0;
      for (int i = 0; i < j->nkeys; i++)
        if (j->keys[i].n == key.n && key.n > 0 && memcmp(j->keys[i].key, key.p, key.n) == 0) {
          if (nhit++ == 0)
            hit = &j->keys[i];
        }
      if (nhit == 0) {
        if ((rc = skip_value(&s, 0)) != 0)
          return rc;
      } else {
        struct hr_val v;
        if ((rc = read_value(&s, &v)) != 0)
          return rc;
        for (const struct jkey *k = hit; nhit > 0; k++) {
          if (k->n != key.n || memcmp(k->key, key.p, key.n) != 0)
            continue;
          nhit--;
          switch (k->role) {
          case R_TIME: tv = v; break;
          case R_DSTART: startv = v; break;
          case R_DEND: endv = v; break;
          default:
            if (v.type == V_SKIPPED) {
              ev->set &= ~((uint64_t)1 << k->id);
            } else {
              ev->f[k->id] = v;
              ev->set |= (uint64_t)1 << k->id;
            }
          }
        }
      }
      skip_ws(&s);
      if (s.p >= s.end)
        return HR_BAD_JSON;
      if (*s.p == '}') {
        s.p++;
        break;
      }
      if (*s.p != ',')
        return HR_BAD_JSON;
      s.p++;
      skip_ws(&s);
    }
  }
  skip_ws(&s);
  if (s.p != s.end)
    return HR_BAD_JSON; /* trailing garbage */

  if (time_value(&tv, &ev->ts_us))
    return HR_BAD_TIME;
  event_set_num(ev, HR_F_TIME, (double)ev->ts_us / 1e6, tv.sv.p, tv.sv.n);
  if (j->derived) {
    int64_t a, b;
    if (startv.type == HR_V_NULL || endv.type == HR_V_NULL) {
      event_set_null(ev, HR_F_DURATION);
    } else {
      if (time_value(&startv, &a) || time_value(&endv, &b))
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
