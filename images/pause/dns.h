/* podrun's namespace resolver mode of the pause binary (dns.c). */
#ifndef PODRUN_DNS_H
#define PODRUN_DNS_H

/* `/pause --dns RECORDS_FILE [--listen PORT] [--upstream IP:PORT]`: answers the
 * names of RECORDS_FILE, forwards every other query to the upstream (default
 * 127.0.0.11:53, Docker's embedded DNS) until SIGTERM/SIGINT (exit 0). Returns 1
 * only when it cannot start, 2 on bad arguments. */
int dns_main(int argc, char **argv);

#endif
