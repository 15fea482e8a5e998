/* fuzz_timeparse.c -- every time_parse_* and duration_parse on the input;
 * a duration that parses must format and parse back to the same value; the
 * strict RFC 3339 reader (offset required) accepts a subset of the lenient
 * one, with the same instant; any instant (the input's first 8 bytes too)
 * formats as RFC 3339 that parses back, to the second when in range. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/timeparse.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  const char *p = (const char *)data;
  int64_t us;
  char buf[64];
  int64_t strict;
  int lenient_ok = time_parse_rfc3339(p, size, &us) == 0;
  if (time_parse_rfc3339_offset(p, size, &strict) == 0 && (!lenient_ok || strict != us))
    abort();
  if (size >= 8) {
    int64_t any, back;
    memcpy(&any, data, 8);
    time_format_rfc3339(any, buf, sizeof buf);
    if (time_parse_rfc3339_offset(buf, strlen(buf), &back) != 0)
      abort();
    if (any >= HR_TIME_MIN_US && any <= HR_TIME_MAX_US && (back > any || any - back >= 1000000))
      abort();
  }
  if (lenient_ok)
    (void)time_format_rfc3339(us, buf, sizeof buf);
  (void)time_parse_clf(p, size, &us);
  (void)time_parse_epoch(p, size, &us);
  if (time_parse_any(p, size, &us) == 0)
    (void)time_format_rfc3339(us, buf, sizeof buf);
  if (duration_parse(p, size, &us) == 0) {
    int64_t back;
    duration_format(us, buf, sizeof buf);
    if (duration_parse(buf, strlen(buf), &back) != 0 || back != us)
      abort();
  }
  return 0;
}
