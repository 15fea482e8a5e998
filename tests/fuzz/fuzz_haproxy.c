/* fuzz_haproxy.c -- the HAProxy httplog parser on arbitrary bytes (one
 * line, copied to an exact-size buffer so ASan sees any read past its end;
 * the format, with three named captures, is compiled once). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/format.h"
#include "util/xmalloc.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  static struct hr_format *f;
  static struct hr_event ev;
  if (f == NULL) {
    struct hr_format_opts o = {.kind = HR_FMT_HAPROXY, .captures = "Host|User-Agent|X-Forwarded-For"};
    if (format_new(&o, &f, NULL) != HR_OK)
      abort();
  }
  char *line = xmalloc(size ? size : 1);
  memcpy(line, data, size);
  int rc = format_parse(f, line, size, &ev);
  if (rc < 0 || rc >= HR_BAD__COUNT)
    abort(); /* HAProxy lines are never directives */
  free(line);
  return 0;
}
