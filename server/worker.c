#include "worker.h"

#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"

#define WORKER_SHUTDOWN_POLL_MS 50

static void timer_arm_ms(struct event *ev, int ms)
{
    struct timeval tv = {ms / 1000, (ms % 1000) * 1000};
    evtimer_add(ev, &tv);
}

/* A socket accepted by the acceptor, waiting in the worker's inbox. */
typedef struct worker_handoff {
    evutil_socket_t fd; /* -1: an eviction of door_id */
    uint64_t door_id;
    struct sockaddr_storage addr;
    int addrlen;
    struct worker_handoff *next;
} worker_handoff_t;

static void worker_post(worker_t *w, struct worker_handoff *h)
{
    pthread_mutex_lock(&w->inbox_lock);
    h->next = w->inbox;
    w->inbox = h;
    pthread_mutex_unlock(&w->inbox_lock);
    event_active(w->inbox_ev, EV_READ, 0);
}

bool worker_evict(worker_t *w, uint64_t door_id)
{
    worker_handoff_t *h = calloc(1, sizeof(*h));
    if (h == NULL)
        return false;
    h->fd = -1;
    h->door_id = door_id;
    worker_post(w, h);
    return true;
}

bool worker_hand_off(worker_t *w, evutil_socket_t fd, const struct sockaddr *sa,
                     int salen, uint64_t door_id)
{
    worker_handoff_t *h = calloc(1, sizeof(*h));
    if (h == NULL || salen < 0 || (size_t)salen > sizeof(h->addr)) {
        free(h);
        return false;
    }
    h->fd = fd;
    h->door_id = door_id;
    memcpy(&h->addr, sa, (size_t)salen);
    h->addrlen = salen;
    worker_post(w, h);
    return true;
}

/* Take the sockets the acceptor handed over. */
static void worker_on_inbox(evutil_socket_t unused, short what, void *arg)
{
    worker_t *w = arg;
    pthread_mutex_lock(&w->inbox_lock);
    worker_handoff_t *list = w->inbox;
    w->inbox = NULL;
    pthread_mutex_unlock(&w->inbox_lock);
    while (list != NULL) {
        worker_handoff_t *h = list;
        list = h->next;
        if (h->fd < 0) {
            for (conn_t *c = w->conns; c != NULL; c = c->next) {
                if (c->door_id == h->door_id) {
                    conn_evict(c);
                    break;
                }
            }
        } else if (w->stopping) {
            door_release(w->shared->door, h->door_id);
            evutil_closesocket(h->fd);
        } else {
            atomic_fetch_add_explicit(&w->metrics.accepted, 1,
                                      memory_order_relaxed);
            conn_new(w, h->fd, (struct sockaddr *)&h->addr, h->addrlen,
                     h->door_id);
        }
        free(h);
    }
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
    atomic_store(&w->metrics.db_wait_us_total, st.wait_us_total);
    atomic_store(&w->metrics.db_waits, st.waits);
    atomic_store(&w->metrics.db_pipelined, st.pipelined);
    atomic_fetch_add_explicit(&w->metrics.heartbeats, 1, memory_order_relaxed);
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
        w->answers_held == 0 &&
        (w->db == NULL || db_pool_busy(w->db) == 0) &&
        (w->report_db == NULL || db_pool_busy(w->report_db) == 0))
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
    for (conn_t *c = w->conns; c != NULL;) {
        conn_t *next = c->next; /* closing moves c to the closed list */
        conn_begin_shutdown(c);
        c = next;
    }
    evtimer_del(w->publish_timer);
    timer_arm_ms(w->grace_timer, w->shared->config->shutdown_grace_ms);
    timer_arm_ms(w->shutdown_check, WORKER_SHUTDOWN_POLL_MS);
}

bool worker_init(worker_t *w, int index, server_shared_t *shared)
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
    w->publish_timer = evtimer_new(w->base, worker_on_publish, w);
    w->inbox_ev = event_new(w->base, -1, 0, worker_on_inbox, w);
    pthread_mutex_init(&w->inbox_lock, NULL);
    w->inbox_lock_ready = true;
    if (!w->reap_ev || !w->stop_ev || !w->grace_timer || !w->shutdown_check ||
        !w->publish_timer || !w->inbox_ev)
        return false;
    w->db = db_pool_new(w->base, index, cfg->database, cfg->db_pool_size,
                        cfg->db_queue_max, cfg->db_connect_timeout_ms,
                        cfg->db_pipeline_depth);
    w->pwhash = pwhash_waiter_new(shared->pwhash, w->base);
    if (w->db == NULL || w->pwhash == NULL)
        return false;
    if (cfg->report_database[0] != '\0') {
        /* Pool ids 500+ name the report connections in logs. */
        w->report_db = db_pool_new(w->base, 500 + index, cfg->report_database,
                                   cfg->db_pool_size, cfg->db_queue_max,
                                   cfg->db_connect_timeout_ms,
                                   cfg->db_pipeline_depth);
        if (w->report_db == NULL)
            return false;
    }
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
    if (w->report_db)
        db_pool_free(w->report_db);
    w->report_db = NULL;
    worker_on_reap(-1, 0, w);
    if (w->inbox_ev) {
        worker_on_inbox(-1, 0, w); /* sockets still waiting: closed */
        event_free(w->inbox_ev);
    }
    if (w->inbox_lock_ready)
        pthread_mutex_destroy(&w->inbox_lock);
    if (w->reap_ev)
        event_free(w->reap_ev);
    if (w->stop_ev)
        event_free(w->stop_ev);
    if (w->grace_timer)
        event_free(w->grace_timer);
    if (w->shutdown_check)
        event_free(w->shutdown_check);
    if (w->publish_timer)
        event_free(w->publish_timer);
    if (w->base)
        event_base_free(w->base);
    memset(w, 0, sizeof(*w));
}
