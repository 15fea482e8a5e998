/* format_impl.h -- the layout of struct hr_format shared by the format
 * implementations (format.c dispatches; fmt_alb.c, fmt_logfmt.c,
 * fmt_jsonl.c, fmt_haproxy.c, fmt_w3c.c implement). Not for use outside src/core/fmt_*.c, format.c. */
#ifndef HR_FORMAT_IMPL_H
#define HR_FORMAT_IMPL_H

#include "core/format.h"

struct hr_format {
  enum hr_fmt_kind kind;
  int nfields;                /* ids 0..nfields-1 are named; >= HR_F_NSTD */
  char *names[HR_MAX_FIELDS]; /* owned copies; [0..HR_F_NSTD) are the standard names */
  void *impl;                 /* kind-specific compiled state, owned */
  uint64_t need;              /* format_need(); all ones by default */
  uint64_t fills;             /* format_fills(): nginx/apache from their variables, else all ones */
  int logfmt;                 /* compiled by fmt_logfmt.c: nginx, apache, haproxy with a log-format */
};

/* Add a name and return its id, or -1 when all HR_MAX_FIELDS are used.
 * Returns the existing id when the name is already there. */
int format_add_field(struct hr_format *f, const char *name, size_t n);

/* fmt_alb.c */
enum hr_rc fmt_alb_new(const struct hr_format_opts *o, struct hr_format *f, struct hr_err *err);
void fmt_alb_free(struct hr_format *f);
int fmt_alb_parse(struct hr_format *f, const char *line, size_t len, struct hr_event *ev);

/* fmt_logfmt.c: nginx log_format and Apache LogFormat strings */
enum hr_rc fmt_logfmt_new(const struct hr_format_opts *o, struct hr_format *f, struct hr_err *err);
void fmt_logfmt_free(struct hr_format *f);
int fmt_logfmt_parse(struct hr_format *f, const char *line, size_t len, struct hr_event *ev);

/* fmt_jsonl.c */
enum hr_rc fmt_jsonl_new(const struct hr_format_opts *o, struct hr_format *f, struct hr_err *err);
void fmt_jsonl_free(struct hr_format *f);
int fmt_jsonl_parse(struct hr_format *f, const char *line, size_t len, struct hr_event *ev);
/* JSON lines accept any field name: adds it and returns its id (-1 when full). */
int fmt_jsonl_field(struct hr_format *f, const char *name, size_t n);

/* fmt_haproxy.c */
enum hr_rc fmt_haproxy_new(const struct hr_format_opts *o, struct hr_format *f, struct hr_err *err);
void fmt_haproxy_free(struct hr_format *f);
int fmt_haproxy_parse(struct hr_format *f, const char *line, size_t len, struct hr_event *ev);
/* The other names of its fields (Tq for TR, Tt for Ta): the id, or -1. */
int fmt_haproxy_field(const struct hr_format *f, const char *name, size_t n);
/* The minute of the last accept date ("06/Feb/2009:12:14", 17 bytes) and
 * its instant: a line of the same minute only parses seconds and fraction. */
struct fmt_hcache {
  char key[17];
  int64_t base_s;
  int valid;
};
struct hr_tz;
/* An accept date "dd/Mon/yyyy:hh:mm:ss[.fff]" (brackets taken off), local
 * time in tz, to microseconds since the epoch (also for a custom
 * log-format's %t and %tr, fmt_logfmt.c). 0, or -1. */
int fmt_haproxy_date(struct fmt_hcache *c, const struct hr_tz *tz, const char *p, size_t n, int64_t *us);

/* fmt_w3c.c */
enum hr_rc fmt_w3c_new(const struct hr_format_opts *o, struct hr_format *f, struct hr_err *err);
void fmt_w3c_free(struct hr_format *f);
int fmt_w3c_parse(struct hr_format *f, const char *line, size_t len, struct hr_event *ev);
/* A name a W3C column can have (adds it and returns its id), or -1. */
int fmt_w3c_field(struct hr_format *f, const char *name, size_t n);
void fmt_w3c_reset(struct hr_format *f);
char *fmt_w3c_state(const struct hr_format *f);

#endif
