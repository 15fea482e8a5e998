/* fuzz_jsonl.c -- parse the input as one JSON line with two fixed formats
 * (plain keys; a mapping with scale and a derived duration) and evaluate a
 * filter on what parsed. Checks: every accepted line has a time, decoded
 * strings stay inside the line or ev->scratch. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/expr.h"
#include "core/format.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct hr_format *fmts[2];
static struct hr_expr *filters[2];
static struct hr_event ev;

static int resolve(void *ctx, const char *name, size_t n) {
  return format_field(ctx, name, n);
}

static void setup(void) {
  static const struct hr_jsonl_map map[] = {{"time", "ts"}, {"status", "code"}, {"route", "path"}};
  const struct hr_format_opts o[2] = {
      {.kind = HR_FMT_JSONL},
      {.kind = HR_FMT_JSONL, .map = map, .nmap = 3, .duration_start = "requested_at", .duration_end = "completed_at"},
  };
  const char *src[2] = {"status >= 500 || duration > 800ms || user =~ \"^a\" || ok",
                        "duration < 10m && route in [\"/x\", \"/y\"] && validation_passed == true"};
  for (int i = 0; i < 2; i++) {
    if (format_new(&o[i], &fmts[i], NULL) != HR_OK ||
        expr_compile(src[i], strlen(src[i]), resolve, fmts[i], &filters[i], NULL) != HR_OK)
      abort();
    (void)format_field(fmts[i], "meta", 4);
  }
}

static void check_views(const uint8_t *data, size_t size) {
  for (int id = 0; id < HR_MAX_FIELDS; id++) {
    const struct hr_val *v = event_get(&ev, id);
    if (v == NULL || v->sv.n == 0)
      continue;
    const char *p = v->sv.p;
    int in_line = p >= (const char *)data && p + v->sv.n <= (const char *)data + size;
    int in_scratch = p >= ev.scratch && p + v->sv.n <= ev.scratch + ev.scratch_len;
    if (!in_line && !in_scratch)
      abort();
  }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (fmts[0] == NULL)
    setup();
  for (int i = 0; i < 2; i++) {
    int rc = format_parse(fmts[i], (const char *)data, size, &ev);
    if (rc < 0 || rc >= HR_BAD__COUNT)
      abort();
    if (rc != 0)
      continue;
    if (!(ev.set & 1) || ev.scratch_len > HR_EVENT_SCRATCH)
      abort();
    check_views(data, size);
    (void)expr_eval(filters[i], &ev);
  }
  return 0;
}
