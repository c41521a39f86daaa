/*
 * ExportRecords: one page of a year's policies or claims, from
 * aixin.export_policies / aixin.export_claims (0020_exports.sql), which
 * check the role, the division and the insurer, mask ID numbers and audit
 * the read. The client asks page after page (keyset on the record id), so
 * no request holds more than one page.
 */
#include <stdlib.h>
#include <string.h>

#include "aixin/v1/exports.pb-c.h"
#include "db_result.h"
#include "handlers.h"
#include "request_check.h"

/* Columns shared by both functions (aixin.export_policy_row). */
enum export_col {
    EX_TOTAL = 0,
    EX_POLICY_ID,
    EX_POLICY_YEAR,
    EX_TOWNSHIP_CODE,
    EX_TOWNSHIP_NAME,
    EX_COUNTY_CODE,
    EX_COUNTY_NAME,
    EX_HOUSEHOLD_ID,
    EX_HOUSEHOLD_KIND,
    EX_CHILD_ID,
    EX_CHILD_ID_NUMBER,
    EX_CHILD_NAME,
    EX_CHILD_SEX,
    EX_CHILD_BIRTH_DATE,
    EX_GUARDIAN1_ID_NUMBER,
    EX_GUARDIAN1_NAME,
    EX_GUARDIAN2_ID_NUMBER,
    EX_GUARDIAN2_NAME,
    EX_INSURER_CODE,
    EX_INSURER_NAME,
    EX_PREMIUM_FEN,
    EX_CITY_SHARE_FEN,
    EX_COUNTY_SHARE_FEN,
    EX_TOWNSHIP_SHARE_FEN,
    EX_ENROLLED_ON,
    EX_IDS_MASKED,
    EX_POLICY_COL_COUNT,
    /* aixin.export_claims goes on with the claim. */
    EX_CLAIM_ID = EX_POLICY_COL_COUNT,
    EX_CLAIM_EVENT,
    EX_CLAIM_INCIDENT_DATE,
    EX_CLAIM_RECEIVED_ON,
    EX_CLAIM_STATE,
    EX_CLAIM_AMOUNT_CLAIMED_FEN,
    EX_CLAIM_APPROVED_FEN,
    EX_CLAIM_DECIDED_ON,
    EX_CLAIM_DECISION_REASON,
    EX_CLAIM_PAID_FEN,
    EX_CLAIM_PAID_ON,
    EX_CLAIM_PAYMENT_METHOD,
    EX_CLAIM_DELIVERED_HOME,
    EX_CLAIM_SUPPLEMENTARY_FEN,
    EX_CLAIM_SUPPLEMENTARY_COUNT,
    EX_CLAIM_SUPPLEMENTARY_LAST_ON,
    EX_CLAIM_COL_COUNT
};

/* Everything one record of the answer points to; the strings are
 * borrowed from the PGresult, which outlives the reply. */
typedef struct export_slot {
    Aixin__V1__ExportPolicy policy;
    Aixin__V1__ExportClaim claim;
    Aixin__V1__ExportPerson child;
    Aixin__V1__ExportPerson guardians[2];
    Aixin__V1__ExportPerson *guardian_ptrs[2];
} export_slot_t;

static char *text(const PGresult *res, int row, int col)
{
    return (char *)db_result_text(res, row, col);
}

static void export_person(Aixin__V1__ExportPerson *p, const PGresult *res,
                          int row, int id_col, int name_col)
{
    aixin__v1__export_person__init(p);
    p->id_number = text(res, row, id_col);
    p->name = text(res, row, name_col);
}

