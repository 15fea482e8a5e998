/* timeparse.c -- see timeparse.h. Civil-date arithmetic after Howard
 * Hinnant's "chrono-Compatible Low-Level Date Algorithms"; no libc time
 * functions, no locale, no NUL needed. */
#include "core/timeparse.h"

#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#define IS_DIGIT(c) ((unsigned)((unsigned char)(c) - (unsigned)'0') <= 9u)
#define US_PER_S INT64_C(1000000)
#define US_PER_DAY (INT64_C(86400) * US_PER_S)

int64_t days_from_civil(int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = (unsigned)(y - era * 400);                       /* [0, 399] */
  const unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1; /* [0, 365] */
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;           /* [0, 146096] */
  return era * 146097 + (int64_t)doe - 719468;
}

void civil_from_days(int64_t z, int64_t *y, unsigned *m, unsigned *d) {
  z += 719468;
  const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const unsigned doe = (unsigned)(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  *d = doy - (153 * mp + 2) / 5 + 1;
  *m = mp < 10 ? mp + 3 : mp - 9;
  *y = (int64_t)yoe + era * 400 + (*m <= 2);
}

static unsigned days_in_month(int64_t y, unsigned m) {
  static const unsigned char dm[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0))
    return 29;
  return dm[m - 1];
}

/* Exactly k decimal digits at p (caller checked the length). -1 if not digits. */
static int digits(const char *p, int k) {
  int x = 0;
  for (int i = 0; i < k; i++) {
    unsigned c = (unsigned char)p[i] - '0';
    if (c > 9)
      return -1;
    x = x * 10 + (int)c;
  }
  return x;
}

/* Validate and combine; -1 when a part is out of range. sec may be 60
 * (leap second; it counts as the first second of the next minute). */
static int combine(int64_t y, int mo, int d, int h, int mi, int s, int64_t frac_us, int64_t off_s, int64_t *us) {
  if (y < 0 || mo < 1 || mo > 12 || d < 1 || (unsigned)d > days_in_month(y, (unsigned)mo) || h < 0 || h > 23 ||
      mi < 0 || mi > 59 || s < 0 || s > 60)
    return -1;
  int64_t days = days_from_civil(y, (unsigned)mo, (unsigned)d);
  int64_t secs = days * 86400 + h * 3600 + mi * 60 + s - off_s;
  *us = secs * US_PER_S + frac_us;
  return 0;
}

/* Fraction digits after the '.', truncated to microseconds; at most 9. */
static int parse_frac(const char **cur, const char *end, int64_t *frac_us) {
  const char *p = *cur;
  int64_t f = 0;
  int k = 0;
  while (p < end && IS_DIGIT(*p)) {
    if (k >= 9)
      return -1;
    if (k < 6)
      f = f * 10 + (*p - '0');
    k++;
    p++;
  }
  if (k == 0)
    return -1;
  for (int i = k; i < 6; i++)
    f *= 10;
  *frac_us = f;
  *cur = p;
  return 0;
}

/* +hh:mm, +hhmm or +hh (sign '+' or '-') covering exactly [p, end). */
static int parse_offset(const char *p, const char *end, int64_t *off_s) {
  size_t n = (size_t)(end - p);
  if (n < 3 || (p[0] != '+' && p[0] != '-'))
    return -1;
  int h = digits(p + 1, 2), mi;
  if (n == 3)
    mi = 0;
  else if (n == 5)
    mi = digits(p + 3, 2);
  else if (n == 6 && p[3] == ':')
    mi = digits(p + 4, 2);
  else
    return -1;
  if (h < 0 || h > 23 || mi < 0 || mi > 59)
    return -1;
  *off_s = (int64_t)(h * 3600 + mi * 60) * (p[0] == '-' ? -1 : 1);
  return 0;
}

static int rfc3339(const char *p, size_t n, int need_zone, int64_t *us) {
  /* 0123456789012345678
   * YYYY-MM-DDTHH:MM:SS */
  if (n < 19 || p[4] != '-' || p[7] != '-' || (p[10] != 'T' && p[10] != 't' && p[10] != ' ') || p[13] != ':' ||
      p[16] != ':')
    return -1;
  int y = digits(p, 4), mo = digits(p + 5, 2), d = digits(p + 8, 2);
  int h = digits(p + 11, 2), mi = digits(p + 14, 2), s = digits(p + 17, 2);
  if (y < 0 || mo < 0 || d < 0 || h < 0 || mi < 0 || s < 0)
    return -1;
  const char *cur = p + 19, *end = p + n;
  int64_t frac = 0, off = 0;
  if (cur < end && (*cur == '.' || *cur == ',')) {
    cur++;
    if (parse_frac(&cur, end, &frac))
      return -1;
  }
  if (cur < end) {
    if (*cur == 'Z' || *cur == 'z') {
      if (cur + 1 != end)
        return -1;
    } else if (parse_offset(cur, end, &off)) {
      return -1;
    }
  } else if (need_zone) {
    return -1;
  }
  return combine(y, mo, d, h, mi, s, frac, off, us);
}

