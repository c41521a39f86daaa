#include "login_gate_audit.h"

#include <stdlib.h>

#include "log.h"
#include "login_gate.h"

struct login_gate_audit {
    worker_t *worker; /* borrowed */
    db_timer_t *timer; /* owned */
    char *sent;        /* owned: the summary in flight, logged if lost */
};

static db_query_t *gate_audit_build(void *arg, db_query_cb cb, void *cb_arg)
{
    login_gate_audit_t *a = arg;
    free(a->sent);
    a->sent = login_gate_take_summary(a->worker->shared->login_gate);
    if (a->sent == NULL)
        return NULL; /* nothing refused since the last round */
    db_query_t *q = db_query_new(DB_STMT_LOGIN_THROTTLED_SUMMARIES, cb, cb_arg);
    if (q != NULL)
        db_query_add_text(q, a->sent);
    return q;
}

static int gate_audit_done(void *arg, db_outcome_t outcome, const PGresult *res)
{
    login_gate_audit_t *a = arg;
    if (a->sent != NULL &&
        (outcome != DB_OUTCOME_RESULT || PQresultStatus(res) != PGRES_TUPLES_OK))
        /* The daemon's log keeps what the audit log could not take. */
        log_warn("event=login_throttled_unaudited summary=%s", a->sent);
    else if (a->sent != NULL)
        log_info("event=login_throttled_audited rows=%s",
                 PQntuples(res) == 1 ? PQgetvalue(res, 0, 0) : "?");
    free(a->sent);
    a->sent = NULL;
    return LOGIN_GATE_AUDIT_PERIOD_MS;
}

login_gate_audit_t *login_gate_audit_start(worker_t *w)
{
    login_gate_audit_t *a = calloc(1, sizeof(*a));
    if (a == NULL)
        return NULL;
    a->worker = w;
    a->timer = db_timer_start(w, LOGIN_GATE_AUDIT_PERIOD_MS, gate_audit_build,
                              gate_audit_done, a);
    if (a->timer == NULL) {
        free(a);
        return NULL;
    }
    return a;
}

void login_gate_audit_stop(login_gate_audit_t *a)
{
    if (a == NULL)
        return;
    db_timer_stop(a->timer);
    char *rest = login_gate_take_summary(a->worker->shared->login_gate);
    if (rest != NULL)
        log_warn("event=login_throttled_unaudited reason=shutdown summary=%s",
                 rest);
    free(rest);
    /* A query still in flight answers into the stopped timer only. */
    if (a->sent != NULL)
        log_warn("event=login_throttled_unaudited reason=shutdown summary=%s",
                 a->sent);
    free(a->sent);
    free(a);
}
