/* sv.h -- string views over (pointer, length) and chainable token parsers.
 *
 * Parsers take (cur, end) and never need a NUL terminator. Each sv_* parser
 * advances *cur only on success and returns 0, or returns -1 and leaves *cur
 * alone, so calls chain with ||:
 *   if (sv_until(&cur, end, ' ', &client) || sv_expect(&cur, end, " - ", 3)) ...
 * Views borrow the underlying bytes; they die with them. */
#ifndef HR_SV_H
#define HR_SV_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

struct hr_sv {
  const char *p;
  size_t n;
};

#define HR_SV_LIT(s) ((struct hr_sv){(s), sizeof(s) - 1})

static inline struct hr_sv sv_make(const char *p, size_t n) {
  struct hr_sv v = {p, n};
  return v;
}

/* memcmp(a, b, n) == 0 without a library call, for the short strings of
 * filters (their literals and the fields they meet). */
static inline int sv_bytes_eq(const char *a, const char *b, size_t n) {
  uint64_t x, y;
  if (n >= 8) {
    for (size_t i = 0; i + 8 < n; i += 8) {
      memcpy(&x, a + i, 8);
      memcpy(&y, b + i, 8);
      if (x != y)
        return 0;
    }
    memcpy(&x, a + n - 8, 8);
    memcpy(&y, b + n - 8, 8);
    return x == y;
  }
  if (n >= 4) {
    uint32_t u, w;
    memcpy(&u, a, 4);
    memcpy(&w, b, 4);
    if (u != w)
      return 0;
    memcpy(&u, a + n - 4, 4);
    memcpy(&w, b + n - 4, 4);
    return u == w;
  }
  for (size_t i = 0; i < n; i++)
    if (a[i] != b[i])
      return 0;
  return 1;
}

/* 1 if equal to the n bytes at s. */
int sv_eq(struct hr_sv a, const char *s, size_t n);
/* 1 if equal to the NUL-terminated s. */
int sv_eqz(struct hr_sv a, const char *s);

/* Token up to (not including) delim; consumes the delimiter too. Fails when
 * delim does not occur before end. */
int sv_until(const char **cur, const char *end, char delim, struct hr_sv *out);
/* Token up to delim or end of input; consumes the delimiter if present. Never fails. */
int sv_until_or_end(const char **cur, const char *end, char delim, struct hr_sv *out);
/* Exactly the n bytes at s. */
int sv_expect(const char **cur, const char *end, const char *s, size_t n);
/* A double-quoted token ("..." with backslash escapes skipped, not decoded);
 * out excludes the quotes. */
int sv_quoted(const char **cur, const char *end, struct hr_sv *out);
/* A [bracketed] token; out excludes the brackets. */
int sv_bracketed(const char **cur, const char *end, struct hr_sv *out);

/* Whole-view number conversions: the view must be entirely the number.
 * Return 0 on success, -1 otherwise (*out untouched). */
int sv_to_i64(struct hr_sv v, int64_t *out);
int sv_to_double(struct hr_sv v, double *out); /* decimal, optional sign/fraction/exponent */

#endif
