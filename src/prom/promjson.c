/* promjson.c -- a strict scanner of the fixed shape of a Prometheus API
 * answer (prom_parse(), see prom.h):
 *
 *   {"status":"success","data":{"resultType":"matrix",
 *     "result":[{"metric":{...},"values":[[1700000000.5,"12"],...]}]},
 *    "warnings":["..."]}
 *   {"status":"error","errorType":"bad_data","error":"..."}
 *
 * Keys may come in any order; unknown keys are skipped (any JSON value, at
 * most MAX_DEPTH deep). Strings are read by core/json.h, under its one
 * policy (a lone surrogate, a raw control character or bytes that are not
 * UTF-8 make the answer malformed); as they are kept as C strings, one
 * holding \u0000 does too. Numbers follow the JSON grammar. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/json.h"
#include "prom/prom.h"
#include "util/xmalloc.h"

#define MAX_DEPTH 64

struct cur {
  const char *b, *p, *end;
  const char *why; /* first error */
  const char *at;
};

static int fail(struct cur *c, const char *why) {
  if (c->why == NULL) {
    c->why = why;
    c->at = c->p;
  }
  return -1;
}

static void ws(struct cur *c) {
  while (c->p < c->end && (*c->p == ' ' || *c->p == '\t' || *c->p == '\n' || *c->p == '\r'))
    c->p++;
}

static int peek(struct cur *c) {
  ws(c);
  return c->p < c->end ? (unsigned char)*c->p : -1;
}

static int eat(struct cur *c, char ch) {
  if (peek(c) != (unsigned char)ch)
    return fail(c, ch == ':' ? "expected ':'" : ch == '{' ? "expected an object" : "unexpected character");
  c->p++;
  return 0;
}

/* A string, read by core/json.h; *out (may be NULL: checked and skipped)
 * gets it decoded and NUL-terminated (malloc'd). */
static int str(struct cur *c, char **out) {
  if (peek(c) != '"')
    return fail(c, "expected a string");
  const char *close;
  int esc;
  enum hr_json_rc rc =
      out != NULL ? json_str_dup(c->p + 1, c->end, out, NULL, &close) : json_str_scan(c->p + 1, c->end, &close, &esc);
  if (rc != HR_JSON_OK) {
    c->p = close;
    return fail(c, json_strerror(rc));
  }
  c->p = close + 1;
  return 0;
}

/* Just after a list's or an object's opening bracket: 1 when an element
 * follows, 0 when it is empty (its close eaten). */
static int first(struct cur *c, char close) {
  if (peek(c) != close)
    return 1;
  c->p++;
  return 0;
}

/* After an element of a list or object that close ends: 1 when another
 * follows (the ',' eaten), 0 at its end (close eaten), else -1 with the
 * error msg. */
static int next(struct cur *c, char close, const char *msg) {
  int nx = peek(c);
  if (nx == ',' || nx == close) {
    c->p++;
    return nx == ',';
  }
  return fail(c, msg);
}

/* A JSON number (core/json.h's grammar); *out (may be NULL) gets its value. */
static int num(struct cur *c, double *out) {
  ws(c);
  const char *stop;
  int integer;
  double x;
  enum hr_json_rc rc = json_num_scan(c->p, c->end, &stop, &integer);
  if (rc == HR_JSON_OK)
    rc = json_num_value(c->p, (size_t)(stop - c->p), integer, &x);
  if (rc != HR_JSON_OK)
    return fail(c, json_strerror(rc));
  c->p = stop;
  if (out != NULL)
    *out = x;
  return 0;
}

static int lit(struct cur *c, const char *w) {
  size_t n = strlen(w);
  if ((size_t)(c->end - c->p) < n || memcmp(c->p, w, n) != 0)
    return fail(c, "unexpected character");
  c->p += n;
  return 0;
}

static int skip(struct cur *c, int depth) {
  if (depth > MAX_DEPTH)
    return fail(c, "nested too deep");
  int ch = peek(c);
  if (ch == '"')
    return str(c, NULL);
  if (ch == '{' || ch == '[') {
    char close = ch == '{' ? '}' : ']';
    c->p++;
    int more = first(c, close);
    while (more > 0) {
      if (ch == '{' && (str(c, NULL) != 0 || eat(c, ':') != 0))
        return -1;
      if (skip(c, depth + 1) != 0)
        return -1;
      more = next(c, close, "expected ',' or the end of a list or object");
    }
    return more;
  }
  if (ch == 't')
    return lit(c, "true");
  if (ch == 'f')
    return lit(c, "false");
  if (ch == 'n')
    return lit(c, "null");
  return num(c, NULL);
}

