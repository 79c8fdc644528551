/*
 * podrun's pause (infra) container process.
 *
 * It holds the pod's network and IPC namespaces open and does nothing else:
 *  - it is PID 1 in its container, so the kernel drops signals it has no handler
 *    for (even SIGTERM from `docker stop`); we install handlers so SIGTERM/SIGINT
 *    end it at once with status 0 and `docker stop` returns immediately instead of
 *    waiting out the grace period for SIGKILL. This holds for any uid: the image
 *    runs it as 65535:65535 like the Kubernetes pause, and the runtime (root) may
 *    still signal it;
 *  - with a shared PID namespace it is the pod's init: orphans are re-parented to
 *    it, so it reaps every exited child on SIGCHLD to keep zombies from piling up;
 *  - otherwise it sleeps in pause(2), costing no CPU.
 *
 * It is also podrun's prober. The pause container lives in the pod's network
 * namespace, so `docker exec <pause> /pause probe-tcp 127.0.0.1 8080 1000` reaches the
 * pod's ports on every engine (Docker Desktop included, where the host cannot route
 * to the pod IP) and needs nothing in the app image (no curl, wget or nc):
 *   /pause probe-tcp  HOST PORT TIMEOUT_MS
 *   /pause probe-http HOST PORT PATH TIMEOUT_MS [Name:Value]...
 * Exit 0 = success (TCP connected; HTTP status 200-399), 1 = failure, with one line
 * on stdout saying why. And it is `podrun port-forward`'s relay, exec'd the same way
 * once per forwarded connection: `/pause relay-tcp HOST PORT` (relay.c). These run
 * only as exec'd helpers, never as PID 1: the PID-1 behaviour below is unchanged.
 *
 * And it is podrun's Service proxy: `/pause --proxy CONFIG_FILE` runs as PID 1 of a
 * Service's proxy container and forwards the Service's ports to its Ready
 * endpoints (proxy.c describes the config and the bounds). And `/pause --dns FILE`
 * is a namespace's resolver for its headless Services (dns.c).
 * Written from the behaviour the Kubernetes docs describe, not from its source.
 * Built static (scripts/build-pause.sh) so the image can be FROM scratch.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "common.h"
#include "dns.h"
#include "proxy.h"
#include "relay.h"

#ifndef PODRUN_PAUSE_VERSION
#define PODRUN_PAUSE_VERSION "dev"
#endif

static void on_terminate(int sig) {
  (void)sig;
  _exit(0);
}

/* Reap every child that has exited; WNOHANG so a live child never blocks us. */
static void reap_all(void) {
  int saved = errno;
  while (waitpid(-1, NULL, WNOHANG) > 0) {
  }
  errno = saved;
}

static void on_child(int sig) {
  (void)sig;
  reap_all();
}

static int probe_tcp(int argc, char **argv) {
  if (argc < 5) {
    puts("usage: pause probe-tcp HOST PORT TIMEOUT_MS");
    return 2;
  }
  int fd = connect_deadline(argv[2], argv[3], now_ms() + atol(argv[4]), stdout);
  if (fd < 0) return 1;
  close(fd);
  printf("connected to %s:%s\n", argv[2], argv[3]);
  return 0;
}

/* Write all of buf before the deadline. */
static int send_all(int fd, const char *buf, size_t len, long deadline) {
  while (len > 0) {
    struct pollfd p = {fd, POLLOUT, 0};
    long left = deadline - now_ms();
    if (left <= 0 || poll(&p, 1, (int)left) != 1) return -1;
    ssize_t n = send(fd, buf, len, MSG_NOSIGNAL);
    if (n < 0) {
      if (errno == EAGAIN || errno == EINTR) continue;
      return -1;
    }
    buf += n;
    len -= (size_t)n;
  }
  return 0;
}

