/* err.c -- see err.h. */
#include "core/err.h"

#include <stdarg.h>
#include <stdio.h>

enum hr_rc hr_fail(struct hr_err *err, enum hr_rc rc, const char *file, int line, const char *fmt, ...) {
  if (err == NULL)
    return rc;
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(err->msg, sizeof err->msg, fmt, ap);
  va_end(ap);
  err->rc = rc;
  err->file = file;
  err->line = line;
  return rc;
}

const char *hr_strerror(enum hr_rc rc) {
  switch (rc) {
  case HR_OK: return "ok";
  case HR_ERR_USAGE: return "usage error";
  case HR_ERR_CONFIG: return "configuration error";
  case HR_ERR_PARSE: return "parse error";
  case HR_ERR_TOOBIG: return "too big";
  case HR_ERR_IO: return "i/o error";
  case HR_ERR_DB: return "store error";
  case HR_ERR_NOTFOUND: return "not found";
  case HR_ERR_CONFLICT: return "conflict";
  }
  return "unknown error";
}
