/*
 * ImportEnrollments: each row is checked, then runs as its own call of
 * aixin.import_enrollment (its own transaction, its own idempotency key),
 * spread over the worker's database connections. The batch is answered
 * once every row has its result, in the order sent.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "aixin/v1/bulk.pb-c.h"
#include "db_result.h"
#include "handlers.h"
#include "names.h"
#include "request_check_rules.h"

/* Leading columns of aixin.import_enrollment before the policy_row ones. */
enum import_col {
    IMP_REPLAYED = 0,
    IMP_HOUSEHOLD_CREATED,
    IMP_CHILD_CREATED,
    IMP_POLICY, /* aixin.policy_row: outcome, id, policy_year, ... */
    IMP_POLICY_COL_COUNT = 14,
};

/* One row's outcome, copied out of its PGresult. */
typedef struct import_slot {
    struct import_batch *batch; /* borrowed back-pointer */
    bool failed;
    Aixin__V1__ErrorCode code;
    char field[64];
    char message[256];
    bool replayed, household_created, child_created;
    int64_t id, child_id, household_id, premium, enrolled_at;
    int64_t city_share, county_share, township_share;
    int32_t year;
    char child_id_number[24];
    char child_name[272];
    char township_code[16];
    char insurer_code[40];
} import_slot_t;

typedef struct import_batch {
    request_t *req; /* borrowed; the batch lives until the reply */
    size_t n;
    size_t pending;
    import_slot_t slots[]; /* n of them */
} import_batch_t;

static void copy_text(char *dst, size_t len, const PGresult *res, int col)
{
    snprintf(dst, len, "%s", db_result_text(res, 0, col));
}

static void import_batch_reply(import_batch_t *b)
{
    request_t *req = b->req;
    Aixin__V1__RowResult *results = calloc(b->n, sizeof(*results));
    Aixin__V1__RowResult **rptrs = calloc(b->n, sizeof(*rptrs));
    Aixin__V1__Error *errors = calloc(b->n, sizeof(*errors));
    Aixin__V1__Policy *policies = calloc(b->n, sizeof(*policies));
    if (!results || !rptrs || !errors || !policies) {
        free(results);
        free(rptrs);
        free(errors);
        free(policies);
        free(b);
        db_result_reply_oom(req);
        return;
    }
    for (size_t i = 0; i < b->n; i++) {
        const import_slot_t *s = &b->slots[i];
        Aixin__V1__RowResult *r = &results[i];
        aixin__v1__row_result__init(r);
        r->line = req->msg->import_enrollments->rows[i]->line;
        if (s->failed) {
            aixin__v1__error__init(&errors[i]);
            errors[i].code = s->code;
            errors[i].field = (char *)s->field;
            errors[i].message = (char *)s->message;
            errors[i].retryable =
                s->code == AIXIN__V1__ERROR_CODE__ERROR_CODE_UNAVAILABLE ||
                s->code == AIXIN__V1__ERROR_CODE__ERROR_CODE_OUTCOME_UNKNOWN ||
                s->code == AIXIN__V1__ERROR_CODE__ERROR_CODE_IN_PROGRESS;
            r->error = &errors[i];
        } else {
            Aixin__V1__Policy *p = &policies[i];
            aixin__v1__policy__init(p);
            p->id = s->id;
            p->policy_year = s->year;
            p->child_id = s->child_id;
            p->child_id_number = (char *)s->child_id_number;
            p->child_name = (char *)s->child_name;
            p->household_id = s->household_id;
            p->township_code = (char *)s->township_code;
            p->premium_fen = s->premium;
            p->enrolled_at = s->enrolled_at;
            p->city_share_fen = s->city_share;
            p->county_share_fen = s->county_share;
            p->township_share_fen = s->township_share;
            p->insurer_code = (char *)s->insurer_code;
            r->policy = p;
            r->replayed = s->replayed;
            r->household_created = s->household_created;
            r->child_created = s->child_created;
        }
        rptrs[i] = r;
    }
    Aixin__V1__ImportResult ir = AIXIN__V1__IMPORT_RESULT__INIT;
    ir.n_results = b->n;
    ir.results = rptrs;
    Aixin__V1__Response resp = AIXIN__V1__RESPONSE__INIT;
    resp.body_case = AIXIN__V1__RESPONSE__BODY_IMPORT_RESULT;
    resp.import_result = &ir;
    request_reply(req, &resp);
    free(b);
    free(results);
    free(rptrs);
    free(errors);
    free(policies);
}

/* One row (or the submitting loop) is finished with the batch. */
static void import_batch_release(import_batch_t *b)
{
    if (--b->pending == 0)
        import_batch_reply(b);
}

