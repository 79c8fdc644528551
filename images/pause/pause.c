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
 * Written from the behaviour the Kubernetes docs describe, not from its source.
 * Built static (scripts/build-pause.sh) so the image can be FROM scratch.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

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

int main(int argc, char **argv) {
  if (argc > 1 && (strcmp(argv[1], "-v") == 0 || strcmp(argv[1], "--version") == 0)) {
    puts("podrun-pause " PODRUN_PAUSE_VERSION);
    return 0;
  }
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
