#include "db_result.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conn.h"
#include "handlers.h"
#include "log.h"
#include "worker.h"
#include "request_check.h"

typedef struct sqlstate_map {
    const char *prefix; /* whole SQLSTATE, or its two-character class */
    Aixin__V1__ErrorCode code;
    bool show_message; /* the database's message is meant for users */
} sqlstate_map_t;

/* The AX codes are raised by the aixin.* functions (deploy/sql). */
static const sqlstate_map_t sqlstate_maps[] = {
    {"AXB01", AIXIN__V1__ERROR_CODE__ERROR_CODE_INVALID_ARGUMENT, true},
    {"AXN01", AIXIN__V1__ERROR_CODE__ERROR_CODE_NOT_FOUND, true},
    {"AXP01", AIXIN__V1__ERROR_CODE__ERROR_CODE_PERMISSION_DENIED, true},
    {"AXE01", AIXIN__V1__ERROR_CODE__ERROR_CODE_ALREADY_EXISTS, true},
    {"AXR01", AIXIN__V1__ERROR_CODE__ERROR_CODE_RULE_VIOLATION, true},
    {"AXK01", AIXIN__V1__ERROR_CODE__ERROR_CODE_KEY_REUSED, true},
    {"AXU01", AIXIN__V1__ERROR_CODE__ERROR_CODE_UNAUTHENTICATED, true},
    {"AXC01", AIXIN__V1__ERROR_CODE__ERROR_CODE_CONFLICT, true},
    {"23505", AIXIN__V1__ERROR_CODE__ERROR_CODE_ALREADY_EXISTS, true},
    {"23503", AIXIN__V1__ERROR_CODE__ERROR_CODE_NOT_FOUND, true},
    {"23514", AIXIN__V1__ERROR_CODE__ERROR_CODE_INVALID_ARGUMENT, true},
    {"23502", AIXIN__V1__ERROR_CODE__ERROR_CODE_INVALID_ARGUMENT, true},
    {"22", AIXIN__V1__ERROR_CODE__ERROR_CODE_INVALID_ARGUMENT, true},
    /* Transient: serialization, deadlock, lock timeout, shutdown,
     * connection trouble, out of resources. Safe to retry with the key. */
    {"40", AIXIN__V1__ERROR_CODE__ERROR_CODE_UNAVAILABLE, false},
    /* lock_timeout: mostly another attempt of the same key still running. */
    {"55P03", AIXIN__V1__ERROR_CODE__ERROR_CODE_IN_PROGRESS, false},
    {"57", AIXIN__V1__ERROR_CODE__ERROR_CODE_UNAVAILABLE, false},
    /* A standby refused the write (failover under way): nothing changed. */
    {"25006", AIXIN__V1__ERROR_CODE__ERROR_CODE_UNAVAILABLE, false},
    {"08", AIXIN__V1__ERROR_CODE__ERROR_CODE_UNAVAILABLE, false},
    {"53", AIXIN__V1__ERROR_CODE__ERROR_CODE_UNAVAILABLE, false},
};

db_query_t *db_result_query(request_t *req, db_stmt_t stmt, db_query_cb cb)
{
    db_query_t *q = db_query_new(stmt, cb, req);
    if (q == NULL)
        request_reply_error(req, AIXIN__V1__ERROR_CODE__ERROR_CODE_UNAVAILABLE,
                            NULL, "server out of memory; retry");
    return q;
}

void db_result_add_mutation_args(db_query_t *q, const request_t *req)
{
    db_query_add_int64(q, req->actor_id);
    db_query_add_int64(q, (int64_t)req->request_id);
    db_query_add_bytea(q, req->msg->idempotency_key.data,
                       req->msg->idempotency_key.len);
}

void db_result_reply_oom(request_t *req)
{
    request_reply_error(req, AIXIN__V1__ERROR_CODE__ERROR_CODE_UNAVAILABLE, NULL,
                        "server out of memory; retry");
}

void db_result_submit(request_t *req, db_query_t *q)
{
    db_pool_submit(req->worker->db, q);
}

void db_result_submit_report(request_t *req, db_query_t *q)
{
    worker_t *w = req->worker;
    db_pool_submit(w->report_db != NULL ? w->report_db : w->db, q);
}

