/*
 * podtool: what busybox lacks for podrun's tests, in one small static binary
 * (built by scripts/build-images.ts into the podrun-test/busybox:1 fixture image).
 *
 *   podtool shm-create KEY SIZE   create System V shared memory, write "podrun:KEY"
 *   podtool shm-read KEY          print the marker; exit 3 if no such segment
 *   podtool msg-send KEY TEXT     queue TEXT on a System V message queue
 *   podtool msg-recv KEY          print one message, non-blocking; exit 3 if none
 *   podtool unix-serve PATH       answer each connection on a unix socket with
 *                                 "ok <hostname> <request line>"
 *   podtool unix-request PATH TEXT  send TEXT, print the answer; exit 3 if no server
 *   podtool zombie                leave an orphaned zombie for PID 1 to reap and
 *                                 print its pid (see make_zombie)
 *
 * Exit codes tests assert: 0 found/done, 3 not found, 2 usage, 1 other error.
 * KEY is a number (decimal or 0x hex), as ipcs shows it.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ipc.h>
#include <sys/msg.h>
#include <sys/shm.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

enum { OK = 0, FAIL = 1, USAGE = 2, NOT_FOUND = 3 };

static int fail(const char *what) {
  fprintf(stderr, "podtool: %s: %s\n", what, strerror(errno));
  return errno == ENOENT || errno == ENOMSG || errno == ECONNREFUSED ? NOT_FOUND : FAIL;
}

static key_t parse_key(const char *text) { return (key_t)strtol(text, NULL, 0); }

static int shm_create(key_t key, size_t size) {
  int id = shmget(key, size, IPC_CREAT | 0666);
  if (id < 0) return fail("shmget");
  char *mem = shmat(id, NULL, 0);
  if (mem == (void *)-1) return fail("shmat");
  snprintf(mem, size, "podrun:%d", (int)key);
  shmdt(mem);
  printf("%d\n", id);
  return OK;
}

static int shm_read(key_t key) {
  int id = shmget(key, 0, 0);
  if (id < 0) return fail("shmget");
  const char *mem = shmat(id, NULL, SHM_RDONLY);
  if (mem == (void *)-1) return fail("shmat");
  printf("%s\n", mem);
  return OK;
}

struct message {
  long type;
  char text[512];
};

static int msg_send(key_t key, const char *text) {
  int id = msgget(key, IPC_CREAT | 0666);
  if (id < 0) return fail("msgget");
  struct message m = {.type = 1};
  snprintf(m.text, sizeof m.text, "%s", text);
  if (msgsnd(id, &m, strlen(m.text) + 1, 0) < 0) return fail("msgsnd");
  return OK;
}

static int msg_recv(key_t key) {
  int id = msgget(key, 0);
  if (id < 0) return fail("msgget");
  struct message m;
  ssize_t n = msgrcv(id, &m, sizeof m.text - 1, 0, IPC_NOWAIT);
  if (n < 0) return fail("msgrcv");
  m.text[n] = '\0';
  printf("%s\n", m.text);
  return OK;
}

static int unix_socket(const char *path, struct sockaddr_un *addr) {
  memset(addr, 0, sizeof *addr);
  addr->sun_family = AF_UNIX;
  snprintf(addr->sun_path, sizeof addr->sun_path, "%s", path);
  return socket(AF_UNIX, SOCK_STREAM, 0);
}

static int unix_serve(const char *path) {
  struct sockaddr_un addr;
  int server = unix_socket(path, &addr);
  unlink(path); /* a socket file left by an earlier run would make bind fail */
  if (server < 0 || bind(server, (struct sockaddr *)&addr, sizeof addr) < 0 ||
      listen(server, 16) < 0)
    return fail(path);
  char host[256] = "?";
  gethostname(host, sizeof host - 1);
  fprintf(stderr, "podtool: serving on %s\n", path);
  for (;;) {
    int client = accept(server, NULL, NULL);
    if (client < 0) continue;
    char request[512];
    ssize_t n = read(client, request, sizeof request - 1);
    request[n > 0 ? n : 0] = '\0';
    request[strcspn(request, "\n")] = '\0';
    dprintf(client, "ok %s %s\n", host, request);
    close(client);
  }
}

static int unix_request(const char *path, const char *text) {
  struct sockaddr_un addr;
  int sock = unix_socket(path, &addr);
  if (sock < 0 || connect(sock, (struct sockaddr *)&addr, sizeof addr) < 0) return fail(path);
  dprintf(sock, "%s\n", text);
  shutdown(sock, SHUT_WR);
  char reply[1024];
  ssize_t n;
  while ((n = read(sock, reply, sizeof reply)) > 0) fwrite(reply, 1, (size_t)n, stdout);
  return OK;
}

/*
 * Leave a zombie that only PID 1 can reap: we fork a child, the child forks a
 * grandchild and exits at once, and we reap the child. The grandchild is now an
 * orphan, re-parented to PID 1 of the PID namespace (container runtimes' subreapers
 * live in an outer namespace, so they do not catch it). It exits after 100 ms; a
 * reaping init (podrun's pause) collects it, a non-reaping one leaves it in state Z.
 */
static int make_zombie(void) {
  int pipefd[2];
  if (pipe(pipefd) < 0) return fail("pipe");
  pid_t child = fork();
  if (child < 0) return fail("fork");
  if (child == 0) {
    pid_t grandchild = fork();
    if (grandchild == 0) {
      close(pipefd[0]);
      close(pipefd[1]);
      usleep(100 * 1000); /* outlive our parent, then die as an orphan */
      _exit(0);
    }
    /* Tell the original process the grandchild's pid, then orphan it. */
    (void)!write(pipefd[1], &grandchild, sizeof grandchild);
    _exit(grandchild < 0 ? 1 : 0);
  }
  close(pipefd[1]);
  pid_t grandchild = -1;
  (void)!read(pipefd[0], &grandchild, sizeof grandchild);
  waitpid(child, NULL, 0);
  if (grandchild <= 0) return fail("fork");
  usleep(300 * 1000); /* let it exit, so the caller sees a zombie (or none) */
  printf("%d\n", (int)grandchild);
  return OK;
}

int main(int argc, char **argv) {
  const char *cmd = argc > 1 ? argv[1] : "";
  if (strcmp(cmd, "shm-create") == 0 && argc == 4)
    return shm_create(parse_key(argv[2]), strtoul(argv[3], NULL, 0));
  if (strcmp(cmd, "shm-read") == 0 && argc == 3) return shm_read(parse_key(argv[2]));
  if (strcmp(cmd, "msg-send") == 0 && argc == 4) return msg_send(parse_key(argv[2]), argv[3]);
  if (strcmp(cmd, "msg-recv") == 0 && argc == 3) return msg_recv(parse_key(argv[2]));
  if (strcmp(cmd, "unix-serve") == 0 && argc == 3) return unix_serve(argv[2]);
  if (strcmp(cmd, "unix-request") == 0 && argc == 4) return unix_request(argv[2], argv[3]);
  if (strcmp(cmd, "zombie") == 0 && argc == 2) return make_zombie();
  fputs("usage: podtool shm-create KEY SIZE | shm-read KEY | msg-send KEY TEXT |\n"
        "       msg-recv KEY | unix-serve PATH | unix-request PATH TEXT | zombie\n",
        stderr);
  return USAGE;
}
