#include "db_pool.h"

#include <assert.h>
#include <event2/event_struct.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "log.h"

/*
 * Pipeline mode. Every connection runs in libpq pipeline mode once its
 * statements are prepared, and every query is sent as its own segment
 * (PQsendQueryPrepared then PQpipelineSync): its own implicit transaction,
 * committed at its Sync, so a query that fails aborts nothing but itself.
 * A query is answered only when its segment's PGRES_PIPELINE_SYNC has
 * arrived, that is after its COMMIT: acknowledged means durable.
 *
 * Why: a connection that waits for its result before it is given the
 * next query leaves its backend idle for the whole round trip through
 * this loop (result read, the reply built and written, the next query
 * sent), and on a loaded machine that includes the wait for this thread
 * to be scheduled at all. When no connection is idle, a brief query (see
 * db_statement_is_brief) is therefore queued behind the one running on
 * the least loaded connection, up to pipeline_depth queries per
 * connection, so that the backend starts it the moment the previous one
 * commits. An idle connection is always preferred, and nothing is queued
 * behind a statement that may run long.
 */

typedef enum db_conn_state {
    DB_CONN_DOWN = 0,   /* waiting for the back-off timer */
    DB_CONN_CONNECTING, /* PQconnectPoll in progress */
    DB_CONN_PREPARING,  /* preparing statement prepare_next */
    DB_CONN_IDLE,       /* in pipeline mode, nothing in flight */
    DB_CONN_BUSY,       /* in pipeline mode, 1..pipeline_depth in flight */
    DB_CONN_STATE_COUNT
} db_conn_state_t;

/* Longest pause between reconnect attempts. A failover (Patroni promoting
 * a standby) is over in seconds, and the multi-host conninfo finds the new
 * primary on the first attempt after it: a longer pause would only add to
 * the time the offices wait. */
#define DB_RECONNECT_MAX_MS 1000

/* A query whose pipeline segment was reported aborted (it did not run) is
 * sent again at most this many times, then answered UNAVAILABLE. With one
 * query per segment this does not happen; the bound keeps a libpq or
 * server surprise from looping. */
#define DB_REQUEUE_MAX 3

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
    db_query_t *next;   /* in the pool's queue or a connection's pipeline */
    uint64_t queued_us; /* when submitted: the pool wait metric */
    int requeues;       /* sent again after an aborted segment */
    /* Set when its segment is complete, until the callback ran: */
    PGresult *res; /* owned: the answer (an error replaces rows) */
    bool aborted;  /* PGRES_PIPELINE_ABORTED: it did not run */
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
    short io_what;      /* what io waits for while assigned */
    struct event timer; /* connect deadline or back-off */
    int prepare_next;
    bool prepared[DB_STMT_COUNT]; /* false: the schema refused it */
    PGresult *result; /* owned: a prepare's answer, while PREPARING */
    /* Queries sent, in the order of their segments (owned). The head's
     * results are read first; depth counts them. */
    db_query_t *head, *tail;
    int depth;
    bool all_brief;  /* every query in flight is brief: more may queue */
    bool retiring;   /* take no more queries; close when drained */
    int backoff_ms;
} db_conn_t;

struct db_pool {
    struct event_base *base; /* borrowed */
    char *conninfo;          /* owned */
    int size;
    int queue_max;
    int connect_timeout_ms;
    int pipeline_depth; /* queries in flight per connection, at most */
    db_conn_t *conns; /* owned array of size */
    db_query_t *queue_head, *queue_tail;
    int queued;
    int running; /* queries in the connections' pipelines */
    int up; /* connections IDLE or BUSY */
    bool ever_up;
    bool closing;
    uint64_t done, failed;
    uint64_t wait_us_total, waits, pipelined;
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
    PQclear(q->res);
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
    if (dc->state == s)
        return;
    bool was_up = dc->state == DB_CONN_IDLE || dc->state == DB_CONN_BUSY;
    bool is_up = s == DB_CONN_IDLE || s == DB_CONN_BUSY;
    dc->pool->up += (int)is_up - (int)was_up;
    if (is_up)
        dc->pool->ever_up = true;
    log_debug("event=db_state db_conn=%d from=%s to=%s", dc->index,
              db_conn_state_names[dc->state], db_conn_state_names[s]);
    dc->state = s;
}

/* Wait for `what` on the socket. The event persists, so that a connection
 * that keeps waiting for the same thing (the usual case: reading) costs no
 * system call per query; it is assigned again when `what` or the socket
 * changes (PQsocket may change between connect steps). */
