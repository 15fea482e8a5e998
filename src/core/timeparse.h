/* timeparse.h -- timestamps of logs to int64 microseconds since the epoch (UTC).
 *
 * No mktime/localtime/gmtime: civil dates are converted with
 * days_from_civil(), offsets are read from the text. All functions take
 * (ptr, len), need no NUL, and return 0 on success or -1 (out untouched). */
#ifndef HR_TIMEPARSE_H
#define HR_TIMEPARSE_H

#include <stddef.h>
#include <stdint.h>

/* Days since 1970-01-01 of a proleptic Gregorian date (m 1..12, d 1..31). */
int64_t days_from_civil(int64_t y, unsigned m, unsigned d);
/* The inverse. */
void civil_from_days(int64_t z, int64_t *y, unsigned *m, unsigned *d);

/* RFC 3339 / ISO 8601: 2015-05-13T23:39:43.945958Z, 2026-03-29T02:30:00+02:00,
 * also a space for 'T' and no zone (taken as UTC). Up to 9 fraction digits. */
int time_parse_rfc3339(const char *p, size_t n, int64_t *us);
/* The same with the zone required (Z, z or an offset): for times a person
 * types (the command line), where a missing offset is a mistake to point
 * out rather than UTC to assume. */
int time_parse_rfc3339_offset(const char *p, size_t n, int64_t *us);
/* A time a person wrote, named what (an option, a query parameter, a
 * member, an annotation's key): time_parse_rfc3339_offset() of the string
 * s. 0 ok; -1 with the error in err (n bytes), the same words everywhere:
 * "<what>: <s> has no UTC offset: add Z for UTC or an offset such as +02:00
 * (<s>Z)" when only the offset is missing, else "<what>: expected an RFC 3339
 * time with Z or an offset, such as 2026-03-01T12:00:00Z or
 * 2026-03-01T14:00:00+02:00, got '<s>'" (s cut at 64 bytes). */
int time_parse_instant(const char *what, const char *s, int64_t *us, char *err, size_t n);
/* nginx $time_local / Apache %t: 10/Oct/2000:13:55:36 -0700 (no brackets). */
int time_parse_clf(const char *p, size_t n, int64_t *us);
/* Epoch seconds with optional fraction: 1234567890.123 ($msec). */
int time_parse_epoch(const char *p, size_t n, int64_t *us);
/* Any of the above (tries RFC 3339, CLF, then epoch). */
int time_parse_any(const char *p, size_t n, int64_t *us);

/* The instants RFC 3339 can write (four-digit years, as time_parse_rfc3339()
 * reads them): 0000-01-01T00:00:00Z .. 9999-12-31T23:59:59.999999Z. */
#define HR_TIME_MIN_US INT64_C(-62167219200000000)
#define HR_TIME_MAX_US INT64_C(253402300799999999)

/* Format us as RFC 3339 UTC with second precision ("2026-03-29T00:00:00Z")
 * into buf (at least 32 bytes). Returns buf. An instant outside
 * [HR_TIME_MIN_US, HR_TIME_MAX_US] prints as the nearest bound
 * ("9999-12-31T23:59:59Z" for the year 10000): the text is always RFC 3339
 * and parses back, never a five-digit or negative year. Callers that must
 * not show a clamped instant check the range themselves. */
char *time_format_rfc3339(int64_t us, char *buf, size_t n);

/* Durations: "28d", "1h", "30m", "10s", "800ms", "1h30m", "2w". Returns 0 and
 * *us, or -1. Used by config and the filter language. */
int duration_parse(const char *p, size_t n, int64_t *us);
/* Shortest exact text for a duration ("5m", "1h", "1d", "90s") into buf. */
char *duration_format(int64_t us, char *buf, size_t n);
/* A duration in seconds for people, rounded: "0.25s", "43m 12s", "14h 24m",
 * "2d 3h" ("-" in front when negative, "never" when not finite); into buf. */
char *human_duration(double seconds, char *buf, size_t n);

#endif
