/*
 * A query a worker runs on a timer, off the request path (housekeeping,
 * gauges): built when due, answered on the worker's loop like any other
 * query, then the timer is armed again for the delay the answer asks for.
 * One query at a time; none is started once the worker is stopping.
 */
#ifndef AIXIN_DB_TIMER_H
#define AIXIN_DB_TIMER_H

#include "db_pool.h"
#include "worker.h"

typedef struct db_timer db_timer_t;

/* Make the query (db_query_new with the given cb and cb_arg); NULL skips
 * this round. */
typedef db_query_t *(*db_timer_build_fn)(void *arg, db_query_cb cb,
                                         void *cb_arg);
/* The answer (res borrowed, NULL unless RESULT); returns the milliseconds
 * until the next run. */
typedef int (*db_timer_done_fn)(void *arg, db_outcome_t outcome,
                                const PGresult *res);

/* Before the worker starts (its loop not yet running). arg is borrowed
 * and must outlive the timer. NULL when out of memory. */
db_timer_t *db_timer_start(worker_t *w, int first_ms, db_timer_build_fn build,
                           db_timer_done_fn done, void *arg);

/* After the worker was joined, before worker_destroy(): no more runs; a
 * query still in flight frees the timer when the pool fails it. */
void db_timer_stop(db_timer_t *t);

#endif
