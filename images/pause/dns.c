/*
 * podrun's namespace resolver: `/pause --dns RECORDS_FILE`.
 *
 * One resolver container per namespace that has a headless Service (clusterIP: None),
 * on the namespace network, started from the same static binary as the pause
 * container and the Service proxy. Pods of the namespace whose dnsPolicy is
 * ClusterFirst name it as their nameserver. It answers, on UDP and TCP port 53:
 *  - a name listed in RECORDS_FILE (a headless Service's four names, as the endpoints
 *    loop writes them: its Ready pods' IPs) itself, authoritatively, TTL 5 s: A from
 *    the IPv4 addresses, AAAA from the IPv6 ones, ANY both; NOERROR with no answer
 *    (NODATA) for another type or family it has none of; NXDOMAIN when the name lists
 *    no address at all (a headless Service without Ready endpoints), as CoreDNS;
 *  - every other query by forwarding it unchanged to the upstream, 127.0.0.11:53 by
 *    default: Docker's embedded DNS inside this container's own network namespace,
 *    which knows the pods' names and the ClusterIP proxies' aliases of the same
 *    network and forwards external names as it does for any container. The reply
 *    goes back unchanged but for the query ID (UDP queries share one upstream socket
 *    and get a fresh ID each; TCP connections get their own upstream connection).
 * A UDP answer that would exceed 512 bytes (or the client's EDNS size) is cut to the
 * records that fit and sets TC, so the client asks again over TCP and gets them all.
 *
 * The records file is re-read every 250 ms and on SIGHUP, applied when its bytes
 * changed and it parses completely (else the previous records stay and one line on
 * stderr says why), the same way as the proxy's config:
 *
 *   podrun-dns 1                              first line: format and version
 *   # comment
 *   name web.shop.svc.cluster.local 172.18.0.5 172.18.0.6
 *   name web                                  no address: NXDOMAIN
 *   end                                       last line: the file is complete
 *
 * Names are matched without case and without a trailing dot. Bounds (fixed tables):
 * 1024 names, 8192 addresses in all, a 256 KiB file, 1024 UDP queries in flight
 * upstream (each forgotten after 5 s: the client has retried by then), 64 TCP
 * connections at once (one process each, 10 s without a complete query ends one).
 */
#define _GNU_SOURCE
#include "dns.h"

#include "common.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define MAX_NAMES 1024
#define MAX_ADDRS 8192
#define RECORDS_MAX (256 * 1024)
#define NAME_MAX_LEN 255
#define MAX_PENDING 1024
#define MAX_TCP 64
#define POLL_MS 250
#define PENDING_MS 5000
#define TCP_IDLE_MS 10000
#define TTL 5

struct addr {
  int v6;
  unsigned char b[16];
};

struct name {
  char text[NAME_MAX_LEN + 1]; /* lower case, no trailing dot */
  int first, count;            /* its addresses in records.addr */
};

struct records {
  int nnames, naddrs;
  struct name names[MAX_NAMES];
  struct addr addr[MAX_ADDRS];
};

union sockaddr_any {
  struct sockaddr sa;
  struct sockaddr_in v4;
  struct sockaddr_in6 v6;
  struct sockaddr_storage ss;
};

struct pending {
  int used;
  unsigned short client_id;
  unsigned short upstream_id;
  union sockaddr_any client;
  socklen_t client_len;
  long deadline;
};

static const char *records_path;
static struct records cur, next_rec;
static char records_text[RECORDS_MAX + 1], records_last[RECORDS_MAX + 1];
static volatile sig_atomic_t tcp_children;
static union sockaddr_any upstream;
static socklen_t upstream_len;
static struct pending pending[MAX_PENDING];
static unsigned cursor, seq;

static void say(const char *fmt, const char *a, const char *b) { say_as("podrun-dns", fmt, a, b); }

