/* fmt_logfmt.c -- nginx log_format, Apache LogFormat and HAProxy
 * log-format strings.
 *
 * The format string is compiled once (fmt_logfmt_new) into an array of ops:
 * literal text that must be there, or a variable captured up to the next
 * literal. A variable between '"' literals skips backslash-escaped quotes
 * and ends only where the whole following literal matches (so a stray quote
 * inside a user agent does not split the line); a variable whose value
 * starts with '[' (Apache %t) runs to the ']', one of HAProxy's %hr or %hs
 * that starts with '{' to the '}'. An unquoted variable keeps
 * nginx list separators ", " and " : " ("0.000, 1.000"). The last variable of a format
 * runs to the end of the line; text after a format's final literal is
 * ignored (extra fields appended to combined).
 *
 * Each variable fills its standard field (docs/formats.md) and is also available
 * under its own name (nginx: the name without '$'; Apache: see apache_dirs)
 * as a number when its whole value is numeric, else as a string. "-" is
 * null. $upstream_response_time is the SUM of a list ("0.000, 1.000" -> 1):
 * the total time spent waiting for upstreams; $upstream_status is the first
 * code of its list.
 *
 * A HAProxy log-format (format: haproxy with a logFormat) names its
 * variables as HAProxy does (haproxy_vars; %{+Q}x quotes one, %[fetch]
 * keeps the sample fetch under its own name, letters and digits with '_'
 * for the rest); its fields keep the names the built-in httplog parser
 * gives them (fmt_haproxy.c). A syslog header before the line is skipped.
 *
 * An Apache string is read as Apache reads it (apache_unquote()): \" and \\
 * as its configuration file writes them, then \t \n \r \\ in literal text,
 * so a LogFormat pasted from apache2.conf with its backslashes works. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/fmt_common.h"
#include "core/format_impl.h"
#include "core/timeparse.h"
#include "core/tz.h"
#include "util/xmalloc.h"

enum conv {
  C_STR = 0,    /* own name only: number if numeric, else string */
  C_TIME_CLF,   /* 10/Oct/2000:13:55:36 -0700, optionally [bracketed] */
  C_TIME_ISO,   /* RFC 3339 */
  C_TIME_EPOCH, /* seconds[.fraction] */
  C_TIME_MS,    /* integer milliseconds since the epoch (Apache %{msec}t) */
  C_TIME_US,    /* integer microseconds (Apache %{usec}t) */
  C_TIME_HA,    /* HAProxy's dd/Mon/yyyy:HH:MM:SS.mmm, local time in the source's zone */
  C_HA_STATUS,  /* HAProxy %ST: -1 (no response) is null */
  C_HA_TIMER,   /* HAProxy %Ta in ms: -1 (never happened) and +N (option logasap) are null */
  C_STATUS,
  C_UPSTREAM_STATUS,
  C_REQUEST,
  C_METHOD,
  C_REQUEST_URI, /* path + query */
  C_URI,         /* path only */
  C_QUERY,       /* with or without a leading '?' */
  C_PROTOCOL,
  C_DUR_S,
  C_DUR_MS,
  C_DUR_US,
  C_UPSTREAM_TIME,
  C_HOST,
  C_CLIENT,
  C_BYTES_SENT,
  C_BYTES_RECV,
  C_UA,
};

struct op {
  const char *lit; /* literal op: text (into struct logfmt.text); NULL for a variable */
  size_t litn;
  enum conv conv;
  int id;     /* own-name field id, or -1 */
  int quoted; /* variable between '"' literals */
  /* Precomputed for a variable by fmt_logfmt_new, so the hot loop need not
   * look at its neighbours: */
  unsigned char pair;    /* followed directly by a variable (Apache %U%q) */
  unsigned char last;    /* the last op: its value runs to the end of the line */
  unsigned char listsep; /* unquoted and the next literal starts with ' ' */
  unsigned char bracket; /* '[' (C_TIME_CLF) or '{' (HAProxy %hr, %hs): a value starting with it runs to its
                          * closing ']' or '}' first */
  unsigned char rare;    /* a literal, pair or last: not the common var-then-literal step */
  /* From f->need, refreshed by need_refresh() when it changes: */
  unsigned char own;  /* id >= 0 and the field is needed: fill it */
  unsigned char skip; /* C_STR and not own: nothing to convert */
  const char *next;   /* !pair && !last: the next literal's text and length */
  size_t nextn;
#if defined(__SSE2__)
  __m128i next0; /* next[0] in each of 16 bytes, for fmt_find_byte_v() */
#endif
};

/* The date part of the last CLF timestamp ("10/Oct/2000" and "-0700"): the
 * day changes rarely, so a line of the same day only parses hh:mm:ss. */
struct clf_cache {
  uint64_t k0;  /* bytes 0..7 of the timestamp */
  uint64_t k1;  /* bytes 18..25: "SS -0700", the seconds masked out */
  uint32_t k2;  /* bytes 7..10 */
  int64_t base; /* seconds since the epoch of 00:00:00 of that day and zone */
  int valid;
};

struct logfmt {
  struct op *ops; /* owned */
  int nops;
  char *text; /* owned: the literal bytes */
  struct clf_cache clf;
  struct fmt_hcache hc;   /* HAProxy dates */
  const struct hr_tz *tz; /* HAProxy: its dates' zone (borrowed; never NULL) */
  int haproxy;            /* a HAProxy log-format: a syslog header before it is skipped */
  uint64_t need;          /* the f->need that own and skip were computed for */
  int need_ok;
};

static void need_refresh(struct logfmt *l, uint64_t need) {
  for (int i = 0; i < l->nops; i++) {
    struct op *o = &l->ops[i];
    o->own = o->id >= 0 && (need >> o->id & 1);
    o->skip = o->lit == NULL && o->conv == C_STR && !o->own;
  }
  l->need = need;
  l->need_ok = 1;
}

