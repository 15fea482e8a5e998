/* test_tail.c -- the tailer on temp files with explicit rounds (no sleeping):
 * partial lines, rename rotation, copytruncate, rotated .gz files, files that
 * appear later, and a restart that resumes without counting twice. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>

#include <cmocka.h>

#include "config/config.h"
#include "ingest/tail.h"
#include "store/store.h"
#include "util/xmalloc.h"

static const char conf_fmt[] = "apiVersion: openslo/v1\n"
                               "kind: DataSource\n"
                               "metadata:\n"
                               "  name: web\n"
                               "spec:\n"
                               "  type: headroom.logs\n"
                               "  connectionDetails:\n"
                               "    format: nginx\n"
                               "    paths: [\"%s\"]\n"
                               "---\n"
                               "apiVersion: openslo/v1\n"
                               "kind: SLO\n"
                               "metadata:\n"
                               "  name: avail\n"
                               "spec:\n"
                               "  service: web\n"
                               "  indicator:\n"
                               "    metadata:\n"
                               "      name: avail\n"
                               "    spec:\n"
                               "      ratioMetric:\n"
                               "        counter: true\n"
                               "        good:\n"
                               "          metricSource:\n"
                               "            metricSourceRef: web\n"
                               "            type: headroom.logs\n"
                               "            spec:\n"
                               "              filter: 'status < 500'\n"
                               "  timeWindow:\n"
                               "    - duration: 1d\n"
                               "      isRolling: true\n"
                               "  budgetingMethod: Occurrences\n"
                               "  objectives:\n"
                               "    - target: 0.99\n";

struct fix {
  char dir[64];
  char *log, *db;
  struct hr_config *cfg;
  struct hr_store *st;
  struct hr_tail *t;
  int seq;    /* lines written so far (each a distinct second) */
  double clk; /* the fake monotonic clock */
};

static char *path_in(struct fix *x, const char *name) {
  return xasprintf("%s/%s", x->dir, name);
}

static void start(struct fix *x) {
  struct hr_err err = {0};
  assert_int_equal(store_open(x->db, &x->st, &err), HR_OK);
  assert_int_equal(tail_new(x->cfg, x->st, &x->t, &err), HR_OK);
}

static void stop(struct fix *x) {
  tail_free(x->t);
  store_close(x->st);
  x->t = NULL;
  x->st = NULL;
}

static void setup_glob(struct fix *x, const char *glob_name) {
  memset(x, 0, sizeof *x);
  snprintf(x->dir, sizeof x->dir, "/tmp/hr-tail.XXXXXX");
  assert_non_null(mkdtemp(x->dir));
  x->log = path_in(x, "access.log");
  x->db = path_in(x, "h.db");
  char *pattern = path_in(x, glob_name);
  char *yaml = xasprintf(conf_fmt, pattern);
  char *name = path_in(x, "conf.yaml");
  struct hr_diag d = {0};
  enum hr_rc rc = config_load_mem(name, yaml, strlen(yaml), 0, &x->cfg, &d);
  for (size_t i = 0; i < d.n; i++)
    fprintf(stderr, "%s\n", d.msgs[i]);
  diag_free(&d);
  assert_int_equal(rc, HR_OK);
  free(pattern);
  free(yaml);
  free(name);
  start(x);
}

static void teardown(struct fix *x) {
  stop(x);
  config_free(x->cfg);
  char *cmd = xasprintf("rm -rf '%s'", x->dir);
  assert_int_equal(system(cmd), 0);
  free(cmd);
  free(x->log);
  free(x->db);
}

/* Append n lines (every 4th a 500) to path; partial: leave the last one
 * without its newline. */
static void append_to(struct fix *x, const char *path, int n, int partial) {
  FILE *f = fopen(path, "a");
  assert_non_null(f);
  for (int i = 0; i < n; i++) {
    int s = x->seq++;
    fprintf(f, "10.0.0.1 - - [01/Mar/2026:12:%02d:%02d +0000] \"GET /x HTTP/1.1\" %d 1 \"-\" \"t\"%s", s / 60 % 60,
            s % 60, s % 4 == 3 ? 500 : 200, partial && i == n - 1 ? "" : "\n");
  }
  fclose(f);
}

