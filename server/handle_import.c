/*
 * ImportEnrollments: the rows that pass the local checks go to PostgreSQL
 * as ONE statement, aixin.import_enrollments_bulk, with one text[] per
 * field: the whole batch in one transaction, judged set-wise, each row
 * answered as it would be alone (rows applied as if one after the other
 * in the batch's order). When that statement fails as a whole (a row
 * changed by another transaction meanwhile, a deadlock, a schema without
 * the function), the same rows run one at a time, in order, each as its
 * own call of aixin.import_enrollment (its own transaction), so the
 * answers stay exact. A batch of one row goes straight to
 * aixin.import_enrollment. The batch is answered once every row has its
 * result, in the order sent.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "aixin/v1/bulk.pb-c.h"
#include "db_result.h"
#include "handlers.h"
#include "log.h"
#include "names.h"
#include "request_check_rules.h"
#include "worker.h"

/* Leading columns of aixin.import_enrollment before the policy_row ones. */
enum import_col {
    IMP_REPLAYED = 0,
    IMP_HOUSEHOLD_CREATED,
    IMP_CHILD_CREATED,
    IMP_POLICY, /* aixin.policy_row: outcome, id, policy_year, ... */
    IMP_POLICY_COL_COUNT = 14,
};

/* Columns of aixin.import_enrollments_bulk: the row's position, its flags,
 * its refusal (NULL when accepted), then the policy_row ones. */
enum bulk_col {
    BULK_ORD = 0,
    BULK_REPLAYED,
    BULK_HOUSEHOLD_CREATED,
    BULK_CHILD_CREATED,
    BULK_ERROR_CODE,
    BULK_ERROR_FIELD,
    BULK_ERROR_MESSAGE,
    BULK_POLICY,
};

/* The text[] parameters of the bulk statement, in order after the actor
 * and the request id. */
enum bulk_param {
    BP_KEY = 0,
    BP_LINE,
    BP_YEAR,
    BP_TOWNSHIP,
    BP_KIND,
    BP_CERTIFICATE,
    BP_GUARDIAN_ID,
    BP_GUARDIAN_NAME,
    BP_CHILD_ID,
    BP_CHILD_NAME,
    BP_CHILD_SEX,
    BP_CHILD_BIRTH,
    BP_COUNT
};

/* One row's outcome, copied out of its PGresult. */
typedef struct import_slot {
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
    size_t *sent;  /* owned: slot index of each row sent, in batch order */
    size_t n_sent;
    size_t next_single; /* one-at-a-time fallback: next position in sent */
    import_slot_t slots[]; /* n of them */
} import_batch_t;

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
        free(b->sent);
        free(b);
        db_result_reply_oom(req);
        return;
    }
    uint64_t replays = 0;
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
            replays += s->replayed ? 1 : 0;
            r->household_created = s->household_created;
            r->child_created = s->child_created;
        }
        rptrs[i] = r;
    }
    /* Rows answered from their stored key: a retry or a spool replay. */
    metrics_count_replays(&req->worker->metrics, req->name, replays);
    Aixin__V1__ImportResult ir = AIXIN__V1__IMPORT_RESULT__INIT;
    ir.n_results = b->n;
    ir.results = rptrs;
    Aixin__V1__Response resp = AIXIN__V1__RESPONSE__INIT;
    resp.body_case = AIXIN__V1__RESPONSE__BODY_IMPORT_RESULT;
    resp.import_result = &ir;
    request_reply(req, &resp);
    free(b->sent);
    free(b);
    free(results);
    free(rptrs);
    free(errors);
    free(policies);
}

