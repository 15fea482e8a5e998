/* body.c -- see body.h. Moved out of api.c (POST /api/v1/annotations);
 * strings now go through core/json.h. */
#include "http/body.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/json.h"
#include "core/timeparse.h"
#include "util/imath.h"

static const char *ws(const char *p, const char *end) {
  while (p < end && (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r'))
    p++;
  return p;
}

/* The JSON string at *pp (its opening quote), decoded (malloc'd) by
 * json_str_dup(); *pp moves past it. NULL with *msg set when malformed. */
static char *jstring(const char **pp, const char *end, const char **msg) {
  char *s;
  const char *close;
  enum hr_json_rc rc = json_str_dup(*pp + 1, end, &s, NULL, &close);
  if (rc != HR_JSON_OK) {
    *msg = json_strerror(rc);
    return NULL;
  }
  *pp = close + 1;
  return s;
}

int body_parse_object(const char *p, const char *end, struct hr_jfield *fs, size_t nf, const char **msg) {
  p = ws(p, end);
  if (p >= end || *p != '{') {
    *msg = "expected a JSON object";
    return -1;
  }
  p = ws(p + 1, end);
  if (p < end && *p == '}')
    return ws(p + 1, end) == end ? 0 : (*msg = "trailing bytes after the object", -1);
  for (;;) {
    if (p >= end || *p != '"') {
      *msg = "expected a key";
      return -1;
    }
    char *key = jstring(&p, end, msg);
    if (key == NULL)
      return -1;
    p = ws(p, end);
    if (p >= end || *p != ':') {
      free(key);
      *msg = "expected ':'";
      return -1;
    }
    p = ws(p + 1, end);
    struct hr_jfield *fld = NULL;
    for (size_t i = 0; i < nf; i++)
      if (strcmp(fs[i].key, key) == 0)
        fld = &fs[i];
    free(key);
    if (fld != NULL && fld->present) {
      *msg = "duplicate key";
      return -1;
    }
    if (p < end && *p == '"') {
      char *s = jstring(&p, end, msg);
      if (s == NULL)
        return -1;
      if (fld != NULL) {
        fld->s = s;
        fld->present = 1;
      } else {
        free(s);
      }
    } else if (p < end && (*p == '-' || (*p >= '0' && *p <= '9'))) {
      const char *stop;
      int integer;
      double x = 0;
      if (json_num_scan(p, end, &stop, &integer) != HR_JSON_OK ||
          json_num_value(p, (size_t)(stop - p), integer, &x) != HR_JSON_OK || !isfinite(x)) {
        *msg = "bad number";
        return -1;
      }
      p = stop;
      if (fld != NULL) {
        fld->num = x;
        fld->is_num = 1;
        fld->present = 1;
      }
    } else if (end - p >= 4 && strncmp(p, "null", 4) == 0) {
      p += 4;
    } else if (end - p >= 4 && strncmp(p, "true", 4) == 0) {
      p += 4;
    } else if (end - p >= 5 && strncmp(p, "false", 5) == 0) {
      p += 5;
    } else {
      *msg = "values must be strings, numbers, true, false or null";
      return -1;
    }
    p = ws(p, end);
    if (p < end && *p == ',') {
      p = ws(p + 1, end);
      continue;
    }
    if (p < end && *p == '}' && ws(p + 1, end) == end)
      return 0;
    *msg = "expected ',' or '}'";
    return -1;
  }
}

int body_field_time(const struct hr_jfield *f, int64_t *s, int *has, char *err, size_t n) {
  *has = f->present;
  if (!f->present)
    return 0;
  if (f->is_num) {
    if (!(f->num > -1e12 && f->num < 1e12)) {
      snprintf(err, n, "\"%s\": UTC seconds out of range", f->key);
      return -1;
    }
    *s = (int64_t)floor(f->num);
    return 0;
  }
  int64_t us;
  char what[64];
  snprintf(what, sizeof what, "\"%s\"", f->key);
  if (time_parse_instant(what, f->s, &us, err, n) != 0)
    return -1;
  *s = floor_div(us, 1000000);
  return 0;
}