/* ------------------------------------------------------------ compiling */

static const struct {
  const char *name;
  enum conv conv;
} nginx_vars[] = {
    {"time_local", C_TIME_CLF},
    {"time_iso8601", C_TIME_ISO},
    {"msec", C_TIME_EPOCH},
    {"status", C_STATUS},
    {"upstream_status", C_UPSTREAM_STATUS},
    {"request", C_REQUEST},
    {"request_method", C_METHOD},
    {"request_uri", C_REQUEST_URI},
    {"uri", C_URI},
    {"document_uri", C_URI},
    {"args", C_QUERY},
    {"query_string", C_QUERY},
    {"server_protocol", C_PROTOCOL},
    {"request_time", C_DUR_S},
    {"upstream_response_time", C_UPSTREAM_TIME},
    {"host", C_HOST},
    {"http_host", C_HOST},
    {"server_name", C_HOST},
    {"remote_addr", C_CLIENT},
    {"body_bytes_sent", C_BYTES_SENT},
    {"bytes_sent", C_BYTES_SENT},
    {"request_length", C_BYTES_RECV},
    {"http_user_agent", C_UA},
};

/* Apache directives without {arg}: letter -> conversion and own name (NULL: none). */
static const struct {
  char c;
  enum conv conv;
  const char *name;
} apache_dirs[] = {
    {'h', C_CLIENT, "remote_host"},
    {'a', C_CLIENT, "remote_addr"},
    {'l', C_STR, "remote_logname"},
    {'u', C_STR, "remote_user"},
    {'t', C_TIME_CLF, NULL},
    {'r', C_REQUEST, "request"},
    {'s', C_STATUS, NULL},
    {'b', C_BYTES_SENT, NULL},
    {'B', C_BYTES_SENT, NULL},
    {'D', C_DUR_US, "request_time_us"},
    {'T', C_DUR_S, "request_time_s"},
    {'v', C_HOST, "server_name"},
    {'V', C_HOST, NULL},
    {'U', C_URI, NULL},
    {'q', C_QUERY, NULL},
    {'m', C_METHOD, NULL},
    {'H', C_PROTOCOL, NULL},
    {'I', C_BYTES_RECV, "bytes_in"},
    {'O', C_BYTES_SENT, "bytes_out"},
    {'S', C_STR, "bytes_transferred"},
    {'A', C_STR, "local_addr"},
    {'p', C_STR, "server_port"},
    {'P', C_STR, "pid"},
    {'X', C_STR, "connection_status"},
    {'k', C_STR, "keepalive"},
    {'L', C_STR, "log_id"},
    {'R', C_STR, "handler"},
    {'f', C_STR, "filename"},
};

/* {arg}X directives: letter -> own-name prefix. */
static const struct {
  char c;
  const char *prefix;
} apache_arg_dirs[] = {{'i', "http_"}, {'o', "sent_http_"}, {'e', "env_"}, {'n', "note_"}, {'C', "cookie_"}};

struct builder {
  struct op *ops;
  int nops, cap;
  char *text;  /* literal bytes, at most the format's length */
  size_t tlen; /* used */
  size_t lit_start;
};

static void push_op(struct builder *b, struct op o) {
  if (b->nops == b->cap) {
    b->cap = b->cap ? b->cap * 2 : 16;
    b->ops = xrealloc(b->ops, (size_t)b->cap * sizeof *b->ops);
  }
  b->ops[b->nops++] = o;
}

/* Close the literal accumulated since lit_start, if any. */
static void flush_lit(struct builder *b) {
  if (b->tlen > b->lit_start) {
    struct op o = {.lit = b->text + b->lit_start, .litn = b->tlen - b->lit_start, .conv = C_STR, .id = -1};
    push_op(b, o);
  }
  b->lit_start = b->tlen;
}

/* The standard fields conversion c can give a value to (format_fills()). */
static uint64_t conv_fills(enum conv c) {
#define B(id) ((uint64_t)1 << (id))
  switch (c) {
  case C_STR:
  case C_UPSTREAM_TIME: return 0; /* its own name only */
  case C_TIME_CLF:
  case C_TIME_ISO:
  case C_TIME_EPOCH:
  case C_TIME_MS:
  case C_TIME_US:
  case C_TIME_HA: return B(HR_F_TIME);
  case C_STATUS:
  case C_HA_STATUS: return B(HR_F_STATUS);
  case C_UPSTREAM_STATUS: return B(HR_F_UPSTREAM_STATUS);
  case C_REQUEST: return B(HR_F_METHOD) | B(HR_F_PATH) | B(HR_F_QUERY) | B(HR_F_PROTOCOL) | B(HR_F_HOST);
  case C_METHOD: return B(HR_F_METHOD);
  case C_REQUEST_URI: return B(HR_F_PATH) | B(HR_F_QUERY) | B(HR_F_HOST);
  case C_URI: return B(HR_F_PATH);
  case C_QUERY: return B(HR_F_QUERY);
  case C_PROTOCOL: return B(HR_F_PROTOCOL);
  case C_DUR_S:
  case C_DUR_MS:
  case C_DUR_US:
  case C_HA_TIMER: return B(HR_F_DURATION);
  case C_HOST: return B(HR_F_HOST);
  case C_CLIENT: return B(HR_F_CLIENT);
  case C_BYTES_SENT: return B(HR_F_BYTES_SENT);
  case C_BYTES_RECV: return B(HR_F_BYTES_RECEIVED);
  case C_UA: return B(HR_F_USER_AGENT);
  }
  return 0;
#undef B
}