static void append(struct fix *x, int n) {
  append_to(x, x->log, n, 0);
}

static void poll_once(struct fix *x) {
  struct hr_err err = {0};
  x->clk += 0.2;
  enum hr_rc rc = tail_poll(x->t, x->clk, &err);
  if (rc != HR_OK)
    fprintf(stderr, "tail_poll: %s\n", err.msg);
  assert_int_equal(rc, HR_OK);
}

static uint64_t valid_in_store(struct fix *x, uint64_t *good) {
  int64_t id;
  struct hr_err err = {0};
  uint64_t g = 0, v = 0;
  if (store_slo_find(x->st, "avail", &id, &err) == HR_OK)
    assert_int_equal(store_sums(x->st, id, 0, 3999999960LL, &g, &v, &err), HR_OK);
  if (good != NULL)
    *good = g;
  return v;
}

/* Good lines among the first n written: every 4th is bad. */
static uint64_t good_of(int n) {
  return (uint64_t)(n - n / 4);
}

static void test_partial_line(void **state) {
  (void)state;
  struct fix x;
  setup_glob(&x, "access.log*");
  append_to(&x, x.log, 3, 1); /* two whole lines and a partial one */
  poll_once(&x);
  assert_int_equal(valid_in_store(&x, NULL), 2);
  poll_once(&x); /* still waiting */
  assert_int_equal(valid_in_store(&x, NULL), 2);
  FILE *f = fopen(x.log, "a");
  fputs("\n", f);
  fclose(f);
  poll_once(&x);
  uint64_t g;
  assert_int_equal(valid_in_store(&x, &g), 3);
  assert_int_equal(g, good_of(3));
  teardown(&x);
}

static void test_rename_rotation(void **state) {
  (void)state;
  struct fix x;
  setup_glob(&x, "access.log*");
  append(&x, 5);
  poll_once(&x);
  assert_int_equal(valid_in_store(&x, NULL), 5);
  append(&x, 2); /* written before the rename, not yet read */
  char *old = path_in(&x, "access.log.1");
  assert_int_equal(rename(x.log, old), 0);
  append_to(&x, old, 1, 0); /* the writer still has the old file open */
  append(&x, 3);            /* the new file */
  poll_once(&x);
  uint64_t g;
  assert_int_equal(valid_in_store(&x, &g), 11);
  assert_int_equal(g, good_of(11));
  for (int i = 0; i < 12; i++)
    poll_once(&x);
  assert_int_equal(valid_in_store(&x, NULL), 11);
  /* Restart: nothing counted twice, the files resume. */
  stop(&x);
  start(&x);
  append(&x, 4);
  poll_once(&x);
  poll_once(&x);
  assert_int_equal(valid_in_store(&x, &g), 15);
  assert_int_equal(g, good_of(15));
  free(old);
  teardown(&x);
}

/* The rotated name is outside the glob, the file is deleted while open: it
 * is still read to its end through the descriptor. */
static void test_rename_out_of_glob(void **state) {
  (void)state;
  struct fix x;
  setup_glob(&x, "access.log");
  append(&x, 5);
  poll_once(&x);
  append(&x, 2);
  char *old = path_in(&x, "old.log");
  assert_int_equal(rename(x.log, old), 0);
  append(&x, 3);
  poll_once(&x);
  assert_int_equal(valid_in_store(&x, NULL), 10);
  free(old);
  teardown(&x);
}

static void test_copytruncate(void **state) {
  (void)state;
  struct fix x;
  setup_glob(&x, "access.log*");
  append(&x, 6);
  poll_once(&x);
  assert_int_equal(valid_in_store(&x, NULL), 6);
  append(&x, 3); /* not read before the copy */
  char *cmd = xasprintf("cp '%s' '%s/access.log.1' && : > '%s'", x.log, x.dir, x.log);
  assert_int_equal(system(cmd), 0);
  free(cmd);
  append(&x, 2); /* after the truncation */
  poll_once(&x);
  poll_once(&x);
  uint64_t g;
  assert_int_equal(valid_in_store(&x, &g), 11);
  assert_int_equal(g, good_of(11));
  /* Truncated again, shorter than before, and rewritten past the old size
   * between two rounds: seen by its content, not its size. */
  cmd = xasprintf("rm -f '%s/access.log.1' && : > '%s'", x.dir, x.log);
  assert_int_equal(system(cmd), 0);
  free(cmd);
  append(&x, 4);
  poll_once(&x);
  assert_int_equal(valid_in_store(&x, NULL), 15);
  stop(&x);
  start(&x);
  poll_once(&x);
  assert_int_equal(valid_in_store(&x, NULL), 15);
  teardown(&x);
}

