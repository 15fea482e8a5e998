/* fmt_fields.h -- for the parser tests of one format (test_fmt_haproxy.c,
 * test_fmt_w3c.c): parse a line into the one event `ev` and read its fields
 * by name, failing the test with the field's name when one is not what it
 * should be. Include after cmocka.h. */
#ifndef HR_TEST_FMT_FIELDS_H
#define HR_TEST_FMT_FIELDS_H

#include <string.h>

#include "core/event.h"
#include "core/format.h"

#define NUL (-12345.0) /* expected: null or absent */

static struct hr_event ev;

/* The number of field name in ev; NUL when null or absent. */
static double num(struct hr_format *f, const char *name) {
  int id = format_field(f, name, strlen(name));
  assert_true(id >= 0);
  const struct hr_val *v = event_get(&ev, id);
  if (v == NULL)
    return NUL;
  assert_int_equal(v->type, HR_V_NUM);
  return v->num;
}

/* Field name of ev is the string want (NULL: null or absent). */
static void str_is(struct hr_format *f, const char *name, const char *want) {
  int id = format_field(f, name, strlen(name));
  assert_true(id >= 0);
  const struct hr_val *v = event_get(&ev, id);
  if (want == NULL) {
    assert_null(v);
    return;
  }
  assert_non_null(v);
  assert_int_equal(v->type, HR_V_STR);
  if (v->sv.n != strlen(want) || memcmp(v->sv.p, want, v->sv.n) != 0)
    fail_msg("%s: want '%s', got '%.*s'", name, want, (int)v->sv.n, v->sv.p);
}

/* Parse line into ev: format_parse()'s code. */
static int parse(struct hr_format *f, const char *line) {
  return format_parse(f, line, strlen(line), &ev);
}

#endif
