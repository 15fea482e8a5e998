/* real_logs.h -- for the parser tests: parse every non-empty line of a log
 * file (plain or gzip, read with gzgets) and count what came out. Two
 * sources: the real logs in ../shared/data/real (on the project's machines
 * only: a user's clone has no ../shared, and those tests skip), and the
 * project's own synthetic logs in tests/data (always there). Each line is
 * copied into a buffer of its exact size, so AddressSanitizer sees any
 * read past its end. */
#ifndef HR_TEST_REAL_LOGS_H
#define HR_TEST_REAL_LOGS_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <zlib.h>

#include "core/event.h"
#include "core/format.h"

struct real_counts {
  int ok, bad[HR_BAD__COUNT], cls[10]; /* cls: parsed lines by status class (2 for 2xx) */
  double dur_sum;                      /* sum of the durations that are not null */
};

/* Returns 0, or -1 when path cannot be opened. */
static int count_log_file(struct hr_format *f, const char *path, struct real_counts *c) {
  static struct hr_event rev;
  static char buf[HR_MAX_LINE + 2];
  gzFile gz = gzopen(path, "rb");
  if (gz == NULL)
    return -1;
  while (gzgets(gz, buf, sizeof buf) != NULL) {
    size_t n = strlen(buf);
    while (n > 0 && (buf[n - 1] == '\n' || buf[n - 1] == '\r'))
      n--;
    if (n == 0)
      continue; /* the caller skips empty lines */
    char *line = malloc(n);
    memcpy(line, buf, n);
    int rc = format_parse(f, line, n, &rev);
    if (rc == 0) {
      const struct hr_val *st = event_get(&rev, HR_F_STATUS), *d = event_get(&rev, HR_F_DURATION);
      c->ok++;
      if (st != NULL && st->type == HR_V_NUM && st->num >= 0 && st->num < 1000)
        c->cls[(int)st->num / 100]++;
      if (d != NULL && d->type == HR_V_NUM)
        c->dur_sum += d->num;
    } else {
      c->bad[rc]++;
    }
    free(line);
  }
  gzclose(gz);
  return 0;
}

/* 1 when $HR_SHARED_DIR/data/real is a directory. ctest always sets
 * HR_SHARED_DIR (to ../shared), so the directory itself is checked. */
static int real_logs_present(void) {
  const char *dir = getenv("HR_SHARED_DIR");
  char path[1024];
  struct stat st;
  if (dir == NULL)
    return 0;
  snprintf(path, sizeof path, "%s/data/real", dir);
  return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

/* In a cmocka test: skip it, saying why, when the real logs are absent. */
#define SKIP_WITHOUT_REAL_LOGS()                                                                                       \
  do {                                                                                                                 \
    if (!real_logs_present()) {                                                                                        \
      print_message("SKIP: %s/data/real not present (a user's clone): real-log counts not checked; "                   \
                    "equivalent counts are checked on tests/data/synth\n",                                             \
                    getenv("HR_SHARED_DIR") ? getenv("HR_SHARED_DIR") : "$HR_SHARED_DIR (unset)");                     \
      skip();                                                                                                          \
    }                                                                                                                  \
  } while (0)

/* $HR_SHARED_DIR/data/real/rel. Returns 0, or -1 when it cannot be opened. */
static int real_count_file(struct hr_format *f, const char *rel, struct real_counts *c) {
  char path[1024];
  snprintf(path, sizeof path, "%s/data/real/%s", getenv("HR_SHARED_DIR"), rel);
  return count_log_file(f, path, c);
}

/* The project's own logs: $HR_SOURCE_DIR/tests/data/rel (ctest sets
 * HR_SOURCE_DIR; "." when run by hand from the repository). */
static int own_count_file(struct hr_format *f, const char *rel, struct real_counts *c) {
  char path[1024];
  const char *root = getenv("HR_SOURCE_DIR");
  snprintf(path, sizeof path, "%s/tests/data/%s", root ? root : ".", rel);
  return count_log_file(f, path, c);
}

#endif
