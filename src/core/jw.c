/* jw.c -- see jw.h. */
#include "core/jw.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/timeparse.h"

void jw_init(struct hr_jw *w, FILE *f, int pretty) {
  memset(w, 0, sizeof *w);
  w->f = f;
  w->pretty = pretty;
}

static void indent(struct hr_jw *w) {
  if (!w->pretty)
    return;
  fputc('\n', w->f);
  for (int i = 0; i < w->depth; i++)
    fputs("  ", w->f);
}

/* Length of the well-formed UTF-8 sequence at s[0..n) (n > 0, s[0] >= 0x80),
 * or 0 when it is not one (RFC 3629: no overlongs, surrogates or code points
 * above U+10FFFF). */
static size_t utf8_len(const unsigned char *s, size_t n) {
  unsigned c = s[0];
  size_t len = (c & 0xe0) == 0xc0 ? 2 : (c & 0xf0) == 0xe0 ? 3 : (c & 0xf8) == 0xf0 ? 4 : 0;
  if (len == 0 || len > n || c < 0xc2)
    return 0;
  unsigned cp = len == 2 ? c & 0x1f : len == 3 ? c & 0x0f : c & 0x07;
  for (size_t k = 1; k < len; k++) {
    if ((s[k] & 0xc0) != 0x80)
      return 0;
    cp = cp << 6 | (s[k] & 0x3f);
  }
  if ((len == 3 && (cp < 0x800 || (cp >= 0xd800 && cp <= 0xdfff))) || (len == 4 && (cp < 0x10000 || cp > 0x10ffff)))
    return 0;
  return len;
}

void jw_escape(FILE *f, const char *s, size_t n) {
  fputc('"', f);
  for (size_t i = 0; i < n; i++) {
    unsigned char c = (unsigned char)s[i];
    if (c >= 0x80) { /* valid UTF-8 as is; any other byte as U+FFFD, so the output is always JSON */
      size_t len = utf8_len((const unsigned char *)s + i, n - i);
      if (len == 0)
        fputs("\\ufffd", f);
      else
        fwrite(s + i, 1, len, f);
      i += len ? len - 1 : 0;
      continue;
    }
    switch (c) {
    case '"': fputs("\\\"", f); break;
    case '\\': fputs("\\\\", f); break;
    case '\n': fputs("\\n", f); break;
    case '\r': fputs("\\r", f); break;
    case '\t': fputs("\\t", f); break;
    default:
      if (c < 0x20 || c == 0x7f)
        fprintf(f, "\\u%04x", c);
      else
        fputc(c, f);
    }
  }
  fputc('"', f);
}

static void member(struct hr_jw *w, const char *key) {
  if (w->depth > 0) {
    if (w->count[w->depth - 1]++ > 0)
      fputc(',', w->f);
    indent(w);
  }
  if (key != NULL) {
    jw_escape(w->f, key, strlen(key));
    fputs(w->pretty ? ": " : ":", w->f);
  }
}

static void open_(struct hr_jw *w, const char *key, char c) {
  member(w, key);
  fputc(c, w->f);
  if (w->depth < HR_JW_DEPTH)
    w->count[w->depth] = 0;
  w->depth++;
}

static void close_(struct hr_jw *w, char c) {
  w->depth--;
  if (w->depth < HR_JW_DEPTH && w->count[w->depth] > 0)
    indent(w);
  fputc(c, w->f);
  if (w->depth == 0)
    fputc('\n', w->f);
}

void jw_obj(struct hr_jw *w, const char *key) {
  open_(w, key, '{');
}
void jw_obj_end(struct hr_jw *w) {
  close_(w, '}');
}
void jw_arr(struct hr_jw *w, const char *key) {
  open_(w, key, '[');
}
void jw_arr_end(struct hr_jw *w) {
  close_(w, ']');
}

void jw_str(struct hr_jw *w, const char *key, const char *s) {
  if (s == NULL) {
    jw_null(w, key);
    return;
  }
  jw_strn(w, key, s, strlen(s));
}

void jw_strn(struct hr_jw *w, const char *key, const char *s, size_t n) {
  member(w, key);
  jw_escape(w->f, s, n);
}

void jw_num(struct hr_jw *w, const char *key, double x) {
  member(w, key);
  if (!isfinite(x)) {
    fputs("null", w->f);
    return;
  }
  if (x == 0)
    x = 0; /* no "-0" */
  if (x == (double)(int64_t)x && fabs(x) < 1e15)
    fprintf(w->f, "%lld", (long long)x);
  else {
    /* Shortest text that reads back as the same double (0.999, not 0.99899999999999999). */
    char buf[40];
    for (int prec = 15; prec <= 17; prec++) {
      snprintf(buf, sizeof buf, "%.*g", prec, x);
      if (strtod(buf, NULL) == x)
        break;
    }
    fputs(buf, w->f);
  }
}

void jw_int(struct hr_jw *w, const char *key, int64_t x) {
  member(w, key);
  fprintf(w->f, "%lld", (long long)x);
}

void jw_uint(struct hr_jw *w, const char *key, uint64_t x) {
  member(w, key);
  fprintf(w->f, "%llu", (unsigned long long)x);
}

void jw_bool(struct hr_jw *w, const char *key, int b) {
  member(w, key);
  fputs(b ? "true" : "false", w->f);
}

void jw_null(struct hr_jw *w, const char *key) {
  member(w, key);
  fputs("null", w->f);
}

void jw_time(struct hr_jw *w, const char *key, int64_t us) {
  char b[40];
  if (us == INT64_MIN)
    jw_null(w, key);
  else
    jw_str(w, key, time_format_rfc3339(us, b, sizeof b));
}
