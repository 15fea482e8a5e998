/* fuzz_openslo.c -- the OpenSLO loader on YAML from memory
 * (config_load_mem(), libyaml's yaml_parser_set_input_string): any input
 * either loads or yields messages, never a crash or a leak. Loaded as
 * `check` loads it (HR_CONFIG_KEEP: kept even with errors), then checked
 * as `check` checks it (engine_check(): formats, filters, the fields they
 * read), paths left out (they would glob the fuzzing machine). Seeds:
 * tests/fuzz/corpus/openslo/ (copies of tests/data/config fixtures). */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "config/config.h"
#include "engine/check.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  struct hr_diag diag = {0};
  struct hr_config *c = NULL;
  /* strict walks the most branches */
  enum hr_rc rc = config_load_mem("fuzz.yaml", (const char *)data, size, HR_CONFIG_STRICT | HR_CONFIG_KEEP, &c, &diag);
  if (rc != HR_OK && rc != HR_ERR_CONFIG)
    abort();
  if (c != NULL) {
    size_t *npaths = calloc(c->nsources + 1, sizeof *npaths);
    if (npaths == NULL)
      abort();
    for (size_t i = 0; i < c->nsources; i++) {
      npaths[i] = c->sources[i].npaths;
      c->sources[i].npaths = 0;
    }
    size_t nerr = diag.n - diag.nwarn;
    size_t added = engine_check(c, &diag);
    if (diag.n - diag.nwarn != nerr + added)
      abort();
    for (size_t i = 0; i < c->nsources; i++)
      c->sources[i].npaths = npaths[i];
    free(npaths);
    for (size_t i = 0; i < c->nslos; i++)
      if (c->slos[i].source != NULL)
        (void)config_source(c, c->slos[i].source->name);
  }
  config_free(c);
  diag_free(&diag);
  return 0;
}
