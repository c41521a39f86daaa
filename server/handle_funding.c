/* The eligible-household census, disbursements and the funding ledger. */
#include <stdlib.h>
#include <string.h>

#include "db_result.h"
#include "handlers.h"
#include "names.h"
#include "scope.h"

/* ---- census ---- */

static void census_on_rows(void *arg, db_outcome_t outcome, const PGresult *res)
{
    request_t *req = arg;
    if (!db_result_ok(req, outcome, res))
        return;
    int n = PQntuples(res);
    bool list = req->msg->body_case == AIXIN__V1__REQUEST__BODY_LIST_CENSUS;
    if ((!list && n != 1) || PQnfields(res) < 9) {
        request_reply_error(req, AIXIN__V1__ERROR_CODE__ERROR_CODE_INTERNAL, NULL,
                            "unexpected census result");
        return;
    }
    Aixin__V1__CensusEntry *items = calloc((size_t)n + 1, sizeof(*items));
    Aixin__V1__CensusEntry **ptrs = calloc((size_t)n + 1, sizeof(*ptrs));
    if (items == NULL || ptrs == NULL) {
        free(items);
        free(ptrs);
        db_result_reply_oom(req);
        return;
    }
    for (int i = 0; i < n; i++) {
        Aixin__V1__CensusEntry *e = &items[i];
        aixin__v1__census_entry__init(e);
        e->township_code = (char *)db_result_text(res, i, 0);
        e->township_name = (char *)db_result_text(res, i, 1);
        e->policy_year = (int32_t)db_result_int64(res, i, 2);
        e->eligible_households = db_result_int64(res, i, 3);
        e->revision = (int32_t)db_result_int64(res, i, 4);
        e->note = (char *)db_result_text(res, i, 5);
        e->submitted_by = (char *)db_result_text(res, i, 6);
        e->submitted_at = db_result_int64(res, i, 7);
        e->current = strcmp(db_result_text(res, i, 8), "t") == 0;
        ptrs[i] = e;
    }
    Aixin__V1__Response resp = AIXIN__V1__RESPONSE__INIT;
    Aixin__V1__CensusList cl = AIXIN__V1__CENSUS_LIST__INIT;
    if (list) {
        cl.n_entries = (size_t)n;
        cl.entries = ptrs;
        resp.body_case = AIXIN__V1__RESPONSE__BODY_CENSUS;
        resp.census = &cl;
    } else {
        resp.body_case = AIXIN__V1__RESPONSE__BODY_CENSUS_ENTRY;
        resp.census_entry = &items[0];
    }
    request_reply(req, &resp);
    free(items);
    free(ptrs);
}

void handle_submit_census(request_t *req)
{
    const Aixin__V1__SubmitCensus *m = req->msg->submit_census;
    if (!scope_contains(req->actor_division, m->township_code)) {
        request_reply_error(req, AIXIN__V1__ERROR_CODE__ERROR_CODE_PERMISSION_DENIED,
                            "township_code", "township %s is outside your scope",
                            m->township_code);
        return;
    }
    db_query_t *q = db_result_query(req, DB_STMT_SUBMIT_CENSUS, census_on_rows);
    if (q == NULL)
        return;
    db_result_add_mutation_args(q, req);
    db_query_add_text(q, m->township_code);
    db_query_add_int64(q, m->policy_year);
    db_query_add_int64(q, m->eligible_households);
    db_query_add_text_or_null(q, m->note);
    db_result_submit(req, q);
}

void handle_list_census(request_t *req)
{
    const Aixin__V1__ListCensus *m = req->msg->list_census;
    db_query_t *q = db_result_query(req, DB_STMT_LIST_CENSUS, census_on_rows);
    if (q == NULL)
        return;
    db_query_add_int64(q, req->actor_id);
    db_query_add_int64(q, m->policy_year);
    db_query_add_text_or_null(q, m->division_code);
    db_query_add_text(q, m->history ? "true" : "false");
    db_result_submit(req, q);
}

/* ---- disbursements ---- */

static void disbursement_on_row(void *arg, db_outcome_t outcome,
                                const PGresult *res)
{
    request_t *req = arg;
    if (!db_result_ok(req, outcome, res))
        return;
    if (PQntuples(res) != 1 || PQnfields(res) < 10) {
        request_reply_error(req, AIXIN__V1__ERROR_CODE__ERROR_CODE_INTERNAL, NULL,
                            "disbursement not recorded");
        return;
    }
    Aixin__V1__Disbursement d = AIXIN__V1__DISBURSEMENT__INIT;
    d.id = db_result_int64(res, 0, 0);
    d.level = names_funding_level_parse(db_result_text(res, 0, 1));
    d.division_code = (char *)db_result_text(res, 0, 2);
    d.division_name = (char *)db_result_text(res, 0, 3);
    d.policy_year = (int32_t)db_result_int64(res, 0, 4);
    d.amount_fen = db_result_int64(res, 0, 5);
    d.paid_on = (char *)db_result_text(res, 0, 6);
    d.reference = (char *)db_result_text(res, 0, 7);
    d.recorded_by = (char *)db_result_text(res, 0, 8);
    d.recorded_at = db_result_int64(res, 0, 9);
    Aixin__V1__Response resp = AIXIN__V1__RESPONSE__INIT;
    resp.body_case = AIXIN__V1__RESPONSE__BODY_DISBURSEMENT;
    resp.disbursement = &d;
    request_reply(req, &resp);
}