/* The policy columns starting at column p (outcome, id, ...) of row r. */
static void import_slot_fill(import_slot_t *s, const PGresult *res, int r, int p,
                             int flags)
{
    s->replayed = strcmp(db_result_text(res, r, flags), "t") == 0;
    s->household_created = strcmp(db_result_text(res, r, flags + 1), "t") == 0;
    s->child_created = strcmp(db_result_text(res, r, flags + 2), "t") == 0;
    s->id = db_result_int64(res, r, p + 1);
    s->year = (int32_t)db_result_int64(res, r, p + 2);
    s->child_id = db_result_int64(res, r, p + 3);
    snprintf(s->child_id_number, sizeof(s->child_id_number), "%s",
             db_result_text(res, r, p + 4));
    snprintf(s->child_name, sizeof(s->child_name), "%s", db_result_text(res, r, p + 5));
    s->household_id = db_result_int64(res, r, p + 6);
    snprintf(s->township_code, sizeof(s->township_code), "%s",
             db_result_text(res, r, p + 7));
    s->premium = db_result_int64(res, r, p + 8);
    s->enrolled_at = db_result_int64(res, r, p + 9);
    s->city_share = db_result_int64(res, r, p + 10);
    s->county_share = db_result_int64(res, r, p + 11);
    s->township_share = db_result_int64(res, r, p + 12);
    snprintf(s->insurer_code, sizeof(s->insurer_code), "%s",
             db_result_text(res, r, p + 13));
}

static void import_slot_internal(import_slot_t *s)
{
    s->failed = true;
    s->code = AIXIN__V1__ERROR_CODE__ERROR_CODE_INTERNAL;
    s->field[0] = '\0';
    snprintf(s->message, sizeof(s->message), "row not imported");
}

/* Add the row's fields (as aixin.import_enrollment takes them) to q. */
static void import_add_row_params(db_query_t *q, const request_t *req,
                                  const Aixin__V1__EnrollmentRow *r)
{
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
}

static void import_submit_single(import_batch_t *b);

/* Fallback: one row's own call has answered; on to the next. */
static void import_on_single(void *arg, db_outcome_t outcome, const PGresult *res)
{
    import_batch_t *b = arg;
    import_slot_t *s = &b->slots[b->sent[b->next_single]];
    if (db_result_describe_failure(b->req, outcome, res, true, &s->code, s->field,
                                   sizeof(s->field), s->message,
                                   sizeof(s->message)))
        s->failed = true;
    else if (PQntuples(res) != 1 ||
             PQnfields(res) < IMP_POLICY + IMP_POLICY_COL_COUNT ||
             strcmp(db_result_text(res, 0, IMP_POLICY), "ok") != 0)
        import_slot_internal(s);
    else
        import_slot_fill(s, res, 0, IMP_POLICY, IMP_REPLAYED);
    b->next_single++;
    import_submit_single(b);
}

/* Run the next sent row alone (its own transaction), or answer the batch
 * when none is left. One at a time keeps the batch's order. */
static void import_submit_single(import_batch_t *b)
{
    while (b->next_single < b->n_sent) {
        size_t i = b->sent[b->next_single];
        db_query_t *q = db_query_new(DB_STMT_IMPORT_ENROLLMENT, import_on_single, b);
        if (q != NULL) {
            import_add_row_params(q, b->req, b->req->msg->import_enrollments->rows[i]);
            db_result_submit(b->req, q);
            return;
        }
        import_slot_t *s = &b->slots[i];
        s->failed = true;
        s->code = AIXIN__V1__ERROR_CODE__ERROR_CODE_UNAVAILABLE;
        snprintf(s->message, sizeof(s->message), "server out of memory; retry");
        b->next_single++;
    }
    import_batch_reply(b);
}

/* Should the rows of a failed bulk statement run one by one? Yes when the
 * failure may belong to some rows only: a conflict with another
 * transaction (40), a row that broke a constraint or a type (23, 22), an
 * unexpected error, or a schema without the bulk function. No when it
 * belongs to the whole batch: the database unreachable or shutting down
 * (08, 57, 53, or no answer at all) or the account refused (AX...). */
