/* DrawAuditSample and RecordAuditFinding: the monthly post-audit of
 * same-day claims (0019_post_audit.sql). Both answer an AuditSample. */
#include <stdlib.h>
#include <string.h>

#include "db_result.h"
#include "handlers.h"

/* Columns of aixin.post_audit_row. */
enum audit_col {
    AUDIT_MONTH = 0,
    AUDIT_SEED,
    AUDIT_RATE_BP,
    AUDIT_POPULATION,
    AUDIT_SAMPLE_SIZE,
    AUDIT_DRAWN_BY,
    AUDIT_DRAWN_AT,
    AUDIT_RANK,
    AUDIT_CLAIM_ID,
    AUDIT_INSURER,
    AUDIT_TOWNSHIP,
    AUDIT_POLICY_YEAR,
    AUDIT_PAID_FEN,
    AUDIT_PAID_ON,
    AUDIT_RESULT,
    AUDIT_RECOVERED_FEN,
    AUDIT_NOTE,
    AUDIT_REVIEWED_BY,
    AUDIT_REVIEWED_AT,
    AUDIT_COL_COUNT
};

static Aixin__V1__AuditResult audit_result(const char *name)
{
    if (strcmp(name, "ok") == 0)
        return AIXIN__V1__AUDIT_RESULT__AUDIT_RESULT_OK;
    if (strcmp(name, "recovered") == 0)
        return AIXIN__V1__AUDIT_RESULT__AUDIT_RESULT_RECOVERED;
    return AIXIN__V1__AUDIT_RESULT__AUDIT_RESULT_UNSPECIFIED;
}

static void claim_from_row(Aixin__V1__AuditSampleClaim *c, const PGresult *res,
                           int i)
{
    aixin__v1__audit_sample_claim__init(c);
    c->rank = (int32_t)db_result_int64(res, i, AUDIT_RANK);
    c->claim_id = db_result_int64(res, i, AUDIT_CLAIM_ID);
    c->insurer_code = (char *)db_result_text(res, i, AUDIT_INSURER);
    c->township_code = (char *)db_result_text(res, i, AUDIT_TOWNSHIP);
    c->policy_year = (int32_t)db_result_int64(res, i, AUDIT_POLICY_YEAR);
    c->paid_fen = db_result_int64(res, i, AUDIT_PAID_FEN);
    c->paid_on = (char *)db_result_text(res, i, AUDIT_PAID_ON);
    c->result = audit_result(db_result_text(res, i, AUDIT_RESULT));
    c->recovered_fen = db_result_int64(res, i, AUDIT_RECOVERED_FEN);
    c->note = (char *)db_result_text(res, i, AUDIT_NOTE);
    c->reviewed_by = (char *)db_result_text(res, i, AUDIT_REVIEWED_BY);
    c->reviewed_at = db_result_int64(res, i, AUDIT_REVIEWED_AT);
}

static void audit_on_rows(void *arg, db_outcome_t outcome, const PGresult *res)
{
    request_t *req = arg;
    if (!db_result_ok(req, outcome, res))
        return;
    int n = PQntuples(res);
    if (PQnfields(res) < AUDIT_COL_COUNT || n == 0) {
        request_reply_error(req, AIXIN__V1__ERROR_CODE__ERROR_CODE_INTERNAL,
                            NULL, "unexpected post-audit answer");
        return;
    }
    Aixin__V1__AuditSampleClaim *claims = calloc((size_t)n, sizeof(*claims));
    Aixin__V1__AuditSampleClaim **ptrs = calloc((size_t)n, sizeof(*ptrs));
    if (claims == NULL || ptrs == NULL) {
        free(claims);
        free(ptrs);
        db_result_reply_oom(req);
        return;
    }
    size_t n_claims = 0;
    for (int i = 0; i < n; i++) {
        /* An empty sample (or none the caller may see) is one row
         * without a claim. */
        if (db_result_is_null(res, i, AUDIT_CLAIM_ID))
            continue;
        claim_from_row(&claims[n_claims], res, i);
        ptrs[n_claims] = &claims[n_claims];
        n_claims++;
    }
    Aixin__V1__AuditSample sample = AIXIN__V1__AUDIT_SAMPLE__INIT;
    sample.month = (char *)db_result_text(res, 0, AUDIT_MONTH);
    sample.seed = (char *)db_result_text(res, 0, AUDIT_SEED);
    sample.rate_bp = (int32_t)db_result_int64(res, 0, AUDIT_RATE_BP);
    sample.population = (int32_t)db_result_int64(res, 0, AUDIT_POPULATION);
    sample.sample_size = (int32_t)db_result_int64(res, 0, AUDIT_SAMPLE_SIZE);
    sample.drawn_by = (char *)db_result_text(res, 0, AUDIT_DRAWN_BY);
    sample.drawn_at = db_result_int64(res, 0, AUDIT_DRAWN_AT);
    sample.n_claims = n_claims;
    sample.claims = ptrs;
    Aixin__V1__Response resp = AIXIN__V1__RESPONSE__INIT;
    resp.body_case = AIXIN__V1__RESPONSE__BODY_AUDIT_SAMPLE;
    resp.audit_sample = &sample;
    request_reply(req, &resp);
    free(claims);
    free(ptrs);
}

void handle_draw_audit_sample(request_t *req)
{
    db_query_t *q =
        db_result_query(req, DB_STMT_DRAW_AUDIT_SAMPLE, audit_on_rows);
    if (q == NULL)
        return;
    db_result_add_mutation_args(q, req);
    db_query_add_text(q, req->msg->draw_audit_sample->month);
    db_result_submit(req, q);
}

void handle_record_audit_finding(request_t *req)
{
    const Aixin__V1__RecordAuditFinding *m = req->msg->record_audit_finding;
    db_query_t *q =
        db_result_query(req, DB_STMT_RECORD_AUDIT_FINDING, audit_on_rows);
    if (q == NULL)
        return;
    db_result_add_mutation_args(q, req);
    db_query_add_int64(q, m->claim_id);
    db_query_add_text(q, m->result == AIXIN__V1__AUDIT_RESULT__AUDIT_RESULT_OK
                             ? "ok"
                             : "recovered");
    db_query_add_int64(q, m->recovered_fen);
    db_query_add_text(q, m->note);
    db_result_submit(req, q);
}