void handle_record_disbursement(request_t *req)
{
    const Aixin__V1__RecordDisbursement *m = req->msg->record_disbursement;
    if (!scope_contains(req->actor_division, m->division_code)) {
        request_reply_error(req, AIXIN__V1__ERROR_CODE__ERROR_CODE_PERMISSION_DENIED,
                            "division_code", "division %s is outside your scope",
                            m->division_code);
        return;
    }
    db_query_t *q =
        db_result_query(req, DB_STMT_RECORD_DISBURSEMENT, disbursement_on_row);
    if (q == NULL)
        return;
    db_result_add_mutation_args(q, req);
    db_query_add_text(q, names_funding_level(m->level));
    db_query_add_text(q, m->division_code);
    db_query_add_int64(q, m->policy_year);
    db_query_add_int64(q, m->amount_fen);
    db_query_add_text(q, m->paid_on);
    db_query_add_text(q, m->reference);
    db_result_submit(req, q);
}

/* ---- ledger: the city subsidy to date, then the rows ---- */

static void ledger_on_rows(void *arg, db_outcome_t outcome, const PGresult *res)
{
    request_t *req = arg;
    if (!db_result_ok(req, outcome, res))
        return;
    int n = PQntuples(res);
    if (PQnfields(res) < 8) {
        request_reply_error(req, AIXIN__V1__ERROR_CODE__ERROR_CODE_INTERNAL, NULL,
                            "unexpected ledger result");
        return;
    }
    Aixin__V1__LedgerRow *items = calloc((size_t)n + 1, sizeof(*items));
    Aixin__V1__LedgerRow **ptrs = calloc((size_t)n + 1, sizeof(*ptrs));
    if (items == NULL || ptrs == NULL) {
        free(items);
        free(ptrs);
        db_result_reply_oom(req);
        return;
    }
    for (int i = 0; i < n; i++) {
        Aixin__V1__LedgerRow *r = &items[i];
        aixin__v1__ledger_row__init(r);
        r->level = names_funding_level_parse(db_result_text(res, i, 0));
        r->division_code = (char *)db_result_text(res, i, 1);
        r->division_name = (char *)db_result_text(res, i, 2);
        r->policy_year = (int32_t)db_result_int64(res, i, 3);
        r->policies = db_result_int64(res, i, 4);
        r->owed_fen = db_result_int64(res, i, 5);
        r->paid_fen = db_result_int64(res, i, 6);
        r->outstanding_fen = db_result_int64(res, i, 7);
        ptrs[i] = r;
    }
    Aixin__V1__Ledger ledger = AIXIN__V1__LEDGER__INIT;
    ledger.n_rows = (size_t)n;
    ledger.rows = ptrs;
    ledger.city_subsidy_paid_to_date_fen = req->step_value;
    Aixin__V1__Response resp = AIXIN__V1__RESPONSE__INIT;
    resp.body_case = AIXIN__V1__RESPONSE__BODY_LEDGER;
    resp.ledger = &ledger;
    request_reply(req, &resp);
    free(items);
    free(ptrs);
}

static void ledger_on_subsidy(void *arg, db_outcome_t outcome,
                              const PGresult *res)
{
    request_t *req = arg;
    if (!db_result_ok(req, outcome, res))
        return;
    req->step_value = PQntuples(res) == 1 ? db_result_int64(res, 0, 0) : 0;
    const Aixin__V1__GetLedger *m = req->msg->get_ledger;
    db_query_t *q = db_result_query(req, DB_STMT_GET_LEDGER, ledger_on_rows);
    if (q == NULL)
        return;
    db_query_add_int64(q, req->actor_id);
    db_query_add_int64(q, m->policy_year);
    db_query_add_text_or_null(q, m->division_code);
    db_result_submit(req, q);
}

void handle_get_ledger(request_t *req)
{
    const char *division = req->msg->get_ledger->division_code;
    if (division[0] != '\0' && !scope_contains(req->actor_division, division)) {
        request_reply_error(req, AIXIN__V1__ERROR_CODE__ERROR_CODE_PERMISSION_DENIED,
                            "division_code", "division %s is outside your scope",
                            division);
        return;
    }
    db_query_t *q =
        db_result_query(req, DB_STMT_CITY_SUBSIDY_PAID, ledger_on_subsidy);
    if (q == NULL)
        return;
    db_query_add_int64(q, req->actor_id);
    db_result_submit(req, q);
}
