/*
 * The operator's HTTP port (evhttp, loopback by default, off unless
 * admin_listen is set): /healthz (the process answers), /readyz (every
 * worker has a PostgreSQL connection up), /metrics (Prometheus text).
 * It runs on the main thread's loop and only reads the workers' atomics.
 */
#ifndef AIXIN_ADMIN_HTTP_H
#define AIXIN_ADMIN_HTTP_H

#include <event2/event.h>
#include <stdbool.h>

#include "worker.h"

typedef struct admin_http admin_http_t;

/* NULL (and a logged error) when the address can not be bound. */
admin_http_t *admin_http_start(struct event_base *base, const char *listen,
                               worker_t *workers, int nworkers,
                               server_shared_t *shared);
void admin_http_stop(admin_http_t *h);

#endif
