/* format.h -- input formats: ALB, nginx log_format, Apache LogFormat, JSON
 * lines, HAProxy's HTTP log, W3C extended logs (IIS, CloudFront).
 *
 * A format is compiled once from its options (a user's nginx log_format
 * string becomes an array of field ops; no regex per line) and then parses
 * lines into struct hr_event. A format instance is not thread-safe; compile
 * one per thread. Parsing a bad line is not an error: format_parse() returns
 * a reason code that the caller counts.
 *
 * W3C logs carry state from line to line (the columns of the last #Fields:
 * directive): the reader of a file resets the format when a file begins
 * (format_reset) and, when it starts in the middle of a file, restores the
 * directives before that point (format_state_save/format_state_load, or
 * feeding them to format_parse). format_stateful() says whether a format
 * needs this; the other formats read each line alone. */
#ifndef HR_FORMAT_H
#define HR_FORMAT_H

#include <stddef.h>
#include <stdint.h>

#include "core/err.h"
#include "core/event.h"

enum hr_fmt_kind { HR_FMT_ALB = 0, HR_FMT_NGINX, HR_FMT_APACHE, HR_FMT_JSONL, HR_FMT_HAPROXY, HR_FMT_W3C };

struct hr_tz;

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
  double duration_scale; /* multiply a numeric "duration" key by this to get seconds (0 = 1);
                          * W3C: time-taken's unit (0 = from the file: ms for IIS, else s) */
  /* HAProxy only: the zone of its accept dates (borrowed; NULL = UTC), and
   * the names of the captured request headers in the order of the
   * configuration's `capture request header` lines, '|' between them
   * ("Host|User-Agent"; NULL: none named). */
  const struct hr_tz *tz;
  const char *captures;
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
 * *ev (reset first) on success, or a reason code > 0 on a malformed line,
 * or HR_PARSE_DIRECTIVE (< 0) for a line that is neither an event nor
 * malformed: a W3C directive (#Fields:, #Version: ...), read into the
 * format's state. Every line that returns 0 has ev->ts_us set. */
int format_parse(struct hr_format *f, const char *line, size_t len, struct hr_event *ev);

/* Static text of a reason code, e.g. "bad timestamp". */
const char *format_reason(int reason);

/* Kind from its configuration name ("alb", "nginx", "apache", "jsonl",
 * "haproxy", "w3c"); -1 if unknown. */
int format_kind_from_name(const char *name);
/* The configuration names of the kinds, "alb, nginx, apache, jsonl, haproxy or w3c". */
const char *format_kind_names(void);

/* A documented mapping of JSON lines (docs/formats.md, "Presets"): the keys
 * of a proxy's own JSON access log, read as jsonl. */
#define HR_PRESET_MAX_MAP 12
struct hr_jsonl_preset {
  const char *name;                           /* its format name: "caddy", "traefik" */
  struct hr_jsonl_map map[HR_PRESET_MAX_MAP]; /* field <- key; "duration" among them */
  size_t nmap;
  double duration_scale; /* the unit of its duration key, in seconds */
};
/* The preset named name, or NULL. Static data. */
const struct hr_jsonl_preset *format_preset(const char *name);
/* Their names, "caddy or traefik". */
const char *format_preset_names(void);

/* 1 when a line's meaning depends on earlier lines of its file (W3C). */
int format_stateful(const struct hr_format *f);
/* A new file begins: forget what earlier lines said. */
void format_reset(struct hr_format *f);
/* The directive lines that make the current state ('\n' after each), or
 * NULL when there is none (or the format keeps none). Owned by the caller. */
char *format_state_save(const struct hr_format *f);
/* format_reset(), then read the lines of s (from format_state_save()). */
void format_state_load(struct hr_format *f, const char *s);

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
#define HR_PARSE_DIRECTIVE (-1) /* format_parse(): a directive line, not an event */
#define HR_MAX_LINE (64 * 1024) /* longer lines are malformed (HR_BAD_TOOLONG) */

#endif