static void on_child(int sig) {
  (void)sig;
  int saved = errno;
  while (waitpid(-1, NULL, WNOHANG) > 0) {
    if (tcp_children > 0) tcp_children--;
  }
  errno = saved;
}

/* ---------- records ---------- */

/* Lower case, trailing dot dropped; -1 when it is no usable name. */
static int normalize(const char *in, char *out) {
  size_t len = strlen(in);
  if (len > 0 && in[len - 1] == '.') len--;
  if (len == 0 || len > NAME_MAX_LEN) return -1;
  for (size_t i = 0; i < len; i++) out[i] = (char)tolower((unsigned char)in[i]);
  out[len] = 0;
  return 0;
}

static int parse_records(char *text, struct records *rec, char *err, size_t errlen) {
  memset(rec, 0, sizeof *rec);
  int lineno = 0, header = 0, ended = 0;
  char *save = NULL;
  for (char *line = text; line; line = save) {
    save = strchr(line, '\n');
    if (save) *save++ = 0;
    lineno++;
    char *tok = strtok(line, " \t\r");
    if (!tok || tok[0] == '#') continue;
#define FAIL(msg)                                                   \
  do {                                                              \
    snprintf(err, errlen, "%s:%d: %s", records_path, lineno, msg);  \
    return -1;                                                      \
  } while (0)
    if (ended) FAIL("text after the end line");
    if (!header) {
      char *version = strtok(NULL, " \t\r");
      if (strcmp(tok, "podrun-dns") != 0 || !version || strcmp(version, "1") != 0 ||
          strtok(NULL, " \t\r"))
        FAIL("the first line must be \"podrun-dns 1\"");
      header = 1;
    } else if (strcmp(tok, "end") == 0) {
      if (strtok(NULL, " \t\r")) FAIL("end takes no arguments");
      ended = 1;
    } else if (strcmp(tok, "name") == 0) {
      char *name = strtok(NULL, " \t\r");
      if (!name) FAIL("expected: name NAME [IP]...");
      if (rec->nnames == MAX_NAMES) FAIL("more than 1024 names");
      struct name *n = &rec->names[rec->nnames];
      if (normalize(name, n->text) < 0) FAIL("a name must be 1-255 characters");
      for (int i = 0; i < rec->nnames; i++)
        if (strcmp(rec->names[i].text, n->text) == 0) FAIL("name listed twice");
      n->first = rec->naddrs;
      for (char *ip = strtok(NULL, " \t\r"); ip; ip = strtok(NULL, " \t\r")) {
        if (rec->naddrs == MAX_ADDRS) FAIL("more than 8192 addresses");
        struct addr *a = &rec->addr[rec->naddrs];
        if (inet_pton(AF_INET, ip, a->b) == 1) {
          a->v6 = 0;
        } else if (inet_pton(AF_INET6, ip, a->b) == 1) {
          a->v6 = 1;
        } else {
          FAIL("an address must be a numeric IPv4 or IPv6 address");
        }
        rec->naddrs++;
        n->count++;
      }
      rec->nnames++;
    } else {
      FAIL("unknown line (expected name or end)");
    }
#undef FAIL
  }
  if (!header) {
    snprintf(err, errlen, "%s: empty (the first line must be \"podrun-dns 1\")", records_path);
    return -1;
  }
  if (!ended) {
    snprintf(err, errlen, "%s: incomplete: no end line", records_path);
    return -1;
  }
  return 0;
}

static void check_records(int forced) {
  static struct watched_file file = {
      .who = "podrun-dns",
      .what = "records",
      .text = records_text,
      .last = records_last,
      .max = RECORDS_MAX,
      .last_len = -1,
  };
  static char err[512];
  file.path = records_path;
  char *text = (char *)read_if_changed(&file, forced);
  if (!text) return;
  if (parse_records(text, &next_rec, err, sizeof err) < 0) {
    say("%s%s", err, " (keeping the current records)");
    return;
  }
  memcpy(&cur, &next_rec, sizeof cur);
  fprintf(stderr, "podrun-dns: %s: applied: %d names, %d addresses\n", records_path, cur.nnames,
          cur.naddrs);
}

