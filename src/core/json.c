/* json.c -- see json.h. One loop reads a string body for both the scan
 * (out == NULL) and the decode; the compiler makes a copy of it for each.
 * Runs of plain bytes (printable ASCII) are skipped eight at a time and,
 * when decoding, copied with one memcpy at the next escape or at the end. */
#include "core/json.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "util/xmalloc.h"

#define ONES UINT64_C(0x0101010101010101)
#define HIGHS UINT64_C(0x8080808080808080)

/* The high bit of each byte of v that is '"', '\\', < 0x20 or >= 0x80 (the
 * bytes that end a plain run). Exact for the first such byte in memory order
 * on a little-endian machine (borrows only run towards later bytes); a
 * non-zero result always means there is one. */
static inline uint64_t special8(uint64_t v) {
  uint64_t q = v ^ (ONES * '"'), b = v ^ (ONES * '\\');
  return (((q - ONES) & ~q) | ((b - ONES) & ~b) | ((v - ONES * 0x20) & ~v) | v) & HIGHS;
}

static inline int special(unsigned char c) {
  return c < 0x20 || c == '"' || c == '\\' || c >= 0x80;
}

/* The first special byte of the 8 at p, given special8() != 0. */
static inline const char *first_special(const char *p, uint64_t m) {
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
  return p + (__builtin_ctzll(m) >> 3);
#else
  (void)m;
  while (!special((unsigned char)*p))
    p++;
  return p;
#endif
}

/* Length of the well-formed UTF-8 sequence at p (lead byte >= 0x80), or 0
 * (RFC 3629 §4: no overlongs, no surrogates, nothing above U+10FFFF). */
static size_t utf8_seq(const unsigned char *p, const unsigned char *end) {
  unsigned c = p[0], lo = 0x80, hi = 0xBF;
  size_t len;
  if (c < 0xC2) /* a continuation byte, or the lead of an overlong 2-byte form */
    return 0;
  if (c < 0xE0) {
    len = 2;
  } else if (c < 0xF0) {
    len = 3;
    if (c == 0xE0)
      lo = 0xA0; /* overlong */
    else if (c == 0xED)
      hi = 0x9F; /* U+D800..U+DFFF */
  } else if (c < 0xF5) {
    len = 4;
    if (c == 0xF0)
      lo = 0x90; /* overlong */
    else if (c == 0xF4)
      hi = 0x8F; /* above U+10FFFF */
  } else {
    return 0;
  }
  if ((size_t)(end - p) < len || p[1] < lo || p[1] > hi)
    return 0;
  for (size_t i = 2; i < len; i++)
    if ((p[i] & 0xC0) != 0x80)
      return 0;
  return len;
}

static int hexval(unsigned char c) {
  if (c >= '0' && c <= '9')
    return c - '0';
  c |= 0x20; /* lower case */
  if (c >= 'a' && c <= 'f')
    return c - 'a' + 10;
  return -1;
}

/* Four hex digits at p (p + 4 <= end checked by the caller), or -1. */
static long hex4(const char *p) {
  int a = hexval((unsigned char)p[0]), b = hexval((unsigned char)p[1]), c = hexval((unsigned char)p[2]),
      d = hexval((unsigned char)p[3]);
  if ((a | b | c | d) < 0)
    return -1;
  return (long)a << 12 | b << 8 | c << 4 | d;
}

static size_t utf8_len(unsigned long cp) {
  return cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
}

static void utf8_put(char *o, unsigned long cp, size_t len) {
  switch (len) {
  case 1: o[0] = (char)cp; break;
  case 2:
    o[0] = (char)(0xC0 | cp >> 6);
    o[1] = (char)(0x80 | (cp & 0x3F));
    break;
  case 3:
    o[0] = (char)(0xE0 | cp >> 12);
    o[1] = (char)(0x80 | (cp >> 6 & 0x3F));
    o[2] = (char)(0x80 | (cp & 0x3F));
    break;
  default:
    o[0] = (char)(0xF0 | cp >> 18);
    o[1] = (char)(0x80 | (cp >> 12 & 0x3F));
    o[2] = (char)(0x80 | (cp >> 6 & 0x3F));
    o[3] = (char)(0x80 | (cp & 0x3F));
  }
}