static void import_slot_done(import_slot_t *s)
{
    import_batch_release(s->batch);
}

static void import_on_row(void *arg, db_outcome_t outcome, const PGresult *res)
{
    import_slot_t *s = arg;
    request_t *req = s->batch->req;
    if (db_result_describe_failure(req, outcome, res, true, &s->code, s->field,
                                   sizeof(s->field), s->message,
                                   sizeof(s->message))) {
        s->failed = true;
    } else if (PQntuples(res) != 1 ||
               PQnfields(res) < IMP_POLICY + IMP_POLICY_COL_COUNT ||
               strcmp(db_result_text(res, 0, IMP_POLICY), "ok") != 0) {
        s->failed = true;
        s->code = AIXIN__V1__ERROR_CODE__ERROR_CODE_INTERNAL;
        snprintf(s->message, sizeof(s->message), "row not imported");
    } else {
        const int p = IMP_POLICY;
        s->replayed = strcmp(db_result_text(res, 0, IMP_REPLAYED), "t") == 0;
        s->household_created =
            strcmp(db_result_text(res, 0, IMP_HOUSEHOLD_CREATED), "t") == 0;
        s->child_created =
            strcmp(db_result_text(res, 0, IMP_CHILD_CREATED), "t") == 0;
        s->id = db_result_int64(res, 0, p + 1);
        s->year = (int32_t)db_result_int64(res, 0, p + 2);
        s->child_id = db_result_int64(res, 0, p + 3);
        copy_text(s->child_id_number, sizeof(s->child_id_number), res, p + 4);
        copy_text(s->child_name, sizeof(s->child_name), res, p + 5);
        s->household_id = db_result_int64(res, 0, p + 6);
        copy_text(s->township_code, sizeof(s->township_code), res, p + 7);
        s->premium = db_result_int64(res, 0, p + 8);
        s->enrolled_at = db_result_int64(res, 0, p + 9);
        s->city_share = db_result_int64(res, 0, p + 10);
        s->county_share = db_result_int64(res, 0, p + 11);
        s->township_share = db_result_int64(res, 0, p + 12);
        copy_text(s->insurer_code, sizeof(s->insurer_code), res, p + 13);
    }
    import_slot_done(s);
}

/* Queue one row's call; a row refused before the database is done now. */
static void import_submit_row(import_slot_t *s, const Aixin__V1__EnrollmentRow *r)
{
    request_t *req = s->batch->req;
    request_problem_t problem;
    if (!request_check_enrollment_row(r, &problem)) {
        s->failed = true;
        s->code = problem.code;
        snprintf(s->field, sizeof(s->field), "%s", problem.field);
        snprintf(s->message, sizeof(s->message), "%s", problem.message);
        import_slot_done(s);
        return;
    }
    db_query_t *q = db_query_new(DB_STMT_IMPORT_ENROLLMENT, import_on_row, s);
    if (q == NULL) {
        s->failed = true;
        s->code = AIXIN__V1__ERROR_CODE__ERROR_CODE_UNAVAILABLE;
        snprintf(s->message, sizeof(s->message), "server out of memory; retry");
        import_slot_done(s);
        return;
    }
    db_query_add_int64(q, req->actor_id);
    db_query_add_int64(q, (int64_t)req->request_id);
    db_query_add_bytea(q, r->idempotency_key.data, r->idempotency_key.len);
    db_query_add_int64(q, r->line);
    db_query_add_int64(q, r->policy_year);
    db_query_add_text(q, r->township_code);
    db_query_add_text(q, names_household_kind(r->household_kind));
    db_query_add_text(q, r->certificate_no);
    db_query_add_text(q, r->guardian->id_number);
    db_query_add_text(q, r->guardian->name);
    db_query_add_text(q, r->child_id_number);
    db_query_add_text(q, r->child_name);
    db_query_add_text(q, names_sex(r->child_sex));
    db_query_add_text(q, r->child_birth_date);
    db_result_submit(req, q);
}

void handle_import_enrollments(request_t *req)
{
    const Aixin__V1__ImportEnrollments *m = req->msg->import_enrollments;
    import_batch_t *b =
        calloc(1, sizeof(*b) + m->n_rows * sizeof(import_slot_t));
    if (b == NULL) {
        db_result_reply_oom(req);
        return;
    }
    b->req = req;
    b->n = m->n_rows;
    /* One extra count held while submitting, so that rows finishing at
     * once (refused locally) cannot complete the batch half-way. */
    b->pending = m->n_rows + 1;
    for (size_t i = 0; i < m->n_rows; i++) {
        b->slots[i].batch = b;
        import_submit_row(&b->slots[i], m->rows[i]);
    }
    import_batch_release(b);
}
