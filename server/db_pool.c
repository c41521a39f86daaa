#include "db_pool.h"

#include <assert.h>
#include <event2/event_struct.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "log.h"

typedef enum db_conn_state {
    DB_CONN_DOWN = 0,   /* waiting for the back-off timer */
    DB_CONN_CONNECTING, /* PQconnectPoll in progress */
    DB_CONN_PREPARING,  /* preparing statement prepare_next */
    DB_CONN_IDLE,
    DB_CONN_BUSY, /* running `current` */
    DB_CONN_STATE_COUNT
} db_conn_state_t;

/* Longest pause between reconnect attempts. A failover (Patroni promoting
 * a standby) is over in seconds, and the multi-host conninfo finds the new
 * primary on the first attempt after it: a longer pause would only add to
 * the time the offices wait. */
#define DB_RECONNECT_MAX_MS 1000

/* SQLSTATE of a write refused by a read-only server: this connection
 * reached a standby (a demoted primary, or a conninfo without
 * target_session_attrs=read-write), so it is dropped and made again. */
#define DB_SQLSTATE_READ_ONLY "25006"

static const char *const db_conn_state_names[DB_CONN_STATE_COUNT] = {
    "down", "connecting", "preparing", "idle", "busy"};

struct db_query {
    db_stmt_t stmt;
    int nparams;
    bool failed; /* an add ran out of memory */
    size_t offsets[DB_MAX_PARAMS];
    int lengths[DB_MAX_PARAMS];
    int formats[DB_MAX_PARAMS];
    bool is_null[DB_MAX_PARAMS];
    char *storage; /* owned: parameter bytes, each NUL-terminated */
    size_t used, cap;
    db_query_cb cb;
    void *arg;
    db_query_t *next;
    uint64_t queued_us; /* when submitted: the pool wait metric */
};

static uint64_t db_pool_now_us(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}

typedef struct db_conn {
    db_pool_t *pool; /* borrowed back-pointer */
    int index;       /* pool id * 1000 + position, for logs */
    PGconn *pg; /* owned */
    db_conn_state_t state;
    struct event io;    /* socket readiness */
    bool io_assigned;
    struct event timer; /* connect deadline or back-off */
    int prepare_next;
    bool prepared[DB_STMT_COUNT]; /* false: the schema refused it */
    db_query_t *current; /* owned while BUSY */
    PGresult *result;    /* owned: first result of current */
    bool sent;           /* current has reached the socket */
    int backoff_ms;
} db_conn_t;

struct db_pool {
    struct event_base *base; /* borrowed */
    char *conninfo;          /* owned */
    int size;
    int queue_max;
    int connect_timeout_ms;
    db_conn_t *conns; /* owned array of size */
    db_query_t *queue_head, *queue_tail;
    int queued;
    int running;
    int up; /* connections IDLE or BUSY */
    bool ever_up;
    bool closing;
    uint64_t done, failed;
    uint64_t wait_us_total, waits;
};

static void db_conn_connect(db_conn_t *dc);
static void db_conn_on_io(evutil_socket_t fd, short what, void *arg);
static void db_conn_dispatch(db_pool_t *pool);

/* ---------- queries ---------- */

db_query_t *db_query_new(db_stmt_t stmt, db_query_cb cb, void *arg)
{
    db_query_t *q = calloc(1, sizeof(*q));
    if (q == NULL)
        return NULL;
    q->stmt = stmt;
    q->cb = cb;
    q->arg = arg;
    return q;
}

static void db_query_free(db_query_t *q)
{
    if (q == NULL)
        return;
    free(q->storage);
    free(q);
}

