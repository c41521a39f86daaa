/*
 * Claims: every action is one call of its aixin.* function, which checks
 * state, role, insurer and scope under a row lock and answers with the
 * claim after the change (aixin.claim_row).
 */
#include <stdlib.h>
#include <string.h>

#include "aixin/v1/claims.pb-c.h"
#include "db_result.h"
#include "handlers.h"
#include "names.h"

/* Columns of aixin.claim_row, in the order of the Claim message. */
enum claim_col {
    CL_ID = 0,
    CL_POLICY_ID,
    CL_POLICY_YEAR,
    CL_CHILD_ID_NUMBER,
    CL_CHILD_NAME,
    CL_TOWNSHIP_CODE,
    CL_INSURER_CODE,
    CL_EVENT,
    CL_INCIDENT_DATE,
    CL_AMOUNT_CLAIMED,
    CL_DOCUMENTS_COMPLETE,
    CL_DOUBT,
    CL_DESCRIPTION,
    CL_STATE,
    CL_SERVICE_CLASS,
    CL_CLOCK_START,
    CL_DUE_DATE,
    CL_APPROVED,
    CL_DECISION_REASON,
    CL_PAID,
    CL_PAID_ON,
    CL_PAYMENT_METHOD,
    CL_DELIVERED_HOME,
    CL_HOME_DELIVERY_REQUIRED,
    CL_SUPPLEMENTARY,
    CL_RECEIVED_ON,
    CL_FILED_AT,
    CL_OVERDUE,
    CL_COL_COUNT
};

static bool col_bool(const PGresult *res, int row, int col)
{
    return strcmp(db_result_text(res, row, col), "t") == 0;
}

static void claim_from_row(Aixin__V1__Claim *c, const PGresult *res, int i)
{
    aixin__v1__claim__init(c);
    c->id = db_result_int64(res, i, CL_ID);
    c->policy_id = db_result_int64(res, i, CL_POLICY_ID);
    c->policy_year = (int32_t)db_result_int64(res, i, CL_POLICY_YEAR);
    c->child_id_number = (char *)db_result_text(res, i, CL_CHILD_ID_NUMBER);
    c->child_name = (char *)db_result_text(res, i, CL_CHILD_NAME);
    c->township_code = (char *)db_result_text(res, i, CL_TOWNSHIP_CODE);
    c->insurer_code = (char *)db_result_text(res, i, CL_INSURER_CODE);
    c->event = names_event_type_parse(db_result_text(res, i, CL_EVENT));
    c->incident_date = (char *)db_result_text(res, i, CL_INCIDENT_DATE);
    c->amount_claimed_fen = db_result_int64(res, i, CL_AMOUNT_CLAIMED);
    c->documents_complete = col_bool(res, i, CL_DOCUMENTS_COMPLETE);
    c->doubt = col_bool(res, i, CL_DOUBT);
    c->description = (char *)db_result_text(res, i, CL_DESCRIPTION);
    c->state = names_claim_state_parse(db_result_text(res, i, CL_STATE));
    c->service_class =
        names_service_class_parse(db_result_text(res, i, CL_SERVICE_CLASS));
    c->clock_start_date = (char *)db_result_text(res, i, CL_CLOCK_START);
    c->due_date = (char *)db_result_text(res, i, CL_DUE_DATE);
    c->approved_fen = db_result_int64(res, i, CL_APPROVED);
    c->decision_reason = (char *)db_result_text(res, i, CL_DECISION_REASON);
    c->paid_fen = db_result_int64(res, i, CL_PAID);
    c->paid_on = (char *)db_result_text(res, i, CL_PAID_ON);
    c->payment_method =
        names_payment_method_parse(db_result_text(res, i, CL_PAYMENT_METHOD));
    c->delivered_home = col_bool(res, i, CL_DELIVERED_HOME);
    c->home_delivery_required = col_bool(res, i, CL_HOME_DELIVERY_REQUIRED);
    c->supplementary_fen = db_result_int64(res, i, CL_SUPPLEMENTARY);
    c->received_on = (char *)db_result_text(res, i, CL_RECEIVED_ON);
    c->filed_at = db_result_int64(res, i, CL_FILED_AT);
    c->overdue = col_bool(res, i, CL_OVERDUE);
}

