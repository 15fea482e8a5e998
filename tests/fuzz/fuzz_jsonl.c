/* fuzz_jsonl.c -- parse the input as one JSON line with three fixed formats
 * (plain keys; a mapping with scale and a derived duration; nested keys by
 * dotted path, array indexes, an exact dotted key against its walk) and
 * evaluate a filter on what parsed. Checks: every accepted line has a time,
 * decoded strings stay inside the line or ev->scratch, and the nested format
 * accepts exactly the lines the plain one accepts as JSON (walking a key
 * never changes what is malformed JSON). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/expr.h"
#include "core/format.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define NFMT 3
static struct hr_format *fmts[NFMT];
static struct hr_expr *filters[NFMT];
static struct hr_event ev;

static int resolve(void *ctx, const char *name, size_t n) {
  return format_field(ctx, name, n);
}

static void setup(void) {
  static const struct hr_jsonl_map map[] = {{"time", "ts"}, {"status", "code"}, {"route", "path"}};
  static const struct hr_jsonl_map nested[] = {
      {"time", "a.ts"},        {"path", "request.uri"}, {"user_agent", "request.headers.User-Agent.0"},
      {"svc", "service.name"}, {"x", "a.0.b"},          {"y", "a.1"}};
  const struct hr_format_opts o[NFMT] = {
      {.kind = HR_FMT_JSONL},
      {.kind = HR_FMT_JSONL, .map = map, .nmap = 3, .duration_start = "requested_at", .duration_end = "completed_at"},
      {.kind = HR_FMT_JSONL, .map = nested, .nmap = 6, .duration_start = "job.t.0", .duration_end = "job.t.1"},
  };
  const char *src[NFMT] = {"status >= 500 || duration > 800ms || user =~ \"^a\" || ok",
                           "duration < 10m && route in [\"/x\", \"/y\"] && validation_passed == true",
                           "request.proto == \"HTTP/2.0\" || a.1.c > 3 || svc =~ \"^s\" || x || y == null"};
  for (int i = 0; i < NFMT; i++) {
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
  int rcs[NFMT];
  for (int i = 0; i < NFMT; i++) {
    int rc = rcs[i] = format_parse(fmts[i], (const char *)data, size, &ev);
    if (rc < 0 || rc >= HR_BAD__COUNT)
      abort();
    /* A value kept stops the scan when it overflows scratch or is a number
     * too long to convert; else the formats agree on what is not JSON. */
    if (i == 2 && (rcs[0] == HR_BAD_JSON) != (rc == HR_BAD_JSON) && rcs[0] != HR_BAD_TOOLONG &&
        rcs[0] != HR_BAD_NUMBER && rc != HR_BAD_TOOLONG && rc != HR_BAD_NUMBER)
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
