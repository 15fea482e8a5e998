/* cmd_check.c -- `headroom check -c CONF [--strict]`: load an OpenSLO
 * configuration, compile every log format and every filter against its
 * data source, and print every problem as file:line:col. Exit 0 when valid,
 * 2 otherwise (docs/cli/check.md). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cmd.h"
#include "config/config.h"
#include "core/expr.h"
#include "core/format.h"

static void usage(FILE *f) {
  fprintf(f, "usage: headroom check -c CONF [--strict]\n"
             "\n"
             "Validate an OpenSLO v1 configuration (a file or a directory of *.yaml files):\n"
             "every reference, target, window, time zone, log format and filter. Every\n"
             "problem is printed on stderr as file:line:col: message.\n"
             "\n"
             "options:\n"
             "  -c, --config CONF  the configuration file or directory (required)\n"
             "      --strict       also warn about what headroom cannot use (other tools'\n"
             "                     sources and targets), and fail on any warning\n"
             "  -h, --help         print this help and exit\n"
             "\n"
             "exit codes: 0 valid, 2 invalid or usage error\n");
}

static int resolve_field(void *ctx, const char *name, size_t n) { return format_field(ctx, name, n); }

/* Compile one filter; on failure add a message at the column of the error
 * (expr errors read "col N: what"). */
static void check_filter(struct hr_format *fmt, const char *what, const char *src, const struct hr_loc *loc,
                         struct hr_diag *diag) {
  if (src == NULL)
    return;
  struct hr_expr *e = NULL;
  struct hr_err err = {0};
  if (expr_compile(src, strlen(src), resolve_field, fmt, &e, &err) == HR_OK) {
    expr_free(e);
    return;
  }
  struct hr_loc at = *loc;
  const char *msg = err.msg;
  long col = 0;
  if (strncmp(msg, "col ", 4) == 0) {
    char *end;
    col = strtol(msg + 4, &end, 10);
    if (end != msg + 4 && end[0] == ':') {
      msg = end + 1;
      while (*msg == ' ')
        msg++;
    } else
      col = 0;
  }
  /* The column maps onto the file only while the filter is one line. */
  size_t len = strlen(src);
  while (len > 0 && src[len - 1] == '\n')
    len--;
  if (col > 0 && memchr(src, '\n', len) == NULL && col < 100000)
    at.col += (int)col - 1;
  diag_add(diag, &at, "invalid %s filter: %s", what, msg);
}

/* Formats and filters: the loader keeps the model free of the format and
 * filter modules, so check compiles them here. Returns the errors added. */
static size_t check_filters(const struct hr_config *c, struct hr_diag *diag) {
  size_t before = diag->n - diag->nwarn;
  struct hr_format **fmts = calloc(c->nsources + 1, sizeof *fmts);
  int *bad = calloc(c->nsources + 1, sizeof *bad);
  if (fmts == NULL || bad == NULL) {
    free(fmts);
    free(bad);
    diag_add(diag, NULL, "out of memory");
    return 1;
  }
  for (size_t i = 0; i < c->nsources; i++) {
    const struct hr_datasource *ds = &c->sources[i];
    if (strcmp(ds->type, "headroom.logs") != 0)
      continue;
    struct hr_err err = {0};
    if (format_new(&ds->fmt, &fmts[i], &err) != HR_OK) {
      diag_add(diag, &ds->loc, "DataSource '%s': %s", ds->name, err.msg);
      bad[i] = 1;
    }
  }
  for (size_t i = 0; i < c->nslos; i++) {
    const struct hr_slo *s = &c->slos[i];
    size_t si = (size_t)(s->source - c->sources);
    if (s->source == NULL || si >= c->nsources || fmts[si] == NULL || bad[si])
      continue;
    check_filter(fmts[si], "good", s->good_filter, &s->good_loc, diag);
    check_filter(fmts[si], "bad", s->bad_filter, &s->bad_loc, diag);
    check_filter(fmts[si], "total", s->total_filter, &s->total_loc, diag);
    for (size_t k = 0; k < s->ngroup_by; k++)
      if (format_field(fmts[si], s->group_by[k], strlen(s->group_by[k])) < 0)
        diag_add(diag, &s->group_loc, "groupBy: '%s' is not a field of DataSource '%s' (its format cannot have it)",
                 s->group_by[k], s->source->name);
  }
  for (size_t i = 0; i < c->nsources; i++)
    format_free(fmts[i]);
  free(fmts);
  free(bad);
  return diag->n - diag->nwarn - before;
}

int cmd_check(int argc, char **argv) {
  const char *conf = NULL;
  int strict = 0;
  for (int i = 1; i < argc; i++) {
    const char *a = argv[i];
    if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
      usage(stdout);
      return 0;
    } else if (strcmp(a, "--strict") == 0) {
      strict = 1;
    } else if (strcmp(a, "-c") == 0 || strcmp(a, "--config") == 0) {
      if (i + 1 >= argc) {
        fprintf(stderr, "headroom: check: %s needs a file or directory\n", a);
        usage(stderr);
        return 2;
      }
      conf = argv[++i];
    } else if (strncmp(a, "--config=", 9) == 0) {
      conf = a + 9;
    } else {
      fprintf(stderr, "headroom: check: unknown argument '%s'\n", a);
      usage(stderr);
      return 2;
    }
  }
  if (conf == NULL) {
    fprintf(stderr, "headroom: check: -c CONF is required\n");
    usage(stderr);
    return 2;
  }
  struct hr_diag diag = {0};
  struct hr_config *c = NULL;
  enum hr_rc rc = config_load(conf, strict, &c, &diag);
  size_t nerr = 0;
  if (rc == HR_OK)
    nerr = check_filters(c, &diag);
  for (size_t i = 0; i < diag.n; i++)
    fprintf(stderr, "%s\n", diag.msgs[i]);
  int code = 0;
  if (rc != HR_OK || nerr > 0) {
    size_t n = diag.n - diag.nwarn;
    fprintf(stderr, "headroom: check: %s: %zu error%s\n", conf, n, n == 1 ? "" : "s");
    code = 2;
  } else if (strict && diag.nwarn > 0) {
    fprintf(stderr, "headroom: check: %s: %zu warning%s (--strict)\n", conf, diag.nwarn, diag.nwarn == 1 ? "" : "s");
    code = 2;
  } else {
    printf("ok: %zu SLOs, %zu data sources, %zu alert policies, %zu notification targets, %zu services\n", c->nslos,
           c->nsources, c->npolicies, c->ntargets, c->nservices);
  }
  config_free(c);
  diag_free(&diag);
  return code;
}
