/* fuzz_w3c.c -- a W3C extended log on arbitrary bytes: every line of the
 * input is parsed in turn by one new format (directives change the columns
 * of the lines after them), each copied to an exact-size buffer. Then the
 * saved state, loaded into a second format, must read the last line as
 * the first did. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/format.h"
#include "util/xmalloc.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct hr_format *make(void) {
  struct hr_format_opts o = {.kind = HR_FMT_W3C};
  struct hr_format *f = NULL;
  if (format_new(&o, &f, NULL) != HR_OK)
    abort();
  /* names a filter could ask for: own-name columns are filled */
  (void)format_field(f, "x_edge_result_type", 18);
  (void)format_field(f, "cs_user_agent", 13);
  (void)format_field(f, "sc_substatus", 12);
  return f;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  static struct hr_event ev;
  const char *p = (const char *)data, *end = p + size;
  struct hr_format *f = make();
  char *last = NULL;
  size_t lastn = 0;
  int lastrc = 0;
  for (const char *l = p; l < end;) {
    const char *e = memchr(l, '\n', (size_t)(end - l));
    if (e == NULL)
      e = end;
    size_t n = (size_t)(e - l);
    free(last);
    last = xmalloc(n ? n : 1);
    memcpy(last, l, n);
    lastn = n;
    lastrc = format_parse(f, last, n, &ev);
    if (lastrc < HR_PARSE_DIRECTIVE || lastrc >= HR_BAD__COUNT)
      abort();
    l = e + 1;
  }
  if (last != NULL && lastrc != HR_PARSE_DIRECTIVE) {
    char *st = format_state_save(f);
    struct hr_format *g = make();
    format_state_load(g, st);
    if (format_parse(g, last, lastn, &ev) != lastrc)
      abort(); /* the saved directives are the state */
    format_free(g);
    free(st);
  }
  free(last);
  format_free(f);
  return 0;
}
