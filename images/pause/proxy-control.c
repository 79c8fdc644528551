/*
 * The Service proxy's control channel: podrun hands the proxy a new config over one
 * TCP connection to the proxy's own address, instead of a put_archive of the file
 * and a SIGHUP (two engine calls, ~80 ms: the engine re-execs itself to untar). The
 * file stays the proxy's record: a config taken here is saved to it (write and
 * rename) before it is applied, so a restarted proxy starts from it.
 *
 * Request (the client then shuts down its write side):
 *   podrun-proxy-control TOKEN
 *   <a whole config file, as proxy.c describes it>
 * Reply: "ok\n" once the config is saved and in force, else "error: WHY\n" and the
 * running config stays. The token (random, per proxy container, given in the
 * environment) keeps the namespace's pods, which reach the proxy's address too, from
 * rewriting its endpoints. One request at a time: while one is being read the
 * listener is out of the epoll set, so others wait in its backlog; a request not
 * complete within CONTROL_TIMEOUT_MS is ended.
 */
#define _GNU_SOURCE
#include "proxy-control.h"

#include "common.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#define CONTROL_MAX (65536 + 256)
#define CONTROL_TIMEOUT_MS 2000
#define TOKEN_MAX 128

static const char HEADER[] = "podrun-proxy-control ";

static struct {
  int epfd;
  int lfd;
  unsigned long long listen_tag, conn_tag;
  control_apply_fn apply;
  char token[TOKEN_MAX + 1];
  /* The request being read: fd -1 when there is none. */
  int fd;
  int len;
  long deadline;
  char buf[CONTROL_MAX + 1];
} ctl = {.epfd = -1, .lfd = -1, .fd = -1};

static void say(const char *fmt, const char *a, const char *b) {
  say_as("podrun-proxy", fmt, a, b);
}

static void watch(int fd, unsigned long long tag) {
  struct epoll_event ev = {.events = EPOLLIN, .data.u64 = tag};
  epoll_ctl(ctl.epfd, EPOLL_CTL_ADD, fd, &ev);
}

int control_start(const char *spec, int epfd, unsigned long long listen_tag,
                  unsigned long long conn_tag, control_apply_fn apply) {
  char *end;
  long port = strtol(spec, &end, 10);
  const char *token = *end == ' ' ? end + 1 : "";
  size_t token_len = strlen(token);
  if (port < 1 || port > 65535 || token_len < 16 || token_len > TOKEN_MAX) {
    say("control: PODRUN_PROXY_CONTROL is not \"PORT TOKEN\"%s%s", " (config file only)", "");
    return -1;
  }
  memcpy(ctl.token, token, token_len + 1);
  ctl.epfd = epfd;
  ctl.listen_tag = listen_tag;
  ctl.conn_tag = conn_tag;
  ctl.apply = apply;
  ctl.lfd = bind_any(SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, (int)port);
  if (ctl.lfd < 0 || listen(ctl.lfd, 16) < 0) {
    char line[64];
    snprintf(line, sizeof line, "control: listen tcp/%ld", port);
    say("%s: %s (config file only)", line, strerror(errno));
    if (ctl.lfd >= 0) close(ctl.lfd);
    ctl.lfd = -1;
    return -1;
  }
  watch(ctl.lfd, listen_tag);
  return 0;
}

static void finish(const char *reply) {
  send(ctl.fd, reply, strlen(reply), MSG_DONTWAIT | MSG_NOSIGNAL);
  epoll_ctl(ctl.epfd, EPOLL_CTL_DEL, ctl.fd, NULL);
  close(ctl.fd);
  ctl.fd = -1;
  watch(ctl.lfd, ctl.listen_tag); /* the next request */
}

void control_on_listener(void) {
  if (ctl.fd >= 0) return;
  int fd = accept4(ctl.lfd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
  if (fd < 0) return;
  ctl.fd = fd;
  ctl.len = 0;
  ctl.deadline = now_ms() + CONTROL_TIMEOUT_MS;
  epoll_ctl(ctl.epfd, EPOLL_CTL_DEL, ctl.lfd, NULL);
  watch(fd, ctl.conn_tag);
}

/* Compares all of both, so the time taken says nothing about the token. */
static int token_matches(const char *given, size_t len) {
  size_t want = strlen(ctl.token);
  unsigned diff = (unsigned)(len ^ want);
  for (size_t i = 0; i < want; i++) diff |= (unsigned char)(ctl.token[i] ^ (i < len ? given[i] : 0));
  return diff == 0;
}

static void handle_request(void) {
  ctl.buf[ctl.len] = 0;
  char *newline = memchr(ctl.buf, '\n', (size_t)ctl.len);
  size_t header = sizeof HEADER - 1;
  if (!newline || (size_t)(newline - ctl.buf) < header || memcmp(ctl.buf, HEADER, header) != 0 ||
      !token_matches(ctl.buf + header, (size_t)(newline - ctl.buf) - header)) {
    say("control: refused a request without this proxy's token%s%s", "", "");
    finish("error: refused\n");
    return;
  }
  const char *text = newline + 1;
  int len = ctl.len - (int)(text - ctl.buf);
  char err[600], reply[640];
  if (ctl.apply(text, len, err, sizeof err) < 0) {
    say("control: %s%s", err, " (keeping the current config)");
    snprintf(reply, sizeof reply, "error: %s\n", err);
    finish(reply);
    return;
  }
  finish("ok\n");
}

void control_on_connection(void) {
  if (ctl.fd < 0) return;
  for (;;) {
    if (ctl.len >= CONTROL_MAX) {
      finish("error: request larger than 64 KiB\n");
      return;
    }
    ssize_t n = recv(ctl.fd, ctl.buf + ctl.len, (size_t)(CONTROL_MAX - ctl.len), MSG_DONTWAIT);
    if (n > 0) {
      ctl.len += (int)n;
      continue;
    }
    if (n == 0) {
      handle_request();
    } else if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR) {
      finish("");
    }
    return;
  }
}

void control_tick(long now) {
  if (ctl.fd >= 0 && now >= ctl.deadline) finish("error: request not complete in time\n");
}