/* The escape at p (a backslash, p + 1 < end): its code point into *cp and
 * the bytes it takes into *len; or an error. */
static enum hr_json_rc escape(const char *p, const char *end, unsigned long *cp, size_t *len) {
  *len = 2;
  switch (p[1]) {
  case '"':
  case '\\':
  case '/': *cp = (unsigned char)p[1]; return HR_JSON_OK;
  case 'b': *cp = '\b'; return HR_JSON_OK;
  case 'f': *cp = '\f'; return HR_JSON_OK;
  case 'n': *cp = '\n'; return HR_JSON_OK;
  case 'r': *cp = '\r'; return HR_JSON_OK;
  case 't': *cp = '\t'; return HR_JSON_OK;
  case 'u': break;
  default: return HR_JSON_BAD_ESCAPE;
  }
  long u = end - p >= 6 ? hex4(p + 2) : -1;
  if (u < 0)
    return HR_JSON_BAD_HEX;
  *len = 6;
  *cp = (unsigned long)u;
  if (u < 0xD800 || u > 0xDFFF)
    return HR_JSON_OK;
  if (u >= 0xDC00) /* a low half first */
    return HR_JSON_LONE_SURROGATE;
  long lo = end - p >= 12 && p[6] == '\\' && p[7] == 'u' ? hex4(p + 8) : -1;
  if (lo < 0xDC00 || lo > 0xDFFF)
    return HR_JSON_LONE_SURROGATE;
  *len = 12;
  *cp = 0x10000 + ((unsigned long)(u - 0xD800) << 10) + (unsigned long)(lo - 0xDC00);
  return HR_JSON_OK;
}

/* The string body at p: checked, and decoded into out[0..cap) unless out is
 * NULL. See json.h. */
static inline __attribute__((always_inline)) enum hr_json_rc body(const char *p, const char *end, char *out, size_t cap,
                                                                  size_t *n_out, const char **close, int *esc_out) {
  const char *run = p; /* raw bytes not yet copied to out */
  size_t n = 0;
  int esc = 0;
  enum hr_json_rc rc;
  for (;;) {
    while (end - p >= 8) {
      uint64_t v, m;
      memcpy(&v, p, 8);
      if ((m = special8(v)) != 0) {
        p = first_special(p, m);
        goto stop;
      }
      p += 8;
    }
    while (p < end && !special((unsigned char)*p))
      p++;
    if (p >= end) {
      rc = HR_JSON_UNTERMINATED;
      goto fail;
    }
  stop:;
    unsigned char c = (unsigned char)*p;
    if (c == '"')
      break;
    if (c >= 0x80) {
      size_t k = utf8_seq((const unsigned char *)p, (const unsigned char *)end);
      if (k == 0) {
        rc = HR_JSON_BAD_UTF8;
        goto fail;
      }
      p += k;
      continue;
    }
    if (c != '\\') {
      rc = HR_JSON_CONTROL;
      goto fail;
    }
    esc = 1;
    if (end - p < 2) {
      p = end;
      rc = HR_JSON_UNTERMINATED;
      goto fail;
    }
    unsigned long cp;
    size_t len;
    if ((rc = escape(p, end, &cp, &len)) != HR_JSON_OK)
      goto fail;
    if (out != NULL) {
      size_t k = (size_t)(p - run), need = utf8_len(cp);
      if (cap - n < k + need) {
        rc = HR_JSON_NOSPACE;
        goto fail;
      }
      memcpy(out + n, run, k);
      utf8_put(out + n + k, cp, need);
      n += k + need;
    }
    p += len;
    run = p;
  }
  if (out != NULL) {
    size_t k = (size_t)(p - run);
    if (cap - n < k) {
      rc = HR_JSON_NOSPACE;
      goto fail;
    }
    memcpy(out + n, run, k);
    n += k;
  }
  rc = HR_JSON_OK;
fail:
  *close = p;
  *n_out = n;
  *esc_out = esc;
  return rc;
}

