/* server.c -- see server.h. libmicrohttpd 0.9.75: a pool of internal
 * threads, every limit set explicitly; anything not in the route table is a
 * JSON 404/405. */
#include "http/server.h"

#include <arpa/inet.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>

#include "core/jw.h"
#include "util/xmalloc.h"

#define POOL_THREADS 4

struct hr_server {
  struct MHD_Daemon *d;
  struct hr_server_opts o;
  char *token;
  int port;
  char host[64]; /* as a URL writes it: 127.0.0.1, [::1] */
  atomic_uint limit_logs;
};

struct rqstate {
  const struct hr_route *route;
  char *body;
  size_t len, cap;
  int too_big;
};

/* The dashboard is self-contained: its HTML, script, style sheet and the
 * chart library come from this server, the charts draw on canvases, and it
 * only fetches /api/v1 of its own origin. Nothing may frame it. */
static const char csp[] = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
                          "connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'none'; "
                          "frame-ancestors 'none'";

/* ---- answers ---- */

/* On every answer: no MIME sniffing, the dashboard's content policy, no
 * framing (clickjacking), no Referer to other sites, no use of our answers
 * by pages of other origins (<script src>, <img src>). */
static void secure(struct MHD_Response *r) {
  MHD_add_response_header(r, "X-Content-Type-Options", "nosniff");
  MHD_add_response_header(r, "Content-Security-Policy", csp);
  MHD_add_response_header(r, "X-Frame-Options", "DENY");
  MHD_add_response_header(r, "Referrer-Policy", "no-referrer");
  MHD_add_response_header(r, "Cross-Origin-Resource-Policy", "same-origin");
}

int server_queue(struct MHD_Connection *c, unsigned status, struct MHD_Response *r) {
  secure(r);
  return MHD_queue_response(c, status, r);
}

/* body taken over; extra: NULL or {name, value, ..., NULL} more headers. */
static int reply(struct MHD_Connection *c, unsigned status, const char *ctype, char *body, size_t len,
                 const char *const *extra) {
  struct MHD_Response *r = MHD_create_response_from_buffer(len, body, MHD_RESPMEM_MUST_FREE);
  if (r == NULL) {
    free(body);
    return MHD_NO;
  }
  MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, ctype);
  MHD_add_response_header(r, MHD_HTTP_HEADER_CACHE_CONTROL, "no-store");
  for (size_t i = 0; extra != NULL && extra[i] != NULL && extra[i + 1] != NULL; i += 2)
    MHD_add_response_header(r, extra[i], extra[i + 1]);
  enum MHD_Result ok = (enum MHD_Result)server_queue(c, status, r);
  MHD_destroy_response(r);
  return ok;
}

int server_reply_take(struct MHD_Connection *c, unsigned status, const char *ctype, char *body, size_t len) {
  return reply(c, status, ctype, body, len, NULL);
}

int server_reply(struct MHD_Connection *c, unsigned status, const char *ctype, const char *body, size_t len) {
  char *copy = xmalloc(len + 1);
  memcpy(copy, body, len);
  return server_reply_take(c, status, ctype, copy, len);
}

static int verror(struct MHD_Connection *c, unsigned status, const char *const *extra, const char *fmt,
                  va_list ap) {
  char msg[512];
  vsnprintf(msg, sizeof msg, fmt, ap);
  char *buf = NULL;
  size_t len = 0;
  FILE *f = open_memstream(&buf, &len);
  if (f == NULL)
    return MHD_NO;
  fputs("{\"error\": ", f);
  jw_escape(f, msg, strlen(msg));
  fputs("}\n", f);
  fclose(f);
  return reply(c, status, "application/json", buf, len, extra);
}

int server_error(struct MHD_Connection *c, unsigned status, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  int r = verror(c, status, NULL, fmt, ap);
  va_end(ap);
  return r;
}

/* An error from handle(): with extra headers, as MHD's result. */
static enum MHD_Result refuse(struct MHD_Connection *c, unsigned status, const char *const *extra, const char *fmt,
                              ...) __attribute__((format(printf, 4, 5)));
static enum MHD_Result refuse(struct MHD_Connection *c, unsigned status, const char *const *extra, const char *fmt,
                              ...) {
  va_list ap;
  va_start(ap, fmt);
  int r = verror(c, status, extra, fmt, ap);
  va_end(ap);
  return r == MHD_YES ? MHD_YES : MHD_NO;
}

const char *server_arg(struct hr_req *rq, const char *name) {
  return MHD_lookup_connection_value(rq->conn, MHD_GET_ARGUMENT_KIND, name);
}