static enum hr_rc push_var(struct builder *b, struct hr_format *f, enum conv conv, const char *own, size_t ownn,
                           const char *fmt, size_t pos, struct hr_err *err) {
  flush_lit(b);
  if (b->nops > 0 && b->ops[b->nops - 1].lit == NULL && !(conv == C_QUERY && b->ops[b->nops - 1].conv == C_URI))
    return HR_FAIL(err, HR_ERR_CONFIG,
                   "log format \"%s\": variable at position %zu follows another variable "
                   "with no text between them",
                   fmt, pos + 1);
  int id = -1;
  if (own != NULL) {
    id = format_add_field(f, own, ownn);
    if (id < 0)
      return HR_FAIL(err, HR_ERR_CONFIG, "log format \"%s\": too many fields (at position %zu)", fmt, pos + 1);
    if (id < HR_F_NSTD)
      id = -1; /* a standard name: the conversion fills it */
  }
  f->fills |= conv_fills(conv) | (id >= 0 ? (uint64_t)1 << id : 0);
  struct op o = {.lit = NULL, .conv = conv, .id = id};
  push_op(b, o);
  return HR_OK;
}

static int is_name_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}

static enum hr_rc compile_nginx(struct builder *b, struct hr_format *f, const char *fmt, struct hr_err *err) {
  size_t n = strlen(fmt);
  for (size_t i = 0; i < n;) {
    if (fmt[i] != '$' || i + 1 == n || (!is_name_char(fmt[i + 1]) && fmt[i + 1] != '{')) {
      b->text[b->tlen++] = fmt[i++];
      continue;
    }
    size_t pos = i, s, e;
    if (fmt[i + 1] == '{') {
      s = i + 2;
      for (e = s; e < n && is_name_char(fmt[e]); e++) {
      }
      if (e == s || e == n || fmt[e] != '}')
        return HR_FAIL(err, HR_ERR_CONFIG, "log format \"%s\": bad ${name} at position %zu", fmt, pos + 1);
      i = e + 1;
    } else {
      s = i + 1;
      for (e = s; e < n && is_name_char(fmt[e]); e++) {
      }
      i = e;
    }
    enum conv conv = C_STR;
    for (size_t k = 0; k < sizeof nginx_vars / sizeof nginx_vars[0]; k++)
      if (strlen(nginx_vars[k].name) == e - s && memcmp(nginx_vars[k].name, fmt + s, e - s) == 0)
        conv = nginx_vars[k].conv;
    enum hr_rc rc = push_var(b, f, conv, fmt + s, e - s, fmt, pos, err);
    if (rc != HR_OK)
      return rc;
  }
  return HR_OK;
}

/* Apache reads a LogFormat string twice, and a string pasted from
 * apache2.conf (LogFormat "%h \"%r\"" combined) still has the escapes of
 * the first reading: its configuration parser turns \\ and \" of a quoted
 * argument into \ and " (apache_unquote(), over the whole string); then
 * mod_log_config turns \\, \n, \r and \t of the literal text into \,
 * newline, CR and tab, and keeps any other backslash (in compile_apache()).
 * A string without backslashes is unchanged. Owned by the caller. */
static char *apache_unquote(const char *fmt) {
  size_t n = strlen(fmt), k = 0;
  char *out = xmalloc(n + 1);
  for (size_t i = 0; i < n; i++) {
    if (fmt[i] == '\\' && (fmt[i + 1] == '\\' || fmt[i + 1] == '"'))
      i++;
    out[k++] = fmt[i];
  }
  out[k] = 0;
  return out;
}

static enum hr_rc compile_apache(struct builder *b, struct hr_format *f, const char *fmt, struct hr_err *err) {
  size_t n = strlen(fmt);
  for (size_t i = 0; i < n;) {
    if (fmt[i] == '\\' && i + 1 < n) { /* mod_log_config's escapes of literal text */
      char c = fmt[i + 1] == '\\'  ? '\\'
               : fmt[i + 1] == 'n' ? '\n'
               : fmt[i + 1] == 'r' ? '\r'
               : fmt[i + 1] == 't' ? '\t'
                                   : 0;
      if (c != 0) {
        b->text[b->tlen++] = c;
        i += 2;
        continue;
      }
    }
    if (fmt[i] != '%') {
      b->text[b->tlen++] = fmt[i++];
      continue;
    }
    size_t pos = i++;
    if (i < n && fmt[i] == '%') {
      b->text[b->tlen++] = '%';
      i++;
      continue;
    }
    /* modifiers: < > and status conditions like !200,304 */
    while (i < n && (fmt[i] == '<' || fmt[i] == '>' || fmt[i] == '!' || fmt[i] == ',' || FMT_IS_DIGIT(fmt[i])))
      i++;
    const char *arg = NULL;
    size_t argn = 0;
    if (i < n && fmt[i] == '{') {
      const char *close = memchr(fmt + i, '}', n - i);
      if (close == NULL)
        return HR_FAIL(err, HR_ERR_CONFIG, "log format \"%s\": unclosed { at position %zu", fmt, i + 1);
      arg = fmt + i + 1;
      argn = (size_t)(close - arg);
      i = (size_t)(close - fmt) + 1;
    }
    if (i == n)
      return HR_FAIL(err, HR_ERR_CONFIG, "log format \"%s\": directive at position %zu has no letter", fmt, pos + 1);
    char c = fmt[i++];
    enum hr_rc rc;
    if (arg != NULL) {
      char own[128];
      if (c == 'T' || c == 't') {
        enum conv conv;
        struct hr_sv a = sv_make(arg, argn);
        if (c == 'T')
          conv = sv_eqz(a, "ms") ? C_DUR_MS : sv_eqz(a, "us") ? C_DUR_US : sv_eqz(a, "s") ? C_DUR_S : C_STR;
        else
          conv = sv_eqz(a, "sec")    ? C_TIME_EPOCH
                 : sv_eqz(a, "msec") ? C_TIME_MS
                 : sv_eqz(a, "usec") ? C_TIME_US
                                     : C_STR;
        if (conv == C_STR)
          return HR_FAIL(err, HR_ERR_CONFIG,
                         "log format \"%s\": %%{%.*s}%c at position %zu is not supported "
                         "(use %%t, %%{sec}t, %%{msec}t, %%{usec}t, %%D, %%T, %%{ms}T, %%{us}T)",
                         fmt, (int)argn, arg, c, pos + 1);
        rc = push_var(b, f, conv, NULL, 0, fmt, pos, err);
      } else if (c == 'i' && argn == 10 && strncasecmp(arg, "User-Agent", 10) == 0) {
        rc = push_var(b, f, C_UA, NULL, 0, fmt, pos, err);
      } else {
        const char *prefix = NULL;
        for (size_t k = 0; k < sizeof apache_arg_dirs / sizeof apache_arg_dirs[0]; k++)
          if (apache_arg_dirs[k].c == c)
            prefix = apache_arg_dirs[k].prefix;
        if (prefix == NULL && c != 'p' && c != 'P')
          return HR_FAIL(err, HR_ERR_CONFIG, "log format \"%s\": unknown directive %%{...}%c at position %zu", fmt, c,
                         pos + 1);
        if (prefix == NULL)
          prefix = c == 'p' ? "server_port_" : "pid_";
        size_t pl = strlen(prefix);
        if (pl + argn >= sizeof own)
          return HR_FAIL(err, HR_ERR_CONFIG, "log format \"%s\": name too long at position %zu", fmt, pos + 1);
        memcpy(own, prefix, pl);
        for (size_t k = 0; k < argn; k++) {
          char ch = arg[k];
          if (ch >= 'A' && ch <= 'Z')
            ch = (char)(ch - 'A' + 'a');
          else if (ch == '-')
            ch = '_';
          own[pl + k] = ch;
        }
        enum conv conv = C_STR;
        if (c == 'i' && argn == 4 && strncasecmp(arg, "Host", 4) == 0)
          conv = C_HOST;
        rc = push_var(b, f, conv, own, pl + argn, fmt, pos, err);
      }
    } else {
      size_t k, nd = sizeof apache_dirs / sizeof apache_dirs[0];
      for (k = 0; k < nd && apache_dirs[k].c != c; k++) {
      }
      if (k == nd)
        return HR_FAIL(err, HR_ERR_CONFIG, "log format \"%s\": unknown directive %%%c at position %zu", fmt, c,
                       pos + 1);
      const char *own = apache_dirs[k].name;
      rc = push_var(b, f, apache_dirs[k].conv, own, own ? strlen(own) : 0, fmt, pos, err);
    }
    if (rc != HR_OK)
      return rc;
  }
  return HR_OK;
}