static void db_query_add(db_query_t *q, const void *p, size_t len, int format,
                         bool is_null)
{
    if (q == NULL || q->failed)
        return;
    if (q->nparams >= DB_MAX_PARAMS || len > INT32_MAX) {
        q->failed = true;
        return;
    }
    int i = q->nparams++;
    q->is_null[i] = is_null;
    q->formats[i] = format;
    q->lengths[i] = (int)len;
    q->offsets[i] = q->used;
    if (is_null)
        return;
    if (q->used + len + 1 > q->cap) {
        size_t ncap = q->cap ? q->cap * 2 : 256;
        while (ncap < q->used + len + 1)
            ncap *= 2;
        char *ns = realloc(q->storage, ncap);
        if (ns == NULL) {
            q->failed = true;
            return;
        }
        q->storage = ns;
        q->cap = ncap;
    }
    if (len > 0)
        memcpy(q->storage + q->used, p, len);
    q->storage[q->used + len] = '\0';
    q->used += len + 1;
}

void db_query_add_text(db_query_t *q, const char *s)
{
    db_query_add(q, s, strlen(s), 0, false);
}

void db_query_add_text_or_null(db_query_t *q, const char *s)
{
    if (s == NULL || *s == '\0')
        db_query_add(q, NULL, 0, 0, true);
    else
        db_query_add_text(q, s);
}

void db_query_add_int64(db_query_t *q, int64_t v)
{
    char buf[24];
    int n = snprintf(buf, sizeof(buf), "%" PRId64, v);
    db_query_add(q, buf, (size_t)n, 0, false);
}

void db_query_add_bytea(db_query_t *q, const uint8_t *p, size_t len)
{
    db_query_add(q, p, len, 1, false);
}

void db_query_add_null(db_query_t *q)
{
    db_query_add(q, NULL, 0, 0, true);
}

void db_query_add_text_array(db_query_t *q, char *const *items, size_t n)
{
    /* Every element in double quotes with " and \ escaped, so any text
     * survives PostgreSQL's array syntax. */
    size_t len = 3;
    for (size_t i = 0; i < n; i++)
        len += 2 * strlen(items[i]) + 3;
    char *lit = malloc(len);
    if (lit == NULL) {
        if (q != NULL)
            q->failed = true;
        return;
    }
    size_t o = 0;
    lit[o++] = '{';
    for (size_t i = 0; i < n; i++) {
        if (i > 0)
            lit[o++] = ',';
        lit[o++] = '"';
        for (const char *c = items[i]; *c != '\0'; c++) {
            if (*c == '"' || *c == '\\')
                lit[o++] = '\\';
            lit[o++] = *c;
        }
        lit[o++] = '"';
    }
    lit[o++] = '}';
    lit[o] = '\0';
    db_query_add(q, lit, o, 0, false);
    free(lit);
}

/* Run the callback later from the loop, never inside the caller. */
typedef struct deferred_failure {
    db_query_t *q;
    db_outcome_t outcome;
} deferred_failure_t;

static void db_query_finish(db_pool_t *pool, db_query_t *q,
                            db_outcome_t outcome, const PGresult *res)
{
    if (outcome == DB_OUTCOME_RESULT)
        pool->done++;
    else
        pool->failed++;
    q->cb(q->arg, outcome, res);
    db_query_free(q);
}

static void db_query_on_deferred(evutil_socket_t fd, short what, void *arg)
{
    deferred_failure_t *d = arg;
    d->q->cb(d->q->arg, d->outcome, NULL);
    db_query_free(d->q);
    free(d);
}

static void db_query_fail_later(db_pool_t *pool, db_query_t *q,
                                db_outcome_t outcome)
{
    pool->failed++;
    deferred_failure_t *d = malloc(sizeof(*d));
    if (d != NULL) {
        d->q = q;
        d->outcome = outcome;
        struct timeval zero = {0, 0};
        if (event_base_once(pool->base, -1, EV_TIMEOUT, db_query_on_deferred,
                            d, &zero) == 0)
            return;
        free(d);
    }
    /* Out of memory even for the deferral: answer now rather than never. */
    q->cb(q->arg, outcome, NULL);
    db_query_free(q);
}

/* ---------- connections ---------- */

