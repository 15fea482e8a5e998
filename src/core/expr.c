/* expr.c -- the filter language (see expr.h): a recursive-descent compiler
 * into a flat array of nodes, and a short-circuit evaluator over it.
 *
 * Node kinds are specialised at compile time so that the common cases cost a
 * field lookup and one comparison: `status >= 500` is K_NUM, `method == "GET"`
 * is K_STREQ (length check + memcmp). `&&` and `||` are n-ary nodes, so the
 * evaluator's recursion depth is bounded by the nesting of '(' and '!'
 * (EXPR_MAX_DEPTH), not by the number of terms.
 *
 * Semantics (docs/config.md, expr.h):
 *  - any comparison involving an absent or null field is false, except the
 *    literal-null tests `x == null` (absent or null) and `x != null` (present);
 *  - numbers compare numerically; a STR whose whole text is a number compares
 *    numerically against a NUM; strings compare bytewise (memcmp, then length);
 *  - BOOL compares with BOOL, or with a STR reading exactly "true"/"false";
 *  - values that cannot be compared (e.g. "abc" vs 500): `!=` is true, every
 *    other operator false;
 *  - regexes (PCRE2, no UTF mode: bytewise) match STR fields, or the raw text
 *    of a NUM field (`status =~ "^5"`); anything else does not match, and
 *    neither `=~` nor `!~` holds for absent fields; a match PCRE2 gives up
 *    on (match limit, JIT stack, heap) is undecided, for `=~` and `!~`
 *    alike, and undecided tests combine in Kleene's logic (expr.h);
 *  - string literals take "..." or '...'; \n \t \r \\ \" \' are decoded, any
 *    other backslash pair is kept as written, so "\d+" reaches PCRE2 intact.
 *  - duration literals (800ms, 1.5s, 10m, 1h30m) are seconds; `duration`
 *    against a bare non-zero number, or a duration literal against a
 *    standard field that is not a duration, does not compile.
 *
 * Evaluation runs the branch program (compile_prog). A leaf that comes out
 * undecided (only a PCRE2 match can) hands the event to eval3(), the
 * three-valued walk of the tree: the rare event pays for it, not the common
 * one. */
#include "core/expr.h"

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#include <stdarg.h>
#include <stdio.h>
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/sv.h"
#include "core/timeparse.h"
#include "util/xmalloc.h"

#define EXPR_MAX_LEN (64 * 1024)     /* bytes of source */
#define EXPR_MAX_DEPTH 64            /* nesting of '(' and '!' */
#define EXPR_JIT_STACK (1024 * 1024) /* bytes of JIT stack per expression, at most */

enum op { OP_EQ, OP_NE, OP_LT, OP_LE, OP_GT, OP_GE, OP_RE, OP_NRE, OP_IN };

enum kind {
  K_CONST,  /* b */
  K_TRUTHY, /* field */
  K_NOT,    /* !nodes[a] */
  K_AND,    /* kids[a .. a+n) */
  K_OR,     /* kids[a .. a+n) */
  K_NULL,   /* field == null (op EQ) / field != null (op NE) */
  K_NUM,    /* field op lit (a number) */
  K_STREQ,  /* field ==/!= lit (a string) */
  K_LIT,    /* field op lit (generic) */
  K_FF,     /* field op field2 */
  K_IN,     /* field in lits[a .. a+n); b: the list holds null */
  K_RE,     /* field =~ / !~ re */
};

struct lit {
  struct hr_val v; /* STR views point into hr_expr.text */
  int numok;       /* STR only: the whole text is a number, held in v.num */
  int dur;         /* NUM only: written as a duration (800ms), not a bare number */
};

struct node {
  unsigned char kind, op;
  int field, field2;
  int a, n, b;
  struct lit lit;
  pcre2_code *re;
  pcre2_match_data *md;
  int jit;
  /* A regex that is plain text needs no regex engine: "^/api/" is a prefix
   * test, "timeout" a substring search. plain is owned; NULL otherwise. */
  char *plain;
  size_t plainn;
  unsigned char anchored; /* plain: must match at the start */
};

struct hr_expr {
  struct node *nodes; /* owned */
  int nnodes, capnodes;
  int *kids; /* owned */
  int nkids, capkids;
  struct lit *lits; /* owned */
  int nlits, caplits;
  char *text; /* owned: decoded string literals; sized to the source, never moves */
  size_t ntext;
  pcre2_match_context *mctx; /* owned, NULL until the first regex */
  pcre2_jit_stack *jstack;   /* owned, NULL until the first JIT-compiled regex */
  uint64_t fields;
  int32_t fpos[HR_MAX_FIELDS]; /* byte offset of each field's first reference, -1: none */
  uint32_t match_limit;
  uint64_t nundecided;        /* events found undecided */
  const struct node *gave_up; /* during eval3(): the leaf the branch program found undecided */
  char warn[320];             /* expr_warning(); "" when none */
  int root;
  /* The tree compiled to a branch program (compile_prog): one instruction
   * per leaf test, in evaluation order, with where to go when it holds and
   * when it does not. &&, ||, ! and constants become jumps, so evaluation
   * is a loop over the tests that short-circuiting reaches. */
  struct ins *prog; /* owned */
  int nprog;
  int entry; /* first instruction, or PC_TRUE / PC_FALSE */
  /* expr_assume(): the program again, with the leaves known to hold when
   * the other expression holds emitted as true; NULL when there is none. */
  struct ins *gprog; /* owned */
  int ngprog;
  int gentry;
};

#define PC_TRUE (-1)
#define PC_FALSE (-2)

struct ins {
  const struct node *nd; /* a leaf: not K_CONST, K_NOT, K_AND, K_OR */
  int t, f;              /* next pc when the test holds / does not */
};

/* ------------------------------------------------------------ evaluation */

/* Whole-text decimal number (sign, digits, fraction, exponent) to *out;
 * 0 or -1. (sv_to_double in sv.c currently treats '.' and other bytes below
 * '0' as digits, so this file validates on its own.) Short integers are
 * converted directly; the rest through strtod, correctly rounded. */
static int num_text(const char *p, size_t n, double *out) {
  char buf[80];
  size_t i = 0, d = 0;
  int plain = 1;
  if (n == 0 || n >= sizeof buf)
    return -1;
  if (p[0] == '-' || p[0] == '+')
    i++;
  for (; i < n && p[i] >= '0' && p[i] <= '9'; i++)
    d++;
  if (i < n && p[i] == '.') {
    plain = 0;
    for (i++; i < n && p[i] >= '0' && p[i] <= '9'; i++)
      d++;
  }
  if (d == 0)
    return -1;
  if (i < n && (p[i] == 'e' || p[i] == 'E')) {
    size_t k = 0;
    plain = 0;
    if (++i < n && (p[i] == '+' || p[i] == '-'))
      i++;
    for (; i < n && p[i] >= '0' && p[i] <= '9'; i++)
      k++;
    if (k == 0)
      return -1;
  }
  if (i != n)
    return -1;
  if (plain && d <= 15) {
    int64_t x = 0;
    for (size_t j = p[0] == '-' || p[0] == '+'; j < n; j++)
      x = x * 10 + (p[j] - '0');
    *out = p[0] == '-' ? -(double)x : (double)x;
    return 0;
  }
  memcpy(buf, p, n);
  buf[n] = 0;
  *out = strtod(buf, NULL);
  return 0;
}

