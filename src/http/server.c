/* server.c -- see server.h. libmicrohttpd 0.9.75: a pool of internal
 * threads, every limit set explicitly; anything not in the route table is a
 * JSON 404/405; the refusals of server.h happen in handle() before any
 * handler runs, in this order: Host (421), the request's own headers (400),
 * the route (404/405), and for POST: origin (403), token (401),
 * Content-Type (415), size (413). */
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
#include <zlib.h>

#include "core/jw.h"
#include "util/xmalloc.h"

#define POOL_THREADS 4
#define HOST_MAX 256

/* The dashboard is self-contained: its HTML, script, style sheet and the
 * chart library come from this server, the charts draw on canvases, and it
 * only fetches /api/v1 of its own origin. Nothing may frame it. */
static const char csp[] =
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
    "connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'none'; "
    "frame-ancestors 'none'";

struct hr_server {
  struct MHD_Daemon *d;
  struct hr_server_opts o;
  char *token;
  char **allow; /* --allow-host names, normalised as parse_authority() writes hosts */
  size_t nallow;
  int allow_any; /* --allow-host '*' */
  enum hr_listen_scope scope;
  struct sockaddr_storage sa;
  int v6;
  int port;
  char host[64];  /* as a URL writes it: 127.0.0.1, [::1] (a wildcard as its loopback) */
  char bound[64]; /* as bound: 0.0.0.0, [::], 192.0.2.7 */
  atomic_uint limit_logs;
};

struct rqstate {
  const struct hr_route *route;
  int get; /* a GET or HEAD (route NULL: the fallback), answered on the last call */
  char *body;
  size_t len, cap;
  int too_big;
};

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

/* Headers on r (extra: NULL or {name, value, ..., NULL} more), queue it,
 * drop our reference. */
static int send_response(struct MHD_Connection *c, unsigned status, const char *ctype, struct MHD_Response *r,
                         const char *const *extra) {
  MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, ctype);
  MHD_add_response_header(r, MHD_HTTP_HEADER_CACHE_CONTROL, "no-store");
  for (size_t i = 0; extra != NULL && extra[i] != NULL && extra[i + 1] != NULL; i += 2)
    MHD_add_response_header(r, extra[i], extra[i + 1]);
  enum MHD_Result ok = (enum MHD_Result)server_queue(c, status, r);
  MHD_destroy_response(r);
  return ok;
}

/* body taken over. */
static int reply(struct MHD_Connection *c, unsigned status, const char *ctype, char *body, size_t len,
                 const char *const *extra) {
  struct MHD_Response *r = MHD_create_response_from_buffer(len, body, MHD_RESPMEM_MUST_FREE);
  if (r == NULL) {
    free(body);
    return MHD_NO;
  }
  return send_response(c, status, ctype, r, extra);
}

int server_reply_take(struct MHD_Connection *c, unsigned status, const char *ctype, char *body, size_t len) {
  return reply(c, status, ctype, body, len, NULL);
}

int server_reply_shared(struct MHD_Connection *c, unsigned status, const char *ctype, const char *body, size_t len,
                        const char *const *extra, void (*release)(void *), void *cls) {
  struct MHD_Response *r = MHD_create_response_from_buffer_with_free_callback_cls(len, (void *)body, release, cls);
  if (r == NULL) {
    release(cls);
    return MHD_NO;
  }
  return send_response(c, status, ctype, r, extra);
}

int server_accepts_gzip(struct hr_req *rq) {
  const char *ae = server_header(rq, MHD_HTTP_HEADER_ACCEPT_ENCODING);
  /* each coding: TOKEN [; q=VALUE], separated by commas (RFC 9110 12.5.3) */
  for (const char *p = ae; p != NULL && *p != '\0';) {
    p += strspn(p, " \t,");
    size_t n = strcspn(p, " \t;,");
    int gzip = (n == 4 && strncasecmp(p, "gzip", 4) == 0) || (n == 1 && *p == '*');
    const char *end = p + strcspn(p, ",");
    const char *q = p + n;
    q += strspn(q, " \t");
    double qv = 1;
    if (*q == ';') {
      q++;
      q += strspn(q, " \t");
      if ((*q == 'q' || *q == 'Q') && q[1] == '=')
        qv = strtod(q + 2, NULL);
    }
    if (gzip && qv > 0)
      return 1;
    p = end;
  }
  return 0;
}

