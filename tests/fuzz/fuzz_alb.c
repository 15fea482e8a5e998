/* fuzz_alb.c -- the ALB parser on arbitrary bytes (one line, no NUL; the
 * format is compiled once). */
#include <stdint.h>
#include <stdlib.h>

#include "core/format.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  static struct hr_format *f;
  static struct hr_event ev;
  if (f == NULL) {
    struct hr_format_opts o = {0};
    o.kind = HR_FMT_ALB;
    if (format_new(&o, &f, NULL) != HR_OK)
      abort();
  }
  (void)format_parse(f, (const char *)data, size, &ev);
  return 0;
}
