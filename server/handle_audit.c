/* The audit log for auditors (ListAudit, VerifyAudit) and the record of
 * refused requests. */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "db_result.h"
#include "handlers.h"
#include "log.h"
#include "worker.h"

static void refusal_recorded(void *arg, db_outcome_t outcome,
                             const PGresult *res)
{
    (void)arg;
    if (outcome != DB_OUTCOME_RESULT ||
        PQresultStatus(res) != PGRES_TUPLES_OK)
        log_warn("event=audit_refusal_failed outcome=%d", (int)outcome);
}

bool audit_refusal_wanted(const request_t *req, int code)
{
    if (code == AIXIN__V1__ERROR_CODE__ERROR_CODE_PERMISSION_DENIED)
        return true;
    if (code != AIXIN__V1__ERROR_CODE__ERROR_CODE_NOT_FOUND || req->msg == NULL)
        return false;
    switch (req->msg->body_case) {
    case AIXIN__V1__REQUEST__BODY_GET_CLAIM:
    case AIXIN__V1__REQUEST__BODY_CLAIM_HISTORY:
        return true;
    default:
        return false;
    }
}

void audit_record_refusal(const request_t *req, const char *message)
{
    if (req->actor_id == 0 || req->worker == NULL)
        return;
    db_query_t *q = db_query_new(DB_STMT_AUDIT_REFUSAL, refusal_recorded, NULL);
    if (q == NULL)
        return;
    db_query_add_int64(q, req->actor_id);
    db_query_add_int64(q, (int64_t)req->request_id);
    if (req->msg != NULL && req->msg->idempotency_key.len > 0)
        db_query_add_bytea(q, req->msg->idempotency_key.data,
                           req->msg->idempotency_key.len);
    else
        db_query_add_null(q);
    db_query_add_text(q, req->name != NULL ? req->name : "unknown");
    db_query_add_text(q, message != NULL ? message : "");
    db_pool_submit(req->worker->db, q);
}

static void list_on_rows(void *arg, db_outcome_t outcome, const PGresult *res)
{
    request_t *req = arg;
    if (!db_result_ok(req, outcome, res))
        return;
    int n = PQntuples(res);
    Aixin__V1__AuditEntry *rows =
        pb_arena_alloc(&req->arena, sizeof(*rows) * (size_t)(n > 0 ? n : 1));
    Aixin__V1__AuditEntry **ptrs =
        pb_arena_alloc(&req->arena, sizeof(*ptrs) * (size_t)(n > 0 ? n : 1));
    if (rows == NULL || ptrs == NULL) {
        db_result_reply_oom(req);
        return;
    }
    for (int i = 0; i < n; i++) {
        Aixin__V1__AuditEntry *e = &rows[i];
        aixin__v1__audit_entry__init(e);
        e->seq = db_result_int64(res, i, 0);
        e->at = db_result_int64(res, i, 1);
        e->username = (char *)db_result_text(res, i, 2);
        e->action = (char *)db_result_text(res, i, 3);
        e->target = (char *)db_result_text(res, i, 4);
        e->detail = (char *)db_result_text(res, i, 5);
        e->request_id = (uint64_t)db_result_int64(res, i, 6);
        ptrs[i] = e;
    }
    Aixin__V1__AuditList list = AIXIN__V1__AUDIT_LIST__INIT;
    list.n_entries = (size_t)n;
    list.entries = ptrs;
    Aixin__V1__Response resp = AIXIN__V1__RESPONSE__INIT;
    resp.body_case = AIXIN__V1__RESPONSE__BODY_AUDIT;
    resp.audit = &list;
    request_reply(req, &resp);
}

void handle_list_audit(request_t *req)
{
    const Aixin__V1__ListAudit *m = req->msg->list_audit;
    db_query_t *q = db_result_query(req, DB_STMT_AUDIT_LIST, list_on_rows);
    if (q == NULL)
        return;
    db_query_add_int64(q, req->actor_id);
    db_query_add_text_or_null(q, m->division_code);
    if (m->from > 0)
        db_query_add_int64(q, m->from);
    else
        db_query_add_null(q);
    if (m->to > 0)
        db_query_add_int64(q, m->to);
    else
        db_query_add_null(q);
    db_query_add_text_or_null(q, m->username);
    db_query_add_int64(q, m->limit > 0 ? (int64_t)m->limit : 1000);
    db_result_submit(req, q);
}

static void verify_on_result(void *arg, db_outcome_t outcome,
                             const PGresult *res)
{
    request_t *req = arg;
    if (!db_result_ok(req, outcome, res))
        return;
    if (PQntuples(res) != 1) {
        request_reply_error(req, AIXIN__V1__ERROR_CODE__ERROR_CODE_INTERNAL, NULL,
                            "audit check gave no answer");
        return;
    }
    Aixin__V1__AuditVerification v = AIXIN__V1__AUDIT_VERIFICATION__INIT;
    v.rows_checked = db_result_int64(res, 0, 0);
    v.intact = db_result_is_null(res, 0, 1);
    v.first_broken_seq = db_result_int64(res, 0, 1);
    v.problem = (char *)db_result_text(res, 0, 3);
    Aixin__V1__Response resp = AIXIN__V1__RESPONSE__INIT;
    resp.body_case = AIXIN__V1__RESPONSE__BODY_AUDIT_VERIFICATION;
    resp.audit_verification = &v;
    request_reply(req, &resp);
}

void handle_verify_audit(request_t *req)
{
    db_query_t *q = db_result_query(req, DB_STMT_AUDIT_VERIFY, verify_on_result);
    if (q == NULL)
        return;
    db_query_add_int64(q, req->actor_id);
    db_result_submit(req, q);
}