char *server_gzip(const char *data, size_t len, size_t *out_len) {
  z_stream z;
  memset(&z, 0, sizeof z);
  if (deflateInit2(&z, 6, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK)
    return NULL;
  size_t cap = deflateBound(&z, (uLong)len) + 32;
  char *out = xmalloc(cap);
  z.next_in = (Bytef *)data;
  z.avail_in = (uInt)len;
  z.next_out = (Bytef *)out;
  z.avail_out = (uInt)cap;
  int rc = deflate(&z, Z_FINISH);
  *out_len = z.total_out;
  deflateEnd(&z);
  if (rc != Z_STREAM_END) {
    free(out);
    return NULL;
  }
  return out;
}

/* The headers of an answer that has a gzip'd encoding: plain, and gzip'd. */
static const char *const vary_plain[] = {MHD_HTTP_HEADER_VARY, MHD_HTTP_HEADER_ACCEPT_ENCODING, NULL};
static const char *const vary_gzip[] = {MHD_HTTP_HEADER_VARY, MHD_HTTP_HEADER_ACCEPT_ENCODING,
                                        MHD_HTTP_HEADER_CONTENT_ENCODING, "gzip", NULL};

int server_reply_encoded(struct hr_req *rq, unsigned status, const char *ctype, const char *body, size_t len,
                         const char *gz, size_t gzlen, void (*release)(void *), void *cls) {
  if (gz != NULL && server_accepts_gzip(rq))
    return server_reply_shared(rq->conn, status, ctype, gz, gzlen, vary_gzip, release, cls);
  return server_reply_shared(rq->conn, status, ctype, body, len, vary_plain, release, cls);
}

int server_reply_take_encoded(struct hr_req *rq, unsigned status, const char *ctype, char *body, size_t len) {
  size_t gzlen = 0;
  char *gz = server_accepts_gzip(rq) ? server_gzip(body, len, &gzlen) : NULL;
  if (gz == NULL)
    return reply(rq->conn, status, ctype, body, len, vary_plain);
  free(body);
  return reply(rq->conn, status, ctype, gz, gzlen, vary_gzip);
}

int server_reply(struct MHD_Connection *c, unsigned status, const char *ctype, const char *body, size_t len) {
  char *copy = xmalloc(len + 1);
  memcpy(copy, body, len);
  return server_reply_take(c, status, ctype, copy, len);
}

static int verror(struct MHD_Connection *c, unsigned status, const char *const *extra, const char *fmt, va_list ap) {
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
static enum MHD_Result refuse(struct MHD_Connection *c, unsigned status, const char *const *extra, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
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

/* ---- names: Host, Origin, Referer ---- */

struct authority {
  char host[HOST_MAX]; /* lower case, one trailing dot removed; IPv6 in brackets */
  long port;           /* -1: none given */
};

static char lower(char c) {
  return c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c;
}

/* "name[:port]", "a.b.c.d[:port]" or "[v6][:port]" (n bytes) into *out.
 * 0, or -1 when it is not one. */
static int parse_authority(const char *a, size_t n, struct authority *out) {
  const char *end = a + n, *hend = a;
  if (n > 0 && a[0] == '[') {
    const char *rb = memchr(a, ']', n);
    if (rb == NULL)
      return -1;
    hend = rb + 1;
  } else {
    while (hend < end && *hend != ':')
      hend++;
  }
  size_t hn = (size_t)(hend - a);
  if (hn == 0 || hn >= HOST_MAX)
    return -1;
  for (size_t i = 0; i < hn; i++) {
    unsigned char ch = (unsigned char)a[i];
    if (ch <= 0x20 || ch >= 0x7f || strchr("/@?#\\\"'<>`{}|^", ch) != NULL)
      return -1;
    out->host[i] = lower((char)ch);
  }
  out->host[hn] = '\0';
  if (hn > 1 && out->host[0] != '[' && out->host[hn - 1] == '.')
    out->host[--hn] = '\0';
  out->port = -1;
  if (hend < end) {
    if (*hend != ':' || hend + 1 == end || end - hend > 6)
      return -1;
    long p = 0;
    for (const char *q = hend + 1; q < end; q++) {
      if (*q < '0' || *q > '9')
        return -1;
      p = p * 10 + (*q - '0');
    }
    if (p > 65535)
      return -1;
    out->port = p;
  }
  return 0;
}

/* 4: an IPv4 address (into *a4); 6: an IPv6 address in brackets (into *a6);
 * 0: a name; -1: brackets around something else. */
static int ip_literal(const char *host, struct in_addr *a4, struct in6_addr *a6) {
  size_t n = strlen(host);
  if (host[0] == '[') {
    char buf[HOST_MAX];
    if (n < 3 || host[n - 1] != ']')
      return -1;
    memcpy(buf, host + 1, n - 2);
    buf[n - 2] = '\0';
    return inet_pton(AF_INET6, buf, a6) == 1 ? 6 : -1;
  }
  return inet_pton(AF_INET, host, a4) == 1 ? 4 : 0;
}

static int loopback4(struct in_addr a) {
  return (ntohl(a.s_addr) >> 24) == 127;
}

static int loopback6(const struct in6_addr *a) {
  if (IN6_IS_ADDR_LOOPBACK(a))
    return 1;
  return IN6_IS_ADDR_V4MAPPED(a) && a->s6_addr[12] == 127;
}

/* DNS rebinding: a page of evil.example whose name was made to point at this
 * server talks to it as evil.example. Names are refused unless allowed; an
 * address cannot be rebound (a page at http://ADDR/ is this server's own).
 * The port is not checked: ssh tunnels and container port mappings change it,
 * and a name is what rebinding needs. */
static int host_allowed(const struct hr_server *s, const struct authority *h) {
  if (s->allow_any)
    return 1;
  for (size_t i = 0; i < s->nallow; i++)
    if (strcmp(h->host, s->allow[i]) == 0)
      return 1;
  struct in_addr a4;
  struct in6_addr a6;
  int lit = ip_literal(h->host, &a4, &a6);
  int localhost = strcmp(h->host, "localhost") == 0;
  switch (s->scope) {
  case HR_LISTEN_ANY: return localhost || lit > 0;
  case HR_LISTEN_LOOPBACK: return localhost || (lit == 4 && loopback4(a4)) || (lit == 6 && loopback6(&a6));
  case HR_LISTEN_ADDRESS:
    if (s->v6)
      return lit == 6 && memcmp(&a6, &((const struct sockaddr_in6 *)&s->sa)->sin6_addr, sizeof a6) == 0;
    return lit == 4 && a4.s_addr == ((const struct sockaddr_in *)&s->sa)->sin_addr.s_addr;
  }
  return 0;
}

/* Is an Origin (or, referer: the origin of a Referer URL) the origin the
 * request was sent to, http(s)://Host? A port left out is the scheme's. */
static int same_origin(const struct authority *req, const char *v, int referer) {
  size_t skip;
  long def;
  if (strncasecmp(v, "http://", 7) == 0) {
    skip = 7;
    def = 80;
  } else if (strncasecmp(v, "https://", 8) == 0) {
    skip = 8;
    def = 443;
  } else {
    return 0; /* "null" (sandboxed frames, data: URLs, file:), other schemes */
  }
  const char *p = v + skip;
  size_t n = referer ? strcspn(p, "/?#") : strlen(p);
  struct authority o;
  if (parse_authority(p, n, &o) != 0)
    return 0;
  return strcmp(o.host, req->host) == 0 && (o.port >= 0 ? o.port : def) == (req->port >= 0 ? req->port : def);
}

/* ---- the request's headers ---- */

struct hscan {
  int nhost, nctype, ncl, nte, cl_conflict;
  const char *cl;
};

static enum MHD_Result scan_header(void *cls, enum MHD_ValueKind kind, const char *key, const char *value) {
  (void)kind;
  struct hscan *h = cls;
  if (key == NULL)
    return MHD_YES;
  if (value == NULL)
    value = "";
  if (strcasecmp(key, MHD_HTTP_HEADER_HOST) == 0) {
    h->nhost++;
  } else if (strcasecmp(key, MHD_HTTP_HEADER_CONTENT_TYPE) == 0) {
    h->nctype++;
  } else if (strcasecmp(key, MHD_HTTP_HEADER_TRANSFER_ENCODING) == 0) {
    h->nte++;
  } else if (strcasecmp(key, MHD_HTTP_HEADER_CONTENT_LENGTH) == 0) {
    if (h->ncl++ == 0)
      h->cl = value;
    else if (strcmp(h->cl, value) != 0)
      h->cl_conflict = 1;
  }
  return MHD_YES;
}

/* The essence of a media type: "type/subtype" in lower case, without
 * parameters or spaces. */
static void media_essence(const char *v, char *out, size_t cap) {
  size_t k = 0;
  while (*v == ' ' || *v == '\t')
    v++;
  for (; *v != '\0' && *v != ';' && k + 1 < cap; v++)
    out[k++] = lower(*v);
  while (k > 0 && (out[k - 1] == ' ' || out[k - 1] == '\t'))
    k--;
  out[k] = '\0';
}

/* The types a web page may send to any site without a CORS preflight (a
 * form, or fetch() in no-cors mode), and no type at all. */
static int cors_safelisted(const char *ess) {
  return ess[0] == '\0' || strcmp(ess, "text/plain") == 0 || strcmp(ess, "application/x-www-form-urlencoded") == 0 ||
         strcmp(ess, "multipart/form-data") == 0;
}

static int type_listed(const char *list, const char *ess) {
  size_t n = strlen(ess);
  for (const char *p = list; *p != '\0';) {
    while (*p == ' ')
      p++;
    size_t w = strcspn(p, " ");
    if (w > 0 && w == n && strncmp(p, ess, n) == 0)
      return 1;
    p += w;
  }
  return 0;
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

static const char *const close_hdr[] = {MHD_HTTP_HEADER_CONNECTION, "close", NULL};

/* The checks of every request before its route: Host, then headers that
 * must not come twice or together. MHD_YES/MHD_NO when answered, -1 to go
 * on; *host is the parsed Host (host "" when HTTP/1.0 sent none). */
static int check_request(struct hr_server *s, struct MHD_Connection *c, const char *version, struct authority *host) {
  struct hscan h = {0};
  MHD_get_connection_values(c, MHD_HEADER_KIND, scan_header, &h);
  if (h.nhost > 1 || h.nctype > 1)
    return refuse(c, 400, close_hdr, "more than one %s header", h.nhost > 1 ? "Host" : "Content-Type");
  if (h.cl_conflict)
    return refuse(c, 400, close_hdr, "Content-Length headers that disagree");
  if (h.ncl > 0 && h.nte > 0)
    return refuse(c, 400, close_hdr, "Content-Length together with Transfer-Encoding");
  const char *hv = MHD_lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_HOST);
  host->host[0] = '\0';
  host->port = -1;
  if (hv == NULL) {
    if (version != NULL && strcmp(version, MHD_HTTP_VERSION_1_0) == 0)
      return -1; /* no name to check: not a browser's request */
    return refuse(c, 400, close_hdr, "an HTTP/1.1 request needs a Host header");
  }
  if (parse_authority(hv, strlen(hv), host) != 0)
    return refuse(c, 400, close_hdr, "Host header %.100s is not HOST[:PORT]", hv);
  if (!host_allowed(s, host))
    return refuse(c, 421, close_hdr,
                  "Host %.100s is not a name of this server (DNS rebinding is refused); if this server is reached "
                  "by that name, start it with --allow-host %.100s",
                  hv, host->host);
  return -1;
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

/* The checks of a write (POST) before its body is read: origin, token,
 * Content-Type, size. -1 to go on. */
static int check_write(struct hr_server *s, struct MHD_Connection *c, const struct hr_route *route,
                       const struct authority *host) {
  const char *origin = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Origin");
  const char *referer = origin ? NULL : MHD_lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_REFERER);
  if ((origin != NULL || referer != NULL) &&
      (host->host[0] == '\0' || !same_origin(host, origin ? origin : referer, !origin)))
    return refuse(c, 403, NULL, "a write from a web page of another origin (%s: %.100s) is refused",
                  origin ? "Origin" : "Referer", origin ? origin : referer);
  if (route->auth) {
    int done = check_token(s, c);
    if (done >= 0)
      return done;
  }
  const char *list = route->ctypes ? route->ctypes : "application/json";
  const char *ct = MHD_lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_TYPE);
  char ess[128];
  media_essence(ct ? ct : "", ess, sizeof ess);
  if (!type_listed(list, ess))
    return refuse(c, 415, NULL, "%s%.100s%s: send Content-Type: one of %s", ess[0] ? "Content-Type " : "",
                  ess[0] ? ess : "a POST needs a Content-Type", ess[0] ? " is not accepted here" : "", list);
  if (cors_safelisted(ess) && s->token == NULL)
    return refuse(c, 415, NULL,
                  "Content-Type %s is accepted only when serve has a token (--token-file): any web page can send it; "
                  "without a token send another type of: %s",
                  ess, list);
  const char *cl = MHD_lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_LENGTH);
  if (cl != NULL && strtoull(cl, NULL, 10) > s->o.max_body)
    return refuse(c, MHD_HTTP_CONTENT_TOO_LARGE, NULL, "request body over %zu bytes", s->o.max_body);
  return -1;
}

static enum MHD_Result handle(void *cls, struct MHD_Connection *c, const char *url, const char *method,
                              const char *version, const char *upload, size_t *upload_size, void **con_cls) {
  struct hr_server *s = cls;
  struct rqstate *rs = *con_cls;
  if (rs == NULL) {
    rs = xcalloc(1, sizeof *rs);
    *con_cls = rs;
    struct authority host;
    int done = check_request(s, c, version, &host);
    if (done >= 0)
      return done == MHD_YES ? MHD_YES : MHD_NO;
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
        const char *const extra[] = {MHD_HTTP_HEADER_ALLOW, allow, NULL};
        return refuse(c, MHD_HTTP_METHOD_NOT_ALLOWED, extra, "method %s not allowed here (use %s)",
                      strlen(method) < 16 ? method : "?", allow);
      }
      if (is_get && s->o.fallback != NULL) {
        rs->get = 1; /* answered on the last call */
        return MHD_YES;
      }
      return refuse(c, is_get ? MHD_HTTP_NOT_FOUND : MHD_HTTP_METHOD_NOT_ALLOWED, NULL, "no such endpoint: %s %.200s",
                    strlen(method) < 16 ? method : "?", url);
    }
    rs->route = found;
    if (strcmp(found->method, "POST") == 0) {
      done = check_write(s, c, found, &host);
      if (done >= 0)
        return done == MHD_YES ? MHD_YES : MHD_NO;
      return MHD_YES; /* the body follows */
    }
    if (found->auth && (done = check_token(s, c)) >= 0)
      return done == MHD_YES ? MHD_YES : MHD_NO;
    /* Answered on the last call, once the request is read: libmicrohttpd
     * (0.9.75) closes a connection whose answer is queued from the first
     * call, so every GET would cost a new connection. */
    rs->get = 1;
    return MHD_YES;
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
  if (rs->get)
    return dispatch(s, c, rs->route, url, method, NULL, 0);
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
 * which. host gets the address as a URL writes it ("127.0.0.1", "[::1]"), a
 * wildcard replaced by the loopback of its family; bound the address as it
 * is ("0.0.0.0", "[::]"). */
static enum hr_rc parse_listen(const char *s, struct sockaddr_storage *ss, int *v6, char host[64], char bound[64],
                               enum hr_listen_scope *scope, struct hr_err *err) {
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
    char canon[INET6_ADDRSTRLEN];
    inet_ntop(AF_INET6, &sa->sin6_addr, canon, sizeof canon);
    int any = IN6_IS_ADDR_UNSPECIFIED(&sa->sin6_addr);
    snprintf(host, 64, "[%.60s]", any ? "::1" : canon);
    snprintf(bound, 64, "[%.60s]", canon);
    *scope = any ? HR_LISTEN_ANY : loopback6(&sa->sin6_addr) ? HR_LISTEN_LOOPBACK : HR_LISTEN_ADDRESS;
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
  int any = sa->sin_addr.s_addr == htonl(INADDR_ANY);
  snprintf(host, 64, "%s", any ? "127.0.0.1" : addr);
  snprintf(bound, 64, "%s", addr);
  *scope = any ? HR_LISTEN_ANY : loopback4(sa->sin_addr) ? HR_LISTEN_LOOPBACK : HR_LISTEN_ADDRESS;
  return HR_OK;
}

enum hr_rc server_listen_scope(const char *listen, enum hr_listen_scope *scope, struct hr_err *err) {
  struct sockaddr_storage sa;
  int v6;
  char host[64], bound[64];
  return parse_listen(listen, &sa, &v6, host, bound, scope, err);
}

/* --allow-host values into s->allow: names and addresses as Host would
 * carry them, without a port; "*" for any. */
static enum hr_rc set_allowed(struct hr_server *s, const struct hr_server_opts *o, struct hr_err *err) {
  s->allow = xcalloc(o->nallow_hosts + 1, sizeof *s->allow);
  for (size_t i = 0; i < o->nallow_hosts; i++) {
    const char *v = o->allow_hosts[i];
    struct authority a;
    struct in_addr a4;
    struct in6_addr a6;
    if (strcmp(v, "*") == 0) {
      s->allow_any = 1;
      continue;
    }
    if (parse_authority(v, strlen(v), &a) != 0 || a.port >= 0 || ip_literal(a.host, &a4, &a6) < 0)
      return HR_FAIL(err, HR_ERR_USAGE,
                     "--allow-host %s: expected a host name or address without a port (slo.example.com, "
                     "192.0.2.7, [2001:db8::7]) or '*'",
                     v);
    s->allow[s->nallow++] = xstrdup(a.host);
  }
  return HR_OK;
}

static void free_server(struct hr_server *s) {
  for (size_t i = 0; i < s->nallow; i++)
    free(s->allow[i]);
  free(s->allow);
  free(s->token);
  free(s);
}

enum hr_rc server_start(const struct hr_server_opts *o, struct hr_server **out, struct hr_err *err) {
  *out = NULL;
  struct hr_server *s = xcalloc(1, sizeof *s);
  enum hr_rc rc =
      parse_listen(o->listen ? o->listen : "127.0.0.1:8080", &s->sa, &s->v6, s->host, s->bound, &s->scope, err);
  if (rc == HR_OK)
    rc = set_allowed(s, o, err);
  if (rc != HR_OK) {
    free_server(s);
    return rc;
  }
  s->o = *o;
  s->o.listen = NULL;
  s->o.allow_hosts = NULL;
  s->o.nallow_hosts = 0;
  s->token = o->token && o->token[0] ? xstrdup(o->token) : NULL;
  s->o.token = NULL;
  atomic_init(&s->limit_logs, 0);
  unsigned flags = MHD_USE_AUTO_INTERNAL_THREAD | MHD_USE_ERROR_LOG | (s->v6 ? MHD_USE_IPv6 : 0);
  s->d = MHD_start_daemon(flags, 0, NULL, NULL, handle, s, MHD_OPTION_EXTERNAL_LOGGER, mhd_log, s, MHD_OPTION_SOCK_ADDR,
                          (struct sockaddr *)&s->sa, MHD_OPTION_THREAD_POOL_SIZE, (unsigned)POOL_THREADS,
                          MHD_OPTION_CONNECTION_LIMIT, o->max_conns ? o->max_conns : 256u,
                          MHD_OPTION_PER_IP_CONNECTION_LIMIT, o->max_conns_per_ip ? o->max_conns_per_ip : 64u,
                          MHD_OPTION_CONNECTION_TIMEOUT, o->timeout_s ? o->timeout_s : 10u,
                          MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)64 * 1024, MHD_OPTION_NOTIFY_COMPLETED, completed,
                          NULL, MHD_OPTION_END);
  if (s->d == NULL) {
    free_server(s);
    return HR_FAIL(err, HR_ERR_IO, "http: cannot listen on %s (address in use or not available)",
                   o->listen ? o->listen : "127.0.0.1:8080");
  }
  const union MHD_DaemonInfo *di = MHD_get_daemon_info(s->d, MHD_DAEMON_INFO_BIND_PORT);
  s->port = di ? di->port
               : ntohs(s->v6 ? ((struct sockaddr_in6 *)&s->sa)->sin6_port : ((struct sockaddr_in *)&s->sa)->sin_port);
  *out = s;
  return HR_OK;
}

int server_port(const struct hr_server *s) {
  return s->port;
}

char *server_url(const struct hr_server *s) {
  return xasprintf("http://%s:%d/", s->host, s->port);
}

char *server_bound_url(const struct hr_server *s) {
  return xasprintf("http://%s:%d/", s->bound, s->port);
}

void server_stop(struct hr_server *s) {
  if (s == NULL)
    return;
  MHD_stop_daemon(s->d);
  free_server(s);
}
