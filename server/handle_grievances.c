/* Grievances (FileGrievance, AssignGrievance, AnswerGrievance,
 * CloseGrievance, ListGrievances, GetGrievance, GetGrievanceHistory) and
 * early warnings (ListAlerts): deploy/sql/0018_grievances.sql does the
 * work and the scope checks; these turn its rows into messages. */
#include <stdlib.h>
#include <string.h>

#include "db_result.h"
#include "handlers.h"

/* Columns of aixin.grievance_row. */
enum grievance_col {
    G_ID = 0,
    G_STATUS,
    G_CHANNEL,
    G_SUMMARY,
    G_RECEIVED_ON,
    G_DUE_ON,
    G_TOWNSHIP_CODE,
    G_TOWNSHIP_NAME,
    G_SUBJECT_KIND,
    G_SUBJECT,
    G_INSURER_CODE,
    G_FILED_BY,
    G_ASSIGNED_TO,
    G_ANSWER,
    G_ANSWERED_ON,
    G_ANSWERED_BY,
    G_RESOLUTION,
    G_CLOSED_ON,
    G_CLOSED_BY,
    G_OVERDUE,
    G_ANSWERED_ON_TIME,
    G_COL_COUNT
};

/* Columns of aixin.grievance_history. */
enum event_col {
    E_AT = 0,
    E_USERNAME,
    E_ACTION,
    E_FROM,
    E_TO,
    E_ON_DATE,
    E_NOTE,
    E_COL_COUNT
};

/* Columns of aixin.alert_row. */
enum alert_col {
    A_KIND = 0,
    A_SEVERITY,
    A_DIVISION_CODE,
    A_DIVISION_NAME,
    A_INSURER_CODE,
    A_INSURER_NAME,
    A_LEVEL,
    A_FIGURE,
    A_THRESHOLD,
    A_UNIT,
    A_DUE_ON,
    A_COL_COUNT
};

static bool is_true(const PGresult *res, int row, int col)
{
    return strcmp(db_result_text(res, row, col), "t") == 0;
}

/* Strings borrowed from res, which outlives the reply. */
static char *text_of(const PGresult *res, int row, int col)
{
    return (char *)db_result_text(res, row, col);
}

static void grievance_from_row(Aixin__V1__Grievance *g, const PGresult *res,
                               int i)
{
    aixin__v1__grievance__init(g);
    g->id = db_result_int64(res, i, G_ID);
    g->status = text_of(res, i, G_STATUS);
    g->channel = text_of(res, i, G_CHANNEL);
    g->summary = text_of(res, i, G_SUMMARY);
    g->received_on = text_of(res, i, G_RECEIVED_ON);
    g->due_on = text_of(res, i, G_DUE_ON);
    g->township_code = text_of(res, i, G_TOWNSHIP_CODE);
    g->township_name = text_of(res, i, G_TOWNSHIP_NAME);
    g->subject_kind = text_of(res, i, G_SUBJECT_KIND);
    g->subject = text_of(res, i, G_SUBJECT);
    g->insurer_code = text_of(res, i, G_INSURER_CODE);
    g->filed_by = text_of(res, i, G_FILED_BY);
    g->assigned_to = text_of(res, i, G_ASSIGNED_TO);
    g->answer = text_of(res, i, G_ANSWER);
    g->answered_on = text_of(res, i, G_ANSWERED_ON);
    g->answered_by = text_of(res, i, G_ANSWERED_BY);
    g->resolution = text_of(res, i, G_RESOLUTION);
    g->closed_on = text_of(res, i, G_CLOSED_ON);
    g->closed_by = text_of(res, i, G_CLOSED_BY);
    g->overdue = is_true(res, i, G_OVERDUE);
    g->answered_on_time = is_true(res, i, G_ANSWERED_ON_TIME);
}

static bool columns_ok(request_t *req, const PGresult *res, int want,
                       const char *what)
{
    if (PQnfields(res) >= want)
        return true;
    request_reply_error(req, AIXIN__V1__ERROR_CODE__ERROR_CODE_INTERNAL, NULL,
                        "unexpected %s row", what);
    return false;
}