static int apply(int op, int c) {
  switch (op) {
  case OP_EQ: return c == 0;
  case OP_NE: return c != 0;
  case OP_LT: return c < 0;
  case OP_LE: return c <= 0;
  case OP_GT: return c > 0;
  case OP_GE: return c >= 0;
  }
  return 0;
}

/* x op y. A NaN is not comparable (only != holds): exactly what C's own
 * operators give, NaN or not. */
static inline int cmp_num(double x, double y, int op) {
  switch (op) {
  case OP_EQ: return x == y;
  case OP_NE: return x != y;
  case OP_LT: return x < y;
  case OP_LE: return x <= y;
  case OP_GT: return x > y;
  case OP_GE: return x >= y;
  }
  return 0;
}

static int str_bool(struct hr_sv s, double *x) {
  if (sv_eq(s, "true", 4)) {
    *x = 1;
    return 0;
  }
  if (sv_eq(s, "false", 5)) {
    *x = 0;
    return 0;
  }
  return -1;
}

/* Numeric value of a present NUM/STR value; bnumok: -1 unknown (parse the
 * text), 0 not numeric, 1 numeric in v->num. Returns 0 or -1. */
static int as_num(const struct hr_val *v, int numok, double *x) {
  if (v->type == HR_V_NUM) {
    *x = v->num;
    return 0;
  }
  if (v->type != HR_V_STR)
    return -1;
  if (numok > 0) {
    *x = v->num;
    return 0;
  }
  if (numok == 0)
    return -1;
  return num_text(v->sv.p, v->sv.n, x);
}

/* a op b for two present, non-null values (see the semantics above). */
static int cmp_vals(const struct hr_val *a, const struct hr_val *b, int bnumok, int op) {
  double x, y;
  if (a->type == HR_V_STR && b->type == HR_V_STR) {
    size_t n = a->sv.n < b->sv.n ? a->sv.n : b->sv.n;
    int c = n ? memcmp(a->sv.p, b->sv.p, n) : 0;
    if (c == 0)
      c = (a->sv.n > b->sv.n) - (a->sv.n < b->sv.n);
    return apply(op, c);
  }
  if (a->type == HR_V_BOOL || b->type == HR_V_BOOL) {
    if (a->type == HR_V_BOOL)
      x = a->num;
    else if (a->type != HR_V_STR || str_bool(a->sv, &x))
      return op == OP_NE;
    if (b->type == HR_V_BOOL)
      y = b->num;
    else if (b->type != HR_V_STR || str_bool(b->sv, &y))
      return op == OP_NE;
    return cmp_num(x, y, op);
  }
  if (as_num(a, -1, &x) || as_num(b, bnumok, &y))
    return op == OP_NE;
  return cmp_num(x, y, op);
}

static int truthy(const struct hr_val *v) {
  if (v == NULL)
    return 0;
  switch (v->type) {
  case HR_V_BOOL:
  case HR_V_NUM: return v->num != 0;
  case HR_V_STR: return v->sv.n > 0;
  }
  return 0;
}

/* 1 when needle[0..k) occurs in hay[0..n). */
static int find_text(const char *hay, size_t n, const char *needle, size_t k) {
  if (k == 0)
    return 1;
  const char *end = hay + n;
  for (const char *q = hay; (size_t)(end - q) >= k; q++) {
    q = memchr(q, needle[0], (size_t)(end - q) - k + 1);
    if (q == NULL)
      return 0;
    if (memcmp(q, needle, k) == 0)
      return 1;
  }
  return 0;
}

static int re_match(const struct hr_expr *e, const struct node *nd, const char *p, size_t n) {
  if (nd->plain != NULL) {
    if (n < nd->plainn)
      return 0;
    if (nd->anchored)
      return sv_bytes_eq(p, nd->plain, nd->plainn);
    return find_text(p, n, nd->plain, nd->plainn);
  }
  PCRE2_SPTR s = (PCRE2_SPTR)(p != NULL ? p : "");
  int rc =
      nd->jit ? pcre2_jit_match(nd->re, s, n, 0, 0, nd->md, e->mctx) : pcre2_match(nd->re, s, n, 0, 0, nd->md, e->mctx);
  if (rc >= 0)
    return 1;
  if (rc == PCRE2_ERROR_NOMATCH)
    return 0;
  return -1; /* match limit, JIT stack: unknown */
}

/* The value of field id (0 <= id < HR_MAX_FIELDS, checked at compile
 * time), or NULL when absent or null: event_get() without the range test. */
static inline const struct hr_val *get(const struct hr_event *ev, int id) {
  if (!(ev->set >> id & 1) || ev->f[id].type == HR_V_NULL)
    return NULL;
  return &ev->f[id];
}

/* One leaf test: the uncommon cases (see test() for the common ones). 1
 * holds, 0 does not, -1 undecided (a regex PCRE2 gave up on). */
static __attribute__((noinline)) int test_slow(struct hr_expr *e, const struct node *nd, const struct hr_event *ev) {
  const struct hr_val *v;
  switch (nd->kind) {
  case K_TRUTHY: return truthy(get(ev, nd->field));
  case K_NULL: return (get(ev, nd->field) == NULL) == (nd->op == OP_EQ);
  case K_NUM: {
    double x;
    if ((v = get(ev, nd->field)) == NULL)
      return 0;
    if (v->type == HR_V_NUM)
      return cmp_num(v->num, nd->lit.v.num, nd->op);
    if (v->type != HR_V_STR || num_text(v->sv.p, v->sv.n, &x))
      return nd->op == OP_NE;
    return cmp_num(x, nd->lit.v.num, nd->op);
  }
  case K_STREQ:
    if ((v = get(ev, nd->field)) == NULL)
      return 0;
    if (v->type == HR_V_STR) {
      int eq = v->sv.n == nd->lit.v.sv.n && sv_bytes_eq(v->sv.p, nd->lit.v.sv.p, v->sv.n);
      return eq == (nd->op == OP_EQ);
    }
    return cmp_vals(v, &nd->lit.v, nd->lit.numok, nd->op);
  case K_LIT:
    if ((v = get(ev, nd->field)) == NULL)
      return 0;
    return cmp_vals(v, &nd->lit.v, nd->lit.numok, nd->op);
  case K_FF: {
    const struct hr_val *w;
    if ((v = get(ev, nd->field)) == NULL || (w = get(ev, nd->field2)) == NULL)
      return 0;
    return cmp_vals(v, w, -1, nd->op);
  }
  case K_IN:
    if ((v = get(ev, nd->field)) == NULL)
      return nd->b;
    for (int k = 0; k < nd->n; k++) {
      const struct lit *l = &e->lits[nd->a + k];
      if (l->v.type != HR_V_NULL && cmp_vals(v, &l->v, l->numok, OP_EQ))
        return 1;
    }
    return 0;
  case K_RE: {
    int m;
    if ((v = get(ev, nd->field)) == NULL)
      return 0;
    if (v->type == HR_V_STR || (v->type == HR_V_NUM && v->sv.n > 0))
      m = re_match(e, nd, v->sv.p, v->sv.n);
    else
      m = 0;
    if (m < 0)
      return -1; /* undecided, for =~ and !~ alike */
    return nd->op == OP_RE ? m : !m;
  }
  }
  return 0;
}

