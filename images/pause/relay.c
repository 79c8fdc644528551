/*
 * podrun's port-forward relay: `/pause relay-tcp HOST PORT`.
 *
 * `podrun port-forward` runs it with `docker exec` in a pod's pause container, once
 * per accepted local connection, so the connection is made from inside the pod's
 * network namespace: it reaches an app bound to 127.0.0.1 there, needs no route
 * from the host to the pod IP, and nothing in the app's image.
 *
 * Why stdin and stdout are framed, not raw bytes: the exec stream cannot carry what
 * TCP can. Closing stdout is not seen by the client (only the exec's end is), and
 * EOF on stdin cannot tell "the client half-closed" from "the client went away".
 * So both directions carry frames: a 4-byte big-endian length, then that many bytes;
 * a length of 0 means "no more data from this side" (a half-close):
 *  - stdin frames go to the socket; the 0 frame becomes shutdown(SHUT_WR), and the
 *    app may still answer (HTTP/1.0 clients, `nc -N`);
 *  - socket bytes come out as stdout frames; EOF from the app becomes the 0 frame,
 *    and the client may still send;
 *  - the relay exits 0 once both 0 frames have passed. EOF on stdin before that
 *    means the client is gone: the app's connection is reset (as a dropped TCP peer
 *    would make it) and the relay exits, so no relay outlives its client.
 * A connect failure or a connection error prints one line on stderr and exits 1
 * (the app's side is reset); podrun then resets the local connection.
 *
 * Non-blocking, one poll loop, a 16 KiB buffer each way: a side that does not read
 * holds back only its own direction (an app that uploads and echoes at once never
 * deadlocks the relay). Runs only as an exec'd helper, never as PID 1.
 */
#define _GNU_SOURCE
#include "relay.h"

#include "common.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#define BUF 16384
#define HDR 4
#define CONNECT_TIMEOUT_MS 10000

static int sock = -1;

static void set_nonblock(int fd) {
  int flags = fcntl(fd, F_GETFL);
  if (flags >= 0) fcntl(fd, F_SETFL, flags | O_NONBLOCK);
}

/* Reset the app's connection: a peer that vanished, not one that finished. */
static void reset_socket(void) {
  struct linger lg = {1, 0};
  setsockopt(sock, SOL_SOCKET, SO_LINGER, &lg, sizeof lg);
  close(sock);
}

static int fail(const char *what, int err) {
  fprintf(stderr, "relay: %s: %s\n", what, strerror(err));
  reset_socket();
  return 1;
}

static int again(void) { return errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR; }

int relay_main(int argc, char **argv) {
  if (argc != 4) {
    fputs("usage: pause relay-tcp HOST PORT\n", stderr);
    return 2;
  }
  signal(SIGPIPE, SIG_IGN);
  sock = connect_deadline(argv[2], argv[3], now_ms() + CONNECT_TIMEOUT_MS, stderr);
  if (sock < 0) return 1;
  set_nonblock(0);
  set_nonblock(1);

  /* stdin -> socket: payload bytes waiting for the socket, the frame being read. */
  static char raw[BUF], up[BUF];
  int up_len = 0, up_off = 0;
  unsigned char hdr[HDR];
  int hdr_have = 0;
  unsigned long frame_left = 0;
  int up_eof = 0;  /* the client's 0 frame arrived */
  int up_shut = 0; /* ... and became shutdown(SHUT_WR) */
  /* socket -> stdout: one frame (header + payload) being written. */
  static char down[HDR + BUF];
  int down_len = 0, down_off = 0;
  int sock_eof = 0;  /* the app closed its side */
  int down_done = 0; /* ... and our 0 frame is out */

  while (!(up_shut && down_done)) {
    struct pollfd p[3];
    int n = 0;
    if (up_len == 0) p[n++] = (struct pollfd){0, POLLIN, 0};
    short want = (short)((!sock_eof && down_len == 0 ? POLLIN : 0) | (up_len > 0 ? POLLOUT : 0));
    if (want) p[n++] = (struct pollfd){sock, want, 0};
    if (down_len > 0) p[n++] = (struct pollfd){1, POLLOUT, 0};
    if (poll(p, (nfds_t)n, -1) < 0 && errno != EINTR) return fail("poll", errno);

    /* Every step below is non-blocking and tried whenever it could progress. */
    if (up_len == 0) {
      ssize_t r = read(0, raw, sizeof raw);
      if (r == 0) { /* the client is gone (it half-closes with a 0 frame) */
        reset_socket();
        return 0;
      }
      if (r < 0 && !again()) return fail("read stdin", errno);
      for (ssize_t i = 0; i < r;) {
        if (up_eof) break; /* nothing may follow the 0 frame */
        if (frame_left == 0) {
          hdr[hdr_have++] = (unsigned char)raw[i++];
          if (hdr_have < HDR) continue;
          hdr_have = 0;
          frame_left = (unsigned long)hdr[0] << 24 | (unsigned long)hdr[1] << 16 |
                       (unsigned long)hdr[2] << 8 | hdr[3];
          if (frame_left == 0) up_eof = 1;
          continue;
        }
        size_t take = (size_t)(r - i) < frame_left ? (size_t)(r - i) : frame_left;
        memcpy(up + up_len, raw + i, take); /* fits: payload <= bytes read <= BUF */
        up_len += (int)take;
        frame_left -= take;
        i += (ssize_t)take;
      }
    }
    if (up_len > 0) {
      ssize_t w = send(sock, up + up_off, (size_t)(up_len - up_off), MSG_NOSIGNAL | MSG_DONTWAIT);
      if (w < 0 && !again()) return fail("send", errno);
      if (w > 0 && (up_off += (int)w) == up_len) up_len = up_off = 0;
    }
    if (up_eof && up_len == 0 && !up_shut) {
      shutdown(sock, SHUT_WR);
      up_shut = 1;
    }
    if (!sock_eof && down_len == 0) {
      ssize_t r = recv(sock, down + HDR, BUF, MSG_DONTWAIT);
      if (r < 0 && !again()) return fail("recv", errno);
      if (r >= 0) {
        sock_eof = r == 0;
        down[0] = (char)((r >> 24) & 0xff);
        down[1] = (char)((r >> 16) & 0xff);
        down[2] = (char)((r >> 8) & 0xff);
        down[3] = (char)(r & 0xff);
        down_len = HDR + (int)r;
        down_off = 0;
      }
    }
    if (down_len > 0) {
      ssize_t w = write(1, down + down_off, (size_t)(down_len - down_off));
      if (w < 0 && !again()) { /* the exec stream is gone: so is the client */
        reset_socket();
        return 1;
      }
      if (w > 0 && (down_off += (int)w) == down_len) {
        down_len = down_off = 0;
        if (sock_eof) down_done = 1;
      }
    }
  }
  close(sock);
  return 0;
}
