/* fmt_w3c.c -- W3C extended log files: IIS and CloudFront (docs/formats.md,
 * "W3C extended logs").
 *
 * A file is directives (lines starting with '#') and entries. The last
 * #Fields: directive names the columns of the entries after it, and may
 * change in the middle of a file (IIS writes its directives again when it
 * restarts; concatenated CloudFront files repeat theirs). Directive lines
 * return HR_PARSE_DIRECTIVE; an entry before any #Fields: is malformed
 * (shape). The state (the #Software:, #Date: and #Fields: lines in force)
 * is kept as those lines, so a reader that starts in the middle of a file
 * restores it by feeding them again (format_state_save()).
 *
 * An entry's values are separated by tabs when the line holds a tab
 * (CloudFront), else by spaces (IIS, the W3C draft); a value between
 * double quotes may hold spaces ("" is a quote inside it). The number of
 * values must be the number of columns. '-' is no value.
 *
 * Columns fill the standard fields by their W3C names (date + time, UTC;
 * sc-status; time-taken; cs-method; cs-uri-stem, cs-uri-query or cs-uri;
 * x-host-header, else cs-host or cs(Host); c-ip; sc-bytes; cs-bytes;
 * cs(User-Agent); cs-version or cs-protocol-version), and every column is
 * also a field of its own name: lower case, every run of characters other
 * than letters and digits one '_' (cs(User-Agent) -> cs_user_agent,
 * x-edge-result-type -> x_edge_result_type), unless that is a standard
 * name. time-taken is in milliseconds in IIS's files (#Software: Microsoft
 * Internet Information Services) and in seconds otherwise (CloudFront, the
 * W3C draft), unless durationUnit says. */
#include <stdlib.h>
#include <string.h>

#include "core/fmt_common.h"
#include "core/format_impl.h"
#include "core/timeparse.h"
#include "util/xmalloc.h"

#define W3C_MAX_COLS 256

enum wrole {
  W_OWN = 0,
  W_DATE,
  W_TIME,
  W_STATUS,
  W_DUR,
  W_METHOD,
  W_STEM,
  W_QUERY,
  W_URI,
  W_HOST,
  W_XHOST,
  W_CLIENT,
  W_BSENT,
  W_BRECV,
  W_UA,
  W_PROTO
};

static const struct {
  const char *name; /* the W3C name, lower case */
  enum wrole role;
} roles[] = {
    {"date", W_DATE},
    {"time", W_TIME},
    {"time-taken", W_DUR},
    {"sc-status", W_STATUS},
    {"cs-method", W_METHOD},
    {"cs-uri-stem", W_STEM},
    {"cs-uri-query", W_QUERY},
    {"cs-uri", W_URI},
    {"cs-host", W_HOST},
    {"cs(host)", W_HOST},
    {"x-host-header", W_XHOST},
    {"c-ip", W_CLIENT},
    {"sc-bytes", W_BSENT},
    {"cs-bytes", W_BRECV},
    {"cs(user-agent)", W_UA},
    {"cs-version", W_PROTO},
    {"cs-protocol-version", W_PROTO},
};

struct wcol {
  unsigned char role; /* enum wrole */
  unsigned char own;  /* id >= 0 and needed (refreshed with f->need) */
  int id;             /* own-name field id, or -1 */
};

struct w3c {
  struct wcol *cols; /* owned, ncols of them */
  int ncols;
  int have_fields;
  char *fields_line, *software_line, *date_line; /* owned: the directives in force */
  int iis;                                       /* #Software: names IIS */
  double scale_cfg;                              /* durationUnit; 0: from the file */
  int64_t hdr_days;                              /* the date of #Date:, or INT64_MIN */
  uint64_t need;                                 /* the f->need the cols' own flags were set for */
  char dkey[10];                                 /* the last date value read, and its day */
  int64_t ddays;
  int dvalid;
};

enum hr_rc fmt_w3c_new(const struct hr_format_opts *o, struct hr_format *f, struct hr_err *err) {
  if (o->duration_scale < 0 || o->duration_scale >= 1e12)
    return HR_FAIL(err, HR_ERR_CONFIG, "w3c: the unit of time-taken must be positive");
  struct w3c *w = xcalloc(1, sizeof *w);
  w->scale_cfg = o->duration_scale;
  w->hdr_days = INT64_MIN;
  f->impl = w;
  return HR_OK;
}