/* One leaf test. Inline here: a string field ==/!= a string, a number
 * field against a number, a plain-text prefix regex on a string field;
 * anything else (other types, PCRE2) goes through test_slow(). */
static inline int test(struct hr_expr *e, const struct node *nd, const struct hr_event *ev) {
  const struct hr_val *v;
  switch (nd->kind) {
  case K_STREQ:
    if (!(ev->set >> nd->field & 1) || (v = &ev->f[nd->field])->type != HR_V_STR)
      break;
    return (v->sv.n == nd->lit.v.sv.n && sv_bytes_eq(v->sv.p, nd->lit.v.sv.p, v->sv.n)) == (nd->op == OP_EQ);
  case K_NUM:
    if (!(ev->set >> nd->field & 1) || (v = &ev->f[nd->field])->type != HR_V_NUM)
      break;
    return cmp_num(v->num, nd->lit.v.num, nd->op);
  case K_RE:
    if (nd->plain == NULL || !nd->anchored || !(ev->set >> nd->field & 1) || (v = &ev->f[nd->field])->type != HR_V_STR)
      break;
    return (v->sv.n >= nd->plainn && sv_bytes_eq(v->sv.p, nd->plain, nd->plainn)) == (nd->op == OP_RE);
  }
  return test_slow(e, nd, ev);
}

/* Node i in three-valued logic (1, 0, -1 undecided): Kleene's && (any
 * false: false; else any undecided: undecided), || (any true: true; else
 * any undecided: undecided) and ! (undecided stays undecided). The leaf the
 * branch program gave up on is not matched again. Recursion depth is
 * bounded by the nesting of '(' and '!' (EXPR_MAX_DEPTH). */
static int eval3(struct hr_expr *e, int i, const struct hr_event *ev) {
  const struct node *nd = &e->nodes[i];
  int r, u = 0;
  switch (nd->kind) {
  case K_CONST: return nd->b;
  case K_NOT: r = eval3(e, nd->a, ev); return r < 0 ? -1 : !r;
  case K_AND:
  case K_OR: {
    int stop = nd->kind == K_OR; /* the value that decides the whole */
    for (int k = 0; k < nd->n; k++) {
      r = eval3(e, e->kids[nd->a + k], ev);
      if (r == stop)
        return stop;
      u |= r < 0;
    }
    return u ? -1 : !stop;
  }
  default: return nd == e->gave_up ? -1 : test(e, nd, ev);
  }
}

static __attribute__((noinline)) enum hr_truth decide_slow(struct hr_expr *e, const struct node *gave_up,
                                                           const struct hr_event *ev) {
  e->gave_up = gave_up;
  int r = eval3(e, e->root, ev);
  e->gave_up = NULL;
  if (r < 0) {
    e->nundecided++;
    return HR_UNDECIDED;
  }
  return r ? HR_TRUE : HR_FALSE;
}

static inline enum hr_truth decide(struct hr_expr *e, const struct ins *prog, int entry, const struct hr_event *ev) {
  int pc = entry;
  while (pc >= 0) {
    const struct ins *in = &prog[pc];
    int r = test(e, in->nd, ev);
    if (__builtin_expect(r < 0, 0))
      return decide_slow(e, in->nd, ev);
    pc = r ? in->t : in->f;
  }
  return pc == PC_TRUE ? HR_TRUE : HR_FALSE;
}

enum hr_truth expr_decide(struct hr_expr *e, const struct hr_event *ev) {
  return decide(e, e->prog, e->entry, ev);
}

/* The folded leaves hold for ev (the other expression held), so the short
 * program reaches the tests the full one would reach, minus those; a leaf
 * found undecided goes to decide_slow() as in the full program. */
enum hr_truth expr_decide_given(struct hr_expr *e, const struct hr_event *ev) {
  if (e->gprog == NULL)
    return decide(e, e->prog, e->entry, ev);
  return decide(e, e->gprog, e->gentry, ev);
}

int expr_eval(struct hr_expr *e, const struct hr_event *ev) {
  return decide(e, e->prog, e->entry, ev) == HR_TRUE;
}

uint64_t expr_undecided(const struct hr_expr *e) {
  return e->nundecided;
}

void expr_set_match_limit(struct hr_expr *e, uint32_t limit) {
  e->match_limit = limit;
  if (e->mctx != NULL)
    pcre2_set_match_limit(e->mctx, limit);
}

const char *expr_warning(const struct hr_expr *e) {
  return e->warn[0] ? e->warn : NULL;
}

long expr_field_pos(const struct hr_expr *e, int id) {
  return id >= 0 && id < HR_MAX_FIELDS ? (long)e->fpos[id] : -1;
}

/* Append the instructions of node i, whose value sends control to t when
 * true and to f when false; returns its entry pc. Children are emitted
 * last to first, so each knows where its successor starts. Recursion
 * depth is bounded by the nesting of '(' and '!' (EXPR_MAX_DEPTH). */
struct emitter {
  struct hr_expr *e;
  struct ins *prog;
  int n;
  const unsigned char *holds; /* NULL, or per node: 1 when the leaf is known to hold (emitted as true) */
};

static int emit(struct emitter *m, int i, int t, int f) {
  const struct hr_expr *e = m->e;
  const struct node *nd = &e->nodes[i];
  switch (nd->kind) {
  case K_CONST: return nd->b ? t : f;
  case K_NOT: return emit(m, nd->a, f, t);
  case K_AND: {
    int pc = t;
    for (int k = nd->n - 1; k >= 0; k--)
      pc = emit(m, e->kids[nd->a + k], pc, f);
    return pc;
  }
  case K_OR: {
    int pc = f;
    for (int k = nd->n - 1; k >= 0; k--)
      pc = emit(m, e->kids[nd->a + k], t, pc);
    return pc;
  }
  default: break;
  }
  if (m->holds != NULL && m->holds[i])
    return t;
  m->prog[m->n].nd = nd;
  m->prog[m->n].t = t;
  m->prog[m->n].f = f;
  return m->n++;
}

static void compile_prog(struct hr_expr *e) {
  struct emitter m = {e, xmalloc((size_t)(e->nnodes > 0 ? e->nnodes : 1) * sizeof *e->prog), 0, NULL};
  e->entry = emit(&m, e->root, PC_TRUE, PC_FALSE); /* a leaf is emitted once */
  e->prog = m.prog;
  e->nprog = m.n;
}

static int same_lit(const struct lit *a, const struct lit *b) {
  if (a->v.type != b->v.type || a->numok != b->numok || a->dur != b->dur)
    return 0;
  if (a->v.type == HR_V_STR)
    return a->v.sv.n == b->v.sv.n && (a->v.sv.n == 0 || memcmp(a->v.sv.p, b->v.sv.p, a->v.sv.n) == 0);
  return memcmp(&a->v.num, &b->v.num, sizeof a->v.num) == 0;
}

/* 1 when leaves a (of ea) and b (of eb) give the same answer for every
 * event. A regex counts only when it is plain text (no PCRE2 match: it
 * cannot come out undecided). */
