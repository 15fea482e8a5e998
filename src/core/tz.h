/* tz.h -- IANA time zones: the TZif transitions held in memory, and the
 * POSIX TZ footer rule for instants after the last transition.
 *
 * No libc local-time functions, and no files: tz_parse() reads the bytes of
 * a TZif file that the caller read (the configuration loader does it once,
 * src/config/zone.h), so evaluation never touches the disk. */
#ifndef HR_TZ_H
#define HR_TZ_H

#include <stddef.h>
#include <stdint.h>

#include "core/err.h"

struct hr_tz;

/* Parse n bytes of a TZif file (RFC 8536, v1 to v4) for zone name (used in
 * messages). *out owned by the caller (tz_free()). A malformed file:
 * HR_ERR_NOTFOUND with the name in err. */
enum hr_rc tz_parse(const char *name, const unsigned char *buf, size_t n, struct hr_tz **out /* OUT */,
                    struct hr_err *err);
/* UTC, statically allocated (tz_free() of it is a no-op). */
const struct hr_tz *tz_utc(void);
void tz_free(struct hr_tz *tz);

/* UTC offset in seconds (local = utc + offset) at the UTC instant t_s. */
int32_t tz_offset(const struct hr_tz *tz, int64_t t_s);

/* The UTC instant of local civil time (y, m, d, hh:mm:ss). For a time that
 * does not exist (spring-forward gap) returns the instant after the gap;
 * for an ambiguous one (fall-back) the earlier instant. */
int64_t tz_local_to_utc(const struct hr_tz *tz, int64_t y, unsigned m, unsigned d, int hh, int mm, int ss);

#endif
