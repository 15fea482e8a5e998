/* httpc.c -- see httpc.h. */
#include "net/httpc.h"

#include <curl/curl.h>
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/xmalloc.h"

static pthread_once_t curl_once = PTHREAD_ONCE_INIT;
static void curl_init_once(void) {
  curl_global_init(CURL_GLOBAL_DEFAULT);
}

struct hr_httpc {
  CURL *h; /* NULL when libcurl could not make one */
};

struct hr_httpc *httpc_new(void) {
  pthread_once(&curl_once, curl_init_once);
  struct hr_httpc *c = xcalloc(1, sizeof *c);
  c->h = curl_easy_init();
  return c;
}

void httpc_free(struct hr_httpc *c) {
  if (c == NULL)
    return;
  if (c->h != NULL)
    curl_easy_cleanup(c->h);
  free(c);
}

void httpc_resp_free(struct hr_httpc_resp *r) {
  free(r->body);
  r->body = NULL;
  r->n = 0;
}

/* The answer, up to max bytes (see cut_body). */
struct sink {
  char *p;
  size_t n, cap, max;
  int cut_mode, cut, over;
};

static size_t sink_write(char *p, size_t size, size_t nmemb, void *ud) {
  struct sink *s = ud;
  size_t len = size * nmemb, take = len;
  if (len > s->max - s->n) {
    if (!s->cut_mode) {
      s->over = 1;
      return 0; /* curl stops with CURLE_WRITE_ERROR */
    }
    take = s->max - s->n;
    s->cut = 1;
  }
  if (s->n + take + 1 > s->cap) {
    size_t nc = s->cap ? s->cap : 4096;
    while (nc < s->n + take + 1)
      nc *= 2;
    s->p = xrealloc(s->p, nc);
    s->cap = nc;
  }
  memcpy(s->p + s->n, p, take);
  s->n += take;
  s->p[s->n] = '\0';
  return len;
}

/* "5s", "300ms". */
static void fmt_secs(int64_t us, char *buf, size_t n) {
  if (us % 1000000 == 0)
    snprintf(buf, n, "%llds", (long long)(us / 1000000));
  else
    snprintf(buf, n, "%lldms", (long long)(us / 1000));
}

static long ms_of(int64_t us) {
  return us / 1000 > 0 ? (long)(us / 1000) : 1L;
}

/* The request onto h (reset first: nothing carries over but connections). */
static void setup(CURL *h, const struct hr_httpc_req *rq, struct curl_slist *hdr, struct sink *sk, char *ebuf) {
  curl_easy_reset(h);
  curl_easy_setopt(h, CURLOPT_URL, rq->url);
  curl_easy_setopt(h, CURLOPT_POST, 1L);
  curl_easy_setopt(h, CURLOPT_POSTFIELDS, rq->body ? rq->body : "");
  curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)(rq->body ? rq->body_len : 0));
  curl_easy_setopt(h, CURLOPT_HTTPHEADER, hdr);
  if (rq->user != NULL) {
    curl_easy_setopt(h, CURLOPT_HTTPAUTH, (long)CURLAUTH_BASIC);
    curl_easy_setopt(h, CURLOPT_USERNAME, rq->user);
    curl_easy_setopt(h, CURLOPT_PASSWORD, rq->password ? rq->password : "");
  }
  curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, ms_of(rq->timeout_us));
  curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS,
                   ms_of(rq->connect_timeout_us > 0 ? rq->connect_timeout_us : rq->timeout_us));
  curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(h, CURLOPT_USERAGENT, "headroom");
  if (rq->compressed)
    curl_easy_setopt(h, CURLOPT_ACCEPT_ENCODING, ""); /* every encoding libcurl decodes */
  curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, sink_write);
  curl_easy_setopt(h, CURLOPT_WRITEDATA, sk);
  curl_easy_setopt(h, CURLOPT_ERRORBUFFER, ebuf);
#if LIBCURL_VERSION_NUM >= 0x075500
  curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
#else
  curl_easy_setopt(h, CURLOPT_PROTOCOLS, (long)(CURLPROTO_HTTP | CURLPROTO_HTTPS));
#endif
}

static struct curl_slist *headers(const struct hr_httpc_req *rq) {
  struct curl_slist *hdr = NULL;
  char *line = xasprintf("Content-Type: %s", rq->content_type ? rq->content_type : "application/octet-stream");
  hdr = curl_slist_append(hdr, line);
  free(line);
  if (rq->accept != NULL) {
    line = xasprintf("Accept: %s", rq->accept);
    hdr = curl_slist_append(hdr, line);
    free(line);
  }
  hdr = curl_slist_append(hdr, "Expect:");
  if (rq->bearer != NULL) {
    line = xasprintf("Authorization: Bearer %s", rq->bearer);
    hdr = curl_slist_append(hdr, line);
    free(line);
  }
  return hdr;
}