int time_parse_rfc3339(const char *p, size_t n, int64_t *us) {
  return rfc3339(p, n, 0, us);
}

int time_parse_rfc3339_offset(const char *p, size_t n, int64_t *us) {
  return rfc3339(p, n, 1, us);
}

int time_parse_instant(const char *what, const char *s, int64_t *us, char *err, size_t n) {
  int64_t x;
  if (s != NULL && rfc3339(s, strlen(s), 1, us) == 0)
    return 0;
  if (s != NULL && rfc3339(s, strlen(s), 0, &x) == 0) /* only the offset is missing */
    snprintf(err, n, "%s: %.64s has no UTC offset: add Z for UTC or an offset such as +02:00 (%.64sZ)", what, s, s);
  else
    snprintf(err, n,
             "%s: expected an RFC 3339 time with Z or an offset, such as 2026-03-01T12:00:00Z or "
             "2026-03-01T14:00:00+02:00, got '%.64s'",
             what, s ? s : "");
  return -1;
}

/* "Jan" .. "Dec" -> 1 .. 12, else -1. The three bytes are packed into one
 * integer and compared with a table: no library call on the hot path. */
static int month_from_abbr(const char *p) {
#define M3(a, b, c) ((unsigned)(a) << 16 | (unsigned)(b) << 8 | (unsigned)(c))
  static const unsigned names[12] = {M3('J', 'a', 'n'), M3('F', 'e', 'b'), M3('M', 'a', 'r'), M3('A', 'p', 'r'),
                                     M3('M', 'a', 'y'), M3('J', 'u', 'n'), M3('J', 'u', 'l'), M3('A', 'u', 'g'),
                                     M3('S', 'e', 'p'), M3('O', 'c', 't'), M3('N', 'o', 'v'), M3('D', 'e', 'c')};
  unsigned k = M3((unsigned char)p[0], (unsigned char)p[1], (unsigned char)p[2]);
#undef M3
  for (int i = 0; i < 12; i++)
    if (names[i] == k)
      return i + 1;
  return -1;
}

int time_parse_clf(const char *p, size_t n, int64_t *us) {
  /* 01234567890123456789012345
   * 10/Oct/2000:13:55:36 -0700 */
  if (n != 26 || p[2] != '/' || p[6] != '/' || p[11] != ':' || p[14] != ':' || p[17] != ':' || p[20] != ' ')
    return -1;
  int d = digits(p, 2), mo = month_from_abbr(p + 3), y = digits(p + 7, 4);
  int h = digits(p + 12, 2), mi = digits(p + 15, 2), s = digits(p + 18, 2);
  int64_t off;
  if (d < 0 || mo < 0 || y < 0 || h < 0 || mi < 0 || s < 0 || parse_offset(p + 21, p + n, &off))
    return -1;
  return combine(y, mo, d, h, mi, s, 0, off, us);
}

int time_parse_epoch(const char *p, size_t n, int64_t *us) {
  const char *cur = p, *end = p + n;
  int64_t secs = 0, frac = 0;
  int k = 0;
  while (cur < end && IS_DIGIT(*cur)) {
    if (++k > 12) /* 10^12 s is year 33658; keeps us in int64 */
      return -1;
    secs = secs * 10 + (*cur++ - '0');
  }
  if (k == 0)
    return -1;
  if (cur < end) {
    if (*cur != '.')
      return -1;
    cur++;
    if (parse_frac(&cur, end, &frac) || cur != end)
      return -1;
  }
  *us = secs * US_PER_S + frac;
  return 0;
}

int time_parse_any(const char *p, size_t n, int64_t *us) {
  if (time_parse_rfc3339(p, n, us) == 0 || time_parse_clf(p, n, us) == 0 || time_parse_epoch(p, n, us) == 0)
    return 0;
  return -1;
}

char *time_format_rfc3339(int64_t us, char *buf, size_t n) {
  if (us < HR_TIME_MIN_US)
    us = HR_TIME_MIN_US;
  else if (us > HR_TIME_MAX_US)
    us = HR_TIME_MAX_US;
  int64_t days = us / US_PER_DAY, rem = us % US_PER_DAY;
  if (rem < 0) {
    rem += US_PER_DAY;
    days--;
  }
  int64_t y;
  unsigned m, d;
  civil_from_days(days, &y, &m, &d);
  int64_t s = rem / US_PER_S;
  snprintf(buf, n, "%04" PRId64 "-%02u-%02uT%02d:%02d:%02dZ", y, m, d, (int)(s / 3600), (int)(s / 60 % 60),
           (int)(s % 60));
  return buf;
}

/* ---------------------------------------------------------------- durations */

static const struct {
  const char *name;
  size_t len;
  int64_t us;
} units[] = {
    /* "ms" before "m": the longest match wins */
    {"ms", 2, INT64_C(1000)},  {"s", 1, US_PER_S},   {"m", 1, 60 * US_PER_S},
    {"h", 1, 3600 * US_PER_S}, {"d", 1, US_PER_DAY}, {"w", 1, 7 * US_PER_DAY},
};

