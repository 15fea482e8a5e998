/* tz.c -- see tz.h. TZif (RFC 8536) reader and POSIX TZ footer rules.
 *
 * A zone is its transitions (UTC instants, 64-bit section of v2+ files; the
 * 32-bit one for v1 files) with the local time type each starts, and the
 * POSIX TZ rule of the footer for instants after the last transition.
 * Before the first transition type 0 applies (RFC 8536 3.2). Leap-second
 * records are skipped ("right/" zones are read as if they had none). */
#include "core/tz.h"

#include <stdlib.h>
#include <string.h>

#include "core/timeparse.h"
#include "util/imath.h"
#include "util/xmalloc.h"

struct tz_type {
  int32_t utoff;
  int isdst;
};

/* A POSIX rule date: J<n> (1..365, no Feb 29), <n> (0..365), M<m>.<w>.<d>. */
struct tz_rule {
  char kind; /* 'J', 'N', 'M' */
  int n, m, w, d;
  int32_t time_s; /* local time of day of the change (may be < 0 or > 24h) */
};

struct tz_posix {
  int32_t std_off, dst_off; /* UTC offsets (local = utc + off) */
  int has_dst;
  struct tz_rule start, end;
};

struct hr_tz {
  size_t ntrans;
  int64_t *trans; /* ascending UTC seconds */
  unsigned char *idx;
  size_t ntypes;
  struct tz_type *types;
  int has_footer;
  struct tz_posix footer;
};

/* ---------------------------------------------------------------- POSIX TZ */

/* Zone abbreviation: <...> or at least one letter. */
static int px_name(const char **p) {
  const char *s = *p;
  if (*s == '<') {
    const char *e = strchr(s, '>');
    if (e == NULL)
      return -1;
    *p = e + 1;
    return 0;
  }
  while ((*s >= 'A' && *s <= 'Z') || (*s >= 'a' && *s <= 'z'))
    s++;
  if (s == *p)
    return -1;
  *p = s;
  return 0;
}

/* [+-]hh[:mm[:ss]], hours up to 167. */
static int px_time(const char **p, int32_t *out) {
  const char *s = *p;
  int sign = 1;
  if (*s == '+' || *s == '-') {
    sign = *s == '-' ? -1 : 1;
    s++;
  }
  int32_t part[3] = {0, 0, 0};
  for (int i = 0; i < 3; i++) {
    if (i > 0) {
      if (*s != ':')
        break;
      s++;
    }
    if (*s < '0' || *s > '9')
      return -1;
    int32_t v = 0;
    int nd = 0;
    while (*s >= '0' && *s <= '9' && nd < 3) {
      v = v * 10 + (*s - '0');
      s++;
      nd++;
    }
    part[i] = v;
  }
  if (part[0] > 167 || part[1] > 59 || part[2] > 59)
    return -1;
  *out = sign * (part[0] * 3600 + part[1] * 60 + part[2]);
  *p = s;
  return 0;
}

static int px_num(const char **p, int lo, int hi, int *out) {
  const char *s = *p;
  int v = 0, nd = 0;
  while (*s >= '0' && *s <= '9' && nd < 4) {
    v = v * 10 + (*s - '0');
    s++;
    nd++;
  }
  if (nd == 0 || v < lo || v > hi)
    return -1;
  *out = v;
  *p = s;
  return 0;
}

static int px_rule(const char **p, struct tz_rule *r) {
  const char *s = *p;
  memset(r, 0, sizeof *r);
  if (*s == 'J') {
    s++;
    r->kind = 'J';
    if (px_num(&s, 1, 365, &r->n))
      return -1;
  } else if (*s == 'M') {
    s++;
    r->kind = 'M';
    if (px_num(&s, 1, 12, &r->m) || *s++ != '.' || px_num(&s, 1, 5, &r->w) || *s++ != '.' || px_num(&s, 0, 6, &r->d))
      return -1;
  } else {
    r->kind = 'N';
    if (px_num(&s, 0, 365, &r->n))
      return -1;
  }
  r->time_s = 7200;
  if (*s == '/') {
    s++;
    if (px_time(&s, &r->time_s))
      return -1;
  }
  *p = s;
  return 0;
}