enum hr_json_rc json_str_scan(const char *p, const char *end, const char **close, int *esc) {
  size_t n;
  return body(p, end, NULL, 0, &n, close, esc);
}

enum hr_json_rc json_str_decode(const char *p, const char *end, char *out, size_t cap, size_t *n, const char **close) {
  int esc;
  return body(p, end, out, cap, n, close, &esc);
}

enum hr_json_rc json_str_dup(const char *p, const char *end, char **out, size_t *n, const char **close) {
  int esc;
  size_t len;
  *out = NULL;
  enum hr_json_rc rc = json_str_scan(p, end, close, &esc);
  if (rc != HR_JSON_OK)
    return rc;
  char *s = xmalloc((size_t)(*close - p) + 1);
  if (esc) {
    json_str_decode(p, end, s, (size_t)(*close - p), &len, close); /* fits: never longer */
    if (memchr(s, 0, len) != NULL) {
      free(s);
      *close = p;
      return HR_JSON_NUL;
    }
  } else {
    len = (size_t)(*close - p);
    memcpy(s, p, len);
  }
  s[len] = '\0';
  *out = s;
  if (n != NULL)
    *n = len;
  return HR_JSON_OK;
}

const char *json_strerror(enum hr_json_rc rc) {
  switch (rc) {
  case HR_JSON_OK: return "no error";
  case HR_JSON_UNTERMINATED: return "unterminated string";
  case HR_JSON_CONTROL: return "control character in a string";
  case HR_JSON_BAD_ESCAPE: return "bad escape in a string";
  case HR_JSON_BAD_HEX: return "bad \\u escape";
  case HR_JSON_LONE_SURROGATE: return "unpaired surrogate in a \\u escape";
  case HR_JSON_BAD_UTF8: return "invalid UTF-8 in a string";
  case HR_JSON_NOSPACE: return "string too long";
  case HR_JSON_NUL: return "U+0000 in a string";
  case HR_JSON_NOT_NUMBER: return "expected a number";
  case HR_JSON_BAD_NUMBER: return "bad number";
  case HR_JSON_LONG_NUMBER: return "number too long";
  }
  return "bad string";
}

static int is_digit(int c) {
  return c >= '0' && c <= '9';
}

/* The digits from p: the first byte that is not one. */
static const char *digits(const char *p, const char *end) {
  while (p < end && is_digit(*p))
    p++;
  return p;
}

enum hr_json_rc json_num_scan(const char *p, const char *end, const char **stop, int *integer) {
  *integer = 1;
  if (p < end && *p == '-')
    p++;
  *stop = p;
  if (p >= end || !is_digit(*p))
    return HR_JSON_NOT_NUMBER; /* also after a lone '-' */
  p = *p == '0' ? p + 1 : digits(p, end);
  if (p < end && *p == '.') {
    *integer = 0;
    if (++p >= end || !is_digit(*p)) {
      *stop = p;
      return HR_JSON_BAD_NUMBER;
    }
    p = digits(p, end);
  }
  if (p < end && (*p == 'e' || *p == 'E')) {
    *integer = 0;
    if (++p < end && (*p == '+' || *p == '-'))
      p++;
    if (p >= end || !is_digit(*p)) {
      *stop = p;
      return HR_JSON_BAD_NUMBER;
    }
    p = digits(p, end);
  }
  *stop = p;
  return HR_JSON_OK;
}

enum hr_json_rc json_num_value(const char *p, size_t n, int integer, double *out) {
  size_t neg = n > 0 && p[0] == '-';
  if (integer && n - neg <= 15) {
    int64_t v = 0;
    for (size_t i = neg; i < n; i++)
      v = v * 10 + (p[i] - '0');
    *out = neg ? -(double)v : (double)v;
    return HR_JSON_OK;
  }
  if (n > HR_JSON_NUM_MAX)
    return HR_JSON_LONG_NUMBER;
  char buf[HR_JSON_NUM_MAX + 1];
  memcpy(buf, p, n);
  buf[n] = '\0';
  *out = strtod(buf, NULL);
  return HR_JSON_OK;
}
