#include "worker.h"

#include <errno.h>
#include <inttypes.h>
#include <string.h>

#include "log.h"

#define WORKER_ACCEPT_RETRY_MS 200
#define WORKER_SHUTDOWN_POLL_MS 50

static void timer_arm_ms(struct event *ev, int ms)
{
    struct timeval tv = {ms / 1000, (ms % 1000) * 1000};
    evtimer_add(ev, &tv);
}

static void worker_on_accept(struct evconnlistener *l, evutil_socket_t fd,
                             struct sockaddr *sa, int salen, void *arg)
{
    worker_t *w = arg;
    const server_config_t *cfg = w->shared->config;
    if (w->stopping) {
        evutil_closesocket(fd);
        return;
    }
    if (atomic_load(&w->shared->connections) >= cfg->max_connections) {
        atomic_fetch_add_explicit(&w->metrics.refused, 1, memory_order_relaxed);
        log_warn("event=refused reason=max_connections limit=%d",
                 cfg->max_connections);
        evutil_closesocket(fd);
        return;
    }
    atomic_fetch_add_explicit(&w->metrics.accepted, 1, memory_order_relaxed);
    conn_new(w, fd, sa, salen);
}

static void worker_on_accept_retry(evutil_socket_t fd, short what, void *arg)
{
    worker_t *w = arg;
    if (!w->stopping)
        evconnlistener_enable(w->listener);
}

/* Out of descriptors: stop accepting for a moment instead of spinning on a
 * listening socket that stays readable. */
static void worker_on_accept_error(struct evconnlistener *l, void *arg)
{
    worker_t *w = arg;
    int err = EVUTIL_SOCKET_ERROR();
    log_warn("event=accept_error worker=%d errno=%d detail=\"%s\"", w->index,
             err, evutil_socket_error_to_string(err));
    evconnlistener_disable(l);
    timer_arm_ms(w->accept_retry, WORKER_ACCEPT_RETRY_MS);
}

#define WORKER_PUBLISH_MS 1000

static void worker_on_publish(evutil_socket_t fd, short what, void *arg)
{
    worker_t *w = arg;
    db_pool_stats_t st;
    db_pool_get_stats(w->db, &st);
    atomic_store(&w->metrics.db_connections_up, st.connections_up);
    atomic_store(&w->metrics.db_queued, st.queued);
    atomic_store(&w->metrics.db_queries_done, st.queries_done);
    atomic_store(&w->metrics.db_queries_failed, st.queries_failed);
    if (!w->stopping)
        timer_arm_ms(w->publish_timer, WORKER_PUBLISH_MS);
}

static void worker_on_reap(evutil_socket_t fd, short what, void *arg)
{
    worker_t *w = arg;
    while (w->closed != NULL) {
        conn_t *c = w->closed;
        w->closed = c->next;
        conn_free(c);
    }
    worker_check_idle(w);
}

void worker_retire_conn(worker_t *w, conn_t *c)
{
    if (c->prev)
        c->prev->next = c->next;
    else
        w->conns = c->next;
    if (c->next)
        c->next->prev = c->prev;
    c->prev = NULL;
    c->next = w->closed;
    w->closed = c;
    event_active(w->reap_ev, EV_READ, 0);
}

void worker_check_idle(worker_t *w)
{
    if (w->stopping && w->conns == NULL && w->closed == NULL &&
        (w->db == NULL || db_pool_busy(w->db) == 0))
        event_base_loopexit(w->base, NULL);
}

static void worker_on_shutdown_poll(evutil_socket_t fd, short what, void *arg)
{
    worker_t *w = arg;
    worker_check_idle(w);
    timer_arm_ms(w->shutdown_check, WORKER_SHUTDOWN_POLL_MS);
}

static void worker_on_grace_over(evutil_socket_t fd, short what, void *arg)
{
    worker_t *w = arg;
    log_warn("event=shutdown_grace_over worker=%d", w->index);
    for (conn_t *c = w->conns; c != NULL;) {
        conn_t *next = c->next;
        conn_close(c, AIXIN__V1__ERROR_CODE__ERROR_CODE_UNAVAILABLE,
                   "server shutting down");
        c = next;
    }
    event_base_loopexit(w->base, NULL);
}

