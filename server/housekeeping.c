#include "housekeeping.h"

#include <stdlib.h>

#include "log.h"

/* Pause between two full batches: the loop and the database serve
 * requests in between. */
#define HOUSEKEEPING_BATCH_PAUSE_MS 200
/* After a failure (database down): try again in a minute. */
#define HOUSEKEEPING_RETRY_MS 60000

static db_query_t *housekeeping_build(void *arg, db_query_cb cb, void *cb_arg)
{
    worker_t *w = arg;
    const server_config_t *cfg = w->shared->config;
    db_query_t *q = db_query_new(DB_STMT_HOUSEKEEPING_PURGE, cb, cb_arg);
    db_query_add_int64(q, cfg->housekeeping_batch);
    db_query_add_int64(q, cfg->idempotency_retention_days);
    return q;
}

static int housekeeping_done(void *arg, db_outcome_t outcome,
                             const PGresult *res)
{
    worker_t *w = arg;
    const server_config_t *cfg = w->shared->config;
    int interval_ms = cfg->housekeeping_interval_s * 1000;
    if (outcome != DB_OUTCOME_RESULT || PQresultStatus(res) != PGRES_TUPLES_OK ||
        PQntuples(res) != 1) {
        log_warn_every(600, "event=housekeeping_failed outcome=%d detail=\"%s\"",
                       (int)outcome,
                       res ? PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY)
                                 ? PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY)
                                 : ""
                           : "");
        return interval_ms < HOUSEKEEPING_RETRY_MS ? interval_ms
                                                   : HOUSEKEEPING_RETRY_MS;
    }
    long sessions = strtol(PQgetvalue(res, 0, 0), NULL, 10);
    long keys = strtol(PQgetvalue(res, 0, 1), NULL, 10);
    if (sessions > 0 || keys > 0)
        log_info("event=housekeeping sessions_purged=%ld idempotency_keys_purged=%ld "
                 "batch=%d",
                 sessions, keys, cfg->housekeeping_batch);
    atomic_fetch_add_explicit(&w->metrics.purged_sessions, (uint64_t)sessions,
                              memory_order_relaxed);
    atomic_fetch_add_explicit(&w->metrics.purged_keys, (uint64_t)keys,
                              memory_order_relaxed);
    bool more = sessions >= cfg->housekeeping_batch || keys >= cfg->housekeeping_batch;
    return more ? HOUSEKEEPING_BATCH_PAUSE_MS : interval_ms;
}

db_timer_t *housekeeping_start(worker_t *w)
{
    const server_config_t *cfg = w->shared->config;
    if (cfg->housekeeping_interval_s == 0)
        return NULL;
    /* The first pass soon after start, once the pool is up. */
    return db_timer_start(w, 2000, housekeeping_build, housekeeping_done, w);
}
