/*
 * Every SQL statement the daemon runs on the request path. Each pool
 * connection prepares all of them once after connecting (and again after a
 * reconnect). The business rules live in the aixin.* SQL functions
 * (deploy/sql), which check role and scope again.
 */
#ifndef AIXIN_DB_STATEMENTS_H
#define AIXIN_DB_STATEMENTS_H

#include <stdbool.h>

typedef enum db_stmt {
    DB_STMT_ACCOUNT_FOR_LOGIN = 0,
    DB_STMT_SESSION_OPEN,
    DB_STMT_SESSION_RESUME,
    DB_STMT_SESSION_CLOSE,
    DB_STMT_CREATE_ACCOUNT,
    DB_STMT_LIST_DIVISIONS,
    DB_STMT_REGISTER_HOUSEHOLD,
    DB_STMT_ADD_CHILD,
    DB_STMT_FIND_HOUSEHOLD,
    DB_STMT_OPEN_POLICY_YEAR,
    DB_STMT_LIST_POLICY_YEARS,
    DB_STMT_ENROLL,
    DB_STMT_LIST_POLICIES,
    DB_STMT_UPDATE_POLICY_YEAR,
    DB_STMT_GET_POLICY_YEAR,
    DB_STMT_REGISTER_INSURER,
    DB_STMT_LIST_INSURERS,
    DB_STMT_SET_COUNTY_TERMS,
    DB_STMT_LIST_COUNTY_TERMS,
    DB_STMT_SUBMIT_CENSUS,
    DB_STMT_LIST_CENSUS,
    DB_STMT_RECORD_DISBURSEMENT,
    DB_STMT_GET_LEDGER,
    DB_STMT_CITY_SUBSIDY_PAID,
    DB_STMT_IMPORT_ENROLLMENT,
    DB_STMT_SESSION_OPEN_BY_CERTIFICATE,
    DB_STMT_BIND_CERTIFICATE,
    DB_STMT_FILE_CLAIM,
    DB_STMT_ADD_CLAIM_DOCUMENTS,
    DB_STMT_REVIEW_CLAIM,
    DB_STMT_FLAG_CLAIM_DOUBT,
    DB_STMT_ESCALATE_CLAIM,
    DB_STMT_APPROVE_CLAIM,
    DB_STMT_REJECT_CLAIM,
    DB_STMT_PAY_CLAIM,
    DB_STMT_RECORD_VISIT,
    DB_STMT_ADD_SUPPLEMENTARY_PAYOUT,
    DB_STMT_GET_CLAIM,
    DB_STMT_LIST_DUE_CLAIMS,
    DB_STMT_CLAIM_HISTORY,
    DB_STMT_REPORT_ENROLLMENT,
    DB_STMT_REPORT_FUNDING,
    DB_STMT_REPORT_CLAIMS,
    DB_STMT_REPORT_SERVICE,
    DB_STMT_REPORT_INSURERS,
    DB_STMT_REPORT_ASSESSMENT,
    DB_STMT_SERVER_IDENTITY,
    DB_STMT_HOUSEKEEPING_PURGE, /* housekeeping.c */
    DB_STMT_METRICS_GAUGES,     /* domain_gauges.c */
    DB_STMT_LOGIN_BEGIN,
    DB_STMT_LOGIN_FAILED,
    DB_STMT_AUDIT_REFUSAL,
    DB_STMT_ACCOUNT_UNLOCK,
    DB_STMT_ACCOUNT_DISABLE,
    DB_STMT_ACCOUNT_SET_PASSWORD,
    DB_STMT_ACTOR_PASSWORD_HASH,
    DB_STMT_AUDIT_VERIFY,
    DB_STMT_AUDIT_LIST,
    DB_STMT_SESSION_VALID,
    DB_STMT_IMPORT_ENROLLMENTS_BULK,
    DB_STMT_SET_YEAR_SETTING,
    DB_STMT_LIST_YEAR_SETTINGS,
    DB_STMT_EXPORT_POLICIES, /* handle_exports.c */
    DB_STMT_EXPORT_CLAIMS,
    DB_STMT_FILE_GRIEVANCE,
    DB_STMT_ASSIGN_GRIEVANCE,
    DB_STMT_ANSWER_GRIEVANCE,
    DB_STMT_CLOSE_GRIEVANCE,
    DB_STMT_LIST_GRIEVANCES,
    DB_STMT_GET_GRIEVANCE,
    DB_STMT_GRIEVANCE_HISTORY,
    DB_STMT_LIST_ALERTS,
    DB_STMT_REPORT_GRIEVANCES,
    DB_STMT_DECIDE_PENDING,
    DB_STMT_LIST_PENDING,
    DB_STMT_LOGIN_THROTTLED_SUMMARIES,
    DB_STMT_CLOSE_YEAR,   /* handle_yearcycle.c */
    DB_STMT_REOPEN_YEAR,
    DB_STMT_YEAR_HISTORY,
    DB_STMT_RENEW_YEAR,
    DB_STMT_DRAW_AUDIT_SAMPLE,
    DB_STMT_RECORD_AUDIT_FINDING,
    DB_STMT_REPORT_POST_AUDIT,
    DB_STMT_COUNT
} db_stmt_t;

typedef struct db_statement {
    const char *name; /* prepared statement name */
    const char *sql;
    int nparams;
} db_statement_t;

const db_statement_t *db_statement_get(db_stmt_t id);

/*
 * True for a statement that reads or changes a few rows and is done in
 * milliseconds (an enrollment, a session check, one household): the pool
 * may queue another query behind it on the same connection (libpq
 * pipeline mode, db_pool.c), where that query waits until this one is
 * done. Reports, exports, batches and anything that may run long are not
 * listed, so that nothing waits behind them; a statement not listed is
 * still served, only never with another one queued behind it.
 */
bool db_statement_is_brief(db_stmt_t id);

#endif
