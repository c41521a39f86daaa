/* Enrollment and a child's policies. */
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
    POL_CITY_SHARE,
    POL_COUNTY_SHARE,
    POL_TOWNSHIP_SHARE,
    POL_INSURER_CODE,
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
    p->city_share_fen = db_result_int64(res, i, POL_CITY_SHARE);
    p->county_share_fen = db_result_int64(res, i, POL_COUNTY_SHARE);
    p->township_share_fen = db_result_int64(res, i, POL_TOWNSHIP_SHARE);
    p->insurer_code = (char *)db_result_text(res, i, POL_INSURER_CODE);
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
    db_result_add_mutation_args(q, req);
    db_query_add_text(q, e->child_id_number);
    db_query_add_int64(q, e->policy_year);
    db_result_submit(req, q);
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
        db_result_reply_oom(req);
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
    db_result_submit(req, q);
}
