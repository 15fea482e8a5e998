/* fmt_alb.c -- AWS Application Load Balancer access logs.
 *
 * Fields in the documented order ("Access log entries", ALB user guide),
 * separated by single spaces, each either "quoted" (backslash escapes
 * skipped, not decoded) or bare. Older lines with fewer trailing fields and
 * newer ones with more parse; at least the fields up to "request" must be
 * there. Every field is available under its own name ("-" is null); the
 * standard fields are derived from them (docs/formats.md). Lines of another type
 * (NLB "tls 2.0 ...", connection logs) are HR_BAD_TYPE. */
#include <stdlib.h>
#include <string.h>

#include "core/fmt_common.h"
#include "core/format_impl.h"
#include "core/timeparse.h"
#include "util/xmalloc.h"

enum alb_kind { K_STR, K_NUM, K_ADDR /* host:port; the own-name field keeps the port */ };

static const struct {
  const char *name;
  enum alb_kind kind;
} alb_fields[] = {
    {"type", K_STR},
    {NULL, K_STR}, /* "time" is the standard field (a number) */
    {"elb", K_STR},
    {"client_port", K_ADDR},
    {"target_port", K_ADDR},
    {"request_processing_time", K_NUM},
    {"target_processing_time", K_NUM},
    {"response_processing_time", K_NUM},
    {"elb_status_code", K_NUM},
    {"target_status_code", K_NUM},
    {"received_bytes", K_NUM},
    {"sent_bytes", K_NUM},
    {"request", K_STR},
    {"user_agent", K_STR},
    {"ssl_cipher", K_STR},
    {"ssl_protocol", K_STR},
    {"target_group_arn", K_STR},
    {"trace_id", K_STR},
    {"domain_name", K_STR},
    {"chosen_cert_arn", K_STR},
    {"matched_rule_priority", K_NUM},
    {"request_creation_time", K_STR},
    {"actions_executed", K_STR},
    {"redirect_url", K_STR},
    {"error_reason", K_STR},
    {"target_port_list", K_STR},
    {"target_status_code_list", K_STR},
    {"classification", K_STR},
    {"classification_reason", K_STR},
    {"conn_trace_id", K_STR},
};
#define ALB_NF ((int)(sizeof alb_fields / sizeof alb_fields[0]))

enum {
  A_TYPE = 0,
  A_TIME,
  A_ELB,
  A_CLIENT,
  A_TARGET,
  A_REQ_T,
  A_TGT_T,
  A_RESP_T,
  A_ELB_STATUS,
  A_TGT_STATUS,
  A_RECV,
  A_SENT,
  A_REQUEST,
  A_UA,
  A_DOMAIN = 18,
  A_MIN = A_REQUEST + 1
};

struct alb {
  int id[ALB_NF]; /* field id of each ALB field */
};

enum hr_rc fmt_alb_new(const struct hr_format_opts *o, struct hr_format *f, struct hr_err *err) {
  (void)o;
  (void)err;
  struct alb *a = xcalloc(1, sizeof *a);
  for (int i = 0; i < ALB_NF; i++) /* 13 + 29 ids < HR_MAX_FIELDS */
    a->id[i] = alb_fields[i].name ? format_add_field(f, alb_fields[i].name, strlen(alb_fields[i].name)) : -1;
  f->impl = a;
  return HR_OK;
}

void fmt_alb_free(struct hr_format *f) {
  free(f->impl);
  f->impl = NULL;
}

static int is_http_type(struct hr_sv t) {
  return sv_eq(t, "http", 4) || sv_eq(t, "https", 5) || sv_eq(t, "h2", 2) || sv_eq(t, "grpcs", 5) ||
         sv_eq(t, "ws", 2) || sv_eq(t, "wss", 3);
}

/* Next field at *cur: quoted or bare. Then one space, if any (a quoted
 * field may be followed directly by the next: "-"1). -1 at end of line or
 * on an unterminated quote. */
static int next_field(const char **cur, const char *end, struct hr_sv *out, int *quoted) {
  const char *p = *cur;
  if (p >= end)
    return -1;
  if (*p == '"') {
    const char *q = p + 1;
    for (;;) {
      if (q >= end)
        return -1;
      if (*q == '\\') {
        if (end - q < 2)
          return -1;
        q += 2;
        continue;
      }
      if (*q == '"')
        break;
      q++;
    }
    *out = sv_make(p + 1, (size_t)(q - p - 1));
    *quoted = 1;
    q++;
    *cur = (q < end && *q == ' ') ? q + 1 : q;
    return 0;
  }
  const char *q = fmt_find_byte(p, end, ' ');
  if (q == NULL) {
    *out = sv_make(p, (size_t)(end - p));
    *cur = end;
  } else {
    *out = sv_make(p, (size_t)(q - p));
    *cur = q + 1;
  }
  *quoted = 0;
  return 0;
}

