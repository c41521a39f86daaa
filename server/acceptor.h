/*
 * The listening socket, on the main thread's loop: accepted connections
 * are dealt to the workers in turn (like memcached's dispatcher), so the
 * load is even however few clients there are. Out of descriptors, it
 * pauses accepting instead of spinning on a readable listener.
 */
#ifndef AIXIN_ACCEPTOR_H
#define AIXIN_ACCEPTOR_H

#include <event2/event.h>

#include "worker.h"

typedef struct acceptor acceptor_t;

/* NULL (logged) when the address can not be bound. */
acceptor_t *acceptor_start(struct event_base *base, const struct sockaddr *addr,
                           int addrlen, worker_t *workers, int nworkers,
                           server_shared_t *shared);
/* The listening socket (borrowed), e.g. to learn the port bound. */
evutil_socket_t acceptor_fd(const acceptor_t *a);
/* Stop accepting (shutdown); the listening socket is closed. */
void acceptor_stop(acceptor_t *a);

#endif
