/* fuzz_openslo.c -- the OpenSLO loader on YAML from memory
 * (config_load_mem(), libyaml's yaml_parser_set_input_string): any input
 * either loads or yields messages, never a crash or a leak. Seeds:
 * tests/fuzz/corpus/openslo/ (copies of tests/data/config fixtures). */
#include <stddef.h>
#include <stdint.h>

#include "config/config.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  struct hr_diag diag = {0};
  struct hr_config *c = NULL;
  /* strict = 1 walks the most branches */
  if (config_load_mem("fuzz.yaml", (const char *)data, size, 1, &c, &diag) == HR_OK) {
    for (size_t i = 0; i < c->nslos; i++)
      (void)config_source(c, c->slos[i].source->name);
  }
  config_free(c);
  diag_free(&diag);
  return 0;
}
