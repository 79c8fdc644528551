/* See common.h. */
#include "common.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

volatile sig_atomic_t reload_requested;

long now_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec * 1000L + ts.tv_nsec / 1000000L;
}

int connect_deadline(const char *host, const char *port, long deadline, FILE *report) {
  struct sockaddr_storage addr = {0};
  socklen_t len;
  int portnum = atoi(port);
  const char *ip = strcmp(host, "localhost") == 0 ? "127.0.0.1" : host;
  struct sockaddr_in *v4 = (struct sockaddr_in *)&addr;
  struct sockaddr_in6 *v6 = (struct sockaddr_in6 *)&addr;
  if (inet_pton(AF_INET, ip, &v4->sin_addr) == 1) {
    v4->sin_family = AF_INET;
    v4->sin_port = htons((unsigned short)portnum);
    len = sizeof *v4;
  } else if (inet_pton(AF_INET6, ip, &v6->sin6_addr) == 1) {
    v6->sin6_family = AF_INET6;
    v6->sin6_port = htons((unsigned short)portnum);
    len = sizeof *v6;
  } else {
    fprintf(report, "cannot resolve %s: only IP addresses are taken\n", host);
    return -1;
  }
  int fd = socket(addr.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) {
    fprintf(report, "socket: %s\n", strerror(errno));
    return -1;
  }
  if (connect(fd, (struct sockaddr *)&addr, len) == 0) return fd;
  if (errno != EINPROGRESS) {
    fprintf(report, "connect %s:%s: %s\n", host, port, strerror(errno));
    close(fd);
    return -1;
  }
  struct pollfd p = {fd, POLLOUT, 0};
  long left = deadline - now_ms();
  if (left <= 0 || poll(&p, 1, (int)left) != 1) {
    fprintf(report, "connect %s:%s: timed out\n", host, port);
    close(fd);
    return -1;
  }
  int err = 0;
  socklen_t errlen = sizeof err;
  getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &errlen);
  if (err != 0) {
    fprintf(report, "connect %s:%s: %s\n", host, port, strerror(err));
    close(fd);
    return -1;
  }
  return fd;
}

int bind_any(int type, int port) {
  int one = 1, zero = 0;
  int fd = socket(AF_INET6, type, 0);
  if (fd >= 0) {
    struct sockaddr_in6 a6 = {0};
    a6.sin6_family = AF_INET6;
    a6.sin6_addr = in6addr_any;
    a6.sin6_port = htons((unsigned short)port);
    setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &zero, sizeof zero);
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    if (bind(fd, (struct sockaddr *)&a6, sizeof a6) == 0) return fd;
    close(fd);
  }
  /* No IPv6 in this namespace: IPv4 only. */
  fd = socket(AF_INET, type, 0);
  if (fd < 0) return -1;
  struct sockaddr_in a4 = {0};
  a4.sin_family = AF_INET;
  a4.sin_addr.s_addr = htonl(INADDR_ANY);
  a4.sin_port = htons((unsigned short)port);
  setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  if (bind(fd, (struct sockaddr *)&a4, sizeof a4) < 0) {
    int e = errno;
    close(fd);
    errno = e;
    return -1;
  }
  return fd;
}

void say_as(const char *who, const char *fmt, const char *a, const char *b) {
  fprintf(stderr, "%s: ", who);
  fprintf(stderr, fmt, a, b);
  fputc('\n', stderr);
}

int install_handler(int sig, void (*handler)(int), int flags) {
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = handler;
  sa.sa_flags = flags;
  sigemptyset(&sa.sa_mask);
  return sigaction(sig, &sa, NULL);
}

void exit_on_signal(int sig) {
  (void)sig;
  _exit(0);
}

void request_reload(int sig) {
  (void)sig;
  reload_requested = 1;
}

const char *read_if_changed(struct watched_file *wf, int forced) {
  char keeping[64];
  snprintf(keeping, sizeof keeping, " (keeping the current %s)", wf->what);
  int len = -1;
  int fd = open(wf->path, O_RDONLY | O_CLOEXEC);
  if (fd >= 0) {
    len = 0;
    ssize_t n;
    while (len <= wf->max && (n = read(fd, wf->text + len, (size_t)(wf->max + 1 - len))) > 0)
      len += (int)n;
    close(fd);
  }
  if (len < 0) {
    /* Missing: keep what runs (a replacing writer removes it first). Say so once. */
    if (wf->last_len != -2) {
      char line[512];
      snprintf(line, sizeof line, "%s: %s%s", wf->path, strerror(errno), keeping);
      say_as(wf->who, "%s%s", line, "");
    }
    wf->last_len = -2;
    return NULL;
  }
  if (!forced && len == wf->last_len && memcmp(wf->text, wf->last, (size_t)len) == 0) return NULL;
  memcpy(wf->last, wf->text, (size_t)len);
  wf->last_len = len;
  if (len > wf->max) {
    char line[512];
    snprintf(line, sizeof line, "%s: larger than %d KiB%s", wf->path, wf->max / 1024, keeping);
    say_as(wf->who, "%s%s", line, "");
    return NULL;
  }
  wf->text[len] = 0;
  return wf->text;
}