static void db_conn_set_state(db_conn_t *dc, db_conn_state_t s)
{
    assert((unsigned)s < DB_CONN_STATE_COUNT);
    bool was_up = dc->state == DB_CONN_IDLE || dc->state == DB_CONN_BUSY;
    bool is_up = s == DB_CONN_IDLE || s == DB_CONN_BUSY;
    dc->pool->up += (int)is_up - (int)was_up;
    if (is_up)
        dc->pool->ever_up = true;
    log_debug("event=db_state db_conn=%d from=%s to=%s", dc->index,
              db_conn_state_names[dc->state], db_conn_state_names[s]);
    dc->state = s;
}

static void db_conn_wait(db_conn_t *dc, short what)
{
    if (dc->io_assigned)
        event_del(&dc->io);
    event_assign(&dc->io, dc->pool->base, PQsocket(dc->pg), what,
                 db_conn_on_io, dc);
    dc->io_assigned = true;
    event_add(&dc->io, NULL);
}

static void db_pool_fail_queue(db_pool_t *pool, db_outcome_t outcome)
{
    while (pool->queue_head != NULL) {
        db_query_t *q = pool->queue_head;
        pool->queue_head = q->next;
        pool->queued--;
        db_query_fail_later(pool, q, outcome);
    }
    pool->queue_tail = NULL;
}

/* Drop the connection; a query in flight is LOST if sent, else requeued. */
static void db_conn_break(db_conn_t *dc, const char *why)
{
    db_pool_t *pool = dc->pool;
    const char *msg = dc->pg ? PQerrorMessage(dc->pg) : "";
    char clean[256];
    size_t n = 0;
    for (; msg[n] != '\0' && n < sizeof(clean) - 1; n++)
        clean[n] = (msg[n] == '\n' || msg[n] == '"') ? ' ' : msg[n];
    clean[n] = '\0';
    if (pool->closing)
        log_debug("event=db_close db_conn=%d", dc->index);
    else
        log_warn("event=db_down db_conn=%d state=%s reason=%s detail=\"%s\"",
                 dc->index, db_conn_state_names[dc->state], why, clean);
    if (dc->io_assigned) {
        event_del(&dc->io);
        dc->io_assigned = false;
    }
    evtimer_del(&dc->timer);
    if (dc->result != NULL) {
        PQclear(dc->result);
        dc->result = NULL;
    }
    db_query_t *q = dc->current;
    dc->current = NULL;
    bool was_busy = dc->state == DB_CONN_BUSY;
    if (dc->pg != NULL) {
        PQfinish(dc->pg);
        dc->pg = NULL;
    }
    db_conn_set_state(dc, DB_CONN_DOWN);
    if (q != NULL) {
        pool->running--;
        db_query_fail_later(pool, q,
                            was_busy && dc->sent ? DB_OUTCOME_LOST
                                                 : DB_OUTCOME_UNAVAILABLE);
    }
    /* With no connection left, waiting requests would hang until the
     * database is back: fail them now, they are safe to retry. */
    if (pool->up == 0)
        db_pool_fail_queue(pool, DB_OUTCOME_UNAVAILABLE);
    if (pool->closing)
        return;
    dc->backoff_ms = dc->backoff_ms == 0 ? 100 : dc->backoff_ms * 2;
    if (dc->backoff_ms > DB_RECONNECT_MAX_MS)
        dc->backoff_ms = DB_RECONNECT_MAX_MS;
    struct timeval tv = {dc->backoff_ms / 1000, (dc->backoff_ms % 1000) * 1000};
    evtimer_add(&dc->timer, &tv);
}

static void db_conn_on_timer(evutil_socket_t fd, short what, void *arg)
{
    db_conn_t *dc = arg;
    if (dc->state == DB_CONN_DOWN)
        db_conn_connect(dc);
    else if (dc->state == DB_CONN_CONNECTING || dc->state == DB_CONN_PREPARING)
        db_conn_break(dc, "connect_timeout");
}

