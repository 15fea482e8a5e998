/* ydoc.h -- the OpenSLO loader's shared state and its YAML helpers. struct
 * ld holds what the loader has read (files, libyaml documents) and the
 * configuration it is building; the ydoc_* helpers read typed values out of
 * the documents' nodes and report every problem once, with file:line:col,
 * into L->diag without stopping. An internal header of the loader (ydoc.c,
 * openslo*.c): not for use outside src/config/. */
#ifndef HR_YDOC_H
#define HR_YDOC_H

#include <stddef.h>
#include <stdint.h>
#include <yaml.h>

#include "config/config.h"

/* The document kinds; ydoc_kind_names[k] is the kind as written in YAML. */
enum kind { K_SERVICE = 0, K_SLI, K_SLO, K_DS, K_POLICY, K_COND, K_TARGET, K__N };
extern const char *const ydoc_kind_names[K__N];

struct doc {
  yaml_document_t y;
  size_t fi;         /* index into hr_config.files */
  yaml_node_t *root; /* a mapping */
  int kind;          /* enum kind, -1 when the header is bad */
  const char *name;  /* metadata.name (borrowed from y) */
  yaml_node_t *name_node, *meta, *spec;
};

struct tmp_cond { /* a top-level AlertCondition, copied into policies that name it */
  struct hr_condition c;
  int ok;
};

struct slo_extra { /* per hr_slo while building */
  size_t src;      /* index into c->sources; SIZE_MAX: unknown (HR_CONFIG_KEEP) */
  size_t *pol;     /* indices into c->policies */
  size_t npol;
};

struct ld {
  struct hr_config *c;
  struct hr_diag *diag;
  int strict;
  int keep; /* HR_CONFIG_KEEP */
  int nerr;
  struct doc *docs;
  size_t ndocs, capdocs;
  char **dirs; /* per file: its directory */
  unsigned char **bufs;
  size_t *buflens;
  size_t nsrc_declared;   /* sources from DataSource documents (the rest are implicit) */
  struct tmp_cond *conds; /* parallel to the AlertCondition docs, by doc index */
  struct slo_extra *ex;
  size_t nex;
  struct hr_loc db_loc, listen_loc;
};

/* ---------------------------------------------------------------- messages */

/* Where node n of d starts; line and column 0 (the file alone) when n is NULL. */
struct hr_loc ydoc_loc_of(const struct ld *L, const struct doc *d, const yaml_node_t *n);

/* Add a message at node n of d (NULL: the file), or at loc. An error counts
 * in L->nerr; a warning is prefixed "warning: " and does not count. */
