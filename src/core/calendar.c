/* calendar.c -- see calendar.h.
 *
 * Calendar periods are counted from the local date of w->start_us in zone tz
 * (UTC when tz is NULL): period k starts at local midnight of that date plus
 * k * count units (days, weeks, months, quarters = 3 months, years = 12
 * months). When the anchor day does not exist in a month (anchor on the 31st)
 * the period starts on the month's last day. A midnight that falls in a DST gap
 * starts at the first instant after the gap (tz_local_to_utc()). */
#include "core/calendar.h"

#include "core/timeparse.h"
#include "util/imath.h"

#define US_PER_S INT64_C(1000000)

static unsigned month_days(int64_t y, unsigned m) {
  int64_t ny = m == 12 ? y + 1 : y;
  unsigned nm = m == 12 ? 1 : m + 1;
  return (unsigned)(days_from_civil(ny, nm, 1) - days_from_civil(y, m, 1));
}

/* UTC seconds of local midnight on (y, m, d). */
static int64_t midnight(const struct hr_tz *tz, int64_t y, unsigned m, unsigned d) {
  if (tz == NULL)
    return days_from_civil(y, m, d) * 86400;
  return tz_local_to_utc(tz, y, m, d, 0, 0, 0);
}

/* Local civil date of UTC instant t_s. */
static void local_date(const struct hr_tz *tz, int64_t t_s, int64_t *y, unsigned *m, unsigned *d) {
  int64_t off = tz ? tz_offset(tz, t_s) : 0;
  civil_from_days(floor_div(t_s + off, 86400), y, m, d);
}

struct cal {
  const struct hr_tz *tz;
  int64_t y0;
  unsigned m0, d0;
  int64_t days_per;   /* DAY / WEEK periods: days per period */
  int64_t months_per; /* MONTH / QUARTER / YEAR periods */
};

/* UTC seconds at which period k starts. */
static int64_t period_start(const struct cal *c, int64_t k) {
  if (c->days_per > 0) {
    int64_t y;
    unsigned m, d;
    civil_from_days(days_from_civil(c->y0, c->m0, c->d0) + k * c->days_per, &y, &m, &d);
    return midnight(c->tz, y, m, d);
  }
  int64_t mi = c->y0 * 12 + (c->m0 - 1) + k * c->months_per;
  int64_t y = floor_div(mi, 12);
  unsigned m = (unsigned)(mi - y * 12) + 1;
  unsigned d = c->d0;
  unsigned md = month_days(y, m);
  if (d > md)
    d = md;
  return midnight(c->tz, y, m, d);
}

/* The period of c that contains t_us. */
static void cal_find(const struct cal *c, int64_t t_us, int64_t *start_us, int64_t *end_us) {
  int64_t t_s = floor_div(t_us, US_PER_S);
  int64_t y;
  unsigned m, d;
  local_date(c->tz, t_s, &y, &m, &d);
  int64_t k;
  if (c->days_per > 0) {
    k = floor_div(days_from_civil(y, m, d) - days_from_civil(c->y0, c->m0, c->d0), c->days_per);
  } else {
    k = floor_div((y - c->y0) * 12 + ((int64_t)m - c->m0), c->months_per);
  }
  /* The estimate is off by at most one (anchor day, DST at midnight). */
  int64_t s = period_start(c, k);
  while (s * US_PER_S > t_us) {
    k--;
    s = period_start(c, k);
  }
  int64_t e = period_start(c, k + 1);
  while (e * US_PER_S <= t_us) {
    k++;
    s = e;
    e = period_start(c, k + 1);
  }
  *start_us = s * US_PER_S;
  *end_us = e * US_PER_S;
}

/* Periods of count units from the anchor date (y0, m0, d0). */
static void cal_units(struct cal *c, enum hr_cal_unit unit, int64_t count) {
  switch (unit) {
  case HR_CAL_DAY: c->days_per = count; break;
  case HR_CAL_WEEK: c->days_per = 7 * count; break;
  case HR_CAL_MONTH: c->months_per = count; break;
  case HR_CAL_QUARTER: c->months_per = 3 * count; break;
  case HR_CAL_YEAR: c->months_per = 12 * count; break;
  default: c->months_per = count; break;
  }
}

static void calendar_period(const struct hr_window *w, const struct hr_tz *tz, int64_t t_us, int64_t *start_us,
                            int64_t *end_us) {
  struct cal c = {.tz = tz};
  local_date(tz, floor_div(w->start_us, US_PER_S), &c.y0, &c.m0, &c.d0);
  cal_units(&c, w->unit, w->count > 0 ? w->count : 1);
  cal_find(&c, t_us, start_us, end_us);
}

void period_bounds(enum hr_cal_unit unit, const struct hr_tz *tz, int64_t t_us, int64_t *start_us, int64_t *end_us) {
  struct cal c = {.tz = tz, .y0 = 2024, .m0 = 1, .d0 = 1}; /* a Monday, the first day of a year */
  cal_units(&c, unit, 1);
  cal_find(&c, t_us, start_us, end_us);
}

void window_bounds(const struct hr_window *w, const struct hr_tz *tz, int64_t t_us, int64_t *start_us,
                   int64_t *end_us) {
  if (w->kind == HR_WIN_ROLLING) {
    *start_us = t_us - w->length_us;
    *end_us = t_us;
    return;
  }
  calendar_period(w, tz, t_us, start_us, end_us);
}

int64_t window_length(const struct hr_window *w, const struct hr_tz *tz, int64_t t_us) {
  if (w->kind == HR_WIN_ROLLING)
    return w->length_us;
  int64_t s, e;
  calendar_period(w, tz, t_us, &s, &e);
  return e - s;
}

int64_t midnight_at_or_after(const struct hr_tz *tz, int64_t t_us) {
  int64_t y;
  unsigned m, d;
  local_date(tz, floor_div(t_us, US_PER_S), &y, &m, &d);
  int64_t day = days_from_civil(y, m, d); /* its midnight is at or before t (or in a gap just after) */
  for (;; day++) {
    civil_from_days(day, &y, &m, &d);
    int64_t s = midnight(tz, y, m, d);
    if (s * US_PER_S >= t_us)
      return s * US_PER_S;
  }
}
