/*
 * The year's life cycle (CloseYear, ReopenYear, GetYearHistory) and
 * renewal (RenewYear). The rules are the SQL functions' (deploy/sql/
 * 0016_year_cycle.sql): aixin.close_year, reopen_year, year_history and
 * renew_policies; here rows become messages.
 */
#include <stdlib.h>
#include <string.h>

#include "aixin/v1/yearcycle.pb-c.h"
#include "db_result.h"
#include "handlers.h"

/* Columns of aixin.year_closure_row. */
enum closure_col {
    CL_YEAR = 0,
    CL_CLOSED,
    CL_WINDOW_END,
    CL_ACTION, /* NULL on the one row of a year never closed */
    CL_AT,
    CL_USERNAME,
    CL_REASON,
    CL_FORCED,
    CL_COL_COUNT
};

static bool is_true(const PGresult *res, int row, int col)
{
    return strcmp(db_result_text(res, row, col), "t") == 0;
}

static void closure_on_rows(void *arg, db_outcome_t outcome,
                            const PGresult *res)
{
    request_t *req = arg;
    if (!db_result_ok(req, outcome, res))
        return;
    int n = PQntuples(res);
    if (n < 1 || PQnfields(res) < CL_COL_COUNT) {
        request_reply_error(req, AIXIN__V1__ERROR_CODE__ERROR_CODE_INTERNAL,
                            NULL, "unexpected year history answer");
        return;
    }
    Aixin__V1__YearClosureEvent *events = calloc((size_t)n, sizeof(*events));
    Aixin__V1__YearClosureEvent **ptrs = calloc((size_t)n, sizeof(*ptrs));
    if (events == NULL || ptrs == NULL) {
        free(events);
        free(ptrs);
        db_result_reply_oom(req);
        return;
    }
    Aixin__V1__YearClosure yc = AIXIN__V1__YEAR_CLOSURE__INIT;
    yc.year = (int32_t)db_result_int64(res, 0, CL_YEAR);
    yc.closed = is_true(res, 0, CL_CLOSED);
    yc.claims_window_end = (char *)db_result_text(res, 0, CL_WINDOW_END);
    for (int i = 0; i < n; i++) {
        if (db_result_is_null(res, i, CL_ACTION))
            continue;
        Aixin__V1__YearClosureEvent *e = &events[yc.n_history];
        aixin__v1__year_closure_event__init(e);
        e->action = (char *)db_result_text(res, i, CL_ACTION);
        e->at = db_result_int64(res, i, CL_AT);
        e->username = (char *)db_result_text(res, i, CL_USERNAME);
        e->reason = (char *)db_result_text(res, i, CL_REASON);
        e->forced = is_true(res, i, CL_FORCED);
        ptrs[yc.n_history++] = e;
    }
    yc.history = ptrs;
    Aixin__V1__Response resp = AIXIN__V1__RESPONSE__INIT;
    resp.body_case = AIXIN__V1__RESPONSE__BODY_YEAR_CLOSURE;
    resp.year_closure = &yc;
    request_reply(req, &resp);
    free(events);
    free(ptrs);
}

void handle_close_year(request_t *req)
{
    const Aixin__V1__CloseYear *m = req->msg->close_year;
    db_query_t *q = db_result_query(req, DB_STMT_CLOSE_YEAR, closure_on_rows);
    if (q == NULL)
        return;
    db_result_add_mutation_args(q, req);
    db_query_add_int64(q, m->year);
    db_query_add_text(q, m->force ? "true" : "false");
    db_query_add_text_or_null(q, m->reason);
    db_result_submit(req, q);
}

void handle_reopen_year(request_t *req)
{
    const Aixin__V1__ReopenYear *m = req->msg->reopen_year;
    db_query_t *q = db_result_query(req, DB_STMT_REOPEN_YEAR, closure_on_rows);
    if (q == NULL)
        return;
    db_result_add_mutation_args(q, req);
    db_query_add_int64(q, m->year);
    db_query_add_text_or_null(q, m->reason);
    db_result_submit(req, q);
}

void handle_get_year_history(request_t *req)
{
    db_query_t *q = db_result_query(req, DB_STMT_YEAR_HISTORY, closure_on_rows);
    if (q == NULL)
        return;
    db_query_add_int64(q, req->actor_id);
    db_query_add_int64(q, req->msg->get_year_history->year);
    db_result_submit(req, q);
}

/* ---- renewal ---- */

/* Columns of aixin.renew_row. */
enum renew_col {
    RN_TOTAL = 0,
    RN_NEXT_AFTER,
    RN_DONE,
    RN_CHILD_ID, /* NULL on the one row of an empty batch */
    RN_CHILD_ID_NUMBER,
    RN_CHILD_NAME,
    RN_BIRTH_DATE,
    RN_AGE,
    RN_TOWNSHIP_CODE,
    RN_TOWNSHIP_NAME,
    RN_OUTCOME,
    RN_ERROR_CODE,
    RN_ERROR_FIELD,
    RN_ERROR_MESSAGE,
    RN_POLICY_ID,
    RN_COL_COUNT
};

