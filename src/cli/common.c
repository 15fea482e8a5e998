/* common.c -- see common.h. */
#include "cli/common.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "core/timeparse.h"

void cli_error(const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  fputs("headroom: ", stderr);
  vfprintf(stderr, fmt, ap);
  fputc('\n', stderr);
  va_end(ap);
}

struct hr_config *cli_load_config(const char *path) {
  struct hr_diag d = {0};
  struct hr_config *cfg = NULL;
  enum hr_rc rc = config_load(path, 0, &cfg, &d);
  for (size_t i = 0; i < d.n; i++)
    if (rc == HR_ERR_IO)
      cli_error("%s", d.msgs[i]); /* not a location in a file: the configuration itself is missing */
    else
      fprintf(stderr, "%s\n", d.msgs[i]);
  diag_free(&d);
  if (rc != HR_OK) {
    config_free(cfg);
    return NULL;
  }
  return cfg;
}

int cli_parse_time(const char *opt, const char *s, int64_t *us) {
  int64_t x;
  if (s != NULL && time_parse_rfc3339_offset(s, strlen(s), us) == 0)
    return 0;
  if (s != NULL && time_parse_rfc3339(s, strlen(s), &x) == 0) /* only the offset is missing */
    cli_error("%s: %s has no UTC offset: add Z for UTC or an offset such as +02:00 (%sZ)", opt, s, s);
  else
    cli_error("%s: expected an RFC 3339 time with Z or an offset, such as 2026-03-01T12:00:00Z or "
              "2026-03-01T14:00:00+02:00, got '%s'",
              opt, s ? s : "");
  return -1;
}

int cli_parse_threads(const char *s, int *out) {
  char *end;
  long n = strtol(s, &end, 10);
  if (*s == '\0' || *end || n < 1 || n > 64) {
    cli_error("--threads: expected 1 to 64, got '%s'", s);
    return -1;
  }
  *out = (int)n;
  return 0;
}

int cli_parse_count(const char *opt, const char *s, int64_t *out) {
  char *end;
  long long n = strtoll(s, &end, 10);
  if (*s == '\0' || *end || n < 0 || n > 1000000) {
    cli_error("%s: expected a whole number from 0 to 1000000, got '%s'", opt, s);
    return -1;
  }
  *out = n;
  return 0;
}

int cli_isatty(FILE *f) {
  return isatty(fileno(f));
}

int64_t cli_now_us(void) {
  struct timespec ts;
  clock_gettime(CLOCK_REALTIME, &ts);
  return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

void cli_print_samples(const struct hr_report *r) {
  for (size_t i = 0; i < r->nsamples; i++)
    fprintf(stderr, "%s\n", r->samples[i]);
}

void cli_print_errors(const struct hr_report *r) {
  for (size_t i = 0; i < r->nerrors; i++)
    cli_error("%s", r->errors[i]);
}

int cli_unreadable_exit(const struct hr_report *r) {
  if (r->unreadable == 0)
    return 0;
  cli_error("%zu part%s of the logs named could not be read whole: exit 2", r->unreadable,
            r->unreadable == 1 ? "" : "s");
  return 2;
}

int cli_refuse_unreadable(const struct hr_report *r, const char *cmd, const char *what) {
  if (r->unreadable == 0)
    return 0;
  cli_print_errors(r);
  cli_error("%s: %zu part%s of the logs named could not be read whole: no %s", cmd, r->unreadable,
            r->unreadable == 1 ? "" : "s", what);
  return 1;
}

int cli_check_format(const char *format, const char *const *allowed) {
  char list[128] = "";
  size_t n = 0;
  for (size_t i = 0; allowed[i] != NULL; i++) {
    if (strcmp(format, allowed[i]) == 0)
      return 0;
    n++;
  }
  for (size_t i = 0; i < n; i++) {
    size_t l = strlen(list);
    snprintf(list + l, sizeof list - l, "%s%s", i == 0 ? "" : i + 1 == n ? " or " : ", ", allowed[i]);
  }
  cli_error("--format: expected %s, got '%s'", list, format);
  return -1;
}
