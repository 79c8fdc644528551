/*
 * podrun's Service proxy: `/pause --proxy CONFIG_FILE`.
 *
 * One proxy container per Service, started from the same static binary as the
 * pause container (so it needs no image from a registry). It listens on every
 * service port of the config and forwards:
 *  - TCP: each new connection to the next endpoint, round robin. An endpoint whose
 *    connect fails (refused, unreachable, or no answer within 1 s) is skipped and
 *    the next one tried, so a backend that is going away costs the client nothing
 *    while another one answers. Bytes are copied both ways from one epoll loop
 *    (non-blocking, level-triggered); an EOF from one side becomes shutdown(SHUT_WR)
 *    on the other, so half-closing clients (HTTP/1.0, `nc`) work; a reset or error
 *    on one side resets the other.
 *  - UDP: one session per client address, bound to one endpoint (round robin when
 *    it starts), ended after 30 s without traffic either way (the kernel's conntrack
 *    default for UDP, which kube-proxy relies on); replies go back to the client from
 *    the listening socket, so the client sees the service address answer.
 * A port with no endpoints has no listening socket, so a client is refused at once
 * (TCP RST / ICMP port unreachable), as kube-proxy's REJECT rule does.
 *
 * The config (CONFIG_FILE) is re-read every 250 ms and on SIGHUP; it is applied
 * when its bytes changed and it parses completely, otherwise the previous config
 * stays in force and one line on stderr says why (file:line). Applying a config
 * never touches established connections: only new connections see new endpoints.
 * UDP sessions whose endpoint left the config are ended (kube-proxy clears their
 * conntrack entries for the same reason: the next datagram picks a live endpoint).
 * With PODRUN_PROXY_CONTROL ("PORT TOKEN") in its environment the proxy also takes a
 * whole config over TCP on PORT (proxy-control.c), saves it to CONFIG_FILE and
 * applies it at once: podrun's fast path, with the file and SIGHUP as the fallback.
 *
 *   podrun-proxy 1            first line: format and version
 *   # comment
 *   listen tcp 80             a service port: tcp|udp and the port to listen on
 *   to 172.18.0.5 8080        an endpoint of the listen line above: IP PORT
 *   to 172.18.0.6 8080
 *   listen udp 53
 *   to 172.18.0.5 5353
 *   end                       last line: the file is complete
 *
 * The `end` line makes a half-written file (the writer is still at it, or a
 * put_archive replaced the file and is still writing it) an incomplete config, not a
 * config with fewer endpoints. Endpoint addresses are numeric IPv4 or IPv6 (the
 * binary has no resolver). Listening sockets are dual-stack [::]:PORT where the
 * kernel allows it, 0.0.0.0:PORT otherwise.
 *
 * Bounds (fixed tables, nothing grows): 64 service ports, 1024 endpoints in all,
 * 1024 TCP connections (fewer if RLIMIT_NOFILE is low: two descriptors each), each
 * with two 8 KiB buffers (16 MiB at most), 256 UDP sessions (the least recently used
 * is ended for a new one when full), a 64 KiB config file. A connection beyond the
 * bound is accepted and reset at once, never left waiting in the backlog.
 */
#define _GNU_SOURCE
#include "proxy.h"

#include "common.h"
#include "proxy-control.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define MAX_PORTS 64
#define MAX_ENDPOINTS 1024
#define MAX_CONNS 1024
#define MAX_UDP 256
#define BUF_SIZE 8192
#define CONFIG_MAX 65536
#define POLL_MS 250
#define CONNECT_TIMEOUT_MS 1000
#define UDP_IDLE_MS 30000

union addr {
  struct sockaddr sa;
  struct sockaddr_in v4;
  struct sockaddr_in6 v6;
};

struct endpoint {
  union addr addr;
  socklen_t len;
  char text[64]; /* IP:PORT, for log lines */
};

struct service {
  int udp;   /* 0 = TCP, 1 = UDP */
  int port;  /* listening port */
  int first; /* index of its first endpoint in config.ep */
  int count; /* number of endpoints */
  int fd;    /* listening socket, -1 when there is none */
  int last_err;
  unsigned rr; /* round-robin position */
};

