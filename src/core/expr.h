/* expr.h -- the filter language of SLIs, compiled once, evaluated per event.
 *
 *   path =~ "^/api/matches" && status >= 200 && status < 300
 *   duration < 800ms
 *   !(status >= 400 && status < 500)
 *   method in ["GET", "HEAD"] || status in [500, 502, 503]
 *   validation_passed == true        validation_passed      (truthy)
 *
 * Grammar: or := and ('||' and)*; and := not ('&&' not)*; not := '!' not | cmp;
 * cmp := operand (op operand)?, op in == != < <= > >= =~ !~ in;
 * operand := field | number | duration | "string" | 'string' | true | false
 *            | null | [list] | '(' or ')'.
 * Numbers compare numerically, strings bytewise; a duration literal is
 * seconds. Any comparison with a null or absent field is false (so
 * `!(status >= 400)` is true when status is absent). Regexes are PCRE2,
 * JIT-compiled, unanchored. */
#ifndef HR_EXPR_H
#define HR_EXPR_H

#include <stddef.h>
#include <stdint.h>

#include "core/err.h"
#include "core/event.h"

struct hr_expr;

/* Maps a field name to an event field id, or -1 when unknown. */
typedef int (*hr_resolve_fn)(void *ctx, const char *name, size_t n);

/* Compile src[0..n). On success *out is owned by the caller (expr_free()).
 * On failure *out = NULL and err->msg reads "col N: what is wrong" (1-based
 * column into src). resolve/ctx are used only during the call. */
enum hr_rc expr_compile(const char *src, size_t n, hr_resolve_fn resolve, void *ctx, struct hr_expr **out /* OUT */,
                        struct hr_err *err);

/* 1 when ev matches, else 0. Not thread-safe (PCRE2 match data is kept in
 * the expression): compile one per thread. */
int expr_eval(struct hr_expr *e, const struct hr_event *ev);

/* Bit i set: field id i is referenced. */
uint64_t expr_fields(const struct hr_expr *e);

void expr_free(struct hr_expr *e);

#endif