static const struct name *lookup(const char *text) {
  for (int i = 0; i < cur.nnames; i++)
    if (strcmp(cur.names[i].text, text) == 0) return &cur.names[i];
  return NULL;
}

/* ---------- messages ---------- */

static unsigned get16(const unsigned char *p) { return (unsigned)(p[0] << 8 | p[1]); }

static void put16(unsigned char *p, unsigned v) {
  p[0] = (unsigned char)(v >> 8);
  p[1] = (unsigned char)v;
}

/*
 * The answer to a query for a listed name, into out (cap bytes, at least 512).
 * Returns its length; 0 when the query is not ours to answer (forward it); -1 when
 * it is no query at all (drop it). limit: the most a UDP answer may take (0: TCP).
 */
static int answer(const unsigned char *q, int len, unsigned char *out, int cap, int limit) {
  if (len < 12) return -1;
  unsigned flags = get16(q + 2);
  if (flags & 0x8000) return -1;                 /* a response, not a query */
  if (((flags >> 11) & 0xf) != 0) return 0;      /* not QUERY: upstream's business */
  if (get16(q + 4) != 1 || get16(q + 6) != 0 || get16(q + 8) != 0) return 0;
  /* The question's name: labels, no compression (none is allowed in a question). */
  char name[NAME_MAX_LEN + 2];
  int pos = 12, nlen = 0;
  for (;;) {
    if (pos >= len) return -1;
    int l = q[pos++];
    if (l == 0) break;
    if (l > 63 || pos + l > len || nlen + l + 1 > NAME_MAX_LEN) return 0;
    if (nlen > 0) name[nlen++] = '.';
    for (int i = 0; i < l; i++) {
      unsigned char c = q[pos + i];
      if (c == '.' || c == 0) return 0; /* no such name of ours */
      name[nlen++] = (char)tolower(c);
    }
    pos += l;
  }
  name[nlen] = 0;
  if (pos + 4 > len) return -1;
  unsigned qtype = get16(q + pos), qclass = get16(q + pos + 2);
  int qend = pos + 4;
  const struct name *n = nlen > 0 ? lookup(name) : NULL;
  if (!n || (qclass != 1 && qclass != 255)) return 0;
  /* The client's EDNS payload size, when it sent an OPT record right after. */
  if (limit > 0 && get16(q + 10) >= 1 && qend + 11 <= len && q[qend] == 0 &&
      get16(q + qend + 1) == 41) {
    unsigned size = get16(q + qend + 3);
    if ((int)size > limit) limit = size > 4096 ? 4096 : (int)size;
  }
  int max = limit > 0 && limit < cap ? limit : cap;
  if (qend > max) return -1;
  memcpy(out, q, (size_t)qend);
  /* QR, opcode 0, AA, RD as asked, RA; NXDOMAIN when the name has no address. */
  unsigned rflags = 0x8000 | 0x0400 | (flags & 0x0100) | 0x0080 | (n->count == 0 ? 3 : 0);
  int o = qend, ancount = 0, truncated = 0;
  for (int i = 0; i < n->count; i++) {
    const struct addr *a = &cur.addr[n->first + i];
    unsigned type = a->v6 ? 28 : 1;
    if (qtype != type && qtype != 255) continue;
    int rdlen = a->v6 ? 16 : 4;
    if (o + 12 + rdlen > max) {
      truncated = 1;
      break;
    }
    put16(out + o, 0xc00c); /* the question's name */
    put16(out + o + 2, type);
    put16(out + o + 4, 1);
    out[o + 6] = 0;
    out[o + 7] = 0;
    put16(out + o + 8, TTL);
    put16(out + o + 10, (unsigned)rdlen);
    memcpy(out + o + 12, a->b, (size_t)rdlen);
    o += 12 + rdlen;
    ancount++;
  }
  if (truncated) rflags |= 0x0200;
  put16(out + 2, rflags);
  put16(out + 6, (unsigned)ancount);
  put16(out + 8, 0);
  put16(out + 10, 0);
  return o;
}