struct config {
  int nsvc, nep;
  struct service svc[MAX_PORTS];
  struct endpoint ep[MAX_ENDPOINTS];
};

enum { K_TLISTEN = 1, K_ULISTEN, K_CLIENT, K_BACKEND, K_USESS, K_CONTROL_LISTEN, K_CONTROL };
enum { C_FREE = 0, C_CONNECTING, C_OPEN };

struct conn {
  int state;
  unsigned gen;
  int cfd, bfd;         /* client side, backend side */
  unsigned cmask, bmask; /* their epoll interest; 0 = not registered */
  int c_eof, b_eof;      /* EOF read from that side */
  int c_shut, b_shut;    /* shutdown(SHUT_WR) done on that side */
  int port;
  int tries; /* endpoints still to try while connecting */
  long deadline;
  char target[64];
  int clen, coff; /* client -> backend bytes pending in cbuf */
  int blen, boff; /* backend -> client bytes pending in bbuf */
  char cbuf[BUF_SIZE];
  char bbuf[BUF_SIZE];
};

struct usess {
  int used;
  unsigned gen;
  int fd;  /* connected to the endpoint */
  int lfd; /* the listening socket the client talks to */
  int port;
  union addr client;
  socklen_t client_len;
  union addr target;
  socklen_t target_len;
  long last;
};

static const char *config_path;
static struct config cur, next_cfg;
static struct conn conns[MAX_CONNS];
static struct usess sessions[MAX_UDP];
static int max_conns = MAX_CONNS;
static int epfd = -1;
static char config_text[CONFIG_MAX + 1], config_last[CONFIG_MAX + 1];
static char dgram[65536];
static long last_busy_log;

static void say(const char *fmt, const char *a, const char *b) { say_as("podrun-proxy", fmt, a, b); }

static void on_child(int sig) {
  (void)sig;
  int saved = errno;
  while (waitpid(-1, NULL, WNOHANG) > 0) {
  }
  errno = saved;
}

/* epoll data: kind in the top 4 bits, a generation (so an event for a slot closed
 * and reused in the same batch is ignored) and the slot or descriptor. */
static unsigned long long tag(int kind, unsigned gen, int idx) {
  return ((unsigned long long)kind << 60) | ((unsigned long long)(gen & 0xfffffff) << 32) |
         (unsigned)idx;
}

/* ---------- config ---------- */

static int parse_port(const char *s) {
  char *end;
  long v = strtol(s, &end, 10);
  if (*s == 0 || *end != 0 || v < 1 || v > 65535) return -1;
  return (int)v;
}

static int parse_endpoint(struct endpoint *ep, const char *ip, int port) {
  memset(ep, 0, sizeof *ep);
  if (inet_pton(AF_INET, ip, &ep->addr.v4.sin_addr) == 1) {
    ep->addr.v4.sin_family = AF_INET;
    ep->addr.v4.sin_port = htons((unsigned short)port);
    ep->len = sizeof ep->addr.v4;
    snprintf(ep->text, sizeof ep->text, "%s:%d", ip, port);
    return 0;
  }
  if (inet_pton(AF_INET6, ip, &ep->addr.v6.sin6_addr) == 1) {
    ep->addr.v6.sin6_family = AF_INET6;
    ep->addr.v6.sin6_port = htons((unsigned short)port);
    ep->len = sizeof ep->addr.v6;
    snprintf(ep->text, sizeof ep->text, "[%s]:%d", ip, port);
    return 0;
  }
  return -1;
}

