/* zone.h -- loading IANA time zones from the system's tzdata files, once,
 * when the configuration is loaded (calendar windows, recurring
 * exclusions). The evaluation code only ever sees the parsed zone
 * (core/tz.h). Looks in $TZDIR, else /usr/share/zoneinfo. */
#ifndef HR_ZONE_H
#define HR_ZONE_H

#include "core/err.h"
#include "core/tz.h"

/* Load zone name ("Europe/Berlin", "UTC"). *out owned by the caller
 * (tz_free()); "UTC" and "Etc/UTC" give tz_utc(). An unknown or malformed
 * zone: HR_ERR_NOTFOUND with the name in err. */
enum hr_rc tz_load(const char *name, struct hr_tz **out /* OUT */, struct hr_err *err);

#endif
