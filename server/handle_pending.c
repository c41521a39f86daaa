/* ConfirmPending and ListPending: money requests above a four-eyes
 * threshold, waiting for a second account (aixin.pending_actions). Both
 * answer rows of aixin.pending_row. */
#include <stdlib.h>
#include <string.h>

#include "aixin/v1/pending.pb-c.h"
#include "db_result.h"
#include "handlers.h"

/* Columns of aixin.pending_row, in the order of the PendingAction message. */
enum pending_col {
    PENDING_ID = 0,
    PENDING_KIND,
    PENDING_CLAIM_ID,
    PENDING_POLICY_YEAR,
    PENDING_TOWNSHIP_CODE,
    PENDING_INSURER_CODE,
    PENDING_AMOUNT,
    PENDING_THRESHOLD,
    PENDING_STATE,
    PENDING_REQUESTED_BY,
    PENDING_REQUESTED_AT,
    PENDING_DECIDED_BY,
    PENDING_DECIDED_AT,
    PENDING_DECISION_REASON,
    PENDING_NOTE,
    PENDING_EFFECTIVE_ON,
    PENDING_REFERENCE,
    PENDING_COL_COUNT
};

static void pending_from_row(Aixin__V1__PendingAction *a, const PGresult *res,
                             int i)
{
    aixin__v1__pending_action__init(a);
    a->id = db_result_int64(res, i, PENDING_ID);
    a->kind = (char *)db_result_text(res, i, PENDING_KIND);
    a->claim_id = db_result_int64(res, i, PENDING_CLAIM_ID);
    a->policy_year = (int32_t)db_result_int64(res, i, PENDING_POLICY_YEAR);
    a->township_code = (char *)db_result_text(res, i, PENDING_TOWNSHIP_CODE);
    a->insurer_code = (char *)db_result_text(res, i, PENDING_INSURER_CODE);
    a->amount_fen = db_result_int64(res, i, PENDING_AMOUNT);
    a->threshold_fen = db_result_int64(res, i, PENDING_THRESHOLD);
    a->state = (char *)db_result_text(res, i, PENDING_STATE);
    a->requested_by = (char *)db_result_text(res, i, PENDING_REQUESTED_BY);
    a->requested_at = (char *)db_result_text(res, i, PENDING_REQUESTED_AT);
    a->decided_by = (char *)db_result_text(res, i, PENDING_DECIDED_BY);
    a->decided_at = (char *)db_result_text(res, i, PENDING_DECIDED_AT);
    a->decision_reason =
        (char *)db_result_text(res, i, PENDING_DECISION_REASON);
    a->note = (char *)db_result_text(res, i, PENDING_NOTE);
    a->effective_on = (char *)db_result_text(res, i, PENDING_EFFECTIVE_ON);
    a->reference = (char *)db_result_text(res, i, PENDING_REFERENCE);
}

/* One action (ConfirmPending) or a list (ListPending). */
static void pending_on_rows(void *arg, db_outcome_t outcome,
                            const PGresult *res)
{
    request_t *req = arg;
    if (!db_result_ok(req, outcome, res))
        return;
    int n = PQntuples(res);
    bool list = req->msg->body_case == AIXIN__V1__REQUEST__BODY_LIST_PENDING;
    if ((!list && n != 1) || PQnfields(res) < PENDING_COL_COUNT) {
        request_reply_error(req, AIXIN__V1__ERROR_CODE__ERROR_CODE_INTERNAL, NULL,
                            "unexpected pending action result");
        return;
    }
    Aixin__V1__PendingAction *items = calloc((size_t)n + 1, sizeof(*items));
    Aixin__V1__PendingAction **ptrs = calloc((size_t)n + 1, sizeof(*ptrs));
    if (items == NULL || ptrs == NULL) {
        free(items);
        free(ptrs);
        db_result_reply_oom(req);
        return;
    }
    for (int i = 0; i < n; i++) {
        pending_from_row(&items[i], res, i);
        ptrs[i] = &items[i];
    }
    Aixin__V1__Response resp = AIXIN__V1__RESPONSE__INIT;
    Aixin__V1__PendingList pl = AIXIN__V1__PENDING_LIST__INIT;
    if (list) {
        pl.n_actions = (size_t)n;
        pl.actions = ptrs;
        resp.body_case = AIXIN__V1__RESPONSE__BODY_PENDING_LIST;
        resp.pending_list = &pl;
    } else {
        resp.body_case = AIXIN__V1__RESPONSE__BODY_PENDING_ACTION;
        resp.pending_action = &items[0];
    }
    request_reply(req, &resp);
    free(items);
    free(ptrs);
}

void handle_confirm_pending(request_t *req)
{
    const Aixin__V1__ConfirmPending *m = req->msg->confirm_pending;
    db_query_t *q =
        db_result_query(req, DB_STMT_DECIDE_PENDING, pending_on_rows);
    if (q == NULL)
        return;
    db_result_add_mutation_args(q, req);
    db_query_add_int64(q, m->pending_id);
    db_query_add_text(q, m->decision ==
                                 AIXIN__V1__PENDING_DECISION__PENDING_DECISION_DECLINE
                             ? "decline"
                             : "confirm");
    db_query_add_text_or_null(q, m->reason);
    db_result_submit(req, q);
}

void handle_list_pending(request_t *req)
{
    const Aixin__V1__ListPending *m = req->msg->list_pending;
    db_query_t *q = db_result_query(req, DB_STMT_LIST_PENDING, pending_on_rows);
    if (q == NULL)
        return;
    db_query_add_int64(q, req->actor_id);
    if (m->policy_year == 0)
        db_query_add_null(q);
    else
        db_query_add_int64(q, m->policy_year);
    db_query_add_text(q, m->include_decided ? "true" : "false");
    db_result_submit(req, q);
}