const char *server_header(struct hr_req *rq, const char *name) {
  return MHD_lookup_connection_value(rq->conn, MHD_HEADER_KIND, name);
}

/* ---- routing ---- */

static int path_matches(const struct hr_route *r, const char *path, const char **rest) {
  size_t n = strlen(r->path);
  if (n > 0 && r->path[n - 1] == '/') {
    if (strncmp(path, r->path, n) != 0 || path[n] == '\0')
      return 0;
    *rest = path + n;
    return 1;
  }
  *rest = "";
  return strcmp(path, r->path) == 0;
}

/* 1: the token (scheme "Bearer", any case) is the configured one. *given: an
 * Authorization header was sent. */
static int token_ok(const struct hr_server *s, struct MHD_Connection *c, int *given) {
  const char *h = MHD_lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_AUTHORIZATION);
  *given = h != NULL;
  if (s->token == NULL)
    return 1;
  if (h == NULL || strncasecmp(h, "Bearer", 6) != 0 || (h[6] != ' ' && h[6] != '\t'))
    return 0;
  h += 6;
  while (*h == ' ' || *h == '\t')
    h++;
  size_t n = strlen(h), m = strlen(s->token);
  while (n > 0 && (h[n - 1] == ' ' || h[n - 1] == '\t'))
    n--;
  unsigned diff = (unsigned)(n ^ m);
  for (size_t i = 0; i < m; i++) /* constant time over the token */
    diff |= (unsigned)(unsigned char)s->token[i] ^ (unsigned)(unsigned char)(i < n ? h[i] : 0);
  return diff == 0;
}

static enum MHD_Result dispatch(struct hr_server *s, struct MHD_Connection *c, const struct hr_route *route,
                                const char *path, const char *method, const char *body, size_t len) {
  struct hr_req rq = {c, method, path, "", body ? body : "", body ? len : 0, s->o.app};
  if (route != NULL)
    path_matches(route, path, &rq.rest);
  int r = route != NULL ? route->fn(&rq) : s->o.fallback(&rq);
  return r == MHD_YES ? MHD_YES : MHD_NO;
}

/* 401 unless the request carries the token (when one is configured). -1 to
 * go on. */
static int check_token(struct hr_server *s, struct MHD_Connection *c) {
  static const char *const missing[] = {MHD_HTTP_HEADER_WWW_AUTHENTICATE, "Bearer realm=\"headroom\"", NULL};
  static const char *const invalid[] = {MHD_HTTP_HEADER_WWW_AUTHENTICATE,
                                        "Bearer realm=\"headroom\", error=\"invalid_token\"", NULL};
  int given = 0;
  if (token_ok(s, c, &given))
    return -1;
  return refuse(c, 401, given ? invalid : missing,
                given ? "the bearer token is wrong (Authorization: Bearer TOKEN)"
                      : "a bearer token is required (Authorization: Bearer TOKEN)");
}