/* HAProxy's log-format variables (its configuration manual, "Custom log
 * format"): name -> conversion and own name (the built-in httplog parser's
 * names where it has the field). */
static const struct {
  const char *name;
  enum conv conv;
  const char *own;
} haproxy_vars[] = {
    {"ci", C_CLIENT, "client_ip"},
    {"cp", C_STR, "client_port"},
    {"fi", C_STR, "frontend_ip"},
    {"fp", C_STR, "frontend_port"},
    {"bi", C_STR, "backend_source_ip"},
    {"bp", C_STR, "backend_source_port"},
    {"si", C_STR, "server_ip"},
    {"sp", C_STR, "server_port"},
    {"ft", C_STR, "frontend_name_transport"},
    {"f", C_STR, "frontend_name"},
    {"b", C_STR, "backend_name"},
    {"s", C_STR, "server_name"},
    {"t", C_TIME_HA, NULL},
    {"tr", C_TIME_HA, NULL},
    {"trg", C_TIME_CLF, NULL},
    {"trl", C_TIME_CLF, NULL},
    {"T", C_TIME_CLF, NULL},
    {"Tl", C_TIME_CLF, NULL},
    {"Ts", C_TIME_EPOCH, NULL},
    {"ms", C_STR, "accept_date_ms"},
    {"TR", C_STR, "TR"},
    {"Tw", C_STR, "Tw"},
    {"Tc", C_STR, "Tc"},
    {"Tr", C_STR, "Tr"},
    {"Ta", C_HA_TIMER, "Ta"},
    {"Tt", C_STR, "Tt"},
    {"Th", C_STR, "Th"},
    {"Ti", C_STR, "Ti"},
    {"Tq", C_STR, "Tq"},
    {"Td", C_STR, "Td"},
    {"Tu", C_STR, "Tu"},
    {"ST", C_HA_STATUS, NULL},
    {"B", C_BYTES_SENT, "bytes_read"},
    {"U", C_BYTES_RECV, "bytes_uploaded"},
    {"CC", C_STR, "captured_request_cookie"},
    {"CS", C_STR, "captured_response_cookie"},
    {"ts", C_STR, "termination_state"},
    {"tsc", C_STR, "termination_state"},
    {"ac", C_STR, "actconn"},
    {"fc", C_STR, "feconn"},
    {"bc", C_STR, "beconn"},
    {"sc", C_STR, "srv_conn"},
    {"rc", C_STR, "retries"},
    {"sq", C_STR, "srv_queue"},
    {"bq", C_STR, "backend_queue"},
    {"hr", C_STR, "captured_request_headers"},
    {"hs", C_STR, "captured_response_headers"},
    {"hrl", C_STR, "captured_request_headers"},
    {"hsl", C_STR, "captured_response_headers"},
    {"r", C_REQUEST, "http_request"},
    {"HM", C_METHOD, NULL},
    {"HU", C_REQUEST_URI, NULL},
    {"HP", C_URI, NULL},
    {"HPO", C_URI, NULL},
    {"HQ", C_QUERY, NULL},
    {"HV", C_PROTOCOL, NULL},
    {"ID", C_STR, "unique_id"},
    {"H", C_STR, "hostname"},
    {"pid", C_STR, "pid"},
    {"rt", C_STR, "request_counter"},
    {"lc", C_STR, "log_counter"},
    {"sslc", C_STR, "ssl_ciphers"},
    {"sslv", C_STR, "ssl_version"},
};

