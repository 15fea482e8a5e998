/* server.h -- the HTTP front of `serve`: libmicrohttpd with a pool of
 * internal threads, a route table {method, path, handler}, bounded
 * connections (in all and per client address), headers and request bodies,
 * a bearer token for the routes that write (scheme "Bearer" in any case; a
 * 401 carries WWW-Authenticate), and errors as JSON {"error": "..."}. Every
 * answer carries the security headers (nosniff, a content security policy,
 * no framing, no referrer, same-origin resources).
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
  const char *path;     /* without the query string */
  const char *rest;     /* path after the route's prefix (prefix routes) */
  const char *body;     /* NUL-terminated copy of the body (POST), else "" */
  size_t body_len;
  void *app;            /* hr_server_opts.app */
};

/* A handler answers with server_reply*(); returns what they return. */
typedef int (*hr_handler_fn)(struct hr_req *rq);

struct hr_route {
  const char *method; /* "GET", "POST" */
  const char *path;   /* exact path, or a prefix when it ends in '/' */
  int auth;           /* 1: needs the bearer token (when one is configured) */
  hr_handler_fn fn;
};

struct hr_server_opts {
  const char *listen;           /* "ADDR:PORT" (IPv4) or "[ADDR6]:PORT"; port 0 picks a free one */
  const struct hr_route *routes; /* borrowed, must outlive the server */
  size_t nroutes;
  hr_handler_fn fallback;       /* GET/HEAD of any other path (assets), NULL: 404 */
  void *app;
  const char *token;            /* NULL or "": POST routes are open */
  size_t max_body;              /* bytes; larger bodies get 413 */
  unsigned max_conns;           /* in all (0: 256) */
  unsigned max_conns_per_ip;    /* from one client address (0: 64) */
  unsigned timeout_s;           /* a connection idle this long is closed (0: 10) */
};

/* Listen and serve on MHD's threads. The strings of o are copied. On failure
 * *out = NULL and err says why (address in use, bad address). */
enum hr_rc server_start(const struct hr_server_opts *o, struct hr_server **out /* OUT */, struct hr_err *err);
/* The port actually bound. */
int server_port(const struct hr_server *s);
/* "http://HOST:PORT/" of the bound address (a wildcard address as the
 * loopback of its family: 127.0.0.1, [::1]). Caller frees. */
char *server_url(const struct hr_server *s);
/* Stop accepting, finish the requests in flight, free. NULL ok. */
void server_stop(struct hr_server *s);

/* Answers, for handlers. body is copied (server_reply) or taken over
 * (server_reply_take: malloc'd, freed by the server in every case). */
int server_reply(struct MHD_Connection *c, unsigned status, const char *ctype, const char *body, size_t len);
int server_reply_take(struct MHD_Connection *c, unsigned status, const char *ctype, char *body, size_t len);
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