/* Parse text into cfg; on error, one line "CONFIG:LINE: why" into err. */
static int parse_config(char *text, struct config *cfg, char *err, size_t errlen) {
  memset(cfg, 0, sizeof *cfg);
  int lineno = 0, header = 0, ended = 0;
  char *save = NULL;
  for (char *line = text; line; line = save) {
    save = strchr(line, '\n');
    if (save) *save++ = 0;
    lineno++;
    char *tok[5];
    int n = 0;
    for (char *p = strtok(line, " \t\r"); p; p = strtok(NULL, " \t\r")) {
      if (n < 5) tok[n] = p;
      n++;
    }
    if (n == 0 || tok[0][0] == '#') continue;
#define FAIL(msg)                                                         \
  do {                                                                    \
    snprintf(err, errlen, "%s:%d: %s", config_path, lineno, msg);         \
    return -1;                                                            \
  } while (0)
    if (ended) FAIL("text after the end line");
    if (!header) {
      if (n != 2 || strcmp(tok[0], "podrun-proxy") != 0 || strcmp(tok[1], "1") != 0)
        FAIL("the first line must be \"podrun-proxy 1\"");
      header = 1;
    } else if (strcmp(tok[0], "end") == 0) {
      if (n != 1) FAIL("end takes no arguments");
      ended = 1;
    } else if (strcmp(tok[0], "listen") == 0) {
      if (n != 3) FAIL("expected: listen tcp|udp PORT");
      int udp = strcmp(tok[1], "udp") == 0;
      if (!udp && strcmp(tok[1], "tcp") != 0) FAIL("protocol must be tcp or udp");
      int port = parse_port(tok[2]);
      if (port < 0) FAIL("port must be 1-65535");
      for (int i = 0; i < cfg->nsvc; i++)
        if (cfg->svc[i].udp == udp && cfg->svc[i].port == port) FAIL("port listed twice");
      if (cfg->nsvc == MAX_PORTS) FAIL("more than 64 listen lines");
      struct service *s = &cfg->svc[cfg->nsvc++];
      s->udp = udp;
      s->port = port;
      s->first = cfg->nep;
      s->fd = -1;
    } else if (strcmp(tok[0], "to") == 0) {
      if (n != 3) FAIL("expected: to IP PORT");
      if (cfg->nsvc == 0) FAIL("to before any listen line");
      int port = parse_port(tok[2]);
      if (port < 0) FAIL("port must be 1-65535");
      if (cfg->nep == MAX_ENDPOINTS) FAIL("more than 1024 endpoints");
      if (parse_endpoint(&cfg->ep[cfg->nep], tok[1], port) < 0)
        FAIL("endpoint must be a numeric IPv4 or IPv6 address");
      cfg->nep++;
      cfg->svc[cfg->nsvc - 1].count++;
    } else {
      FAIL("unknown line (expected listen, to or end)");
    }
#undef FAIL
  }
  if (!header) {
    snprintf(err, errlen, "%s: empty (the first line must be \"podrun-proxy 1\")", config_path);
    return -1;
  }
  if (!ended) {
    snprintf(err, errlen, "%s: incomplete: no end line", config_path);
    return -1;
  }
  return 0;
}

/* ---------- sockets ---------- */

static void set_linger0(int fd) {
  struct linger lg = {1, 0};
  setsockopt(fd, SOL_SOCKET, SO_LINGER, &lg, sizeof lg);
}

static int open_listener(struct service *s) {
  int fd = bind_any((s->udp ? SOCK_DGRAM : SOCK_STREAM) | SOCK_NONBLOCK | SOCK_CLOEXEC, s->port);
  if (fd < 0) return -1;
  if (!s->udp && listen(fd, 1024) < 0) {
    int e = errno;
    close(fd);
    errno = e;
    return -1;
  }
  struct epoll_event ev = {.events = EPOLLIN, .data.u64 = tag(s->udp ? K_ULISTEN : K_TLISTEN, 0, fd)};
  epoll_ctl(epfd, EPOLL_CTL_ADD, fd, &ev);
  return fd;
}

/* Give every port with endpoints a listener, and none to a port without. */
static void sync_listeners(void) {
  for (int i = 0; i < cur.nsvc; i++) {
    struct service *s = &cur.svc[i];
    if (s->count == 0 && s->fd >= 0) {
      close(s->fd);
      s->fd = -1;
    } else if (s->count > 0 && s->fd < 0) {
      s->fd = open_listener(s);
      if (s->fd < 0 && errno != s->last_err) {
        char port[16];
        snprintf(port, sizeof port, "%s/%d", s->udp ? "udp" : "tcp", s->port);
        say("listen %s: %s (retrying)", port, strerror(errno));
      }
      s->last_err = s->fd < 0 ? errno : 0;
    }
  }
}

static struct service *service_by_port(int udp, int port) {
  for (int i = 0; i < cur.nsvc; i++)
    if (cur.svc[i].udp == udp && cur.svc[i].port == port) return &cur.svc[i];
  return NULL;
}

