/* The Service proxy's control channel (proxy-control.c). */
#ifndef PODRUN_PROXY_CONTROL_H
#define PODRUN_PROXY_CONTROL_H

#include <stddef.h>

/* Applies a config received on the channel: 0 once it is in force (and saved), or
 * -1 with one line why in err (the running config stays). text is NUL-terminated. */
typedef int (*control_apply_fn)(const char *text, int len, char *err, size_t errlen);

/* Listen on the channel described by spec ("PORT TOKEN", podrun's
 * PODRUN_PROXY_CONTROL), registered on epfd with the two epoll tags given. 0, or -1
 * with one line on stderr (the proxy then runs from its file alone). */
int control_start(const char *spec, int epfd, unsigned long long listen_tag,
                  unsigned long long conn_tag, control_apply_fn apply);

/* The epoll events of the two tags. */
void control_on_listener(void);
void control_on_connection(void);

/* Ends a connection that has not sent its whole request within its time. */
void control_tick(long now);

#endif
