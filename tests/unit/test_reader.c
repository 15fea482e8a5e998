/* test_reader.c -- the line reader: plain and gzip, truncated gzip, byte
 * ranges that split a file between threads, over-long lines, CRLF, a final
 * line without a newline. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>

#include "core/format.h"
#include "ingest/reader.h"

static char dir[] = "/tmp/hr_test_reader_XXXXXX";

static char *path_of(const char *name) {
  static char buf[256];
  snprintf(buf, sizeof buf, "%s/%s", dir, name);
  return buf;
}

static void write_file(const char *name, const char *data, size_t n) {
  FILE *f = fopen(path_of(name), "wb");
  assert_non_null(f);
  assert_int_equal(fwrite(data, 1, n, f), n);
  fclose(f);
}

static void write_gz(const char *name, const char *data, size_t n) {
  gzFile g = gzopen(path_of(name), "wb");
  assert_non_null(g);
  assert_int_equal(gzwrite(g, data, (unsigned)n), (int)n);
  gzclose(g);
}

/* Read all lines; join them with '|' into out; return how many. */
static int read_all(struct hr_reader *r, char *out, size_t cap, int *toolong, int *error) {
  const char *line;
  size_t len;
  int n = 0;
  struct hr_err err = {0};
  out[0] = '\0';
  *toolong = 0;
  *error = 0;
  for (;;) {
    int k = reader_next(r, &line, &len, &err);
    if (k == HR_READ_EOF)
      break;
    if (k == HR_READ_ERROR) {
      *error = 1;
      break;
    }
    if (k == HR_READ_TOOLONG) {
      (*toolong)++;
      continue;
    }
    size_t used = strlen(out);
    snprintf(out + used, cap - used, "%s%.*s", n ? "|" : "", (int)len, line);
    n++;
  }
  return n;
}

static void test_plain_lines(void **state) {
  (void)state;
  static const struct {
    const char *data;
    const char *want;
    int n;
  } cases[] = {
      {"a\nb\nc\n", "a|b|c", 3},
      {"a\nb\nc", "a|b|c", 3},  /* no final newline */
      {"a\r\nb\r\n", "a|b", 2}, /* CRLF */
      {"\n\nx\n", "||x", 3},    /* blank lines are lines */
      {"", "", 0},
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    write_file("p.log", cases[i].data, strlen(cases[i].data));
    struct hr_reader *r = NULL;
    assert_int_equal(reader_open(path_of("p.log"), &r, NULL), HR_OK);
    char out[256];
    int tl, er;
    assert_int_equal(read_all(r, out, sizeof out, &tl, &er), cases[i].n);
    assert_string_equal(out, cases[i].want);
    assert_int_equal(reader_offset(r), (int64_t)strlen(cases[i].data));
    reader_close(r);
  }
}

static void test_gzip_and_truncated(void **state) {
  (void)state;
  /* 20,000 numbered lines: enough to span several zlib blocks. */
  size_t cap = 20000 * 16, n = 0;
  char *data = malloc(cap);
  for (int i = 0; i < 20000; i++)
    n += (size_t)snprintf(data + n, cap - n, "line %d\n", i);
  write_gz("z.log.gz", data, n);
  struct hr_reader *r = NULL;
  assert_int_equal(reader_open(path_of("z.log.gz"), &r, NULL), HR_OK);
  assert_true(reader_is_gzip(r));
  char *out = malloc(cap + 20000);
  int tl, er;
  assert_int_equal(read_all(r, out, cap + 20000, &tl, &er), 20000);
  assert_int_equal(er, 0);
  reader_close(r);

  /* Cut the compressed file in half: the lines before the cut are read, then
   * an error that names the file. */
  FILE *f = fopen(path_of("z.log.gz"), "rb");
  char *gz = malloc(1 << 20);
  size_t gzn = fread(gz, 1, 1 << 20, f);
  fclose(f);
  write_file("cut.log.gz", gz, gzn / 2);
  assert_int_equal(reader_open(path_of("cut.log.gz"), &r, NULL), HR_OK);
  const char *line;
  size_t len;
  struct hr_err err = {0};
  int lines = 0, k;
  while ((k = reader_next(r, &line, &len, &err)) == HR_READ_LINE || k == HR_READ_TOOLONG)
    lines++;
  assert_int_equal(k, HR_READ_ERROR);
  assert_true(lines > 0 && lines < 20000);
  assert_non_null(strstr(err.msg, "cut.log.gz"));
  reader_close(r);
  free(gz);
  free(out);
  free(data);
}

/* For every split point of data, the ranges [0, m) and [m, n) together
 * give the lines of want (joined with '|'), nlines of them. */
static void check_ranges(const char *data, int nlines, const char *want) {
  size_t n = strlen(data);
  write_file("r.log", data, n);
  for (size_t m = 0; m <= n; m++) {
    char a[128], b[128], joined[300];
    int tl, er;
    struct hr_reader *r = NULL;
    assert_int_equal(reader_open_range(path_of("r.log"), 0, (int64_t)m, &r, NULL), HR_OK);
    int na = read_all(r, a, sizeof a, &tl, &er);
    reader_close(r);
    assert_int_equal(reader_open_range(path_of("r.log"), (int64_t)m, (int64_t)n, &r, NULL), HR_OK);
    int nb = read_all(r, b, sizeof b, &tl, &er);
    reader_close(r);
    assert_int_equal(na + nb, nlines);
    snprintf(joined, sizeof joined, "%s%s%s", a, na && nb ? "|" : "", b);
    assert_string_equal(joined, want);
  }
}