static struct service *service_by_fd(int fd) {
  for (int i = 0; i < cur.nsvc; i++)
    if (cur.svc[i].fd == fd) return &cur.svc[i];
  return NULL;
}

static struct endpoint *next_endpoint(struct service *s) {
  if (!s || s->count == 0) return NULL;
  return &cur.ep[s->first + (int)(s->rr++ % (unsigned)s->count)];
}

/* ---------- TCP ---------- */

static void set_interest(struct conn *c, int fd, unsigned *mask, unsigned want, int kind) {
  if (want == *mask) return;
  struct epoll_event ev = {.events = want, .data.u64 = tag(kind, c->gen, (int)(c - conns))};
  if (want == 0)
    epoll_ctl(epfd, EPOLL_CTL_DEL, fd, &ev);
  else
    epoll_ctl(epfd, *mask ? EPOLL_CTL_MOD : EPOLL_CTL_ADD, fd, &ev);
  *mask = want;
}

/* reset = 1: the other side failed; send RSTs rather than FINs. */
static void conn_close(struct conn *c, int reset) {
  if (c->cfd >= 0) {
    if (reset) set_linger0(c->cfd);
    close(c->cfd);
  }
  if (c->bfd >= 0) {
    if (reset) set_linger0(c->bfd);
    close(c->bfd);
  }
  c->cfd = c->bfd = -1;
  c->state = C_FREE;
  c->gen++;
}

static void update_interest(struct conn *c) {
  unsigned cw = 0, bw = 0;
  if (c->state == C_CONNECTING) {
    bw = EPOLLOUT;
  } else {
    if (!c->c_eof && c->clen == 0) cw |= EPOLLIN;
    if (c->blen > 0) cw |= EPOLLOUT;
    if (!c->b_eof && c->blen == 0) bw |= EPOLLIN;
    if (c->clen > 0) bw |= EPOLLOUT;
  }
  set_interest(c, c->cfd, &c->cmask, cw, K_CLIENT);
  set_interest(c, c->bfd, &c->bmask, bw, K_BACKEND);
}

/* Move bytes one step in direction from -> to. Returns -1 on a socket error. */
static int pump_one(int from, int to, char *buf, int *len, int *off, int *eof, int *to_shut) {
  if (!*eof && *len == 0) {
    ssize_t n = recv(from, buf, BUF_SIZE, MSG_DONTWAIT);
    if (n > 0) {
      *len = (int)n;
      *off = 0;
    } else if (n == 0) {
      *eof = 1;
    } else if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR) {
      return -1;
    }
  }
  if (*len > 0) {
    ssize_t n = send(to, buf + *off, (size_t)(*len - *off), MSG_DONTWAIT | MSG_NOSIGNAL);
    if (n > 0) {
      *off += (int)n;
      if (*off == *len) *len = *off = 0;
    } else if (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR) {
      return -1;
    }
  }
  if (*eof && *len == 0 && !*to_shut) {
    shutdown(to, SHUT_WR);
    *to_shut = 1;
  }
  return 0;
}

static void conn_pump(struct conn *c) {
  if (pump_one(c->cfd, c->bfd, c->cbuf, &c->clen, &c->coff, &c->c_eof, &c->b_shut) < 0 ||
      pump_one(c->bfd, c->cfd, c->bbuf, &c->blen, &c->boff, &c->b_eof, &c->c_shut) < 0) {
    conn_close(c, 1);
    return;
  }
  if (c->c_shut && c->b_shut) {
    conn_close(c, 0);
    return;
  }
  update_interest(c);
}

static void log_connect_failure(const char *target, int err) {
  long now = now_ms();
  if (now - last_busy_log < 1000) return; /* at most one line a second */
  last_busy_log = now;
  say("connect %s: %s (trying the next endpoint)", target, strerror(err));
}

