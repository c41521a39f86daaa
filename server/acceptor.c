#include "acceptor.h"

#include <event2/listener.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"

#define ACCEPTOR_RETRY_MS 200
/* Refusals and evictions are summed up in one line at most this often. */
#define ACCEPTOR_SUMMARY_MS 10000

struct acceptor {
    struct evconnlistener *listener; /* owned */
    struct event *retry;             /* owned */
    struct event *summary;           /* owned: the door's summary line */
    worker_t *workers;               /* borrowed */
    int nworkers;
    int next;                        /* round robin */
    server_shared_t *shared;         /* borrowed */
};

static void acceptor_on_accept(struct evconnlistener *l, evutil_socket_t fd,
                               struct sockaddr *sa, int salen, void *arg)
{
    acceptor_t *a = arg;
    int wi = a->next;
    worker_t *w = &a->workers[wi];
    a->next = (a->next + 1) % a->nworkers;
    uint64_t id, evict_id;
    int evict_worker;
    door_verdict_t v =
        door_admit(a->shared->door, sa, wi, &id, &evict_id, &evict_worker);
    if (evict_id != 0 && evict_worker >= 0 && evict_worker < a->nworkers)
        (void)worker_evict(&a->workers[evict_worker], evict_id);
    if (v != DOOR_ADMIT) {
        /* Closed without a word: a frame would cost a write to a peer
         * that may be flooding us (see docs/PROTOCOL.md). */
        atomic_fetch_add_explicit(&w->metrics.refused, 1, memory_order_relaxed);
        evutil_closesocket(fd);
        return;
    }
    if (!worker_hand_off(w, fd, sa, salen, id)) {
        door_release(a->shared->door, id);
        evutil_closesocket(fd);
    }
}

static void acceptor_on_summary(evutil_socket_t fd, short what, void *arg)
{
    acceptor_t *a = arg;
    door_counts_t n;
    door_take_counts(a->shared->door, &n);
    if (n.refused_full + n.refused_address + n.evicted + n.login_deadline > 0)
        log_warn("event=door_summary seconds=%d refused_full=%llu "
                 "refused_address=%llu evicted=%llu login_deadline=%llu "
                 "connections=%d unauthenticated=%d",
                 ACCEPTOR_SUMMARY_MS / 1000,
                 (unsigned long long)n.refused_full,
                 (unsigned long long)n.refused_address,
                 (unsigned long long)n.evicted,
                 (unsigned long long)n.login_deadline, n.connections,
                 n.unauthenticated);
    struct timeval tv = {ACCEPTOR_SUMMARY_MS / 1000, 0};
    evtimer_add(a->summary, &tv);
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
    a->summary = evtimer_new(base, acceptor_on_summary, a);
    a->listener = evconnlistener_new_bind(
        base, acceptor_on_accept, a,
        LEV_OPT_CLOSE_ON_FREE | LEV_OPT_CLOSE_ON_EXEC | LEV_OPT_REUSEABLE, 511,
        addr, addrlen);
    if (a->retry == NULL || a->summary == NULL || a->listener == NULL) {
        int err = EVUTIL_SOCKET_ERROR();
        log_error("event=listen_failed errno=%d detail=\"%s\"", err,
                  evutil_socket_error_to_string(err));
        acceptor_stop(a);
        return NULL;
    }
    evconnlistener_set_error_cb(a->listener, acceptor_on_error);
    struct timeval tv = {ACCEPTOR_SUMMARY_MS / 1000, 0};
    evtimer_add(a->summary, &tv);
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
    if (a->summary) {
        acceptor_on_summary(-1, 0, a); /* the last counts */
        event_free(a->summary);
    }
    free(a);
}

evutil_socket_t acceptor_fd(const acceptor_t *a)
{
    return evconnlistener_get_fd(a->listener);
}
