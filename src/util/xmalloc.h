/* xmalloc.h -- allocation wrappers that abort with a message when memory runs
 * out (Redis, jq). Size limits on input are checked separately and return
 * HR_ERR_TOOBIG; these are only for true out-of-memory. */
#ifndef HR_XMALLOC_H
#define HR_XMALLOC_H

#include <stdarg.h>
#include <stddef.h>

void *xmalloc(size_t n);
void *xcalloc(size_t nmemb, size_t size);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);
/* malloc'd printf; never NULL. */
char *xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
char *xvasprintf(const char *fmt, va_list ap) __attribute__((format(printf, 1, 0)));

#endif