/* ---------- sockets ---------- */

static int bind_socket(int type, int port) {
  int one = 1, zero = 0;
  int fd = socket(AF_INET6, type | SOCK_CLOEXEC, 0);
  if (fd >= 0) {
    union sockaddr_any a;
    memset(&a, 0, sizeof a);
    a.v6.sin6_family = AF_INET6;
    a.v6.sin6_addr = in6addr_any;
    a.v6.sin6_port = htons((unsigned short)port);
    setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &zero, sizeof zero);
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    if (bind(fd, &a.sa, sizeof a.v6) < 0) {
      close(fd);
      fd = -1;
    }
  }
  if (fd < 0) { /* no IPv6 in this namespace */
    fd = socket(AF_INET, type | SOCK_CLOEXEC, 0);
    if (fd < 0) return -1;
    union sockaddr_any a;
    memset(&a, 0, sizeof a);
    a.v4.sin_family = AF_INET;
    a.v4.sin_addr.s_addr = htonl(INADDR_ANY);
    a.v4.sin_port = htons((unsigned short)port);
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    if (bind(fd, &a.sa, sizeof a.v4) < 0) {
      int e = errno;
      close(fd);
      errno = e;
      return -1;
    }
  }
  return fd;
}

static int parse_upstream(const char *text) {
  char host[64];
  const char *colon = strrchr(text, ':');
  if (!colon || (size_t)(colon - text) >= sizeof host) return -1;
  memcpy(host, text, (size_t)(colon - text));
  host[colon - text] = 0;
  int port = atoi(colon + 1);
  if (port < 1 || port > 65535) return -1;
  memset(&upstream, 0, sizeof upstream);
  if (inet_pton(AF_INET, host, &upstream.v4.sin_addr) == 1) {
    upstream.v4.sin_family = AF_INET;
    upstream.v4.sin_port = htons((unsigned short)port);
    upstream_len = sizeof upstream.v4;
    return 0;
  }
  if (inet_pton(AF_INET6, host, &upstream.v6.sin6_addr) == 1) {
    upstream.v6.sin6_family = AF_INET6;
    upstream.v6.sin6_port = htons((unsigned short)port);
    upstream_len = sizeof upstream.v6;
    return 0;
  }
  return -1;
}

/* ---------- UDP ---------- */

static int upstream_udp = -1;

static int open_upstream_udp(void) {
  if (upstream_udp >= 0) return 0;
  int fd = socket(upstream.sa.sa_family, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) return -1;
  if (connect(fd, &upstream.sa, upstream_len) < 0) {
    close(fd);
    return -1;
  }
  upstream_udp = fd;
  return 0;
}

static void udp_query(int lfd) {
  static unsigned char q[65536], out[65536];
  union sockaddr_any from;
  socklen_t flen = sizeof from;
  ssize_t n = recvfrom(lfd, q, sizeof q, MSG_DONTWAIT, &from.sa, &flen);
  if (n <= 0) return;
  int r = answer(q, (int)n, out, sizeof out, 512);
  if (r > 0) {
    sendto(lfd, out, (size_t)r, MSG_DONTWAIT, &from.sa, flen);
    return;
  }
  if (r < 0 || open_upstream_udp() < 0) return;
  /* A free slot; when all are taken, the oldest query is forgotten for this one. */
  long now = now_ms();
  int slot = -1;
  for (int i = 0; i < MAX_PENDING && slot < 0; i++) {
    int s = (int)((cursor + (unsigned)i) % MAX_PENDING);
    if (!pending[s].used || pending[s].deadline <= now) slot = s;
  }
  if (slot < 0) slot = (int)(cursor % MAX_PENDING);
  cursor = (unsigned)slot + 1;
  /* The upstream ID: the slot in the low 10 bits, a rolling tag above (a late reply
   * to a forgotten query finds another tag and is dropped). */
  unsigned short id = (unsigned short)((++seq & 0x3f) << 10 | (unsigned)slot);
  struct pending *p = &pending[slot];
  p->used = 1;
  p->upstream_id = id;
  p->client_id = (unsigned short)get16(q);
  memcpy(&p->client, &from, flen);
  p->client_len = flen;
  p->deadline = now + PENDING_MS;
  put16(q, id);
  if (send(upstream_udp, q, (size_t)n, MSG_DONTWAIT) < 0) p->used = 0;
}

