/* fuzz_promjson.c -- prom_parse() on arbitrary bytes (the answer of a
 * Prometheus that is not one, or is broken). Checks: on success every series
 * has a metric and its samples, a vector element holds exactly one sample;
 * on failure nothing is returned; the input is never read past size. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "prom/prom.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  /* An exact-size copy: reading past the end is an ASan error. */
  char *buf = malloc(size ? size : 1);
  if (buf == NULL)
    return 0;
  if (size)
    memcpy(buf, data, size);
  struct hr_prom_result r;
  struct hr_err err = {0};
  enum hr_rc rc = prom_parse(buf, size, &r, &err);
  if (rc == HR_OK) {
    for (size_t i = 0; i < r.nseries; i++) {
      if (r.series[i].metric == NULL || (r.series[i].n > 0 && r.series[i].s == NULL))
        abort();
      if (r.type == HR_PROM_VECTOR && r.series[i].n != 1)
        abort();
    }
    prom_result_free(&r);
  } else if (r.nseries != 0 || r.series != NULL || err.msg[0] == '\0') {
    abort();
  }
  free(buf);
  return 0;
}