static enum MHD_Result handle(void *cls, struct MHD_Connection *c, const char *url, const char *method,
                              const char *version, const char *upload, size_t *upload_size, void **con_cls) {
  (void)version;
  struct hr_server *s = cls;
  struct rqstate *rs = *con_cls;
  if (rs == NULL) {
    rs = xcalloc(1, sizeof *rs);
    *con_cls = rs;
    int is_get = strcmp(method, "GET") == 0 || strcmp(method, "HEAD") == 0;
    const struct hr_route *found = NULL;
    const char *allow = NULL;
    for (size_t i = 0; i < s->o.nroutes && found == NULL; i++) {
      const char *rest;
      if (!path_matches(&s->o.routes[i], url, &rest))
        continue;
      if (strcmp(s->o.routes[i].method, method) == 0 || (is_get && strcmp(s->o.routes[i].method, "GET") == 0))
        found = &s->o.routes[i];
      else
        allow = s->o.routes[i].method;
    }
    if (found == NULL) {
      if (allow != NULL) {
        struct MHD_Response *r = NULL;
        char *buf = xasprintf("{\"error\": \"method %s not allowed here (use %s)\"}\n",
                              strlen(method) < 16 ? method : "?", allow);
        r = MHD_create_response_from_buffer(strlen(buf), buf, MHD_RESPMEM_MUST_FREE);
        MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, "application/json");
        MHD_add_response_header(r, MHD_HTTP_HEADER_ALLOW, allow);
        enum MHD_Result ok = (enum MHD_Result)server_queue(c, MHD_HTTP_METHOD_NOT_ALLOWED, r);
        MHD_destroy_response(r);
        return ok;
      }
      if (is_get && s->o.fallback != NULL)
        return dispatch(s, c, NULL, url, method, NULL, 0);
      return server_error(c, is_get ? MHD_HTTP_NOT_FOUND : MHD_HTTP_METHOD_NOT_ALLOWED, "no such endpoint: %s %.200s",
                          strlen(method) < 16 ? method : "?", url) == MHD_YES
                 ? MHD_YES
                 : MHD_NO;
    }
    rs->route = found;
    int done;
    if (found->auth && (done = check_token(s, c)) >= 0)
      return done == MHD_YES ? MHD_YES : MHD_NO;
    if (strcmp(found->method, "POST") == 0) {
      const char *cl = MHD_lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_LENGTH);
      if (cl != NULL && strtoull(cl, NULL, 10) > s->o.max_body)
        return server_error(c, MHD_HTTP_CONTENT_TOO_LARGE, "request body over %zu bytes", s->o.max_body) == MHD_YES
                   ? MHD_YES
                   : MHD_NO;
      return MHD_YES; /* the body follows */
    }
    return dispatch(s, c, found, url, method, NULL, 0);
  }
  if (*upload_size > 0) {
    size_t n = *upload_size;
    *upload_size = 0;
    if (rs->too_big || rs->len + n > s->o.max_body) {
      rs->too_big = 1;
      return MHD_YES;
    }
    if (rs->len + n + 1 > rs->cap) {
      rs->cap = (rs->len + n + 1) * 2;
      if (rs->cap > s->o.max_body + 1)
        rs->cap = s->o.max_body + 1;
      rs->body = xrealloc(rs->body, rs->cap);
    }
    memcpy(rs->body + rs->len, upload, n);
    rs->len += n;
    return MHD_YES;
  }
  if (rs->too_big)
    return server_error(c, MHD_HTTP_CONTENT_TOO_LARGE, "request body over %zu bytes", s->o.max_body) == MHD_YES
               ? MHD_YES
               : MHD_NO;
  if (rs->body == NULL)
    rs->body = xcalloc(1, 1);
  rs->body[rs->len] = '\0';
  return dispatch(s, c, rs->route, url, method, rs->body, rs->len);
}

static void completed(void *cls, struct MHD_Connection *c, void **con_cls, enum MHD_RequestTerminationCode toe) {
  (void)cls;
  (void)c;
  (void)toe;
  struct rqstate *rs = *con_cls;
  if (rs != NULL) {
    free(rs->body);
    free(rs);
    *con_cls = NULL;
  }
}

/* MHD's messages, one write each (the pool's threads log at once). A
 * client's malformed or abandoned request is answered or closed, not a
 * server problem: not logged. The connection limits are logged the 1st,
 * 10th, 100th... time: a flood of connections must not flood the log. */
static void mhd_log(void *cls, const char *fmt, va_list ap) {
  struct hr_server *s = cls;
  if (strncmp(fmt, "Error processing request", 24) == 0 ||
      strncmp(fmt, "Connection was closed by remote side with incomplete request", 60) == 0)
    return;
  char msg[400];
  vsnprintf(msg, sizeof msg, fmt, ap);
  size_t n = strlen(msg);
  while (n > 0 && msg[n - 1] == '\n')
    msg[--n] = '\0';
  if (strstr(fmt, "connection limit") != NULL) {
    unsigned k = atomic_fetch_add(&s->limit_logs, 1) + 1;
    unsigned p = 1;
    while (p < k && p < 1000000000u)
      p *= 10;
    if (p != k)
      return;
    fprintf(stderr, "headroom: http: %s (%u times so far; at most %u connections, %u from one address)\n", msg, k,
            s->o.max_conns ? s->o.max_conns : 256u, s->o.max_conns_per_ip ? s->o.max_conns_per_ip : 64u);
    return;
  }
  fprintf(stderr, "headroom: http: %s\n", msg);
}

/* ---- lifecycle ---- */

/* "ADDR:PORT" (IPv4, "localhost", or no address: 127.0.0.1) or
 * "[ADDR6]:PORT" (IPv6, e.g. [::1]:8080, [::]:8080) into *ss; *v6 says
 * which. *host gets the address as a URL writes it ("127.0.0.1", "[::1]"),
 * a wildcard replaced by the loopback of its family. */
