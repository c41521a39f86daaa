/*
 * Every SQL statement the daemon runs on the request path. Each pool
 * connection prepares all of them once after connecting (and again after a
 * reconnect). The business rules live in the aixin.* SQL functions
 * (deploy/sql), which check role and scope again.
 */
#ifndef AIXIN_DB_STATEMENTS_H
#define AIXIN_DB_STATEMENTS_H

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
    DB_STMT_IMPORT_ENROLLMENTS_BULK,
    DB_STMT_COUNT
} db_stmt_t;

typedef struct db_statement {
    const char *name; /* prepared statement name */
    const char *sql;
    int nparams;
} db_statement_t;

const db_statement_t *db_statement_get(db_stmt_t id);

#endif