static void udp_reply(int lfd) {
  static unsigned char r[65536];
  for (;;) {
    ssize_t n = recv(upstream_udp, r, sizeof r, MSG_DONTWAIT);
    if (n < 0) {
      if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR) return;
      continue; /* ICMP refused from a previous send: nothing to relay */
    }
    if (n < 12) continue;
    unsigned id = get16(r);
    struct pending *p = &pending[id % MAX_PENDING];
    if (!p->used || p->upstream_id != id) continue;
    p->used = 0;
    put16(r, p->client_id);
    sendto(lfd, r, (size_t)n, MSG_DONTWAIT, &p->client.sa, p->client_len);
  }
}

/* ---------- TCP (one child process a connection) ---------- */

static int wait_fd(int fd, short events, long deadline) {
  for (;;) {
    long left = deadline - now_ms();
    if (left <= 0) return -1;
    struct pollfd p = {fd, events, 0};
    int r = poll(&p, 1, (int)left);
    if (r > 0) return 0;
    if (r < 0 && errno != EINTR) return -1;
  }
}

static int read_full(int fd, unsigned char *buf, int len, long deadline) {
  int got = 0;
  while (got < len) {
    if (wait_fd(fd, POLLIN, deadline) < 0) return -1;
    ssize_t n = recv(fd, buf + got, (size_t)(len - got), MSG_DONTWAIT);
    if (n == 0) return -1;
    if (n < 0) {
      if (errno == EAGAIN || errno == EINTR) continue;
      return -1;
    }
    got += (int)n;
  }
  return 0;
}

static int write_full(int fd, const unsigned char *buf, int len, long deadline) {
  int sent = 0;
  while (sent < len) {
    if (wait_fd(fd, POLLOUT, deadline) < 0) return -1;
    ssize_t n = send(fd, buf + sent, (size_t)(len - sent), MSG_DONTWAIT | MSG_NOSIGNAL);
    if (n < 0) {
      if (errno == EAGAIN || errno == EINTR) continue;
      return -1;
    }
    sent += (int)n;
  }
  return 0;
}

static int upstream_tcp(long deadline) {
  int fd = socket(upstream.sa.sa_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) return -1;
  if (connect(fd, &upstream.sa, upstream_len) < 0 && errno != EINPROGRESS) {
    close(fd);
    return -1;
  }
  int err = 0;
  socklen_t elen = sizeof err;
  if (wait_fd(fd, POLLOUT, deadline) < 0 || getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &elen) < 0 ||
      err != 0) {
    close(fd);
    return -1;
  }
  return fd;
}