static enum hr_rc parse_listen(const char *s, struct sockaddr_storage *ss, int *v6, char host[64],
                               struct hr_err *err) {
  memset(ss, 0, sizeof *ss);
  const char *colon = strrchr(s, ':');
  char addr[64];
  const char *a = s;
  size_t hn = colon ? (size_t)(colon - s) : 0;
  *v6 = hn >= 2 && s[0] == '[' && s[hn - 1] == ']';
  if (*v6) {
    a = s + 1;
    hn -= 2;
  }
  if (colon == NULL || hn >= sizeof addr)
    return HR_FAIL(err, HR_ERR_USAGE, "--listen %s: expected ADDR:PORT such as 127.0.0.1:8080 or [::1]:8080", s);
  memcpy(addr, a, hn);
  addr[hn] = '\0';
  char *end;
  unsigned long port = strtoul(colon + 1, &end, 10);
  if (*end != '\0' || colon[1] == '\0' || port > 65535)
    return HR_FAIL(err, HR_ERR_USAGE, "--listen %s: bad port", s);
  if (*v6) {
    struct sockaddr_in6 *sa = (struct sockaddr_in6 *)ss;
    sa->sin6_family = AF_INET6;
    sa->sin6_port = htons((uint16_t)port);
    if (inet_pton(AF_INET6, addr, &sa->sin6_addr) != 1)
      return HR_FAIL(err, HR_ERR_USAGE, "--listen %s: expected an IPv6 address in brackets such as [::1]:8080", s);
    snprintf(host, 64, "[%.60s]", IN6_IS_ADDR_UNSPECIFIED(&sa->sin6_addr) ? "::1" : addr);
    return HR_OK;
  }
  struct sockaddr_in *sa = (struct sockaddr_in *)ss;
  sa->sin_family = AF_INET;
  sa->sin_port = htons((uint16_t)port);
  if (hn == 0 || strcmp(addr, "localhost") == 0)
    memcpy(addr, "127.0.0.1", 10);
  if (inet_pton(AF_INET, addr, &sa->sin_addr) != 1)
    return HR_FAIL(err, HR_ERR_USAGE,
                   "--listen %s: expected an IPv4 address such as 127.0.0.1 or 0.0.0.0, or [IPv6] such as [::1]", s);
  snprintf(host, 64, "%s", sa->sin_addr.s_addr == htonl(INADDR_ANY) ? "127.0.0.1" : addr);
  return HR_OK;
}

enum hr_rc server_start(const struct hr_server_opts *o, struct hr_server **out, struct hr_err *err) {
  *out = NULL;
  struct sockaddr_storage sa;
  int v6 = 0;
  char host[64];
  enum hr_rc rc = parse_listen(o->listen ? o->listen : "127.0.0.1:8080", &sa, &v6, host, err);
  if (rc != HR_OK)
    return rc;
  struct hr_server *s = xcalloc(1, sizeof *s);
  memcpy(s->host, host, sizeof s->host);
  s->o = *o;
  s->o.listen = NULL;
  s->token = o->token && o->token[0] ? xstrdup(o->token) : NULL;
  s->o.token = NULL;
  atomic_init(&s->limit_logs, 0);
  unsigned flags = MHD_USE_AUTO_INTERNAL_THREAD | MHD_USE_ERROR_LOG | (v6 ? MHD_USE_IPv6 : 0);
  s->d = MHD_start_daemon(flags, 0, NULL, NULL, handle, s, MHD_OPTION_EXTERNAL_LOGGER, mhd_log, s,
                          MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&sa, MHD_OPTION_THREAD_POOL_SIZE,
                          (unsigned)POOL_THREADS, MHD_OPTION_CONNECTION_LIMIT, o->max_conns ? o->max_conns : 256u,
                          MHD_OPTION_PER_IP_CONNECTION_LIMIT, o->max_conns_per_ip ? o->max_conns_per_ip : 64u,
                          MHD_OPTION_CONNECTION_TIMEOUT, o->timeout_s ? o->timeout_s : 10u,
                          MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)64 * 1024, MHD_OPTION_NOTIFY_COMPLETED,
                          completed, NULL, MHD_OPTION_END);
  if (s->d == NULL) {
    free(s->token);
    free(s);
    return HR_FAIL(err, HR_ERR_IO, "http: cannot listen on %s (address in use or not available)",
                   o->listen ? o->listen : "127.0.0.1:8080");
  }
  const union MHD_DaemonInfo *di = MHD_get_daemon_info(s->d, MHD_DAEMON_INFO_BIND_PORT);
  s->port = di ? di->port
               : ntohs(v6 ? ((struct sockaddr_in6 *)&sa)->sin6_port : ((struct sockaddr_in *)&sa)->sin_port);
  *out = s;
  return HR_OK;
}

int server_port(const struct hr_server *s) { return s->port; }

char *server_url(const struct hr_server *s) { return xasprintf("http://%s:%d/", s->host, s->port); }

void server_stop(struct hr_server *s) {
  if (s == NULL)
    return;
  MHD_stop_daemon(s->d);
  free(s->token);
  free(s);
}
