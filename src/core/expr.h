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
 * JIT-compiled, unanchored. The whole language: docs/filters.md.
 *
 * Refused at compile time (the figure would be silently wrong): the field
 * `duration` compared with a bare non-zero number (`duration < 800`: write
 * 800ms or 800s), and a duration literal compared with a standard field that
 * is not a duration (`status < 5s`). `and`, `or` and `not` are reserved
 * words (the message says to write &&, ||, !).
 *
 * Undecided: a regex that PCRE2 gives up on (its match limit, JIT stack or
 * heap limit) neither matches nor fails to match. Such a test is undecided,
 * and so is what depends on it, in Kleene's three-valued logic: !U = U;
 * F && U = F, T && U = U; T || U = T, F || U = U. expr_decide() says so;
 * the caller leaves an undecided event out of both good and valid. */
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

/* Three-valued result of expr_decide(). */
enum hr_truth { HR_FALSE = 0, HR_TRUE = 1, HR_UNDECIDED = -1 };

/* HR_TRUE / HR_FALSE when ev matches / does not, HR_UNDECIDED when the
 * answer depends on a regex PCRE2 gave up on (counted in
 * expr_undecided()). Not thread-safe (PCRE2 match data is kept in the
 * expression): compile one per thread. */
enum hr_truth expr_decide(struct hr_expr *e, const struct hr_event *ev);

/* Compile into e a shorter program for the events where `given` holds
 * (expr_decide(given, ev) == HR_TRUE): a test of e that is the same as one
 * `given` joins with && (or is its whole) is known to hold and is not run
 * again. An SLO's good filter often repeats its total filter's tests
 * (`path == "/x" && status < 500` with total `path == "/x"`). Returns the
 * number of tests of e found the same (0: no shorter program; given may be
 * NULL). given is read only during the call. */
int expr_assume(struct hr_expr *e, const struct hr_expr *given);

/* expr_decide(e, ev) for an event where the expression last passed to
 * expr_assume() holds: the same answer and the same count of undecided
 * events, with fewer tests. */
enum hr_truth expr_decide_given(struct hr_expr *e, const struct hr_event *ev);

/* A test an expression cannot hold without: `field == "text"` or a plain
 * prefix `field =~ "^text"` that the expression is, or joins with &&. */
struct hr_expr_guard {
  int field;        /* -1: none */
  int prefix;       /* 0: the string field equals text; 1: it starts with text */
  const char *text; /* borrowed from the expression */
  size_t n;
};

/* e's guard (g->field = -1 when it has none). */
void expr_guard(const struct hr_expr *e, struct hr_expr_guard *g /* OUT */);

/* 1 when ev cannot satisfy the guard's expression: the field is absent or
 * null, or a string that fails the test; then expr_decide() would say
 * HR_FALSE and count nothing undecided (a false && term is false whatever
 * the others are). 0 when it may (other types: the expression decides). */
static inline int expr_guard_fails(const struct hr_expr_guard *g, const struct hr_event *ev) {
  if (!(ev->set >> g->field & 1))
    return 1;
  const struct hr_val *v = &ev->f[g->field];
  if (v->type == HR_V_NULL)
    return 1;
  if (v->type != HR_V_STR)
    return 0;
  if (g->prefix ? v->sv.n < g->n : v->sv.n != g->n)
    return 1;
  return !sv_bytes_eq(v->sv.p, g->text, g->n);
}

/* 1 when ev matches, else 0 (an undecided event reads 0 and is counted in
 * expr_undecided(), as with expr_decide()). */
int expr_eval(struct hr_expr *e, const struct hr_event *ev);

/* Events found undecided by e since it was compiled. */
uint64_t expr_undecided(const struct hr_expr *e);

/* PCRE2's match limit for e's regexes (default EXPR_MATCH_LIMIT, 1,000,000
 * steps per match); tests set a small one. */
#define EXPR_MATCH_LIMIT 1000000u
void expr_set_match_limit(struct hr_expr *e, uint32_t limit);

/* The first risk found in a regex of e that compiled, as "col N: what"
 * (1-based column into the source), or NULL: a repeated group that itself
 * repeats or alternates (`(a+)+`, `(a|a)*`) can take exponential time, hit
 * the match limit, and leave events undecided. Valid while e lives. */
const char *expr_warning(const struct hr_expr *e);

/* Byte offset in the source of the first reference to field id, or -1. */
long expr_field_pos(const struct hr_expr *e, int id);

/* Bit i set: field id i is referenced. */
uint64_t expr_fields(const struct hr_expr *e);

void expr_free(struct hr_expr *e);

#endif