static void gzip_file(const char *from, const char *to) {
  FILE *in = fopen(from, "rb");
  assert_non_null(in);
  gzFile out = gzopen(to, "wb");
  assert_non_null(out);
  char buf[4096];
  size_t n;
  while ((n = fread(buf, 1, sizeof buf, in)) > 0)
    assert_int_equal(gzwrite(out, buf, (unsigned)n), (int)n);
  fclose(in);
  gzclose(out);
}

/* headroom was down while the file was rotated and compressed: the .gz is
 * recognised by its content and read from where the plain file stopped. */
static void test_gz_rotated_while_down(void **state) {
  (void)state;
  struct fix x;
  setup_glob(&x, "access.log*");
  append(&x, 7);
  poll_once(&x);
  append(&x, 5);
  stop(&x);
  char *gz = path_in(&x, "access.log.1.gz");
  gzip_file(x.log, gz);
  assert_int_equal(unlink(x.log), 0);
  append(&x, 2);
  start(&x);
  poll_once(&x);
  uint64_t g;
  assert_int_equal(valid_in_store(&x, &g), 14);
  assert_int_equal(g, good_of(14));
  poll_once(&x);
  assert_int_equal(valid_in_store(&x, NULL), 14);
  /* A .gz already read is not read again after another restart. */
  stop(&x);
  start(&x);
  poll_once(&x);
  assert_int_equal(valid_in_store(&x, NULL), 14);
  free(gz);
  teardown(&x);
}

/* Compressed while followed: the open file is finished first, the .gz
 * (same content) waits, then adds nothing. */
static void test_gz_rotated_while_following(void **state) {
  (void)state;
  struct fix x;
  setup_glob(&x, "access.log*");
  append(&x, 4);
  poll_once(&x);
  append(&x, 3);
  char *gz = path_in(&x, "access.log.1.gz");
  gzip_file(x.log, gz);
  assert_int_equal(unlink(x.log), 0);
  append(&x, 1);
  for (int i = 0; i < 15; i++)
    poll_once(&x);
  assert_int_equal(valid_in_store(&x, NULL), 8);
  struct hr_tail_stats ts;
  tail_stats(x.t, &ts);
  assert_int_equal(ts.files, 2); /* access.log and the .gz */
  free(gz);
  teardown(&x);
}

static void test_new_files_and_stats(void **state) {
  (void)state;
  struct fix x;
  setup_glob(&x, "*.log");
  poll_once(&x);
  assert_int_equal(valid_in_store(&x, NULL), 0);
  append(&x, 2);
  char *b = path_in(&x, "b.log");
  append_to(&x, b, 3, 0);
  poll_once(&x);
  assert_int_equal(valid_in_store(&x, NULL), 5);
  struct hr_tail_stats ts;
  tail_stats(x.t, &ts);
  assert_int_equal(ts.files, 2);
  assert_int_equal(ts.lines, 5);
  assert_int_equal(ts.malformed, 0);
  assert_true(ts.bytes > 0);
  assert_true(ts.lag_s == 0);
  FILE *f = fopen(b, "a");
  fputs("not a log line\n", f);
  fclose(f);
  poll_once(&x);
  tail_stats(x.t, &ts);
  assert_int_equal(ts.lines, 6);
  assert_int_equal(ts.malformed, 1);
  assert_int_equal(valid_in_store(&x, NULL), 5);
  free(b);
  teardown(&x);
}