static bool import_bulk_retry_alone(db_outcome_t outcome, const PGresult *res)
{
    if (outcome == DB_OUTCOME_NO_STATEMENT)
        return true;
    if (outcome != DB_OUTCOME_RESULT || res == NULL)
        return false;
    const char *state = PQresultErrorField(res, PG_DIAG_SQLSTATE);
    if (state == NULL)
        return false;
    static const char *const whole_batch[] = {"08", "57", "53", "AX"};
    for (size_t i = 0; i < sizeof(whole_batch) / sizeof(whole_batch[0]); i++)
        if (strncmp(state, whole_batch[i], 2) == 0)
            return false;
    return true;
}

/* The bulk statement has answered: one result row per sent row, or a
 * failure of the whole batch. */
static void import_on_bulk(void *arg, db_outcome_t outcome, const PGresult *res)
{
    import_batch_t *b = arg;
    request_t *req = b->req;
    if (outcome == DB_OUTCOME_RESULT && PQresultStatus(res) == PGRES_TUPLES_OK &&
        PQnfields(res) >= BULK_POLICY + IMP_POLICY_COL_COUNT) {
        bool *seen = calloc(b->n_sent, sizeof(*seen));
        if (seen == NULL) {
            db_result_reply_oom(req);
            free(b->sent);
            free(b);
            return;
        }
        for (int r = 0; r < PQntuples(res); r++) {
            int64_t ord = db_result_int64(res, r, BULK_ORD);
            if (ord < 1 || (uint64_t)ord > b->n_sent || seen[ord - 1])
                continue;
            seen[ord - 1] = true;
            import_slot_t *s = &b->slots[b->sent[ord - 1]];
            if (!db_result_is_null(res, r, BULK_ERROR_CODE)) {
                s->failed = true;
                s->code = db_result_code_for_sqlstate(
                    db_result_text(res, r, BULK_ERROR_CODE));
                snprintf(s->field, sizeof(s->field), "%s",
                         db_result_text(res, r, BULK_ERROR_FIELD));
                snprintf(s->message, sizeof(s->message), "%s",
                         db_result_text(res, r, BULK_ERROR_MESSAGE));
            } else if (strcmp(db_result_text(res, r, BULK_POLICY), "ok") != 0) {
                import_slot_internal(s);
            } else {
                import_slot_fill(s, res, r, BULK_POLICY, BULK_REPLAYED);
            }
        }
        for (size_t k = 0; k < b->n_sent; k++)
            if (!seen[k])
                import_slot_internal(&b->slots[b->sent[k]]);
        free(seen);
        import_batch_reply(b);
        return;
    }
    if (import_bulk_retry_alone(outcome, res)) {
        /* Nothing of the batch was kept: judge the rows one by one. */
        const char *state =
            res != NULL ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : NULL;
        log_info("req=%" PRIu64 " event=import_bulk_fallback rows=%zu sqlstate=%s",
                 req->serial, b->n_sent, state != NULL ? state : "none");
        b->next_single = 0;
        import_submit_single(b);
        return;
    }
    /* Unreachable, lost after sending, or refused for the whole batch
     * (the account): every row gets that answer, as it would alone. */
    for (size_t k = 0; k < b->n_sent; k++) {
        import_slot_t *s = &b->slots[b->sent[k]];
        s->failed = db_result_describe_failure(req, outcome, res, true, &s->code,
                                               s->field, sizeof(s->field),
                                               s->message, sizeof(s->message));
    }
    import_batch_reply(b);
}

