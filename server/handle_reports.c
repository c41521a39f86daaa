/*
 * GetReport: one aixin.report_<kind> function per kind. The answer is
 * generic (column names and typed cells) so that a column added to a
 * report in SQL reaches the client without a daemon change.
 */
#include <stdlib.h>
#include <string.h>

#include "aixin/v1/reports.pb-c.h"
#include "db_result.h"
#include "handlers.h"

/* PostgreSQL type OIDs (pg_type.h) of the columns reports return. */
#define OID_BOOL 16
#define OID_INT8 20
#define OID_INT2 21
#define OID_INT4 23
#define OID_NUMERIC 1700

static db_stmt_t report_statement(Aixin__V1__ReportKind kind)
{
    switch (kind) {
    case AIXIN__V1__REPORT_KIND__REPORT_KIND_ENROLLMENT:
        return DB_STMT_REPORT_ENROLLMENT;
    case AIXIN__V1__REPORT_KIND__REPORT_KIND_FUNDING:
        return DB_STMT_REPORT_FUNDING;
    case AIXIN__V1__REPORT_KIND__REPORT_KIND_CLAIMS:
        return DB_STMT_REPORT_CLAIMS;
    case AIXIN__V1__REPORT_KIND__REPORT_KIND_SERVICE:
        return DB_STMT_REPORT_SERVICE;
    case AIXIN__V1__REPORT_KIND__REPORT_KIND_INSURERS:
        return DB_STMT_REPORT_INSURERS;
    case AIXIN__V1__REPORT_KIND__REPORT_KIND_GRIEVANCES:
        return DB_STMT_REPORT_GRIEVANCES;
    case AIXIN__V1__REPORT_KIND__REPORT_KIND_POST_AUDIT:
        return DB_STMT_REPORT_POST_AUDIT;
    case AIXIN__V1__REPORT_KIND__REPORT_KIND_ASSESSMENT:
    default:
        return DB_STMT_REPORT_ASSESSMENT;
    }
}

static void report_cell(Aixin__V1__ReportCell *cell, const PGresult *res,
                        int row, int col)
{
    aixin__v1__report_cell__init(cell);
    if (PQgetisnull(res, row, col))
        return; /* no value: null */
    switch (PQftype(res, col)) {
    case OID_INT2:
    case OID_INT4:
    case OID_INT8:
        cell->value_case = AIXIN__V1__REPORT_CELL__VALUE_INTEGER;
        cell->integer = db_result_int64(res, row, col);
        break;
    case OID_NUMERIC:
        cell->value_case = AIXIN__V1__REPORT_CELL__VALUE_DECIMAL;
        cell->decimal = PQgetvalue(res, row, col);
        break;
    case OID_BOOL:
        cell->value_case = AIXIN__V1__REPORT_CELL__VALUE_BOOLEAN;
        cell->boolean = strcmp(PQgetvalue(res, row, col), "t") == 0;
        break;
    default:
        cell->value_case = AIXIN__V1__REPORT_CELL__VALUE_TEXT;
        cell->text = PQgetvalue(res, row, col);
        break;
    }
}

/* The statements add a last column closed_years (int[], the same on every
 * row: aixin.report_closed_years) to the report's own columns; it becomes
 * ReportTable.closed_years, not a column. Returns how many years were
 * parsed into out (at most max). */
#define REPORT_CLOSED_YEARS_MAX 101 /* 2000..2100 */
static size_t report_closed_years(const PGresult *res, size_t *ncols,
                                  int32_t *out, size_t max)
{
    if (*ncols == 0 || strcmp(PQfname(res, (int)*ncols - 1), "closed_years") != 0)
        return 0;
    (*ncols)--;
    if (PQntuples(res) == 0 || PQgetisnull(res, 0, (int)*ncols))
        return 0;
    size_t n = 0;
    const char *p = PQgetvalue(res, 0, (int)*ncols); /* "{2024,2025}" */
    while (*p != '\0' && n < max) {
        if (*p >= '0' && *p <= '9') {
            char *end = NULL;
            out[n++] = (int32_t)strtol(p, &end, 10);
            p = end;
        } else {
            p++;
        }
    }
    return n;
}

static void report_on_rows(void *arg, db_outcome_t outcome, const PGresult *res)
{
    request_t *req = arg;
    if (!db_result_ok(req, outcome, res))
        return;
    const Aixin__V1__GetReport *m = req->msg->get_report;
    size_t nrows = (size_t)PQntuples(res), ncols = (size_t)PQnfields(res);
    int32_t closed[REPORT_CLOSED_YEARS_MAX];
    size_t n_closed =
        report_closed_years(res, &ncols, closed, REPORT_CLOSED_YEARS_MAX);
    char **columns = calloc(ncols + 1, sizeof(*columns));
    Aixin__V1__ReportRow *rows = calloc(nrows + 1, sizeof(*rows));
    Aixin__V1__ReportRow **row_ptrs = calloc(nrows + 1, sizeof(*row_ptrs));
    Aixin__V1__ReportCell *cells = calloc(nrows * ncols + 1, sizeof(*cells));
    Aixin__V1__ReportCell **cell_ptrs =
        calloc(nrows * ncols + 1, sizeof(*cell_ptrs));
    if (!columns || !rows || !row_ptrs || !cells || !cell_ptrs) {
        free(columns);
        free(rows);
        free(row_ptrs);
        free(cells);
        free(cell_ptrs);
        db_result_reply_oom(req);
        return;
    }
    for (size_t c = 0; c < ncols; c++)
        columns[c] = PQfname(res, (int)c);
    for (size_t r = 0; r < nrows; r++) {
        aixin__v1__report_row__init(&rows[r]);
        rows[r].n_cells = ncols;
        rows[r].cells = &cell_ptrs[r * ncols];
        for (size_t c = 0; c < ncols; c++) {
            Aixin__V1__ReportCell *cell = &cells[r * ncols + c];
            report_cell(cell, res, (int)r, (int)c);
            cell_ptrs[r * ncols + c] = cell;
        }
        row_ptrs[r] = &rows[r];
    }
    Aixin__V1__ReportTable table = AIXIN__V1__REPORT_TABLE__INIT;
    table.kind = m->kind;
    table.year_from = m->year_from;
    table.year_to = m->year_to;
    table.division_code =
        (char *)(m->division_code[0] ? m->division_code : req->actor_division);
    table.n_columns = ncols;
    table.columns = columns;
    table.n_rows = nrows;
    table.rows = row_ptrs;
    table.n_closed_years = n_closed;
    table.closed_years = closed;
    Aixin__V1__Response resp = AIXIN__V1__RESPONSE__INIT;
    resp.body_case = AIXIN__V1__RESPONSE__BODY_REPORT;
    resp.report = &table;
    request_reply(req, &resp);
    free(columns);
    free(rows);
    free(row_ptrs);
    free(cells);
    free(cell_ptrs);
}

void handle_get_report(request_t *req)
{
    const Aixin__V1__GetReport *m = req->msg->get_report;
    db_query_t *q =
        db_result_query(req, report_statement(m->kind), report_on_rows);
    if (q == NULL)
        return;
    db_query_add_int64(q, req->actor_id);
    db_query_add_int64(q, m->year_from);
    db_query_add_int64(q, m->year_to);
    db_query_add_text_or_null(q, m->division_code);
    db_result_submit_report(req, q);
}
