/* What the pause binary's modes share: a monotonic clock, a connect with a deadline
 * (probes, relay.c), log lines, signal set-up, and the watched file each reads its state from
 * (written by podrun with put_archive, re-read on a timer and on SIGHUP). */
#ifndef PODRUN_COMMON_H
#define PODRUN_COMMON_H

#include <signal.h>
#include <stdio.h>

long now_ms(void);

/* Connect before the deadline (now_ms() clock) to a numeric IPv4/IPv6 address
 * ("localhost" = 127.0.0.1): the binary is static in a FROM-scratch image without
 * NSS, and its callers target the pod's own namespace anyway. The descriptor
 * (non-blocking), or -1 with one line why on `report` (stdout for the probes, whose
 * output is that line; stderr for the relay, whose stdout carries data). */
int connect_deadline(const char *host, const char *port, long deadline, FILE *report);

/* A socket of `type` (SOCK_STREAM or SOCK_DGRAM, flags or'ed in) bound to PORT on
 * every address: dual-stack [::] where the kernel allows it, 0.0.0.0 otherwise. The
 * descriptor, or -1 with errno set. */
int bind_any(int type, int port);

/* One log line on stderr: "<who>: " then fmt with up to two string arguments. */
void say_as(const char *who, const char *fmt, const char *a, const char *b);

/* sigaction with an empty mask; <0 on failure. */
int install_handler(int sig, void (*handler)(int), int flags);

/* SIGTERM/SIGINT: exit 0 at once (nothing to flush: every write is a syscall). */
void exit_on_signal(int sig);

/* SIGHUP sets it; the mode's loop re-reads its file and clears it. */
extern volatile sig_atomic_t reload_requested;
void request_reload(int sig);

struct watched_file {
  const char *path;
  const char *who;    /* the log prefix */
  const char *what;   /* "config", "records": named in "keeping the current ..." */
  char *text;         /* buffers of max + 1 bytes each */
  char *last;
  int max;
  int last_len;       /* -1: never read; -2: missing at the last look */
};

/* The file's text (NUL-terminated in wf->text) when it changed since the last call
 * (or `forced`), else NULL. A missing or oversized file keeps what runs, said once. */
const char *read_if_changed(struct watched_file *wf, int forced);

#endif
