/* format.h -- input formats: ALB, nginx log_format, Apache LogFormat, JSON lines.
 *
 * A format is compiled once from its options (a user's nginx log_format
 * string becomes an array of field ops; no regex per line) and then parses
 * lines into struct hr_event. A format instance is not thread-safe; compile
 * one per thread. Parsing a bad line is not an error: format_parse() returns
 * a reason code that the caller counts. */
#ifndef HR_FORMAT_H
#define HR_FORMAT_H

#include <stddef.h>
#include <stdint.h>

#include "core/err.h"
#include "core/event.h"

enum hr_fmt_kind { HR_FMT_ALB = 0, HR_FMT_NGINX, HR_FMT_APACHE, HR_FMT_JSONL };

/* JSON lines: where each standard field comes from. */
struct hr_jsonl_map {
  const char *dest; /* a standard or new field name, e.g. "time", "status" */
  const char *key;  /* top-level JSON key */
};

struct hr_format_opts {
  enum hr_fmt_kind kind;
  const char *log_format; /* nginx/apache; NULL: combined */
  /* JSON lines only: */
  const struct hr_jsonl_map *map; /* dest <- key; keys not mapped keep their own name */
  size_t nmap;
  const char *duration_start; /* if set with duration_end: duration = end - start (times) */
  const char *duration_end;
  double duration_scale; /* multiply a numeric "duration" key by this to get seconds (0 = 1) */
};

struct hr_format;

/* Compile a format. On success *out is owned by the caller (format_free()).
 * On failure *out = NULL and err says what is wrong with the options (for a
 * log_format string: the offending variable and its position). */
enum hr_rc format_new(const struct hr_format_opts *o, struct hr_format **out /* OUT */, struct hr_err *err);
void format_free(struct hr_format *f);

/* Resolve a field name (for the filter compiler) to its id, or -1 when the
 * format cannot have it. Standard names are always known. JSON lines accept
 * any name (adding it on first use), so the parser extracts only what
 * filters use. */
int format_field(struct hr_format *f, const char *name, size_t n);

/* Tell the parser which field ids the filters read (bit i: id i). Fields
 * outside the mask that no standard field depends on (a format's own-name
 * variables) are then neither stored nor converted. Validation does not
 * change: a line is malformed or not whatever the mask. Default: all. */
void format_need(struct hr_format *f, uint64_t mask);

/* Name of field id (borrowed, valid while f lives), or NULL. */
const char *format_field_name(const struct hr_format *f, int id);

/* How many field ids are named (ids 0 .. n-1, the standard ones first). */
int format_nfields(const struct hr_format *f);

/* The fields f can ever give a value to (bit i: id i), for `check`: with
 * nginx and apache, the standard fields its log_format's variables fill
 * (no $request_time: no duration) and the variables' own names; with alb
 * and jsonl, all (a JSON line may hold any key). */
uint64_t format_fills(const struct hr_format *f);

enum hr_fmt_kind format_kind(const struct hr_format *f);

/* Parse one line (no trailing newline, no NUL needed). Returns 0 and fills
 * *ev (reset first) on success, or a reason code > 0 on a malformed line.
 * Every line that returns 0 has ev->ts_us set. */
int format_parse(struct hr_format *f, const char *line, size_t len, struct hr_event *ev);

/* Static text of a reason code, e.g. "bad timestamp". */
const char *format_reason(int reason);

/* Kind from its configuration name ("alb", "nginx", "apache", "jsonl"); -1 if unknown. */
int format_kind_from_name(const char *name);


/* Reasons a line is malformed (format_parse() return values). */
enum hr_bad {
  HR_BAD_NONE = 0,
  HR_BAD_SHAPE,   /* fields missing, unbalanced quotes, literal text not found */
  HR_BAD_TIME,    /* timestamp missing or not understood */
  HR_BAD_STATUS,  /* status not a number in 0..999 */
  HR_BAD_NUMBER,  /* a numeric field is not a number */
  HR_BAD_JSON,    /* not a JSON object */
  HR_BAD_TYPE,    /* a record of another kind (e.g. NLB line in an ALB log) */
  HR_BAD_TOOLONG, /* longer than the line limit */
  HR_BAD__COUNT
};
#define HR_MAX_LINE (64 * 1024) /* longer lines are malformed (HR_BAD_TOOLONG) */

#endif