static void db_conn_prepare_next(db_conn_t *dc)
{
    if (dc->prepare_next >= DB_STMT_COUNT) {
        dc->backoff_ms = 0;
        evtimer_del(&dc->timer);
        db_conn_set_state(dc, DB_CONN_IDLE);
        log_info("event=db_ready db_conn=%d", dc->index);
        /* Watch the idle connection, so that a server-side close is seen
         * now and not by the next query. */
        db_conn_wait(dc, EV_READ);
        db_conn_dispatch(dc->pool);
        return;
    }
    const db_statement_t *st = db_statement_get((db_stmt_t)dc->prepare_next);
    if (!PQsendPrepare(dc->pg, st->name, st->sql, st->nparams, NULL)) {
        db_conn_break(dc, "prepare_send");
        return;
    }
    int f = PQflush(dc->pg);
    if (f < 0) {
        db_conn_break(dc, "prepare_flush");
        return;
    }
    db_conn_wait(dc, f == 1 ? EV_READ | EV_WRITE : EV_READ);
}

static void db_conn_connected(db_conn_t *dc)
{
    if (PQsetnonblocking(dc->pg, 1) != 0) {
        db_conn_break(dc, "setnonblocking");
        return;
    }
    db_conn_set_state(dc, DB_CONN_PREPARING);
    dc->prepare_next = 0;
    db_conn_prepare_next(dc);
}

static void db_conn_poll_connect(db_conn_t *dc)
{
    switch (PQconnectPoll(dc->pg)) {
    case PGRES_POLLING_READING:
        db_conn_wait(dc, EV_READ); /* PQsocket may change between steps */
        break;
    case PGRES_POLLING_WRITING:
        db_conn_wait(dc, EV_WRITE);
        break;
    case PGRES_POLLING_OK:
        db_conn_connected(dc);
        break;
    default:
        db_conn_break(dc, "connect_failed");
        break;
    }
}

static void db_conn_connect(db_conn_t *dc)
{
    /* Session settings first, so that the operator's conninfo (expanded
     * from dbname) can override them. lock_timeout turns a wait on another
     * attempt of the same idempotency key into IN_PROGRESS instead of a
     * held connection; statement_timeout bounds a stalled query. */
    static const char *const keys[] = {"options", "application_name",
                                       "dbname", NULL};
    const char *values[] = {"-c lock_timeout=5000 -c statement_timeout=60000",
                            "aixind", dc->pool->conninfo, NULL};
    dc->pg = PQconnectStartParams(keys, values, 1);
    if (dc->pg == NULL || PQstatus(dc->pg) == CONNECTION_BAD) {
        db_conn_set_state(dc, DB_CONN_CONNECTING);
        db_conn_break(dc, "connect_start");
        return;
    }
    db_conn_set_state(dc, DB_CONN_CONNECTING);
    int ms = dc->pool->connect_timeout_ms;
    struct timeval tv = {ms / 1000, (ms % 1000) * 1000};
    evtimer_add(&dc->timer, &tv);
    /* Per libpq's contract the first wait is for writability. */
    db_conn_wait(dc, EV_WRITE);
}

/* Read what arrived; returns false if the connection broke. Collects
 * results of the current command until libpq reports the end (NULL). */
static bool db_conn_read_results(db_conn_t *dc, bool *complete)
{
    *complete = false;
    if (!PQconsumeInput(dc->pg))
        return false;
    while (!PQisBusy(dc->pg)) {
        PGresult *r = PQgetResult(dc->pg);
        if (r == NULL) {
            *complete = true;
            return true;
        }
        if (dc->result == NULL)
            dc->result = r;
        else
            PQclear(r);
    }
    return true;
}

static void db_conn_start_query(db_conn_t *dc, db_query_t *q)
{
    db_pool_t *pool = dc->pool;
    const db_statement_t *st = db_statement_get(q->stmt);
    if (!dc->prepared[q->stmt]) {
        db_query_fail_later(pool, q, DB_OUTCOME_NO_STATEMENT);
        return; /* the connection stays idle for the next one */
    }
    const char *values[DB_MAX_PARAMS];
    for (int i = 0; i < q->nparams; i++)
        values[i] = q->is_null[i] ? NULL : q->storage + q->offsets[i];
    dc->current = q;
    dc->sent = false;
    pool->running++;
    db_conn_set_state(dc, DB_CONN_BUSY);
    if (!PQsendQueryPrepared(dc->pg, st->name, q->nparams, values, q->lengths,
                             q->formats, 0)) {
        db_conn_break(dc, "send_query");
        return;
    }
    dc->sent = true;
    int f = PQflush(dc->pg);
    if (f < 0) {
        db_conn_break(dc, "flush");
        return;
    }
    db_conn_wait(dc, f == 1 ? EV_READ | EV_WRITE : EV_READ);
}

