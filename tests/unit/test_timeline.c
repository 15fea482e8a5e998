/* test_timeline.c -- the timeline in the store (store/timeline.h): add,
 * list by service / kind / time range (points and windows), the last deploy,
 * refusals that leave nothing written, persistence and read-only stores. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "store/store.h"
#include "store/timeline.h"
#include "util/xmalloc.h"

#define T0 INT64_C(1793491200) /* 2026-11-01T00:00:00Z (date -u -d @1793491200) */

static struct hr_store *mem(void) {
  struct hr_store *st = NULL;
  struct hr_err err = {0};
  assert_int_equal(store_open(":memory:", &st, &err), HR_OK);
  return st;
}

static int64_t add(struct hr_store *st, const char *svc, const char *kind, int64_t at, int has_end, int64_t end,
                   const char *text) {
  struct hr_annotation a = {0};
  a.service = (char *)svc;
  a.kind = (char *)kind;
  a.at_s = at;
  a.has_end = has_end;
  a.end_s = end;
  a.text = (char *)text;
  a.created_s = T0 + 999;
  int64_t id = -1;
  struct hr_err err = {0};
  enum hr_rc rc = timeline_add(st, &a, &id, &err);
  if (rc != HR_OK)
    fail_msg("timeline_add: %s", err.msg);
  return id;
}

static size_t count_all(struct hr_store *st) {
  struct hr_annotation *v;
  size_t n;
  assert_int_equal(timeline_list(st, NULL, NULL, INT64_MIN, INT64_MAX, &v, &n, NULL), HR_OK);
  timeline_free(v, n);
  return n;
}

static void test_add_list(void **state) {
  (void)state;
  struct hr_store *st = mem();
  int64_t d1 = add(st, "core-matching", "deploy", T0, 0, 0, "v1");
  int64_t m1 = add(st, "core-matching", "maintenance", T0 + 3600, 1, T0 + 7200, "db upgrade");
  int64_t n1 = add(st, "ai-report", "note", T0 + 60, 0, 0, NULL);
  int64_t d2 = add(st, "core-matching", "deploy", T0 + 600, 0, 0, "v2");
  assert_true(d1 > 0 && m1 > d1 && n1 > m1 && d2 > n1);

  struct hr_annotation *v;
  size_t n;
  assert_int_equal(timeline_list(st, "core-matching", NULL, INT64_MIN, INT64_MAX, &v, &n, NULL), HR_OK);
  assert_int_equal(n, 3); /* ordered by at: v1 (T0), v2 (T0+600), maintenance (T0+3600) */
  assert_int_equal(v[0].id, d1);
  assert_string_equal(v[0].text, "v1");
  assert_int_equal(v[0].has_end, 0);
  assert_int_equal(v[1].id, d2);
  assert_int_equal(v[2].id, m1);
  assert_string_equal(v[2].kind, "maintenance");
  assert_int_equal(v[2].at_s, T0 + 3600);
  assert_int_equal(v[2].has_end, 1);
  assert_int_equal(v[2].end_s, T0 + 7200);
  assert_int_equal(v[2].created_s, T0 + 999);
  timeline_free(v, n);

  assert_int_equal(timeline_list(st, NULL, "note", INT64_MIN, INT64_MAX, &v, &n, NULL), HR_OK);
  assert_int_equal(n, 1);
  assert_string_equal(v[0].service, "ai-report");
  assert_null(v[0].text);
  timeline_free(v, n);
  store_close(st);
}

/* Ranges [from, to): a point at t touches it when from <= t < to; the window
 * [T0+3600, T0+7200) when it starts before `to` and ends after `from`. */
static void test_ranges(void **state) {
  (void)state;
  struct hr_store *st = mem();
  add(st, "s", "deploy", T0, 0, 0, NULL);
  add(st, "s", "maintenance", T0 + 3600, 1, T0 + 7200, NULL);
  static const struct {
    int64_t from, to;
    size_t n;
  } cases[] = {
      {T0, T0 + 1, 1},                                  /* the point, exactly at from */
      {T0 - 10, T0, 0},                                 /* the point is at to: excluded */
      {T0 + 1, T0 + 3600, 0},                           /* between: the window starts at to */
      {T0 + 3600, T0 + 3601, 1},                        /* the window's first second */
      {T0 + 7199, T0 + 9000, 1},                        /* its last second */
      {T0 + 7200, T0 + 9000, 0},                        /* its end is exclusive */
      {T0 + 4000, T0 + 5000, 1},                        /* inside it */
      {T0, T0 + 7200, 2},        {T0 + 10, T0 + 10, 0}, /* empty range */
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    struct hr_annotation *v;
    size_t n;
    assert_int_equal(timeline_list(st, "s", NULL, cases[i].from, cases[i].to, &v, &n, NULL), HR_OK);
    if (n != cases[i].n)
      fail_msg("case %zu: %zu annotations, want %zu", i, n, cases[i].n);
    timeline_free(v, n);
  }
  store_close(st);
}