static void test_ingest_buffer(void **state) {
  (void)state;
  struct fix x;
  setup_glob(&x, "access.log");
  struct hr_pipeline *p = NULL;
  struct hr_err err = {0};
  assert_int_equal(pipeline_new(x.cfg, &p, &err), HR_OK);
  const char body[] = "10.0.0.1 - - [01/Mar/2026:12:00:00 +0000] \"GET / HTTP/1.1\" 200 1 \"-\" \"t\"\n"
                      "garbage\n"
                      "\n"
                      "10.0.0.1 - - [01/Mar/2026:12:00:01 +0000] \"GET / HTTP/1.1\" 503 1 \"-\" \"t\"";
  struct hr_scan_stats s;
  int dup = -1;
  assert_int_equal(tail_ingest_buffer(p, x.st, NULL, NULL, body, strlen(body), &s, &dup, &err), HR_OK);
  assert_int_equal(s.lines, 4);
  assert_int_equal(s.malformed, 1);
  assert_int_equal(s.events, 2);
  assert_int_equal(dup, 0);
  uint64_t g;
  assert_int_equal(valid_in_store(&x, &g), 2);
  assert_int_equal(g, 1);
  assert_int_equal(tail_ingest_buffer(p, x.st, "nope", NULL, body, strlen(body), &s, &dup, &err), HR_ERR_USAGE);
  assert_int_equal(valid_in_store(&x, NULL), 2);
  /* without a key a retried batch counts again */
  assert_int_equal(tail_ingest_buffer(p, x.st, NULL, NULL, body, strlen(body), &s, &dup, &err), HR_OK);
  assert_int_equal(valid_in_store(&x, NULL), 4);

  /* with one, once: the retry commits nothing and says what the first read */
  assert_int_equal(tail_ingest_buffer(p, x.st, NULL, "b-1", body, strlen(body), &s, &dup, &err), HR_OK);
  assert_int_equal(dup, 0);
  assert_int_equal(s.events, 2);
  assert_int_equal(valid_in_store(&x, NULL), 6);
  assert_int_equal(tail_ingest_buffer(p, x.st, NULL, "b-1", body, strlen(body), &s, &dup, &err), HR_OK);
  assert_int_equal(dup, 1);
  assert_int_equal(s.lines, 4);
  assert_int_equal(s.malformed, 1);
  assert_int_equal(s.events, 0);
  assert_int_equal(valid_in_store(&x, NULL), 6);
  /* the same key for another body is refused, nothing counted */
  assert_int_equal(tail_ingest_buffer(p, x.st, NULL, "b-1", body, strlen(body) - 3, &s, &dup, &err), HR_ERR_CONFLICT);
  assert_non_null(strstr(err.msg, "idempotency key 'b-1' was used for another batch"));
  assert_int_equal(valid_in_store(&x, NULL), 6);
  /* another key counts */
  assert_int_equal(tail_ingest_buffer(p, x.st, NULL, "b-2", body, strlen(body), &s, &dup, &err), HR_OK);
  assert_int_equal(dup, 0);
  assert_int_equal(valid_in_store(&x, NULL), 8);
  assert_int_equal(tail_ingest_buffer(p, x.st, NULL, "", body, strlen(body), &s, &dup, &err), HR_ERR_USAGE);
  /* forgotten keys count again (kept TAIL_BATCH_KEEP_S; pruned here at once) */
  assert_int_equal(store_file_prune(x.st, TAIL_BATCH_PREFIX, INT64_MAX, &err), HR_OK);
  assert_int_equal(tail_ingest_buffer(p, x.st, NULL, "b-1", body, strlen(body), &s, &dup, &err), HR_OK);
  assert_int_equal(dup, 0);
  assert_int_equal(valid_in_store(&x, NULL), 10);
  pipeline_free(p);
  teardown(&x);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_partial_line),          cmocka_unit_test(test_rename_rotation),
      cmocka_unit_test(test_rename_out_of_glob),    cmocka_unit_test(test_copytruncate),
      cmocka_unit_test(test_gz_rotated_while_down), cmocka_unit_test(test_gz_rotated_while_following),
      cmocka_unit_test(test_new_files_and_stats),   cmocka_unit_test(test_ingest_buffer),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