void ydoc_err_at(struct ld *L, const struct doc *d, const yaml_node_t *n, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
void ydoc_warn_at(struct ld *L, const struct doc *d, const yaml_node_t *n, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
void ydoc_err_loc(struct ld *L, const struct hr_loc *loc, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
void ydoc_warn_loc(struct ld *L, const struct hr_loc *loc, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* ------------------------------------------------------------ node access */

/* Nodes and strings are borrowed from d->y and live as long as it does. */
static inline yaml_node_t *ydoc_nd(struct doc *d, int id) {
  return yaml_document_get_node(&d->y, id);
}

static inline const char *ydoc_sval(const yaml_node_t *n) {
  return (const char *)n->data.scalar.value;
}

static inline size_t ydoc_seq_len(const yaml_node_t *s) {
  return (size_t)(s->data.sequence.items.top - s->data.sequence.items.start);
}
static inline yaml_node_t *ydoc_seq_at(struct doc *d, const yaml_node_t *s, size_t i) {
  return ydoc_nd(d, s->data.sequence.items.start[i]);
}

/* A plain empty scalar, "~" or "null": the key is there without a value. */
int ydoc_is_null(const yaml_node_t *n);

/* "a scalar", "a list", "a mapping" (or "nothing"), for messages. */
const char *ydoc_type_word(const yaml_node_t *n);

/* The value of key in mapping m (NULL when absent, null, or m is not a map). */
yaml_node_t *ydoc_mget(struct doc *d, const yaml_node_t *m, const char *key);

/* The key node of key in mapping m (for messages about the key itself). */
yaml_node_t *ydoc_mkey(struct doc *d, const yaml_node_t *m, const char *key);

/* Warn about keys of m not in known (NULL-terminated). where names m. */
void ydoc_check_keys(struct ld *L, struct doc *d, const yaml_node_t *m, const char *const *known, const char *where);

/* The want_* functions read parent.key; where names parent in messages. A
 * missing key is an error only when required; a value of the wrong type is
 * always one. */

/* A mapping / a list; NULL when absent or of another type. */
yaml_node_t *ydoc_want_map(struct ld *L, struct doc *d, const yaml_node_t *parent, const char *key, int required,
                           const char *where);
yaml_node_t *ydoc_want_seq(struct ld *L, struct doc *d, const yaml_node_t *parent, const char *key, int required,
                           const char *where);

/* A string value; NULL when absent (error when required) or of another type. */
const char *ydoc_want_str(struct ld *L, struct doc *d, const yaml_node_t *parent, const char *key, int required,
                          const char *where, yaml_node_t **node /* OUT, may be NULL */);

/* The whole of s as a finite number: 0 with *out, or -1 (nothing reported). */
int ydoc_parse_num(const char *s, double *out);

/* 1: present and a number; 0: absent (error if required); -1: bad. */
int ydoc_want_num(struct ld *L, struct doc *d, const yaml_node_t *parent, const char *key, int required,
                  const char *where, double *out, yaml_node_t **node /* OUT, may be NULL */);

/* true/false (never required); returns as ydoc_want_num(). */
int ydoc_want_bool(struct ld *L, struct doc *d, const yaml_node_t *parent, const char *key, const char *where,
                   int *out);

/* A duration ("5m", "28d"); with allow_num, a bare number counts seconds.
 * Returns as ydoc_want_num(). */
int ydoc_want_dur(struct ld *L, struct doc *d, const yaml_node_t *parent, const char *key, int required,
                  const char *where, int allow_num, int64_t *out);

/* The longest window, lookback or other duration headroom accepts: 400
 * days (a year's window and then some). Every figure keeps the minutes of
 * two windows and the longest lookback in memory. */
#define YDOC_MAX_US ((int64_t)400 * 86400 * 1000000)
#define YDOC_MIN_US ((int64_t)60 * 1000000) /* headroom counts events per minute */

/* Check a duration us read from node n (what names it in messages): at
 * least min_us, at most max_us (0: no bound; max_what, if not NULL, says
 * what that bound is, e.g. "the window"), and with minutes set a whole
 * number of minutes. 0, or -1 with an error at n. */
int ydoc_dur_in(struct ld *L, struct doc *d, const yaml_node_t *n, const char *what, int64_t us, int64_t min_us,
                int64_t max_us, const char *max_what, int minutes);

/* Where the text of a scalar starts: past the quote of a quoted scalar, on
 * the first content line of a block scalar. */
struct hr_loc ydoc_text_loc(struct ld *L, struct doc *d, const yaml_node_t *n);

/* ------------------------------------------------------------- utilities */

/* rel against dir (rel itself when absolute, or dir is "." or empty); the
 * caller frees the result. */
char *ydoc_path_join(const char *dir, const char *rel);

/* Append s to *arr (*n entries); the array takes ownership of s. */
void ydoc_push_str(char ***arr, size_t *n, char *s);

/* Names of every document of kind k, "a, b, c" (or "none"), for messages. */
void ydoc_names_of(struct ld *L, int k, char *buf, size_t n);

/* The document of kind k called name; NULL when there is none. */
struct doc *ydoc_find_doc(struct ld *L, int k, const char *name);

/* ------------------------------------------------------------- annotations */

/* metadata.annotations[key] of d when it is a string (borrowed from d), else
 * NULL; *node (may be NULL) gets the value node, whatever its type. */
const char *ydoc_annotation(struct doc *d, const char *key, yaml_node_t **node);

/* Check the annotations of meta on a document of kind kind (-1: unknown):
 * string values, known headroom.dev/ keys, on the kinds they belong to. */
void ydoc_check_annotations(struct ld *L, struct doc *d, yaml_node_t *meta, int kind);

/* Parse a YAML string held by an annotation. Returns 0 with *doc loaded
 * (caller deletes), or -1 with the problem in msg. */
int ydoc_sub_yaml(const char *s, yaml_document_t *doc, char *msg, size_t n);

/* Sub-documents reuse the node helpers through a temporary struct doc.
 * 0 with *out when n is a number, else -1. */
int ydoc_sub_num(struct doc *sd, yaml_node_t *n, double *out);

/* Inline objects {kind, metadata, spec}: check kind, return the name
 * (fallback when metadata.name is absent or empty). *spec is NULL when the
 * object has no usable spec (reported). */
const char *ydoc_inline_head(struct ld *L, struct doc *d, yaml_node_t *m, int want, yaml_node_t **meta,
                             yaml_node_t **spec, const char *fallback);

#endif
