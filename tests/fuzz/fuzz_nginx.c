/* fuzz_nginx.c -- first line of the input is a log format string (a
 * leading 'A' selects Apache LogFormat, else nginx), every further line is
 * parsed with it. Lines are copied to exact-size buffers so ASan sees any
 * read past a line's end. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/format.h"
#include "util/xmalloc.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  static struct hr_event ev;
  const char *p = (const char *)data, *end = p + size;
  const char *nl = memchr(p, '\n', size);
  if (nl == NULL)
    return 0;
  struct hr_format_opts o = {0};
  o.kind = HR_FMT_NGINX;
  if (nl > p && p[0] == 'A') {
    o.kind = HR_FMT_APACHE;
    p++;
  }
  char *fmt = xstrndup(p, (size_t)(nl - p));
  o.log_format = fmt[0] ? fmt : NULL;
  struct hr_format *f = NULL;
  if (format_new(&o, &f, NULL) == HR_OK) {
    for (const char *l = nl + 1; l < end;) {
      const char *e = memchr(l, '\n', (size_t)(end - l));
      if (e == NULL)
        e = end;
      size_t n = (size_t)(e - l);
      char *line = xmalloc(n ? n : 1);
      memcpy(line, l, n);
      (void)format_parse(f, line, n, &ev);
      free(line);
      l = e + 1;
    }
    format_free(f);
  }
  free(fmt);
  return 0;
}
