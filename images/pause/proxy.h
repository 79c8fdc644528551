/* podrun's Service proxy mode of the pause binary (proxy.c). */
#ifndef PODRUN_PROXY_H
#define PODRUN_PROXY_H

/* Runs the proxy from CONFIG_FILE until SIGTERM/SIGINT (exit 0). Never returns
 * otherwise; returns 1 only when it cannot start at all. */
int proxy_main(const char *config_path);

#endif
