#include "domain_gauges.h"

#include <stdlib.h>

#include "log.h"

static db_query_t *domain_gauges_build(void *arg, db_query_cb cb, void *cb_arg)
{
    return db_query_new(DB_STMT_METRICS_GAUGES, cb, cb_arg);
}

static int domain_gauges_done(void *arg, db_outcome_t outcome,
                              const PGresult *res)
{
    worker_t *w = arg;
    if (outcome != DB_OUTCOME_RESULT || PQresultStatus(res) != PGRES_TUPLES_OK ||
        PQntuples(res) != 1) {
        log_warn_every(600, "event=domain_gauges_failed outcome=%d", (int)outcome);
        return DOMAIN_GAUGES_PERIOD_MS;
    }
    atomic_store(&w->metrics.policies_this_year,
                 strtoll(PQgetvalue(res, 0, 0), NULL, 10));
    atomic_store(&w->metrics.claims_overdue,
                 strtoll(PQgetvalue(res, 0, 1), NULL, 10));
    atomic_store(&w->metrics.gauges_ready, 1);
    return DOMAIN_GAUGES_PERIOD_MS;
}

db_timer_t *domain_gauges_start(worker_t *w)
{
    return db_timer_start(w, 1000, domain_gauges_build, domain_gauges_done, w);
}