static void db_conn_on_io(evutil_socket_t fd, short what, void *arg)
{
    db_conn_t *dc = arg;
    dc->io_assigned = false; /* the event is not persistent */
    switch (dc->state) {
    case DB_CONN_CONNECTING:
        db_conn_poll_connect(dc);
        return;
    case DB_CONN_PREPARING:
    case DB_CONN_BUSY: {
        if (what & EV_WRITE) {
            int f = PQflush(dc->pg);
            if (f < 0) {
                db_conn_break(dc, "flush");
                return;
            }
            if (f == 1 && !(what & EV_READ)) {
                db_conn_wait(dc, EV_READ | EV_WRITE);
                return;
            }
        }
        bool complete;
        if (!db_conn_read_results(dc, &complete)) {
            db_conn_break(dc, "read");
            return;
        }
        if (!complete) {
            int f = PQflush(dc->pg);
            if (f < 0) {
                db_conn_break(dc, "flush");
                return;
            }
            db_conn_wait(dc, f == 1 ? EV_READ | EV_WRITE : EV_READ);
            return;
        }
        PGresult *res = dc->result;
        dc->result = NULL;
        if (dc->state == DB_CONN_PREPARING) {
            bool ok = res != NULL && PQresultStatus(res) == PGRES_COMMAND_OK;
            if (!ok) {
                /* A schema behind this binary: serve what it can, refuse
                 * the rest with a clear error (start-up checks the schema
                 * version, so this is a rolling-upgrade window). */
                log_error("event=db_prepare_failed db_conn=%d stmt=%s "
                          "hint=\"schema older than this aixind? run aixind "
                          "--migrate\" detail=\"%s\"",
                          dc->index,
                          db_statement_get((db_stmt_t)dc->prepare_next)->name,
                          res ? PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY)
                              : "no result");
            }
            PQclear(res);
            if (PQstatus(dc->pg) == CONNECTION_BAD) {
                db_conn_break(dc, "prepare");
                return;
            }
            dc->prepared[dc->prepare_next] = ok;
            dc->prepare_next++;
            db_conn_prepare_next(dc);
            return;
        }
        db_query_t *q = dc->current;
        dc->current = NULL;
        dc->pool->running--;
        db_conn_set_state(dc, DB_CONN_IDLE);
        const char *state =
            res != NULL ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : NULL;
        bool read_only =
            state != NULL && strcmp(state, DB_SQLSTATE_READ_ONLY) == 0;
        if (res == NULL) {
            db_query_finish(dc->pool, q, DB_OUTCOME_LOST, NULL);
        } else {
            db_query_finish(dc->pool, q, DB_OUTCOME_RESULT, res);
            PQclear(res);
        }
        /* The callback may have started the next query on this very
         * connection; then that query owns the waits. */
        if (dc->state != DB_CONN_IDLE)
            return;
        if (PQstatus(dc->pg) == CONNECTION_BAD) {
            db_conn_break(dc, "after_result");
            return;
        }
        if (read_only) {
            db_conn_break(dc, "read_only_server");
            return;
        }
        /* Keep a read armed on idle connections so a server-side close
         * (restart, terminate) is noticed before the next query. */
        db_conn_wait(dc, EV_READ);
        db_conn_dispatch(dc->pool);
        return;
    }
    case DB_CONN_IDLE:
        /* Unsolicited input on an idle connection: a notice, or the server
         * going away. */
        if (!PQconsumeInput(dc->pg) || PQstatus(dc->pg) == CONNECTION_BAD) {
            db_conn_break(dc, "closed_by_server");
            return;
        }
        db_conn_wait(dc, EV_READ);
        return;
    default:
        return;
    }
}