/* Parse a footer like "CET-1CEST,M3.5.0,M10.5.0/3". 0 or -1. */
static int px_parse(const char *s, struct tz_posix *px) {
  int32_t v;
  memset(px, 0, sizeof *px);
  if (px_name(&s) || px_time(&s, &v))
    return -1;
  px->std_off = -v;
  if (*s == '\0')
    return 0;
  if (px_name(&s))
    return -1;
  px->has_dst = 1;
  px->dst_off = px->std_off + 3600;
  if (*s != ',' && *s != '\0') {
    if (px_time(&s, &v))
      return -1;
    px->dst_off = -v;
  }
  if (*s == '\0') { /* no rule: the US default */
    px->start = (struct tz_rule){'M', 0, 3, 2, 0, 7200};
    px->end = (struct tz_rule){'M', 0, 11, 1, 0, 7200};
    return 0;
  }
  if (*s++ != ',' || px_rule(&s, &px->start) || *s++ != ',' || px_rule(&s, &px->end) || *s != '\0')
    return -1;
  return 0;
}

static int is_leap(int64_t y) {
  return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

/* Local seconds (since the epoch, as if local were UTC) of rule r in year y. */
static int64_t rule_local(const struct tz_rule *r, int64_t y) {
  int64_t day;
  if (r->kind == 'J') {
    day = days_from_civil(y, 1, 1) + r->n - 1;
    if (is_leap(y) && r->n >= 60)
      day++;
  } else if (r->kind == 'N') {
    day = days_from_civil(y, 1, 1) + r->n;
  } else {
    int64_t first = days_from_civil(y, (unsigned)r->m, 1);
    int64_t next = r->m == 12 ? days_from_civil(y + 1, 1, 1) : days_from_civil(y, (unsigned)r->m + 1, 1);
    int64_t wd1 = floor_div(first + 4, 7); /* 1970-01-01 was a Thursday (4) */
    wd1 = first + 4 - wd1 * 7;
    day = first + (r->d - wd1 + 7) % 7 + (int64_t)(r->w - 1) * 7;
    while (day >= next)
      day -= 7;
  }
  return day * 86400 + r->time_s;
}

static int32_t px_offset(const struct tz_posix *px, int64_t t) {
  if (!px->has_dst)
    return px->std_off;
  int64_t y;
  unsigned m, d;
  civil_from_days(floor_div(t + px->std_off, 86400), &y, &m, &d);
  int64_t s = rule_local(&px->start, y) - px->std_off; /* given in standard time */
  int64_t e = rule_local(&px->end, y) - px->dst_off;   /* given in daylight time */
  int dst;
  if (s < e)
    dst = t >= s && t < e;
  else
    dst = !(t >= e && t < s);
  return dst ? px->dst_off : px->std_off;
}

/* ------------------------------------------------------------------- TZif */

static uint32_t be32(const unsigned char *p) {
  return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static int64_t be64(const unsigned char *p) {
  return (int64_t)((uint64_t)be32(p) << 32 | be32(p + 4));
}

/* Parse the TZif bytes b[0..n) into tz. 0 or -1. */
static int tzif_parse(const unsigned char *b, size_t n, struct hr_tz *tz) {
  if (n < 44 || memcmp(b, "TZif", 4) != 0)
    return -1;
  int v2 = b[4] >= '2';
  const unsigned char *h = b;
  size_t tsize = 4;
  uint32_t c[6];
  for (int pass = 0; pass < 2; pass++) {
    if ((size_t)(h - b) + 44 > n || memcmp(h, "TZif", 4) != 0)
      return -1;
    for (int i = 0; i < 6; i++)
      c[i] = be32(h + 20 + 4 * i);
    /* isutcnt isstdcnt leapcnt timecnt typecnt charcnt */
    if (c[3] > 100000 || c[4] == 0 || c[4] > 256 || c[5] > 100000 || c[2] > 100000 || c[0] > 256 || c[1] > 256)
      return -1;
    size_t len = (size_t)c[3] * tsize + c[3] + (size_t)c[4] * 6 + c[5] + (size_t)c[2] * (tsize + 4) + c[1] + c[0];
    if ((size_t)(h - b) + 44 + len > n)
      return -1;
    if (pass == 0 && v2) {
      h += 44 + len;
      tsize = 8;
      continue;
    }
    break;
  }
  const unsigned char *p = h + 44;
  tz->ntrans = c[3];
  tz->ntypes = c[4];
  tz->trans = xcalloc(tz->ntrans ? tz->ntrans : 1, sizeof *tz->trans);
  tz->idx = xcalloc(tz->ntrans ? tz->ntrans : 1, 1);
  tz->types = xcalloc(tz->ntypes, sizeof *tz->types);
  for (size_t i = 0; i < tz->ntrans; i++, p += tsize) {
    tz->trans[i] = tsize == 8 ? be64(p) : (int64_t)(int32_t)be32(p);
    if (i > 0 && tz->trans[i] <= tz->trans[i - 1])
      return -1;
  }
  for (size_t i = 0; i < tz->ntrans; i++, p++) {
    if (*p >= tz->ntypes)
      return -1;
    tz->idx[i] = *p;
  }
  for (size_t i = 0; i < tz->ntypes; i++, p += 6) {
    tz->types[i].utoff = (int32_t)be32(p);
    tz->types[i].isdst = p[4] != 0;
    if (tz->types[i].utoff < -89999 || tz->types[i].utoff > 93599)
      return -1;
  }
  p += c[5] + (size_t)c[2] * (tsize + 4) + c[1] + c[0];
  if (v2 && (size_t)(p - b) < n && *p == '\n') {
    const unsigned char *e = memchr(p + 1, '\n', n - (size_t)(p - b) - 1);
    if (e != NULL && e - p - 1 > 0 && e - p - 1 < 128) {
      char buf[128];
      memcpy(buf, p + 1, (size_t)(e - p - 1));
      buf[e - p - 1] = '\0';
      if (px_parse(buf, &tz->footer) == 0)
        tz->has_footer = 1;
    }
  }
  return 0;
}

const struct hr_tz *tz_utc(void) {
  static const struct tz_type utc_type = {0, 0};
  static const struct hr_tz utc = {.ntypes = 1, .types = (struct tz_type *)&utc_type};
  return &utc;
}

enum hr_rc tz_parse(const char *name, const unsigned char *buf, size_t n, struct hr_tz **out, struct hr_err *err) {
  *out = NULL;
  struct hr_tz *tz = xcalloc(1, sizeof *tz);
  if (tzif_parse(buf, n, tz) != 0) {
    tz_free(tz);
    return HR_FAIL(err, HR_ERR_NOTFOUND, "time zone \"%s\": not a valid TZif file", name ? name : "?");
  }
  *out = tz;
  return HR_OK;
}

void tz_free(struct hr_tz *tz) {
  if (tz == NULL || tz == tz_utc())
    return;
  free(tz->trans);
  free(tz->idx);
  free(tz->types);
  free(tz);
}

int32_t tz_offset(const struct hr_tz *tz, int64_t t_s) {
  if (tz->ntrans == 0 || t_s < tz->trans[0]) {
    if (tz->ntrans == 0 && tz->has_footer)
      return px_offset(&tz->footer, t_s);
    return tz->types[0].utoff;
  }
  if (t_s >= tz->trans[tz->ntrans - 1] && tz->has_footer)
    return px_offset(&tz->footer, t_s);
  size_t lo = 0, hi = tz->ntrans; /* last i with trans[i] <= t */
  while (hi - lo > 1) {
    size_t mid = lo + (hi - lo) / 2;
    if (tz->trans[mid] <= t_s)
      lo = mid;
    else
      hi = mid;
  }
  return tz->types[tz->idx[lo]].utoff;
}

int64_t tz_local_to_utc(const struct hr_tz *tz, int64_t y, unsigned m, unsigned d, int hh, int mm, int ss) {
  int64_t L = days_from_civil(y, m, d) * 86400 + (int64_t)hh * 3600 + mm * 60 + ss;
  int32_t probe[3] = {tz_offset(tz, L - 86400), tz_offset(tz, L), tz_offset(tz, L + 86400)};
  int found = 0;
  int64_t best = 0;
  int32_t omin = probe[0], omax = probe[0];
  for (int i = 0; i < 3; i++) {
    int64_t t = L - probe[i];
    if (tz_offset(tz, t) == probe[i] && (!found || t < best)) {
      best = t;
      found = 1;
    }
    if (probe[i] < omin)
      omin = probe[i];
    if (probe[i] > omax)
      omax = probe[i];
  }
  if (found)
    return best;
  /* In a gap: the first instant whose local time is past L (the transition). */
  int64_t lo = L - omax, hi = L - omin;
  while (lo < hi) {
    int64_t mid = lo + (hi - lo) / 2;
    if (mid + tz_offset(tz, mid) >= L)
      hi = mid;
    else
      lo = mid + 1;
  }
  return lo;
}