static int same_leaf(const struct hr_expr *ea, const struct node *a, const struct hr_expr *eb, const struct node *b) {
  if (a->kind != b->kind || a->op != b->op || a->field != b->field || a->field2 != b->field2)
    return 0;
  switch (a->kind) {
  case K_TRUTHY:
  case K_NULL:
  case K_FF: return 1;
  case K_NUM:
  case K_STREQ:
  case K_LIT: return same_lit(&a->lit, &b->lit);
  case K_RE:
    return a->plain != NULL && b->plain != NULL && a->anchored == b->anchored && a->plainn == b->plainn &&
           memcmp(a->plain, b->plain, a->plainn) == 0;
  case K_IN:
    if (a->n != b->n || a->b != b->b)
      return 0;
    for (int k = 0; k < a->n; k++)
      if (!same_lit(&ea->lits[a->a + k], &eb->lits[b->a + k]))
        return 0;
    return 1;
  }
  return 0;
}

/* The leaves of g that hold whenever g holds: g's root, or what its &&
 * nodes join, leaves that are not constants. Marks holds[i] for each leaf i
 * of e the same as one of them. */
static void mark_holds(const struct hr_expr *g, int i, struct hr_expr *e, unsigned char *holds, int *nheld) {
  const struct node *nd = &g->nodes[i];
  switch (nd->kind) {
  case K_AND:
    for (int k = 0; k < nd->n; k++)
      mark_holds(g, g->kids[nd->a + k], e, holds, nheld);
    return;
  case K_CONST:
  case K_NOT:
  case K_OR: return;
  default: break;
  }
  for (int j = 0; j < e->nnodes; j++)
    if (!holds[j] && same_leaf(e, &e->nodes[j], g, nd)) {
      holds[j] = 1;
      (*nheld)++;
    }
}

/* The first guard among node i (a leaf) or what its && nodes join. */
static int find_guard(const struct hr_expr *e, int i, struct hr_expr_guard *g) {
  const struct node *nd = &e->nodes[i];
  if (nd->kind == K_AND) {
    for (int k = 0; k < nd->n; k++)
      if (find_guard(e, e->kids[nd->a + k], g))
        return 1;
    return 0;
  }
  if (nd->kind == K_STREQ && nd->op == OP_EQ && nd->lit.v.type == HR_V_STR) {
    *g = (struct hr_expr_guard){nd->field, 0, nd->lit.v.sv.p, nd->lit.v.sv.n};
    return 1;
  }
  if (nd->kind == K_RE && nd->op == OP_RE && nd->plain != NULL && nd->anchored) {
    *g = (struct hr_expr_guard){nd->field, 1, nd->plain, nd->plainn};
    return 1;
  }
  return 0;
}

void expr_guard(const struct hr_expr *e, struct hr_expr_guard *g) {
  g->field = -1;
  g->prefix = 0;
  g->text = NULL;
  g->n = 0;
  if (e != NULL && e->nnodes > 0)
    (void)find_guard(e, e->root, g);
}

int expr_assume(struct hr_expr *e, const struct hr_expr *given) {
  free(e->gprog);
  e->gprog = NULL;
  e->ngprog = 0;
  if (given == NULL || e->nnodes == 0)
    return 0;
  unsigned char *holds = xcalloc((size_t)e->nnodes, 1);
  int nheld = 0;
  mark_holds(given, given->root, e, holds, &nheld);
  if (nheld > 0) {
    struct emitter m = {e, xmalloc((size_t)e->nnodes * sizeof *e->gprog), 0, holds};
    e->gentry = emit(&m, e->root, PC_TRUE, PC_FALSE);
    e->gprog = m.prog;
    e->ngprog = m.n;
  }
  free(holds);
  return nheld;
}

uint64_t expr_fields(const struct hr_expr *e) {
  return e->fields;
}

void expr_free(struct hr_expr *e) {
  if (e == NULL)
    return;
  for (int i = 0; i < e->nnodes; i++) {
    pcre2_match_data_free(e->nodes[i].md);
    pcre2_code_free(e->nodes[i].re);
    free(e->nodes[i].plain);
  }
  pcre2_match_context_free(e->mctx);
  pcre2_jit_stack_free(e->jstack);
  free(e->nodes);
  free(e->prog);
  free(e->gprog);
  free(e->kids);
  free(e->lits);
  free(e->text);
  free(e);
}

/* ------------------------------------------------------------ lexer */

enum tk {
  T_END,
  T_ERR,
  T_IDENT,
  T_NUM, /* number or duration: num */
  T_STR, /* decoded text in e->text: p, n */
  T_TRUE,
  T_FALSE,
  T_NULL,
  T_IN,
  T_LP,
  T_RP,
  T_LB,
  T_RB,
  T_COMMA,
  T_AND,
  T_OR,
  T_NOT,
  T_OP /* op */
};

struct tok {
  enum tk t;
  size_t pos;    /* byte offset of the token in the source */
  size_t len;    /* bytes of source */
  const char *p; /* IDENT: source; STR: decoded */
  size_t n;
  double num;
  int dur; /* T_NUM: a duration literal */
  int op;
};

struct parser {
  const char *src;
  size_t srcn, cur;
  struct tok tok;
  struct hr_expr *e;
  hr_resolve_fn resolve;
  void *ctx;
  struct hr_err *err;
  int failed;
};