static void grievances_on_rows(void *arg, db_outcome_t outcome,
                               const PGresult *res)
{
    request_t *req = arg;
    if (!db_result_ok(req, outcome, res) ||
        !columns_ok(req, res, G_COL_COUNT, "grievance"))
        return;
    int n = PQntuples(res);
    Aixin__V1__Grievance *rows = calloc((size_t)n + 1, sizeof(*rows));
    Aixin__V1__Grievance **ptrs = calloc((size_t)n + 1, sizeof(*ptrs));
    if (rows == NULL || ptrs == NULL) {
        free(rows);
        free(ptrs);
        db_result_reply_oom(req);
        return;
    }
    for (int i = 0; i < n; i++) {
        grievance_from_row(&rows[i], res, i);
        ptrs[i] = &rows[i];
    }
    Aixin__V1__GrievanceList list = AIXIN__V1__GRIEVANCE_LIST__INIT;
    list.n_grievances = (size_t)n;
    list.grievances = ptrs;
    Aixin__V1__Response resp = AIXIN__V1__RESPONSE__INIT;
    resp.body_case = AIXIN__V1__RESPONSE__BODY_GRIEVANCES;
    resp.grievances = &list;
    request_reply(req, &resp);
    free(rows);
    free(ptrs);
}

static void history_on_rows(void *arg, db_outcome_t outcome,
                            const PGresult *res)
{
    request_t *req = arg;
    if (!db_result_ok(req, outcome, res) ||
        !columns_ok(req, res, E_COL_COUNT, "grievance history"))
        return;
    int n = PQntuples(res);
    Aixin__V1__GrievanceEvent *rows = calloc((size_t)n + 1, sizeof(*rows));
    Aixin__V1__GrievanceEvent **ptrs = calloc((size_t)n + 1, sizeof(*ptrs));
    if (rows == NULL || ptrs == NULL) {
        free(rows);
        free(ptrs);
        db_result_reply_oom(req);
        return;
    }
    for (int i = 0; i < n; i++) {
        Aixin__V1__GrievanceEvent *e = &rows[i];
        aixin__v1__grievance_event__init(e);
        e->at = text_of(res, i, E_AT);
        e->username = text_of(res, i, E_USERNAME);
        e->action = text_of(res, i, E_ACTION);
        e->from_status = text_of(res, i, E_FROM);
        e->to_status = text_of(res, i, E_TO);
        e->on_date = text_of(res, i, E_ON_DATE);
        e->note = text_of(res, i, E_NOTE);
        ptrs[i] = e;
    }
    Aixin__V1__GrievanceHistory history = AIXIN__V1__GRIEVANCE_HISTORY__INIT;
    history.n_events = (size_t)n;
    history.events = ptrs;
    Aixin__V1__Response resp = AIXIN__V1__RESPONSE__INIT;
    resp.body_case = AIXIN__V1__RESPONSE__BODY_GRIEVANCE_HISTORY;
    resp.grievance_history = &history;
    request_reply(req, &resp);
    free(rows);
    free(ptrs);
}

static void alerts_on_rows(void *arg, db_outcome_t outcome,
                           const PGresult *res)
{
    request_t *req = arg;
    if (!db_result_ok(req, outcome, res) ||
        !columns_ok(req, res, A_COL_COUNT, "alert"))
        return;
    int n = PQntuples(res);
    Aixin__V1__Alert *rows = calloc((size_t)n + 1, sizeof(*rows));
    Aixin__V1__Alert **ptrs = calloc((size_t)n + 1, sizeof(*ptrs));
    if (rows == NULL || ptrs == NULL) {
        free(rows);
        free(ptrs);
        db_result_reply_oom(req);
        return;
    }
    for (int i = 0; i < n; i++) {
        Aixin__V1__Alert *a = &rows[i];
        aixin__v1__alert__init(a);
        a->kind = text_of(res, i, A_KIND);
        a->severity = text_of(res, i, A_SEVERITY);
        a->division_code = text_of(res, i, A_DIVISION_CODE);
        a->division_name = text_of(res, i, A_DIVISION_NAME);
        a->insurer_code = text_of(res, i, A_INSURER_CODE);
        a->insurer_name = text_of(res, i, A_INSURER_NAME);
        a->level = text_of(res, i, A_LEVEL);
        a->figure = db_result_int64(res, i, A_FIGURE);
        a->threshold = db_result_int64(res, i, A_THRESHOLD);
        a->unit = text_of(res, i, A_UNIT);
        a->due_on = text_of(res, i, A_DUE_ON);
        ptrs[i] = a;
    }
    Aixin__V1__AlertList list = AIXIN__V1__ALERT_LIST__INIT;
    list.year = req->msg->list_alerts->year;
    list.n_alerts = (size_t)n;
    list.alerts = ptrs;
    Aixin__V1__Response resp = AIXIN__V1__RESPONSE__INIT;
    resp.body_case = AIXIN__V1__RESPONSE__BODY_ALERTS;
    resp.alerts = &list;
    request_reply(req, &resp);
    free(rows);
    free(ptrs);
}