/* One claim (every action and GetClaim) or a list (ListDueClaims). */
static void claims_on_rows(void *arg, db_outcome_t outcome, const PGresult *res)
{
    request_t *req = arg;
    if (!db_result_ok(req, outcome, res))
        return;
    int n = PQntuples(res);
    bool list = req->msg->body_case == AIXIN__V1__REQUEST__BODY_LIST_DUE_CLAIMS;
    if ((!list && n != 1) || PQnfields(res) < CL_COL_COUNT) {
        request_reply_error(req, AIXIN__V1__ERROR_CODE__ERROR_CODE_INTERNAL, NULL,
                            "unexpected claim result");
        return;
    }
    Aixin__V1__Claim *items = calloc((size_t)n + 1, sizeof(*items));
    Aixin__V1__Claim **ptrs = calloc((size_t)n + 1, sizeof(*ptrs));
    if (items == NULL || ptrs == NULL) {
        free(items);
        free(ptrs);
        db_result_reply_oom(req);
        return;
    }
    /* Approvals and supplementary payouts add the pending action they
     * made when above a four-eyes threshold (db_statements.c). */
    int pending_col = PQfnumber(res, "pending_id");
    for (int i = 0; i < n; i++) {
        claim_from_row(&items[i], res, i);
        if (pending_col >= 0)
            items[i].pending_id = db_result_int64(res, i, pending_col);
        ptrs[i] = &items[i];
    }
    Aixin__V1__Response resp = AIXIN__V1__RESPONSE__INIT;
    Aixin__V1__ClaimList cl = AIXIN__V1__CLAIM_LIST__INIT;
    if (list) {
        cl.n_claims = (size_t)n;
        cl.claims = ptrs;
        resp.body_case = AIXIN__V1__RESPONSE__BODY_CLAIMS;
        resp.claims = &cl;
    } else {
        resp.body_case = AIXIN__V1__RESPONSE__BODY_CLAIM;
        resp.claim = &items[0];
    }
    request_reply(req, &resp);
    free(items);
    free(ptrs);
}

/* A claim action's query: actor, request id, key, then the claim id. */
static db_query_t *claim_action(request_t *req, db_stmt_t stmt, int64_t claim_id)
{
    db_query_t *q = db_result_query(req, stmt, claims_on_rows);
    if (q == NULL)
        return NULL;
    db_result_add_mutation_args(q, req);
    db_query_add_int64(q, claim_id);
    return q;
}

void handle_file_claim(request_t *req)
{
    const Aixin__V1__FileClaim *m = req->msg->file_claim;
    db_query_t *q = db_result_query(req, DB_STMT_FILE_CLAIM, claims_on_rows);
    if (q == NULL)
        return;
    db_result_add_mutation_args(q, req);
    db_query_add_text(q, m->child_id_number);
    db_query_add_int64(q, m->policy_year);
    db_query_add_text(q, names_event_type(m->event));
    db_query_add_text(q, m->incident_date);
    db_query_add_int64(q, m->amount_claimed_fen);
    db_query_add_text(q, m->documents_complete ? "true" : "false");
    db_query_add_text_array(q, m->documents, m->n_documents);
    db_query_add_text_or_null(q, m->description);
    db_query_add_text_or_null(q, m->received_on);
    db_result_submit(req, q);
}

void handle_add_claim_documents(request_t *req)
{
    const Aixin__V1__AddClaimDocuments *m = req->msg->add_claim_documents;
    db_query_t *q = claim_action(req, DB_STMT_ADD_CLAIM_DOCUMENTS, m->claim_id);
    if (q == NULL)
        return;
    db_query_add_text_array(q, m->documents, m->n_documents);
    db_query_add_text(q, m->documents_complete ? "true" : "false");
    db_query_add_text_or_null(q, m->received_on);
    db_result_submit(req, q);
}

void handle_review_claim(request_t *req)
{
    const Aixin__V1__ReviewClaim *m = req->msg->review_claim;
    db_query_t *q = claim_action(req, DB_STMT_REVIEW_CLAIM, m->claim_id);
    if (q == NULL)
        return;
    db_query_add_text_or_null(q, m->note);
    db_query_add_text_or_null(q, m->decided_on);
    db_result_submit(req, q);
}

void handle_flag_claim_doubt(request_t *req)
{
    const Aixin__V1__FlagClaimDoubt *m = req->msg->flag_claim_doubt;
    db_query_t *q = claim_action(req, DB_STMT_FLAG_CLAIM_DOUBT, m->claim_id);
    if (q == NULL)
        return;
    db_query_add_text_or_null(q, m->note);
    db_query_add_text_or_null(q, m->decided_on);
    db_result_submit(req, q);
}

void handle_escalate_claim(request_t *req)
{
    const Aixin__V1__EscalateClaim *m = req->msg->escalate_claim;
    db_query_t *q = claim_action(req, DB_STMT_ESCALATE_CLAIM, m->claim_id);
    if (q == NULL)
        return;
    db_query_add_text_or_null(q, m->note);
    db_query_add_text_or_null(q, m->decided_on);
    db_result_submit(req, q);
}

void handle_approve_claim(request_t *req)
{
    const Aixin__V1__ApproveClaim *m = req->msg->approve_claim;
    db_query_t *q = claim_action(req, DB_STMT_APPROVE_CLAIM, m->claim_id);
    if (q == NULL)
        return;
    db_query_add_int64(q, m->approved_fen);
    db_query_add_text_or_null(q, m->note);
    db_query_add_text_or_null(q, m->decided_on);
    db_result_submit(req, q);
}

void handle_reject_claim(request_t *req)
{
    const Aixin__V1__RejectClaim *m = req->msg->reject_claim;
    db_query_t *q = claim_action(req, DB_STMT_REJECT_CLAIM, m->claim_id);
    if (q == NULL)
        return;
    db_query_add_text(q, m->reason);
    db_query_add_text_or_null(q, m->decided_on);
    db_result_submit(req, q);
}

