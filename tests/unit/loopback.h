/* loopback.h -- for the tests of HTTP clients: a TCP port on 127.0.0.1 that
 * the kernel picked. fd NULL: nobody listens on it (its socket is closed, so
 * a connection is refused); else *fd listens on it (backlog 8) and accepts
 * only when the test does (a client connects, and waits for an answer).
 * Include after <cmocka.h>. */
#ifndef HR_TEST_LOOPBACK_H
#define HR_TEST_LOOPBACK_H

#include <arpa/inet.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static unsigned loopback_port(int *fd) {
  int s = socket(AF_INET, SOCK_STREAM, 0);
  assert_true(s >= 0);
  struct sockaddr_in a;
  memset(&a, 0, sizeof a);
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  assert_int_equal(bind(s, (struct sockaddr *)&a, sizeof a), 0);
  socklen_t l = sizeof a;
  assert_int_equal(getsockname(s, (struct sockaddr *)&a, &l), 0);
  if (fd != NULL) {
    assert_int_equal(listen(s, 8), 0);
    *fd = s;
  } else {
    close(s);
  }
  return ntohs(a.sin_port);
}

#endif
