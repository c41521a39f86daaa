/*
 * A worker: one thread, one event loop, its own pool of PostgreSQL
 * connections, and the client connections the acceptor dealt to it.
 */
#ifndef AIXIN_WORKER_H
#define AIXIN_WORKER_H

#include <event2/event.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

#include "config.h"
#include "conn.h"
#include "db_pool.h"
#include "door.h"
#include "metrics.h"
#include "pwhash_pool.h"

/* What all workers share; read-only after start except the atomics.
 * config and tls are swapped whole by a reload (SIGHUP); what they pointed
 * to before stays alive until exit, so a pointer read once stays valid. */
typedef struct server_shared {
    const server_config_t *_Atomic config;
    pwhash_pool_t *pwhash;
    struct ssl_ctx_st *_Atomic tls; /* NULL: plain TCP */
    atomic_int connections;         /* open client connections, all workers */
    door_t *door;                   /* owned by main: who may hold a connection */
    struct login_gate *login_gate;  /* owned by main: throttled logins refused here */
    /* Bumped after every session revocation (logout, disable, password
     * change): a connection whose session was checked under an older
     * value checks it again before its next request. */
    atomic_uint_fast64_t session_generation;
    atomic_uint_fast64_t next_conn_id;
    atomic_uint_fast64_t next_request_serial;
} server_shared_t;

typedef struct worker {
    int index;
    server_shared_t *shared; /* borrowed */
    pthread_t thread;
    struct event_base *base;        /* owned */
    pthread_mutex_t inbox_lock;     /* guards inbox */
    bool inbox_lock_ready;
    struct worker_handoff *inbox;   /* owned: sockets handed over */
    struct event *inbox_ev;         /* owned; activated by the acceptor */
    db_pool_t *db;                  /* owned */
    db_pool_t *report_db;           /* owned; NULL: reports use db */
    pwhash_waiter_t *pwhash;        /* owned */
    conn_t *conns;                  /* owned list of live connections */
    conn_t *closed;                 /* owned, freed by reap_ev */
    struct event *reap_ev;          /* owned */
    struct event *stop_ev;          /* owned; activated from the main thread */
    struct event *grace_timer;      /* owned */
    struct event *shutdown_check;   /* owned */
    bool stopping;
    struct event *publish_timer;    /* owned; copies pool figures to metrics */
    metrics_t metrics;              /* read by the admin HTTP port */
    uint64_t requests;              /* for the exit log */
    int answers_held;               /* refused logins waiting to be answered */
} worker_t;

/* Set up a worker (loop, db pool). */
bool worker_init(worker_t *w, int index, server_shared_t *shared);

/* Thread-safe: give an accepted socket to the worker (which then owns
 * it). False (socket still the caller's) when out of memory. */
bool worker_hand_off(worker_t *w, evutil_socket_t fd, const struct sockaddr *sa,
                     int salen, uint64_t door_id);
/* Thread-safe: close the stranger the door chose to make room. */
bool worker_evict(worker_t *w, uint64_t door_id);
bool worker_start(worker_t *w);
/* Thread-safe: ask the worker to finish in-flight work and stop. */
void worker_request_stop(worker_t *w);
void worker_join(worker_t *w);
/* After join: free everything the worker owns. */
void worker_destroy(worker_t *w);

/* Hand a closed connection to the reaper. */
void worker_retire_conn(worker_t *w, conn_t *c);
/* A connection finished or freed work: maybe the worker may stop now. */
void worker_check_idle(worker_t *w);

#endif
