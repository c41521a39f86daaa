/* Programme years, insurers and county terms. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db_result.h"
#include "handlers.h"
#include "names.h"

/* ---- years ---- */

/* Columns of aixin.policy_year_row. */
enum year_col {
    YEAR_YEAR = 0,
    YEAR_REFERENCE_DATE,
    YEAR_PREMIUM,
    YEAR_CITY_SUBSIDY,
    YEAR_COUNTY_MIN,
    YEAR_COUNTY_MAX,
    YEAR_BENEFITS, /* "event:fen,event:fen" */
    YEAR_POLICIES,
    YEAR_FROZEN,
    YEAR_SUPPLEMENTARY_CAP,    /* 0: none */
    YEAR_SUPPLEMENTARY_BUDGET, /* 0: none */
    YEAR_SUPPLEMENTARY_PAID,
    YEAR_COL_COUNT
};

#define MAX_BENEFITS 8

/* One year's detail with storage for its pieces. */
typedef struct year_detail {
    Aixin__V1__PolicyYearDetail detail;
    Aixin__V1__PolicyYearTerms terms;
    Aixin__V1__BenefitCap caps[MAX_BENEFITS];
    Aixin__V1__BenefitCap *cap_ptrs[MAX_BENEFITS];
    char benefits[256]; /* copy of the column, cut in place */
} year_detail_t;

static void year_from_row(year_detail_t *y, const PGresult *res, int i)
{
    aixin__v1__policy_year_detail__init(&y->detail);
    aixin__v1__policy_year_terms__init(&y->terms);
    y->terms.year = (int32_t)db_result_int64(res, i, YEAR_YEAR);
    y->terms.reference_date = (char *)db_result_text(res, i, YEAR_REFERENCE_DATE);
    y->terms.premium_fen = db_result_int64(res, i, YEAR_PREMIUM);
    y->terms.city_subsidy_fen = db_result_int64(res, i, YEAR_CITY_SUBSIDY);
    y->terms.county_share_min_fen = db_result_int64(res, i, YEAR_COUNTY_MIN);
    y->terms.county_share_max_fen = db_result_int64(res, i, YEAR_COUNTY_MAX);
    snprintf(y->benefits, sizeof(y->benefits), "%s",
             db_result_text(res, i, YEAR_BENEFITS));
    char *save = NULL;
    for (char *item = strtok_r(y->benefits, ",", &save);
         item != NULL && y->terms.n_benefits < MAX_BENEFITS;
         item = strtok_r(NULL, ",", &save)) {
        char *colon = strchr(item, ':');
        if (colon == NULL)
            continue;
        *colon = '\0';
        Aixin__V1__BenefitCap *cap = &y->caps[y->terms.n_benefits];
        aixin__v1__benefit_cap__init(cap);
        cap->event = names_event_type_parse(item);
        cap->max_payout_fen = strtoll(colon + 1, NULL, 10);
        y->cap_ptrs[y->terms.n_benefits++] = cap;
    }
    y->terms.benefits = y->cap_ptrs;
    y->detail.terms = &y->terms;
    y->detail.policies = db_result_int64(res, i, YEAR_POLICIES);
    y->detail.frozen = strcmp(db_result_text(res, i, YEAR_FROZEN), "t") == 0;
    y->terms.supplementary_cap_per_claim_fen =
        db_result_int64(res, i, YEAR_SUPPLEMENTARY_CAP);
    y->terms.supplementary_budget_fen =
        db_result_int64(res, i, YEAR_SUPPLEMENTARY_BUDGET);
    y->detail.supplementary_paid_fen =
        db_result_int64(res, i, YEAR_SUPPLEMENTARY_PAID);
    /* Added by the get and list statements (aixin.year_is_closed). */
    int closed_col = PQfnumber(res, "closed");
    y->detail.closed = closed_col >= 0 &&
                       strcmp(db_result_text(res, i, closed_col), "t") == 0;
}