bool db_result_describe_failure(const request_t *req, db_outcome_t outcome,
                                const PGresult *res, bool mutating,
                                Aixin__V1__ErrorCode *code, char *field,
                                size_t fieldlen, char *message,
                                size_t messagelen)
{
    field[0] = '\0';
    switch (outcome) {
    case DB_OUTCOME_UNAVAILABLE:
        *code = AIXIN__V1__ERROR_CODE__ERROR_CODE_UNAVAILABLE;
        snprintf(message, messagelen, "database unavailable; retry");
        return true;
    case DB_OUTCOME_LOST:
        if (mutating) {
            *code = AIXIN__V1__ERROR_CODE__ERROR_CODE_OUTCOME_UNKNOWN;
            snprintf(message, messagelen,
                     "database connection lost while the change ran; retry "
                     "with the same idempotency key");
        } else {
            *code = AIXIN__V1__ERROR_CODE__ERROR_CODE_UNAVAILABLE;
            snprintf(message, messagelen, "database connection lost; retry");
        }
        return true;
    case DB_OUTCOME_NO_STATEMENT:
        *code = AIXIN__V1__ERROR_CODE__ERROR_CODE_INTERNAL;
        snprintf(message, messagelen,
                 "the database schema is older than this server: an "
                 "operator must run aixind --migrate");
        return true;
    case DB_OUTCOME_RESULT:
    case DB_OUTCOME_COUNT:
        break;
    }
    ExecStatusType st = PQresultStatus(res);
    if (st == PGRES_TUPLES_OK || st == PGRES_COMMAND_OK)
        return false;
    const char *state = PQresultErrorField(res, PG_DIAG_SQLSTATE);
    const char *primary = PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY);
    const char *column = PQresultErrorField(res, PG_DIAG_COLUMN_NAME);
    const char *constraint = PQresultErrorField(res, PG_DIAG_CONSTRAINT_NAME);
    if (state == NULL)
        state = "XX000";
    /* The server shut down or crashed under a change: it may have
     * committed locally while waiting for the synchronous standby (a fast
     * shutdown cancels that wait), so the outcome is unknown, as for a
     * lost connection. */
    if (mutating && strncmp(state, "57P0", 4) == 0) {
        log_warn("req=%" PRIu64 " event=db_transient sqlstate=%s",
                 req->serial, state);
        *code = AIXIN__V1__ERROR_CODE__ERROR_CODE_OUTCOME_UNKNOWN;
        snprintf(message, messagelen,
                 "database shut down while the change ran (%s); retry with "
                 "the same idempotency key",
                 state);
        return true;
    }
    for (size_t i = 0; i < sizeof(sqlstate_maps) / sizeof(sqlstate_maps[0]); i++) {
        const sqlstate_map_t *m = &sqlstate_maps[i];
        if (strncmp(state, m->prefix, strlen(m->prefix)) != 0)
            continue;
        *code = m->code;
        if (m->show_message) {
            const char *f = column ? column : constraint;
            snprintf(field, fieldlen, "%s", f ? f : "");
            snprintf(message, messagelen, "%s", primary ? primary : "rejected");
        } else {
            log_warn("req=%" PRIu64 " event=db_transient sqlstate=%s",
                     req->serial, state);
            if (m->code == AIXIN__V1__ERROR_CODE__ERROR_CODE_IN_PROGRESS)
                snprintf(message, messagelen,
                         "still in progress: an earlier attempt of this "
                         "request (or work on the same record) holds it; "
                         "retry with the same key");
            else
                snprintf(message, messagelen,
                         "database busy or restarting (%s); retry", state);
        }
        return true;
    }
    /* Anything else is a bug on our side: log it, tell the client little. */
    log_error("req=%" PRIu64 " event=db_error type=%s sqlstate=%s detail=\"%s\"",
              req->serial, req->name, state, primary ? primary : "");
    *code = AIXIN__V1__ERROR_CODE__ERROR_CODE_INTERNAL;
    snprintf(message, messagelen, "internal error (logged as req=%" PRIu64 ")",
             req->serial);
    return true;
}

bool db_result_ok(request_t *req, db_outcome_t outcome, const PGresult *res)
{
    Aixin__V1__ErrorCode code;
    char field[64], message[512];
    if (!db_result_describe_failure(req, outcome, res,
                                    request_is_mutating(req->msg), &code, field,
                                    sizeof(field), message, sizeof(message)))
        return true;
    /* A refusal rolled back with its transaction: record it apart. */
    if (audit_refusal_wanted(req, code))
        audit_record_refusal(req, message);
    request_reply_error(req, code, field[0] ? field : NULL, "%s", message);
    return false;
}

Aixin__V1__ErrorCode db_result_code_for_sqlstate(const char *state)
{
    for (size_t i = 0; state != NULL && i < sizeof(sqlstate_maps) / sizeof(sqlstate_maps[0]);
         i++)
        if (strncmp(state, sqlstate_maps[i].prefix, strlen(sqlstate_maps[i].prefix)) == 0)
            return sqlstate_maps[i].code;
    return AIXIN__V1__ERROR_CODE__ERROR_CODE_INTERNAL;
}

const char *db_result_text(const PGresult *res, int row, int col)
{
    if (PQgetisnull(res, row, col))
        return "";
    return PQgetvalue(res, row, col);
}

int64_t db_result_int64(const PGresult *res, int row, int col)
{
    if (PQgetisnull(res, row, col))
        return 0;
    return strtoll(PQgetvalue(res, row, col), NULL, 10);
}

bool db_result_is_null(const PGresult *res, int row, int col)
{
    return PQgetisnull(res, row, col) != 0;
}
