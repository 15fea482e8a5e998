/* event.h -- one parsed request / message / job, as views into the line.
 *
 * Every input format fills the same standard fields (the field table of docs/formats.md), so one
 * filter works on all of them; format-specific fields get ids from
 * HR_F_NSTD upwards, assigned when the format is compiled (format_field()).
 * A field is present only when its bit is set in ev->set: resetting an event
 * is one store, not a memset. Views point into the caller's line buffer (or
 * into ev->scratch) and die with the line. */
#ifndef HR_EVENT_H
#define HR_EVENT_H

#include <stdint.h>

#include "core/sv.h"

enum hr_field_id {
  HR_F_TIME = 0,        /* num: seconds since the epoch (fractional) */
  HR_F_STATUS,          /* num: status code sent to the client */
  HR_F_UPSTREAM_STATUS, /* num: status from the backend (first of a list) */
  HR_F_DURATION,        /* num: seconds from request to response */
  HR_F_METHOD,          /* str */
  HR_F_PATH,            /* str: without scheme, host and query */
  HR_F_QUERY,           /* str: after '?', without it */
  HR_F_PROTOCOL,        /* str: "HTTP/1.1" */
  HR_F_HOST,            /* str */
  HR_F_CLIENT,          /* str: address (ALB: without the port) */
  HR_F_BYTES_SENT,      /* num */
  HR_F_BYTES_RECEIVED,  /* num */
  HR_F_USER_AGENT,      /* str */
  HR_F_NSTD             /* first format-specific id */
};
#define HR_MAX_FIELDS 64
#define HR_EVENT_SCRATCH 4096

/* The standard names, indexed by enum hr_field_id. */
extern const char *const hr_std_field_names[HR_F_NSTD];

enum hr_vtype { HR_V_NULL = 0, HR_V_STR, HR_V_NUM, HR_V_BOOL };

struct hr_val {
  unsigned char type; /* enum hr_vtype */
  struct hr_sv sv;    /* STR: the text; NUM: the raw text when there is one */
  double num;         /* NUM: the value; BOOL: 0 or 1 */
};

struct hr_event {
  int64_t ts_us;  /* event time, microseconds since the epoch, UTC */
  uint64_t set;   /* bit i: f[i] holds a value for this line */
  uint64_t nulls; /* bit i: f[i] was set null during this line (it may hold a value since) */
  struct hr_val f[HR_MAX_FIELDS];
  size_t scratch_len;             /* bytes of scratch used by this line */
  char scratch[HR_EVENT_SCRATCH]; /* decoded strings (JSON escapes) */
};

static inline void event_reset(struct hr_event *ev) {
  ev->set = 0;
  ev->nulls = 0;
  ev->ts_us = 0;
  ev->scratch_len = 0;
}

/* The value of field id, or NULL when absent or null. */
static inline const struct hr_val *event_get(const struct hr_event *ev, int id) {
  if (id < 0 || id >= HR_MAX_FIELDS || !(ev->set >> id & 1) || ev->f[id].type == HR_V_NULL)
    return 0;
  return &ev->f[id];
}

static inline void event_set_str(struct hr_event *ev, int id, const char *p, size_t n) {
  ev->f[id].type = HR_V_STR;
  ev->f[id].sv.p = p;
  ev->f[id].sv.n = n;
  ev->set |= (uint64_t)1 << id;
}

static inline void event_set_num(struct hr_event *ev, int id, double x, const char *raw, size_t rawn) {
  ev->f[id].type = HR_V_NUM;
  ev->f[id].num = x;
  ev->f[id].sv.p = raw;
  ev->f[id].sv.n = rawn;
  ev->set |= (uint64_t)1 << id;
}

static inline void event_set_bool(struct hr_event *ev, int id, int b) {
  ev->f[id].type = HR_V_BOOL;
  ev->f[id].num = b ? 1 : 0;
  ev->f[id].sv.p = 0;
  ev->f[id].sv.n = 0;
  ev->set |= (uint64_t)1 << id;
}

static inline void event_set_null(struct hr_event *ev, int id) {
  ev->f[id].type = HR_V_NULL;
  ev->set |= (uint64_t)1 << id;
  ev->nulls |= (uint64_t)1 << id;
}

#endif
