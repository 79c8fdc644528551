/* podrun's port-forward relay mode of the pause binary (relay.c). */
#ifndef PODRUN_RELAY_H
#define PODRUN_RELAY_H

/* `/pause relay-tcp HOST PORT`: connects to HOST:PORT and relays one connection
 * between it and framed stdin/stdout (relay.c) until both directions are done.
 * 0 when they ended cleanly, 1 on a connect or connection error (one line on
 * stderr), 2 on bad arguments. */
int relay_main(int argc, char **argv);

#endif
