#include "db_result.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "conn.h"
#include "log.h"
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
    {"23505", AIXIN__V1__ERROR_CODE__ERROR_CODE_ALREADY_EXISTS, true},
    {"23503", AIXIN__V1__ERROR_CODE__ERROR_CODE_NOT_FOUND, true},
    {"23514", AIXIN__V1__ERROR_CODE__ERROR_CODE_INVALID_ARGUMENT, true},
    {"23502", AIXIN__V1__ERROR_CODE__ERROR_CODE_INVALID_ARGUMENT, true},
    {"22", AIXIN__V1__ERROR_CODE__ERROR_CODE_INVALID_ARGUMENT, true},
    /* Transient: serialization, deadlock, lock timeout, shutdown,
     * connection trouble, out of resources. Safe to retry with the key. */
    {"40", AIXIN__V1__ERROR_CODE__ERROR_CODE_UNAVAILABLE, false},
    {"55P03", AIXIN__V1__ERROR_CODE__ERROR_CODE_UNAVAILABLE, false},
    {"57", AIXIN__V1__ERROR_CODE__ERROR_CODE_UNAVAILABLE, false},
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

static void db_result_reply_sql_error(request_t *req, const PGresult *res)
{
    const char *state = PQresultErrorField(res, PG_DIAG_SQLSTATE);
    const char *primary = PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY);
    const char *column = PQresultErrorField(res, PG_DIAG_COLUMN_NAME);
    const char *constraint = PQresultErrorField(res, PG_DIAG_CONSTRAINT_NAME);
    if (state == NULL)
        state = "XX000";
    for (size_t i = 0; i < sizeof(sqlstate_maps) / sizeof(sqlstate_maps[0]); i++) {
        const sqlstate_map_t *m = &sqlstate_maps[i];
        if (strncmp(state, m->prefix, strlen(m->prefix)) != 0)
            continue;
        if (m->show_message) {
            request_reply_error(req, m->code, column ? column : constraint,
                                "%s", primary ? primary : "rejected");
        } else {
            log_warn("req=%" PRIu64 " event=db_transient sqlstate=%s", req->serial,
                     state);
            request_reply_error(req, m->code, NULL,
                                "database busy or restarting (%s); retry", state);
        }
        return;
    }
    /* Anything else is a bug on our side: log it, tell the client little. */
    log_error("req=%" PRIu64 " event=db_error type=%s sqlstate=%s detail=\"%s\"",
              req->serial, req->name, state, primary ? primary : "");
    request_reply_error(req, AIXIN__V1__ERROR_CODE__ERROR_CODE_INTERNAL, NULL,
                        "internal error (logged as req=%" PRIu64 ")", req->serial);
}

bool db_result_ok(request_t *req, db_outcome_t outcome, const PGresult *res)
{
    switch (outcome) {
    case DB_OUTCOME_UNAVAILABLE:
        request_reply_error(req, AIXIN__V1__ERROR_CODE__ERROR_CODE_UNAVAILABLE,
                            NULL, "database unavailable; retry");
        return false;
    case DB_OUTCOME_LOST:
        if (request_is_mutating(req->msg))
            request_reply_error(
                req, AIXIN__V1__ERROR_CODE__ERROR_CODE_OUTCOME_UNKNOWN, NULL,
                "database connection lost while the change ran; retry with "
                "the same idempotency key");
        else
            request_reply_error(req, AIXIN__V1__ERROR_CODE__ERROR_CODE_UNAVAILABLE,
                                NULL, "database connection lost; retry");
        return false;
    case DB_OUTCOME_RESULT:
        break;
    case DB_OUTCOME_COUNT:
        break;
    }
    ExecStatusType st = PQresultStatus(res);
    if (st == PGRES_TUPLES_OK || st == PGRES_COMMAND_OK)
        return true;
    db_result_reply_sql_error(req, res);
    return false;
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
