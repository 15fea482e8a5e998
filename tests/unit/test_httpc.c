/* test_httpc.c -- the HTTP client (net/httpc.h) against a libmicrohttpd
 * receiver on 127.0.0.1: what a POST sends (body, content type, accept,
 * bearer and basic auth, no Expect), status and answer, an answer cut or
 * refused past max_body, a kept-open client used twice, and the messages
 * for a refused connection and a timeout. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "loopback.h"
#include "net/httpc.h"
#include "util/xmalloc.h"

/* The receiver: answers every request with status/answer, keeps the last one. */
static struct {
  struct MHD_Daemon *d;
  unsigned port;
  unsigned status;
  const char *answer;
  int nreq;
  char method[16], ctype[64], accept[64], auth[128], expect[32], agent[32], body[256];
} rx;

static void keep(struct MHD_Connection *c, const char *h, char *dst, size_t n) {
  const char *v = MHD_lookup_connection_value(c, MHD_HEADER_KIND, h);
  snprintf(dst, n, "%s", v ? v : "");
}

static enum MHD_Result handler(void *cls, struct MHD_Connection *c, const char *url, const char *method,
                               const char *version, const char *upload, size_t *upload_size, void **con_cls) {
  (void)cls;
  (void)url;
  (void)version;
  static int started;
  if (*con_cls == NULL) { /* headers only: say go on */
    *con_cls = &started;
    rx.body[0] = '\0';
    return MHD_YES;
  }
  if (*upload_size > 0) {
    size_t have = strlen(rx.body), take = *upload_size < sizeof rx.body - 1 - have ? *upload_size : 0;
    memcpy(rx.body + have, upload, take);
    rx.body[have + take] = '\0';
    *upload_size = 0;
    return MHD_YES;
  }
  rx.nreq++;
  snprintf(rx.method, sizeof rx.method, "%s", method);
  keep(c, "Content-Type", rx.ctype, sizeof rx.ctype);
  keep(c, "Accept", rx.accept, sizeof rx.accept);
  keep(c, "Authorization", rx.auth, sizeof rx.auth);
  keep(c, "Expect", rx.expect, sizeof rx.expect);
  keep(c, "User-Agent", rx.agent, sizeof rx.agent);
  struct MHD_Response *r =
      MHD_create_response_from_buffer(strlen(rx.answer), (void *)(uintptr_t)rx.answer, MHD_RESPMEM_PERSISTENT);
  enum MHD_Result ok = MHD_queue_response(c, rx.status, r);
  MHD_destroy_response(r);
  return ok;
}

static int rx_start(void **state) {
  (void)state;
  memset(&rx, 0, sizeof rx);
  rx.status = 200;
  rx.answer = "";
  struct sockaddr_in sa = {0};
  sa.sin_family = AF_INET;
  sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  rx.d = MHD_start_daemon(MHD_USE_INTERNAL_POLLING_THREAD, 0, NULL, NULL, handler, NULL, MHD_OPTION_SOCK_ADDR,
                          (struct sockaddr *)&sa, MHD_OPTION_END);
  if (rx.d == NULL)
    return -1;
  rx.port = MHD_get_daemon_info(rx.d, MHD_DAEMON_INFO_BIND_PORT)->port;
  return 0;
}

static int rx_stop(void **state) {
  (void)state;
  MHD_stop_daemon(rx.d);
  return 0;
}

static struct hr_httpc_req req(const char *url, const char *body) {
  struct hr_httpc_req rq = {.url = url,
                            .body = body,
                            .body_len = strlen(body),
                            .content_type = "application/json",
                            .timeout_us = 2000000,
                            .max_body = 1024};
  return rq;
}