static void years_on_rows(void *arg, db_outcome_t outcome, const PGresult *res)
{
    request_t *req = arg;
    if (!db_result_ok(req, outcome, res))
        return;
    int n = PQntuples(res);
    if (PQnfields(res) < YEAR_COL_COUNT) {
        request_reply_error(req, AIXIN__V1__ERROR_CODE__ERROR_CODE_INTERNAL, NULL,
                            "unexpected policy year row");
        return;
    }
    bool list = req->msg->body_case == AIXIN__V1__REQUEST__BODY_LIST_POLICY_YEARS;
    if (!list && n != 1) {
        request_reply_error(req, AIXIN__V1__ERROR_CODE__ERROR_CODE_INTERNAL, NULL,
                            "expected one policy year, got %d", n);
        return;
    }
    year_detail_t *years = calloc((size_t)n + 1, sizeof(*years));
    Aixin__V1__PolicyYearDetail **ptrs = calloc((size_t)n + 1, sizeof(*ptrs));
    if (years == NULL || ptrs == NULL) {
        free(years);
        free(ptrs);
        db_result_reply_oom(req);
        return;
    }
    for (int i = 0; i < n; i++) {
        year_from_row(&years[i], res, i);
        ptrs[i] = &years[i].detail;
    }
    Aixin__V1__Response resp = AIXIN__V1__RESPONSE__INIT;
    Aixin__V1__PolicyYearList yl = AIXIN__V1__POLICY_YEAR_LIST__INIT;
    if (list) {
        yl.n_years = (size_t)n;
        yl.years = ptrs;
        resp.body_case = AIXIN__V1__RESPONSE__BODY_POLICY_YEARS;
        resp.policy_years = &yl;
    } else {
        resp.body_case = AIXIN__V1__RESPONSE__BODY_POLICY_YEAR;
        resp.policy_year = &years[0].detail;
    }
    request_reply(req, &resp);
    free(years);
    free(ptrs);
}

/* The caps as the JSON array aixin.open/update_policy_year take. Event
 * names and integers only, so nothing needs escaping. */
static void benefits_json(const Aixin__V1__PolicyYearTerms *t, char *out,
                          size_t outlen)
{
    size_t n = 0;
    n += (size_t)snprintf(out + n, outlen - n, "[");
    for (size_t i = 0; i < t->n_benefits && n < outlen; i++) {
        const char *event = names_event_type(t->benefits[i]->event);
        n += (size_t)snprintf(out + n, outlen - n,
                              "%s{\"event\":\"%s\",\"max_payout_fen\":%lld}",
                              i ? "," : "", event ? event : "",
                              (long long)t->benefits[i]->max_payout_fen);
    }
    if (n < outlen)
        snprintf(out + n, outlen - n, "]");
}

static void submit_year_terms(request_t *req, db_stmt_t stmt,
                              const Aixin__V1__PolicyYearTerms *t)
{
    db_query_t *q = db_result_query(req, stmt, years_on_rows);
    if (q == NULL)
        return;
    char benefits[1024];
    benefits_json(t, benefits, sizeof(benefits));
    db_result_add_mutation_args(q, req);
    db_query_add_int64(q, t->year);
    db_query_add_text(q, t->reference_date);
    db_query_add_int64(q, t->premium_fen);
    db_query_add_int64(q, t->city_subsidy_fen);
    db_query_add_int64(q, t->county_share_min_fen);
    db_query_add_int64(q, t->county_share_max_fen);
    db_query_add_text(q, benefits);
    db_query_add_int64(q, t->supplementary_cap_per_claim_fen);
    db_query_add_int64(q, t->supplementary_budget_fen);
    db_result_submit(req, q);
}

void handle_open_policy_year(request_t *req)
{
    submit_year_terms(req, DB_STMT_OPEN_POLICY_YEAR,
                      req->msg->open_policy_year->terms);
}

void handle_update_policy_year(request_t *req)
{
    submit_year_terms(req, DB_STMT_UPDATE_POLICY_YEAR,
                      req->msg->update_policy_year->terms);
}

void handle_get_policy_year(request_t *req)
{
    db_query_t *q = db_result_query(req, DB_STMT_GET_POLICY_YEAR, years_on_rows);
    if (q == NULL)
        return;
    db_query_add_int64(q, req->actor_id);
    db_query_add_int64(q, req->msg->get_policy_year->year);
    db_result_submit(req, q);
}

void handle_list_policy_years(request_t *req)
{
    db_query_t *q =
        db_result_query(req, DB_STMT_LIST_POLICY_YEARS, years_on_rows);
    if (q == NULL)
        return;
    db_query_add_int64(q, req->actor_id);
    db_result_submit(req, q);
}

/* ---- insurers ---- */

static void insurers_on_rows(void *arg, db_outcome_t outcome,
                             const PGresult *res)
{
    request_t *req = arg;
    if (!db_result_ok(req, outcome, res))
        return;
    int n = PQntuples(res);
    bool list = req->msg->body_case == AIXIN__V1__REQUEST__BODY_LIST_INSURERS;
    if (!list && n != 1) {
        request_reply_error(req, AIXIN__V1__ERROR_CODE__ERROR_CODE_INTERNAL, NULL,
                            "insurer not registered");
        return;
    }
    Aixin__V1__Insurer *items = calloc((size_t)n + 1, sizeof(*items));
    Aixin__V1__Insurer **ptrs = calloc((size_t)n + 1, sizeof(*ptrs));
    if (items == NULL || ptrs == NULL) {
        free(items);
        free(ptrs);
        db_result_reply_oom(req);
        return;
    }
    for (int i = 0; i < n; i++) {
        aixin__v1__insurer__init(&items[i]);
        items[i].id = db_result_int64(res, i, 0);
        items[i].code = (char *)db_result_text(res, i, 1);
        items[i].name = (char *)db_result_text(res, i, 2);
        items[i].created_at = db_result_int64(res, i, 3);
        ptrs[i] = &items[i];
    }
    Aixin__V1__Response resp = AIXIN__V1__RESPONSE__INIT;
    Aixin__V1__InsurerList il = AIXIN__V1__INSURER_LIST__INIT;
    if (list) {
        il.n_insurers = (size_t)n;
        il.insurers = ptrs;
        resp.body_case = AIXIN__V1__RESPONSE__BODY_INSURERS;
        resp.insurers = &il;
    } else {
        resp.body_case = AIXIN__V1__RESPONSE__BODY_INSURER;
        resp.insurer = &items[0];
    }
    request_reply(req, &resp);
    free(items);
    free(ptrs);
}