static int fail(struct parser *P, size_t pos, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static int fail(struct parser *P, size_t pos, const char *fmt, ...) {
  if (P->failed)
    return -1;
  P->failed = 1;
  char buf[400];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(buf, sizeof buf, fmt, ap);
  va_end(ap);
  HR_FAIL(P->err, HR_ERR_PARSE, "col %zu: %s", pos + 1, buf);
  return -1;
}

static int is_ident0(int c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}
static int is_digit(int c) {
  return c >= '0' && c <= '9';
}
static int is_ident(int c) {
  return is_ident0(c) || is_digit(c) || c == '.';
}

/* Text of the current token for messages: at most 24 bytes, printable. */
static void tok_text(const struct parser *P, char *buf, size_t cap) {
  if (P->tok.t == T_END) {
    snprintf(buf, cap, "end of expression");
    return;
  }
  size_t n = P->tok.len ? P->tok.len : 1, k = 0;
  if (n > 24)
    n = 24;
  buf[k++] = '\'';
  for (size_t i = 0; i < n && P->tok.pos + i < P->srcn && k + 3 < cap; i++) {
    unsigned char c = (unsigned char)P->src[P->tok.pos + i];
    buf[k++] = c >= 0x20 && c < 0x7f ? (char)c : '?';
  }
  buf[k++] = '\'';
  buf[k] = 0;
}

static int lex_string(struct parser *P, size_t start) {
  const char *s = P->src;
  char q = s[start];
  char *out = P->e->text + P->e->ntext;
  size_t k = 0, i = start + 1;
  for (; i < P->srcn && s[i] != q; i++) {
    char c = s[i];
    if (c == '\\' && i + 1 < P->srcn) {
      char d = s[++i];
      switch (d) {
      case 'n': out[k++] = '\n'; break;
      case 't': out[k++] = '\t'; break;
      case 'r': out[k++] = '\r'; break;
      case '\\':
      case '"':
      case '\'': out[k++] = d; break;
      default: /* kept as written: regex escapes like \d, \. */ out[k++] = '\\'; out[k++] = d;
      }
    } else {
      out[k++] = c;
    }
  }
  if (i >= P->srcn)
    return fail(P, start, "unterminated string");
  P->tok.t = T_STR;
  P->tok.p = out;
  P->tok.n = k;
  P->e->ntext += k;
  P->cur = i + 1;
  return 0;
}

/* A number (200, -1, 0.25, 1e3) or a duration (800ms, 1.5s, 1h30m). */
static int lex_number(struct parser *P, size_t start) {
  const char *s = P->src;
  size_t i = start, end = P->srcn;
  int neg = 0;
  if (s[i] == '-' || s[i] == '+') {
    neg = s[i] == '-';
    i++;
  }
  size_t body = i;
  while (i < end && (is_digit(s[i]) || s[i] == '.'))
    i++;
  if (i < end && (s[i] == 'e' || s[i] == 'E')) {
    size_t j = i + 1;
    if (j < end && (s[j] == '+' || s[j] == '-'))
      j++;
    if (j < end && is_digit(s[j])) {
      while (j < end && is_digit(s[j]))
        j++;
      i = j;
    }
  }
  if (i < end && is_ident(s[i])) {
    /* a duration: the whole run of letters, digits and dots */
    i = body;
    while (i < end && is_ident(s[i]))
      i++;
    int64_t us;
    if (duration_parse(s + body, i - body, &us))
      return fail(P, start, "bad number or duration '%.*s' (durations: 800ms, 1.5s, 10m, 1h30m)",
                  (int)(i - start > 40 ? 40 : i - start), s + start);
    P->tok.num = (double)us / 1e6;
    P->tok.dur = 1;
  } else {
    P->tok.dur = 0;
    double x;
    if (num_text(s + body, i - body, &x))
      return fail(P, start, "bad number '%.*s'", (int)(i - start > 40 ? 40 : i - start), s + start);
    P->tok.num = x;
  }
  if (neg)
    P->tok.num = -P->tok.num;
  P->tok.t = T_NUM;
  P->cur = i;
  return 0;
}

/* Read the next token into P->tok. On a lexical error, P->tok.t = T_ERR. */
static void lex(struct parser *P) {
  const char *s = P->src;
  size_t i = P->cur, end = P->srcn;
  while (i < end && (s[i] == ' ' || s[i] == '\t' || s[i] == '\n' || s[i] == '\r'))
    i++;
  P->tok.pos = i;
  P->tok.p = NULL;
  P->tok.n = 0;
  P->cur = i;
  if (i >= end) {
    P->tok.t = T_END;
    P->tok.len = 0;
    return;
  }
  char c = s[i], d = i + 1 < end ? s[i + 1] : 0;
  int op = -1, t = -1;
  size_t len = 1;
  switch (c) {
  case '(': t = T_LP; break;
  case ')': t = T_RP; break;
  case '[': t = T_LB; break;
  case ']': t = T_RB; break;
  case ',': t = T_COMMA; break;
  case '&':
    if (d == '&') {
      t = T_AND;
      len = 2;
    }
    break;
  case '|':
    if (d == '|') {
      t = T_OR;
      len = 2;
    }
    break;
  case '!':
    if (d == '=')
      op = OP_NE, len = 2;
    else if (d == '~')
      op = OP_NRE, len = 2;
    else
      t = T_NOT;
    break;
  case '=':
    if (d == '=')
      op = OP_EQ, len = 2;
    else if (d == '~')
      op = OP_RE, len = 2;
    break;
  case '<':
    if (d == '=')
      op = OP_LE, len = 2;
    else if (d == '>')
      t = T_ERR;
    else
      op = OP_LT;
    break;
  case '>':
    if (d == '=')
      op = OP_GE, len = 2;
    else
      op = OP_GT;
    break;
  default: break;
  }
  if (op >= 0) {
    P->tok.t = T_OP;
    P->tok.op = op;
  } else if (t == T_ERR) { /* '<>' */
    fail(P, i, "'<>' is not an operator (use !=)");
    P->tok.t = T_ERR;
    P->tok.len = 2;
    return;
  } else if (t >= 0) {
    P->tok.t = (enum tk)t;
  } else if (c == '"' || c == '\'') {
    if (lex_string(P, i)) {
      P->tok.t = T_ERR;
      return;
    }
    P->tok.len = P->cur - i;
    return;
  } else if (is_digit(c) || ((c == '-' || c == '+') && (is_digit(d) || d == '.')) || (c == '.' && is_digit(d))) {
    if (lex_number(P, i)) {
      P->tok.t = T_ERR;
      return;
    }
    P->tok.len = P->cur - i;
    return;
  } else if (is_ident0(c)) {
    size_t j = i;
    while (j < end && is_ident(s[j]))
      j++;
    struct hr_sv w = sv_make(s + i, j - i);
    static const char *const words[][2] = {{"and", "&&"}, {"or", "||"}, {"not", "!"}};
    for (size_t k = 0; k < sizeof words / sizeof words[0]; k++)
      if (j - i == strlen(words[k][0]) && strncasecmp(s + i, words[k][0], j - i) == 0) {
        fail(P, i, "'%.*s' is not an operator (use %s)", (int)(j - i), s + i, words[k][1]);
        P->tok.t = T_ERR;
        P->tok.len = j - i;
        return;
      }
    P->tok.t = sv_eq(w, "true", 4)    ? T_TRUE
               : sv_eq(w, "false", 5) ? T_FALSE
               : sv_eq(w, "null", 4)  ? T_NULL
               : sv_eq(w, "in", 2)    ? T_IN
                                      : T_IDENT;
    P->tok.p = s + i;
    P->tok.n = j - i;
    P->tok.len = j - i;
    P->cur = j;
    return;
  } else {
    if (c == '=')
      fail(P, i, "'=' is not an operator (use ==)");
    else if (c == '&')
      fail(P, i, "'&' is not an operator (use &&)");
    else if (c == '|')
      fail(P, i, "'|' is not an operator (use ||)");
    else if (c == '~')
      fail(P, i, "'~' is not an operator (use =~ to match a regex, !~ for no match)");
    else if ((unsigned char)c >= 0x20 && (unsigned char)c < 0x7f)
      fail(P, i, "unexpected character '%c'", c);
    else
      fail(P, i, "unexpected byte 0x%02x", (unsigned)(unsigned char)c);
    P->tok.t = T_ERR;
    P->tok.len = 1;
    return;
  }
  P->tok.len = len;
  P->cur = i + len;
}

/* ------------------------------------------------------------ parser */

static int new_node(struct hr_expr *e, int kind) {
  if (e->nnodes == e->capnodes) {
    e->capnodes = e->capnodes ? 2 * e->capnodes : 16;
    e->nodes = xrealloc(e->nodes, (size_t)e->capnodes * sizeof *e->nodes);
  }
  struct node *nd = &e->nodes[e->nnodes];
  memset(nd, 0, sizeof *nd);
  nd->kind = (unsigned char)kind;
  nd->field = nd->field2 = -1;
  return e->nnodes++;
}

static int const_node(struct hr_expr *e, int b) {
  int i = new_node(e, K_CONST);
  e->nodes[i].b = b != 0;
  return i;
}

struct operand {
  int field; /* >= 0: a field; -1: the literal */
  struct lit lit;
  size_t pos, len; /* of its source text */
};

static int parse_or(struct parser *P, int depth);

static void make_lit(const struct tok *t, struct lit *l) {
  memset(l, 0, sizeof *l);
  switch (t->t) {
  case T_NUM:
    l->v.type = HR_V_NUM;
    l->v.num = t->num;
    l->dur = t->dur;
    break;
  case T_STR:
    l->v.type = HR_V_STR;
    l->v.sv = sv_make(t->p, t->n);
    l->numok = num_text(l->v.sv.p, l->v.sv.n, &l->v.num) == 0;
    break;
  case T_TRUE:
  case T_FALSE:
    l->v.type = HR_V_BOOL;
    l->v.num = t->t == T_TRUE;
    break;
  default: l->v.type = HR_V_NULL;
  }
}

static int is_lit_tok(enum tk t) {
  return t == T_NUM || t == T_STR || t == T_TRUE || t == T_FALSE || t == T_NULL;
}

/* For an identifier where an operator was due: the operator meant. */
static const char *word_hint(const struct parser *P) {
  static const char *const hints[][2] = {{"matches", " (use =~ for a regex match)"},
                                         {"like", " (use =~ for a regex match)"},
                                         {"contains", " (use =~ for a regex match)"},
                                         {"is", " (use ==)"},
                                         {"eq", " (use ==)"},
                                         {"ne", " (use !=)"},
                                         {"equals", " (use ==)"}};
  if (P->tok.t != T_IDENT)
    return "";
  for (size_t k = 0; k < sizeof hints / sizeof hints[0]; k++)
    if (P->tok.n == strlen(hints[k][0]) && strncasecmp(P->tok.p, hints[k][0], P->tok.n) == 0)
      return hints[k][1];
  return "";
}

static int expected(struct parser *P, const char *what) {
  char buf[40];
  tok_text(P, buf, sizeof buf);
  if (P->tok.t == T_END)
    return fail(P, P->tok.pos, "unexpected end of expression, expected %s", what);
  return fail(P, P->tok.pos, "expected %s, found %s", what, buf);
}

static int parse_operand(struct parser *P, struct operand *o) {
  o->pos = P->tok.pos;
  o->len = P->tok.len;
  o->field = -1;
  if (P->tok.t == T_ERR)
    return -1;
  if (P->tok.t == T_IDENT) {
    int id = P->resolve(P->ctx, P->tok.p, P->tok.n);
    if (id < 0 || id >= HR_MAX_FIELDS)
      return fail(P, P->tok.pos, "unknown field '%.*s'", (int)(P->tok.n > 64 ? 64 : P->tok.n), P->tok.p);
    o->field = id;
    P->e->fields |= (uint64_t)1 << id;
    if (P->e->fpos[id] < 0)
      P->e->fpos[id] = (int32_t)P->tok.pos;
    lex(P);
    return 0;
  }
  if (is_lit_tok(P->tok.t)) {
    make_lit(&P->tok, &o->lit);
    lex(P);
    return 0;
  }
  if (P->tok.t == T_LB)
    return fail(P, P->tok.pos, "a list is only allowed after 'in'");
  return expected(P, "a field or a value");
}

/* A comparison whose figure would be silently wrong: `duration` against a
 * bare non-zero number (800 read as seconds when 800ms was meant), or a
 * duration literal against a standard field that is not a duration. The
 * literal l was written at src[pos..pos+len). */
static int check_unit(struct parser *P, int field, const struct lit *l, size_t pos, size_t len) {
  int n = (int)(len > 40 ? 40 : len);
  const char *t = P->src + pos;
  if (field == HR_F_DURATION && l->v.type == HR_V_NUM && !l->dur && l->v.num != 0)
    return fail(P, pos, "'duration' compared with the bare number %.*s: write %.*sms or %.*ss (durations need a unit)",
                n, t, n, t, n, t);
  if (l->dur && field >= 0 && field < HR_F_NSTD && field != HR_F_DURATION)
    return fail(P, pos, "%.*s is a duration, but '%s' is not one (only 'duration' is, in seconds)", n, t,
                hr_std_field_names[field]);
  return 0;
}

/* [lit, lit, ...] after field 'in' (-1: a literal): appends to e->lits;
 * *first, *n, *hasnull. */
static int parse_list(struct parser *P, int field, int *first, int *n, int *hasnull) {
  struct hr_expr *e = P->e;
  if (P->tok.t == T_LP)
    return fail(P, P->tok.pos, "expected '[' after 'in', found '(' (a list is written [500, 502])");
  if (P->tok.t != T_LB)
    return P->tok.t == T_ERR ? -1 : expected(P, "'[' after 'in'");
  lex(P);
  *first = e->nlits;
  *n = 0;
  *hasnull = 0;
  if (P->tok.t == T_RB) {
    lex(P);
    return 0;
  }
  for (;;) {
    if (!is_lit_tok(P->tok.t)) {
      if (P->tok.t == T_IDENT)
        return fail(P, P->tok.pos, "list items must be values, not fields");
      return P->tok.t == T_ERR ? -1 : expected(P, "a value");
    }
    if (e->nlits == e->caplits) {
      e->caplits = e->caplits ? 2 * e->caplits : 8;
      e->lits = xrealloc(e->lits, (size_t)e->caplits * sizeof *e->lits);
    }
    make_lit(&P->tok, &e->lits[e->nlits]);
    if (check_unit(P, field, &e->lits[e->nlits], P->tok.pos, P->tok.len))
      return -1;
    if (e->lits[e->nlits].v.type == HR_V_NULL)
      *hasnull = 1;
    e->nlits++;
    (*n)++;
    lex(P);
    if (P->tok.t == T_RB) {
      lex(P);
      return 0;
    }
    if (P->tok.t != T_COMMA)
      return P->tok.t == T_ERR ? -1 : expected(P, "',' or ']'");
    lex(P);
  }
}

static int flip(int op) {
  switch (op) {
  case OP_LT: return OP_GT;
  case OP_LE: return OP_GE;
  case OP_GT: return OP_LT;
  case OP_GE: return OP_LE;
  }
  return op;
}

/* If pat is "^" followed by plain text, or plain text alone (letters,
 * digits, '/', '-', '_', ':', '=', ',', '@', '%', '~', ' ', and any
 * punctuation escaped with a backslash), return it decoded (malloc'd) with
 * *anchored set; else NULL. Such a regex matches exactly where a prefix test
 * or a substring search does. */
static char *plain_text(const char *pat, size_t n, size_t *outn, unsigned char *anchored) {
  size_t i = 0;
  *anchored = 0;
  if (n > 0 && pat[0] == '^') {
    *anchored = 1;
    i = 1;
  }
  char *out = xmalloc(n + 1);
  size_t k = 0;
  for (; i < n; i++) {
    unsigned char c = (unsigned char)pat[i];
    if (c == '\\' && i + 1 < n && ispunct((unsigned char)pat[i + 1])) {
      out[k++] = pat[++i];
      continue;
    }
    if (isalnum(c) || strchr("/-_:=,@%~ ", c) != NULL || c >= 0x80) {
      out[k++] = (char)c;
      continue;
    }
    free(out);
    return NULL;
  }
  *outn = k;
  return out;
}

/* 1 when pat[0..n) repeats without bound (*, +, {n,}) a group that holds
 * an unbounded repeat or an alternation, the shape of catastrophic
 * backtracking: (a+)+, (a|a)*, (\w+\s?)*. Atomic groups (?>...) and
 * possessive quantifiers (*+ ++ {n,}+) do not backtrack and do not count;
 * escapes and character classes are skipped. A heuristic for a warning: it
 * may flag a harmless (GET|HEAD)+. */
static int risky_regex(const char *pat, size_t n) {
  enum { MAXG = 64 };
  unsigned char inner[MAXG + 1], atomic[MAXG + 1]; /* per open group: holds a repeat or '|'; is atomic */
  int depth = 0, deeper = 0;                       /* deeper: open groups past MAXG, not tracked */
  inner[0] = atomic[0] = 0;
  for (size_t i = 0; i < n; i++) {
    char c = pat[i];
    size_t q = i + 1; /* where a quantifier of the atom ending at i would start */
    int group_end = 0;
    if (c == '\\') {
      if (i + 1 < n && pat[i + 1] == 'Q') { /* \Q...\E: literal text */
        const char *end = NULL;
        for (size_t k = i + 2; k + 1 < n; k++)
          if (pat[k] == '\\' && pat[k + 1] == 'E') {
            end = pat + k;
            break;
          }
        i = end ? (size_t)(end - pat) + 1 : n;
        continue;
      }
      i++;
      q = i + 1;
    } else if (c == '[') {
      size_t k = i + 1;
      if (k < n && pat[k] == '^')
        k++;
      if (k < n && pat[k] == ']')
        k++;
      for (; k < n && pat[k] != ']'; k++)
        if (pat[k] == '\\')
          k++;
      i = k;
      q = i + 1;
    } else if (c == '(') {
      if (depth < MAXG) {
        depth++;
        inner[depth] = 0;
        atomic[depth] = i + 2 < n && pat[i + 1] == '?' && pat[i + 2] == '>';
      } else
        deeper++;
      continue;
    } else if (c == ')') {
      if (deeper > 0) {
        deeper--;
        continue;
      }
      if (depth == 0)
        continue;
      group_end = 1;
    } else if (c == '|') {
      inner[depth] = 1;
      continue;
    }
    /* the quantifier after this atom, if any */
    int unbounded = 0;
    size_t after = q;
    if (q < n && (pat[q] == '*' || pat[q] == '+')) {
      unbounded = 1;
      after = q + 1;
    } else if (q < n && pat[q] == '{') {
      size_t k = q + 1;
      while (k < n && pat[k] >= '0' && pat[k] <= '9')
        k++;
      if (k > q + 1 && k + 1 < n && pat[k] == ',' && pat[k + 1] == '}') {
        unbounded = 1;
        after = k + 2;
      }
    }
    if (unbounded && after < n && pat[after] == '+')
      unbounded = 0; /* possessive */
    if (group_end) {
      int risky = unbounded && !atomic[depth] && inner[depth];
      int holds = inner[depth] && !atomic[depth];
      depth--;
      if (risky)
        return 1;
      if (unbounded || holds)
        inner[depth] = 1;
    } else if (unbounded) {
      inner[depth] = 1;
    }
  }
  return 0;
}

static int compile_regex(struct parser *P, int ni, const struct operand *r) {
  struct hr_expr *e = P->e;
  int errcode;
  PCRE2_SIZE erroff;
  const char *pat = r->lit.v.sv.p != NULL ? r->lit.v.sv.p : "";
  pcre2_code *re = pcre2_compile((PCRE2_SPTR)pat, r->lit.v.sv.n, 0, &errcode, &erroff, NULL);
  if (re == NULL) {
    PCRE2_UCHAR msg[256];
    if (pcre2_get_error_message(errcode, msg, sizeof msg) < 0)
      snprintf((char *)msg, sizeof msg, "error %d", errcode);
    return fail(P, r->pos, "bad regex: %s (at offset %zu)", (const char *)msg, (size_t)erroff);
  }
  struct node *nd = &e->nodes[ni];
  nd->re = re;
  nd->plain = plain_text(pat, r->lit.v.sv.n, &nd->plainn, &nd->anchored);
  nd->jit = pcre2_jit_compile(re, PCRE2_JIT_COMPLETE) == 0;
  nd->md = pcre2_match_data_create(1, NULL);
  if (nd->md == NULL)
    abort(); /* out of memory, as xmalloc */
  if (e->mctx == NULL) {
    e->mctx = pcre2_match_context_create(NULL);
    if (e->mctx == NULL)
      abort();
    pcre2_set_match_limit(e->mctx, e->match_limit);
  }
  /* PCRE2's default JIT stack (32 KiB) gives up on `^/(a|b)*$` over a
   * 2,000-byte path; 1 MiB holds a repeated group over a whole line. */
  if (nd->jit && e->jstack == NULL) {
    e->jstack = pcre2_jit_stack_create(32 * 1024, EXPR_JIT_STACK, NULL);
    if (e->jstack == NULL)
      abort();
    pcre2_jit_stack_assign(e->mctx, NULL, e->jstack);
  }
  if (nd->plain == NULL && e->warn[0] == 0 && risky_regex(pat, r->lit.v.sv.n))
    snprintf(e->warn, sizeof e->warn,
             "col %zu: the regex repeats a group that itself repeats or alternates, like (a+)+ or (a|b)*: PCRE2 may "
             "give up on some lines (match limit), which then count neither as good nor as valid; use an atomic "
             "group (?>...) or a possessive quantifier (++, *+)",
             r->pos + 1);
  return 0;
}

/* The comparison l op r, folded to a constant when neither side is a field. */
static int build_cmp(struct parser *P, struct operand *l, int op, struct operand *r) {
  struct hr_expr *e = P->e;
  if (op == OP_RE || op == OP_NRE) {
    if (r->field >= 0 || r->lit.v.type != HR_V_STR)
      return fail(P, r->pos, "the right side of %s must be a string (the regex)", op == OP_RE ? "=~" : "!~");
    int i = new_node(e, K_RE);
    if (compile_regex(P, i, r))
      return -1;
    e->nodes[i].op = (unsigned char)op;
    e->nodes[i].lit = r->lit; /* the pattern */
    if (l->field >= 0) {
      e->nodes[i].field = l->field;
      return i;
    }
    /* literal =~ regex: decide now; the node keeps the code so it is freed */
    int m = 0;
    if (l->lit.v.type == HR_V_STR)
      m = re_match(e, &e->nodes[i], l->lit.v.sv.p, l->lit.v.sv.n);
    if (m < 0)
      return fail(P, r->pos, "PCRE2 gives up matching this regex against %.*s (match limit)",
                  (int)(l->len > 40 ? 40 : l->len), P->src + l->pos);
    e->nodes[i].kind = K_CONST;
    e->nodes[i].b = l->lit.v.type == HR_V_STR && m >= 0 && (op == OP_RE ? m : !m);
    return i;
  }
  /* null literal on the left: move it right (x == null is symmetric) */
  if (l->field < 0 && l->lit.v.type == HR_V_NULL) {
    struct operand t = *l;
    *l = *r;
    *r = t;
    op = flip(op);
  }
  if (r->field < 0 && r->lit.v.type == HR_V_NULL) {
    if (op != OP_EQ && op != OP_NE)
      return const_node(e, 0); /* ordering against null: false */
    if (l->field < 0) {
      int isnull = l->lit.v.type == HR_V_NULL;
      return const_node(e, op == OP_EQ ? isnull : !isnull);
    }
    int i = new_node(e, K_NULL);
    e->nodes[i].field = l->field;
    e->nodes[i].op = (unsigned char)op;
    return i;
  }
  if (l->field < 0 && r->field < 0)
    return const_node(e, cmp_vals(&l->lit.v, &r->lit.v, r->lit.numok, op));
  if (l->field < 0) {
    struct operand t = *l;
    *l = *r;
    *r = t;
    op = flip(op);
  }
  if (r->field < 0 && check_unit(P, l->field, &r->lit, r->pos, r->len))
    return -1;
  int i;
  if (r->field >= 0) {
    i = new_node(e, K_FF);
    e->nodes[i].field2 = r->field;
  } else if (r->lit.v.type == HR_V_NUM) {
    i = new_node(e, K_NUM);
  } else if (r->lit.v.type == HR_V_STR && (op == OP_EQ || op == OP_NE)) {
    i = new_node(e, K_STREQ);
  } else {
    i = new_node(e, K_LIT);
  }
  e->nodes[i].field = l->field;
  e->nodes[i].op = (unsigned char)op;
  e->nodes[i].lit = r->lit;
  return i;
}

static int parse_cmp(struct parser *P, int depth) {
  struct hr_expr *e = P->e;
  if (P->tok.t == T_LP) {
    size_t open = P->tok.pos;
    lex(P);
    int k = parse_or(P, depth + 1);
    if (k < 0)
      return -1;
    if (P->tok.t != T_RP) {
      if (P->tok.t == T_ERR)
        return -1;
      char buf[40];
      tok_text(P, buf, sizeof buf);
      return fail(P, P->tok.pos, "expected ')' to close the '(' at col %zu, found %s", open + 1, buf);
    }
    lex(P);
    if (P->tok.t == T_OP || P->tok.t == T_IN)
      return fail(P, P->tok.pos, "a parenthesized expression cannot be compared");
    return k;
  }
  struct operand l, r;
  if (parse_operand(P, &l))
    return -1;
  if (P->tok.t == T_IN) {
    int first = 0, n = 0, hasnull = 0;
    lex(P);
    if (parse_list(P, l.field, &first, &n, &hasnull))
      return -1;
    if (l.field < 0) {
      int m = l.lit.v.type == HR_V_NULL ? hasnull : 0;
      for (int k = 0; k < n && !m; k++)
        m = e->lits[first + k].v.type != HR_V_NULL &&
            cmp_vals(&l.lit.v, &e->lits[first + k].v, e->lits[first + k].numok, OP_EQ);
      return const_node(e, m);
    }
    int i = new_node(e, K_IN);
    e->nodes[i].field = l.field;
    e->nodes[i].a = first;
    e->nodes[i].n = n;
    e->nodes[i].b = hasnull;
    return i;
  }
  if (P->tok.t == T_OP) {
    int op = P->tok.op;
    lex(P);
    if (P->tok.t == T_LP)
      return fail(P, P->tok.pos, "a parenthesized expression cannot be compared");
    if (parse_operand(P, &r))
      return -1;
    if (P->tok.t == T_OP || P->tok.t == T_IN)
      return fail(P, P->tok.pos, "comparisons do not chain (use &&)");
    return build_cmp(P, &l, op, &r);
  }
  if (l.field >= 0) {
    int i = new_node(e, K_TRUTHY);
    e->nodes[i].field = l.field;
    return i;
  }
  return const_node(e, l.lit.v.type != HR_V_NULL && truthy(&l.lit.v));
}

static int parse_not(struct parser *P, int depth) {
  if (depth > EXPR_MAX_DEPTH)
    return fail(P, P->tok.pos, "nested deeper than %d", EXPR_MAX_DEPTH);
  if (P->tok.t == T_NOT) {
    lex(P);
    int k = parse_not(P, depth + 1);
    if (k < 0)
      return -1;
    int i = new_node(P->e, K_NOT);
    P->e->nodes[i].a = k;
    return i;
  }
  return parse_cmp(P, depth);
}

/* kind K_AND: terms are parse_not; K_OR: terms are parse_and. */
static int parse_list_of(struct parser *P, int depth, int kind) {
  enum tk sep = kind == K_AND ? T_AND : T_OR;
  int small[8], *v = small, cap = 8, n = 0, rc = -1;
  for (;;) {
    int k = kind == K_AND ? parse_not(P, depth) : parse_list_of(P, depth, K_AND);
    if (k < 0)
      goto out;
    if (n == cap) {
      int *nv = xmalloc((size_t)cap * 2 * sizeof *nv);
      memcpy(nv, v, (size_t)n * sizeof *nv);
      if (v != small)
        free(v);
      v = nv;
      cap *= 2;
    }
    v[n++] = k;
    if (P->tok.t != sep)
      break;
    lex(P);
  }
  if (n == 1) {
    rc = v[0];
    goto out;
  }
  struct hr_expr *e = P->e;
  if (e->nkids + n > e->capkids) {
    while (e->nkids + n > e->capkids)
      e->capkids = e->capkids ? 2 * e->capkids : 16;
    e->kids = xrealloc(e->kids, (size_t)e->capkids * sizeof *e->kids);
  }
  rc = new_node(e, kind);
  e->nodes[rc].a = e->nkids;
  e->nodes[rc].n = n;
  memcpy(e->kids + e->nkids, v, (size_t)n * sizeof *v);
  e->nkids += n;
out:
  if (v != small)
    free(v);
  return rc;
}

static int parse_or(struct parser *P, int depth) {
  if (depth > EXPR_MAX_DEPTH)
    return fail(P, P->tok.pos, "nested deeper than %d", EXPR_MAX_DEPTH);
  return parse_list_of(P, depth, K_OR);
}

enum hr_rc expr_compile(const char *src, size_t n, hr_resolve_fn resolve, void *ctx, struct hr_expr **out,
                        struct hr_err *err) {
  *out = NULL;
  if (n > EXPR_MAX_LEN)
    return HR_FAIL(err, HR_ERR_TOOBIG, "col %d: expression longer than %d bytes", EXPR_MAX_LEN + 1, EXPR_MAX_LEN);
  struct hr_expr *e = xcalloc(1, sizeof *e);
  e->text = xmalloc(n + 1); /* decoded literals are never longer than their source */
  e->match_limit = EXPR_MATCH_LIMIT;
  for (int i = 0; i < HR_MAX_FIELDS; i++)
    e->fpos[i] = -1;
  struct parser P = {.src = src, .srcn = n, .e = e, .resolve = resolve, .ctx = ctx, .err = err};
  lex(&P);
  if (P.tok.t == T_END) {
    fail(&P, 0, "empty expression");
    goto fail;
  }
  e->root = parse_or(&P, 0);
  if (e->root < 0)
    goto fail;
  if (P.tok.t != T_END) {
    if (P.tok.t != T_ERR) {
      char buf[40];
      tok_text(&P, buf, sizeof buf);
      fail(&P, P.tok.pos, "unexpected %s%s", buf, word_hint(&P));
    }
    goto fail;
  }
  compile_prog(e);
  *out = e;
  return HR_OK;
fail:
  expr_free(e);
  if (!P.failed)
    HR_FAIL(err, HR_ERR_PARSE, "col 1: invalid expression");
  return err != NULL ? err->rc : HR_ERR_PARSE;
}
