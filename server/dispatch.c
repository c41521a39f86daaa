#include "dispatch.h"

#include <stddef.h>
#include <string.h>
#include <time.h>

#include "conn.h"
#include "handlers.h"

#define ROLE_BIT(r) (1u << (AIXIN__V1__ROLE__ROLE_##r))
#define ANY_ROLE                                                              \
    (ROLE_BIT(CITY_ADMIN) | ROLE_BIT(COUNTY_CLERK) | ROLE_BIT(TOWNSHIP_CLERK) | \
     ROLE_BIT(INSURER_ADJUSTER) | ROLE_BIT(AUDITOR))
/* Offices that register and enroll. */
#define WRITERS (ROLE_BIT(CITY_ADMIN) | ROLE_BIT(COUNTY_CLERK) | ROLE_BIT(TOWNSHIP_CLERK))
/* Who may read personal data of households in their scope. */
#define READERS (WRITERS | ROLE_BIT(AUDITOR))
#define CITY_ADMIN_ONLY ROLE_BIT(CITY_ADMIN)
/* Claims: offices file them, the policy's insurer decides them. */
#define ADJUSTERS ROLE_BIT(INSURER_ADJUSTER)
#define CLAIM_READERS (READERS | ADJUSTERS)

typedef void (*handler_fn)(request_t *req);

typedef struct route {
    Aixin__V1__Request__BodyCase body;
    const char *name;
    bool barrier;    /* changes the connection's identity */
    bool needs_auth; /* false only for the session requests */
    unsigned roles;  /* ROLE_BIT mask allowed */
    handler_fn handler;
} route_t;