int duration_parse(const char *p, size_t n, int64_t *us) {
  const char *cur = p, *end = p + n;
  int64_t total = 0;
  if (n == 0)
    return -1;
  while (cur < end) {
    int64_t ip = 0, fp = 0, fscale = 1;
    int k = 0, kf = 0;
    while (cur < end && IS_DIGIT(*cur)) {
      if (++k > 18)
        return -1;
      ip = ip * 10 + (*cur++ - '0');
    }
    if (cur < end && *cur == '.') {
      cur++;
      while (cur < end && IS_DIGIT(*cur)) {
        if (++kf > 9)
          return -1;
        fp = fp * 10 + (*cur++ - '0');
        fscale *= 10;
      }
      if (kf == 0)
        return -1;
    }
    if (k == 0 && kf == 0)
      return -1;
    size_t u;
    for (u = 0; u < sizeof units / sizeof units[0]; u++)
      if ((size_t)(end - cur) >= units[u].len && memcmp(cur, units[u].name, units[u].len) == 0)
        break;
    if (u == sizeof units / sizeof units[0])
      return -1;
    cur += units[u].len;
    int64_t unit = units[u].us;
    /* fp < 10^9 and unit <= 6.048e11 could overflow: drop trailing zeros first */
    while (fscale > 1 && fp % 10 == 0) {
      fp /= 10;
      fscale /= 10;
    }
    if (fscale > 1) {
      if (fp > INT64_MAX / unit || (fp * unit) % fscale != 0)
        return -1; /* not exact in microseconds */
    }
    if (ip > (INT64_MAX - total) / unit)
      return -1;
    total += ip * unit;
    int64_t add = fscale > 1 ? fp * unit / fscale : 0;
    if (add > INT64_MAX - total)
      return -1;
    total += add;
  }
  *us = total;
  return 0;
}

char *duration_format(int64_t us, char *buf, size_t n) {
  /* Single largest unit that divides exactly (never weeks: "28d", not "4w";
   * a count of microseconds becomes fractional ms, "1.5ms"), unless the
   * compound form (d h m s ms) is strictly shorter: "1d1s" over "86401s". */
  static const struct {
    const char *name;
    int64_t us;
  } fu[] = {{"d", US_PER_DAY}, {"h", 3600 * US_PER_S}, {"m", 60 * US_PER_S}, {"s", US_PER_S}, {"ms", 1000}};
  const char *sign = "";
  uint64_t v;
  if (us < 0) {
    sign = "-";
    v = (uint64_t)0 - (uint64_t)us;
  } else {
    v = (uint64_t)us;
  }
  if (v == 0) {
    snprintf(buf, n, "0s");
    return buf;
  }
  char single[48], comp[96];
  single[0] = 0;
  for (size_t i = 0; i < sizeof fu / sizeof fu[0]; i++) {
    if (v % (uint64_t)fu[i].us == 0) {
      snprintf(single, sizeof single, "%" PRIu64 "%s", v / (uint64_t)fu[i].us, fu[i].name);
      break;
    }
  }
  if (single[0] == 0) { /* microsecond residue: fractional milliseconds */
    char fr[8];
    int k = snprintf(fr, sizeof fr, "%03u", (unsigned)(v % 1000));
    while (k > 0 && fr[k - 1] == '0')
      fr[--k] = 0;
    snprintf(single, sizeof single, "%" PRIu64 ".%sms", v / 1000, fr);
  }
  size_t cl = 0;
  uint64_t r = v;
  comp[0] = 0;
  for (size_t i = 0; i < sizeof fu / sizeof fu[0] && r > 0; i++) {
    uint64_t q = r / (uint64_t)fu[i].us;
    if (q > 0) {
      cl += (size_t)snprintf(comp + cl, sizeof comp - cl, "%" PRIu64 "%s", q, fu[i].name);
      r -= q * (uint64_t)fu[i].us;
    }
  }
  const char *best = (r == 0 && strlen(comp) < strlen(single)) ? comp : single;
  snprintf(buf, n, "%s%s", sign, best);
  return buf;
}

char *human_duration(double s, char *buf, size_t n) {
  const char *sign = s < 0 ? "-" : "";
  s = fabs(s);
  if (!isfinite(s)) {
    snprintf(buf, n, "never");
    return buf;
  }
  long long t = (long long)(s + 0.5);
  if (s < 1) {
    snprintf(buf, n, s == 0 ? "0s" : "%s%.2gs", sign, s);
  } else if (t < 60) {
    snprintf(buf, n, "%s%llds", sign, t);
  } else if (t < 3600) {
    snprintf(buf, n, "%s%lldm %llds", sign, t / 60, t % 60);
  } else if (t < 86400) {
    snprintf(buf, n, "%s%lldh %lldm", sign, t / 3600, t % 3600 / 60);
  } else {
    snprintf(buf, n, "%s%lldd %lldh", sign, t / 86400, t % 86400 / 3600);
  }
  return buf;
}
