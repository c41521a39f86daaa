/* Policy years and enrollment. */
#include <stdlib.h>
#include <string.h>

#include "db_result.h"
#include "handlers.h"
#include "worker.h"

/* Columns of aixin.policy_row. */
enum policy_col {
    POL_OUTCOME = 0,
    POL_ID,
    POL_YEAR,
    POL_CHILD_ID,
    POL_CHILD_ID_NUMBER,
    POL_CHILD_NAME,
    POL_HOUSEHOLD_ID,
    POL_TOWNSHIP_CODE,
    POL_PREMIUM_FEN,
    POL_ENROLLED_AT,
    POL_COL_COUNT
};

static void policy_from_row(Aixin__V1__Policy *p, const PGresult *res, int i)
{
    aixin__v1__policy__init(p);
    p->id = db_result_int64(res, i, POL_ID);
    p->policy_year = (int32_t)db_result_int64(res, i, POL_YEAR);
    p->child_id = db_result_int64(res, i, POL_CHILD_ID);
    p->child_id_number = (char *)db_result_text(res, i, POL_CHILD_ID_NUMBER);
    p->child_name = (char *)db_result_text(res, i, POL_CHILD_NAME);
    p->household_id = db_result_int64(res, i, POL_HOUSEHOLD_ID);
    p->township_code = (char *)db_result_text(res, i, POL_TOWNSHIP_CODE);
    p->premium_fen = db_result_int64(res, i, POL_PREMIUM_FEN);
    p->enrolled_at = db_result_int64(res, i, POL_ENROLLED_AT);
}

static bool policy_rows_found(request_t *req, const PGresult *res)
{
    if (PQnfields(res) < POL_COL_COUNT ||
        (PQntuples(res) > 0 &&
         strcmp(db_result_text(res, 0, POL_OUTCOME), "ok") != 0)) {
        request_reply_error(req, AIXIN__V1__ERROR_CODE__ERROR_CODE_NOT_FOUND,
                            "child_id_number",
                            "no child with that ID number in your scope");
        return false;
    }
    return true;
}

/* ---- OpenPolicyYear / ListPolicyYears ---- */

static void policy_years_on_rows(void *arg, db_outcome_t outcome,
                                 const PGresult *res)
{
    request_t *req = arg;
    if (!db_result_ok(req, outcome, res))
        return;
    int n = PQntuples(res);
    Aixin__V1__PolicyYear *items = calloc((size_t)n + 1, sizeof(*items));
    Aixin__V1__PolicyYear **ptrs = calloc((size_t)n + 1, sizeof(*ptrs));
    if (items == NULL || ptrs == NULL) {
        free(items);
        free(ptrs);
        request_reply_error(req, AIXIN__V1__ERROR_CODE__ERROR_CODE_UNAVAILABLE,
                            NULL, "server out of memory; retry");
        return;
    }
    for (int i = 0; i < n; i++) {
        aixin__v1__policy_year__init(&items[i]);
        items[i].year = (int32_t)db_result_int64(res, i, 0);
        items[i].reference_date = (char *)db_result_text(res, i, 1);
        items[i].premium_fen = db_result_int64(res, i, 2);
        ptrs[i] = &items[i];
    }
    Aixin__V1__Response resp = AIXIN__V1__RESPONSE__INIT;
    Aixin__V1__PolicyYearList list = AIXIN__V1__POLICY_YEAR_LIST__INIT;
    if (req->msg->body_case == AIXIN__V1__REQUEST__BODY_OPEN_POLICY_YEAR) {
        if (n != 1) {
            request_reply_error(req, AIXIN__V1__ERROR_CODE__ERROR_CODE_INTERNAL,
                                NULL, "policy year not created");
            free(items);
            free(ptrs);
            return;
        }
        resp.body_case = AIXIN__V1__RESPONSE__BODY_POLICY_YEAR;
        resp.policy_year = &items[0];
    } else {
        list.n_years = (size_t)n;
        list.years = ptrs;
        resp.body_case = AIXIN__V1__RESPONSE__BODY_POLICY_YEARS;
        resp.policy_years = &list;
    }
    request_reply(req, &resp);
    free(items);
    free(ptrs);
}

