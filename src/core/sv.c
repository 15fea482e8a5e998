/* sv.c -- see sv.h. */
#include "core/sv.h"

#include <string.h>

int sv_eq(struct hr_sv a, const char *s, size_t n) {
  return a.n == n && (n == 0 || memcmp(a.p, s, n) == 0);
}

int sv_eqz(struct hr_sv a, const char *s) {
  return sv_eq(a, s, strlen(s));
}

int sv_until(const char **cur, const char *end, char delim, struct hr_sv *out) {
  const char *p = *cur;
  const char *q = memchr(p, delim, (size_t)(end - p));
  if (q == NULL)
    return -1;
  out->p = p;
  out->n = (size_t)(q - p);
  *cur = q + 1;
  return 0;
}

int sv_until_or_end(const char **cur, const char *end, char delim, struct hr_sv *out) {
  const char *p = *cur;
  const char *q = memchr(p, delim, (size_t)(end - p));
  out->p = p;
  if (q == NULL) {
    out->n = (size_t)(end - p);
    *cur = end;
  } else {
    out->n = (size_t)(q - p);
    *cur = q + 1;
  }
  return 0;
}

int sv_expect(const char **cur, const char *end, const char *s, size_t n) {
  if ((size_t)(end - *cur) < n || memcmp(*cur, s, n) != 0)
    return -1;
  *cur += n;
  return 0;
}

int sv_quoted(const char **cur, const char *end, struct hr_sv *out) {
  const char *p = *cur;
  if (p >= end || *p != '"')
    return -1;
  for (const char *q = p + 1; q < end; q++) {
    if (*q == '\\') {
      q++;
      continue;
    }
    if (*q == '"') {
      out->p = p + 1;
      out->n = (size_t)(q - p - 1);
      *cur = q + 1;
      return 0;
    }
  }
  return -1;
}

int sv_bracketed(const char **cur, const char *end, struct hr_sv *out) {
  const char *p = *cur;
  if (p >= end || *p != '[')
    return -1;
  const char *q = memchr(p + 1, ']', (size_t)(end - p - 1));
  if (q == NULL)
    return -1;
  out->p = p + 1;
  out->n = (size_t)(q - p - 1);
  *cur = q + 1;
  return 0;
}

int sv_to_i64(struct hr_sv v, int64_t *out) {
  size_t i = 0;
  int neg = 0;
  if (v.n == 0)
    return -1;
  if (v.p[0] == '-' || v.p[0] == '+') {
    neg = v.p[0] == '-';
    i = 1;
  }
  if (i == v.n || v.n - i > 18)
    return -1;
  int64_t x = 0;
  for (; i < v.n; i++) {
    unsigned d = (unsigned char)v.p[i] - '0';
    if (d > 9)
      return -1;
    x = x * 10 + (int64_t)d;
  }
  *out = neg ? -x : x;
  return 0;
}

static int is_digit(char c) {
  return (unsigned)((unsigned char)c - (unsigned)'0') <= 9u;
}

int sv_to_double(struct hr_sv v, double *out) {
  /* Exact for the short decimals logs carry: integer part and up to 15
   * fraction digits are accumulated as integers, then scaled once. */
  size_t i = 0;
  int neg = 0;
  if (v.n == 0 || v.n > 64)
    return -1;
  if (v.p[0] == '-' || v.p[0] == '+') {
    neg = v.p[0] == '-';
    i = 1;
  }
  uint64_t mant = 0;
  int digits = 0, frac = 0, any = 0;
  for (; i < v.n && is_digit(v.p[i]); i++, any = 1) {
    if (digits < 18) {
      mant = mant * 10 + (uint64_t)(v.p[i] - '0');
      if (mant)
        digits++;
    } else {
      frac--; /* drop digit, scale up */
    }
  }
  if (i < v.n && v.p[i] == '.') {
    i++;
    for (; i < v.n && is_digit(v.p[i]); i++, any = 1) {
      if (digits < 18) {
        mant = mant * 10 + (uint64_t)(v.p[i] - '0');
        if (mant)
          digits++;
        frac++;
      }
    }
  }
  if (!any)
    return -1;
  int exp10 = 0;
  if (i < v.n && (v.p[i] == 'e' || v.p[i] == 'E')) {
    i++;
    int eneg = 0, edig = 0;
    if (i < v.n && (v.p[i] == '-' || v.p[i] == '+')) {
      eneg = v.p[i] == '-';
      i++;
    }
    for (; i < v.n && is_digit(v.p[i]); i++, edig++)
      if (exp10 < 400)
        exp10 = exp10 * 10 + (v.p[i] - '0');
    if (!edig)
      return -1;
    if (eneg)
      exp10 = -exp10;
  }
  if (i != v.n)
    return -1;
  static const double p10[] = {1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,  1e8,  1e9,  1e10, 1e11,
                               1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22};
  int e = exp10 - frac;
  double x = (double)mant;
  while (e > 22) {
    x *= 1e22;
    e -= 22;
  }
  while (e < -22) {
    x /= 1e22;
    e += 22;
  }
  x = e >= 0 ? x * p10[e] : x / p10[-e];
  if (x != x || x > 1.7e308)
    return -1; /* never hand NaN or infinity onwards */
  *out = neg ? -x : x;
  return 0;
}
