/* fuzz_haproxy.c -- the HAProxy httplog parser on arbitrary bytes (one
 * line, copied to an exact-size buffer so ASan sees any read past its end;
 * the format, with three named captures, is compiled once), and the same
 * bytes through a HAProxy log-format (fmt_logfmt.c's HAProxy dialect: the
 * syslog header skip, %hr braces, %{+Q}r, %[fetch], %Ta and %ST). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/format.h"
#include "util/xmalloc.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  static struct hr_format *f, *lf;
  static struct hr_event ev;
  if (f == NULL) {
    struct hr_format_opts o = {.kind = HR_FMT_HAPROXY, .captures = "Host|User-Agent|X-Forwarded-For"};
    struct hr_format_opts c = {.kind = HR_FMT_HAPROXY,
                               .log_format = "%ci:%cp [%tr] %ft %b/%s %TR/%Tw/%Tc/%Tr/%Ta %ST %B %CC %CS %tsc "
                                             "%ac/%fc/%bc/%sc/%rc %sq/%bq %hr {%[capture.req.hdr(1)]} %{+Q}r %Ts"};
    if (format_new(&o, &f, NULL) != HR_OK || format_new(&c, &lf, NULL) != HR_OK)
      abort();
  }
  char *line = xmalloc(size ? size : 1);
  memcpy(line, data, size);
  int rc = format_parse(f, line, size, &ev);
  if (rc < 0 || rc >= HR_BAD__COUNT)
    abort(); /* HAProxy lines are never directives */
  rc = format_parse(lf, line, size, &ev);
  if (rc < 0 || rc >= HR_BAD__COUNT)
    abort();
  free(line);
  return 0;
}
