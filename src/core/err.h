/* err.h -- return codes and the error record filled where a failure starts.
 *
 * Functions return an enum hr_rc and fill a caller-supplied struct hr_err
 * (which may be NULL). Only the top level (cmd_*) prints it, once, and maps
 * it to an exit code. See docs/internals/architecture.md. */
#ifndef HR_ERR_H
#define HR_ERR_H

enum hr_rc {
  HR_OK = 0,
  HR_ERR_USAGE,  /* bad command-line words */
  HR_ERR_CONFIG, /* configuration invalid */
  HR_ERR_PARSE,  /* input text not understood */
  HR_ERR_TOOBIG, /* a size limit was hit */
  HR_ERR_IO,     /* file system, read, write */
  HR_ERR_DB,     /* SQLite */
  HR_ERR_NOTFOUND,
  HR_ERR_CONFLICT /* a request that contradicts what is already recorded */
};

struct hr_err {
  enum hr_rc rc;
  char msg[512];
  const char *file; /* source file of the failure (for debugging) */
  int line;
};

/* Fill *err (if not NULL) with rc and the formatted message; returns rc. */
enum hr_rc hr_fail(struct hr_err *err, enum hr_rc rc, const char *file, int line, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));
#define HR_FAIL(err, rc, ...) hr_fail((err), (rc), __FILE__, __LINE__, __VA_ARGS__)

/* Static name of a code, e.g. "config error". Never NULL. */
const char *hr_strerror(enum hr_rc rc);

#endif