void handle_register_insurer(request_t *req)
{
    db_query_t *q =
        db_result_query(req, DB_STMT_REGISTER_INSURER, insurers_on_rows);
    if (q == NULL)
        return;
    db_result_add_mutation_args(q, req);
    db_query_add_text(q, req->msg->register_insurer->code);
    db_query_add_text(q, req->msg->register_insurer->name);
    db_result_submit(req, q);
}

void handle_list_insurers(request_t *req)
{
    db_query_t *q = db_result_query(req, DB_STMT_LIST_INSURERS, insurers_on_rows);
    if (q == NULL)
        return;
    db_query_add_int64(q, req->actor_id);
    db_result_submit(req, q);
}

/* ---- county terms ---- */

static void county_terms_on_rows(void *arg, db_outcome_t outcome,
                                 const PGresult *res)
{
    request_t *req = arg;
    if (!db_result_ok(req, outcome, res))
        return;
    int n = PQntuples(res);
    bool list =
        req->msg->body_case == AIXIN__V1__REQUEST__BODY_LIST_COUNTY_TERMS;
    if ((!list && n != 1) || PQnfields(res) < 9) {
        request_reply_error(req, AIXIN__V1__ERROR_CODE__ERROR_CODE_INTERNAL, NULL,
                            "unexpected county terms result");
        return;
    }
    Aixin__V1__CountyTerms *items = calloc((size_t)n + 1, sizeof(*items));
    Aixin__V1__CountyTerms **ptrs = calloc((size_t)n + 1, sizeof(*ptrs));
    if (items == NULL || ptrs == NULL) {
        free(items);
        free(ptrs);
        db_result_reply_oom(req);
        return;
    }
    for (int i = 0; i < n; i++) {
        Aixin__V1__CountyTerms *t = &items[i];
        aixin__v1__county_terms__init(t);
        t->county_code = (char *)db_result_text(res, i, 0);
        t->county_name = (char *)db_result_text(res, i, 1);
        t->policy_year = (int32_t)db_result_int64(res, i, 2);
        t->city_share_fen = db_result_int64(res, i, 3);
        t->county_share_fen = db_result_int64(res, i, 4);
        t->township_share_fen = db_result_int64(res, i, 5);
        t->insurer_code = (char *)db_result_text(res, i, 6);
        t->insurer_name = (char *)db_result_text(res, i, 7);
        t->policies = db_result_int64(res, i, 8);
        ptrs[i] = t;
    }
    Aixin__V1__Response resp = AIXIN__V1__RESPONSE__INIT;
    Aixin__V1__CountyTermsList tl = AIXIN__V1__COUNTY_TERMS_LIST__INIT;
    if (list) {
        tl.n_terms = (size_t)n;
        tl.terms = ptrs;
        resp.body_case = AIXIN__V1__RESPONSE__BODY_COUNTY_TERMS_LIST;
        resp.county_terms_list = &tl;
    } else {
        resp.body_case = AIXIN__V1__RESPONSE__BODY_COUNTY_TERMS;
        resp.county_terms = &items[0];
    }
    request_reply(req, &resp);
    free(items);
    free(ptrs);
}

void handle_set_county_terms(request_t *req)
{
    const Aixin__V1__SetCountyTerms *m = req->msg->set_county_terms;
    db_query_t *q =
        db_result_query(req, DB_STMT_SET_COUNTY_TERMS, county_terms_on_rows);
    if (q == NULL)
        return;
    db_result_add_mutation_args(q, req);
    db_query_add_text(q, m->county_code);
    db_query_add_int64(q, m->policy_year);
    db_query_add_int64(q, m->county_share_fen);
    db_query_add_text(q, m->insurer_code);
    db_result_submit(req, q);
}

void handle_list_county_terms(request_t *req)
{
    db_query_t *q =
        db_result_query(req, DB_STMT_LIST_COUNTY_TERMS, county_terms_on_rows);
    if (q == NULL)
        return;
    db_query_add_int64(q, req->actor_id);
    db_query_add_int64(q, req->msg->list_county_terms->policy_year);
    db_result_submit(req, q);
}