static const route_t routes[] = {
    {AIXIN__V1__REQUEST__BODY_HELLO, "hello", true, false, 0, handle_hello},
    {AIXIN__V1__REQUEST__BODY_LOGIN, "login", true, false, 0, handle_login},
    {AIXIN__V1__REQUEST__BODY_AUTHENTICATE, "authenticate", true, false, 0,
     handle_authenticate},
    {AIXIN__V1__REQUEST__BODY_LOGOUT, "logout", true, true, ANY_ROLE,
     handle_logout},
    {AIXIN__V1__REQUEST__BODY_CERTIFICATE_LOGIN, "certificate_login", true,
     false, 0, handle_certificate_login},
    {AIXIN__V1__REQUEST__BODY_BIND_CERTIFICATE, "bind_certificate", false,
     true, CITY_ADMIN_ONLY, handle_bind_certificate},
    {AIXIN__V1__REQUEST__BODY_CREATE_ACCOUNT, "create_account", false, true,
     CITY_ADMIN_ONLY, handle_create_account},
    {AIXIN__V1__REQUEST__BODY_LIST_DIVISIONS, "list_divisions", false, true,
     ANY_ROLE, handle_list_divisions},
    {AIXIN__V1__REQUEST__BODY_REGISTER_HOUSEHOLD, "register_household", false,
     true, WRITERS, handle_register_household},
    {AIXIN__V1__REQUEST__BODY_ADD_CHILD, "add_child", false, true, WRITERS,
     handle_add_child},
    {AIXIN__V1__REQUEST__BODY_ENROLL, "enroll", false, true, WRITERS,
     handle_enroll},
    {AIXIN__V1__REQUEST__BODY_FIND_HOUSEHOLD, "find_household", false, true,
     READERS, handle_find_household},
    {AIXIN__V1__REQUEST__BODY_LIST_POLICIES, "list_policies", false, true,
     READERS, handle_list_policies},
    {AIXIN__V1__REQUEST__BODY_OPEN_POLICY_YEAR, "open_policy_year", false,
     true, CITY_ADMIN_ONLY, handle_open_policy_year},
    {AIXIN__V1__REQUEST__BODY_LIST_POLICY_YEARS, "list_policy_years", false,
     true, ANY_ROLE, handle_list_policy_years},
    {AIXIN__V1__REQUEST__BODY_UPDATE_POLICY_YEAR, "update_policy_year", false,
     true, CITY_ADMIN_ONLY, handle_update_policy_year},
    {AIXIN__V1__REQUEST__BODY_GET_POLICY_YEAR, "get_policy_year", false, true,
     ANY_ROLE, handle_get_policy_year},
    {AIXIN__V1__REQUEST__BODY_REGISTER_INSURER, "register_insurer", false,
     true, CITY_ADMIN_ONLY, handle_register_insurer},
    {AIXIN__V1__REQUEST__BODY_LIST_INSURERS, "list_insurers", false, true,
     ANY_ROLE, handle_list_insurers},
    {AIXIN__V1__REQUEST__BODY_SET_COUNTY_TERMS, "set_county_terms", false,
     true, CITY_ADMIN_ONLY, handle_set_county_terms},
    {AIXIN__V1__REQUEST__BODY_LIST_COUNTY_TERMS, "list_county_terms", false,
     true, ANY_ROLE, handle_list_county_terms},
    {AIXIN__V1__REQUEST__BODY_SUBMIT_CENSUS, "submit_census", false, true,
     WRITERS, handle_submit_census},
    {AIXIN__V1__REQUEST__BODY_LIST_CENSUS, "list_census", false, true,
     READERS, handle_list_census},
    {AIXIN__V1__REQUEST__BODY_RECORD_DISBURSEMENT, "record_disbursement",
     false, true, WRITERS, handle_record_disbursement},
    {AIXIN__V1__REQUEST__BODY_GET_LEDGER, "get_ledger", false, true, READERS,
     handle_get_ledger},
    {AIXIN__V1__REQUEST__BODY_IMPORT_ENROLLMENTS, "import_enrollments", false,
     true, WRITERS, handle_import_enrollments},
    {AIXIN__V1__REQUEST__BODY_FILE_CLAIM, "file_claim", false, true, WRITERS,
     handle_file_claim},
    {AIXIN__V1__REQUEST__BODY_ADD_CLAIM_DOCUMENTS, "add_claim_documents", false, true, WRITERS,
     handle_add_claim_documents},
    {AIXIN__V1__REQUEST__BODY_REVIEW_CLAIM, "review_claim", false, true, ADJUSTERS,
     handle_review_claim},
    {AIXIN__V1__REQUEST__BODY_FLAG_CLAIM_DOUBT, "flag_claim_doubt", false, true, ADJUSTERS,
     handle_flag_claim_doubt},
    {AIXIN__V1__REQUEST__BODY_ESCALATE_CLAIM, "escalate_claim", false, true, ADJUSTERS,
     handle_escalate_claim},
    {AIXIN__V1__REQUEST__BODY_APPROVE_CLAIM, "approve_claim", false, true, ADJUSTERS,
     handle_approve_claim},
    {AIXIN__V1__REQUEST__BODY_REJECT_CLAIM, "reject_claim", false, true, ADJUSTERS,
     handle_reject_claim},
    {AIXIN__V1__REQUEST__BODY_PAY_CLAIM, "pay_claim", false, true, ADJUSTERS,
     handle_pay_claim},
    {AIXIN__V1__REQUEST__BODY_RECORD_VISIT, "record_visit", false, true, ADJUSTERS,
     handle_record_visit},
    {AIXIN__V1__REQUEST__BODY_ADD_SUPPLEMENTARY_PAYOUT, "add_supplementary_payout", false, true, CITY_ADMIN_ONLY,
     handle_add_supplementary_payout},
    {AIXIN__V1__REQUEST__BODY_GET_CLAIM, "get_claim", false, true, CLAIM_READERS,
     handle_get_claim},
    {AIXIN__V1__REQUEST__BODY_LIST_DUE_CLAIMS, "list_due_claims", false, true, CLAIM_READERS,
     handle_list_due_claims},
    {AIXIN__V1__REQUEST__BODY_CLAIM_HISTORY, "claim_history", false, true, CLAIM_READERS,
     handle_claim_history},
    /* Adjusters read the post-audit report (their insurer's rows); the
     * other reports refuse them in SQL (aixin.report_root). */
    {AIXIN__V1__REQUEST__BODY_GET_REPORT, "get_report", false, true,
     CLAIM_READERS, handle_get_report},
    {AIXIN__V1__REQUEST__BODY_UNLOCK_ACCOUNT, "unlock_account", false, true,
     CITY_ADMIN_ONLY, handle_unlock_account},
    {AIXIN__V1__REQUEST__BODY_DISABLE_ACCOUNT, "disable_account", false, true,
     CITY_ADMIN_ONLY, handle_disable_account},
    /* Ends the account's other sessions; this one stays. */
    {AIXIN__V1__REQUEST__BODY_CHANGE_PASSWORD, "change_password", false, true,
     ANY_ROLE, handle_change_password},
    {AIXIN__V1__REQUEST__BODY_RESET_PASSWORD, "reset_password", false, true,
     CITY_ADMIN_ONLY, handle_reset_password},
    {AIXIN__V1__REQUEST__BODY_LIST_AUDIT, "list_audit", false, true,
     ROLE_BIT(CITY_ADMIN) | ROLE_BIT(AUDITOR), handle_list_audit},
    {AIXIN__V1__REQUEST__BODY_VERIFY_AUDIT, "verify_audit", false, true,
     ROLE_BIT(CITY_ADMIN) | ROLE_BIT(AUDITOR), handle_verify_audit},
    {AIXIN__V1__REQUEST__BODY_SET_YEAR_SETTING, "set_year_setting", false,
     true, CITY_ADMIN_ONLY, handle_set_year_setting},
    {AIXIN__V1__REQUEST__BODY_LIST_YEAR_SETTINGS, "list_year_settings", false,
     true, ANY_ROLE, handle_list_year_settings},
    /* Adjusters export their insurer's records (the database checks). */
    {AIXIN__V1__REQUEST__BODY_EXPORT_RECORDS, "export_records", false, true,
     CLAIM_READERS, handle_export_records},
    {AIXIN__V1__REQUEST__BODY_FILE_GRIEVANCE, "file_grievance", false, true,
     WRITERS, handle_file_grievance},
    {AIXIN__V1__REQUEST__BODY_ASSIGN_GRIEVANCE, "assign_grievance", false,
     true, WRITERS, handle_assign_grievance},
    /* An adjuster answers the grievances assigned to it. */
    {AIXIN__V1__REQUEST__BODY_ANSWER_GRIEVANCE, "answer_grievance", false,
     true, WRITERS | ADJUSTERS, handle_answer_grievance},
    {AIXIN__V1__REQUEST__BODY_CLOSE_GRIEVANCE, "close_grievance", false, true,
     WRITERS, handle_close_grievance},
    {AIXIN__V1__REQUEST__BODY_LIST_GRIEVANCES, "list_grievances", false, true,
     CLAIM_READERS, handle_list_grievances},
    {AIXIN__V1__REQUEST__BODY_GET_GRIEVANCE, "get_grievance", false, true,
     CLAIM_READERS, handle_get_grievance},
    {AIXIN__V1__REQUEST__BODY_GRIEVANCE_HISTORY, "grievance_history", false,
     true, CLAIM_READERS, handle_grievance_history},
    {AIXIN__V1__REQUEST__BODY_LIST_ALERTS, "list_alerts", false, true,
     CLAIM_READERS, handle_list_alerts},
    {AIXIN__V1__REQUEST__BODY_CONFIRM_PENDING, "confirm_pending", false, true,
     CITY_ADMIN_ONLY | ADJUSTERS, handle_confirm_pending},
    {AIXIN__V1__REQUEST__BODY_LIST_PENDING, "list_pending", false, true,
     CITY_ADMIN_ONLY | ADJUSTERS | ROLE_BIT(AUDITOR), handle_list_pending},
    {AIXIN__V1__REQUEST__BODY_CLOSE_YEAR, "close_year", false, true,
     CITY_ADMIN_ONLY, handle_close_year},
    {AIXIN__V1__REQUEST__BODY_REOPEN_YEAR, "reopen_year", false, true,
     CITY_ADMIN_ONLY, handle_reopen_year},
    {AIXIN__V1__REQUEST__BODY_GET_YEAR_HISTORY, "get_year_history", false,
     true, ANY_ROLE, handle_get_year_history},
    {AIXIN__V1__REQUEST__BODY_RENEW_YEAR, "renew_year", false, true, WRITERS,
     handle_renew_year},
    {AIXIN__V1__REQUEST__BODY_DRAW_AUDIT_SAMPLE, "draw_audit_sample", false,
     true, ROLE_BIT(CITY_ADMIN) | ROLE_BIT(AUDITOR), handle_draw_audit_sample},
    {AIXIN__V1__REQUEST__BODY_RECORD_AUDIT_FINDING, "record_audit_finding",
     false, true, ROLE_BIT(CITY_ADMIN) | ROLE_BIT(AUDITOR),
     handle_record_audit_finding},
};

