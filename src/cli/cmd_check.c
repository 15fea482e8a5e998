/* cmd_check.c -- `headroom check -c CONF [--strict] [--sample FILE...]`:
 * load an OpenSLO configuration, have the engine check its formats,
 * filters and paths (engine/check.h), optionally read the first lines of
 * real files, and print every problem as file:line:col. Exit 0 when
 * valid, 2 otherwise (docs/cli/check.md). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cmd.h"
#include "cli/common.h"
#include "config/config.h"
#include "engine/check.h"

static const char usage_text[] =
    "usage: headroom check -c CONF [--strict] [--sample FILE]... [--source NAME] [--lines N]\n"
    "\n"
    "Validate an OpenSLO v1 configuration (a file or a directory of *.yaml files):\n"
    "every reference, target, window, time zone, log format and filter, the fields\n"
    "each filter reads against what its format can fill, and the data sources'\n"
    "paths. Every problem is printed on stderr as file:line:col: message.\n"
    "\n"
    "options:\n"
    "  -c, --config CONF  the configuration file or directory (required)\n"
    "      --strict       also warn about what headroom cannot use (other tools'\n"
    "                     sources and targets), and fail on any warning\n"
    "      --sample FILE  also read the first lines of FILE (plain or gzip) as the\n"
    "                     data source it belongs to, and say what each SLO would\n"
    "                     see: fields present, malformed lines, good/valid (repeatable)\n"
    "      --source NAME  read the samples as this data source (default: by paths)\n"
    "      --lines N      lines of each sample (default 1000)\n"
    "  -h, --help         print this help and exit\n"
    "\n"
    "exit codes: 0 valid, 2 invalid, a sample shows data that cannot give a true\n"
    "figure, or usage error\n";

static const char *pct(uint64_t a, uint64_t b, char *buf, size_t n) {
  if (b == 0)
    snprintf(buf, n, "-");
  else
    snprintf(buf, n, "%.1f%%", 100.0 * (double)a / (double)b);
  return buf;
}

/* What the sample s says, on stdout. */
static void print_sample(const struct hr_check_sample *s) {
  char p[32];
  printf("sample %s: the first %llu lines%s, read as DataSource '%s'\n", s->file, (unsigned long long)s->lines,
         s->more ? " (more follow)" : "", s->source);
  printf("  %llu events, %llu malformed (%s), %llu blank\n", (unsigned long long)s->events,
         (unsigned long long)s->malformed, pct(s->malformed, s->lines - s->blank, p, sizeof p),
         (unsigned long long)s->blank);
  for (int r = 1; r < HR_BAD__COUNT; r++)
    if (s->by_reason[r] > 0)
      printf("    %s: %llu\n", format_reason(r), (unsigned long long)s->by_reason[r]);
  for (size_t i = 0; i < s->nbad; i++)
    printf("  %s:%llu: %s: %s%s\n", s->file, (unsigned long long)s->bad[i].line, format_reason(s->bad[i].reason),
           s->bad[i].text, s->bad[i].cut ? "..." : "");
  for (size_t k = 0; k < s->nslo; k++) {
    const struct hr_check_slo *o = &s->slo[k];
    printf("  SLO %s: good %llu of %llu valid (%s)", o->name, (unsigned long long)o->good, (unsigned long long)o->valid,
           pct(o->good, o->valid, p, sizeof p));
    if (o->undecided > 0)
      printf(", %llu undecided", (unsigned long long)o->undecided);
    printf("\n");
    for (size_t f = 0; f < o->nfields; f++)
      printf("    %s: in %llu of %llu events\n", o->field[f], (unsigned long long)o->present[f],
             (unsigned long long)s->events);
  }
}

/* The command's own options. */
struct check_args {
  const char **samples; /* --sample FILE, in order */
  size_t nsamples;
  uint64_t lines;
  int strict;
};

static int take(void *ctx, int c, const char *arg) {
  struct check_args *k = ctx;
  switch (c) {
  case 't': k->strict = 1; return 0;
  case 's': k->samples[k->nsamples++] = arg; return 0;
  default: { /* 'l' */
    char *end;
    long long n = strtoll(arg, &end, 10);
    if (*arg == '\0' || *end != '\0' || n < 1 || n > 10000000) {
      cli_error("check: --lines: expected 1 to 10000000, got '%s'", arg);
      fputs(usage_text, stderr);
      return -1;
    }
    k->lines = (uint64_t)n;
    return 0;
  }
  }
}

