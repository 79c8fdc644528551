/* See common.h. */
#include "common.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

volatile sig_atomic_t reload_requested;

long now_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec * 1000L + ts.tv_nsec / 1000000L;
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