void handle_file_grievance(request_t *req)
{
    const Aixin__V1__FileGrievance *m = req->msg->file_grievance;
    db_query_t *q =
        db_result_query(req, DB_STMT_FILE_GRIEVANCE, grievances_on_rows);
    if (q == NULL)
        return;
    db_result_add_mutation_args(q, req);
    db_query_add_text(q, m->channel);
    db_query_add_text(q, m->summary);
    db_query_add_text_or_null(q, m->received_on);
    db_query_add_text(q, m->subject_kind);
    db_query_add_text_or_null(q, m->subject);
    db_query_add_text_or_null(q, m->township_code);
    db_result_submit(req, q);
}

void handle_assign_grievance(request_t *req)
{
    const Aixin__V1__AssignGrievance *m = req->msg->assign_grievance;
    db_query_t *q =
        db_result_query(req, DB_STMT_ASSIGN_GRIEVANCE, grievances_on_rows);
    if (q == NULL)
        return;
    db_result_add_mutation_args(q, req);
    db_query_add_int64(q, m->grievance_id);
    db_query_add_text(q, m->assignee);
    db_result_submit(req, q);
}

void handle_answer_grievance(request_t *req)
{
    const Aixin__V1__AnswerGrievance *m = req->msg->answer_grievance;
    db_query_t *q =
        db_result_query(req, DB_STMT_ANSWER_GRIEVANCE, grievances_on_rows);
    if (q == NULL)
        return;
    db_result_add_mutation_args(q, req);
    db_query_add_int64(q, m->grievance_id);
    db_query_add_text(q, m->answer);
    db_query_add_text_or_null(q, m->answered_on);
    db_result_submit(req, q);
}

void handle_close_grievance(request_t *req)
{
    const Aixin__V1__CloseGrievance *m = req->msg->close_grievance;
    db_query_t *q =
        db_result_query(req, DB_STMT_CLOSE_GRIEVANCE, grievances_on_rows);
    if (q == NULL)
        return;
    db_result_add_mutation_args(q, req);
    db_query_add_int64(q, m->grievance_id);
    db_query_add_text(q, m->resolution);
    db_query_add_text_or_null(q, m->closed_on);
    db_result_submit(req, q);
}

void handle_list_grievances(request_t *req)
{
    const Aixin__V1__ListGrievances *m = req->msg->list_grievances;
    db_query_t *q =
        db_result_query(req, DB_STMT_LIST_GRIEVANCES, grievances_on_rows);
    if (q == NULL)
        return;
    db_query_add_int64(q, req->actor_id);
    db_query_add_int64(q, (int64_t)req->request_id);
    db_query_add_text_or_null(q, m->status);
    db_query_add_text(q, m->overdue ? "true" : "false");
    db_query_add_text_or_null(q, m->division_code);
    db_query_add_int64(q, m->year);
    db_result_submit(req, q);
}

void handle_get_grievance(request_t *req)
{
    db_query_t *q =
        db_result_query(req, DB_STMT_GET_GRIEVANCE, grievances_on_rows);
    if (q == NULL)
        return;
    db_query_add_int64(q, req->actor_id);
    db_query_add_int64(q, (int64_t)req->request_id);
    db_query_add_int64(q, req->msg->get_grievance->grievance_id);
    db_result_submit(req, q);
}

void handle_grievance_history(request_t *req)
{
    db_query_t *q =
        db_result_query(req, DB_STMT_GRIEVANCE_HISTORY, history_on_rows);
    if (q == NULL)
        return;
    db_query_add_int64(q, req->actor_id);
    db_query_add_int64(q, (int64_t)req->request_id);
    db_query_add_int64(q, req->msg->grievance_history->grievance_id);
    db_result_submit(req, q);
}

void handle_list_alerts(request_t *req)
{
    const Aixin__V1__ListAlerts *m = req->msg->list_alerts;
    db_query_t *q = db_result_query(req, DB_STMT_LIST_ALERTS, alerts_on_rows);
    if (q == NULL)
        return;
    db_query_add_int64(q, req->actor_id);
    db_query_add_int64(q, m->year);
    db_query_add_text_or_null(q, m->division_code);
    db_result_submit(req, q);
}
