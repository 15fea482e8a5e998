/* diag.c -- the list of configuration messages (see config.h). */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config/config.h"
#include "util/xmalloc.h"

void diag_add(struct hr_diag *d, const struct hr_loc *loc, const char *fmt, ...) {
  if (d == NULL)
    return;
  char body[1024];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(body, sizeof body, fmt, ap);
  va_end(ap);
  char *msg;
  if (loc != NULL && loc->file != NULL && loc->line > 0)
    msg = xasprintf("%s:%d:%d: %s", loc->file, loc->line, loc->col, body);
  else if (loc != NULL && loc->file != NULL)
    msg = xasprintf("%s: %s", loc->file, body);
  else
    msg = xstrdup(body);
  /* One message per problem: a node reached twice (an SLI used by two SLOs)
   * reports once. */
  for (size_t i = 0; i < d->n; i++)
    if (strcmp(d->msgs[i], msg) == 0) {
      free(msg);
      return;
    }
  if (d->n == d->cap) {
    d->cap = d->cap ? d->cap * 2 : 16;
    d->msgs = xrealloc(d->msgs, d->cap * sizeof *d->msgs);
  }
  d->msgs[d->n++] = msg;
  if (strncmp(body, "warning: ", 9) == 0)
    d->nwarn++;
}

void diag_free(struct hr_diag *d) {
  if (d == NULL)
    return;
  for (size_t i = 0; i < d->n; i++)
    free(d->msgs[i]);
  free(d->msgs);
  d->msgs = NULL;
  d->n = d->cap = d->nwarn = 0;
}
