/*
 * A pool of non-blocking libpq connections driven by one event loop.
 * Queries are prepared statements (db_statements.h) run in FIFO order on
 * whichever connection is free, each in its own transaction; a brief one
 * may be queued behind another on a busy connection (pipeline mode, see
 * db_pool.c). Nothing here blocks: connecting, preparing, sending and
 * reading all wait on the loop.
 *
 * Outcomes a caller must tell apart:
 *  - DB_OUTCOME_RESULT: PostgreSQL answered (the result may be an error);
 *  - DB_OUTCOME_UNAVAILABLE: the query was never sent (no connection, queue
 *    full, shutting down): safe to retry;
 *  - DB_OUTCOME_LOST: the connection broke after the query was sent, so it
 *    may or may not have committed: the client must retry with the same
 *    idempotency key, never be told OK.
 */
#ifndef AIXIN_DB_POOL_H
#define AIXIN_DB_POOL_H

#include <event2/event.h>
#include <libpq-fe.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "db_statements.h"

#define DB_MAX_PARAMS 16

typedef enum db_outcome {
    DB_OUTCOME_RESULT = 0,
    DB_OUTCOME_UNAVAILABLE,
    DB_OUTCOME_LOST,
    DB_OUTCOME_NO_STATEMENT, /* the schema lacks this statement's function */
    DB_OUTCOME_COUNT
} db_outcome_t;

/* res is borrowed: valid during the call only; NULL unless RESULT. */
typedef void (*db_query_cb)(void *arg, db_outcome_t outcome,
                            const PGresult *res);

typedef struct db_query db_query_t;
typedef struct db_pool db_pool_t;

typedef struct db_pool_stats {
    int connections_up;
    int queued;
    uint64_t queries_done;
    uint64_t queries_failed;
    uint64_t wait_us_total; /* time queries waited for a connection */
    uint64_t waits;         /* queries that were handed a connection */
    uint64_t pipelined;     /* of those, sent behind another (pipeline) */
} db_pool_stats_t;

/* conninfo is copied. size: number of connections. pool_id names the
 * connections in logs (db_conn=pool_id*1000+n). pipeline_depth: queries
 * in flight on one connection at most (>= 1); more than one only for
 * brief statements (db_statement_is_brief), and only when no connection
 * is idle. */
db_pool_t *db_pool_new(struct event_base *base, int pool_id,
                       const char *conninfo, int size, int queue_max,
                       int connect_timeout_ms, int pipeline_depth);
/* Close every connection; queued queries get DB_OUTCOME_UNAVAILABLE. */
void db_pool_free(db_pool_t *pool);

/* Queries running or queued. */
int db_pool_busy(const db_pool_t *pool);
void db_pool_get_stats(const db_pool_t *pool, db_pool_stats_t *out);

/*
 * Build a query: parameters are copied into the query, which owns them.
 * On allocation failure db_query_new returns NULL; the add functions then
 * mark the query failed and db_pool_submit reports UNAVAILABLE.
 */
db_query_t *db_query_new(db_stmt_t stmt, db_query_cb cb, void *arg);
void db_query_add_text(db_query_t *q, const char *s);
void db_query_add_text_or_null(db_query_t *q, const char *s); /* "" -> NULL */
void db_query_add_int64(db_query_t *q, int64_t v);
void db_query_add_bytea(db_query_t *q, const uint8_t *p, size_t len);
void db_query_add_null(db_query_t *q);
/* A text[] parameter: the items quoted and escaped as an array literal. */
void db_query_add_text_array(db_query_t *q, char *const *items, size_t n);

/*
 * Hand the query to the pool (ownership transferred). The callback runs
 * exactly once, later, from the loop, never from inside this call.
 */
void db_pool_submit(db_pool_t *pool, db_query_t *q);

#endif
