/* fmt_haproxy.c -- HAProxy's HTTP log format (`option httplog`), with or
 * without the syslog prefix (docs/formats.md, "HAProxy").
 *
 *   [syslog prefix] client_ip:client_port [accept_date] frontend
 *   backend/server TR/Tw/Tc/Tr/Ta status bytes_read req_cookie res_cookie
 *   termination_state actconn/feconn/beconn/srv_conn/retries
 *   srv_queue/backend_queue [{req_headers}] [{res_headers}] "request" [...]
 *
 * The HAProxy part is found by its accept date: the first '[' followed by
 * "dd/Mon/yyyy:"; the word before it is the client, anything before that
 * (an RFC 3164 or RFC 5424 syslog header, "haproxy[pid]:") is skipped. The
 * date carries no zone: it is local time in the source's time zone (UTC
 * unless timeZone says otherwise), converted with core/tz.h. Fields are
 * separated by one or more spaces; captured headers are {...} (they may
 * hold spaces); the request runs to the next '"' (HAProxy writes a '"'
 * inside it as #22), or to the end of a line HAProxy truncated. Text after
 * the request (option httpslog's TLS fields) is ignored.
 *
 * Timers are kept in milliseconds as written under their own names (TR,
 * Tw, Tc, Tr, Ta; Tq and Tt name the first and the last too, as HAProxy
 * before 1.7 called them), -1 for a phase that never happened. duration is
 * Ta in seconds, null when Ta is -1 or '+'-prefixed (option logasap: the
 * time until the log, not until the end). A status of -1 (no response) is
 * null. A line with three timers is a tcplog line: HR_BAD_TYPE. */
#include <stdlib.h>
#include <string.h>

#include "core/fmt_common.h"
#include "core/format_impl.h"
#include "core/timeparse.h"
#include "core/tz.h"
#include "util/xmalloc.h"

enum hk { K_NUM, K_STR };

/* Own names, in the order the parser fills them. */
enum {
  H_CLIENT_IP = 0,
  H_CLIENT_PORT,
  H_FRONTEND,
  H_BACKEND,
  H_SERVER,
  H_TR,
  H_TW,
  H_TC,
  H_TRESP,
  H_TA,
  H_BYTES_READ,
  H_REQ_COOKIE,
  H_RES_COOKIE,
  H_TERM,
  H_ACTCONN,
  H_FECONN,
  H_BECONN,
  H_SRVCONN,
  H_RETRIES,
  H_SRVQ,
  H_BACKQ,
  H_REQ_HDRS,
  H_RES_HDRS,
  H_REQUEST,
  H_N
};

static const struct {
  const char *name;
  enum hk kind;
} hfields[H_N] = {
    {"client_ip", K_STR},
    {"client_port", K_NUM},
    {"frontend_name", K_STR},
    {"backend_name", K_STR},
    {"server_name", K_STR},
    {"TR", K_NUM},
    {"Tw", K_NUM},
    {"Tc", K_NUM},
    {"Tr", K_NUM},
    {"Ta", K_NUM},
    {"bytes_read", K_NUM},
    {"captured_request_cookie", K_STR},
    {"captured_response_cookie", K_STR},
    {"termination_state", K_STR},
    {"actconn", K_NUM},
    {"feconn", K_NUM},
    {"beconn", K_NUM},
    {"srv_conn", K_NUM},
    {"retries", K_NUM},
    {"srv_queue", K_NUM},
    {"backend_queue", K_NUM},
    {"captured_request_headers", K_STR},
    {"captured_response_headers", K_STR},
    {"http_request", K_STR},
};

#define H_MAX_CAPTURES 16

struct haproxy {
  int id[H_N];
  int cap_id[H_MAX_CAPTURES]; /* the field of each captured request header, -1: none */
  int ncap;
  const struct hr_tz *tz; /* borrowed (the configuration's); never NULL */
  struct fmt_hcache c;
};

