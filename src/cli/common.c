/* common.c -- see common.h. */
#include "cli/common.h"

#include <assert.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "core/timeparse.h"

static void verror(const char *fmt, va_list ap) {
  fputs("headroom: ", stderr);
  vfprintf(stderr, fmt, ap);
  fputc('\n', stderr);
}

void cli_error(const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  verror(fmt, ap);
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
  char err[256];
  if (time_parse_instant(opt, s, us, err, sizeof err) == 0)
    return 0;
  cli_error("%s", err);
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

FILE *cli_output_open(const char *output) {
  if (output == NULL)
    return stdout;
  FILE *f = fopen(output, "w");
  if (f == NULL)
    cli_error("%s: cannot write", output);
  return f;
}

static int stdout_told; /* the failure of standard output was reported */

int cli_output_close(FILE *f, const char *output) {
  /* A write that failed before (a large fputs is not buffered: nothing is
   * left for fclose or fflush to fail on) leaves only the error flag. */
  int failed = ferror(f);
  if ((f != stdout ? fclose(f) == 0 : fflush(stdout) == 0) && !failed)
    return 0;
  cli_error("%s: write failed", output != NULL ? output : "standard output");
  stdout_told |= f == stdout;
  return -1;
}

int cli_exit(int code) {
  if ((fflush(stdout) != 0 || ferror(stdout)) && !stdout_told) {
    cli_error("standard output: write failed");
    stdout_told = 1;
  }
  return stdout_told ? 2 : code;
}

int cli_isatty(FILE *f) {
  return isatty(fileno(f));
}

int64_t cli_now_us(void) {
  struct timespec ts;
  clock_gettime(CLOCK_REALTIME, &ts);
  return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

struct hr_read_opts cli_read_opts(const struct cli_args *a) {
  struct hr_read_opts r = {.in = a->in, .has_at = a->has_at, .at_us = a->at_us, .now_us = cli_now_us()};
  return r;
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

/* The common options' getopt values: long-only ones from 256, clear of any
 * command's own letters. */
enum { OPT_AT = 256, OPT_FORMAT, OPT_SOURCE, OPT_DB, OPT_STORE, OPT_THREADS };

static const struct {
  unsigned bit;
  struct option opt;
} common_opts[] = {
    {CLI_CONFIG, {"config", required_argument, 0, 'c'}},
    {CLI_AT, {"at", required_argument, 0, OPT_AT}},
    {CLI_FORMAT, {"format", required_argument, 0, OPT_FORMAT}},
    {CLI_OUTPUT, {"output", required_argument, 0, 'o'}},
    {CLI_SOURCE, {"source", required_argument, 0, OPT_SOURCE}},
    {CLI_DB, {"db", required_argument, 0, OPT_DB}},
    {CLI_STORE, {"store", no_argument, 0, OPT_STORE}},
    {CLI_THREADS, {"threads", required_argument, 0, OPT_THREADS}},
};

#define MAX_OPTS 40

/* Print "headroom: <fmt...>", then the usage, to stderr; returns 2, the
 * exit code. */
__attribute__((format(printf, 2, 3))) static int usage_error(const struct cli_spec *spec, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  verror(fmt, ap);
  va_end(ap);
  fputs(spec->usage, stderr);
  return 2;
}

int cli_parse(int argc, char **argv, const struct cli_spec *spec, struct cli_args *a) {
  struct option opts[MAX_OPTS];
  char shorts[32] = "";
  size_t n = 0;
  memset(a, 0, sizeof *a);
  a->format = "text";
  a->in.threads = 1;
  for (size_t i = 0; i < sizeof common_opts / sizeof common_opts[0]; i++)
    if (spec->common & common_opts[i].bit)
      opts[n++] = common_opts[i].opt;
  for (size_t i = 0; spec->own != NULL && spec->own[i].name != NULL; i++) {
    assert(n + 2 < MAX_OPTS);
    opts[n++] = spec->own[i];
  }
  opts[n++] = (struct option){"help", no_argument, 0, 'h'};
  opts[n] = (struct option){0, 0, 0, 0};
  int own_errors = (spec->common & CLI_ARG_ERRORS) != 0;
  snprintf(shorts, sizeof shorts, "%s%s%s%sh", own_errors ? ":" : "", spec->common & CLI_CONFIG ? "c:" : "",
           spec->common & CLI_OUTPUT ? "o:" : "", spec->own_short ? spec->own_short : "");
  int c;
  optind = 1;
  opterr = !own_errors;
  while ((c = getopt_long(argc, argv, shorts, opts, NULL)) != -1) {
    switch (c) {
    case 'c': a->conf = optarg; break;
    case 'o': a->output = optarg; break;
    case OPT_AT:
      if (cli_parse_time("--at", optarg, &a->at_us) != 0)
        return 2;
      a->has_at = 1;
      break;
    case OPT_FORMAT: a->format = optarg; break;
    case OPT_SOURCE: a->in.source = optarg; break;
    case OPT_DB: a->in.db = optarg; break;
    case OPT_STORE: a->in.store = 1; break;
    case OPT_THREADS:
      if (cli_parse_threads(optarg, &a->in.threads) != 0)
        return 2;
      break;
    case 'h': fputs(spec->usage, stdout); return 0;
    case ':':
    case '?':
      if (!own_errors) { /* getopt said why */
        fputs(spec->usage, stderr);
        return 2;
      }
      if (c == '?' && optopt != 0 && strncmp(argv[optind - 1], "--", 2) != 0) /* a short option, perhaps in -xyz */
        return usage_error(spec, "%s: unknown argument '-%c'", argv[0], optopt);
      /* a long option as typed (unknown, ambiguous, or with a value it does not take), or a missing value */
      return usage_error(spec, c == ':' ? "%s: %s needs a value" : "%s: unknown argument '%s'", argv[0],
                         argv[optind - 1]);
    default:
      if (spec->take == NULL || spec->take(spec->ctx, c, optarg) != 0)
        return 2;
    }
  }
  if ((spec->common & CLI_NO_WORDS) && optind < argc) {
    if (own_errors)
      return usage_error(spec, "%s: unknown argument '%s'", argv[0], argv[optind]);
    cli_error("%s: unexpected argument '%s'", argv[0], argv[optind]);
    return 2;
  }
  if ((spec->common & CLI_CONFIG) && a->conf == NULL)
    return usage_error(spec, "%s: -c CONF is required", argv[0]);
  a->rest = optind;
  a->in.logs = argv + optind;
  a->in.nlogs = (size_t)(argc - optind);
  return -1;
}