int fmt_alb_parse(struct hr_format *f, const char *line, size_t len, struct hr_event *ev) {
  const struct alb *a = f->impl;
  const char *cur = line, *end = line + len;
  struct hr_sv v[ALB_NF];
  int nf = 0, quoted;
  while (nf < ALB_NF && next_field(&cur, end, &v[nf], &quoted) == 0)
    nf++;
  if (nf == 0)
    return HR_BAD_SHAPE;
  if (!is_http_type(v[A_TYPE]))
    return HR_BAD_TYPE;
  if (cur < end && nf < ALB_NF)
    return HR_BAD_SHAPE; /* an unterminated quote */
  if (nf < A_MIN)
    return HR_BAD_SHAPE;

  int64_t us;
  if (time_parse_rfc3339(v[A_TIME].p, v[A_TIME].n, &us))
    return HR_BAD_TIME;
  int status;
  if (fmt_status(v[A_ELB_STATUS].p, v[A_ELB_STATUS].n, &status))
    return HR_BAD_STATUS;

  for (int i = 0; i < nf; i++) {
    int id = a->id[i];
    if (id < 0)
      continue;
    if (sv_eq(v[i], "-", 1)) {
      event_set_null(ev, id);
      continue;
    }
    double x;
    if (alb_fields[i].kind == K_NUM) {
      if (fmt_num(v[i].p, v[i].n, &x))
        return HR_BAD_NUMBER;
      event_set_num(ev, id, x, v[i].p, v[i].n);
    } else {
      event_set_str(ev, id, v[i].p, v[i].n);
    }
  }

  ev->ts_us = us;
  event_set_num(ev, HR_F_TIME, (double)us / 1e6, v[A_TIME].p, v[A_TIME].n);
  event_set_num(ev, HR_F_STATUS, status, v[A_ELB_STATUS].p, v[A_ELB_STATUS].n);
  int ts;
  if (fmt_status(v[A_TGT_STATUS].p, v[A_TGT_STATUS].n, &ts) == 0)
    event_set_num(ev, HR_F_UPSTREAM_STATUS, ts, v[A_TGT_STATUS].p, v[A_TGT_STATUS].n);
  else
    event_set_null(ev, HR_F_UPSTREAM_STATUS);

  /* duration: the three processing times, null when any is -1 */
  double dsum = 0;
  int dnull = 0;
  for (int i = A_REQ_T; i <= A_RESP_T; i++) {
    const struct hr_val *t = event_get(ev, a->id[i]);
    if (t == NULL || t->num < 0)
      dnull = 1;
    else
      dsum += t->num;
  }
  if (dnull)
    event_set_null(ev, HR_F_DURATION);
  else
    event_set_num(ev, HR_F_DURATION, dsum, NULL, 0);

  if (!sv_eq(v[A_CLIENT], "-", 1)) {
    struct hr_sv c = fmt_strip_port(v[A_CLIENT].p, v[A_CLIENT].n);
    event_set_str(ev, HR_F_CLIENT, c.p, c.n);
  }
  const struct hr_val *x;
  if ((x = event_get(ev, a->id[A_RECV])) != NULL)
    event_set_num(ev, HR_F_BYTES_RECEIVED, x->num, x->sv.p, x->sv.n);
  if ((x = event_get(ev, a->id[A_SENT])) != NULL)
    event_set_num(ev, HR_F_BYTES_SENT, x->num, x->sv.p, x->sv.n);
  /* user_agent is a standard name: already set (or null) by the loop */

  struct hr_sv url_host;
  fmt_request(ev, v[A_REQUEST].p, v[A_REQUEST].n, &url_host);
  if (nf > A_DOMAIN && !sv_eq(v[A_DOMAIN], "-", 1) && v[A_DOMAIN].n > 0)
    event_set_str(ev, HR_F_HOST, v[A_DOMAIN].p, v[A_DOMAIN].n);
  else if (url_host.n > 0)
    event_set_str(ev, HR_F_HOST, url_host.p, url_host.n);
  return HR_BAD_NONE;
}