/* The field of a captured request header: Host fills host, User-Agent
 * user_agent, any other Name http_name (lower case, '-' as '_', as Apache's
 * %{Name}i). -1 when the name is empty or too long, or no id is left. */
static int capture_field(struct hr_format *f, const char *p, size_t n) {
  char name[64];
  if (n == 0 || n + 5 >= sizeof name)
    return -1;
  memcpy(name, "http_", 5);
  for (size_t i = 0; i < n; i++) {
    char c = p[i];
    name[5 + i] = c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c == '-' ? '_' : c;
  }
  if (n == 4 && memcmp(name + 5, "host", 4) == 0)
    return HR_F_HOST;
  if (n == 10 && memcmp(name + 5, "user_agent", 10) == 0)
    return HR_F_USER_AGENT;
  return format_add_field(f, name, n + 5);
}

enum hr_rc fmt_haproxy_new(const struct hr_format_opts *o, struct hr_format *f, struct hr_err *err) {
  struct haproxy *h = xcalloc(1, sizeof *h);
  for (int i = 0; i < H_N; i++) /* 13 + 24 ids < HR_MAX_FIELDS */
    h->id[i] = format_add_field(f, hfields[i].name, strlen(hfields[i].name));
  /* format_fills(): every field the line has, and its own names; host
   * from a URL in the request or the Host capture, user_agent only when
   * captured; never upstream_status or bytes_received (httplog has neither) */
  f->fills = ~(uint64_t)0 & ~((uint64_t)1 << HR_F_UPSTREAM_STATUS) & ~((uint64_t)1 << HR_F_BYTES_RECEIVED) &
             ~((uint64_t)1 << HR_F_USER_AGENT);
  for (const char *p = o->captures; p != NULL && *p;) {
    const char *bar = strchr(p, '|');
    size_t n = bar ? (size_t)(bar - p) : strlen(p);
    if (h->ncap == H_MAX_CAPTURES) {
      free(h);
      return HR_FAIL(err, HR_ERR_CONFIG, "haproxy: at most %d captured request headers are named", H_MAX_CAPTURES);
    }
    h->cap_id[h->ncap] = capture_field(f, p, n);
    if (h->cap_id[h->ncap] == HR_F_USER_AGENT)
      f->fills |= (uint64_t)1 << HR_F_USER_AGENT;
    if (h->cap_id[h->ncap] < 0) {
      free(h);
      return HR_FAIL(err, HR_ERR_CONFIG,
                     "haproxy: captured header '%.*s': an empty or too long name, or too many fields",
                     (int)(n < 64 ? n : 64), p);
    }
    h->ncap++;
    p += n + (bar != NULL);
  }
  h->tz = o->tz != NULL ? o->tz : tz_utc();
  f->impl = h;
  return HR_OK;
}

void fmt_haproxy_free(struct hr_format *f) {
  free(f->impl);
  f->impl = NULL;
}

int fmt_haproxy_field(const struct hr_format *f, const char *name, size_t n) {
  const struct haproxy *h = f->impl;
  if (n == 2 && name[0] == 'T' && name[1] == 'q')
    return h->id[H_TR];
  if (n == 2 && name[0] == 'T' && name[1] == 't')
    return h->id[H_TA];
  return -1;
}

static int month_of(const char *p) {
  static const char months[] = "JanFebMarAprMayJunJulAugSepOctNovDec";
  for (int i = 0; i < 12; i++)
    if (p[0] == months[3 * i] && p[1] == months[3 * i + 1] && p[2] == months[3 * i + 2])
      return i + 1;
  return 0;
}

static int digits(const char *p, int n) {
  int x = 0;
  for (int i = 0; i < n; i++) {
    if (!FMT_IS_DIGIT(p[i]))
      return -1;
    x = x * 10 + (p[i] - '0');
  }
  return x;
}

