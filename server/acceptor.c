#include "acceptor.h"

#include <event2/listener.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"

#define ACCEPTOR_RETRY_MS 200

struct acceptor {
    struct evconnlistener *listener; /* owned */
    struct event *retry;             /* owned */
    worker_t *workers;               /* borrowed */
    int nworkers;
    int next;                        /* round robin */
    server_shared_t *shared;         /* borrowed */
};

static void acceptor_on_accept(struct evconnlistener *l, evutil_socket_t fd,
                               struct sockaddr *sa, int salen, void *arg)
{
    acceptor_t *a = arg;
    worker_t *w = &a->workers[a->next];
    a->next = (a->next + 1) % a->nworkers;
    const server_config_t *cfg = a->shared->config;
    if (atomic_load(&a->shared->connections) >= cfg->max_connections) {
        atomic_fetch_add_explicit(&w->metrics.refused, 1, memory_order_relaxed);
        log_warn_every(10, "event=refused reason=max_connections limit=%d",
                 cfg->max_connections);
        evutil_closesocket(fd);
        return;
    }
    if (!worker_hand_off(w, fd, sa, salen))
        evutil_closesocket(fd);
}

static void acceptor_on_retry(evutil_socket_t fd, short what, void *arg)
{
    acceptor_t *a = arg;
    evconnlistener_enable(a->listener);
}

static void acceptor_on_error(struct evconnlistener *l, void *arg)
{
    acceptor_t *a = arg;
    int err = EVUTIL_SOCKET_ERROR();
    log_warn_every(10, "event=accept_error errno=%d detail=\"%s\"", err,
             evutil_socket_error_to_string(err));
    evconnlistener_disable(l);
    struct timeval tv = {0, ACCEPTOR_RETRY_MS * 1000};
    evtimer_add(a->retry, &tv);
}

acceptor_t *acceptor_start(struct event_base *base, const struct sockaddr *addr,
                           int addrlen, worker_t *workers, int nworkers,
                           server_shared_t *shared)
{
    acceptor_t *a = calloc(1, sizeof(*a));
    if (a == NULL)
        return NULL;
    a->workers = workers;
    a->nworkers = nworkers;
    a->shared = shared;
    a->retry = evtimer_new(base, acceptor_on_retry, a);
    a->listener = evconnlistener_new_bind(
        base, acceptor_on_accept, a,
        LEV_OPT_CLOSE_ON_FREE | LEV_OPT_CLOSE_ON_EXEC | LEV_OPT_REUSEABLE, 511,
        addr, addrlen);
    if (a->retry == NULL || a->listener == NULL) {
        int err = EVUTIL_SOCKET_ERROR();
        log_error("event=listen_failed errno=%d detail=\"%s\"", err,
                  evutil_socket_error_to_string(err));
        acceptor_stop(a);
        return NULL;
    }
    evconnlistener_set_error_cb(a->listener, acceptor_on_error);
    return a;
}

void acceptor_stop(acceptor_t *a)
{
    if (a == NULL)
        return;
    if (a->listener)
        evconnlistener_free(a->listener);
    if (a->retry)
        event_free(a->retry);
    free(a);
}

evutil_socket_t acceptor_fd(const acceptor_t *a)
{
    return evconnlistener_get_fd(a->listener);
}