/* Iterate the members of an object: calls member(c, key, ctx) with the
 * cursor on the value; member consumes it. */
typedef int (*member_fn)(struct cur *c, const char *key, void *ctx);

static int object(struct cur *c, member_fn member, void *ctx) {
  if (eat(c, '{') != 0)
    return -1;
  int more = first(c, '}');
  while (more > 0) {
    char *key = NULL;
    if (str(c, &key) != 0)
      return -1;
    int rc = eat(c, ':') == 0 ? member(c, key, ctx) : -1;
    free(key);
    if (rc != 0)
      return -1;
    more = next(c, '}', "expected ',' or '}'");
  }
  return more;
}

/* [t, "v"] */
static int sample(struct cur *c, struct hr_prom_sample *s) {
  double t;
  char *v = NULL;
  if (eat(c, '[') != 0 || num(c, &t) != 0 || eat(c, ',') != 0 || str(c, &v) != 0)
    return -1;
  char *end;
  double x = strtod(v, &end);
  int bad = end == v || *end != '\0';
  free(v);
  if (bad)
    return fail(c, "a sample value is not a number");
  if (eat(c, ']') != 0)
    return -1;
  if (!(t > -9.2e15 && t < 9.2e15))
    return fail(c, "a sample time is out of range");
  s->t_ms = (int64_t)llround(t * 1000.0);
  s->v = x;
  return 0;
}

static void push_sample(struct hr_prom_series *se, size_t *cap, const struct hr_prom_sample *s) {
  if (se->n == *cap) {
    *cap = *cap ? *cap * 2 : 16;
    se->s = xrealloc(se->s, *cap * sizeof *se->s);
  }
  se->s[se->n++] = *s;
}

struct series_ctx {
  struct hr_prom_series *se;
  size_t cap;
};

static int series_member(struct cur *c, const char *key, void *ctx) {
  struct series_ctx *x = ctx;
  if (strcmp(key, "metric") == 0) {
    if (peek(c) != '{')
      return fail(c, "metric must be an object");
    const char *s = c->p;
    if (skip(c, 1) != 0)
      return -1;
    free(x->se->metric);
    x->se->metric = xstrndup(s, (size_t)(c->p - s));
    return 0;
  }
  if (strcmp(key, "value") == 0) {
    struct hr_prom_sample s;
    if (sample(c, &s) != 0)
      return -1;
    push_sample(x->se, &x->cap, &s);
    return 0;
  }
  if (strcmp(key, "values") == 0) {
    if (eat(c, '[') != 0)
      return -1;
    int more = first(c, ']');
    while (more > 0) {
      struct hr_prom_sample s;
      if (sample(c, &s) != 0)
        return -1;
      push_sample(x->se, &x->cap, &s);
      more = next(c, ']', "expected ',' or ']' in values");
    }
    return more;
  }
  return skip(c, 2); /* histogram(s), future keys */
}

struct data_ctx {
  struct hr_prom_result *r;
  char *type;
  int have_result;
  int scalar_shape; /* result was [t, "v"] */
};

static int data_member(struct cur *c, const char *key, void *ctx) {
  struct data_ctx *x = ctx;
  struct hr_prom_result *r = x->r;
  if (strcmp(key, "resultType") == 0) {
    free(x->type);
    x->type = NULL;
    return str(c, &x->type);
  }
  if (strcmp(key, "result") != 0)
    return skip(c, 2);
  if (x->have_result)
    return fail(c, "two results");
  x->have_result = 1;
  if (peek(c) != '[')
    return fail(c, "result must be a list");
  const char *lb = c->p++;
  int ch = peek(c);
  if (ch == ']') {
    c->p++;
    return 0;
  }
  if (ch != '{') { /* scalar or string: [t, "v"] */
    c->p = lb;
    struct hr_prom_sample s;
    r->series = xcalloc(1, sizeof *r->series);
    r->nseries = 1;
    r->series[0].metric = xstrdup("{}");
    size_t cap = 0;
    x->scalar_shape = 1;
    if (sample(c, &s) != 0)
      return -1;
    push_sample(&r->series[0], &cap, &s);
    return 0;
  }
  size_t cap = 0;
  int more = 1;
  while (more > 0) {
    if (r->nseries == cap) {
      cap = cap ? cap * 2 : 4;
      r->series = xrealloc(r->series, cap * sizeof *r->series);
    }
    struct hr_prom_series *se = &r->series[r->nseries++];
    memset(se, 0, sizeof *se);
    struct series_ctx sc = {se, 0};
    if (object(c, series_member, &sc) != 0)
      return -1;
    if (se->metric == NULL)
      se->metric = xstrdup("{}");
    more = next(c, ']', "expected ',' or ']' in result");
  }
  return more;
}

