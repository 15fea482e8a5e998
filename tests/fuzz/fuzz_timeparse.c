/* fuzz_timeparse.c -- every time_parse_* and duration_parse on the input;
 * a duration that parses must format and parse back to the same value. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/timeparse.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  const char *p = (const char *)data;
  int64_t us;
  char buf[64];
  if (time_parse_rfc3339(p, size, &us) == 0)
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