static void export_policy_from_row(export_slot_t *s, const PGresult *res,
                                   int row)
{
    Aixin__V1__ExportPolicy *p = &s->policy;
    aixin__v1__export_policy__init(p);
    p->id = db_result_int64(res, row, EX_POLICY_ID);
    p->policy_year = (int32_t)db_result_int64(res, row, EX_POLICY_YEAR);
    p->township_code = text(res, row, EX_TOWNSHIP_CODE);
    p->township_name = text(res, row, EX_TOWNSHIP_NAME);
    p->county_code = text(res, row, EX_COUNTY_CODE);
    p->county_name = text(res, row, EX_COUNTY_NAME);
    p->household_id = db_result_int64(res, row, EX_HOUSEHOLD_ID);
    p->household_kind = text(res, row, EX_HOUSEHOLD_KIND);
    p->child_id = db_result_int64(res, row, EX_CHILD_ID);
    export_person(&s->child, res, row, EX_CHILD_ID_NUMBER, EX_CHILD_NAME);
    p->child = &s->child;
    p->child_sex = text(res, row, EX_CHILD_SEX);
    p->child_birth_date = text(res, row, EX_CHILD_BIRTH_DATE);
    size_t n = 0;
    if (!db_result_is_null(res, row, EX_GUARDIAN1_ID_NUMBER)) {
        export_person(&s->guardians[n], res, row, EX_GUARDIAN1_ID_NUMBER,
                      EX_GUARDIAN1_NAME);
        s->guardian_ptrs[n] = &s->guardians[n];
        n++;
    }
    if (!db_result_is_null(res, row, EX_GUARDIAN2_ID_NUMBER)) {
        export_person(&s->guardians[n], res, row, EX_GUARDIAN2_ID_NUMBER,
                      EX_GUARDIAN2_NAME);
        s->guardian_ptrs[n] = &s->guardians[n];
        n++;
    }
    p->n_guardians = n;
    p->guardians = s->guardian_ptrs;
    p->insurer_code = text(res, row, EX_INSURER_CODE);
    p->insurer_name = text(res, row, EX_INSURER_NAME);
    p->premium_fen = db_result_int64(res, row, EX_PREMIUM_FEN);
    p->city_share_fen = db_result_int64(res, row, EX_CITY_SHARE_FEN);
    p->county_share_fen = db_result_int64(res, row, EX_COUNTY_SHARE_FEN);
    p->township_share_fen = db_result_int64(res, row, EX_TOWNSHIP_SHARE_FEN);
    p->enrolled_on = text(res, row, EX_ENROLLED_ON);
}

static void export_claim_from_row(export_slot_t *s, const PGresult *res,
                                  int row)
{
    export_policy_from_row(s, res, row);
    Aixin__V1__ExportClaim *c = &s->claim;
    aixin__v1__export_claim__init(c);
    c->id = db_result_int64(res, row, EX_CLAIM_ID);
    c->policy = &s->policy;
    c->event = text(res, row, EX_CLAIM_EVENT);
    c->incident_date = text(res, row, EX_CLAIM_INCIDENT_DATE);
    c->received_on = text(res, row, EX_CLAIM_RECEIVED_ON);
    c->state = text(res, row, EX_CLAIM_STATE);
    c->amount_claimed_fen = db_result_int64(res, row, EX_CLAIM_AMOUNT_CLAIMED_FEN);
    c->approved_fen = db_result_int64(res, row, EX_CLAIM_APPROVED_FEN);
    c->decided_on = text(res, row, EX_CLAIM_DECIDED_ON);
    c->decision_reason = text(res, row, EX_CLAIM_DECISION_REASON);
    c->paid_fen = db_result_int64(res, row, EX_CLAIM_PAID_FEN);
    c->paid_on = text(res, row, EX_CLAIM_PAID_ON);
    c->payment_method = text(res, row, EX_CLAIM_PAYMENT_METHOD);
    c->delivered_home =
        strcmp(db_result_text(res, row, EX_CLAIM_DELIVERED_HOME), "t") == 0;
    c->supplementary_fen = db_result_int64(res, row, EX_CLAIM_SUPPLEMENTARY_FEN);
    c->supplementary_count =
        (uint32_t)db_result_int64(res, row, EX_CLAIM_SUPPLEMENTARY_COUNT);
    c->supplementary_last_on = text(res, row, EX_CLAIM_SUPPLEMENTARY_LAST_ON);
}

