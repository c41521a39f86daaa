/*
 * Between PostgreSQL results and responses: map failures to typed protocol
 * errors, read column values.
 */
#ifndef AIXIN_DB_RESULT_H
#define AIXIN_DB_RESULT_H

#include <libpq-fe.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "db_pool.h"
#include "request.h"

/* A query whose callback argument is the request. NULL on out of memory
 * (the request has then been answered). */
db_query_t *db_result_query(request_t *req, db_stmt_t stmt, db_query_cb cb);

/* The three leading arguments of every mutating aixin.* function: the
 * actor, the request id and the idempotency key. */
void db_result_add_mutation_args(db_query_t *q, const request_t *req);

/* Finish the request with a retryable out-of-memory error. */
void db_result_reply_oom(request_t *req);

/* Hand the query to the worker's pool. */
void db_result_submit(request_t *req, db_query_t *q);

/* A read-only report query: to the report pool (report_database, maybe a
 * standby) when there is one, else as db_result_submit. */
void db_result_submit_report(request_t *req, db_query_t *q);

/*
 * True when the query returned rows (PGRES_TUPLES_OK). Otherwise the
 * request is finished with the matching error (database rule -> its typed
 * code and field, lost connection -> OUTCOME_UNKNOWN for mutating requests,
 * unreachable -> UNAVAILABLE) and false is returned.
 */
bool db_result_ok(request_t *req, db_outcome_t outcome, const PGresult *res);

/*
 * Describe a failed query as a protocol error without answering: code,
 * field (into field, may end up empty) and message. Returns false when the
 * query succeeded (PGRES_TUPLES_OK / COMMAND_OK): nothing to describe.
 * Used where one request runs many queries (a batch of rows).
 */
bool db_result_describe_failure(const request_t *req, db_outcome_t outcome,
                                const PGresult *res, bool mutating,
                                Aixin__V1__ErrorCode *code, char *field,
                                size_t fieldlen, char *message,
                                size_t messagelen);

/* The protocol code of a SQLSTATE raised or reported by an aixin.*
 * function (the same table as db_result_describe_failure); INTERNAL for
 * one it does not know. */
Aixin__V1__ErrorCode db_result_code_for_sqlstate(const char *state);

/* Column values of a text-format result. A NULL reads as "" / 0. The
 * strings are borrowed from res. */
const char *db_result_text(const PGresult *res, int row, int col);
int64_t db_result_int64(const PGresult *res, int row, int col);
bool db_result_is_null(const PGresult *res, int row, int col);

#endif