#define ROUTE_COUNT (sizeof(routes) / sizeof(routes[0]))

static const route_t *route_find(Aixin__V1__Request__BodyCase body)
{
    for (size_t i = 0; i < ROUTE_COUNT; i++)
        if (routes[i].body == body)
            return &routes[i];
    return NULL;
}

const char *dispatch_request_name(Aixin__V1__Request__BodyCase body)
{
    const route_t *r = route_find(body);
    return r ? r->name : "unknown";
}

bool dispatch_is_barrier(Aixin__V1__Request__BodyCase body)
{
    const route_t *r = route_find(body);
    return r == NULL || r->barrier;
}

/* What a session may do while its password, set by an administrator,
 * waits to be changed by its holder: change it, or leave. */
static bool allowed_before_password_change(Aixin__V1__Request__BodyCase b)
{
    return b == AIXIN__V1__REQUEST__BODY_CHANGE_PASSWORD ||
           b == AIXIN__V1__REQUEST__BODY_LOGOUT;
}

/* Run the handler of an authenticated request whose session is known to
 * be live (after the re-check when there was one). */
static void dispatch_run(request_t *req)
{
    const route_t *r = route_find(req->msg->body_case);
    if (req->conn->auth.password_change_required &&
        !allowed_before_password_change(r->body)) {
        request_reply_error(
            req, AIXIN__V1__ERROR_CODE__ERROR_CODE_PASSWORD_CHANGE_REQUIRED,
            NULL, "the password was set by an administrator: change it "
                  "first (ChangePassword)");
        return;
    }
    r->handler(req);
}