static void test_ranges_cover_every_line_once(void **state) {
  (void)state;
  check_ranges("aa\nbbbb\nc\n\ndddddd\ne\nff", 7, "aa|bbbb|c||dddddd|e|ff");
}

static void test_toolong(void **state) {
  (void)state;
  size_t big = HR_MAX_LINE + 100;
  size_t n = big + 32;
  char *data = malloc(n);
  memcpy(data, "first\n", 6);
  memset(data + 6, 'x', big);
  memcpy(data + 6 + big, "\nlast\n", 6);
  write_file("long.log", data, 6 + big + 6);
  struct hr_reader *r = NULL;
  assert_int_equal(reader_open(path_of("long.log"), &r, NULL), HR_OK);
  char out[64];
  int tl, er;
  assert_int_equal(read_all(r, out, sizeof out, &tl, &er), 2);
  assert_int_equal(tl, 1);
  assert_string_equal(out, "first|last");
  reader_close(r);
  free(data);
}

static void test_seek_and_fingerprint(void **state) {
  (void)state;
  write_file("s.log", "one\ntwo\nthree\n", 14);
  struct hr_reader *r = NULL;
  assert_int_equal(reader_open(path_of("s.log"), &r, NULL), HR_OK);
  assert_int_equal(reader_seek(r, 4, NULL), HR_OK);
  char out[64];
  int tl, er;
  assert_int_equal(read_all(r, out, sizeof out, &tl, &er), 2);
  assert_string_equal(out, "two|three");
  reader_close(r);
  uint64_t h1, h2;
  int64_t l1, l2;
  assert_int_equal(reader_fingerprint(path_of("s.log"), 1024, &h1, &l1, NULL), HR_OK);
  assert_int_equal(l1, 14);
  write_gz("s.log.gz", "one\ntwo\nthree\n", 14);
  assert_int_equal(reader_fingerprint(path_of("s.log.gz"), 1024, &h2, &l2, NULL), HR_OK);
  assert_int_equal(l2, 14); /* decompressed content: same fingerprint */
  assert_true(h1 == h2);
  assert_int_equal(reader_fingerprint(path_of("s.log"), 3, &h2, &l2, NULL), HR_OK);
  assert_true(h1 != h2);
}

/* A UTF-8 byte-order mark opens some files (Windows tools, exports): it is
 * dropped from the line that starts at byte 0 of the file (plain, gzip,
 * standard input, a range from 0, after a seek to 0), nowhere else, and
 * still counts in the offsets. */
#define BOM "\xEF\xBB\xBF"
static void test_bom(void **state) {
  (void)state;
  static const struct {
    const char *data;
    const char *want;
    int n;
  } cases[] = {
      {BOM "a\nb\n", "a|b", 2},
      {BOM "a\r\nb", "a|b", 2},
      {"a\n" BOM "b\n", "a|" BOM "b", 2}, /* not the first line: kept */
      {BOM BOM "a\n", BOM "a", 1},        /* one BOM only */
      {BOM "\na\n", "|a", 2},             /* a line of just a BOM is blank */
      {BOM, "", 1},
      {"\xEF\xBB"
       "a\n",
       "\xEF\xBB"
       "a",
       1}, /* not a whole BOM */
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    size_t n = strlen(cases[i].data);
    write_file("bom.log", cases[i].data, n);
    write_gz("bom.log.gz", cases[i].data, n);
    const char *names[] = {"bom.log", "bom.log.gz"};
    for (int k = 0; k < 2; k++) {
      struct hr_reader *r = NULL;
      assert_int_equal(reader_open(path_of(names[k]), &r, NULL), HR_OK);
      char out[256];
      int tl, er;
      assert_int_equal(read_all(r, out, sizeof out, &tl, &er), cases[i].n);
      assert_string_equal(out, cases[i].want);
      assert_int_equal(reader_offset(r), (int64_t)n); /* the BOM's bytes count */
      /* back to the start: dropped again */
      assert_int_equal(reader_seek(r, 0, NULL), HR_OK);
      assert_int_equal(read_all(r, out, sizeof out, &tl, &er), cases[i].n);
      assert_string_equal(out, cases[i].want);
      reader_close(r);
    }
  }
  /* ranges: the one from 0 drops it, a later one never sees byte 0 */
  check_ranges(BOM "aa\nbb\ncc\n", 3, "aa|bb|cc");
  check_ranges("aa\n" BOM "bb\n", 2, "aa|" BOM "bb");
}

static void test_missing_file(void **state) {
  (void)state;
  struct hr_reader *r = NULL;
  struct hr_err err = {0};
  assert_int_equal(reader_open(path_of("nope.log"), &r, &err), HR_ERR_IO);
  assert_null(r);
  assert_non_null(strstr(err.msg, "nope.log"));
}

static int setup(void **state) {
  (void)state;
  return mkdtemp(dir) == NULL ? -1 : 0;
}

static int teardown(void **state) {
  (void)state;
  char cmd[300];
  snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
  return system(cmd) == 0 ? 0 : -1;
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_plain_lines),
      cmocka_unit_test(test_gzip_and_truncated),
      cmocka_unit_test(test_ranges_cover_every_line_once),
      cmocka_unit_test(test_toolong),
      cmocka_unit_test(test_seek_and_fingerprint),
      cmocka_unit_test(test_missing_file),
      cmocka_unit_test(test_bom),
  };
  return cmocka_run_group_tests(tests, setup, teardown);
}
