/* Divisions, households and children. */
#include <stdlib.h>
#include <string.h>

#include "db_result.h"
#include "handlers.h"
#include "names.h"
#include "scope.h"
#include "worker.h"

/* ---- ListDivisions ---- */

static void list_divisions_on_rows(void *arg, db_outcome_t outcome,
                                   const PGresult *res)
{
    request_t *req = arg;
    if (!db_result_ok(req, outcome, res))
        return;
    int n = PQntuples(res);
    Aixin__V1__Division *items = calloc((size_t)n + 1, sizeof(*items));
    Aixin__V1__Division **ptrs = calloc((size_t)n + 1, sizeof(*ptrs));
    if (items == NULL || ptrs == NULL) {
        free(items);
        free(ptrs);
        db_result_reply_oom(req);
        return;
    }
    for (int i = 0; i < n; i++) {
        Aixin__V1__Division *d = &items[i];
        aixin__v1__division__init(d);
        d->code = (char *)db_result_text(res, i, 0);
        d->name = (char *)db_result_text(res, i, 1);
        d->parent_code = (char *)db_result_text(res, i, 2);
        d->level = names_division_level_parse(db_result_text(res, i, 3));
        ptrs[i] = d;
    }
    Aixin__V1__DivisionList list = AIXIN__V1__DIVISION_LIST__INIT;
    list.n_divisions = (size_t)n;
    list.divisions = ptrs;
    Aixin__V1__Response resp = AIXIN__V1__RESPONSE__INIT;
    resp.body_case = AIXIN__V1__RESPONSE__BODY_DIVISIONS;
    resp.divisions = &list;
    request_reply(req, &resp);
    free(items);
    free(ptrs);
}

void handle_list_divisions(request_t *req)
{
    const char *root = req->msg->list_divisions->root_code;
    if (root[0] != '\0' && !scope_contains(req->actor_division, root)) {
        request_reply_error(req, AIXIN__V1__ERROR_CODE__ERROR_CODE_PERMISSION_DENIED,
                            "root_code", "division %s is outside your scope",
                            root);
        return;
    }
    db_query_t *q =
        db_result_query(req, DB_STMT_LIST_DIVISIONS, list_divisions_on_rows);
    if (q == NULL)
        return;
    db_query_add_int64(q, req->actor_id);
    db_query_add_text_or_null(q, root);
    db_result_submit(req, q);
}

/* ---- households: one row per guardian, then one per child ---- */

enum household_col {
    HH_OUTCOME = 0,
    HH_ID,
    HH_TOWNSHIP_CODE,
    HH_TOWNSHIP_NAME,
    HH_KIND,
    HH_CERTIFICATE,
    HH_CREATED_AT,
    HH_MEMBER,
    HH_MEMBER_ID,
    HH_ID_NUMBER,
    HH_NAME,
    HH_SEX,
    HH_BIRTH_DATE,
    HH_COL_COUNT
};

/* NOT_FOUND on the number the search was given. */
static void household_reply_not_found(request_t *req)
{
    const Aixin__V1__FindHousehold *f =
        req->msg->body_case == AIXIN__V1__REQUEST__BODY_FIND_HOUSEHOLD
            ? req->msg->find_household
            : NULL;
    if (f != NULL && f->certificate_no != NULL && f->certificate_no[0] != '\0')
        request_reply_error(req, AIXIN__V1__ERROR_CODE__ERROR_CODE_NOT_FOUND,
                            "certificate_no",
                            "no household with that certificate number in "
                            "your scope");
    else if (f != NULL && f->child_id_number != NULL &&
             f->child_id_number[0] != '\0')
        request_reply_error(req, AIXIN__V1__ERROR_CODE__ERROR_CODE_NOT_FOUND,
                            "child_id_number",
                            "no household with that child in your scope");
    else
        request_reply_error(req, AIXIN__V1__ERROR_CODE__ERROR_CODE_NOT_FOUND,
                            "guardian_id_number",
                            "no household with that guardian in your scope");
}