void handle_open_policy_year(request_t *req)
{
    const Aixin__V1__OpenPolicyYear *py = req->msg->open_policy_year;
    db_query_t *q =
        db_result_query(req, DB_STMT_OPEN_POLICY_YEAR, policy_years_on_rows);
    if (q == NULL)
        return;
    db_query_add_int64(q, req->actor_id);
    db_query_add_int64(q, (int64_t)req->request_id);
    db_query_add_bytea(q, req->msg->idempotency_key.data,
                       req->msg->idempotency_key.len);
    db_query_add_int64(q, py->year);
    db_query_add_text(q, py->reference_date);
    db_query_add_int64(q, py->premium_fen);
    db_pool_submit(req->worker->db, q);
}

void handle_list_policy_years(request_t *req)
{
    db_query_t *q =
        db_result_query(req, DB_STMT_LIST_POLICY_YEARS, policy_years_on_rows);
    if (q == NULL)
        return;
    db_query_add_int64(q, req->actor_id);
    db_pool_submit(req->worker->db, q);
}

/* ---- Enroll ---- */

static void enroll_on_row(void *arg, db_outcome_t outcome, const PGresult *res)
{
    request_t *req = arg;
    if (!db_result_ok(req, outcome, res))
        return;
    if (!policy_rows_found(req, res))
        return;
    if (PQntuples(res) != 1) {
        request_reply_error(req, AIXIN__V1__ERROR_CODE__ERROR_CODE_INTERNAL, NULL,
                            "policy not created");
        return;
    }
    Aixin__V1__Policy p;
    policy_from_row(&p, res, 0);
    Aixin__V1__Response resp = AIXIN__V1__RESPONSE__INIT;
    resp.body_case = AIXIN__V1__RESPONSE__BODY_POLICY;
    resp.policy = &p;
    request_reply(req, &resp);
}

void handle_enroll(request_t *req)
{
    const Aixin__V1__Enroll *e = req->msg->enroll;
    db_query_t *q = db_result_query(req, DB_STMT_ENROLL, enroll_on_row);
    if (q == NULL)
        return;
    db_query_add_int64(q, req->actor_id);
    db_query_add_int64(q, (int64_t)req->request_id);
    db_query_add_bytea(q, req->msg->idempotency_key.data,
                       req->msg->idempotency_key.len);
    db_query_add_text(q, e->child_id_number);
    db_query_add_int64(q, e->policy_year);
    db_pool_submit(req->worker->db, q);
}

/* ---- ListPolicies ---- */

static void list_policies_on_rows(void *arg, db_outcome_t outcome,
                                  const PGresult *res)
{
    request_t *req = arg;
    if (!db_result_ok(req, outcome, res))
        return;
    if (!policy_rows_found(req, res))
        return;
    int n = PQntuples(res);
    Aixin__V1__Policy *items = calloc((size_t)n + 1, sizeof(*items));
    Aixin__V1__Policy **ptrs = calloc((size_t)n + 1, sizeof(*ptrs));
    if (items == NULL || ptrs == NULL) {
        free(items);
        free(ptrs);
        request_reply_error(req, AIXIN__V1__ERROR_CODE__ERROR_CODE_UNAVAILABLE,
                            NULL, "server out of memory; retry");
        return;
    }
    for (int i = 0; i < n; i++) {
        policy_from_row(&items[i], res, i);
        ptrs[i] = &items[i];
    }
    Aixin__V1__PolicyList list = AIXIN__V1__POLICY_LIST__INIT;
    list.n_policies = (size_t)n;
    list.policies = ptrs;
    Aixin__V1__Response resp = AIXIN__V1__RESPONSE__INIT;
    resp.body_case = AIXIN__V1__RESPONSE__BODY_POLICIES;
    resp.policies = &list;
    request_reply(req, &resp);
    free(items);
    free(ptrs);
}

void handle_list_policies(request_t *req)
{
    db_query_t *q =
        db_result_query(req, DB_STMT_LIST_POLICIES, list_policies_on_rows);
    if (q == NULL)
        return;
    db_query_add_int64(q, req->actor_id);
    db_query_add_int64(q, (int64_t)req->request_id);
    db_query_add_text(q, req->msg->list_policies->child_id_number);
    db_pool_submit(req->worker->db, q);
}