static Aixin__V1__RenewOutcome renew_outcome(const char *s)
{
    if (strcmp(s, "renewed") == 0)
        return AIXIN__V1__RENEW_OUTCOME__RENEW_OUTCOME_RENEWED;
    if (strcmp(s, "already_renewed") == 0)
        return AIXIN__V1__RENEW_OUTCOME__RENEW_OUTCOME_ALREADY_RENEWED;
    if (strcmp(s, "aged_out") == 0)
        return AIXIN__V1__RENEW_OUTCOME__RENEW_OUTCOME_AGED_OUT;
    if (strcmp(s, "refused") == 0)
        return AIXIN__V1__RENEW_OUTCOME__RENEW_OUTCOME_REFUSED;
    return AIXIN__V1__RENEW_OUTCOME__RENEW_OUTCOME_UNSPECIFIED;
}

static void renew_on_rows(void *arg, db_outcome_t outcome, const PGresult *res)
{
    request_t *req = arg;
    if (!db_result_ok(req, outcome, res))
        return;
    int n = PQntuples(res);
    if (n < 1 || PQnfields(res) < RN_COL_COUNT) {
        request_reply_error(req, AIXIN__V1__ERROR_CODE__ERROR_CODE_INTERNAL,
                            NULL, "unexpected renewal answer");
        return;
    }
    Aixin__V1__RenewRow *rows = calloc((size_t)n, sizeof(*rows));
    Aixin__V1__RenewRow **ptrs = calloc((size_t)n, sizeof(*ptrs));
    Aixin__V1__Error *errors = calloc((size_t)n, sizeof(*errors));
    if (rows == NULL || ptrs == NULL || errors == NULL) {
        free(rows);
        free(ptrs);
        free(errors);
        db_result_reply_oom(req);
        return;
    }
    Aixin__V1__RenewResult rr = AIXIN__V1__RENEW_RESULT__INIT;
    rr.total = db_result_int64(res, 0, RN_TOTAL);
    rr.next_after_child_id = db_result_int64(res, 0, RN_NEXT_AFTER);
    rr.done = is_true(res, 0, RN_DONE);
    rr.dry_run = req->msg->renew_year->dry_run;
    for (int i = 0; i < n; i++) {
        if (db_result_is_null(res, i, RN_CHILD_ID))
            continue;
        Aixin__V1__RenewRow *r = &rows[rr.n_rows];
        aixin__v1__renew_row__init(r);
        r->child_id = db_result_int64(res, i, RN_CHILD_ID);
        r->child_id_number = (char *)db_result_text(res, i, RN_CHILD_ID_NUMBER);
        r->child_name = (char *)db_result_text(res, i, RN_CHILD_NAME);
        r->birth_date = (char *)db_result_text(res, i, RN_BIRTH_DATE);
        r->age = (int32_t)db_result_int64(res, i, RN_AGE);
        r->township_code = (char *)db_result_text(res, i, RN_TOWNSHIP_CODE);
        r->township_name = (char *)db_result_text(res, i, RN_TOWNSHIP_NAME);
        r->outcome = renew_outcome(db_result_text(res, i, RN_OUTCOME));
        if (!db_result_is_null(res, i, RN_ERROR_CODE)) {
            Aixin__V1__Error *e = &errors[i];
            aixin__v1__error__init(e);
            e->code = db_result_code_for_sqlstate(
                db_result_text(res, i, RN_ERROR_CODE));
            e->field = (char *)db_result_text(res, i, RN_ERROR_FIELD);
            e->message = (char *)db_result_text(res, i, RN_ERROR_MESSAGE);
            r->error = e;
        }
        if (!db_result_is_null(res, i, RN_POLICY_ID))
            r->policy_id = db_result_int64(res, i, RN_POLICY_ID);
        ptrs[rr.n_rows++] = r;
    }
    rr.rows = ptrs;
    Aixin__V1__Response resp = AIXIN__V1__RESPONSE__INIT;
    resp.body_case = AIXIN__V1__RESPONSE__BODY_RENEW;
    resp.renew = &rr;
    request_reply(req, &resp);
    free(rows);
    free(ptrs);
    free(errors);
}

void handle_renew_year(request_t *req)
{
    const Aixin__V1__RenewYear *m = req->msg->renew_year;
    db_query_t *q = db_result_query(req, DB_STMT_RENEW_YEAR, renew_on_rows);
    if (q == NULL)
        return;
    db_query_add_int64(q, req->actor_id);
    db_query_add_int64(q, (int64_t)req->request_id);
    db_query_add_int64(q, m->from_year);
    db_query_add_int64(q, m->to_year);
    db_query_add_text_or_null(q, m->division_code);
    db_query_add_text(q, m->dry_run ? "true" : "false");
    db_query_add_int64(q, m->after_child_id);
    db_query_add_int64(q, m->limit);
    db_result_submit(req, q);
}