int fmt_haproxy_date(struct fmt_hcache *c, const struct hr_tz *tz, const char *p, size_t n, int64_t *us) {
  if (n < 20 || p[2] != '/' || p[6] != '/' || p[11] != ':' || p[14] != ':' || p[17] != ':')
    return -1;
  int sec = digits(p + 18, 2);
  if (sec < 0 || sec > 60)
    return -1;
  int64_t frac = 0;
  if (n > 20) {
    size_t k = n - 21;
    if (p[20] != '.' || k == 0 || k > 6)
      return -1;
    int f = digits(p + 21, (int)k);
    if (f < 0)
      return -1;
    frac = f;
    for (size_t i = k; i < 6; i++)
      frac *= 10;
  }
  if (!c->valid || memcmp(c->key, p, 17) != 0) {
    int d = digits(p, 2), mo = month_of(p + 3), y = digits(p + 7, 4), hh = digits(p + 12, 2), mi = digits(p + 15, 2);
    if (d < 1 || mo == 0 || y < 0 || hh < 0 || hh > 23 || mi < 0 || mi > 59)
      return -1;
    static const unsigned char mdays[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    if (d > mdays[mo - 1] || (mo == 2 && d == 29 && !leap))
      return -1;
    c->base_s = tz_local_to_utc(tz, y, (unsigned)mo, (unsigned)d, hh, mi, 0);
    memcpy(c->key, p, 17);
    c->valid = 1;
  }
  *us = (c->base_s + sec) * INT64_C(1000000) + frac;
  return 0;
}

/* Next word at *cur: skips spaces first; a word ends at a space or the end.
 * -1 when none is left. */
static int word(const char **cur, const char *end, struct hr_sv *out) {
  const char *p = *cur;
  while (p < end && *p == ' ')
    p++;
  if (p == end)
    return -1;
  const char *q = fmt_find_byte(p, end, ' ');
  if (q == NULL)
    q = end;
  *out = sv_make(p, (size_t)(q - p));
  *cur = q;
  return 0;
}

/* A timer or a count as HAProxy writes it: [+]-1 or [+]digits. 0 and *x,
 * *plus; or -1. */
static int hnum(const char *p, size_t n, double *x, int *plus) {
  *plus = n > 0 && p[0] == '+';
  if (*plus) {
    p++;
    n--;
  }
  if (n == 2 && p[0] == '-' && p[1] == '1') {
    *x = -1;
    return 0;
  }
  if (n == 0 || n > 15 || !FMT_IS_DIGIT(p[0]))
    return -1;
  return fmt_num(p, n, x);
}

/* Split v at '/' into exactly k parts (of at most 8), each a number.
 * Returns the number of parts found (k when all are numbers), or -1 when a
 * part is not a number. */
static int slash_nums(struct hr_sv v, double *x, int *plus, int k) {
  const char *p = v.p, *end = v.p + v.n;
  int i = 0;
  for (;;) {
    const char *s = memchr(p, '/', (size_t)(end - p));
    const char *e = s ? s : end;
    if (i == k)
      return i + 1; /* more parts than wanted */
    if (hnum(p, (size_t)(e - p), &x[i], &plus[i]))
      return -1;
    i++;
    if (s == NULL)
      return i;
    p = s + 1;
  }
}

static void set_own(struct hr_format *f, struct hr_event *ev, int id, struct hr_sv v) {
  if (!(f->need >> id & 1))
    return;
  if (v.n == 1 && v.p[0] == '-')
    event_set_null(ev, id);
  else
    event_set_str(ev, id, v.p, v.n);
}

static void set_num(struct hr_event *ev, int id, double x, struct hr_sv raw) {
  event_set_num(ev, id, x, raw.p, raw.n);
}

int fmt_haproxy_parse(struct hr_format *f, const char *line, size_t len, struct hr_event *ev) {
  struct haproxy *h = f->impl;
  const char *end = line + len;
  /* the accept date: '[' then dd/Mon/yyyy: */
  const char *lb = line, *date = NULL;
  while ((lb = fmt_find_byte(lb, end, '[')) != NULL) {
    if (lb > line && lb[-1] == ' ' && end - lb >= 13 && FMT_IS_DIGIT(lb[1]) && FMT_IS_DIGIT(lb[2]) && lb[3] == '/' &&
        lb[7] == '/' && lb[12] == ':') {
      date = lb;
      break;
    }
    lb++;
  }
  if (date == NULL)
    return HR_BAD_SHAPE;
  const char *rb = memchr(date, ']', (size_t)(end - date));
  if (rb == NULL)
    return HR_BAD_SHAPE;
  /* the client: the word before the date */
  const char *ce = date - 1, *cs = ce;
  while (cs > line && cs[-1] != ' ')
    cs--;
  struct hr_sv client = sv_make(cs, (size_t)(ce - cs));
  if (client.n == 0)
    return HR_BAD_SHAPE;

  const char *cur = rb + 1;
  struct hr_sv fe, bs, tm, st, by, ck1, ck2, term, conns, queues;
  if (cur == end || *cur != ' ' || word(&cur, end, &fe) || word(&cur, end, &bs) || word(&cur, end, &tm))
    return HR_BAD_SHAPE;
  double t[5], c[5], q[2], x;
  int tplus[5], cplus[5], qplus[2], plus;
  int nt = slash_nums(tm, t, tplus, 5);
  if (nt == 3)
    return HR_BAD_TYPE; /* tcplog: Tw/Tc/Tt */
  if (nt != 5)
    return HR_BAD_SHAPE;
  if (word(&cur, end, &st) || word(&cur, end, &by) || word(&cur, end, &ck1) || word(&cur, end, &ck2) ||
      word(&cur, end, &term) || word(&cur, end, &conns) || word(&cur, end, &queues))
    return HR_BAD_SHAPE;
  if (slash_nums(conns, c, cplus, 5) != 5 || slash_nums(queues, q, qplus, 2) != 2)
    return HR_BAD_SHAPE;
  /* captured headers, then the request */
  struct hr_sv hdr[2] = {{0, 0}, {0, 0}}, req;
  int nh = 0;
  for (;;) {
    while (cur < end && *cur == ' ')
      cur++;
    if (cur == end)
      return HR_BAD_SHAPE; /* no request */
    if (*cur == '"')
      break;
    if (*cur != '{' || nh == 2)
      return HR_BAD_SHAPE;
    const char *e = cur + 1;
    for (;;) {
      e = memchr(e, '}', (size_t)(end - e));
      if (e == NULL)
        return HR_BAD_SHAPE;
      if (e + 1 == end || e[1] == ' ')
        break;
      e++;
    }
    hdr[nh++] = sv_make(cur + 1, (size_t)(e - cur - 1));
    cur = e + 1;
  }
  const char *rq = cur + 1, *rqe = memchr(rq, '"', (size_t)(end - rq));
  req = sv_make(rq, (size_t)((rqe ? rqe : end) - rq));

  /* everything that can make the line malformed is checked above but these */
  int64_t us;
  if (fmt_haproxy_date(&h->c, h->tz, date + 1, (size_t)(rb - date - 1), &us))
    return HR_BAD_TIME;
  int status = -1;
  if (!(st.n == 2 && st.p[0] == '-' && st.p[1] == '1') && fmt_status(st.p, st.n, &status))
    return HR_BAD_STATUS;
  if (hnum(by.p, by.n, &x, &plus) || x < 0)
    return HR_BAD_NUMBER;

  ev->ts_us = us;
  event_set_num(ev, HR_F_TIME, (double)us / 1e6, date + 1, (size_t)(rb - date - 1));
  if (status >= 0)
    event_set_num(ev, HR_F_STATUS, status, st.p, st.n);
  else
    event_set_null(ev, HR_F_STATUS);
  event_set_num(ev, HR_F_BYTES_SENT, x, by.p, by.n);
  set_num(ev, h->id[H_BYTES_READ], x, by);
  if (t[4] < 0 || tplus[4])
    event_set_null(ev, HR_F_DURATION);
  else
    event_set_num(ev, HR_F_DURATION, t[4] / 1e3, NULL, 0);

  /* client ip:port; "-" or a unix socket ("unix:1") has no address */
  struct hr_sv ip = client, port = {0, 0};
  const char *colon = NULL;
  for (const char *p = client.p + client.n; p > client.p; p--)
    if (p[-1] == ':') {
      colon = p - 1;
      break;
    }
  if (colon != NULL && colon + 1 < client.p + client.n && FMT_IS_DIGIT(colon[1])) {
    ip = sv_make(client.p, (size_t)(colon - client.p));
    port = sv_make(colon + 1, client.p + client.n - colon - 1);
  }
  if (ip.n >= 2 && ip.p[0] == '[' && ip.p[ip.n - 1] == ']')
    ip = sv_make(ip.p + 1, ip.n - 2);
  if (ip.n > 0 && !(ip.n == 1 && ip.p[0] == '-') && !sv_eq(ip, "unix", 4))
    event_set_str(ev, HR_F_CLIENT, ip.p, ip.n);
  set_own(f, ev, h->id[H_CLIENT_IP], ip);
  if (port.n > 0 && fmt_num(port.p, port.n, &x) == 0)
    set_num(ev, h->id[H_CLIENT_PORT], x, port);
  else
    event_set_null(ev, h->id[H_CLIENT_PORT]);

  set_own(f, ev, h->id[H_FRONTEND], fe);
  const char *slash = memchr(bs.p, '/', bs.n);
  if (slash != NULL) {
    set_own(f, ev, h->id[H_BACKEND], sv_make(bs.p, (size_t)(slash - bs.p)));
    set_own(f, ev, h->id[H_SERVER], sv_make(slash + 1, bs.n - (size_t)(slash - bs.p) - 1));
  } else {
    set_own(f, ev, h->id[H_BACKEND], bs);
  }
  for (int i = 0; i < 5; i++)
    set_num(ev, h->id[H_TR + i], t[i], (struct hr_sv){0, 0});
  set_own(f, ev, h->id[H_REQ_COOKIE], ck1);
  set_own(f, ev, h->id[H_RES_COOKIE], ck2);
  set_own(f, ev, h->id[H_TERM], term);
  for (int i = 0; i < 5; i++)
    set_num(ev, h->id[H_ACTCONN + i], c[i], (struct hr_sv){0, 0});
  set_num(ev, h->id[H_SRVQ], q[0], (struct hr_sv){0, 0});
  set_num(ev, h->id[H_BACKQ], q[1], (struct hr_sv){0, 0});
  if (nh > 0)
    set_own(f, ev, h->id[H_REQ_HDRS], hdr[0]);
  if (nh > 1)
    set_own(f, ev, h->id[H_RES_HDRS], hdr[1]);
  set_own(f, ev, h->id[H_REQUEST], req);

  struct hr_sv url_host;
  fmt_request(ev, req.p, req.n, &url_host);
  if (url_host.n > 0)
    event_set_str(ev, HR_F_HOST, url_host.p, url_host.n);
  /* the captured request headers, '|' between them; an empty one (a header
   * the request did not have) leaves its field absent */
  const char *cp = hdr[0].p, *cend = nh > 0 ? hdr[0].p + hdr[0].n : NULL;
  for (int i = 0; i < h->ncap && nh > 0; i++) {
    const char *bar = memchr(cp, '|', (size_t)(cend - cp));
    const char *e = bar ? bar : cend;
    if (e > cp)
      event_set_str(ev, h->cap_id[i], cp, (size_t)(e - cp));
    if (bar == NULL)
      break;
    cp = bar + 1;
  }
  return HR_BAD_NONE;
}