struct top_ctx {
  struct hr_prom_result *r;
  char *status, *etype, *error;
  struct data_ctx data;
  int have_data;
};

static int top_member(struct cur *c, const char *key, void *ctx) {
  struct top_ctx *x = ctx;
  char **dst = strcmp(key, "status") == 0      ? &x->status
               : strcmp(key, "errorType") == 0 ? &x->etype
               : strcmp(key, "error") == 0     ? &x->error
                                               : NULL;
  if (dst != NULL) {
    free(*dst);
    *dst = NULL;
    return str(c, dst);
  }
  if (strcmp(key, "data") == 0) {
    if (peek(c) == 'n') /* "data": null in some error answers */
      return lit(c, "null");
    if (x->have_data)
      return fail(c, "two data members");
    x->have_data = 1;
    return object(c, data_member, &x->data);
  }
  if (strcmp(key, "warnings") == 0 && peek(c) == '[') {
    c->p++;
    int more = first(c, ']');
    while (more > 0) {
      char *w = NULL;
      if (str(c, &w) != 0)
        return -1;
      if (x->r->warning == NULL)
        x->r->warning = w;
      else
        free(w);
      more = next(c, ']', "expected ',' or ']' in warnings");
    }
    return more;
  }
  return skip(c, 1);
}

void prom_result_free(struct hr_prom_result *r) {
  if (r == NULL)
    return;
  for (size_t i = 0; i < r->nseries; i++) {
    free(r->series[i].metric);
    free(r->series[i].s);
  }
  free(r->series);
  free(r->warning);
  memset(r, 0, sizeof *r);
}

enum hr_rc prom_parse(const char *buf, size_t n, struct hr_prom_result *out, struct hr_err *err) {
  memset(out, 0, sizeof *out);
  struct cur c = {buf, buf, buf + n, NULL, NULL};
  struct top_ctx x = {.r = out};
  x.data.r = out;
  int rc = object(&c, top_member, &x);
  if (rc == 0 && peek(&c) != -1)
    rc = fail(&c, "text after the answer");
  enum hr_rc ret = HR_OK;
  if (rc != 0) {
    ret = HR_FAIL(err, HR_ERR_PARSE, "not a Prometheus API answer: %s at byte %zu", c.why ? c.why : "malformed",
                  (size_t)((c.at ? c.at : c.p) - buf));
  } else if (x.status == NULL) {
    ret = HR_FAIL(err, HR_ERR_PARSE, "not a Prometheus API answer: no status");
  } else if (strcmp(x.status, "error") == 0) {
    ret = HR_FAIL(err, HR_ERR_IO, "%s%s%s", x.etype ? x.etype : "", x.etype ? ": " : "",
                  x.error ? x.error : "error without a message");
  } else if (strcmp(x.status, "success") != 0) {
    ret = HR_FAIL(err, HR_ERR_PARSE, "not a Prometheus API answer: status '%.40s'", x.status);
  } else if (!x.have_data || x.data.type == NULL || !x.data.have_result) {
    ret = HR_FAIL(err, HR_ERR_PARSE, "not a Prometheus API answer: no data.resultType and data.result");
  } else {
    const char *t = x.data.type;
    if (strcmp(t, "matrix") == 0)
      out->type = HR_PROM_MATRIX;
    else if (strcmp(t, "vector") == 0)
      out->type = HR_PROM_VECTOR;
    else if (strcmp(t, "scalar") == 0)
      out->type = HR_PROM_SCALAR;
    else if (strcmp(t, "string") == 0)
      out->type = HR_PROM_STRING;
    else
      ret = HR_FAIL(err, HR_ERR_PARSE, "not a Prometheus API answer: resultType '%.40s'", t);
    int scalar = out->type == HR_PROM_SCALAR || out->type == HR_PROM_STRING;
    if (ret == HR_OK && out->nseries > 0 && scalar != x.data.scalar_shape)
      ret = HR_FAIL(err, HR_ERR_PARSE, "not a Prometheus API answer: result does not match resultType '%s'", t);
    for (size_t i = 0; ret == HR_OK && out->type == HR_PROM_VECTOR && i < out->nseries; i++)
      if (out->series[i].n != 1)
        ret = HR_FAIL(err, HR_ERR_PARSE, "not a Prometheus API answer: a vector element without one value");
  }
  free(x.status);
  free(x.etype);
  free(x.error);
  free(x.data.type);
  if (ret != HR_OK)
    prom_result_free(out);
  return ret;
}