/* Start connecting c to the next endpoint of its port; closes c when none is left. */
static void conn_connect_next(struct conn *c) {
  struct service *s = service_by_port(0, c->port);
  while (c->tries-- > 0) {
    struct endpoint *ep = next_endpoint(s);
    if (!ep) break;
    int fd = socket(ep->addr.sa.sa_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0) break;
    snprintf(c->target, sizeof c->target, "%s", ep->text);
    if (connect(fd, &ep->addr.sa, ep->len) == 0 || errno == EINPROGRESS) {
      c->bfd = fd;
      c->bmask = 0;
      c->state = C_CONNECTING;
      c->deadline = now_ms() + CONNECT_TIMEOUT_MS;
      update_interest(c);
      return;
    }
    log_connect_failure(c->target, errno);
    close(fd);
  }
  conn_close(c, 1);
}

static void conn_connected(struct conn *c) {
  int err = 0;
  socklen_t len = sizeof err;
  if (getsockopt(c->bfd, SOL_SOCKET, SO_ERROR, &err, &len) < 0) err = errno;
  if (err != 0) {
    log_connect_failure(c->target, err);
    set_interest(c, c->bfd, &c->bmask, 0, K_BACKEND);
    close(c->bfd);
    c->bfd = -1;
    conn_connect_next(c);
    return;
  }
  c->state = C_OPEN;
  conn_pump(c);
}

