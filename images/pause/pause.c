/*
 * podrun's pause (infra) container process.
 *
 * It holds the pod's network and IPC namespaces open and does nothing else:
 *  - it is PID 1 in its container, so the kernel ignores signals it has no handler
 *    for; we install handlers so SIGTERM/SIGINT end it at once with status 0
 *    (a `docker stop` returns immediately instead of waiting for the SIGKILL);
 *  - with shareProcessNamespace it is the pod's init: orphans are re-parented to it,
 *    so it reaps every exited child on SIGCHLD to keep zombies from piling up;
 *  - otherwise it sleeps in pause(2), costing no CPU.
 * Written from the behaviour the Kubernetes docs describe, not from its source.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static void on_terminate(int sig) {
  (void)sig;
  _exit(0);
}

static void on_child(int sig) {
  (void)sig;
  int saved = errno;
  while (waitpid(-1, NULL, WNOHANG) > 0) {
  }
  errno = saved;
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

  for (;;) {
    pause();
  }
}
