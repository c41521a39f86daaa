/*
 * Request handlers. Each finishes its request exactly once with
 * request_reply() or request_reply_error(), now or from a callback. At
 * entry req->conn is set and authorised per dispatch.c.
 */
#ifndef AIXIN_HANDLERS_H
#define AIXIN_HANDLERS_H

#include "request.h"

struct pg_result; /* libpq's PGresult */

/* handle_session.c */
void handle_hello(request_t *req);
void handle_login(request_t *req);
void handle_authenticate(request_t *req);
void handle_logout(request_t *req);
void handle_create_account(request_t *req);
void handle_certificate_login(request_t *req);
void handle_bind_certificate(request_t *req);
/* Whether the connection's session must be read from the database again
 * before req runs: a session was revoked somewhere since it was last read
 * (the shared generation moved), or session_recheck_ms passed (another
 * daemon may have revoked it). */
bool session_needs_check(const request_t *req);
/* Read the session again, then run next(req); or sign the connection out
 * and answer UNAUTHENTICATED when the session has ended. */
void session_check_then(request_t *req, void (*next)(request_t *));
/* Answer with the Account of an account_render() row. */
void session_reply_account(request_t *req, const struct pg_result *res);

/* handle_accounts.c: administration that ends sessions */
void handle_unlock_account(request_t *req);
void handle_disable_account(request_t *req);
void handle_change_password(request_t *req);
void handle_reset_password(request_t *req);

/* handle_audit.c */
void handle_list_audit(request_t *req);
void handle_verify_audit(request_t *req);
/* handle_year_settings.c */
void handle_set_year_setting(request_t *req);
void handle_list_year_settings(request_t *req);
/* handle_grievances.c */
void handle_file_grievance(request_t *req);
void handle_assign_grievance(request_t *req);
void handle_answer_grievance(request_t *req);
void handle_close_grievance(request_t *req);
void handle_list_grievances(request_t *req);
void handle_get_grievance(request_t *req);
void handle_grievance_history(request_t *req);
void handle_list_alerts(request_t *req);
/* handle_pending.c */
void handle_confirm_pending(request_t *req);
void handle_list_pending(request_t *req);
/* handle_post_audit.c */
void handle_draw_audit_sample(request_t *req);
void handle_record_audit_finding(request_t *req);
/* A request was refused (PERMISSION_DENIED): record it in the audit log,
 * in a transaction of its own (the refused one rolled back). */
void audit_record_refusal(const request_t *req, const char *message);
/* Whether the database's refusal `code` of req is to be recorded so:
 * every PERMISSION_DENIED, and NOT_FOUND of a read of personal data (a
 * claim out of scope is answered NOT_FOUND, like a missing one). */
bool audit_refusal_wanted(const request_t *req, int code);

/* handle_registry.c */
void handle_list_divisions(request_t *req);
void handle_register_household(request_t *req);
void handle_add_child(request_t *req);
void handle_find_household(request_t *req);

/* handle_policy.c */
void handle_enroll(request_t *req);
void handle_list_policies(request_t *req);

/* handle_programme.c: years, insurers, county terms */
void handle_open_policy_year(request_t *req);
void handle_update_policy_year(request_t *req);
void handle_get_policy_year(request_t *req);
void handle_list_policy_years(request_t *req);
void handle_register_insurer(request_t *req);
void handle_list_insurers(request_t *req);
void handle_set_county_terms(request_t *req);
void handle_list_county_terms(request_t *req);

/* handle_funding.c: census, disbursements, ledger */
void handle_submit_census(request_t *req);
void handle_list_census(request_t *req);
void handle_record_disbursement(request_t *req);
void handle_get_ledger(request_t *req);

/* handle_claims.c */
void handle_file_claim(request_t *req);
void handle_add_claim_documents(request_t *req);
void handle_review_claim(request_t *req);
void handle_flag_claim_doubt(request_t *req);
void handle_escalate_claim(request_t *req);
void handle_approve_claim(request_t *req);
void handle_reject_claim(request_t *req);
void handle_pay_claim(request_t *req);
void handle_record_visit(request_t *req);
void handle_add_supplementary_payout(request_t *req);
void handle_get_claim(request_t *req);
void handle_list_due_claims(request_t *req);
void handle_claim_history(request_t *req);

/* handle_reports.c */
void handle_get_report(request_t *req);

/* handle_exports.c: record-level exports, a page per request */
void handle_export_records(request_t *req);
/* handle_yearcycle.c: closing and reopening years, renewal */
void handle_close_year(request_t *req);
void handle_reopen_year(request_t *req);
void handle_get_year_history(request_t *req);
void handle_renew_year(request_t *req);

/* handle_import.c: bulk enrollment */
void handle_import_enrollments(request_t *req);

#endif