static void db_conn_wait(db_conn_t *dc, short what)
{
    evutil_socket_t fd = PQsocket(dc->pg);
    if (dc->io_assigned) {
        if (dc->io_what == what && event_get_fd(&dc->io) == fd)
            return;
        event_del(&dc->io);
    }
    event_assign(&dc->io, dc->pool->base, fd, what | EV_PERSIST,
                 db_conn_on_io, dc);
    dc->io_assigned = true;
    dc->io_what = what;
    event_add(&dc->io, NULL);
}

/* Flush what libpq holds and wait for the answer, and for writability
 * while something is left to send. False if the connection broke. */
static bool db_conn_flush_and_wait(db_conn_t *dc)
{
    int f = PQflush(dc->pg);
    if (f < 0)
        return false;
    db_conn_wait(dc, f == 1 ? EV_READ | EV_WRITE : EV_READ);
    return true;
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

/* Drop the connection. Every query in its pipeline was handed to libpq,
 * and none has its Sync answered, so each may or may not have committed:
 * LOST (the client retries with the same idempotency key). */
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
        log_warn("event=db_down db_conn=%d state=%s in_flight=%d reason=%s "
                 "detail=\"%s\"",
                 dc->index, db_conn_state_names[dc->state], dc->depth, why,
                 clean);
    if (dc->io_assigned) {
        event_del(&dc->io);
        dc->io_assigned = false;
    }
    evtimer_del(&dc->timer);
    if (dc->result != NULL) {
        PQclear(dc->result);
        dc->result = NULL;
    }
    db_query_t *lost = dc->head;
    dc->head = dc->tail = NULL;
    dc->depth = 0;
    dc->all_brief = true;
    dc->retiring = false;
    if (dc->pg != NULL) {
        PQfinish(dc->pg);
        dc->pg = NULL;
    }
    db_conn_set_state(dc, DB_CONN_DOWN);
    while (lost != NULL) {
        db_query_t *q = lost;
        lost = q->next;
        q->next = NULL;
        PQclear(q->res);
        q->res = NULL;
        pool->running--;
        db_query_fail_later(pool, q, DB_OUTCOME_LOST);
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
        /* Idle with every result read: the moment pipeline mode may be
         * entered. */
        if (!PQenterPipelineMode(dc->pg)) {
            db_conn_break(dc, "pipeline_mode");
            return;
        }
        dc->backoff_ms = 0;
        dc->all_brief = true;
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
    if (!db_conn_flush_and_wait(dc))
        db_conn_break(dc, "prepare_flush");
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

/* A prepare's answer, read in full (up to libpq's NULL). False if the
 * connection broke; *complete once the NULL came. */
static bool db_conn_read_prepare(db_conn_t *dc, bool *complete)
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

static void db_conn_on_prepared(db_conn_t *dc)
{
    PGresult *res = dc->result;
    dc->result = NULL;
    bool ok = res != NULL && PQresultStatus(res) == PGRES_COMMAND_OK;
    if (!ok) {
        /* A schema behind this binary: serve what it can, refuse the rest
         * with a clear error (start-up checks the schema version, so this
         * is a rolling-upgrade window). */
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
}

/* Send q as its own pipeline segment; the connection owns it from here.
 * False if the connection broke (q is then answered, never lost). */
static bool db_conn_send(db_conn_t *dc, db_query_t *q)
{
    db_pool_t *pool = dc->pool;
    const db_statement_t *st = db_statement_get(q->stmt);
    const char *values[DB_MAX_PARAMS];
    for (int i = 0; i < q->nparams; i++)
        values[i] = q->is_null[i] ? NULL : q->storage + q->offsets[i];
    if (!PQsendQueryPrepared(dc->pg, st->name, q->nparams, values, q->lengths,
                             q->formats, 0) ||
        !PQpipelineSync(dc->pg)) {
        /* Without its Sync the query's implicit transaction cannot
         * commit: nothing changed, safe to retry. */
        db_query_fail_later(pool, q, DB_OUTCOME_UNAVAILABLE);
        db_conn_break(dc, "send_query");
        return false;
    }
    if (dc->depth > 0)
        pool->pipelined++;
    q->next = NULL;
    if (dc->tail != NULL)
        dc->tail->next = q;
    else
        dc->head = q;
    dc->tail = q;
    dc->depth++;
    dc->all_brief = dc->all_brief && db_statement_is_brief(q->stmt);
    pool->running++;
    db_conn_set_state(dc, DB_CONN_BUSY);
    if (!db_conn_flush_and_wait(dc)) {
        db_conn_break(dc, "flush");
        return false;
    }
    return true;
}

/* One result of the head's segment: the first is kept, and an error that
 * comes later (a failed COMMIT at the Sync) replaces rows kept before it,
 * so that a transaction that did not commit is never reported done. */
static void db_conn_keep_result(db_conn_t *dc, PGresult *r)
{
    db_query_t *q = dc->head;
    if (q->res == NULL) {
        q->res = r;
        return;
    }
    ExecStatusType kept = PQresultStatus(q->res);
    bool kept_ok = kept == PGRES_TUPLES_OK || kept == PGRES_COMMAND_OK;
    ExecStatusType now = PQresultStatus(r);
    bool now_ok = now == PGRES_TUPLES_OK || now == PGRES_COMMAND_OK;
    if (kept_ok && !now_ok) {
        PQclear(q->res);
        q->res = r;
    } else {
        PQclear(r);
    }
}

/* Detach the head: its segment is complete. */
static db_query_t *db_conn_pop(db_conn_t *dc)
{
    db_query_t *q = dc->head;
    dc->head = q->next;
    if (dc->head == NULL) {
        dc->tail = NULL;
        dc->all_brief = true;
    }
    q->next = NULL;
    dc->depth--;
    dc->pool->running--;
    if (dc->depth == 0)
        db_conn_set_state(dc, DB_CONN_IDLE);
    return q;
}

/* Read every complete segment that has arrived. Completed queries are
 * moved to *done in order; false if the connection broke or libpq's
 * pipeline no longer matches ours (then the rest are LOST). */
static bool db_conn_read_segments(db_conn_t *dc, db_query_t ***done_tail)
{
    if (!PQconsumeInput(dc->pg))
        return false;
    int nulls = 0;
    while (dc->head != NULL && !PQisBusy(dc->pg)) {
        PGresult *r = PQgetResult(dc->pg);
        if (r == NULL) {
            /* One NULL ends each command's results; two in a row mean
             * libpq has nothing queued while we still wait for a Sync. */
            if (++nulls > 1 || PQstatus(dc->pg) == CONNECTION_BAD)
                return false;
            continue;
        }
        nulls = 0;
        switch (PQresultStatus(r)) {
        case PGRES_PIPELINE_SYNC: {
            PQclear(r);
            db_query_t *q = db_conn_pop(dc);
            **done_tail = q;
            *done_tail = &q->next;
            break;
        }
        case PGRES_PIPELINE_ABORTED:
            PQclear(r);
            dc->head->aborted = true;
            break;
        default:
            db_conn_keep_result(dc, r);
            break;
        }
    }
    return PQstatus(dc->pg) != CONNECTION_BAD;
}

/* The answer of a completed query, given to its caller. */
static void db_conn_answer(db_pool_t *pool, db_query_t *q)
{
    PGresult *res = q->res;
    q->res = NULL;
    if (q->aborted) {
        /* Did not run, and was sent again as often as allowed. */
        PQclear(res);
        db_query_finish(pool, q, DB_OUTCOME_UNAVAILABLE, NULL);
    } else if (res == NULL) {
        /* A Sync without any result: nothing says what happened. */
        db_query_finish(pool, q, DB_OUTCOME_LOST, NULL);
    } else {
        db_query_finish(pool, q, DB_OUTCOME_RESULT, res);
        PQclear(res);
    }
}

static bool db_result_is_read_only(const PGresult *res)
{
    const char *state =
        res != NULL ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : NULL;
    return state != NULL && strcmp(state, DB_SQLSTATE_READ_ONLY) == 0;
}

/* Results on a connection in pipeline mode (idle: a notice, or the server
 * going away). */
static void db_conn_on_results(db_conn_t *dc)
{
    db_pool_t *pool = dc->pool;
    db_query_t *done = NULL, **done_tail = &done;
    bool healthy = db_conn_read_segments(dc, &done_tail);
    /* The queries whose segment was aborted did not run: back to the
     * front of the queue, in their order, before anything else can take
     * their turn. */
    db_query_t *again = NULL, *again_last = NULL;
    db_query_t *answer = NULL, **answer_tail = &answer;
    int n_again = 0;
    for (db_query_t *q = done, *next; q != NULL; q = next) {
        next = q->next;
        q->next = NULL;
        if (q->aborted && q->requeues < DB_REQUEUE_MAX) {
            PQclear(q->res);
            q->res = NULL;
            q->aborted = false;
            q->requeues++;
            if (again_last != NULL)
                again_last->next = q;
            else
                again = q;
            again_last = q;
            n_again++;
            continue;
        }
        /* A standby answered: no more queries here; the connection is
         * closed once those in flight have their (refused) answers. */
        if (db_result_is_read_only(q->res))
            dc->retiring = true;
        *answer_tail = q;
        answer_tail = &q->next;
    }
    if (again != NULL) {
        again_last->next = pool->queue_head;
        if (pool->queue_head == NULL)
            pool->queue_tail = again_last;
        pool->queue_head = again;
        pool->queued += n_again;
    }
    if (!healthy)
        db_conn_break(dc, "read");
    else if (dc->retiring && dc->depth == 0)
        db_conn_break(dc, "read_only_server");
    else if (!db_conn_flush_and_wait(dc))
        db_conn_break(dc, "flush");
    /* Refill the pipelines before the callbacks build their replies, so
     * that the backends have their next query meanwhile. */
    db_conn_dispatch(pool);
    while (answer != NULL) {
        db_query_t *q = answer;
        answer = q->next;
        q->next = NULL;
        db_conn_answer(pool, q);
    }
}

static void db_conn_on_io(evutil_socket_t fd, short what, void *arg)
{
    db_conn_t *dc = arg;
    switch (dc->state) {
    case DB_CONN_CONNECTING:
        /* libpq may close this socket and open another (the next host of
         * a multi-host conninfo) in PQconnectPoll: stop watching it
         * first, and watch whatever PQsocket says afterwards. */
        event_del(&dc->io);
        dc->io_assigned = false;
        db_conn_poll_connect(dc);
        return;
    case DB_CONN_PREPARING: {
        if ((what & EV_WRITE) && PQflush(dc->pg) < 0) {
            db_conn_break(dc, "flush");
            return;
        }
        bool complete;
        if (!db_conn_read_prepare(dc, &complete)) {
            db_conn_break(dc, "read");
            return;
        }
        if (complete)
            db_conn_on_prepared(dc);
        else if (!db_conn_flush_and_wait(dc))
            db_conn_break(dc, "flush");
        return;
    }
    case DB_CONN_IDLE:
    case DB_CONN_BUSY:
        db_conn_on_results(dc);
        return;
    default:
        return;
    }
}

/* A connection for q: an idle one first; else, for a brief query, the
 * least loaded one whose pipeline holds only brief queries and has room.
 * NULL: q waits in the pool's queue. */
static db_conn_t *db_pool_pick(db_pool_t *pool, const db_query_t *q)
{
    db_conn_t *best = NULL;
    bool brief = db_statement_is_brief(q->stmt);
    for (int i = 0; i < pool->size; i++) {
        db_conn_t *dc = &pool->conns[i];
        if ((dc->state != DB_CONN_IDLE && dc->state != DB_CONN_BUSY) ||
            dc->retiring)
            continue;
        if (dc->depth == 0)
            return dc;
        if (!brief || !dc->all_brief || dc->depth >= pool->pipeline_depth)
            continue;
        if (best == NULL || dc->depth < best->depth)
            best = dc;
    }
    return best;
}

/* Give queued queries to connections. */
static void db_conn_dispatch(db_pool_t *pool)
{
    while (pool->queue_head != NULL) {
        db_query_t *q = pool->queue_head;
        db_conn_t *dc = db_pool_pick(pool, q);
        if (dc == NULL)
            return;
        pool->queue_head = q->next;
        if (pool->queue_head == NULL)
            pool->queue_tail = NULL;
        pool->queued--;
        q->next = NULL;
        pool->wait_us_total += db_pool_now_us() - q->queued_us;
        pool->waits++;
        if (!dc->prepared[q->stmt]) {
            db_query_fail_later(pool, q, DB_OUTCOME_NO_STATEMENT);
            continue; /* the connection stays free for the next one */
        }
        (void)db_conn_send(dc, q);
    }
}

/* ---------- pool ---------- */

db_pool_t *db_pool_new(struct event_base *base, int pool_id,
                       const char *conninfo, int size, int queue_max,
                       int connect_timeout_ms, int pipeline_depth)
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
    pool->pipeline_depth = pipeline_depth < 1 ? 1 : pipeline_depth;
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
    out->pipelined = pool->pipelined;
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
