/* fmt_common.c -- see fmt_common.h. */
#include "core/fmt_common.h"

#include <stdint.h>
#include <string.h>

const double fmt_pow10[19] = {1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,  1e8, 1e9,
                              1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18};

int fmt_num_full(const char *p, size_t n, double *out) {
  size_t i = 0;
  int neg = 0;
  if (n == 0 || n > 40)
    return -1;
  if (p[0] == '-') {
    neg = 1;
    i = 1;
  }
  uint64_t mant = 0;
  int sig = 0, any = 0, fdig = 0, drop = 0;
  for (; i < n && FMT_IS_DIGIT(p[i]); i++, any = 1) {
    if (sig < 18) {
      mant = mant * 10 + (uint64_t)(p[i] - '0');
      if (mant)
        sig++;
    } else {
      drop++; /* integer digit beyond precision: scale up later */
    }
  }
  if (i < n && p[i] == '.') {
    i++;
    for (; i < n && FMT_IS_DIGIT(p[i]); i++, any = 1) {
      if (sig < 18 && fdig < 18) { /* later digits are below double precision */
        mant = mant * 10 + (uint64_t)(p[i] - '0');
        if (mant)
          sig++;
        fdig++;
      }
    }
  }
  if (!any || i != n)
    return -1;
  double x = (double)mant;
  if (fdig)
    x /= fmt_pow10[fdig];
  while (drop-- > 0)
    x *= 10;
  *out = neg ? -x : x;
  return 0;
}

int fmt_status(const char *p, size_t n, int *out) {
  if (n == 0 || n > 3)
    return -1;
  int x = 0;
  for (size_t i = 0; i < n; i++) {
    if (!FMT_IS_DIGIT(p[i]))
      return -1;
    x = x * 10 + (p[i] - '0');
  }
  *out = x;
  return 0;
}

struct hr_sv fmt_strip_port(const char *p, size_t n) {
  if (n > 0 && p[0] == '[') { /* [v6]:port */
    const char *q = memchr(p, ']', n);
    if (q != NULL)
      return sv_make(p + 1, (size_t)(q - p - 1));
    return sv_make(p, n);
  }
  const char *c = memchr(p, ':', n);
  if (c == NULL)
    return sv_make(p, n);
  if (memchr(c + 1, ':', n - (size_t)(c - p) - 1) != NULL)
    return sv_make(p, n); /* bare IPv6, no port */
  return sv_make(p, (size_t)(c - p));
}

int fmt_has_prefix_ci(const char *p, size_t n, const char *s, size_t sn) {
  if (n < sn)
    return 0;
  for (size_t i = 0; i < sn; i++) {
    char c = p[i];
    if (c >= 'A' && c <= 'Z')
      c = (char)(c - 'A' + 'a');
    if (c != s[i])
      return 0;
  }
  return 1;
}

void fmt_target(struct hr_event *ev, const char *p, size_t n, struct hr_sv *url_host) {
  url_host->p = p;
  url_host->n = 0;
  size_t skip = 0;
  if (n > 0 && (p[0] == 'h' || p[0] == 'H')) /* most targets start with '/' */
    skip = fmt_has_prefix_ci(p, n, "http://", 7) ? 7 : fmt_has_prefix_ci(p, n, "https://", 8) ? 8 : 0;
  if (skip) {
    const char *h = p + skip, *end = p + n, *e = h;
    while (e < end && *e != '/' && *e != '?' && *e != '#')
      e++;
    *url_host = fmt_strip_port(h, (size_t)(e - h));
    if (e == end || *e != '/') { /* "http://host" or "http://host?q": path "/" */
      event_set_str(ev, HR_F_PATH, "/", 1);
      if (e < end && *e == '?')
        event_set_str(ev, HR_F_QUERY, e + 1, (size_t)(end - e - 1));
      return;
    }
    n = (size_t)(end - e);
    p = e;
  }
  const char *q = fmt_find_byte(p, p + n, '?');
  if (q == NULL) {
    event_set_str(ev, HR_F_PATH, p, n);
  } else {
    event_set_str(ev, HR_F_PATH, p, (size_t)(q - p));
    event_set_str(ev, HR_F_QUERY, q + 1, n - (size_t)(q - p) - 1);
  }
}

static inline int is_dash(struct hr_sv s) {
  return s.n == 1 && s.p[0] == '-';
}

void fmt_request(struct hr_event *ev, const char *p, size_t n, struct hr_sv *url_host) {
  url_host->p = p;
  url_host->n = 0;
  const char *sp = fmt_find_byte(p, p + n, ' ');
  if (sp == NULL)
    return;
  struct hr_sv method = sv_make(p, (size_t)(sp - p));
  const char *t = sp + 1, *end = p + n;
  /* protocol: after the last space, when there are two or more */
  const char *last = end;
#if defined(__SSE2__)
  while (last - t >= 16) { /* 16 bytes at a time from the end ("HTTP/1.1" is 8) */
    unsigned m = (unsigned)_mm_movemask_epi8(
        _mm_cmpeq_epi8(_mm_loadu_si128((const __m128i *)(const void *)(last - 16)), _mm_set1_epi8(' ')));
    if (m != 0) {
      last = last - 16 + (31 - __builtin_clz(m)) + 1;
      break;
    }
    last -= 16;
  }
#endif
  while (last > t && last[-1] != ' ') /* stops at once after a space found above */
    last--;
  struct hr_sv target, proto = {0, 0};
  if (last > t) {
    target = sv_make(t, (size_t)(last - 1 - t));
    proto = sv_make(last, (size_t)(end - last));
  } else {
    target = sv_make(t, (size_t)(end - t)); /* HTTP/0.9: "GET /" */
  }
  if (method.n == 0 || is_dash(method)) {
    if (target.n > 0 && !is_dash(target)) { /* keep only the URL's host */
      struct hr_event tmp;
      event_reset(&tmp);
      fmt_target(&tmp, target.p, target.n, url_host);
    }
    return;
  }
  event_set_str(ev, HR_F_METHOD, method.p, method.n);
  if (proto.n > 0 && !is_dash(proto))
    event_set_str(ev, HR_F_PROTOCOL, proto.p, proto.n);
  if (target.n > 0 && !is_dash(target))
    fmt_target(ev, target.p, target.n, url_host);
}

/* Next item of a list: skips separators (',', ':', ' '). */
static int next_item(const char **cur, const char *end, struct hr_sv *item) {
  const char *p = *cur;
  while (p < end && (*p == ',' || *p == ' ' || *p == ':'))
    p++;
  if (p == end)
    return -1;
  const char *e = p;
  while (e < end && *e != ',' && *e != ' ' && *e != ':')
    e++;
  *item = sv_make(p, (size_t)(e - p));
  *cur = e;
  return 0;
}

int fmt_num_list_sum(const char *p, size_t n, double *sum, int *count) {
  const char *cur = p, *end = p + n;
  struct hr_sv it;
  double s = 0;
  int c = 0;
  while (next_item(&cur, end, &it) == 0) {
    if (sv_eq(it, "-", 1))
      continue;
    double x;
    if (fmt_num(it.p, it.n, &x))
      return -1;
    s += x;
    c++;
  }
  *sum = s;
  *count = c;
  return 0;
}

int fmt_first_status(const char *p, size_t n, int *out) {
  const char *cur = p;
  struct hr_sv it;
  if (next_item(&cur, p + n, &it))
    return -1;
  return fmt_status(it.p, it.n, out);
}
