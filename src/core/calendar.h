/* calendar.h -- SLO windows: rolling, and calendar-aligned (1w, 1M, 1Q, 1y)
 * in an IANA time zone with the real length of each period (a March in
 * Europe/Berlin is 31 days less one hour). */
#ifndef HR_CALENDAR_H
#define HR_CALENDAR_H

#include <stdint.h>

#include "core/model.h"
#include "core/tz.h"

/* The window in force at instant t_us: [*start_us, *end_us). Rolling:
 * [t - length, t) and *end_us = t. Calendar: the period that contains t,
 * counted from w->start_us in steps of w->count units, in zone tz (NULL for
 * rolling windows). */
void window_bounds(const struct hr_window *w, const struct hr_tz *tz, int64_t t_us, int64_t *start_us, int64_t *end_us);

/* The length W of the window at t_us (rolling: length_us; calendar: the real
 * length of the period containing t). */
int64_t window_length(const struct hr_window *w, const struct hr_tz *tz, int64_t t_us);

/* The calendar period of one unit that contains t_us in zone tz (NULL: UTC):
 * the day, the week from Monday, the month, the quarter (from January, April,
 * July, October) or the year, from local midnight to local midnight, with its
 * real length (a DST change, 28 to 31 days). */
void period_bounds(enum hr_cal_unit unit, const struct hr_tz *tz, int64_t t_us, int64_t *start_us, int64_t *end_us);

/* The first local midnight of zone tz (NULL: UTC) at or after t_us (a
 * midnight that falls in a DST gap: the first instant after the gap). */
int64_t midnight_at_or_after(const struct hr_tz *tz, int64_t t_us);

#endif
