#include "db_statements.h"

#include <assert.h>
#include <stddef.h>

/* Parameter types are left to the server: each parameter is an argument
 * of a function with a declared type. */
static const db_statement_t statements[DB_STMT_COUNT] = {
    [DB_STMT_ACCOUNT_FOR_LOGIN] =
        {"account_for_login", "SELECT * FROM aixin.account_for_login($1)", 1},
    [DB_STMT_SESSION_OPEN] =
        {"session_open", "SELECT * FROM aixin.session_open($1, $2, $3)", 3},
    [DB_STMT_SESSION_RESUME] =
        {"session_resume", "SELECT * FROM aixin.session_resume($1)", 1},
    [DB_STMT_SESSION_CLOSE] =
        {"session_close", "SELECT aixin.session_close($1)", 1},
    [DB_STMT_CREATE_ACCOUNT] =
        {"create_account",
         "SELECT * FROM aixin.create_account($1, $2, $3, $4, $5, $6, $7, $8, "
         "$9, $10)",
         10},
    [DB_STMT_LIST_DIVISIONS] =
        {"list_divisions", "SELECT * FROM aixin.list_divisions($1, $2)", 2},
    [DB_STMT_REGISTER_HOUSEHOLD] =
        {"register_household",
         "SELECT * FROM aixin.register_household($1, $2, $3, $4, $5, $6, $7, "
         "$8, $9, $10)",
         10},
    [DB_STMT_ADD_CHILD] =
        {"add_child",
         "SELECT * FROM aixin.add_child($1, $2, $3, $4, $5, $6, $7, $8)", 8},
    [DB_STMT_FIND_HOUSEHOLD] =
        {"find_household",
         "SELECT * FROM aixin.find_household($1, $2, $3, $4, $5)", 5},
    [DB_STMT_OPEN_POLICY_YEAR] =
        {"open_policy_year",
         "SELECT * FROM aixin.open_policy_year($1, $2, $3, $4, $5, $6, $7, $8, "
         "$9, $10, $11, $12)",
         12},
    [DB_STMT_UPDATE_POLICY_YEAR] =
        {"update_policy_year",
         "SELECT * FROM aixin.update_policy_year($1, $2, $3, $4, $5, $6, $7, "
         "$8, $9, $10, $11, $12)",
         12},
    [DB_STMT_GET_POLICY_YEAR] =
        {"get_policy_year",
         "SELECT y.*, aixin.year_is_closed(y.year) AS closed "
         "FROM aixin.get_policy_year($1, $2) y",
         2},
    [DB_STMT_REGISTER_INSURER] =
        {"register_insurer",
         "SELECT * FROM aixin.register_insurer($1, $2, $3, $4, $5)", 5},
    [DB_STMT_LIST_INSURERS] =
        {"list_insurers", "SELECT * FROM aixin.list_insurers($1)", 1},
    [DB_STMT_SET_COUNTY_TERMS] =
        {"set_county_terms",
         "SELECT * FROM aixin.set_county_terms($1, $2, $3, $4, $5, $6, $7)", 7},
    [DB_STMT_LIST_COUNTY_TERMS] =
        {"list_county_terms", "SELECT * FROM aixin.list_county_terms($1, $2)",
         2},
    [DB_STMT_SUBMIT_CENSUS] =
        {"submit_census",
         "SELECT * FROM aixin.submit_census($1, $2, $3, $4, $5, $6, $7)", 7},
    [DB_STMT_LIST_CENSUS] =
        {"list_census", "SELECT * FROM aixin.list_census($1, $2, $3, $4)", 4},
    [DB_STMT_RECORD_DISBURSEMENT] =
        {"record_disbursement",
         "SELECT * FROM aixin.record_disbursement($1, $2, $3, $4, $5, $6, $7, "
         "$8, $9)",
         9},
    [DB_STMT_GET_LEDGER] =
        {"get_ledger", "SELECT * FROM aixin.get_ledger($1, $2, $3)", 3},
    [DB_STMT_CITY_SUBSIDY_PAID] =
        {"city_subsidy_paid",
         "SELECT aixin.city_subsidy_paid_to_date($1)", 1},
    [DB_STMT_IMPORT_ENROLLMENT] =
        {"import_enrollment",
         "SELECT * FROM aixin.import_enrollment($1, $2, $3, $4, $5, $6, $7, "
         "$8, $9, $10, $11, $12, $13, $14)",
         14},
    /* A whole batch: one text[] per field (see handle_import.c). */
    [DB_STMT_IMPORT_ENROLLMENTS_BULK] =
        {"import_enrollments_bulk",
         "SELECT * FROM aixin.import_enrollments_bulk($1, $2, $3, $4, $5, $6, "
         "$7, $8, $9, $10, $11, $12, $13, $14)",
         14},
    [DB_STMT_SESSION_OPEN_BY_CERTIFICATE] =
        {"session_open_by_certificate",
         "SELECT * FROM aixin.session_open_by_certificate($1, $2, $3)", 3},
    [DB_STMT_BIND_CERTIFICATE] =
        {"bind_certificate",
         "SELECT * FROM aixin.bind_certificate($1, $2, $3, $4, $5)", 5},
    [DB_STMT_FILE_CLAIM] =
        {"file_claim", "SELECT * FROM aixin.file_claim($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)", 12},
    [DB_STMT_ADD_CLAIM_DOCUMENTS] =
        {"add_claim_documents", "SELECT * FROM aixin.add_claim_documents($1, $2, $3, $4, $5, $6, $7)", 7},
    [DB_STMT_REVIEW_CLAIM] =
        {"review_claim", "SELECT * FROM aixin.review_claim($1, $2, $3, $4, $5, $6)", 6},
    [DB_STMT_FLAG_CLAIM_DOUBT] =
        {"flag_claim_doubt", "SELECT * FROM aixin.flag_claim_doubt($1, $2, $3, $4, $5, $6)",
         6},
    [DB_STMT_ESCALATE_CLAIM] =
        {"escalate_claim", "SELECT * FROM aixin.escalate_claim($1, $2, $3, $4, $5, $6)", 6},
    [DB_STMT_APPROVE_CLAIM] =
        /* pending_id: set when the approval waits for a second account
         * (four eyes); evaluated after the function's rows are made. */
        {"approve_claim",
         "SELECT r.*, aixin.pending_for_key($3) AS pending_id "
         "FROM aixin.approve_claim($1, $2, $3, $4, $5, $6, $7) r", 7},
    [DB_STMT_REJECT_CLAIM] =
        {"reject_claim", "SELECT * FROM aixin.reject_claim($1, $2, $3, $4, $5, $6)", 6},
    [DB_STMT_PAY_CLAIM] =
        {"pay_claim", "SELECT * FROM aixin.pay_claim($1, $2, $3, $4, $5, $6, $7, $8)", 8},
    [DB_STMT_RECORD_VISIT] =
        {"record_visit", "SELECT * FROM aixin.record_visit($1, $2, $3, $4, $5, $6)", 6},
    [DB_STMT_ADD_SUPPLEMENTARY_PAYOUT] =
        {"add_supplementary_payout",
         "SELECT r.*, aixin.pending_for_key($3) AS pending_id "
         "FROM aixin.add_supplementary_payout($1, $2, $3, $4, $5, $6, $7) r", 7},
    [DB_STMT_REPORT_ENROLLMENT] =
        {"report_enrollment",
         "SELECT r.*, aixin.report_closed_years($2, $3) AS closed_years "
         "FROM aixin.report_enrollment($1, $2, $3, $4) r",
         4},
    [DB_STMT_REPORT_FUNDING] =
        {"report_funding",
         "SELECT r.*, aixin.report_closed_years($2, $3) AS closed_years "
         "FROM aixin.report_funding($1, $2, $3, $4) r",
         4},
    [DB_STMT_REPORT_CLAIMS] =
        {"report_claims",
         "SELECT r.*, aixin.report_closed_years($2, $3) AS closed_years "
         "FROM aixin.report_claims($1, $2, $3, $4) r",
         4},
    [DB_STMT_REPORT_SERVICE] =
        {"report_service",
         "SELECT r.*, aixin.report_closed_years($2, $3) AS closed_years "
         "FROM aixin.report_service($1, $2, $3, $4) r",
         4},
    [DB_STMT_REPORT_INSURERS] =
        {"report_insurers",
         "SELECT r.*, aixin.report_closed_years($2, $3) AS closed_years "
         "FROM aixin.report_insurers($1, $2, $3, $4) r",
         4},
    [DB_STMT_REPORT_ASSESSMENT] =
        {"report_assessment",
         "SELECT r.*, aixin.report_closed_years($2, $3) AS closed_years "
         "FROM aixin.report_assessment($1, $2, $3, $4) r",
         4},
    [DB_STMT_HOUSEKEEPING_PURGE] =
        {"housekeeping_purge",
         "SELECT * FROM aixin.housekeeping_purge($1, $2)", 2},
    [DB_STMT_METRICS_GAUGES] =
        {"metrics_gauges", "SELECT * FROM aixin.metrics_gauges()", 0},
    [DB_STMT_GET_CLAIM] =
        {"get_claim", "SELECT * FROM aixin.get_claim($1, $2, $3)", 3},
    [DB_STMT_LIST_DUE_CLAIMS] =
        {"list_due_claims", "SELECT * FROM aixin.list_due_claims($1, $2)", 2},
    [DB_STMT_CLAIM_HISTORY] =
        {"claim_history", "SELECT * FROM aixin.claim_history($1, $2, $3)", 3},
    [DB_STMT_LIST_POLICY_YEARS] =
        {"list_policy_years",
         "SELECT y.*, aixin.year_is_closed(y.year) AS closed "
         "FROM aixin.list_policy_years($1) y",
         1},
    [DB_STMT_ENROLL] =
        {"enroll", "SELECT * FROM aixin.enroll($1, $2, $3, $4, $5)", 5},
    [DB_STMT_LOGIN_BEGIN] =
        {"login_begin", "SELECT * FROM aixin.login_check($1, $2)", 2},
    [DB_STMT_LOGIN_FAILED] =
        {"login_failed",
         "SELECT * FROM aixin.login_failure($1, $2, $3, $4, $5, $6, $7)", 7},
    [DB_STMT_LOGIN_THROTTLED_SUMMARIES] =
        {"login_throttled_summaries",
         "SELECT aixin.login_throttled_summaries($1::jsonb)", 1},
    [DB_STMT_AUDIT_REFUSAL] =
        {"audit_refusal", "SELECT aixin.audit_refusal($1, $2, $3, $4, $5)", 5},
    [DB_STMT_ACCOUNT_UNLOCK] =
        {"account_unlock", "SELECT * FROM aixin.account_unlock($1, $2, $3, $4)",
         4},
    [DB_STMT_ACCOUNT_DISABLE] =
        {"account_disable",
         "SELECT * FROM aixin.account_disable($1, $2, $3, $4)", 4},
    [DB_STMT_ACCOUNT_SET_PASSWORD] =
        {"account_set_password",
         "SELECT * FROM aixin.account_set_password($1, $2, $3, $4, $5, $6, "
         "$7)",
         7},
    [DB_STMT_ACTOR_PASSWORD_HASH] =
        {"actor_password_hash", "SELECT * FROM aixin.actor_password_hash($1)",
         1},
    [DB_STMT_AUDIT_VERIFY] =
        {"audit_verify", "SELECT * FROM aixin.audit_verify($1)", 1},
    [DB_STMT_AUDIT_LIST] =
        {"audit_list",
         "SELECT * FROM aixin.audit_list($1, $2, $3, $4, $5, $6)", 6},
    [DB_STMT_SESSION_VALID] =
        {"session_valid", "SELECT * FROM aixin.session_valid($1)", 1},
    [DB_STMT_LIST_POLICIES] =
        {"list_policies", "SELECT * FROM aixin.list_policies($1, $2, $3)", 3},
    [DB_STMT_EXPORT_POLICIES] =
        {"export_policies",
         "SELECT * FROM aixin.export_policies($1, $2, $3, $4, $5, $6, $7)", 7},
    [DB_STMT_EXPORT_CLAIMS] =
        {"export_claims",
         "SELECT * FROM aixin.export_claims($1, $2, $3, $4, $5, $6, $7)", 7},
    [DB_STMT_SERVER_IDENTITY] =
        {"server_identity", "SELECT * FROM aixin.server_identity()", 0},
    [DB_STMT_SET_YEAR_SETTING] =
        {"set_year_setting",
         "SELECT * FROM aixin.set_year_setting($1, $2, $3, $4, $5, $6)", 6},
    [DB_STMT_LIST_YEAR_SETTINGS] =
        {"list_year_settings",
         "SELECT * FROM aixin.list_year_settings($1, $2)", 2},
    [DB_STMT_FILE_GRIEVANCE] =
        {"file_grievance",
         "SELECT * FROM aixin.file_grievance($1, $2, $3, $4, $5, $6, $7, $8, $9)", 9},
    [DB_STMT_ASSIGN_GRIEVANCE] =
        {"assign_grievance",
         "SELECT * FROM aixin.assign_grievance($1, $2, $3, $4, $5)", 5},
    [DB_STMT_ANSWER_GRIEVANCE] =
        {"answer_grievance",
         "SELECT * FROM aixin.answer_grievance($1, $2, $3, $4, $5, $6)", 6},
    [DB_STMT_CLOSE_GRIEVANCE] =
        {"close_grievance",
         "SELECT * FROM aixin.close_grievance($1, $2, $3, $4, $5, $6)", 6},
    [DB_STMT_LIST_GRIEVANCES] =
        {"list_grievances",
         "SELECT * FROM aixin.list_grievances($1, $2, $3, $4, $5, $6)", 6},
    [DB_STMT_GET_GRIEVANCE] =
        {"get_grievance", "SELECT * FROM aixin.get_grievance($1, $2, $3)", 3},
    [DB_STMT_GRIEVANCE_HISTORY] =
        {"grievance_history",
         "SELECT * FROM aixin.grievance_history($1, $2, $3)", 3},
    [DB_STMT_LIST_ALERTS] =
        {"list_alerts", "SELECT * FROM aixin.list_alerts($1, $2, $3)", 3},
    [DB_STMT_REPORT_GRIEVANCES] =
        {"report_grievances",
         "SELECT r.*, aixin.report_closed_years($2, $3) AS closed_years "
         "FROM aixin.report_grievances($1, $2, $3, $4) r",
         4},
    [DB_STMT_DECIDE_PENDING] =
        {"decide_pending",
         "SELECT * FROM aixin.decide_pending($1, $2, $3, $4, $5, $6)", 6},
    [DB_STMT_LIST_PENDING] =
        {"list_pending", "SELECT * FROM aixin.list_pending($1, $2, $3)", 3},
    [DB_STMT_CLOSE_YEAR] =
        {"close_year",
         "SELECT * FROM aixin.close_year($1, $2, $3, $4, $5, $6)", 6},
    [DB_STMT_REOPEN_YEAR] =
        {"reopen_year", "SELECT * FROM aixin.reopen_year($1, $2, $3, $4, $5)",
         5},
    [DB_STMT_YEAR_HISTORY] =
        {"year_history", "SELECT * FROM aixin.year_history($1, $2)", 2},
    [DB_STMT_RENEW_YEAR] =
        {"renew_year",
         "SELECT * FROM aixin.renew_policies($1, $2, $3, $4, $5, $6, $7, $8)",
         8},
    [DB_STMT_DRAW_AUDIT_SAMPLE] =
        {"draw_audit_sample",
         "SELECT * FROM aixin.draw_audit_sample($1, $2, $3, $4)", 4},
    [DB_STMT_RECORD_AUDIT_FINDING] =
        {"record_audit_finding",
         "SELECT * FROM aixin.record_audit_finding($1, $2, $3, $4, $5, $6, $7)",
         7},
    [DB_STMT_REPORT_POST_AUDIT] =
        {"report_post_audit",
         "SELECT r.*, aixin.report_closed_years($2, $3) AS closed_years "
         "FROM aixin.report_post_audit($1, $2, $3, $4) r",
         4},
};

const db_statement_t *db_statement_get(db_stmt_t id)
{
    assert((unsigned)id < DB_STMT_COUNT);
    return &statements[id];
}

bool db_statement_is_brief(db_stmt_t id)
{
    switch (id) {
    /* The requests an office sends in streams, one small transaction each. */
    case DB_STMT_SESSION_VALID:
    case DB_STMT_ENROLL:
    case DB_STMT_IMPORT_ENROLLMENT:
    case DB_STMT_REGISTER_HOUSEHOLD:
    case DB_STMT_ADD_CHILD:
    case DB_STMT_FIND_HOUSEHOLD:
    case DB_STMT_LIST_POLICIES:
    case DB_STMT_GET_POLICY_YEAR:
    case DB_STMT_GET_CLAIM:
    case DB_STMT_CLAIM_HISTORY:
    case DB_STMT_FILE_CLAIM:
    case DB_STMT_ADD_CLAIM_DOCUMENTS:
    case DB_STMT_RECORD_VISIT:
        return true;
    default:
        return false;
    }
}