int cmd_check(int argc, char **argv) {
  static const struct option opts[] = {{"strict", no_argument, 0, 't'},
                                       {"sample", required_argument, 0, 's'},
                                       {"lines", required_argument, 0, 'l'},
                                       {0, 0, 0, 0}};
  struct check_args k = {.samples = calloc((size_t)argc + 1, sizeof *k.samples), .lines = HR_SAMPLE_LINES};
  if (k.samples == NULL)
    return 2;
  const struct cli_spec spec = {usage_text, CLI_CONFIG | CLI_SOURCE | CLI_NO_WORDS | CLI_ARG_ERRORS, opts, NULL, take,
                                &k};
  struct cli_args a;
  int code = cli_parse(argc, argv, &spec, &a);
  if (code >= 0) {
    free(k.samples);
    return code;
  }
  const char *conf = a.conf, *source = a.in.source;
  const char **samples = k.samples;
  size_t nsamples = k.nsamples;
  uint64_t lines = k.lines;
  int strict = k.strict;
  code = 2;
  struct hr_diag diag = {0};
  struct hr_config *c = NULL;
  if ((source != NULL || lines != HR_SAMPLE_LINES) && nsamples == 0) {
    cli_error("check: --source and --lines apply to --sample FILE");
    fputs(usage_text, stderr);
    goto out;
  }
  enum hr_rc rc = config_load(conf, (strict ? HR_CONFIG_STRICT : 0) | HR_CONFIG_KEEP, &c, &diag);
  size_t nerr = 0;
  if (c != NULL)
    nerr = engine_check(c, &diag);
  int valid = rc == HR_OK && nerr == 0;
  for (size_t i = 0; i < diag.n; i++)
    fprintf(stderr, "%s\n", diag.msgs[i]);
  size_t nprinted = diag.n;
  size_t sample_err = 0;
  for (size_t i = 0; i < nsamples; i++) {
    if (!valid) {
      fprintf(stderr, "headroom: check: --sample %s: not read, the configuration has errors\n", samples[i]);
      continue;
    }
    struct hr_check_sample s;
    struct hr_err err = {0};
    size_t before = diag.n - diag.nwarn;
    if (engine_sample(c, samples[i], source, lines, &s, &diag, &err) != HR_OK) {
      fprintf(stderr, "headroom: check: --sample %s: %s\n", samples[i], err.msg);
      sample_err++;
      continue;
    }
    print_sample(&s);
    engine_sample_free(&s);
    sample_err += diag.n - diag.nwarn - before;
    for (; nprinted < diag.n; nprinted++)
      fprintf(stderr, "%s\n", diag.msgs[nprinted]);
  }
  fflush(stdout);
  if (!valid) {
    size_t n = diag.n - diag.nwarn;
    fprintf(stderr, "headroom: check: %s: %zu error%s\n", conf, n, n == 1 ? "" : "s");
  } else if (sample_err > 0) {
    fprintf(stderr, "headroom: check: %s: the sample%s show%s %zu problem%s\n", conf, nsamples == 1 ? "" : "s",
            nsamples == 1 ? "s" : "", sample_err, sample_err == 1 ? "" : "s");
  } else if (strict && diag.nwarn > 0) {
    fprintf(stderr, "headroom: check: %s: %zu warning%s (--strict)\n", conf, diag.nwarn, diag.nwarn == 1 ? "" : "s");
  } else {
    printf("ok: %zu SLOs, %zu data sources, %zu alert policies, %zu notification targets, %zu services", c->nslos,
           c->nsources, c->npolicies, c->ntargets, c->nservices);
    if (c->ncomposites > 0) /* its components are among the SLOs */
      printf(", %zu composite SLO%s", c->ncomposites, c->ncomposites == 1 ? "" : "s");
    struct hr_group_span gs = engine_group_span(c);
    if (gs.slos > 0) /* what Alertmanager and Prometheus will hold at most */
      printf(", %zu grouped SLO%s (up to %zu group budgets and %zu group alerts)", gs.slos, gs.slos == 1 ? "" : "s",
             gs.budgets, gs.alerts);
    putchar('\n');
    code = 0;
  }
out:
  config_free(c);
  diag_free(&diag);
  free(samples);
  return code;
}