void fmt_w3c_reset(struct hr_format *f) {
  struct w3c *w = f->impl;
  free(w->cols);
  free(w->fields_line);
  free(w->software_line);
  free(w->date_line);
  double scale = w->scale_cfg;
  memset(w, 0, sizeof *w);
  w->scale_cfg = scale;
  w->hdr_days = INT64_MIN;
}

void fmt_w3c_free(struct hr_format *f) {
  if (f->impl == NULL)
    return;
  fmt_w3c_reset(f);
  free(f->impl);
  f->impl = NULL;
}

char *fmt_w3c_state(const struct hr_format *f) {
  const struct w3c *w = f->impl;
  const char *l[3] = {w->software_line, w->date_line, w->fields_line};
  size_t n = 0;
  for (int i = 0; i < 3; i++)
    n += l[i] ? strlen(l[i]) + 1 : 0;
  if (n == 0)
    return NULL;
  char *s = xmalloc(n + 1), *q = s;
  for (int i = 0; i < 3; i++)
    if (l[i] != NULL) {
      size_t k = strlen(l[i]);
      memcpy(q, l[i], k);
      q[k] = '\n';
      q += k + 1;
    }
  *q = 0;
  return s;
}

static void read_fields(struct hr_format *f, struct w3c *w, const char *p, const char *end);

static int is_alnum(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || FMT_IS_DIGIT(c);
}

/* The field name of a W3C column name (p, n) into out (at least n + 1
 * bytes): lower case, runs of other characters as one '_', none at either
 * end. Returns its length (0 for a name without a letter or digit). */
static size_t own_name(const char *p, size_t n, char *out) {
  size_t k = 0;
  int gap = 0;
  for (size_t i = 0; i < n; i++) {
    char c = p[i];
    if (!is_alnum(c)) {
      gap = k > 0;
      continue;
    }
    if (gap)
      out[k++] = '_';
    gap = 0;
    out[k++] = c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c;
  }
  out[k] = 0;
  return k;
}

/* Names a W3C column can have: the draft's prefixes (c, s, r, cs, sc, sr,
 * rs, x) and the unprefixed names IIS and CloudFront write. */
int fmt_w3c_field(struct hr_format *f, const char *name, size_t n) {
  for (int i = 0; i < f->nfields; i++)
    if (strlen(f->names[i]) == n && memcmp(f->names[i], name, n) == 0)
      return i;
  static const char *const prefixes[] = {"c_", "s_", "r_", "cs_", "sc_", "sr_", "rs_", "x_"};
  static const char *const plain[] = {
      "date",  "time_taken", "ssl_protocol", "ssl_cipher", "fle_status", "fle_encrypted_fields", "time_to_first_byte",
      "bytes", "cached",     "comment"};
  for (size_t i = 0; i < n; i++)
    if (!(name[i] == '_' || FMT_IS_DIGIT(name[i]) || (name[i] >= 'a' && name[i] <= 'z')))
      return -1;
  int ok = 0;
  for (size_t i = 0; i < sizeof prefixes / sizeof prefixes[0] && !ok; i++) {
    size_t k = strlen(prefixes[i]);
    ok = n > k && memcmp(name, prefixes[i], k) == 0 && name[n - 1] != '_';
  }
  for (size_t i = 0; i < sizeof plain / sizeof plain[0] && !ok; i++)
    ok = strlen(plain[i]) == n && memcmp(name, plain[i], n) == 0;
  if (!ok)
    return -1;
  int id = format_add_field(f, name, n);
  struct w3c *w = f->impl;
  if (id >= 0 && w->fields_line != NULL) /* a name asked for after #Fields: (a filter compiled late) */
    read_fields(f, w, w->fields_line + 8, w->fields_line + strlen(w->fields_line));
  return id;
}

/* (p, n) is s (lower case), in any case. */
static int eq_ci(const char *p, size_t n, const char *s) {
  return strlen(s) == n && fmt_has_prefix_ci(p, n, s, n);
}

static int contains_ci(const char *p, size_t n, const char *s) {
  size_t k = strlen(s);
  for (size_t i = 0; i + k <= n; i++)
    if (eq_ci(p + i, k, s))
      return 1;
  return 0;
}

