/* server.h -- the HTTP front of `serve`: libmicrohttpd with a pool of
 * internal threads, a route table {method, path, handler}, bounded
 * connections (in all and per client address), headers and request bodies,
 * a bearer token for the routes that write, and errors as JSON
 * {"error": "..."}.
 *
 * What the server refuses before any handler runs (docs/cli/serve.md,
 * "Security"): a Host that is not a name of the server (421, DNS
 * rebinding); two Host, Content-Type or differing Content-Length headers,
 * or Content-Length with Transfer-Encoding (400); a POST from a web page of
 * another origin (Origin, else Referer: 403); a POST without the token when
 * one is configured (401 with WWW-Authenticate; the scheme "Bearer" in any
 * case); a POST whose Content-Type is not one of its route's, or is one any
 * web page may send cross-site (text/plain, forms, none) while no token is
 * configured (415).
 * Every answer carries the security headers (nosniff, CSP, no framing, no
 * referrer, same-origin resources).
 *
 * Handlers run on MHD's threads: they must only touch what is safe to share
 * (their own read-only store connection, data under a lock). */
#ifndef HR_SERVER_H
#define HR_SERVER_H

#include <stddef.h>
#include <stdint.h>

#include "core/err.h"

struct hr_server;
struct MHD_Connection;
struct MHD_Response;

/* One request, borrowed by the handler for the call. */
struct hr_req {
  struct MHD_Connection *conn;
  const char *method;
  const char *path; /* without the query string */
  const char *rest; /* path after the route's prefix (prefix routes) */
  const char *body; /* NUL-terminated copy of the body (POST), else "" */
  size_t body_len;
  void *app; /* hr_server_opts.app */
};

/* A handler answers with server_reply*(); returns what they return. */
typedef int (*hr_handler_fn)(struct hr_req *rq);

struct hr_route {
  const char *method; /* "GET", "POST" */
  const char *path;   /* exact path, or a prefix when it ends in '/' */
  int auth;           /* 1: needs the bearer token (when one is configured) */
  hr_handler_fn fn;
  /* POST: the media types accepted, separated by spaces (NULL:
   * "application/json"). text/plain among them is honoured only when a token
   * is configured: a web page can send it to any site without asking. */
  const char *ctypes;
};

/* Where the server listens, as far as its clients go. */
enum hr_listen_scope {
  HR_LISTEN_LOOPBACK, /* 127.0.0.0/8, ::1, localhost: this machine only */
  HR_LISTEN_ADDRESS,  /* one address of this machine */
  HR_LISTEN_ANY       /* 0.0.0.0 or [::]: every address */
};

struct hr_server_opts {
  const char *listen;            /* "ADDR:PORT" (IPv4) or "[ADDR6]:PORT"; port 0 picks a free one */
  const struct hr_route *routes; /* borrowed, must outlive the server */
  size_t nroutes;
  hr_handler_fn fallback; /* GET/HEAD of any other path (assets), NULL: 404 */
  void *app;
  const char *token; /* NULL or "": POST routes are open */
  /* Host names (or IP addresses) the server is reached by besides its own
   * addresses; "*" accepts any Host. Copied. */
  const char *const *allow_hosts;
  size_t nallow_hosts;
  size_t max_body;           /* bytes; larger bodies get 413 */
  unsigned max_conns;        /* in all (0: 256) */
  unsigned max_conns_per_ip; /* from one client address (0: 64) */
  unsigned timeout_s;        /* a connection idle this long is closed (0: 10) */
};

/* The scope of a --listen value, without listening. HR_ERR_USAGE when it is
 * not an address. */
enum hr_rc server_listen_scope(const char *listen, enum hr_listen_scope *scope /* OUT */, struct hr_err *err);

/* Listen and serve on MHD's threads. The strings of o are copied. On failure
 * *out = NULL and err says why (address in use, bad address). */
enum hr_rc server_start(const struct hr_server_opts *o, struct hr_server **out /* OUT */, struct hr_err *err);
/* The port actually bound. */
int server_port(const struct hr_server *s);
/* "http://HOST:PORT/" of the bound address (a wildcard address as the
 * loopback of its family: 127.0.0.1, [::1]): a URL this machine can open.
 * Caller frees. */
char *server_url(const struct hr_server *s);
/* "http://ADDR:PORT/" exactly as bound (0.0.0.0, [::] included). Caller
 * frees. */
char *server_bound_url(const struct hr_server *s);
/* Stop accepting, finish the requests in flight, free. NULL ok. */
void server_stop(struct hr_server *s);

/* Answers, for handlers. body is copied (server_reply) or taken over
 * (server_reply_take: malloc'd, freed by the server in every case). */
int server_reply(struct MHD_Connection *c, unsigned status, const char *ctype, const char *body, size_t len);
int server_reply_take(struct MHD_Connection *c, unsigned status, const char *ctype, char *body, size_t len);
/* body neither copied nor freed: release(cls) is called once the server is
 * done with it (sent, or the connection gone), or at once on failure.
 * extra: NULL or {name, value, ..., NULL} more headers. */
int server_reply_shared(struct MHD_Connection *c, unsigned status, const char *ctype, const char *body, size_t len,
                        const char *const *extra, void (*release)(void *), void *cls);
/* 1 when the request's Accept-Encoding accepts gzip (not with q=0). */
int server_accepts_gzip(struct hr_req *rq);
/* data[0..len) gzip'd (RFC 1952) into a malloc'd buffer, or NULL. */
char *server_gzip(const char *data, size_t len, size_t *out_len /* OUT */);
/* An answer in two encodings (docs/internals/serve.md): gz (body gzip'd by
 * server_gzip(), or NULL: none) when the request accepts gzip, else body;
 * with Vary: Accept-Encoding either way. Shared as server_reply_shared()
 * shares them: release(cls) once the server is done with both. */
int server_reply_encoded(struct hr_req *rq, unsigned status, const char *ctype, const char *body, size_t len,
                         const char *gz, size_t gzlen, void (*release)(void *), void *cls);
/* The same for a body built for this request alone (taken over, as
 * server_reply_take): gzip'd here when the request accepts gzip. */
int server_reply_take_encoded(struct hr_req *rq, unsigned status, const char *ctype, char *body, size_t len);
/* For a handler that builds its own response: adds the security headers
 * and queues it (MHD_queue_response); the caller still destroys r. */
int server_queue(struct MHD_Connection *c, unsigned status, struct MHD_Response *r);
/* {"error": msg} with that status. */
int server_error(struct MHD_Connection *c, unsigned status, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* A query argument of the request, or NULL. Borrowed for the call. */
const char *server_arg(struct hr_req *rq, const char *name);
/* A request header, or NULL. Borrowed for the call. */
const char *server_header(struct hr_req *rq, const char *name);

#endif
