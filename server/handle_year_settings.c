/* SetYearSetting and ListYearSettings: a year's thresholds, deadlines and
 * weights (aixin.year_settings). Both answer a YearSettingList. */
#include <stdlib.h>
#include <string.h>

#include "db_result.h"
#include "handlers.h"

/* Columns of aixin.year_setting_row. */
enum setting_col {
    SETTING_YEAR = 0,
    SETTING_NAME,
    SETTING_VALUE,
    SETTING_DEFAULT,
    SETTING_MINIMUM,
    SETTING_MAXIMUM,
    SETTING_UNIT,
    SETTING_DESCRIPTION,
    SETTING_IS_SET,
    SETTING_SET_BY,
    SETTING_SET_AT,
    SETTING_COL_COUNT
};

static void setting_from_row(Aixin__V1__YearSetting *s, const PGresult *res,
                             int i)
{
    aixin__v1__year_setting__init(s);
    s->year = (int32_t)db_result_int64(res, i, SETTING_YEAR);
    s->name = (char *)db_result_text(res, i, SETTING_NAME);
    s->value = db_result_int64(res, i, SETTING_VALUE);
    s->default_value = db_result_int64(res, i, SETTING_DEFAULT);
    s->minimum = db_result_int64(res, i, SETTING_MINIMUM);
    s->maximum = db_result_int64(res, i, SETTING_MAXIMUM);
    s->unit = (char *)db_result_text(res, i, SETTING_UNIT);
    s->description = (char *)db_result_text(res, i, SETTING_DESCRIPTION);
    s->is_set = strcmp(db_result_text(res, i, SETTING_IS_SET), "t") == 0;
    s->set_by = (char *)db_result_text(res, i, SETTING_SET_BY);
    s->set_at = (char *)db_result_text(res, i, SETTING_SET_AT);
}

static void settings_on_rows(void *arg, db_outcome_t outcome,
                             const PGresult *res)
{
    request_t *req = arg;
    if (!db_result_ok(req, outcome, res))
        return;
    if (PQnfields(res) < SETTING_COL_COUNT) {
        request_reply_error(req, AIXIN__V1__ERROR_CODE__ERROR_CODE_INTERNAL, NULL,
                            "unexpected year setting row");
        return;
    }
    int n = PQntuples(res);
    Aixin__V1__YearSetting *settings = calloc((size_t)n + 1, sizeof(*settings));
    Aixin__V1__YearSetting **ptrs = calloc((size_t)n + 1, sizeof(*ptrs));
    if (settings == NULL || ptrs == NULL) {
        free(settings);
        free(ptrs);
        db_result_reply_oom(req);
        return;
    }
    for (int i = 0; i < n; i++) {
        setting_from_row(&settings[i], res, i);
        ptrs[i] = &settings[i];
    }
    Aixin__V1__YearSettingList list = AIXIN__V1__YEAR_SETTING_LIST__INIT;
    list.n_settings = (size_t)n;
    list.settings = ptrs;
    Aixin__V1__Response resp = AIXIN__V1__RESPONSE__INIT;
    resp.body_case = AIXIN__V1__RESPONSE__BODY_YEAR_SETTINGS;
    resp.year_settings = &list;
    request_reply(req, &resp);
    free(settings);
    free(ptrs);
}

void handle_set_year_setting(request_t *req)
{
    const Aixin__V1__SetYearSetting *m = req->msg->set_year_setting;
    db_query_t *q =
        db_result_query(req, DB_STMT_SET_YEAR_SETTING, settings_on_rows);
    if (q == NULL)
        return;
    db_result_add_mutation_args(q, req);
    db_query_add_int64(q, m->year);
    db_query_add_text(q, m->name);
    db_query_add_int64(q, m->value);
    db_result_submit(req, q);
}

void handle_list_year_settings(request_t *req)
{
    db_query_t *q =
        db_result_query(req, DB_STMT_LIST_YEAR_SETTINGS, settings_on_rows);
    if (q == NULL)
        return;
    db_query_add_int64(q, req->actor_id);
    db_query_add_int64(q, req->msg->list_year_settings->year);
    db_result_submit(req, q);
}
