/* The host's gauge: an HTTP server that answers every read with one fixed 200 response, a copy of
 * a GET /auth/session answer (below), on one epoll loop. It does no work of its own, so what it
 * reaches under the same wrk load and pinning is what this VM allows at that moment (its speed
 * swings with the other guests on the same cores; see docs/benchmarks.md).
 *   cc -O2 -o gauge bench/gauge.c && ./gauge PORT */
#define _GNU_SOURCE
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdlib.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

/* ignition-api's answer, field for field and byte for byte in length (values made up): the same
 * bytes cross loopback and wrk parses the same head, so only the server's own work differs. */
static const char response[] =
    "HTTP/1.1 200 OK\r\n"
    "Content-Type: application/json; charset=utf-8\r\n"
    "Set-Cookie: csrf_token=aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa; Path=/; Secure; SameSite=Lax; Max-Age=2591840\r\n"
    "X-CSRF-Token: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\r\n"
    "X-Request-Id: 000000000000000000000000\r\n"
    "Vary: Origin\r\n"
    "X-Content-Type-Options: nosniff\r\n"
    "X-Frame-Options: DENY\r\n"
    "Referrer-Policy: strict-origin-when-cross-origin\r\n"
    "Content-Security-Policy: default-src 'none'; frame-ancestors 'none'\r\n"
    "Cache-Control: no-store\r\n"
    "Strict-Transport-Security: max-age=31536000; includeSubDomains\r\n"
    "Content-Length: 434\r\n"
    "\r\n"
    "{\"user\":{\"id\":\"00000000-0000-0000-0000-000000000000\",\"email\":\"gauge1@example.com\",\"name\":\"Gauge 1\","
    "\"image\":null,\"role\":\"user\",\"tos_accepted_version\":null,\"tos_accepted_at\":null,\"age_verified\":false,"
    "\"created_at\":\"2026-01-01T00:00:00.000Z\"},\"session\":{\"id\":\"00000000-0000-0000-0000-000000000000\","
    "\"created_at\":\"2026-01-01T00:00:00.000Z\",\"expires_at\":\"2026-01-31T00:00:00.000Z\"},"
    "\"csrf_token\":\"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\"}";

int main(int argc, char** argv) {
  if (argc != 2) return 2;
  int one = 1;
  int listener = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
  setsockopt(listener, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  struct sockaddr_in address = {.sin_family = AF_INET, .sin_port = htons(atoi(argv[1])),
                                .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
  if (bind(listener, (struct sockaddr*)&address, sizeof address) != 0 || listen(listener, 1024) != 0) return 1;
  int poll = epoll_create1(0);
  struct epoll_event event = {.events = EPOLLIN, .data.fd = listener};
  epoll_ctl(poll, EPOLL_CTL_ADD, listener, &event);
  struct epoll_event events[128];
  char buffer[8192];
  for (;;) {
    int ready = epoll_wait(poll, events, 128, -1);
    for (int i = 0; i < ready; ++i) {
      int fd = events[i].data.fd;
      if (fd == listener) {
        for (int client; (client = accept4(listener, NULL, NULL, SOCK_NONBLOCK)) >= 0;) {
          setsockopt(client, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
          struct epoll_event e = {.events = EPOLLIN, .data.fd = client};
          epoll_ctl(poll, EPOLL_CTL_ADD, client, &e);
        }
      } else if (recv(fd, buffer, sizeof buffer, 0) <= 0) {
        close(fd);
      } else {
        send(fd, response, sizeof response - 1, MSG_NOSIGNAL);
      }
    }
  }
}
