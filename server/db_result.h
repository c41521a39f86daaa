/*
 * Between PostgreSQL results and responses: map failures to typed protocol
 * errors, read column values.
 */
#ifndef AIXIN_DB_RESULT_H
#define AIXIN_DB_RESULT_H

#include <libpq-fe.h>
#include <stdbool.h>
#include <stdint.h>

#include "db_pool.h"
#include "request.h"

/* A query whose callback argument is the request. NULL on out of memory
 * (the request has then been answered). */
db_query_t *db_result_query(request_t *req, db_stmt_t stmt, db_query_cb cb);

/*
 * True when the query returned rows (PGRES_TUPLES_OK). Otherwise the
 * request is finished with the matching error (database rule -> its typed
 * code and field, lost connection -> OUTCOME_UNKNOWN for mutating requests,
 * unreachable -> UNAVAILABLE) and false is returned.
 */
bool db_result_ok(request_t *req, db_outcome_t outcome, const PGresult *res);

/* Column values of a text-format result. A NULL reads as "" / 0. The
 * strings are borrowed from res. */
const char *db_result_text(const PGresult *res, int row, int col);
int64_t db_result_int64(const PGresult *res, int row, int col);
bool db_result_is_null(const PGresult *res, int row, int col);

#endif