static void tcp_accept(int lfd) {
  struct service *s = service_by_fd(lfd);
  for (int burst = 0; burst < 64; burst++) {
    int fd = accept4(lfd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
    if (fd < 0) return;
    struct conn *c = NULL;
    for (int i = 0; i < max_conns; i++)
      if (conns[i].state == C_FREE) {
        c = &conns[i];
        break;
      }
    if (!c || !s || s->count == 0) {
      if (!c && now_ms() - last_busy_log >= 1000) {
        last_busy_log = now_ms();
        fprintf(stderr, "podrun-proxy: %d connections open: resetting a new one\n", max_conns);
      }
      set_linger0(fd);
      close(fd);
      continue;
    }
    c->cfd = fd;
    c->bfd = -1;
    c->cmask = c->bmask = 0;
    c->c_eof = c->b_eof = c->c_shut = c->b_shut = 0;
    c->clen = c->coff = c->blen = c->boff = 0;
    c->port = s->port;
    c->tries = s->count;
    conn_connect_next(c);
  }
}

/* ---------- UDP ---------- */

static void usess_close(struct usess *u) {
  close(u->fd);
  u->used = 0;
  u->gen++;
}

static void udp_from_client(int lfd) {
  struct service *s = service_by_fd(lfd);
  long now = now_ms();
  for (int burst = 0; burst < 64; burst++) {
    union addr from;
    memset(&from, 0, sizeof from);
    socklen_t flen = sizeof from;
    ssize_t n = recvfrom(lfd, dgram, sizeof dgram, MSG_DONTWAIT, &from.sa, &flen);
    if (n < 0) return;
    struct usess *u = NULL, *free_slot = NULL, *oldest = NULL;
    for (int i = 0; i < MAX_UDP; i++) {
      struct usess *x = &sessions[i];
      if (!x->used) {
        if (!free_slot) free_slot = x;
        continue;
      }
      if (x->lfd == lfd && x->client_len == flen && memcmp(&x->client, &from, flen) == 0) {
        u = x;
        break;
      }
      if (!oldest || x->last < oldest->last) oldest = x;
    }
    if (!u) {
      struct endpoint *ep = next_endpoint(s);
      if (!ep) continue; /* no endpoints: drop */
      if (!free_slot) {
        usess_close(oldest);
        free_slot = oldest;
      }
      int fd = socket(ep->addr.sa.sa_family, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
      if (fd < 0) continue;
      if (connect(fd, &ep->addr.sa, ep->len) < 0) {
        close(fd);
        continue;
      }
      u = free_slot;
      u->used = 1;
      u->fd = fd;
      u->lfd = lfd;
      u->port = s->port;
      u->client = from;
      u->client_len = flen;
      u->target = ep->addr;
      u->target_len = ep->len;
      struct epoll_event ev = {.events = EPOLLIN, .data.u64 = tag(K_USESS, u->gen, (int)(u - sessions))};
      epoll_ctl(epfd, EPOLL_CTL_ADD, fd, &ev);
    }
    u->last = now;
    send(u->fd, dgram, (size_t)n, MSG_DONTWAIT | MSG_NOSIGNAL); /* lost like any datagram */
  }
}

static void udp_from_endpoint(struct usess *u) {
  for (int burst = 0; burst < 64; burst++) {
    ssize_t n = recv(u->fd, dgram, sizeof dgram, MSG_DONTWAIT);
    if (n < 0) {
      if (errno == EAGAIN || errno == EWOULDBLOCK) return;
      continue; /* ECONNREFUSED from an ICMP error: the endpoint said no to one datagram */
    }
    u->last = now_ms();
    sendto(u->lfd, dgram, (size_t)n, MSG_DONTWAIT | MSG_NOSIGNAL, &u->client.sa, u->client_len);
  }
}

/* ---------- reload and timers ---------- */

static int endpoint_listed(const struct service *s, const union addr *a, socklen_t len) {
  for (int i = 0; i < s->count; i++) {
    const struct endpoint *ep = &cur.ep[s->first + i];
    if (ep->len == len && memcmp(&ep->addr, a, len) == 0) return 1;
  }
  return 0;
}

static void apply_config(void) {
  /* Keep the listening socket (and round-robin place) of every port that stays. */
  for (int i = 0; i < next_cfg.nsvc; i++) {
    struct service *n = &next_cfg.svc[i];
    struct service *o = service_by_port(n->udp, n->port);
    if (o) {
      n->fd = o->fd;
      n->rr = o->rr;
      n->last_err = o->last_err;
      o->fd = -1;
    }
  }
  for (int i = 0; i < cur.nsvc; i++)
    if (cur.svc[i].fd >= 0) close(cur.svc[i].fd);
  memcpy(&cur, &next_cfg, sizeof cur);
  sync_listeners();
  /* UDP sessions live only while their listener and endpoint do. */
  for (int i = 0; i < MAX_UDP; i++) {
    struct usess *u = &sessions[i];
    if (!u->used) continue;
    struct service *s = service_by_port(1, u->port);
    if (!s || s->fd != u->lfd || !endpoint_listed(s, &u->target, u->target_len)) usess_close(u);
  }
  int tcp = 0, udp = 0;
  for (int i = 0; i < cur.nsvc; i++) *(cur.svc[i].udp ? &udp : &tcp) += 1;
  fprintf(stderr, "podrun-proxy: %s: applied: %d tcp and %d udp ports, %d endpoints\n",
          config_path, tcp, udp, cur.nep);
}

static struct watched_file config_file = {
    .who = "podrun-proxy",
    .what = "config",
    .text = config_text,
    .last = config_last,
    .max = CONFIG_MAX,
    .last_len = -1,
};

static void check_config(int forced) {
  static char err[512];
  char *text = (char *)read_if_changed(&config_file, forced);
  if (!text) return;
  if (parse_config(text, &next_cfg, err, sizeof err) < 0) {
    say("%s%s", err, " (keeping the current config)");
    return;
  }
  apply_config();
}

/* Replace the config file with text (a temporary beside it, then a rename: the
 * directory is the proxy user's). 0, or -1 with why in err. */
static int save_config(const char *text, int len, char *err, size_t errlen) {
  char tmp[4200];
  snprintf(tmp, sizeof tmp, "%s.tmp", config_path);
  int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  int off = 0;
  while (fd >= 0 && off < len) {
    ssize_t n = write(fd, text + off, (size_t)(len - off));
    if (n <= 0) break;
    off += (int)n;
  }
  if (fd < 0 || off < len || close(fd) < 0 || rename(tmp, config_path) < 0) {
    snprintf(err, errlen, "cannot save %s: %s", config_path, strerror(errno));
    if (fd >= 0) unlink(tmp);
    return -1;
  }
  return 0;
}

/* A config from the control channel (proxy-control.c): parsed, saved, applied. */
static int apply_from_control(const char *text, int len, char *err, size_t errlen) {
  static char copy[CONFIG_MAX + 1];
  if (len > CONFIG_MAX) {
    snprintf(err, errlen, "config larger than %d KiB", CONFIG_MAX / 1024);
    return -1;
  }
  memcpy(copy, text, (size_t)len);
  copy[len] = 0;
  if (parse_config(copy, &next_cfg, err, errlen) < 0) return -1;
  if (save_config(text, len, err, errlen) < 0) return -1;
  /* The file now holds these bytes: its next poll is no change. */
  memcpy(config_file.last, text, (size_t)len);
  config_file.last_len = len;
  apply_config();
  return 0;
}

static void tick(long now) {
  check_config(reload_requested);
  reload_requested = 0;
  control_tick(now);
  sync_listeners(); /* retries a port that could not be bound */
  for (int i = 0; i < max_conns; i++) {
    struct conn *c = &conns[i];
    if (c->state == C_CONNECTING && now >= c->deadline) {
      log_connect_failure(c->target, ETIMEDOUT);
      set_interest(c, c->bfd, &c->bmask, 0, K_BACKEND);
      close(c->bfd);
      c->bfd = -1;
      conn_connect_next(c);
    }
  }
  for (int i = 0; i < MAX_UDP; i++)
    if (sessions[i].used && now - sessions[i].last >= UDP_IDLE_MS) usess_close(&sessions[i]);
}

int proxy_main(const char *path) {
  config_path = path;
  config_file.path = path;
  if (install_handler(SIGTERM, exit_on_signal, 0) < 0 ||
      install_handler(SIGINT, exit_on_signal, 0) < 0 ||
      install_handler(SIGHUP, request_reload, 0) < 0 ||
      install_handler(SIGCHLD, on_child, SA_NOCLDSTOP | SA_RESTART) < 0 ||
      install_handler(SIGPIPE, SIG_IGN, 0) < 0) {
    perror("podrun-proxy: sigaction");
    return 1;
  }
  on_child(0);
  /* Two descriptors a connection; keep room for listeners, UDP sessions and stdio. */
  struct rlimit rl;
  if (getrlimit(RLIMIT_NOFILE, &rl) == 0) {
    if (rl.rlim_cur < rl.rlim_max && rl.rlim_cur < 4096) {
      rl.rlim_cur = rl.rlim_max < 4096 ? rl.rlim_max : 4096;
      setrlimit(RLIMIT_NOFILE, &rl);
      getrlimit(RLIMIT_NOFILE, &rl);
    }
    long room = ((long)rl.rlim_cur - MAX_PORTS - MAX_UDP - 16) / 2;
    if (room < max_conns) max_conns = room < 1 ? 1 : (int)room;
  }
  epfd = epoll_create1(EPOLL_CLOEXEC);
  if (epfd < 0) {
    perror("podrun-proxy: epoll_create1");
    return 1;
  }
  for (int i = 0; i < MAX_CONNS; i++) conns[i].cfd = conns[i].bfd = -1;
  check_config(1);
  const char *control = getenv("PODRUN_PROXY_CONTROL");
  if (control && *control)
    control_start(control, epfd, tag(K_CONTROL_LISTEN, 0, 0), tag(K_CONTROL, 0, 0),
                  apply_from_control);
  long last_tick = now_ms();
  struct epoll_event evs[64];
  for (;;) {
    int n = epoll_wait(epfd, evs, 64, POLL_MS);
    for (int i = 0; i < n; i++) {
      unsigned long long d = evs[i].data.u64;
      int kind = (int)(d >> 60);
      unsigned gen = (unsigned)(d >> 32) & 0xfffffff;
      int idx = (int)(d & 0xffffffffu);
      if (kind == K_TLISTEN) {
        tcp_accept(idx);
      } else if (kind == K_CONTROL_LISTEN) {
        control_on_listener();
      } else if (kind == K_CONTROL) {
        control_on_connection();
      } else if (kind == K_ULISTEN) {
        udp_from_client(idx);
      } else if (kind == K_USESS) {
        struct usess *u = &sessions[idx];
        if (u->used && (u->gen & 0xfffffff) == gen) udp_from_endpoint(u);
      } else {
        struct conn *c = &conns[idx];
        if (c->state == C_FREE || (c->gen & 0xfffffff) != gen) continue;
        if (c->state == C_CONNECTING) {
          if (kind == K_BACKEND) conn_connected(c);
        } else if (evs[i].events & EPOLLERR) {
          conn_close(c, 1);
        } else {
          conn_pump(c);
        }
      }
    }
    long now = now_ms();
    if (reload_requested || now - last_tick >= POLL_MS) {
      last_tick = now;
      tick(now);
    }
  }
}