static void worker_on_stop(evutil_socket_t fd, short what, void *arg)
{
    worker_t *w = arg;
    if (w->stopping)
        return;
    w->stopping = true;
    evconnlistener_disable(w->listener);
    for (conn_t *c = w->conns; c != NULL;) {
        conn_t *next = c->next; /* closing moves c to the closed list */
        conn_begin_shutdown(c);
        c = next;
    }
    evtimer_del(w->publish_timer);
    timer_arm_ms(w->grace_timer, w->shared->config->shutdown_grace_ms);
    timer_arm_ms(w->shutdown_check, WORKER_SHUTDOWN_POLL_MS);
}

bool worker_init(worker_t *w, int index, server_shared_t *shared,
                 const struct sockaddr *addr, int addrlen)
{
    memset(w, 0, sizeof(*w));
    w->index = index;
    w->shared = shared;
    const server_config_t *cfg = shared->config;
    w->base = event_base_new();
    if (w->base == NULL)
        return false;
    w->reap_ev = event_new(w->base, -1, 0, worker_on_reap, w);
    w->stop_ev = event_new(w->base, -1, 0, worker_on_stop, w);
    w->grace_timer = evtimer_new(w->base, worker_on_grace_over, w);
    w->shutdown_check = evtimer_new(w->base, worker_on_shutdown_poll, w);
    w->accept_retry = evtimer_new(w->base, worker_on_accept_retry, w);
    w->publish_timer = evtimer_new(w->base, worker_on_publish, w);
    if (!w->reap_ev || !w->stop_ev || !w->grace_timer || !w->shutdown_check ||
        !w->accept_retry || !w->publish_timer)
        return false;
    /* Every worker binds the same address; the kernel spreads the
     * connections (SO_REUSEPORT). */
    w->listener = evconnlistener_new_bind(
        w->base, worker_on_accept, w,
        LEV_OPT_CLOSE_ON_FREE | LEV_OPT_CLOSE_ON_EXEC | LEV_OPT_REUSEABLE |
            LEV_OPT_REUSEABLE_PORT,
        511, addr, addrlen);
    if (w->listener == NULL) {
        int err = EVUTIL_SOCKET_ERROR();
        log_error("event=listen_failed worker=%d errno=%d detail=\"%s\"", index,
                  err, evutil_socket_error_to_string(err));
        return false;
    }
    evconnlistener_set_error_cb(w->listener, worker_on_accept_error);
    w->db = db_pool_new(w->base, index, cfg->database, cfg->db_pool_size,
                        cfg->db_queue_max, cfg->db_connect_timeout_ms);
    w->pwhash = pwhash_waiter_new(shared->pwhash, w->base);
    if (w->db == NULL || w->pwhash == NULL)
        return false;
    timer_arm_ms(w->publish_timer, 100); /* soon after the pool connects */
    return true;
}

static void *worker_main(void *arg)
{
    worker_t *w = arg;
    event_base_dispatch(w->base);
    log_debug("event=worker_stopped worker=%d requests=%" PRIu64, w->index,
              w->requests);
    return NULL;
}

bool worker_start(worker_t *w)
{
    return pthread_create(&w->thread, NULL, worker_main, w) == 0;
}

void worker_request_stop(worker_t *w)
{
    event_active(w->stop_ev, EV_READ, 0);
}

void worker_join(worker_t *w)
{
    pthread_join(w->thread, NULL);
}

void worker_destroy(worker_t *w)
{
    if (w->pwhash)
        pwhash_waiter_free(w->pwhash); /* late hash results: orphans freed */
    w->pwhash = NULL;
    while (w->conns != NULL)
        conn_abort(w->conns);
    if (w->db)
        db_pool_free(w->db); /* late query results: orphans freed */
    w->db = NULL;
    worker_on_reap(-1, 0, w);
    if (w->listener)
        evconnlistener_free(w->listener);
    if (w->reap_ev)
        event_free(w->reap_ev);
    if (w->stop_ev)
        event_free(w->stop_ev);
    if (w->grace_timer)
        event_free(w->grace_timer);
    if (w->shutdown_check)
        event_free(w->shutdown_check);
    if (w->accept_retry)
        event_free(w->accept_retry);
    if (w->publish_timer)
        event_free(w->publish_timer);
    if (w->base)
        event_base_free(w->base);
    memset(w, 0, sizeof(*w));
}
