/* fuzz_reader.c -- the line reader (src/ingest/reader.c) over arbitrary
 * file contents, written to a temporary file. Checks: every line lies
 * inside the file's bytes and holds no newline; a UTF-8 byte-order mark at
 * byte 0 is gone from the first line and kept everywhere else; two byte
 * ranges split at any point give the lines of the whole file, each once, in
 * order; the offset at the end is the file's size. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/format.h"
#include "ingest/reader.h"
#include "util/xmalloc.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char path[] = "/dev/shm/hr_fuzz_reader_XXXXXX"; /* memory: no disk in the loop */
static int fd = -1;

struct rec {
  char *s;
  size_t n, cap;
};

static void put(struct rec *r, char kind, const char *p, size_t n) {
  if (r->n + n + 2 > r->cap) {
    r->cap = (r->n + n + 2) * 2;
    r->s = xrealloc(r->s, r->cap);
  }
  r->s[r->n++] = kind;
  memcpy(r->s + r->n, p, n);
  r->n += n;
  r->s[r->n++] = '\n';
}

/* Every line of [from, to) into r (to < 0: the whole file, whose lines are
 * also checked against data, and the offset of its first line is put in
 * *first_off, *first_seen = 1). Returns the offset at the end. */
static int64_t read_lines(int64_t from, int64_t to, struct rec *r, const uint8_t *data, size_t size, int *first_seen,
                          size_t *first_off) {
  struct hr_reader *rd = NULL;
  enum hr_rc rc = to < 0 ? reader_open(path, &rd, NULL) : reader_open_range(path, from, to, &rd, NULL);
  if (rc != HR_OK)
    abort();
  const char *line;
  size_t len;
  int k;
  int64_t prev = from;
  while ((k = reader_next(rd, &line, &len, NULL)) != HR_READ_EOF) {
    if (k == HR_READ_ERROR)
      abort();
    if (k == HR_READ_TOOLONG) {
      put(r, 'T', NULL, 0);
    } else {
      if (len > HR_MAX_LINE || memchr(line, '\n', len) != NULL)
        abort();
      if (to < 0) { /* the line's bytes are the file's, from where the previous one ended */
        int64_t at = prev;
        if (at == 0 && size >= 3 && memcmp(data, "\xEF\xBB\xBF", 3) == 0)
          at = 3;
        if ((size_t)at + len > size || memcmp(line, data + at, len) != 0)
          abort();
        if (!*first_seen) {
          *first_seen = 1;
          *first_off = (size_t)at;
        }
      }
      put(r, 'L', line, len);
    }
    prev = reader_offset(rd);
  }
  int64_t end = reader_offset(rd);
  reader_close(rd);
  return end;
}

static void remove_file(void) {
  unlink(path);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (fd < 0) {
    if ((fd = mkstemp(path)) < 0)
      abort();
    atexit(remove_file);
  }
  if (ftruncate(fd, 0) != 0 || pwrite(fd, data, size, 0) != (ssize_t)size)
    abort();
  struct rec whole = {0}, parts = {0};
  int seen = 0;
  size_t off = 0;
  if (read_lines(0, -1, &whole, data, size, &seen, &off) != (int64_t)size)
    abort();
  /* the first line starts after a BOM at byte 0 and at byte 0 otherwise */
  int bom = size >= 3 && memcmp(data, "\xEF\xBB\xBF", 3) == 0;
  if (seen && off != (bom ? 3u : 0u))
    abort();
  /* split at a point the input picks */
  size_t m = size ? (size_t)data[size - 1] * (size + 1) / 256 : 0;
  read_lines(0, (int64_t)m, &parts, data, size, NULL, NULL);
  read_lines((int64_t)m, (int64_t)size, &parts, data, size, NULL, NULL);
  if (whole.n != parts.n || (whole.n && memcmp(whole.s, parts.s, whole.n) != 0))
    abort();
  free(whole.s);
  free(parts.s);
  return 0;
}
