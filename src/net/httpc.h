/* httpc.h -- the one HTTP client of headroom (libcurl): a POST of a body,
 * with optional bearer or basic auth, under a timeout, returning the status,
 * the answer (bounded) and, when no answer came, a message that says what
 * happened. Used for the Prometheus query API (prom/prom.c) and for
 * Alertmanager and webhook receivers (notify/notify.c). libcurl's global
 * set-up (curl_global_init) happens here, once, and nowhere else.
 *
 * Every request sends User-Agent: headroom and no "Expect: 100-continue";
 * only http and https URLs are followed; no signals are used (threads). */
#ifndef HR_HTTPC_H
#define HR_HTTPC_H

#include <stddef.h>
#include <stdint.h>

struct hr_httpc_req {
  const char *url;
  const char *name; /* how errors name the peer (e.g. a base URL); NULL: url */
  const char *body; /* body_len bytes, POSTed as they are */
  size_t body_len;
  const char *content_type;   /* the Content-Type header */
  const char *accept;         /* the Accept header, or NULL: none */
  const char *bearer;         /* Authorization: Bearer <bearer>, or NULL */
  const char *user;           /* basic auth when non-NULL ... */
  const char *password;       /* ... with this password (NULL: empty) */
  int64_t timeout_us;         /* the whole request, connect included (at least 1 ms) */
  int64_t connect_timeout_us; /* the connection alone; 0: timeout_us */
  size_t max_body;            /* bytes of the answer kept */
  int cut_body;               /* 1: a longer answer is cut at max_body (the rest is read and dropped);
                                 0: it fails with HR_HTTPC_TOOBIG */
  int compressed;             /* 1: offer every encoding libcurl decodes (gzip, ...) */
};

enum hr_httpc_rc {
  HR_HTTPC_OK = 0,  /* an answer came, whatever its status */
  HR_HTTPC_REFUSED, /* connection refused */
  HR_HTTPC_TIMEOUT, /* no connection or no (whole) answer in time */
  HR_HTTPC_RESOLVE, /* the host name does not resolve */
  HR_HTTPC_TOOBIG,  /* the answer is larger than max_body (cut_body 0) */
  HR_HTTPC_FAIL,    /* anything else (TLS, a bad URL, libcurl not initialised) */
};

struct hr_httpc_resp {
  long status; /* the HTTP status; 0 without an answer */
  char *body;  /* the answer, NUL-terminated, never NULL (httpc_resp_free) */
  size_t n;
  int cut;         /* the answer was longer than max_body and was cut */
  char error[512]; /* unless HR_HTTPC_OK: "<name>: connection refused",
                    * "<name>: no answer within 5s", "<name>: no connection within 2s",
                    * "<name>: cannot resolve the host name", "<name>: the answer is
                    * larger than 64 MiB", "<name>: <libcurl's message>" */
};

/* A client that keeps its connections open between requests (one thread at
 * a time). Never NULL; httpc_free(NULL) does nothing. */
struct hr_httpc *httpc_new(void);
void httpc_free(struct hr_httpc *c);

/* POST rq->body to rq->url. c NULL: a client for this request alone. *out
 * is always filled; free it with httpc_resp_free(). */
enum hr_httpc_rc httpc_post(struct hr_httpc *c, const struct hr_httpc_req *rq, struct hr_httpc_resp *out /* OUT */);
void httpc_resp_free(struct hr_httpc_resp *r);

/* The start of the answer for a message: its first 200 bytes on one line
 * (tabs and line breaks as spaces, other control bytes as '?', trailing
 * spaces dropped) into out[0..n). */
void httpc_body_line(const struct hr_httpc_resp *r, char *out, size_t n);

/* s percent-encoded for a URL or a form value (malloc'd). */
char *httpc_urlencode(const char *s);

#endif