static int is_alpha(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static enum hr_rc compile_haproxy(struct builder *b, struct hr_format *f, const char *fmt, struct hr_err *err) {
  size_t n = strlen(fmt);
  for (size_t i = 0; i < n;) {
    if (fmt[i] == '\\' && i + 1 < n) { /* HAProxy's escapes: \\ \" \% \  */
      b->text[b->tlen++] = fmt[i + 1];
      i += 2;
      continue;
    }
    if (fmt[i] != '%') {
      b->text[b->tlen++] = fmt[i++];
      continue;
    }
    size_t pos = i++;
    if (i < n && fmt[i] == '%') {
      b->text[b->tlen++] = '%';
      i++;
      continue;
    }
    int quote = 0;
    if (i < n && fmt[i] == '{') { /* flags: +Q quotes the value; +X, +E, -Q change nothing we read */
      const char *close = memchr(fmt + i, '}', n - i);
      if (close == NULL)
        return HR_FAIL(err, HR_ERR_CONFIG, "log format \"%s\": unclosed { at position %zu", fmt, i + 1);
      for (const char *p = fmt + i + 1; p + 1 < close; p++)
        if (p[0] == '+' && p[1] == 'Q')
          quote = 1;
      i = (size_t)(close - fmt) + 1;
    }
    char own[128];
    size_t ownn = 0;
    enum conv conv = C_STR;
    int brace = 0;
    if (i < n && fmt[i] == '[') { /* a sample fetch: its own name, '_' for what is not a letter or digit */
      const char *close = memchr(fmt + i, ']', n - i);
      if (close == NULL)
        return HR_FAIL(err, HR_ERR_CONFIG, "log format \"%s\": unclosed %%[ at position %zu", fmt, pos + 1);
      for (const char *p = fmt + i + 1; p < close && ownn + 1 < sizeof own; p++) {
        char c = is_name_char(*p) ? *p : '_';
        if (c != '_' || (ownn > 0 && own[ownn - 1] != '_'))
          own[ownn++] = c;
      }
      while (ownn > 0 && own[ownn - 1] == '_')
        ownn--;
      if (ownn == 0)
        return HR_FAIL(err, HR_ERR_CONFIG, "log format \"%s\": empty %%[] at position %zu", fmt, pos + 1);
      i = (size_t)(close - fmt) + 1;
    } else {
      size_t s = i;
      while (i < n && is_alpha(fmt[i]))
        i++;
      size_t k, nv = sizeof haproxy_vars / sizeof haproxy_vars[0];
      for (k = 0; k < nv; k++)
        if (strlen(haproxy_vars[k].name) == i - s && memcmp(haproxy_vars[k].name, fmt + s, i - s) == 0)
          break;
      if (i == s || k == nv)
        return HR_FAIL(err, HR_ERR_CONFIG,
                       "log format \"%s\": unknown HAProxy variable %%%.*s at position %zu (docs/formats.md lists "
                       "those headroom reads; %%[fetch] for a sample fetch)",
                       fmt, (int)(i - s), fmt + s, pos + 1);
      conv = haproxy_vars[k].conv;
      if (haproxy_vars[k].own != NULL) {
        ownn = strlen(haproxy_vars[k].own);
        memcpy(own, haproxy_vars[k].own, ownn);
      }
      brace = strcmp(haproxy_vars[k].name, "hr") == 0 || strcmp(haproxy_vars[k].name, "hs") == 0;
    }
    if (quote)
      b->text[b->tlen++] = '"';
    enum hr_rc rc = push_var(b, f, conv, ownn ? own : NULL, ownn, fmt, pos, err);
    if (rc != HR_OK)
      return rc;
    if (brace)
      b->ops[b->nops - 1].bracket = '{';
    if (quote)
      b->text[b->tlen++] = '"';
  }
  return HR_OK;
}

/* The length of a syslog header before a HAProxy line ("<134>Oct 12
 * 10:00:00 lb haproxy[42]: " or RFC 5424's "<134>1 TIMESTAMP HOST APP
 * PROCID MSGID - "), or 0 when the line starts without one. */
static size_t syslog_header(const char *p, size_t n) {
  static const char months[] = "JanFebMarAprMayJunJulAugSepOctNovDec";
  size_t i = 0;
  if (n > 0 && p[0] == '<') {
    for (i = 1; i < n && i < 5 && FMT_IS_DIGIT(p[i]); i++) {
    }
    if (i == 1 || i >= n || p[i] != '>')
      return 0;
    i++;
    if (i + 1 < n && p[i] == '1' && p[i + 1] == ' ') { /* RFC 5424: five words, then structured data */
      i += 2;
      for (int w = 0; w < 5; w++) {
        const char *sp = memchr(p + i, ' ', n - i);
        if (sp == NULL)
          return 0;
        i = (size_t)(sp - p) + 1;
      }
      if (i < n && p[i] == '-')
        return i + 1 < n && p[i + 1] == ' ' ? i + 2 : 0;
      const char *e = i < n && p[i] == '[' ? memchr(p + i, ' ', n - i) : NULL;
      return e != NULL && e[-1] == ']' ? (size_t)(e - p) + 1 : 0;
    }
  }
  if (n < i + 16 || p[i + 3] != ' ')
    return 0;
  int month = 0;
  for (int m = 0; m < 12; m++)
    if (memcmp(p + i, months + 3 * m, 3) == 0)
      month = 1;
  if (!month)
    return 0;
  /* RFC 3164: "Mmm dd hh:mm:ss HOST TAG[pid]: " */
  size_t lim = n - i < 256 ? n - i : 256;
  for (size_t k = i + 15; k + 1 < i + lim; k++)
    if (p[k] == ':' && p[k + 1] == ' ')
      return k + 2;
  return 0;
}

enum hr_rc fmt_logfmt_new(const struct hr_format_opts *o, struct hr_format *f, struct hr_err *err) {
  const char *fmt = o->log_format;
  if (fmt == NULL)
    fmt = o->kind == HR_FMT_APACHE
              ? "%h %l %u %t \"%r\" %>s %b \"%{Referer}i\" \"%{User-agent}i\""
              : "$remote_addr - $remote_user [$time_local] \"$request\" $status $body_bytes_sent \"$http_referer\" "
                "\"$http_user_agent\"";
  char *unquoted = NULL;
  if (o->kind == HR_FMT_APACHE)
    fmt = unquoted = apache_unquote(fmt);
  struct builder b = {0};
  b.text = xmalloc(strlen(fmt) + 1);
  enum hr_rc rc = o->kind == HR_FMT_APACHE    ? compile_apache(&b, f, fmt, err)
                  : o->kind == HR_FMT_HAPROXY ? compile_haproxy(&b, f, fmt, err)
                                              : compile_nginx(&b, f, fmt, err);
  if (rc == HR_OK) {
    flush_lit(&b);
    int has_time = 0;
    for (int i = 0; i < b.nops; i++)
      if (b.ops[i].lit == NULL && b.ops[i].conv >= C_TIME_CLF && b.ops[i].conv <= C_TIME_HA)
        has_time = 1;
    if (!has_time)
      rc = HR_FAIL(err, HR_ERR_CONFIG, "log format \"%s\" has no time (%s)", fmt,
                   o->kind == HR_FMT_APACHE    ? "%t, %{sec}t, %{msec}t or %{usec}t"
                   : o->kind == HR_FMT_HAPROXY ? "%t, %tr, %trg, %trl, %T, %Tl or %Ts"
                                               : "$time_local, $time_iso8601 or $msec");
  }
  free(unquoted); /* the ops point into b.text */
  if (rc != HR_OK) {
    free(b.ops);
    free(b.text);
    return rc;
  }
  /* quoted variables: between a literal ending in '"' and one starting with it */
  for (int i = 1; i + 1 < b.nops; i++)
    if (b.ops[i].lit == NULL && b.ops[i - 1].litn > 0 && b.ops[i - 1].lit[b.ops[i - 1].litn - 1] == '"' &&
        b.ops[i + 1].lit != NULL && b.ops[i + 1].lit[0] == '"')
      b.ops[i].quoted = 1;
  for (int i = 0; i < b.nops; i++) {
    struct op *v = &b.ops[i];
    if (v->lit != NULL) {
      v->rare = 1;
      continue;
    }
    v->last = i + 1 == b.nops;
    v->pair = !v->last && b.ops[i + 1].lit == NULL;
    if (v->conv == C_TIME_CLF)
      v->bracket = '[';
    v->rare = v->last || v->pair;
    if (!v->last && !v->pair) {
      v->next = b.ops[i + 1].lit;
      v->nextn = b.ops[i + 1].litn;
      v->listsep = !v->quoted && v->next[0] == ' ';
#if defined(__SSE2__)
      v->next0 = _mm_set1_epi8(v->next[0]);
#endif
    }
  }
  struct logfmt *l = xcalloc(1, sizeof *l);
  l->ops = b.ops;
  l->nops = b.nops;
  l->text = b.text;
  l->haproxy = o->kind == HR_FMT_HAPROXY;
  l->tz = o->tz != NULL ? o->tz : tz_utc();
  f->impl = l;
  return HR_OK;
}

void fmt_logfmt_free(struct hr_format *f) {
  struct logfmt *l = f->impl;
  if (l == NULL)
    return;
  free(l->ops);
  free(l->text);
  free(l);
  f->impl = NULL;
}

/* -------------------------------------------------------------- parsing */

/* The short literals of log formats (" ", "\" ", " [") compare faster
 * inline than through a libc call. */
static inline int lit_eq(const char *a, const char *b, size_t n) {
  for (size_t i = 0; i < n; i++)
    if (a[i] != b[i])
      return 0;
  return 1;
}

/* lit[1 .. litn) at q + 1 (the caller checked the length). */
static inline int lit_rest_eq(const char *q, const char *lit, size_t litn) {
  switch (litn) {
  case 1: return 1;
  case 2: return q[1] == lit[1];
  case 3: return q[1] == lit[1] && q[2] == lit[2];
  }
  return lit_eq(q + 1, lit + 1, litn - 1);
}

#if defined(__SSE2__)
#define FIND_C0(p, end, c0, v) fmt_find_byte_v(p, end, c0, (v)->next0)
#else
#define FIND_C0(p, end, c0, v) fmt_find_byte(p, end, c0)
#endif

/* End of a variable's value starting at cur: where its next literal
 * (v->next) matches. */
static inline __attribute__((always_inline)) const char *find_lit(const char *cur, const char *end,
                                                                  const struct op *v) {
  const char *from = cur, *lit = v->next;
  size_t litn = v->nextn;
  char c0 = lit[0];
  if (v->bracket && cur < end && *cur == (char)v->bracket) { /* Apache %t: [..] with a space inside */
    const char *rb = memchr(cur, v->bracket == '[' ? ']' : '}', (size_t)(end - cur));
    if (rb == NULL)
      return NULL;
    from = rb + 1;
  }
  if (v->quoted) {
    for (;;) {
      const char *q = FIND_C0(from, end, c0, v);
      if (q == NULL)
        return NULL;
      if (q > cur && q[-1] == '\\') { /* an escaped quote is part of the value */
        size_t bs = 0;
        for (const char *r = q; r > cur && r[-1] == '\\'; r--)
          bs++;
        if (bs & 1) {
          from = q + 1;
          continue;
        }
      }
      if ((size_t)(end - q) >= litn && lit_rest_eq(q, lit, litn))
        return q;
      from = q + 1;
    }
  }
  for (;;) {
    const char *q = FIND_C0(from, end, c0, v);
    if (q == NULL)
      return NULL;
    if (v->listsep && q > cur) {
      /* nginx lists inside an unquoted value: "a, b" and "a : b" */
      if (q[-1] == ',') {
        from = q + 1;
        continue;
      }
      if (end - q >= 3 && q[1] == ':' && q[2] == ' ') {
        from = q + 3;
        continue;
      }
    }
    if ((size_t)(end - q) >= litn && lit_rest_eq(q, lit, litn))
      return q;
    from = q + 1;
  }
}

static inline int two_digits(const char *p) {
  unsigned a = (unsigned)(unsigned char)p[0] - '0', b = (unsigned)(unsigned char)p[1] - '0';
  return a > 9 || b > 9 ? -1 : (int)(a * 10 + b);
}

/* bytes 18..25 of a CLF timestamp, loaded little- or big-endian, without
 * bytes 18..20 ("SS "): what is left is the zone. */
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
#define CLF_ZONE_MASK UINT64_C(0x000000FFFFFFFFFF)
#else
#define CLF_ZONE_MASK UINT64_C(0xFFFFFFFFFF000000)
#endif

/* time_parse_clf() with a cache of the date and zone: a timestamp whose
 * bytes 0..10 ("10/Oct/2000") and 21..25 ("-0700") are those of the last
 * good one only needs hh:mm:ss parsed and checked (the day's validity does
 * not depend on them). The result is time_parse_clf()'s, bit for bit. */
static int clf_time(struct clf_cache *c, const char *p, size_t n, int64_t *us) {
  if (n != 26)
    return -1;
  uint64_t k0, k1;
  uint32_t k2;
  memcpy(&k0, p, 8);
  memcpy(&k2, p + 7, 4); /* bytes 7..10: the year */
  memcpy(&k1, p + 18, 8);
  k1 &= CLF_ZONE_MASK;
  if (c->valid && k0 == c->k0 && k1 == c->k1 && k2 == c->k2) {
    if (p[11] != ':' || p[14] != ':' || p[17] != ':' || p[20] != ' ')
      return -1;
    int h = two_digits(p + 12), mi = two_digits(p + 15), s = two_digits(p + 18);
    if (h < 0 || h > 23 || mi < 0 || mi > 59 || s < 0 || s > 60)
      return -1;
    *us = (c->base + h * 3600 + mi * 60 + s) * INT64_C(1000000);
    return 0;
  }
  if (time_parse_clf(p, n, us))
    return -1;
  /* success: p[12..20) are valid digits and separators */
  int h = two_digits(p + 12), mi = two_digits(p + 15), s = two_digits(p + 18);
  c->k0 = k0;
  c->k1 = k1;
  c->k2 = k2;
  c->base = *us / INT64_C(1000000) - (h * 3600 + mi * 60 + s);
  c->valid = 1;
  return 0;
}

static int set_time(struct hr_event *ev, int64_t us, const char *p, size_t n) {
  ev->ts_us = us;
  event_set_num(ev, HR_F_TIME, (double)us / 1e6, p, n);
  return 0;
}

/* Convert one captured value. Returns 0 or an enum hr_bad. */
static inline __attribute__((always_inline)) int convert(struct logfmt *l, struct hr_event *ev, const struct op *o,
                                                         const char *p, size_t n, int *got_time) {
  int dash = n == 1 && p[0] == '-';
  double x;
  int64_t us, i64;
  int st, cnt;
  struct hr_sv host;
  if (o->own) {
    if (o->bracket == '{' && n >= 2 && p[0] == '{' && p[n - 1] == '}') { /* HAProxy %hr, %hs: without braces */
      p++;
      n -= 2;
    }
    if (dash)
      event_set_null(ev, o->id);
    else if (o->conv != C_UPSTREAM_TIME && n > 0 && (FMT_IS_DIGIT(p[0]) || p[0] == '-') && fmt_num(p, n, &x) == 0)
      event_set_num(ev, o->id, x, p, n);
    else
      event_set_str(ev, o->id, p, n);
  }
  switch (o->conv) {
  case C_STR: break;
  case C_TIME_CLF:
    if (n >= 2 && p[0] == '[' && p[n - 1] == ']') {
      p++;
      n -= 2;
    }
    if (clf_time(&l->clf, p, n, &us))
      return HR_BAD_TIME;
    *got_time = set_time(ev, us, p, n) == 0;
    break;
  case C_TIME_ISO:
    if (time_parse_rfc3339(p, n, &us))
      return HR_BAD_TIME;
    *got_time = set_time(ev, us, p, n) == 0;
    break;
  case C_TIME_EPOCH:
    if (time_parse_epoch(p, n, &us))
      return HR_BAD_TIME;
    *got_time = set_time(ev, us, p, n) == 0;
    break;
  case C_TIME_HA:
    if (n >= 2 && p[0] == '[' && p[n - 1] == ']') {
      p++;
      n -= 2;
    }
    if (fmt_haproxy_date(&l->hc, l->tz, p, n, &us))
      return HR_BAD_TIME;
    *got_time = set_time(ev, us, p, n) == 0;
    break;
  case C_TIME_MS:
  case C_TIME_US:
    if (n > 17 || sv_to_i64(sv_make(p, n), &i64) || i64 < 0)
      return HR_BAD_TIME;
    *got_time = set_time(ev, o->conv == C_TIME_MS ? i64 * 1000 : i64, p, n) == 0;
    break;
  case C_STATUS:
    if (n == 3 && FMT_IS_DIGIT(p[0]) && FMT_IS_DIGIT(p[1]) && FMT_IS_DIGIT(p[2])) /* fmt_status(), inline */
      st = (p[0] - '0') * 100 + (p[1] - '0') * 10 + (p[2] - '0');
    else if (fmt_status(p, n, &st))
      return HR_BAD_STATUS;
    event_set_num(ev, HR_F_STATUS, st, p, n);
    break;
  case C_HA_STATUS:
    if (n == 2 && p[0] == '-' && p[1] == '1')
      event_set_null(ev, HR_F_STATUS);
    else if (fmt_status(p, n, &st))
      return HR_BAD_STATUS;
    else
      event_set_num(ev, HR_F_STATUS, st, p, n);
    break;
  case C_UPSTREAM_STATUS:
    if (fmt_first_status(p, n, &st) == 0)
      event_set_num(ev, HR_F_UPSTREAM_STATUS, st, p, n);
    else
      event_set_null(ev, HR_F_UPSTREAM_STATUS);
    break;
  case C_REQUEST:
    fmt_request(ev, p, n, &host);
    if (host.n > 0 && !(ev->set >> HR_F_HOST & 1))
      event_set_str(ev, HR_F_HOST, host.p, host.n);
    break;
  case C_METHOD:
    if (!dash)
      event_set_str(ev, HR_F_METHOD, p, n);
    break;
  case C_REQUEST_URI:
  case C_URI:
    if (!dash && n > 0) {
      if (o->conv == C_URI)
        event_set_str(ev, HR_F_PATH, p, n);
      else
        fmt_target(ev, p, n, &host);
    }
    break;
  case C_QUERY:
    if (n > 0 && p[0] == '?') {
      p++;
      n--;
    }
    if (!dash && n > 0)
      event_set_str(ev, HR_F_QUERY, p, n);
    break;
  case C_PROTOCOL:
    if (!dash && n > 0)
      event_set_str(ev, HR_F_PROTOCOL, p, n);
    break;
  case C_DUR_S:
  case C_DUR_MS:
  case C_DUR_US:
    if (dash) {
      event_set_null(ev, HR_F_DURATION);
      break;
    }
    if (fmt_num(p, n, &x) || x < 0)
      return HR_BAD_NUMBER;
    event_set_num(ev, HR_F_DURATION, o->conv == C_DUR_S ? x : o->conv == C_DUR_MS ? x / 1e3 : x / 1e6, p, n);
    break;
  case C_HA_TIMER:
    if (dash || (n == 2 && p[0] == '-' && p[1] == '1') || (n > 0 && p[0] == '+')) {
      event_set_null(ev, HR_F_DURATION);
      break;
    }
    if (fmt_num(p, n, &x) || x < 0)
      return HR_BAD_NUMBER;
    event_set_num(ev, HR_F_DURATION, x / 1e3, p, n);
    break;
  case C_UPSTREAM_TIME:
    if (!o->own || dash)
      break;
    if (fmt_num_list_sum(p, n, &x, &cnt) == 0 && cnt > 0)
      event_set_num(ev, o->id, x, p, n);
    else if (fmt_num_list_sum(p, n, &x, &cnt) == 0)
      event_set_null(ev, o->id); /* "-, -" */
    break;
  case C_HOST:
    if (!dash && n > 0)
      event_set_str(ev, HR_F_HOST, p, n);
    break;
  case C_CLIENT:
    if (!dash && n > 0)
      event_set_str(ev, HR_F_CLIENT, p, n);
    break;
  case C_BYTES_SENT:
  case C_BYTES_RECV: {
    int id = o->conv == C_BYTES_SENT ? HR_F_BYTES_SENT : HR_F_BYTES_RECEIVED;
    if (dash) {
      event_set_null(ev, id);
      break;
    }
    if (fmt_num(p, n, &x) || x < 0)
      return HR_BAD_NUMBER;
    event_set_num(ev, id, x, p, n);
    break;
  }
  case C_UA:
    if (dash)
      event_set_null(ev, HR_F_USER_AGENT);
    else
      event_set_str(ev, HR_F_USER_AGENT, p, n);
    break;
  }
  return 0;
}

int fmt_logfmt_parse(struct hr_format *f, const char *line, size_t len, struct hr_event *ev) {
  struct logfmt *l = f->impl;
  const char *cur = line, *end = line + len;
  const struct op *o = l->ops, *oend = l->ops + l->nops;
  int got_time = 0, bad;
  if (len == 0)
    return HR_BAD_SHAPE;
  if (l->haproxy)
    cur += syslog_header(line, len);
  if (!l->need_ok || l->need != f->need)
    need_refresh(l, f->need);
  while (o < oend) {
    if (o->rare) {
      if (o->lit != NULL) { /* only a leading literal, or one after an Apache %U%q pair */
        if ((size_t)(end - cur) < o->litn || !lit_eq(cur, o->lit, o->litn))
          return HR_BAD_SHAPE;
        cur += o->litn;
        o++;
        continue;
      }
      if (o->last) {
        bad = convert(l, ev, o, cur, (size_t)(end - cur), &got_time);
        if (bad)
          return bad;
        break;
      }
      /* Apache %U%q: split at the '?' */
      const struct op *q = o + 1;
      const char *ve = q->last ? end : find_lit(cur, end, q);
      if (ve == NULL)
        return HR_BAD_SHAPE;
      const char *qm = memchr(cur, '?', (size_t)(ve - cur));
      const char *mid = qm ? qm : ve;
      bad = convert(l, ev, o, cur, (size_t)(mid - cur), &got_time);
      if (!bad)
        bad = convert(l, ev, q, mid, (size_t)(ve - mid), &got_time);
      if (bad)
        return bad;
      if (q->last)
        break;
      cur = ve + q->nextn; /* find_lit() matched the literal */
      o += 3;
      continue;
    }
    /* the common step: a variable, then the literal that ends it */
    const char *ve = find_lit(cur, end, o);
    if (ve == NULL)
      return HR_BAD_SHAPE;
    if (!o->skip) {
      bad = convert(l, ev, o, cur, (size_t)(ve - cur), &got_time);
      if (bad)
        return bad;
    }
    cur = ve + o->nextn; /* find_lit() matched the literal */
    o += 2;
  }
  if (!got_time)
    return HR_BAD_TIME; /* not reached: compile demands a time variable */
  return HR_BAD_NONE;
}