void handle_pay_claim(request_t *req)
{
    const Aixin__V1__PayClaim *m = req->msg->pay_claim;
    db_query_t *q = claim_action(req, DB_STMT_PAY_CLAIM, m->claim_id);
    if (q == NULL)
        return;
    db_query_add_int64(q, m->amount_fen);
    db_query_add_text_or_null(q, m->paid_on);
    db_query_add_text(q, names_payment_method(m->method));
    db_query_add_text(q, m->delivered_home ? "true" : "false");
    db_result_submit(req, q);
}

void handle_record_visit(request_t *req)
{
    const Aixin__V1__RecordVisit *m = req->msg->record_visit;
    db_query_t *q = claim_action(req, DB_STMT_RECORD_VISIT, m->claim_id);
    if (q == NULL)
        return;
    db_query_add_text_or_null(q, m->visited_on);
    db_query_add_text_or_null(q, m->note);
    db_result_submit(req, q);
}

void handle_add_supplementary_payout(request_t *req)
{
    const Aixin__V1__AddSupplementaryPayout *m = req->msg->add_supplementary_payout;
    db_query_t *q =
        claim_action(req, DB_STMT_ADD_SUPPLEMENTARY_PAYOUT, m->claim_id);
    if (q == NULL)
        return;
    db_query_add_int64(q, m->amount_fen);
    db_query_add_text_or_null(q, m->paid_on);
    db_query_add_text(q, m->reference);
    db_result_submit(req, q);
}

void handle_get_claim(request_t *req)
{
    db_query_t *q = db_result_query(req, DB_STMT_GET_CLAIM, claims_on_rows);
    if (q == NULL)
        return;
    db_query_add_int64(q, req->actor_id);
    db_query_add_int64(q, (int64_t)req->request_id);
    db_query_add_int64(q, req->msg->get_claim->claim_id);
    db_result_submit(req, q);
}

void handle_list_due_claims(request_t *req)
{
    db_query_t *q = db_result_query(req, DB_STMT_LIST_DUE_CLAIMS, claims_on_rows);
    if (q == NULL)
        return;
    db_query_add_int64(q, req->actor_id);
    db_query_add_int64(q, req->msg->list_due_claims->within_days);
    db_result_submit(req, q);
}

/* ---- history ---- */

static void history_on_rows(void *arg, db_outcome_t outcome, const PGresult *res)
{
    request_t *req = arg;
    if (!db_result_ok(req, outcome, res))
        return;
    int n = PQntuples(res);
    if (PQnfields(res) < 11) {
        request_reply_error(req, AIXIN__V1__ERROR_CODE__ERROR_CODE_INTERNAL, NULL,
                            "unexpected claim history result");
        return;
    }
    Aixin__V1__ClaimTransition *items = calloc((size_t)n + 1, sizeof(*items));
    Aixin__V1__ClaimTransition **ptrs = calloc((size_t)n + 1, sizeof(*ptrs));
    if (items == NULL || ptrs == NULL) {
        free(items);
        free(ptrs);
        db_result_reply_oom(req);
        return;
    }
    for (int i = 0; i < n; i++) {
        Aixin__V1__ClaimTransition *t = &items[i];
        aixin__v1__claim_transition__init(t);
        t->id = db_result_int64(res, i, 0);
        t->action = (char *)db_result_text(res, i, 1);
        t->from_state = names_claim_state_parse(db_result_text(res, i, 2));
        t->to_state = names_claim_state_parse(db_result_text(res, i, 3));
        t->actor = (char *)db_result_text(res, i, 4);
        t->effective_on = (char *)db_result_text(res, i, 5);
        t->recorded_at = db_result_int64(res, i, 6);
        t->request_id = (uint64_t)db_result_int64(res, i, 7);
        t->idempotency_key = (char *)db_result_text(res, i, 8);
        t->note = (char *)db_result_text(res, i, 9);
        t->amount_fen = db_result_int64(res, i, 10);
        ptrs[i] = t;
    }
    Aixin__V1__ClaimTransitionList list = AIXIN__V1__CLAIM_TRANSITION_LIST__INIT;
    list.n_transitions = (size_t)n;
    list.transitions = ptrs;
    Aixin__V1__Response resp = AIXIN__V1__RESPONSE__INIT;
    resp.body_case = AIXIN__V1__RESPONSE__BODY_CLAIM_HISTORY;
    resp.claim_history = &list;
    request_reply(req, &resp);
    free(items);
    free(ptrs);
}

void handle_claim_history(request_t *req)
{
    db_query_t *q = db_result_query(req, DB_STMT_CLAIM_HISTORY, history_on_rows);
    if (q == NULL)
        return;
    db_query_add_int64(q, req->actor_id);
    db_query_add_int64(q, (int64_t)req->request_id);
    db_query_add_int64(q, req->msg->claim_history->claim_id);
    db_result_submit(req, q);
}