static void test_last(void **state) {
  (void)state;
  struct hr_store *st = mem();
  add(st, "s", "deploy", T0, 0, 0, "v1");
  int64_t b = add(st, "s", "deploy", T0 + 600, 0, 0, "v2a");
  int64_t c = add(st, "s", "deploy", T0 + 600, 0, 0, "v2b"); /* same second: the later row wins */
  add(st, "other", "deploy", T0 + 900, 0, 0, "x");
  add(st, "s", "incident", T0 + 900, 0, 0, "y");
  assert_true(c > b);
  struct hr_annotation a;
  int found;
  static const struct {
    int64_t at;
    int found;
    const char *text;
  } cases[] = {{T0 - 1, 0, NULL}, {T0, 1, "v1"}, {T0 + 599, 1, "v1"}, {T0 + 600, 1, "v2b"}, {T0 + 5000, 1, "v2b"}};
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    assert_int_equal(timeline_last(st, "s", "deploy", cases[i].at, &a, &found, NULL), HR_OK);
    assert_int_equal(found, cases[i].found);
    if (found) {
      assert_string_equal(a.text, cases[i].text);
      timeline_clear(&a);
    }
  }
  store_close(st);
}

/* Every refusal leaves the table as it was. */
static void test_refusals(void **state) {
  (void)state;
  struct hr_store *st = mem();
  char *big = xcalloc(HR_TEXT_MAX + 2, 1);
  memset(big, 'x', HR_TEXT_MAX + 1);
  static const struct {
    const char *svc, *kind;
    int has_end;
    int64_t end;
    int big;
    enum hr_rc rc;
    const char *msg;
  } cases[] = {
      {"s", "release", 0, 0, 0, HR_ERR_USAGE, "expected deploy, incident, maintenance or note"},
      {"", "deploy", 0, 0, 0, HR_ERR_USAGE, "needs a service"},
      {"s", "maintenance", 0, 0, 0, HR_ERR_USAGE, "needs an end"},
      {"s", "maintenance", 1, T0, 0, HR_ERR_USAGE, "must end after it starts"},
      {"s", "deploy", 1, T0 + 60, 0, HR_ERR_USAGE, "only a maintenance annotation has an end"},
      {"s", "note", 0, 0, 1, HR_ERR_TOOBIG, "longer than"},
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    struct hr_annotation a = {0};
    a.service = (char *)cases[i].svc;
    a.kind = (char *)cases[i].kind;
    a.at_s = T0;
    a.has_end = cases[i].has_end;
    a.end_s = cases[i].end;
    a.text = cases[i].big ? big : NULL;
    struct hr_err err = {0};
    assert_int_equal(timeline_add(st, &a, NULL, &err), cases[i].rc);
    if (strstr(err.msg, cases[i].msg) == NULL)
      fail_msg("case %zu: '%s' lacks '%s'", i, err.msg, cases[i].msg);
  }
  assert_int_equal(count_all(st), 0);
  free(big);
  assert_int_equal(timeline_kind_ok("deploy"), 1);
  assert_int_equal(timeline_kind_ok("Deploy"), 0);
  assert_int_equal(timeline_kind_ok(NULL), 0);
  store_close(st);
}

/* A file store keeps the timeline across opens; a read-only open lists it
 * and refuses to write. */
static void test_file_ro(void **state) {
  (void)state;
  char dir[] = "/tmp/hr_timeline_XXXXXX";
  assert_non_null(mkdtemp(dir));
  char *db = xasprintf("%s/h.db", dir);
  struct hr_store *st = NULL;
  struct hr_err err = {0};
  assert_int_equal(store_open(db, &st, &err), HR_OK);
  add(st, "s", "deploy", T0, 0, 0, "v1");
  store_close(st);
  assert_int_equal(store_open_ro(db, &st, &err), HR_OK);
  assert_int_equal(count_all(st), 1);
  struct hr_annotation a = {0};
  a.service = (char *)"s";
  a.kind = (char *)"note";
  a.at_s = T0;
  assert_int_equal(timeline_add(st, &a, NULL, &err), HR_ERR_DB);
  assert_non_null(strstr(err.msg, "read-only"));
  assert_int_equal(count_all(st), 1);
  store_close(st);
  static const char *const suffix[] = {"", "-wal", "-shm"};
  for (size_t i = 0; i < 3; i++) {
    char *p = xasprintf("%s%s", db, suffix[i]);
    unlink(p);
    free(p);
  }
  assert_int_equal(rmdir(dir), 0);
  free(db);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_add_list), cmocka_unit_test(test_ranges),  cmocka_unit_test(test_last),
      cmocka_unit_test(test_refusals), cmocka_unit_test(test_file_ro),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