/* Give queued queries to idle connections. */
static void db_conn_dispatch(db_pool_t *pool)
{
    for (int i = 0; i < pool->size && pool->queue_head != NULL; i++) {
        db_conn_t *dc = &pool->conns[i];
        while (dc->state == DB_CONN_IDLE && pool->queue_head != NULL) {
            db_query_t *q = pool->queue_head;
            pool->queue_head = q->next;
            if (pool->queue_head == NULL)
                pool->queue_tail = NULL;
            pool->queued--;
            q->next = NULL;
            pool->wait_us_total += db_pool_now_us() - q->queued_us;
            pool->waits++;
            db_conn_start_query(dc, q);
        }
    }
}

/* ---------- pool ---------- */

db_pool_t *db_pool_new(struct event_base *base, int pool_id,
                       const char *conninfo, int size, int queue_max,
                       int connect_timeout_ms)
{
    db_pool_t *pool = calloc(1, sizeof(*pool));
    if (pool == NULL)
        return NULL;
    pool->base = base;
    pool->conninfo = strdup(conninfo ? conninfo : "");
    pool->conns = calloc((size_t)size, sizeof(db_conn_t));
    if (pool->conninfo == NULL || pool->conns == NULL) {
        free(pool->conninfo);
        free(pool->conns);
        free(pool);
        return NULL;
    }
    pool->size = size;
    pool->queue_max = queue_max;
    pool->connect_timeout_ms = connect_timeout_ms;
    for (int i = 0; i < size; i++) {
        db_conn_t *dc = &pool->conns[i];
        dc->pool = pool;
        dc->index = pool_id * 1000 + i;
        evtimer_assign(&dc->timer, base, db_conn_on_timer, dc);
        db_conn_connect(dc);
    }
    return pool;
}

void db_pool_free(db_pool_t *pool)
{
    if (pool == NULL)
        return;
    pool->closing = true;
    for (int i = 0; i < pool->size; i++) {
        db_conn_t *dc = &pool->conns[i];
        if (dc->state != DB_CONN_DOWN)
            db_conn_break(dc, "shutdown");
        evtimer_del(&dc->timer);
    }
    /* Queries failed above were deferred to the loop; run them now so
     * every callback fires before the pool goes away. */
    event_base_loop(pool->base, EVLOOP_NONBLOCK);
    db_pool_fail_queue(pool, DB_OUTCOME_UNAVAILABLE);
    event_base_loop(pool->base, EVLOOP_NONBLOCK);
    free(pool->conns);
    free(pool->conninfo);
    free(pool);
}

int db_pool_busy(const db_pool_t *pool)
{
    return pool->queued + pool->running;
}

void db_pool_get_stats(const db_pool_t *pool, db_pool_stats_t *out)
{
    out->connections_up = pool->up;
    out->queued = pool->queued;
    out->queries_done = pool->done;
    out->queries_failed = pool->failed;
    out->wait_us_total = pool->wait_us_total;
    out->waits = pool->waits;
}

void db_pool_submit(db_pool_t *pool, db_query_t *q)
{
    if (q->failed) {
        db_query_fail_later(pool, q, DB_OUTCOME_UNAVAILABLE);
        return;
    }
    /* Before the first connection is up, queries wait for it; after the
     * database has been lost, they fail at once so clients can retry. */
    if (pool->closing || pool->queued >= pool->queue_max ||
        (pool->up == 0 && pool->ever_up)) {
        db_query_fail_later(pool, q, DB_OUTCOME_UNAVAILABLE);
        return;
    }
    q->next = NULL;
    q->queued_us = db_pool_now_us();
    if (pool->queue_tail)
        pool->queue_tail->next = q;
    else
        pool->queue_head = q;
    pool->queue_tail = q;
    pool->queued++;
    db_conn_dispatch(pool);
}
