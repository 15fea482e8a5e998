/* jw.h -- a small streaming JSON writer to a FILE. Keys are NULL inside
 * arrays. Numbers that are NaN or infinite are written as null: no output of
 * headroom is ever NaN or infinite. */
#ifndef HR_JW_H
#define HR_JW_H

#include <stdint.h>
#include <stdio.h>

#define HR_JW_DEPTH 32

struct hr_jw {
  FILE *f;
  int depth;
  int count[HR_JW_DEPTH]; /* members written at each level */
  int pretty;
};

void jw_init(struct hr_jw *w, FILE *f, int pretty);
void jw_obj(struct hr_jw *w, const char *key);
void jw_obj_end(struct hr_jw *w);
void jw_arr(struct hr_jw *w, const char *key);
void jw_arr_end(struct hr_jw *w);
void jw_str(struct hr_jw *w, const char *key, const char *s); /* s NULL: null */
void jw_strn(struct hr_jw *w, const char *key, const char *s, size_t n);
void jw_num(struct hr_jw *w, const char *key, double x);
void jw_int(struct hr_jw *w, const char *key, int64_t x);
void jw_uint(struct hr_jw *w, const char *key, uint64_t x);
void jw_bool(struct hr_jw *w, const char *key, int b);
void jw_null(struct hr_jw *w, const char *key);
/* A time (UTC microseconds) as RFC 3339 with second precision
 * ("2026-03-01T12:00:00Z"); INT64_MIN (no such time): null. */
void jw_time(struct hr_jw *w, const char *key, int64_t us);
/* Write s as a JSON string literal (with quotes). */
void jw_escape(FILE *f, const char *s, size_t n);

#endif