/* GET like the kubelet: HTTP/1.1, User-Agent kube-probe, 200-399 is success. */
static int probe_http(int argc, char **argv) {
  if (argc < 6) {
    puts("usage: pause probe-http HOST PORT PATH TIMEOUT_MS [Name:Value]...");
    return 2;
  }
  const char *host = argv[2], *port = argv[3], *path = argv[4];
  long deadline = now_ms() + atol(argv[5]);
  int fd = connect_deadline(host, port, deadline, stdout);
  if (fd < 0) return 1;
  static char req[16384];
  int have_host = 0, have_agent = 0, have_accept = 0;
  for (int i = 6; i < argc; i++) {
    if (strncasecmp(argv[i], "host:", 5) == 0) have_host = 1;
    if (strncasecmp(argv[i], "user-agent:", 11) == 0) have_agent = 1;
    if (strncasecmp(argv[i], "accept:", 7) == 0) have_accept = 1;
  }
  int n = snprintf(req, sizeof req, "GET %s HTTP/1.1\r\n", path[0] ? path : "/");
  if (!have_host) {
    int v6 = strchr(host, ':') != NULL;
    n += snprintf(req + n, sizeof req - n, "Host: %s%s%s:%s\r\n", v6 ? "[" : "", host,
                  v6 ? "]" : "", port);
  }
  if (!have_agent) n += snprintf(req + n, sizeof req - n, "User-Agent: kube-probe/podrun\r\n");
  if (!have_accept) n += snprintf(req + n, sizeof req - n, "Accept: */*\r\n");
  for (int i = 6; i < argc && n < (int)sizeof req; i++) {
    n += snprintf(req + n, sizeof req - n, "%s\r\n", argv[i]);
  }
  if (n < (int)sizeof req) n += snprintf(req + n, sizeof req - n, "Connection: close\r\n\r\n");
  if (n >= (int)sizeof req) {
    puts("request headers too long");
    close(fd);
    return 1;
  }
  if (send_all(fd, req, (size_t)n, deadline) < 0) {
    puts("sending the request failed or timed out");
    close(fd);
    return 1;
  }
  char buf[512];
  size_t got = 0;
  while (got < sizeof buf - 1 && memchr(buf, '\n', got) == NULL) {
    struct pollfd p = {fd, POLLIN, 0};
    long left = deadline - now_ms();
    if (left <= 0 || poll(&p, 1, (int)left) != 1) {
      puts("timed out waiting for the response");
      close(fd);
      return 1;
    }
    ssize_t r = recv(fd, buf + got, sizeof buf - 1 - got, 0);
    if (r < 0 && (errno == EAGAIN || errno == EINTR)) continue;
    if (r <= 0) break;
    got += (size_t)r;
  }
  close(fd);
  buf[got] = 0;
  char *eol = strpbrk(buf, "\r\n");
  if (eol) *eol = 0;
  int status = 0;
  if (sscanf(buf, "HTTP/%*d.%*d %d", &status) != 1 && sscanf(buf, "HTTP/%*d %d", &status) != 1) {
    printf("malformed response: %.80s\n", buf);
    return 1;
  }
  printf("%s\n", buf);
  return status >= 200 && status < 400 ? 0 : 1;
}

int main(int argc, char **argv) {
  if (argc > 1 && (strcmp(argv[1], "-v") == 0 || strcmp(argv[1], "--version") == 0)) {
    /* The second line lets podrun tell this prober-capable binary from older ones
     * (and from the upstream pause), which must never be exec'd with probe args. */
    puts("podrun-pause " PODRUN_PAUSE_VERSION);
    puts("features: probe-tcp probe-http proxy proxy-control dns relay-tcp");
    return 0;
  }
  if (argc > 1 && strcmp(argv[1], "probe-tcp") == 0) return probe_tcp(argc, argv);
  if (argc > 1 && strcmp(argv[1], "probe-http") == 0) return probe_http(argc, argv);
  if (argc > 1 && strcmp(argv[1], "relay-tcp") == 0) return relay_main(argc, argv);
  if (argc > 1 && strcmp(argv[1], "--proxy") == 0) {
    if (argc != 3) {
      fputs("usage: pause --proxy CONFIG_FILE\n", stderr);
      return 2;
    }
    return proxy_main(argv[2]);
  }
  if (argc > 1 && strcmp(argv[1], "--dns") == 0) return dns_main(argc, argv);
  if (getpid() != 1) {
    fputs("podrun-pause: warning: not running as PID 1\n", stderr);
  }

  struct sigaction term = {0};
  term.sa_handler = on_terminate;
  sigemptyset(&term.sa_mask);
  if (sigaction(SIGTERM, &term, NULL) < 0 || sigaction(SIGINT, &term, NULL) < 0) {
    perror("podrun-pause: sigaction");
    return 1;
  }

  struct sigaction child = {0};
  child.sa_handler = on_child;
  sigemptyset(&child.sa_mask);
  child.sa_flags = SA_NOCLDSTOP | SA_RESTART;
  if (sigaction(SIGCHLD, &child, NULL) < 0) {
    perror("podrun-pause: sigaction");
    return 1;
  }
  /* A child that exited before the handler was installed sent its SIGCHLD to the
   * default (ignore) disposition; collect it now. */
  reap_all();

  for (;;) {
    pause();
  }
}