void dispatch_request(request_t *req)
{
    const route_t *r = route_find(req->msg->body_case);
    if (r == NULL) {
        request_reply_error(req, AIXIN__V1__ERROR_CODE__ERROR_CODE_INVALID_ARGUMENT,
                            "body", "unknown request type");
        return;
    }
    const conn_auth_t *auth = &req->conn->auth;
    if (r->needs_auth) {
        if (!auth->authenticated) {
            request_reply_error(req, AIXIN__V1__ERROR_CODE__ERROR_CODE_UNAUTHENTICATED,
                                NULL, "log in first (Login or Authenticate)");
            return;
        }
        if (auth->expires_at != 0 && auth->expires_at <= (int64_t)time(NULL)) {
            request_reply_error(req, AIXIN__V1__ERROR_CODE__ERROR_CODE_UNAUTHENTICATED,
                                NULL, "session expired: log in again");
            return;
        }
        req->actor_id = auth->account_id;
        memcpy(req->actor_division, auth->division_code,
               sizeof(req->actor_division));
        if (!(r->roles & (1u << auth->role))) {
            audit_record_refusal(req, "role may not do this");
            request_reply_error(req, AIXIN__V1__ERROR_CODE__ERROR_CODE_PERMISSION_DENIED,
                                NULL, "role may not %s", r->name);
            return;
        }
        /* A session revoked on another connection (or by another daemon)
         * ends here too, before any work is done under it. */
        if (session_needs_check(req)) {
            session_check_then(req, dispatch_run);
            return;
        }
        dispatch_run(req);
        return;
    }
    req->actor_id = auth->account_id;
    memcpy(req->actor_division, auth->division_code, sizeof(req->actor_division));
    r->handler(req);
}