static void refresh_own(struct hr_format *f, struct w3c *w) {
  for (int i = 0; i < w->ncols; i++)
    w->cols[i].own = w->cols[i].id >= 0 && (f->need >> w->cols[i].id & 1);
  w->need = f->need;
}

/* #Fields: name name ... */
static void read_fields(struct hr_format *f, struct w3c *w, const char *p, const char *end) {
  free(w->cols);
  w->cols = NULL;
  w->ncols = 0;
  int cap = 0;
  char name[256];
  for (;;) {
    while (p < end && (*p == ' ' || *p == '\t'))
      p++;
    if (p == end || w->ncols == W3C_MAX_COLS)
      break;
    const char *s = p;
    while (p < end && *p != ' ' && *p != '\t')
      p++;
    size_t n = (size_t)(p - s);
    if (w->ncols == cap) {
      cap = cap ? cap * 2 : 32;
      w->cols = xrealloc(w->cols, (size_t)cap * sizeof *w->cols);
    }
    struct wcol *c = &w->cols[w->ncols++];
    c->role = W_OWN;
    c->id = -1;
    for (size_t i = 0; i < sizeof roles / sizeof roles[0]; i++)
      if (eq_ci(s, n, roles[i].name))
        c->role = (unsigned char)roles[i].role;
    size_t k = n < sizeof name ? own_name(s, n, name) : 0;
    for (int i = HR_F_NSTD; i < f->nfields && k > 0; i++)
      if (strlen(f->names[i]) == k && memcmp(f->names[i], name, k) == 0)
        c->id = i;
  }
  w->have_fields = 1;
  refresh_own(f, w);
}