static uint32_t export_limit(const Aixin__V1__ExportRecords *m)
{
    return m->limit == 0 ? REQUEST_EXPORT_LIMIT_DEFAULT : m->limit;
}

static void export_on_rows(void *arg, db_outcome_t outcome, const PGresult *res)
{
    request_t *req = arg;
    if (!db_result_ok(req, outcome, res))
        return;
    const Aixin__V1__ExportRecords *m = req->msg->export_records;
    bool claims = m->kind == AIXIN__V1__EXPORT_KIND__EXPORT_KIND_CLAIMS;
    int ncols = claims ? EX_CLAIM_COL_COUNT : EX_POLICY_COL_COUNT;
    int nrows = PQntuples(res);
    if (PQnfields(res) < ncols || nrows < 1) {
        request_reply_error(req, AIXIN__V1__ERROR_CODE__ERROR_CODE_INTERNAL,
                            NULL, "export answered in an unknown shape");
        return;
    }
    /* An empty page is one row without a record id. */
    int id_col = claims ? EX_CLAIM_ID : EX_POLICY_ID;
    size_t n = 0;
    export_slot_t *slots = calloc((size_t)nrows, sizeof(*slots));
    void **ptrs = calloc((size_t)nrows, sizeof(*ptrs));
    if (slots == NULL || ptrs == NULL) {
        free(slots);
        free(ptrs);
        db_result_reply_oom(req);
        return;
    }
    Aixin__V1__ExportPage page = AIXIN__V1__EXPORT_PAGE__INIT;
    page.next_after_id = m->after_id;
    for (int r = 0; r < nrows; r++) {
        if (db_result_is_null(res, r, id_col))
            continue;
        if (claims) {
            export_claim_from_row(&slots[n], res, r);
            ptrs[n] = &slots[n].claim;
            page.next_after_id = slots[n].claim.id;
        } else {
            export_policy_from_row(&slots[n], res, r);
            ptrs[n] = &slots[n].policy;
            page.next_after_id = slots[n].policy.id;
        }
        n++;
    }
    page.kind = m->kind;
    page.policy_year = m->policy_year;
    page.division_code =
        (char *)(m->division_code[0] ? m->division_code : req->actor_division);
    page.insurer_code = m->insurer_code;
    page.ids_masked =
        strcmp(db_result_text(res, 0, EX_IDS_MASKED), "t") == 0;
    page.total = db_result_int64(res, 0, EX_TOTAL);
    /* A short page is the last one. */
    page.done = n < export_limit(m);
    if (claims) {
        page.n_claims = n;
        page.claims = (Aixin__V1__ExportClaim **)ptrs;
    } else {
        page.n_policies = n;
        page.policies = (Aixin__V1__ExportPolicy **)ptrs;
    }
    Aixin__V1__Response resp = AIXIN__V1__RESPONSE__INIT;
    resp.body_case = AIXIN__V1__RESPONSE__BODY_EXPORT_PAGE;
    resp.export_page = &page;
    request_reply(req, &resp);
    free(slots);
    free(ptrs);
}

void handle_export_records(request_t *req)
{
    const Aixin__V1__ExportRecords *m = req->msg->export_records;
    db_stmt_t stmt = m->kind == AIXIN__V1__EXPORT_KIND__EXPORT_KIND_CLAIMS
                         ? DB_STMT_EXPORT_CLAIMS
                         : DB_STMT_EXPORT_POLICIES;
    db_query_t *q = db_result_query(req, stmt, export_on_rows);
    if (q == NULL)
        return;
    db_query_add_int64(q, req->actor_id);
    db_query_add_int64(q, (int64_t)req->request_id);
    db_query_add_int64(q, m->policy_year);
    db_query_add_text_or_null(q, m->division_code);
    db_query_add_text_or_null(q, m->insurer_code);
    db_query_add_int64(q, m->after_id);
    db_query_add_int64(q, export_limit(m));
    /* Not the report pool: every page writes its audit row. */
    db_result_submit(req, q);
}
