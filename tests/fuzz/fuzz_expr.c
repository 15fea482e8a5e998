/* fuzz_expr.c -- compile the input as a filter with a fixed resolver and
 * evaluate it against a few fixed events (fields of every type, absent and
 * null), then again with a match limit of 1 so that every PCRE2 match gives
 * up. Checks: a failed compile leaves *out NULL and says "col N: ...";
 * expr_eval() agrees with expr_decide(); every undecided event is counted;
 * warnings have a column; each field read has a position in the source. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/expr.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *const extra[] = {"a", "b", "s", "n", "flag", "validation_passed"};

static int resolve(void *ctx, const char *name, size_t n) {
  (void)ctx;
  for (int i = 0; i < HR_F_NSTD; i++)
    if (strlen(hr_std_field_names[i]) == n && memcmp(hr_std_field_names[i], name, n) == 0)
      return i;
  for (size_t i = 0; i < sizeof extra / sizeof extra[0]; i++)
    if (strlen(extra[i]) == n && memcmp(extra[i], name, n) == 0)
      return HR_F_NSTD + (int)i;
  return -1;
}

static struct hr_event evs[3];

static void setup(void) {
  struct hr_event *e = &evs[0];
  event_reset(e);
  event_set_num(e, HR_F_STATUS, 503, "503", 3);
  event_set_str(e, HR_F_METHOD, "GET", 3);
  event_set_str(e, HR_F_PATH, "/api/matches/42?x=\xff", 19);
  event_set_num(e, HR_F_DURATION, 0.25, NULL, 0);
  event_set_num(e, HR_F_NSTD + 0, 5, NULL, 0);
  event_set_str(e, HR_F_NSTD + 1, "5", 1);
  event_set_str(e, HR_F_NSTD + 2, "", 0);
  event_set_null(e, HR_F_NSTD + 3);
  event_set_str(e, HR_F_NSTD + 4, "true", 4);
  event_set_bool(e, HR_F_NSTD + 5, 1);
  event_reset(&evs[1]);
  e = &evs[2];
  event_reset(e);
  event_set_str(e, HR_F_STATUS, "abc", 3);
  event_set_bool(e, HR_F_METHOD, 0);
  event_set_null(e, HR_F_PATH);
  event_set_str(e, HR_F_DURATION, "1e400", 5);
  event_set_num(e, HR_F_NSTD + 0, -0.0, "-0", 2);
  event_set_bool(e, HR_F_NSTD + 1, 1);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  static int init;
  if (!init) {
    setup();
    init = 1;
  }
  struct hr_expr *e = (struct hr_expr *)&init; /* must be overwritten */
  struct hr_err err = {0};
  if (expr_compile((const char *)data, size, resolve, NULL, &e, &err) != HR_OK) {
    if (e != NULL || strncmp(err.msg, "col ", 4) != 0)
      abort();
    return 0;
  }
  if (e == NULL)
    abort();
  for (int i = 0; i < 3; i++) {
    int r = expr_eval(e, &evs[i]);
    enum hr_truth t = expr_decide(e, &evs[i]);
    if ((r != 0 && r != 1) || r != (t == HR_TRUE))
      abort();
  }
  /* a match limit of 1: PCRE2 gives up on every regex it runs, and the
   * undecided tests go through the three-valued walk */
  uint64_t u0 = expr_undecided(e);
  expr_set_match_limit(e, 1);
  for (int i = 0; i < 3; i++) {
    enum hr_truth t = expr_decide(e, &evs[i]);
    if (t != HR_TRUE && t != HR_FALSE && t != HR_UNDECIDED)
      abort();
    if (t == HR_UNDECIDED)
      u0++;
  }
  if (expr_undecided(e) != u0)
    abort();
  const char *w = expr_warning(e);
  if (w != NULL && strncmp(w, "col ", 4) != 0)
    abort();
  /* (Written with a variable: gcc 12.2 -O2 drops the call in the form
   * (f() >= 0) != (int)(x >> id & 1).) */
  for (int id = 0; id < HR_MAX_FIELDS; id++) {
    long pos = expr_field_pos(e, id);
    int read = (expr_fields(e) & (uint64_t)1 << id) != 0;
    if (read ? pos < 0 || pos >= (long)size : pos != -1)
      abort();
  }
  if (expr_fields(e) >> (HR_F_NSTD + 6))
    abort(); /* only resolvable ids */
  expr_free(e);
  return 0;
}