/* What went wrong when no answer came, into r->error. */
static enum hr_httpc_rc why(CURL *h, CURLcode cc, const struct hr_httpc_req *rq, const struct sink *sk,
                            const char *ebuf, struct hr_httpc_resp *r) {
  const char *name = rq->name ? rq->name : rq->url;
  char t[32];
  long oserr = 0;
  curl_easy_getinfo(h, CURLINFO_OS_ERRNO, &oserr);
  if (sk->over) {
    if (rq->max_body % (1u << 20) == 0)
      snprintf(t, sizeof t, "%zu MiB", rq->max_body >> 20);
    else
      snprintf(t, sizeof t, "%zu bytes", rq->max_body);
    snprintf(r->error, sizeof r->error, "%s: the answer is larger than %s", name, t);
    return HR_HTTPC_TOOBIG;
  }
  if (cc == CURLE_COULDNT_CONNECT && oserr == ECONNREFUSED) {
    snprintf(r->error, sizeof r->error, "%s: connection refused", name);
    return HR_HTTPC_REFUSED;
  }
  if (cc == CURLE_OPERATION_TIMEDOUT) {
    /* Said as the connect timeout only when it is a separate, shorter one
     * and no connection was made. */
    curl_off_t connected = 0;
    curl_easy_getinfo(h, CURLINFO_CONNECT_TIME_T, &connected);
    int64_t ct = rq->connect_timeout_us;
    if (ct > 0 && ct < rq->timeout_us && connected == 0) {
      fmt_secs(ct, t, sizeof t);
      snprintf(r->error, sizeof r->error, "%s: no connection within %s", name, t);
    } else {
      fmt_secs(rq->timeout_us, t, sizeof t);
      snprintf(r->error, sizeof r->error, "%s: no answer within %s", name, t);
    }
    return HR_HTTPC_TIMEOUT;
  }
  if (cc == CURLE_COULDNT_RESOLVE_HOST) {
    snprintf(r->error, sizeof r->error, "%s: cannot resolve the host name", name);
    return HR_HTTPC_RESOLVE;
  }
  snprintf(r->error, sizeof r->error, "%s: %s", name, ebuf[0] ? ebuf : curl_easy_strerror(cc));
  return HR_HTTPC_FAIL;
}

enum hr_httpc_rc httpc_post(struct hr_httpc *c, const struct hr_httpc_req *rq, struct hr_httpc_resp *out) {
  memset(out, 0, sizeof *out);
  struct hr_httpc *own = c == NULL ? httpc_new() : NULL;
  CURL *h = c != NULL ? c->h : own->h;
  struct sink sk = {.max = rq->max_body, .cut_mode = rq->cut_body};
  enum hr_httpc_rc rc = HR_HTTPC_OK;
  if (h == NULL) {
    snprintf(out->error, sizeof out->error, "%s: libcurl could not be initialised", rq->name ? rq->name : rq->url);
    rc = HR_HTTPC_FAIL;
  } else {
    char ebuf[CURL_ERROR_SIZE] = "";
    struct curl_slist *hdr = headers(rq);
    setup(h, rq, hdr, &sk, ebuf);
    CURLcode cc = curl_easy_perform(h);
    if (cc == CURLE_OK)
      curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &out->status);
    else
      rc = why(h, cc, rq, &sk, ebuf, out);
    curl_easy_setopt(h, CURLOPT_ERRORBUFFER, NULL); /* ebuf dies here */
    curl_easy_setopt(h, CURLOPT_HTTPHEADER, NULL);
    curl_slist_free_all(hdr);
  }
  out->body = sk.p != NULL ? sk.p : xstrdup("");
  out->n = sk.n;
  out->cut = sk.cut;
  httpc_free(own);
  return rc;
}

void httpc_body_line(const struct hr_httpc_resp *r, char *out, size_t n) {
  size_t k = 0;
  if (n == 0)
    return;
  for (size_t i = 0; i < r->n && k + 1 < n && k < 200; i++) {
    unsigned char ch = (unsigned char)r->body[i];
    out[k++] = ch == '\n' || ch == '\r' || ch == '\t' ? ' ' : ch < 0x20 ? '?' : (char)ch;
  }
  while (k > 0 && out[k - 1] == ' ')
    k--;
  out[k] = '\0';
}

char *httpc_urlencode(const char *s) {
  pthread_once(&curl_once, curl_init_once);
  char *e = curl_easy_escape(NULL, s, 0);
  char *r = xstrdup(e ? e : "");
  curl_free(e);
  return r;
}