/* "YYYY-MM-DD": days since the epoch. 0, or -1. */
static int parse_date(const char *p, size_t n, int64_t *days) {
  if (n != 10 || p[4] != '-' || p[7] != '-')
    return -1;
  int y = 0, m = 0, d = 0;
  for (int i = 0; i < 4; i++) {
    if (!FMT_IS_DIGIT(p[i]))
      return -1;
    y = y * 10 + (p[i] - '0');
  }
  if (!FMT_IS_DIGIT(p[5]) || !FMT_IS_DIGIT(p[6]) || !FMT_IS_DIGIT(p[8]) || !FMT_IS_DIGIT(p[9]))
    return -1;
  m = (p[5] - '0') * 10 + (p[6] - '0');
  d = (p[8] - '0') * 10 + (p[9] - '0');
  static const unsigned char mdays[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (m < 1 || m > 12 || d < 1 || d > mdays[m - 1])
    return -1;
  if (m == 2 && d == 29 && !((y % 4 == 0 && y % 100 != 0) || y % 400 == 0))
    return -1;
  *days = days_from_civil(y, (unsigned)m, (unsigned)d);
  return 0;
}

/* "hh:mm[:ss[.fraction]]": microseconds into the day. 0, or -1. */
static int parse_tod(const char *p, size_t n, int64_t *us) {
  if (n < 5 || p[2] != ':')
    return -1;
  int v[3] = {0, 0, 0};
  for (int k = 0; k < 3; k++) {
    size_t at = (size_t)k * 3;
    if (k > 0 && at - 1 >= n)
      break;
    if (k > 0 && p[at - 1] != ':')
      return -1;
    if (at + 2 > n || !FMT_IS_DIGIT(p[at]) || !FMT_IS_DIGIT(p[at + 1]))
      return -1;
    v[k] = (p[at] - '0') * 10 + (p[at + 1] - '0');
  }
  if (v[0] > 23 || v[1] > 59 || v[2] > 60)
    return -1;
  int64_t frac = 0;
  if (n > 8) {
    if (p[8] != '.' || n == 9 || n > 15)
      return -1;
    for (size_t i = 9; i < 15; i++) {
      if (i < n && !FMT_IS_DIGIT(p[i]))
        return -1;
      frac = frac * 10 + (i < n ? p[i] - '0' : 0);
    }
  } else if (n != 5 && n != 8) {
    return -1;
  }
  *us = ((int64_t)v[0] * 3600 + v[1] * 60 + v[2]) * INT64_C(1000000) + frac;
  return 0;
}

static char *dup_line(const char *p, size_t n) {
  return xstrndup(p, n);
}

static int directive(struct hr_format *f, struct w3c *w, const char *line, size_t len) {
  const char *end = line + len;
  if (memchr(line, 0, len) != NULL)
    return HR_BAD_SHAPE; /* a NUL byte: a corrupt line, which would not survive as state */
  if (len >= 8 && memcmp(line, "#Fields:", 8) == 0) {
    read_fields(f, w, line + 8, end);
    free(w->fields_line);
    w->fields_line = dup_line(line, len);
  } else if (len >= 10 && memcmp(line, "#Software:", 10) == 0) {
    w->iis = contains_ci(line + 10, len - 10, "internet information services");
    free(w->software_line);
    w->software_line = dup_line(line, len);
  } else if (len >= 6 && memcmp(line, "#Date:", 6) == 0) {
    const char *p = line + 6;
    while (p < end && *p == ' ')
      p++;
    int64_t days;
    if (end - p >= 10 && parse_date(p, 10, &days) == 0) {
      w->hdr_days = days;
      free(w->date_line);
      w->date_line = dup_line(line, len);
    }
  }
  return HR_PARSE_DIRECTIVE;
}

/* The next value at *cur, separated by sep; a space-separated value may be
 * "quoted" ("" inside). -1 at the end of the line or on an open quote. */
static int next_value(const char **cur, const char *end, char sep, struct hr_sv *out) {
  const char *p = *cur;
  if (p > end)
    return -1;
  if (sep == ' ') {
    while (p < end && *p == ' ')
      p++;
    if (p == end)
      return -1;
    if (*p == '"') {
      const char *q = p + 1;
      for (;;) {
        q = memchr(q, '"', (size_t)(end - q));
        if (q == NULL)
          return -1;
        if (q + 1 < end && q[1] == '"') {
          q += 2;
          continue;
        }
        break;
      }
      if (q + 1 < end && q[1] != ' ')
        return -1;
      *out = sv_make(p + 1, (size_t)(q - p - 1));
      *cur = q + 1;
      return 0;
    }
  }
  const char *q = fmt_find_byte(p, end, sep);
  if (q == NULL)
    q = end;
  *out = sv_make(p, (size_t)(q - p));
  *cur = q + 1; /* past the end when the line ends here */
  return 0;
}

static int hexval(char c) {
  return FMT_IS_DIGIT(c) ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
}

/* CloudFront URL-encodes its User-Agent (a space is %20): id gets v with
 * each %XX decoded once, in the event's scratch space; as written when it
 * holds no '%' or does not fit. */
static void set_decoded(struct hr_event *ev, int id, struct hr_sv v) {
  if (memchr(v.p, '%', v.n) == NULL || v.n > HR_EVENT_SCRATCH - ev->scratch_len) {
    event_set_str(ev, id, v.p, v.n);
    return;
  }
  char *out = ev->scratch + ev->scratch_len;
  size_t k = 0;
  for (size_t i = 0; i < v.n; i++) {
    int hi, lo;
    if (v.p[i] == '%' && i + 2 < v.n && (hi = hexval(v.p[i + 1])) >= 0 && (lo = hexval(v.p[i + 2])) >= 0) {
      out[k++] = (char)(hi * 16 + lo);
      i += 2;
    } else {
      out[k++] = v.p[i];
    }
  }
  ev->scratch_len += k;
  event_set_str(ev, id, out, k);
}

int fmt_w3c_parse(struct hr_format *f, const char *line, size_t len, struct hr_event *ev) {
  struct w3c *w = f->impl;
  if (len > 0 && line[0] == '#')
    return directive(f, w, line, len);
  if (!w->have_fields)
    return HR_BAD_SHAPE;
  if (w->need != f->need)
    refresh_own(f, w);
  const char *end = line + len, *cur = line;
  char sep = memchr(line, '\t', len) != NULL ? '\t' : ' ';
  int64_t days = w->hdr_days, tod = -1;
  int got_date = 0;
  struct hr_sv host = {0, 0}, xhost = {0, 0}, url_host;
  double x;
  int st;
  for (int i = 0; i < w->ncols; i++) {
    struct hr_sv v;
    if (next_value(&cur, end, sep, &v))
      return HR_BAD_SHAPE;
    const struct wcol *c = &w->cols[i];
    int dash = v.n == 1 && v.p[0] == '-';
    if (c->own) {
      if (dash)
        event_set_null(ev, c->id);
      else if (v.n > 0 && (FMT_IS_DIGIT(v.p[0]) || v.p[0] == '-') && fmt_num(v.p, v.n, &x) == 0)
        event_set_num(ev, c->id, x, v.p, v.n);
      else
        event_set_str(ev, c->id, v.p, v.n);
    }
    switch ((enum wrole)c->role) {
    case W_OWN: break;
    case W_DATE:
      if (!(w->dvalid && v.n == 10 && memcmp(v.p, w->dkey, 10) == 0)) {
        if (parse_date(v.p, v.n, &w->ddays))
          return HR_BAD_TIME;
        memcpy(w->dkey, v.p, 10);
        w->dvalid = 1;
      }
      days = w->ddays;
      got_date = 1;
      break;
    case W_TIME:
      if (parse_tod(v.p, v.n, &tod))
        return HR_BAD_TIME;
      break;
    case W_STATUS:
      if (dash)
        event_set_null(ev, HR_F_STATUS);
      else if (fmt_status(v.p, v.n, &st))
        return HR_BAD_STATUS;
      else
        event_set_num(ev, HR_F_STATUS, st, v.p, v.n);
      break;
    case W_DUR:
      if (dash) {
        event_set_null(ev, HR_F_DURATION);
        break;
      }
      if (fmt_num(v.p, v.n, &x) || x < 0)
        return HR_BAD_NUMBER;
      /* x / 1000, not x * 1e-3: 471 ms reads as 0.471 exactly as written */
      event_set_num(ev, HR_F_DURATION, w->scale_cfg > 0 ? x * w->scale_cfg : w->iis ? x / 1000 : x, v.p, v.n);
      break;
    case W_BSENT:
    case W_BRECV: {
      int id = c->role == W_BSENT ? HR_F_BYTES_SENT : HR_F_BYTES_RECEIVED;
      if (dash) {
        event_set_null(ev, id);
        break;
      }
      if (fmt_num(v.p, v.n, &x) || x < 0)
        return HR_BAD_NUMBER;
      event_set_num(ev, id, x, v.p, v.n);
      break;
    }
    case W_UA:
      if (dash)
        event_set_null(ev, HR_F_USER_AGENT);
      else if (sep == '\t')
        set_decoded(ev, HR_F_USER_AGENT, v);
      else
        event_set_str(ev, HR_F_USER_AGENT, v.p, v.n);
      break;
    default:
      if (dash || v.n == 0)
        break;
      switch ((enum wrole)c->role) {
      case W_METHOD: event_set_str(ev, HR_F_METHOD, v.p, v.n); break;
      case W_STEM: event_set_str(ev, HR_F_PATH, v.p, v.n); break;
      case W_QUERY: event_set_str(ev, HR_F_QUERY, v.p, v.n); break;
      case W_URI:
        fmt_target(ev, v.p, v.n, &url_host);
        if (url_host.n > 0 && host.n == 0)
          host = url_host;
        break;
      case W_HOST: host = v; break;
      case W_XHOST: xhost = v; break;
      case W_CLIENT: event_set_str(ev, HR_F_CLIENT, v.p, v.n); break;
      case W_PROTO: event_set_str(ev, HR_F_PROTOCOL, v.p, v.n); break;
      default: break;
      }
    }
  }
  if (cur < end)
    return HR_BAD_SHAPE; /* more values than columns */
  if (tod < 0 || days == INT64_MIN || (!got_date && w->hdr_days == INT64_MIN))
    return HR_BAD_TIME;
  int64_t us = days * INT64_C(86400000000) + tod;
  ev->ts_us = us;
  event_set_num(ev, HR_F_TIME, (double)us / 1e6, NULL, 0);
  if (xhost.n > 0)
    event_set_str(ev, HR_F_HOST, xhost.p, xhost.n);
  else if (host.n > 0)
    event_set_str(ev, HR_F_HOST, host.p, host.n);
  return HR_BAD_NONE;
}