static void tcp_serve(int cfd) {
  static unsigned char q[65537], out[65537];
  int ufd = -1;
  for (;;) {
    long deadline = now_ms() + TCP_IDLE_MS;
    unsigned char lenbuf[2];
    if (read_full(cfd, lenbuf, 2, deadline) < 0) break;
    int len = (int)get16(lenbuf);
    if (len == 0 || read_full(cfd, q + 2, len, deadline) < 0) break;
    int r = answer(q + 2, len, out + 2, 65535, 0);
    if (r < 0) break;
    if (r > 0) {
      put16(out, (unsigned)r);
      if (write_full(cfd, out, r + 2, deadline) < 0) break;
      continue;
    }
    if (ufd < 0 && (ufd = upstream_tcp(deadline)) < 0) break;
    put16(q, (unsigned)len);
    if (write_full(ufd, q, len + 2, deadline) < 0 || read_full(ufd, lenbuf, 2, deadline) < 0) break;
    int rlen = (int)get16(lenbuf);
    if (read_full(ufd, out + 2, rlen, deadline) < 0) break;
    memcpy(out, lenbuf, 2);
    if (write_full(cfd, out, rlen + 2, deadline) < 0) break;
  }
  if (ufd >= 0) close(ufd);
  close(cfd);
}

static void tcp_accept(int lfd) {
  int cfd = accept4(lfd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
  if (cfd < 0) return;
  if (tcp_children >= MAX_TCP) {
    close(cfd);
    return;
  }
  pid_t pid = fork();
  if (pid == 0) {
    close(lfd);
    tcp_serve(cfd);
    _exit(0);
  }
  if (pid > 0) tcp_children++;
  close(cfd);
}

/* ---------- main ---------- */

int dns_main(int argc, char **argv) {
  /* argv: pause --dns FILE [--listen PORT] [--upstream IP:PORT] */
  int port = 53;
  const char *up = "127.0.0.11:53";
  if (argc < 3 || argc % 2 == 0) goto usage;
  records_path = argv[2];
  for (int i = 3; i + 1 < argc; i += 2) {
    if (strcmp(argv[i], "--listen") == 0) {
      port = atoi(argv[i + 1]);
      if (port < 1 || port > 65535) goto usage;
    } else if (strcmp(argv[i], "--upstream") == 0) {
      up = argv[i + 1];
    } else {
      goto usage;
    }
  }
  if (parse_upstream(up) < 0) goto usage;
  if (install_handler(SIGTERM, exit_on_signal, 0) < 0 ||
      install_handler(SIGINT, exit_on_signal, 0) < 0 ||
      install_handler(SIGHUP, request_reload, 0) < 0 ||
      install_handler(SIGCHLD, on_child, SA_NOCLDSTOP | SA_RESTART) < 0 ||
      install_handler(SIGPIPE, SIG_IGN, 0) < 0) {
    perror("podrun-dns: sigaction");
    return 1;
  }
  on_child(0);
  int ufd = bind_socket(SOCK_DGRAM | SOCK_NONBLOCK, port);
  int tfd = bind_socket(SOCK_STREAM | SOCK_NONBLOCK, port);
  if (ufd < 0 || tfd < 0 || listen(tfd, 128) < 0) {
    fprintf(stderr, "podrun-dns: port %d: %s\n", port, strerror(errno));
    return 1;
  }
  check_records(1);
  fprintf(stderr, "podrun-dns: listening on port %d, forwarding to %s\n", port, up);
  long last_tick = now_ms();
  for (;;) {
    struct pollfd fds[3] = {{ufd, POLLIN, 0}, {tfd, POLLIN, 0}, {upstream_udp, POLLIN, 0}};
    int n = poll(fds, upstream_udp >= 0 ? 3 : 2, POLL_MS);
    if (n > 0) {
      if (fds[0].revents & POLLIN) udp_query(ufd);
      if (fds[1].revents & POLLIN) tcp_accept(tfd);
      if (upstream_udp >= 0 && (fds[2].revents & (POLLIN | POLLERR))) udp_reply(ufd);
    }
    long now = now_ms();
    if (reload_requested || now - last_tick >= POLL_MS) {
      int forced = reload_requested;
      reload_requested = 0;
      last_tick = now;
      check_records(forced);
    }
  }
usage:
  fputs("usage: pause --dns RECORDS_FILE [--listen PORT] [--upstream IP:PORT]\n", stderr);
  return 2;
}
