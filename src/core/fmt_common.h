/* fmt_common.h -- small helpers shared by the line parsers (fmt_alb.c,
 * fmt_logfmt.c): numbers, status codes, request lines, upstream lists.
 * All take (ptr, len), need no NUL and never read past len. Views written
 * into the event borrow the line (or static text). Not for use outside
 * src/core/fmt_*.c. */
#ifndef HR_FMT_COMMON_H
#define HR_FMT_COMMON_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "core/event.h"

#define FMT_IS_DIGIT(c) ((unsigned)((unsigned char)(c) - (unsigned)'0') <= 9u)

/* The first c in [p, end), or NULL: memchr, with the first 64 bytes looked
 * at inline (SSE2, 16 at a time, the last ones by a load that overlaps
 * bytes already looked at). Most fields of a log line (a status, a size,
 * "-", a time, a request line, a user agent) end within 64 bytes, where a
 * call to memchr costs more than the search. */
#if defined(__SSE2__)
/* fmt_find_byte() with k = _mm_set1_epi8(c) made by the caller, once. */
static inline __attribute__((always_inline)) const char *fmt_find_byte_v(const char *p, const char *end, char c,
                                                                         __m128i k) {
  if (end - p >= 16) {
    const char *stop = end - p > 64 ? p + 64 : end;
    for (; stop - p >= 16; p += 16) {
      unsigned m = (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(_mm_loadu_si128((const __m128i *)(const void *)p), k));
      if (m != 0)
        return p + __builtin_ctz(m);
    }
    if (p < stop) { /* 1..15 bytes left before stop: the 16 that end there */
      unsigned m =
          (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(_mm_loadu_si128((const __m128i *)(const void *)(stop - 16)), k));
      m >>= 16 - (unsigned)(stop - p);
      if (m != 0)
        return p + __builtin_ctz(m);
      p = stop;
    }
  }
  return p < end ? memchr(p, c, (size_t)(end - p)) : NULL;
}
#endif

static inline __attribute__((always_inline)) const char *fmt_find_byte(const char *p, const char *end, char c) {
#if defined(__SSE2__)
  return fmt_find_byte_v(p, end, c, _mm_set1_epi8(c));
#else
  return p < end ? memchr(p, c, (size_t)(end - p)) : NULL;
#endif
}

/* Decimal number: optional '-', digits, optional '.' and digits (at least
 * one digit overall, no exponent). 0 and *out, or -1 (*out untouched).
 * fmt_num_full() is the general case; fmt_num() first tries, inline, the
 * common one (1 to 18 bytes starting with a digit, at most one '.'), where
 * every digit is kept and the result is fmt_num_full()'s bit for bit. */
int fmt_num_full(const char *p, size_t n, double *out);

extern const double fmt_pow10[19];

static inline __attribute__((always_inline)) int fmt_num(const char *p, size_t n, double *out) {
  if (n - 1 < 18 && FMT_IS_DIGIT(p[0])) {
    uint64_t m = 0;
    size_t i = 0;
    for (; i < n; i++) {
      unsigned d = (unsigned)(unsigned char)p[i] - (unsigned)'0';
      if (d > 9)
        break;
      m = m * 10 + d;
    }
    if (i == n) {
      *out = (double)m;
      return 0;
    }
    if (p[i] != '.')
      return -1;
    size_t dot = i;
    for (i++; i < n; i++) {
      unsigned d = (unsigned)(unsigned char)p[i] - (unsigned)'0';
      if (d > 9)
        return -1;
      m = m * 10 + d;
    }
    double x = (double)m;
    if (n - dot - 1 > 0)
      x /= fmt_pow10[n - dot - 1];
    *out = x;
    return 0;
  }
  return fmt_num_full(p, n, out);
}

/* Status code: 1 to 3 digits. 0 and *out (0..999), or -1. */
int fmt_status(const char *p, size_t n, int *out);

/* Split a request line ("GET /a?b=1 HTTP/1.1") into method, path, query and
 * protocol of ev. An absolute target (http://host:port/path) loses scheme and
 * host; the host (without port) is returned in *url_host (n = 0 when none).
 * A method of "-" (ALB 400s: "- - - ", "- http://h:80- -") or a request
 * without a space (TLS bytes sent to an HTTP port) leaves all four null. */
void fmt_request(struct hr_event *ev, const char *p, size_t n, struct hr_sv *url_host);

/* 1 when (p, n) starts with s (sn bytes of lower case), in any case. */
int fmt_has_prefix_ci(const char *p, size_t n, const char *s, size_t sn);

/* Set path and query of ev from a request target ("/a?b" or absolute). */
void fmt_target(struct hr_event *ev, const char *p, size_t n, struct hr_sv *url_host);

/* Host part of "host:port" / "[v6]:port" / "v6" / "host": the address
 * without the port. */
struct hr_sv fmt_strip_port(const char *p, size_t n);

/* A list of numbers as nginx writes $upstream_response_time: separated by
 * ", " (several upstreams) or " : " (internal redirects), "-" items
 * skipped. *sum = the sum; *count = numbers seen. 0, or -1 when an item is
 * not a number. */
int fmt_num_list_sum(const char *p, size_t n, double *sum, int *count);

/* First item of a status list ("502, 403" -> 502). 0 and *out, or -1. */
int fmt_first_status(const char *p, size_t n, int *out);

#endif