/* The bulk statement for the sent rows: one text[] per field. */
static db_query_t *import_bulk_query(import_batch_t *b)
{
    const Aixin__V1__ImportEnrollments *m = b->req->msg->import_enrollments;
    size_t n = b->n_sent;
    char **cols = calloc(BP_COUNT * n, sizeof(*cols));
    /* Keys as bytea hex (\x + 32 digits), lines and years in decimal. */
    enum { KEY_TEXT = 40, NUM_TEXT = 24 };
    char *numbers = malloc(n * (KEY_TEXT + 2 * NUM_TEXT));
    db_query_t *q = NULL;
    if (cols == NULL || numbers == NULL)
        goto out;
    for (size_t k = 0; k < n; k++) {
        const Aixin__V1__EnrollmentRow *r = m->rows[b->sent[k]];
        char *key = numbers + k * (KEY_TEXT + 2 * NUM_TEXT);
        char *line = key + KEY_TEXT, *year = line + NUM_TEXT;
        size_t o = (size_t)snprintf(key, KEY_TEXT, "\\x");
        for (size_t j = 0; j < r->idempotency_key.len && o + 3 <= KEY_TEXT; j++)
            o += (size_t)snprintf(key + o, KEY_TEXT - o, "%02x",
                                  r->idempotency_key.data[j]);
        snprintf(line, NUM_TEXT, "%" PRIu32, r->line);
        snprintf(year, NUM_TEXT, "%" PRId32, r->policy_year);
        cols[BP_KEY * n + k] = key;
        cols[BP_LINE * n + k] = line;
        cols[BP_YEAR * n + k] = year;
        cols[BP_TOWNSHIP * n + k] = r->township_code;
        cols[BP_KIND * n + k] = (char *)names_household_kind(r->household_kind);
        cols[BP_CERTIFICATE * n + k] = r->certificate_no;
        cols[BP_GUARDIAN_ID * n + k] = r->guardian->id_number;
        cols[BP_GUARDIAN_NAME * n + k] = r->guardian->name;
        cols[BP_CHILD_ID * n + k] = r->child_id_number;
        cols[BP_CHILD_NAME * n + k] = r->child_name;
        cols[BP_CHILD_SEX * n + k] = (char *)names_sex(r->child_sex);
        cols[BP_CHILD_BIRTH * n + k] = r->child_birth_date;
    }
    q = db_query_new(DB_STMT_IMPORT_ENROLLMENTS_BULK, import_on_bulk, b);
    if (q == NULL)
        goto out;
    db_query_add_int64(q, b->req->actor_id);
    db_query_add_int64(q, (int64_t)b->req->request_id);
    for (int c = 0; c < BP_COUNT; c++)
        db_query_add_text_array(q, cols + (size_t)c * n, n);
out:
    free(cols);
    free(numbers);
    return q;
}

void handle_import_enrollments(request_t *req)
{
    const Aixin__V1__ImportEnrollments *m = req->msg->import_enrollments;
    import_batch_t *b =
        calloc(1, sizeof(*b) + m->n_rows * sizeof(import_slot_t));
    size_t *sent = calloc(m->n_rows ? m->n_rows : 1, sizeof(*sent));
    if (b == NULL || sent == NULL) {
        free(b);
        free(sent);
        db_result_reply_oom(req);
        return;
    }
    b->req = req;
    b->n = m->n_rows;
    b->sent = sent;
    /* A row refused by the checks here is answered without the database. */
    for (size_t i = 0; i < m->n_rows; i++) {
        import_slot_t *s = &b->slots[i];
        request_problem_t problem;
        if (request_check_enrollment_row(m->rows[i], &problem)) {
            b->sent[b->n_sent++] = i;
            continue;
        }
        s->failed = true;
        s->code = problem.code;
        snprintf(s->field, sizeof(s->field), "%s", problem.field);
        snprintf(s->message, sizeof(s->message), "%s", problem.message);
    }
    if (b->n_sent == 0) {
        import_batch_reply(b);
        return;
    }
    if (b->n_sent == 1) {
        /* One row: aixin.import_enrollment is the same rules on one row
         * without the batch's ordering work. */
        b->next_single = 0;
        import_submit_single(b);
        return;
    }
    db_query_t *q = import_bulk_query(b);
    if (q == NULL) {
        free(b->sent);
        free(b);
        db_result_reply_oom(req);
        return;
    }
    db_result_submit(req, q);
}