static void test_post(void **state) {
  (void)state;
  char url[64];
  snprintf(url, sizeof url, "http://127.0.0.1:%u/hook", rx.port);
  struct hr_httpc_resp r;
  rx.status = 202;
  rx.answer = "accepted\n";
  struct hr_httpc_req rq = req(url, "{\"a\":1}");
  rq.accept = "application/json";
  rq.bearer = "s3cret";
  assert_int_equal(httpc_post(NULL, &rq, &r), HR_HTTPC_OK);
  assert_int_equal(r.status, 202);
  assert_string_equal(r.body, "accepted\n");
  assert_int_equal(r.n, 9);
  assert_int_equal(r.cut, 0);
  httpc_resp_free(&r);
  assert_string_equal(rx.method, "POST");
  assert_string_equal(rx.body, "{\"a\":1}");
  assert_string_equal(rx.ctype, "application/json");
  assert_string_equal(rx.accept, "application/json");
  assert_string_equal(rx.auth, "Bearer s3cret");
  assert_string_equal(rx.expect, "");
  assert_string_equal(rx.agent, "headroom");

  /* a kept-open client, twice; basic auth; an error status is an answer */
  struct hr_httpc *hc = httpc_new();
  rx.status = 500;
  rx.answer = "receiver\tdown\r\nfor a test\n\n";
  rq = req(url, "x=1");
  rq.content_type = "application/x-www-form-urlencoded";
  rq.user = "ann";
  rq.password = "pw";
  assert_int_equal(httpc_post(hc, &rq, &r), HR_HTTPC_OK);
  assert_int_equal(r.status, 500);
  char line[64];
  httpc_body_line(&r, line, sizeof line);
  assert_string_equal(line, "receiver down  for a test");
  httpc_resp_free(&r);
  assert_string_equal(rx.auth, "Basic YW5uOnB3"); /* ann:pw */
  assert_string_equal(rx.accept, "*/*");          /* none asked: libcurl's default */
  rq = req(url, "");                              /* nothing of the last request carries over */
  rx.status = 200;
  rx.answer = "ok";
  assert_int_equal(httpc_post(hc, &rq, &r), HR_HTTPC_OK);
  assert_string_equal(rx.auth, "");
  assert_string_equal(rx.ctype, "application/json");
  httpc_resp_free(&r);
  httpc_free(hc);
}

static void test_answer_bounds(void **state) {
  (void)state;
  char url[64];
  snprintf(url, sizeof url, "http://127.0.0.1:%u/", rx.port);
  struct hr_httpc_resp r;
  rx.answer = "0123456789abcdef";
  struct hr_httpc_req rq = req(url, "{}");
  rq.max_body = 10;
  rq.cut_body = 1;
  assert_int_equal(httpc_post(NULL, &rq, &r), HR_HTTPC_OK);
  assert_int_equal(r.cut, 1);
  assert_int_equal(r.n, 10);
  assert_string_equal(r.body, "0123456789");
  httpc_resp_free(&r);
  rq.cut_body = 0;
  rq.name = "the receiver";
  assert_int_equal(httpc_post(NULL, &rq, &r), HR_HTTPC_TOOBIG);
  assert_string_equal(r.error, "the receiver: the answer is larger than 10 bytes");
  httpc_resp_free(&r);
  rq.max_body = 16; /* exactly: fits */
  assert_int_equal(httpc_post(NULL, &rq, &r), HR_HTTPC_OK);
  assert_string_equal(r.body, "0123456789abcdef");
  httpc_resp_free(&r);
}

static void test_no_answer(void **state) {
  (void)state;
  char url[64];
  snprintf(url, sizeof url, "http://127.0.0.1:%u/api", loopback_port(NULL));
  struct hr_httpc_resp r;
  struct hr_httpc_req rq = req(url, "{}");
  assert_int_equal(httpc_post(NULL, &rq, &r), HR_HTTPC_REFUSED);
  char want[128];
  snprintf(want, sizeof want, "%s: connection refused", url);
  assert_string_equal(r.error, want);
  assert_int_equal(r.status, 0);
  assert_non_null(r.body);
  httpc_resp_free(&r);
  /* connected (the kernel's backlog) but never answered */
  int fd;
  snprintf(url, sizeof url, "http://127.0.0.1:%u/api", loopback_port(&fd));
  rq = req(url, "{}");
  rq.name = "prom";
  rq.timeout_us = 300000;
  assert_int_equal(httpc_post(NULL, &rq, &r), HR_HTTPC_TIMEOUT);
  assert_string_equal(r.error, "prom: no answer within 300ms");
  httpc_resp_free(&r);
  close(fd);
  /* not http(s) */
  rq = req("file:///etc/passwd", "{}");
  assert_int_equal(httpc_post(NULL, &rq, &r), HR_HTTPC_FAIL);
  assert_int_equal(strncmp(r.error, "file:///etc/passwd: ", 20), 0);
  httpc_resp_free(&r);
}

static void test_urlencode(void **state) {
  (void)state;
  char *e = httpc_urlencode("up{job=\"a b\"}&x");
  assert_string_equal(e, "up%7Bjob%3D%22a%20b%22%7D%26x");
  free(e);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_post),
      cmocka_unit_test(test_answer_bounds),
      cmocka_unit_test(test_no_answer),
      cmocka_unit_test(test_urlencode),
  };
  return cmocka_run_group_tests(tests, rx_start, rx_stop);
}
