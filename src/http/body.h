/* body.h -- the request bodies of the HTTP API that are a flat JSON object
 * of strings and numbers (POST /api/v1/annotations): the named fields are
 * picked out, other keys ignored. Strings are read by core/json.h under its
 * one policy (a lone surrogate, a raw control character, bytes that are not
 * UTF-8, or \u0000 -- the fields are C strings -- make the body malformed).
 * Pure: no I/O. */
#ifndef HR_BODY_H
#define HR_BODY_H

#include <stddef.h>
#include <stdint.h>

/* One member the caller asks for, by key; filled by body_parse_object(). */
struct hr_jfield {
  const char *key;
  char *s; /* decoded string (malloc'd, the caller frees it), or NULL */
  double num;
  int is_num, present;
};

/* Parse {"k": v, ...} over p..end, filling the fields of fs[0..nf) whose key
 * matches (a key given twice is an error); the values of other keys must be
 * strings, numbers, true, false or null, and are dropped. 0 ok; -1 malformed,
 * *msg says why (static text). */
int body_parse_object(const char *p, const char *end, struct hr_jfield *fs, size_t nf, const char **msg);

/* A time member: an RFC 3339 string with Z or an offset
 * (time_parse_instant), or UTC seconds, into *s (seconds). 0 ok (absent
 * too: *has 0); -1 neither, why in err (n bytes). */
int body_field_time(const struct hr_jfield *f, int64_t *s, int *has, char *err, size_t n);

#endif
