/* tz.h -- IANA time zones from the system's TZif files (tzdata), read once.
 *
 * No libc local-time functions: the TZif v2+ transitions are loaded into memory
 * and the POSIX TZ footer rule covers instants after the last transition.
 * Looks in $TZDIR, else /usr/share/zoneinfo. */
#ifndef HR_TZ_H
#define HR_TZ_H

#include <stdint.h>

#include "core/err.h"

struct hr_tz;

/* Load zone name ("Europe/Berlin", "UTC"). *out owned by the caller
 * (tz_free()). Unknown zone: HR_ERR_NOTFOUND with the name in err. */
enum hr_rc tz_load(const char *name, struct hr_tz **out /* OUT */, struct hr_err *err);
void tz_free(struct hr_tz *tz);

/* UTC offset in seconds (local = utc + offset) at the UTC instant t_s. */
int32_t tz_offset(const struct hr_tz *tz, int64_t t_s);

/* The UTC instant of local civil time (y, m, d, hh:mm:ss). For a time that
 * does not exist (spring-forward gap) returns the instant after the gap;
 * for an ambiguous one (fall-back) the earlier instant. */
int64_t tz_local_to_utc(const struct hr_tz *tz, int64_t y, unsigned m, unsigned d, int hh, int mm, int ss);

#endif