static void household_reply_rows(request_t *req, const PGresult *res)
{
    int n = PQntuples(res);
    if (n == 0 || PQnfields(res) < HH_COL_COUNT ||
        strcmp(db_result_text(res, 0, HH_OUTCOME), "ok") != 0) {
        household_reply_not_found(req);
        return;
    }
    Aixin__V1__Guardian *guardians = calloc((size_t)n, sizeof(*guardians));
    Aixin__V1__Guardian **gptrs = calloc((size_t)n, sizeof(*gptrs));
    Aixin__V1__Child *children = calloc((size_t)n, sizeof(*children));
    Aixin__V1__Child **cptrs = calloc((size_t)n, sizeof(*cptrs));
    if (!guardians || !gptrs || !children || !cptrs) {
        free(guardians);
        free(gptrs);
        free(children);
        free(cptrs);
        db_result_reply_oom(req);
        return;
    }
    Aixin__V1__Household hh = AIXIN__V1__HOUSEHOLD__INIT;
    hh.id = db_result_int64(res, 0, HH_ID);
    hh.township_code = (char *)db_result_text(res, 0, HH_TOWNSHIP_CODE);
    hh.township_name = (char *)db_result_text(res, 0, HH_TOWNSHIP_NAME);
    hh.kind = names_household_kind_parse(db_result_text(res, 0, HH_KIND));
    hh.certificate_no = (char *)db_result_text(res, 0, HH_CERTIFICATE);
    hh.created_at = db_result_int64(res, 0, HH_CREATED_AT);
    for (int i = 0; i < n; i++) {
        const char *member = db_result_text(res, i, HH_MEMBER);
        if (strcmp(member, "guardian") == 0) {
            Aixin__V1__Guardian *g = &guardians[hh.n_guardians];
            aixin__v1__guardian__init(g);
            g->id_number = (char *)db_result_text(res, i, HH_ID_NUMBER);
            g->name = (char *)db_result_text(res, i, HH_NAME);
            gptrs[hh.n_guardians++] = g;
        } else if (strcmp(member, "child") == 0) {
            Aixin__V1__Child *c = &children[hh.n_children];
            aixin__v1__child__init(c);
            c->id = db_result_int64(res, i, HH_MEMBER_ID);
            c->household_id = hh.id;
            c->id_number = (char *)db_result_text(res, i, HH_ID_NUMBER);
            c->name = (char *)db_result_text(res, i, HH_NAME);
            c->sex = names_sex_parse(db_result_text(res, i, HH_SEX));
            c->birth_date = (char *)db_result_text(res, i, HH_BIRTH_DATE);
            cptrs[hh.n_children++] = c;
        }
    }
    hh.guardians = gptrs;
    hh.children = cptrs;
    Aixin__V1__Response resp = AIXIN__V1__RESPONSE__INIT;
    resp.body_case = AIXIN__V1__RESPONSE__BODY_HOUSEHOLD;
    resp.household = &hh;
    request_reply(req, &resp);
    free(guardians);
    free(gptrs);
    free(children);
    free(cptrs);
}

static void household_on_rows(void *arg, db_outcome_t outcome,
                              const PGresult *res)
{
    request_t *req = arg;
    if (!db_result_ok(req, outcome, res))
        return;
    household_reply_rows(req, res);
}

void handle_register_household(request_t *req)
{
    const Aixin__V1__RegisterHousehold *rh = req->msg->register_household;
    if (!scope_contains(req->actor_division, rh->township_code)) {
        request_reply_error(req, AIXIN__V1__ERROR_CODE__ERROR_CODE_PERMISSION_DENIED,
                            "township_code",
                            "township %s is outside your scope",
                            rh->township_code);
        return;
    }
    db_query_t *q =
        db_result_query(req, DB_STMT_REGISTER_HOUSEHOLD, household_on_rows);
    if (q == NULL)
        return;
    db_result_add_mutation_args(q, req);
    db_query_add_text(q, rh->township_code);
    db_query_add_text(q, names_household_kind(rh->kind));
    db_query_add_text(q, rh->certificate_no);
    for (size_t i = 0; i < 2; i++) {
        if (i < rh->n_guardians) {
            db_query_add_text(q, rh->guardians[i]->id_number);
            db_query_add_text(q, rh->guardians[i]->name);
        } else {
            db_query_add_null(q);
            db_query_add_null(q);
        }
    }
    db_result_submit(req, q);
}

void handle_find_household(request_t *req)
{
    db_query_t *q =
        db_result_query(req, DB_STMT_FIND_HOUSEHOLD, household_on_rows);
    if (q == NULL)
        return;
    db_query_add_int64(q, req->actor_id);
    db_query_add_int64(q, (int64_t)req->request_id);
    const Aixin__V1__FindHousehold *f = req->msg->find_household;
    db_query_add_text(q, f->guardian_id_number);
    db_query_add_text(q, f->certificate_no);
    db_query_add_text(q, f->child_id_number);
    db_result_submit(req, q);
}

/* ---- AddChild ---- */

static void add_child_on_row(void *arg, db_outcome_t outcome,
                             const PGresult *res)
{
    request_t *req = arg;
    if (!db_result_ok(req, outcome, res))
        return;
    if (PQntuples(res) != 1) {
        request_reply_error(req, AIXIN__V1__ERROR_CODE__ERROR_CODE_INTERNAL, NULL,
                            "child not added");
        return;
    }
    Aixin__V1__Child c = AIXIN__V1__CHILD__INIT;
    c.id = db_result_int64(res, 0, 0);
    c.household_id = db_result_int64(res, 0, 1);
    c.id_number = (char *)db_result_text(res, 0, 2);
    c.name = (char *)db_result_text(res, 0, 3);
    c.sex = names_sex_parse(db_result_text(res, 0, 4));
    c.birth_date = (char *)db_result_text(res, 0, 5);
    Aixin__V1__Response resp = AIXIN__V1__RESPONSE__INIT;
    resp.body_case = AIXIN__V1__RESPONSE__BODY_CHILD;
    resp.child = &c;
    request_reply(req, &resp);
}

void handle_add_child(request_t *req)
{
    const Aixin__V1__AddChild *ac = req->msg->add_child;
    db_query_t *q = db_result_query(req, DB_STMT_ADD_CHILD, add_child_on_row);
    if (q == NULL)
        return;
    db_result_add_mutation_args(q, req);
    db_query_add_int64(q, ac->household_id);
    db_query_add_text(q, ac->id_number);
    db_query_add_text(q, ac->name);
    const char *sex = names_sex(ac->sex);
    db_query_add_text_or_null(q, sex ? sex : "");
    db_query_add_text_or_null(q, ac->birth_date);
    db_result_submit(req, q);
}
