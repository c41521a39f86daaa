#include "request_check.h"

#include "civil_date.h"
#include "idcard.h"
#include "request_check_rules.h"
#include "text_check.h"

#include "aixin/v1/registry.pb-c.h"
#include "aixin/v1/session.pb-c.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CODE_INVALID AIXIN__V1__ERROR_CODE__ERROR_CODE_INVALID_ARGUMENT

static void problem_clear(request_problem_t *p)
{
    p->code = AIXIN__V1__ERROR_CODE__ERROR_CODE_UNSPECIFIED;
    p->field[0] = '\0';
    p->message[0] = '\0';
}

/* Record a fault and return false, so checks read `return rc_fail(...)`. */
bool rc_fail(request_problem_t *p, Aixin__V1__ErrorCode code, const char *field,
     const char *fmt, ...)
{
    p->code = code;
    snprintf(p->field, sizeof(p->field), "%s", field);
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(p->message, sizeof(p->message), fmt, ap);
    va_end(ap);
    return false;
}

/* A hand-built message may leave strings NULL; unpack never does. */
const char *rc_str(const char *s)
{
    return s != NULL ? s : "";
}

/* True when s[0..len) starts or ends with a blank a keyboard or an input
 * method slips in: space, no-break space, ideographic space. */
static bool has_edge_blank(const char *s, size_t len)
{
    static const char *const blanks[] = {" ", "\xc2\xa0", "\xe3\x80\x80"};
    for (size_t i = 0; i < sizeof(blanks) / sizeof(blanks[0]); i++) {
        size_t n = strlen(blanks[i]);
        if (len >= n && (memcmp(s, blanks[i], n) == 0 ||
                         memcmp(s + len - n, blanks[i], n) == 0))
            return true;
    }
    return false;
}

/*
 * Single-line text of min_chars..max_chars code points. max_chars also
 * bounds the bytes (4 per code point) before anything is counted.
 */
bool rc_check_text(request_problem_t *p, const char *field,
                       const char *s, size_t min_chars, size_t max_chars)
{
    s = rc_str(s);
    size_t len = strlen(s);
    if (len <= max_chars * 4 && !text_check_utf8(s, len))
        return rc_fail(p, CODE_INVALID, field,
                    "%s is not valid single-line UTF-8 text", field);
    size_t chars = len > max_chars * 4 ? len
                                       : text_check_count_code_points(s, len);
    if (chars < min_chars || chars > max_chars)
        return rc_fail(p, CODE_INVALID, field, "%s must be %zu-%zu characters",
                    field, min_chars, max_chars);
    return true;
}

/* A person's name: 1..REQUEST_NAME_MAX_CHARS code points of text, without
 * blanks at either end (they would make "Li Hua" and "Li Hua " two
 * people). */
bool rc_check_name(request_problem_t *p, const char *field, const char *s)
{
    if (!rc_check_text(p, field, s, 1, REQUEST_NAME_MAX_CHARS))
        return false;
    s = rc_str(s);
    if (has_edge_blank(s, strlen(s)))
        return rc_fail(p, CODE_INVALID, field,
                    "%s must not begin or end with a blank", field);
    return true;
}

static bool check_username(request_problem_t *p, const char *field,
                           const char *s)
{
    s = rc_str(s);
    size_t len = strlen(s);
    bool ok = len >= REQUEST_USERNAME_MIN && len <= REQUEST_USERNAME_MAX;
    for (size_t i = 0; ok && i < len; i++) {
        char c = s[i];
        ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' ||
             c == '.' || c == '-';
    }
    if (!ok)
        return rc_fail(p, CODE_INVALID, field,
                    "%s must be %d-%d characters of a-z, 0-9, '_', '.', '-'",
                    field, REQUEST_USERNAME_MIN, REQUEST_USERNAME_MAX);
    return true;
}

/* min_chars is 1 for a login (any stored password is longer anyway) and
 * REQUEST_PASSWORD_MIN_CHARS for a new one. */
static bool check_password(request_problem_t *p, const char *field,
                           const char *s, size_t min_chars)
{
    s = rc_str(s);
    size_t len = strlen(s);
    if (len > REQUEST_PASSWORD_MAX_BYTES)
        return rc_fail(p, CODE_INVALID, field, "%s must be at most %d bytes",
                    field, REQUEST_PASSWORD_MAX_BYTES);
    if (!text_check_utf8(s, len))
        return rc_fail(p, CODE_INVALID, field,
                    "%s is not valid single-line UTF-8 text", field);
    if (text_check_count_code_points(s, len) < min_chars)
        return rc_fail(p, CODE_INVALID, field,
                    "%s must be at least %zu characters", field, min_chars);
    return true;
}

/* 6 digits (city, county) or 9 (township); which one fits is the
 * caller's rule, given as allow6/allow9. */
bool rc_check_division(request_problem_t *p, const char *field,
                           const char *s, bool allow6, bool allow9)
{
    s = rc_str(s);
    size_t len = strlen(s);
    bool ok = text_check_digits(s, len) &&
              ((len == 6 && allow6) || (len == 9 && allow9));
    if (!ok)
        return rc_fail(p, CODE_INVALID, field, "%s must be %s", field,
                    allow6 && allow9 ? "a 6- or 9-digit division code"
                    : allow6         ? "a 6-digit county or city code"
                                     : "a 9-digit township code");
    return true;
}

bool rc_check_id_number(request_problem_t *p, const char *field,
                            const char *s, idcard_info_t *info)
{
    s = rc_str(s);
    idcard_result_t r = idcard_parse(s, strlen(s), info);
    if (r != IDCARD_OK)
        return rc_fail(p, CODE_INVALID, field, "%s: %s", field,
                    idcard_result_message(r));
    return true;
}

bool rc_check_date(request_problem_t *p, const char *field,
                       const char *s, civil_date_t *out)
{
    s = rc_str(s);
    if (!civil_date_parse(s, strlen(s), out))
        return rc_fail(p, CODE_INVALID, field,
                    "%s must be a real date YYYY-MM-DD from 1900 to 2999",
                    field);
    return true;
}

bool rc_check_policy_year(request_problem_t *p, const char *field,
                              int32_t year)
{
    if (year < REQUEST_POLICY_YEAR_MIN || year > REQUEST_POLICY_YEAR_MAX)
        return rc_fail(p, CODE_INVALID, field, "%s must be %d-%d", field,
                    REQUEST_POLICY_YEAR_MIN, REQUEST_POLICY_YEAR_MAX);
    return true;
}

static bool check_hello(request_problem_t *p, const Aixin__V1__Hello *m)
{
    if (m->min_version == 0)
        return rc_fail(p, CODE_INVALID, "min_version",
                    "min_version must be at least 1");
    if (m->max_version < m->min_version)
        return rc_fail(p, CODE_INVALID, "max_version",
                    "max_version must not be below min_version");
    return rc_check_text(p, "client_name", m->client_name, 0,
                      REQUEST_CLIENT_NAME_MAX_CHARS);
}

static bool check_login(request_problem_t *p, const Aixin__V1__Login *m)
{
    return check_username(p, "username", m->username) &&
           check_password(p, "password", m->password, 1);
}

static bool check_authenticate(request_problem_t *p,
                               const Aixin__V1__Authenticate *m)
{
    const char *t = rc_str(m->token);
    size_t len = strlen(t);
    if (len > REQUEST_TOKEN_MAX || !text_check_ascii_graph(t, len))
        return rc_fail(p, CODE_INVALID, "token",
                    "token must be 1-%d printable ASCII characters",
                    REQUEST_TOKEN_MAX);
    return true;
}

static bool check_create_account(request_problem_t *p,
                                 const Aixin__V1__CreateAccount *m)
{
    /* Adjusters belong to an insurer; nobody else does. */
    bool adjuster = m->role == AIXIN__V1__ROLE__ROLE_INSURER_ADJUSTER;
    if (adjuster && !rc_check_insurer_code(p, "insurer_code", m->insurer_code))
        return false;
    if (!adjuster && rc_str(m->insurer_code)[0] != '\0')
        return rc_fail(p, CODE_INVALID, "insurer_code",
                       "only insurer adjusters have an insurer");
    if (!adjuster && m->supervisor)
        return rc_fail(p, CODE_INVALID, "supervisor",
                       "only insurer adjusters can be supervisors");
    if (!check_username(p, "username", m->username) ||
        !check_password(p, "password", m->password,
                        REQUEST_PASSWORD_MIN_CHARS))
        return false;
    /* The scope's level follows from the role, so a clerk can not be given
     * a division of the wrong level by a slip of the keyboard. */
    switch (m->role) {
    case AIXIN__V1__ROLE__ROLE_CITY_ADMIN:
    case AIXIN__V1__ROLE__ROLE_COUNTY_CLERK:
        return rc_check_division(p, "division_code", m->division_code, true,
                              false);
    case AIXIN__V1__ROLE__ROLE_TOWNSHIP_CLERK:
        return rc_check_division(p, "division_code", m->division_code, false,
                              true);
    case AIXIN__V1__ROLE__ROLE_INSURER_ADJUSTER:
    case AIXIN__V1__ROLE__ROLE_AUDITOR:
        return rc_check_division(p, "division_code", m->division_code, true,
                              true);
    default:
        return rc_fail(p, CODE_INVALID, "role", "role %d is not a known role",
                    (int)m->role);
    }
}

static bool check_list_divisions(request_problem_t *p,
                                 const Aixin__V1__ListDivisions *m)
{
    if (rc_str(m->root_code)[0] == '\0')
        return true; /* the caller's own division */
    return rc_check_division(p, "root_code", m->root_code, true, true);
}

bool rc_check_certificate(request_problem_t *p, const char *field,
                          const char *s)
{
    s = rc_str(s);
    size_t len = strlen(s);
    if (len > REQUEST_CERTIFICATE_MAX || !text_check_ascii_graph(s, len))
        return rc_fail(p, CODE_INVALID, field,
                       "%s must be 1-%d printable ASCII characters without "
                       "spaces",
                       field, REQUEST_CERTIFICATE_MAX);
    return true;
}

static bool check_register_household(request_problem_t *p,
                                     const Aixin__V1__RegisterHousehold *m)
{
    if (!rc_check_division(p, "township_code", m->township_code, false, true))
        return false;
    if (m->kind != AIXIN__V1__HOUSEHOLD_KIND__HOUSEHOLD_KIND_ONLY_CHILD &&
        m->kind != AIXIN__V1__HOUSEHOLD_KIND__HOUSEHOLD_KIND_TWO_DAUGHTERS)
        return rc_fail(p, CODE_INVALID, "kind",
                    "kind %d is not a known household kind", (int)m->kind);
    /* Both kinds are registered on a document: the only-child certificate
     * (独生子女证) or the two-daughter household's. Its number identifies
     * the household, so it is required. */
    if (!rc_check_certificate(p, "certificate_no", m->certificate_no))
        return false;
    if (m->n_guardians < 1 || m->n_guardians > REQUEST_GUARDIANS_MAX)
        return rc_fail(p, CODE_INVALID, "guardians",
                    "a household has 1 or 2 guardians, not %zu",
                    m->n_guardians);
    for (size_t i = 0; i < m->n_guardians; i++) {
        char field[REQUEST_FIELD_SIZE];
        const Aixin__V1__Guardian *g = m->guardians[i];
        if (g == NULL) {
            snprintf(field, sizeof(field), "guardians[%zu]", i);
            return rc_fail(p, CODE_INVALID, field, "%s is missing", field);
        }
        snprintf(field, sizeof(field), "guardians[%zu].id_number", i);
        if (!rc_check_id_number(p, field, g->id_number, NULL))
            return false;
        for (size_t j = 0; j < i; j++)
            if (m->guardians[j] != NULL &&
                strcmp(rc_str(m->guardians[j]->id_number),
                       rc_str(g->id_number)) == 0)
                return rc_fail(p, CODE_INVALID, field,
                            "%s repeats guardians[%zu].id_number", field, j);
        snprintf(field, sizeof(field), "guardians[%zu].name", i);
        if (!rc_check_name(p, field, g->name))
            return false;
    }
    return true;
}

bool rc_check_child(request_problem_t *p, const char *id_field,
                    const char *id_number, const char *sex_field,
                    Aixin__V1__Sex sex, const char *birth_field,
                    const char *birth_date)
{
    idcard_info_t id;
    if (!rc_check_id_number(p, id_field, id_number, &id))
        return false;
    /* Sex and birth date may be left out (then taken from the ID number);
     * when given they must say the same as the ID number, which catches
     * a mistyped number that still has a valid check character. */
    switch (sex) {
    case AIXIN__V1__SEX__SEX_UNSPECIFIED:
        break;
    case AIXIN__V1__SEX__SEX_MALE:
    case AIXIN__V1__SEX__SEX_FEMALE: {
        char c = sex == AIXIN__V1__SEX__SEX_MALE ? 'M' : 'F';
        if (c != id.sex)
            return rc_fail(p, CODE_INVALID, sex_field,
                           "%s disagrees with the ID number, which says %s",
                           sex_field, id.sex == 'M' ? "male" : "female");
        break;
    }
    default:
        return rc_fail(p, CODE_INVALID, sex_field, "%s %d is not a known sex",
                       sex_field, (int)sex);
    }
    if (rc_str(birth_date)[0] != '\0') {
        civil_date_t birth;
        if (!rc_check_date(p, birth_field, birth_date, &birth))
            return false;
        if (birth.year != id.year || birth.month != id.month ||
            birth.day != id.day)
            return rc_fail(p, CODE_INVALID, birth_field,
                           "%s disagrees with the ID number, which says "
                           "%04d-%02d-%02d",
                           birth_field, id.year, id.month, id.day);
    }
    return true;
}

static bool check_add_child(request_problem_t *p,
                            const Aixin__V1__AddChild *m)
{
    if (m->household_id <= 0)
        return rc_fail(p, CODE_INVALID, "household_id",
                       "household_id must be a positive household id");
    return rc_check_child(p, "id_number", m->id_number, "sex", m->sex,
                          "birth_date", m->birth_date) &&
           rc_check_name(p, "name", m->name);
}

static bool check_enroll(request_problem_t *p, const Aixin__V1__Enroll *m)
{
    return rc_check_id_number(p, "child_id_number", m->child_id_number, NULL) &&
           rc_check_policy_year(p, "policy_year", m->policy_year);
}

/* Setting names are lowercase identifiers; which exist is the server's
 * business (aixin.year_setting_kinds). */
static bool check_setting_name(request_problem_t *p, const char *field,
                               const char *name)
{
    const char *s = rc_str(name);
    size_t n = strlen(s);
    bool ok = n >= 2 && n <= 63 && s[0] >= 'a' && s[0] <= 'z';
    for (size_t i = 1; ok && i < n; i++)
        ok = (s[i] >= 'a' && s[i] <= 'z') || (s[i] >= '0' && s[i] <= '9') ||
             s[i] == '_';
    if (!ok)
        return rc_fail(p, CODE_INVALID, field,
                       "%s must be a setting name such as "
                       "grievance_answer_days", field);
    return true;
}

/* A decision on a pending money request (pending.proto): a reason is
 * required to decline, optional to confirm. */
static bool check_confirm_pending(request_problem_t *p,
                                  const Aixin__V1__ConfirmPending *m)
{
    if (m->pending_id <= 0)
        return rc_fail(p, CODE_INVALID, "pending_id",
                       "pending_id must be positive");
    if (m->decision != AIXIN__V1__PENDING_DECISION__PENDING_DECISION_CONFIRM &&
        m->decision != AIXIN__V1__PENDING_DECISION__PENDING_DECISION_DECLINE)
        return rc_fail(p, CODE_INVALID, "decision",
                       "decision must be confirm or decline");
    const char *reason = rc_str(m->reason);
    if (m->decision == AIXIN__V1__PENDING_DECISION__PENDING_DECISION_DECLINE ||
        reason[0] != '\0')
        return rc_check_text(p, "reason", reason, 1, 500);
    return true;
}

/* "YYYY-MM", a month of the years policies may have (2000-2100). */
static bool check_audit_month(request_problem_t *p, const char *month)
{
    const char *s = rc_str(month);
    bool ok = strlen(s) == 7 && s[4] == '-';
    for (size_t i = 0; ok && i < 7; i++)
        ok = i == 4 || (s[i] >= '0' && s[i] <= '9');
    if (ok) {
        int year = atoi(s), mon = atoi(s + 5);
        ok = year >= 2000 && year <= 2100 && mon >= 1 && mon <= 12;
    }
    if (!ok)
        return rc_fail(p, CODE_INVALID, "month",
                       "month must be YYYY-MM, e.g. 2027-04");
    return true;
}

/* The shape of a finding; whether the amount is within what was paid is
 * the database's to judge. */
static bool check_audit_finding(request_problem_t *p,
                                const Aixin__V1__RecordAuditFinding *m)
{
    if (m->claim_id <= 0)
        return rc_fail(p, CODE_INVALID, "claim_id", "claim_id must be positive");
    switch (m->result) {
    case AIXIN__V1__AUDIT_RESULT__AUDIT_RESULT_OK:
        if (m->recovered_fen != 0)
            return rc_fail(p, CODE_INVALID, "recovered_fen",
                           "a finding of ok recovers nothing");
        break;
    case AIXIN__V1__AUDIT_RESULT__AUDIT_RESULT_RECOVERED:
        if (m->recovered_fen <= 0)
            return rc_fail(p, CODE_INVALID, "recovered_fen",
                           "a recovery needs the amount recovered, more than 0");
        break;
    default:
        return rc_fail(p, CODE_INVALID, "result",
                       "result must be ok or recovered");
    }
    return rc_check_text(p, "note", m->note, 1, 500);
}

bool request_body_is_mutating(Aixin__V1__Request__BodyCase body)
{
    switch (body) {
    case AIXIN__V1__REQUEST__BODY_CREATE_ACCOUNT:
    case AIXIN__V1__REQUEST__BODY_REGISTER_HOUSEHOLD:
    case AIXIN__V1__REQUEST__BODY_ADD_CHILD:
    case AIXIN__V1__REQUEST__BODY_ENROLL:
    case AIXIN__V1__REQUEST__BODY_OPEN_POLICY_YEAR:
    case AIXIN__V1__REQUEST__BODY_UPDATE_POLICY_YEAR:
    case AIXIN__V1__REQUEST__BODY_REGISTER_INSURER:
    case AIXIN__V1__REQUEST__BODY_SET_COUNTY_TERMS:
    case AIXIN__V1__REQUEST__BODY_SUBMIT_CENSUS:
    case AIXIN__V1__REQUEST__BODY_RECORD_DISBURSEMENT:
    case AIXIN__V1__REQUEST__BODY_BIND_CERTIFICATE:
    case AIXIN__V1__REQUEST__BODY_FILE_CLAIM:
    case AIXIN__V1__REQUEST__BODY_ADD_CLAIM_DOCUMENTS:
    case AIXIN__V1__REQUEST__BODY_REVIEW_CLAIM:
    case AIXIN__V1__REQUEST__BODY_FLAG_CLAIM_DOUBT:
    case AIXIN__V1__REQUEST__BODY_ESCALATE_CLAIM:
    case AIXIN__V1__REQUEST__BODY_APPROVE_CLAIM:
    case AIXIN__V1__REQUEST__BODY_REJECT_CLAIM:
    case AIXIN__V1__REQUEST__BODY_PAY_CLAIM:
    case AIXIN__V1__REQUEST__BODY_RECORD_VISIT:
    case AIXIN__V1__REQUEST__BODY_ADD_SUPPLEMENTARY_PAYOUT:
    case AIXIN__V1__REQUEST__BODY_UNLOCK_ACCOUNT:
    case AIXIN__V1__REQUEST__BODY_DISABLE_ACCOUNT:
    case AIXIN__V1__REQUEST__BODY_CHANGE_PASSWORD:
    case AIXIN__V1__REQUEST__BODY_RESET_PASSWORD:
    case AIXIN__V1__REQUEST__BODY_SET_YEAR_SETTING:
    case AIXIN__V1__REQUEST__BODY_FILE_GRIEVANCE:
    case AIXIN__V1__REQUEST__BODY_ASSIGN_GRIEVANCE:
    case AIXIN__V1__REQUEST__BODY_ANSWER_GRIEVANCE:
    case AIXIN__V1__REQUEST__BODY_CLOSE_GRIEVANCE:
    case AIXIN__V1__REQUEST__BODY_CONFIRM_PENDING:
    case AIXIN__V1__REQUEST__BODY_CLOSE_YEAR:
    case AIXIN__V1__REQUEST__BODY_REOPEN_YEAR:
    case AIXIN__V1__REQUEST__BODY_DRAW_AUDIT_SAMPLE:
    case AIXIN__V1__REQUEST__BODY_RECORD_AUDIT_FINDING:
        return true;
    default:
        return false;
    }
}

bool request_is_mutating(const Aixin__V1__Request *req)
{
    return req != NULL && request_body_is_mutating(req->body_case);
}

const char *request_body_name(Aixin__V1__Request__BodyCase body)
{
    switch (body) {
    case AIXIN__V1__REQUEST__BODY__NOT_SET: return "none";
    case AIXIN__V1__REQUEST__BODY_HELLO: return "hello";
    case AIXIN__V1__REQUEST__BODY_LOGIN: return "login";
    case AIXIN__V1__REQUEST__BODY_AUTHENTICATE: return "authenticate";
    case AIXIN__V1__REQUEST__BODY_LOGOUT: return "logout";
    case AIXIN__V1__REQUEST__BODY_CREATE_ACCOUNT: return "create_account";
    case AIXIN__V1__REQUEST__BODY_LIST_DIVISIONS: return "list_divisions";
    case AIXIN__V1__REQUEST__BODY_REGISTER_HOUSEHOLD:
        return "register_household";
    case AIXIN__V1__REQUEST__BODY_ADD_CHILD: return "add_child";
    case AIXIN__V1__REQUEST__BODY_ENROLL: return "enroll";
    case AIXIN__V1__REQUEST__BODY_FIND_HOUSEHOLD: return "find_household";
    case AIXIN__V1__REQUEST__BODY_LIST_POLICIES: return "list_policies";
    case AIXIN__V1__REQUEST__BODY_OPEN_POLICY_YEAR: return "open_policy_year";
    case AIXIN__V1__REQUEST__BODY_LIST_POLICY_YEARS:
        return "list_policy_years";
    case AIXIN__V1__REQUEST__BODY_UPDATE_POLICY_YEAR:
        return "update_policy_year";
    case AIXIN__V1__REQUEST__BODY_GET_POLICY_YEAR: return "get_policy_year";
    case AIXIN__V1__REQUEST__BODY_REGISTER_INSURER: return "register_insurer";
    case AIXIN__V1__REQUEST__BODY_LIST_INSURERS: return "list_insurers";
    case AIXIN__V1__REQUEST__BODY_SET_COUNTY_TERMS: return "set_county_terms";
    case AIXIN__V1__REQUEST__BODY_LIST_COUNTY_TERMS: return "list_county_terms";
    case AIXIN__V1__REQUEST__BODY_SUBMIT_CENSUS: return "submit_census";
    case AIXIN__V1__REQUEST__BODY_LIST_CENSUS: return "list_census";
    case AIXIN__V1__REQUEST__BODY_RECORD_DISBURSEMENT:
        return "record_disbursement";
    case AIXIN__V1__REQUEST__BODY_GET_LEDGER: return "get_ledger";
    case AIXIN__V1__REQUEST__BODY_IMPORT_ENROLLMENTS:
        return "import_enrollments";
    case AIXIN__V1__REQUEST__BODY_CERTIFICATE_LOGIN:
        return "certificate_login";
    case AIXIN__V1__REQUEST__BODY_BIND_CERTIFICATE:
        return "bind_certificate";
    case AIXIN__V1__REQUEST__BODY_GET_REPORT:
        return "get_report";
    case AIXIN__V1__REQUEST__BODY_FILE_CLAIM:
        return "file_claim";
    case AIXIN__V1__REQUEST__BODY_ADD_CLAIM_DOCUMENTS:
        return "add_claim_documents";
    case AIXIN__V1__REQUEST__BODY_REVIEW_CLAIM:
        return "review_claim";
    case AIXIN__V1__REQUEST__BODY_FLAG_CLAIM_DOUBT:
        return "flag_claim_doubt";
    case AIXIN__V1__REQUEST__BODY_ESCALATE_CLAIM:
        return "escalate_claim";
    case AIXIN__V1__REQUEST__BODY_APPROVE_CLAIM:
        return "approve_claim";
    case AIXIN__V1__REQUEST__BODY_REJECT_CLAIM:
        return "reject_claim";
    case AIXIN__V1__REQUEST__BODY_PAY_CLAIM:
        return "pay_claim";
    case AIXIN__V1__REQUEST__BODY_RECORD_VISIT:
        return "record_visit";
    case AIXIN__V1__REQUEST__BODY_ADD_SUPPLEMENTARY_PAYOUT:
        return "add_supplementary_payout";
    case AIXIN__V1__REQUEST__BODY_GET_CLAIM:
        return "get_claim";
    case AIXIN__V1__REQUEST__BODY_LIST_DUE_CLAIMS:
        return "list_due_claims";
    case AIXIN__V1__REQUEST__BODY_CLAIM_HISTORY:
        return "claim_history";
    case AIXIN__V1__REQUEST__BODY_UNLOCK_ACCOUNT: return "unlock_account";
    case AIXIN__V1__REQUEST__BODY_DISABLE_ACCOUNT: return "disable_account";
    case AIXIN__V1__REQUEST__BODY_CHANGE_PASSWORD: return "change_password";
    case AIXIN__V1__REQUEST__BODY_RESET_PASSWORD: return "reset_password";
    case AIXIN__V1__REQUEST__BODY_LIST_AUDIT: return "list_audit";
    case AIXIN__V1__REQUEST__BODY_VERIFY_AUDIT: return "verify_audit";
    case AIXIN__V1__REQUEST__BODY_SET_YEAR_SETTING: return "set_year_setting";
    case AIXIN__V1__REQUEST__BODY_LIST_YEAR_SETTINGS:
        return "list_year_settings";
    case AIXIN__V1__REQUEST__BODY_EXPORT_RECORDS: return "export_records";
    case AIXIN__V1__REQUEST__BODY_FILE_GRIEVANCE: return "file_grievance";
    case AIXIN__V1__REQUEST__BODY_ASSIGN_GRIEVANCE: return "assign_grievance";
    case AIXIN__V1__REQUEST__BODY_ANSWER_GRIEVANCE: return "answer_grievance";
    case AIXIN__V1__REQUEST__BODY_CLOSE_GRIEVANCE: return "close_grievance";
    case AIXIN__V1__REQUEST__BODY_LIST_GRIEVANCES: return "list_grievances";
    case AIXIN__V1__REQUEST__BODY_GET_GRIEVANCE: return "get_grievance";
    case AIXIN__V1__REQUEST__BODY_GRIEVANCE_HISTORY: return "grievance_history";
    case AIXIN__V1__REQUEST__BODY_LIST_ALERTS: return "list_alerts";
    case AIXIN__V1__REQUEST__BODY_CONFIRM_PENDING: return "confirm_pending";
    case AIXIN__V1__REQUEST__BODY_LIST_PENDING: return "list_pending";
    case AIXIN__V1__REQUEST__BODY_CLOSE_YEAR: return "close_year";
    case AIXIN__V1__REQUEST__BODY_REOPEN_YEAR: return "reopen_year";
    case AIXIN__V1__REQUEST__BODY_GET_YEAR_HISTORY: return "get_year_history";
    case AIXIN__V1__REQUEST__BODY_RENEW_YEAR: return "renew_year";
    case AIXIN__V1__REQUEST__BODY_DRAW_AUDIT_SAMPLE:
        return "draw_audit_sample";
    case AIXIN__V1__REQUEST__BODY_RECORD_AUDIT_FINDING:
        return "record_audit_finding";

    default: return "unknown";
    }
}

/* Exactly one of the three numbers, and that one well formed. */
static bool check_find_household(request_problem_t *p,
                                 const Aixin__V1__FindHousehold *m)
{
    const char *guardian = rc_str(m->guardian_id_number);
    const char *certificate = rc_str(m->certificate_no);
    const char *child = rc_str(m->child_id_number);
    int given = (guardian[0] != '\0') + (certificate[0] != '\0') +
                (child[0] != '\0');
    if (given != 1)
        return rc_fail(p, CODE_INVALID, "guardian_id_number",
                       "give exactly one of guardian_id_number, "
                       "certificate_no and child_id_number");
    if (certificate[0] != '\0')
        return rc_check_certificate(p, "certificate_no", certificate);
    if (child[0] != '\0')
        return rc_check_id_number(p, "child_id_number", child, NULL);
    return rc_check_id_number(p, "guardian_id_number", guardian, NULL);
}

bool request_check(const Aixin__V1__Request *req, request_problem_t *p)
{
    problem_clear(p);
    if (req->request_id == 0)
        return rc_fail(p, CODE_INVALID, "request_id",
                    "request_id must not be 0");
    size_t key_len = req->idempotency_key.len;
    if (request_is_mutating(req)) {
        if (key_len != REQUEST_IDEMPOTENCY_KEY_SIZE)
            return rc_fail(p, CODE_INVALID, "idempotency_key",
                        "%s needs an idempotency_key of %d bytes, not %zu",
                        request_body_name(req->body_case),
                        REQUEST_IDEMPOTENCY_KEY_SIZE, key_len);
    } else if (key_len != 0 && key_len != REQUEST_IDEMPOTENCY_KEY_SIZE) {
        return rc_fail(p, CODE_INVALID, "idempotency_key",
                    "idempotency_key must be empty or %d bytes, not %zu",
                    REQUEST_IDEMPOTENCY_KEY_SIZE, key_len);
    }
    if (req->body_case == AIXIN__V1__REQUEST__BODY__NOT_SET)
        return rc_fail(p, CODE_INVALID, "body", "the request has no body");
    /* Every member of the union is a pointer; hand-built requests may
     * leave it NULL. */
    if (req->hello == NULL)
        return rc_fail(p, CODE_INVALID, "body", "the %s body is missing",
                    request_body_name(req->body_case));
    switch (req->body_case) {
    case AIXIN__V1__REQUEST__BODY_HELLO:
        return check_hello(p, req->hello);
    case AIXIN__V1__REQUEST__BODY_LOGIN:
        return check_login(p, req->login);
    case AIXIN__V1__REQUEST__BODY_AUTHENTICATE:
        return check_authenticate(p, req->authenticate);
    case AIXIN__V1__REQUEST__BODY_LOGOUT:
    case AIXIN__V1__REQUEST__BODY_LIST_POLICY_YEARS:
        return true;
    case AIXIN__V1__REQUEST__BODY_CREATE_ACCOUNT:
        return check_create_account(p, req->create_account);
    case AIXIN__V1__REQUEST__BODY_LIST_DIVISIONS:
        return check_list_divisions(p, req->list_divisions);
    case AIXIN__V1__REQUEST__BODY_REGISTER_HOUSEHOLD:
        return check_register_household(p, req->register_household);
    case AIXIN__V1__REQUEST__BODY_ADD_CHILD:
        return check_add_child(p, req->add_child);
    case AIXIN__V1__REQUEST__BODY_ENROLL:
        return check_enroll(p, req->enroll);
    case AIXIN__V1__REQUEST__BODY_FIND_HOUSEHOLD:
        return check_find_household(p, req->find_household);
    case AIXIN__V1__REQUEST__BODY_LIST_POLICIES:
        return rc_check_id_number(p, "child_id_number",
                               req->list_policies->child_id_number, NULL);
    case AIXIN__V1__REQUEST__BODY_OPEN_POLICY_YEAR:
    case AIXIN__V1__REQUEST__BODY_UPDATE_POLICY_YEAR:
    case AIXIN__V1__REQUEST__BODY_GET_POLICY_YEAR:
    case AIXIN__V1__REQUEST__BODY_REGISTER_INSURER:
    case AIXIN__V1__REQUEST__BODY_LIST_INSURERS:
    case AIXIN__V1__REQUEST__BODY_SET_COUNTY_TERMS:
    case AIXIN__V1__REQUEST__BODY_LIST_COUNTY_TERMS:
    case AIXIN__V1__REQUEST__BODY_SUBMIT_CENSUS:
    case AIXIN__V1__REQUEST__BODY_LIST_CENSUS:
    case AIXIN__V1__REQUEST__BODY_RECORD_DISBURSEMENT:
    case AIXIN__V1__REQUEST__BODY_GET_LEDGER:
        return request_check_programme(req, p);
    case AIXIN__V1__REQUEST__BODY_IMPORT_ENROLLMENTS:
        return request_check_import(req->import_enrollments, p);
    case AIXIN__V1__REQUEST__BODY_FILE_CLAIM:
    case AIXIN__V1__REQUEST__BODY_ADD_CLAIM_DOCUMENTS:
    case AIXIN__V1__REQUEST__BODY_REVIEW_CLAIM:
    case AIXIN__V1__REQUEST__BODY_FLAG_CLAIM_DOUBT:
    case AIXIN__V1__REQUEST__BODY_ESCALATE_CLAIM:
    case AIXIN__V1__REQUEST__BODY_APPROVE_CLAIM:
    case AIXIN__V1__REQUEST__BODY_REJECT_CLAIM:
    case AIXIN__V1__REQUEST__BODY_PAY_CLAIM:
    case AIXIN__V1__REQUEST__BODY_RECORD_VISIT:
    case AIXIN__V1__REQUEST__BODY_ADD_SUPPLEMENTARY_PAYOUT:
    case AIXIN__V1__REQUEST__BODY_GET_CLAIM:
    case AIXIN__V1__REQUEST__BODY_LIST_DUE_CLAIMS:
    case AIXIN__V1__REQUEST__BODY_CLAIM_HISTORY:
        return request_check_claims(req, p);
    case AIXIN__V1__REQUEST__BODY_GET_REPORT: {
        const Aixin__V1__GetReport *m = req->get_report;
        if ((m->kind < AIXIN__V1__REPORT_KIND__REPORT_KIND_ENROLLMENT ||
             m->kind > AIXIN__V1__REPORT_KIND__REPORT_KIND_ASSESSMENT) &&
            m->kind != AIXIN__V1__REPORT_KIND__REPORT_KIND_GRIEVANCES &&
            m->kind != AIXIN__V1__REPORT_KIND__REPORT_KIND_POST_AUDIT)
            return rc_fail(p, CODE_INVALID, "kind", "unknown report kind");
        if (!rc_check_policy_year(p, "year_from", m->year_from) ||
            !rc_check_policy_year(p, "year_to", m->year_to))
            return false;
        if (m->year_from > m->year_to)
            return rc_fail(p, CODE_INVALID, "year_to",
                           "year_to is before year_from");
        return rc_str(m->division_code)[0] == '\0' ||
               rc_check_division(p, "division_code", m->division_code, true,
                                 true);
    }
    case AIXIN__V1__REQUEST__BODY_CERTIFICATE_LOGIN:
    case AIXIN__V1__REQUEST__BODY_VERIFY_AUDIT:
        return true;
    case AIXIN__V1__REQUEST__BODY_EXPORT_RECORDS:
        return request_check_exports(req, p);
    case AIXIN__V1__REQUEST__BODY_CLOSE_YEAR:
    case AIXIN__V1__REQUEST__BODY_REOPEN_YEAR:
    case AIXIN__V1__REQUEST__BODY_GET_YEAR_HISTORY:
    case AIXIN__V1__REQUEST__BODY_RENEW_YEAR:
        return request_check_yearcycle(req, p);
    case AIXIN__V1__REQUEST__BODY_UNLOCK_ACCOUNT:
        return check_username(p, "username", req->unlock_account->username);
    case AIXIN__V1__REQUEST__BODY_DISABLE_ACCOUNT:
        return check_username(p, "username", req->disable_account->username);
    case AIXIN__V1__REQUEST__BODY_CHANGE_PASSWORD:
        return check_password(p, "old_password",
                              req->change_password->old_password, 1) &&
               check_password(p, "new_password",
                              req->change_password->new_password,
                              REQUEST_PASSWORD_MIN_CHARS);
    case AIXIN__V1__REQUEST__BODY_RESET_PASSWORD:
        return check_username(p, "username", req->reset_password->username) &&
               check_password(p, "new_password",
                              req->reset_password->new_password,
                              REQUEST_PASSWORD_MIN_CHARS);
    case AIXIN__V1__REQUEST__BODY_LIST_AUDIT: {
        const Aixin__V1__ListAudit *m = req->list_audit;
        if (rc_str(m->username)[0] != '\0' &&
            !check_username(p, "username", m->username))
            return false;
        if (m->from < 0 || m->to < 0 || (m->to != 0 && m->to < m->from))
            return rc_fail(p, CODE_INVALID, "to",
                           "from and to are unix seconds, from before to");
        return rc_str(m->division_code)[0] == '\0' ||
               rc_check_division(p, "division_code", m->division_code, true,
                                 true);
    }
    case AIXIN__V1__REQUEST__BODY_BIND_CERTIFICATE: {
        const char *sha = rc_str(req->bind_certificate->sha256);
        size_t n = strlen(sha);
        bool ok = n == 0 || n == 64;
        for (size_t i = 0; ok && i < n; i++)
            ok = (sha[i] >= '0' && sha[i] <= '9') || (sha[i] >= 'a' && sha[i] <= 'f');
        if (!ok)
            return rc_fail(p, CODE_INVALID, "sha256",
                           "sha256 must be empty or 64 lowercase hex digits");
        return check_username(p, "username", req->bind_certificate->username);
    }
    case AIXIN__V1__REQUEST__BODY_SET_YEAR_SETTING:
        return rc_check_policy_year(p, "year", req->set_year_setting->year) &&
               check_setting_name(p, "name", req->set_year_setting->name);
    case AIXIN__V1__REQUEST__BODY_LIST_YEAR_SETTINGS:
        return rc_check_policy_year(p, "year", req->list_year_settings->year);
    case AIXIN__V1__REQUEST__BODY_FILE_GRIEVANCE:
    case AIXIN__V1__REQUEST__BODY_ASSIGN_GRIEVANCE:
    case AIXIN__V1__REQUEST__BODY_ANSWER_GRIEVANCE:
    case AIXIN__V1__REQUEST__BODY_CLOSE_GRIEVANCE:
    case AIXIN__V1__REQUEST__BODY_LIST_GRIEVANCES:
    case AIXIN__V1__REQUEST__BODY_GET_GRIEVANCE:
    case AIXIN__V1__REQUEST__BODY_GRIEVANCE_HISTORY:
    case AIXIN__V1__REQUEST__BODY_LIST_ALERTS:
        return request_check_grievances(req, p);
    case AIXIN__V1__REQUEST__BODY_CONFIRM_PENDING:
        return check_confirm_pending(p, req->confirm_pending);
    case AIXIN__V1__REQUEST__BODY_LIST_PENDING:
        return req->list_pending->policy_year == 0 ||
               rc_check_policy_year(p, "policy_year",
                                    req->list_pending->policy_year);
    case AIXIN__V1__REQUEST__BODY_DRAW_AUDIT_SAMPLE:
        return check_audit_month(p, req->draw_audit_sample->month);
    case AIXIN__V1__REQUEST__BODY_RECORD_AUDIT_FINDING:
        return check_audit_finding(p, req->record_audit_finding);
    default:
        return rc_fail(p, CODE_INVALID, "body", "body %d is not a known request",
                    (int)req->body_case);
    }
}

/* ---- raw wire walk for strings ---- */

/* Nesting in the schema is Request > body > Guardian; anything deeper
 * than this can not be a Request. */
#define WIRE_MAX_DEPTH 8

static bool wire_varint(const uint8_t *data, size_t len, size_t *off,
                        uint64_t *out)
{
    uint64_t v = 0;
    for (unsigned shift = 0; shift < 64; shift += 7) {
        if (*off >= len)
            return false;
        uint8_t b = data[(*off)++];
        v |= (uint64_t)(b & 0x7F) << shift;
        if ((b & 0x80) == 0) {
            *out = v;
            return true;
        }
    }
    return false;
}

/*
 * Walk one message's fields. path is the field path of this message
 * ("" for the request and its body, which paths leave out).
 */
static bool wire_walk(const ProtobufCMessageDescriptor *desc,
                      const uint8_t *data, size_t len, const char *path,
                      int depth, request_problem_t *p)
{
    /* Occurrences so far of each repeated field, for "[i]" in paths. The
     * schema's messages have fewer fields than this. */
    size_t seen[16] = {0};
    size_t off = 0;
    while (off < len) {
        uint64_t tag;
        if (!wire_varint(data, len, &off, &tag) || (tag >> 3) == 0 ||
            (tag >> 3) > UINT32_MAX)
            return rc_fail(p, AIXIN__V1__ERROR_CODE__ERROR_CODE_BAD_FRAME, path,
                        "payload is not a readable Request");
        unsigned wire_type = (unsigned)(tag & 7);
        uint64_t skip = 0, value;
        switch (wire_type) {
        case 0: /* varint */
            if (!wire_varint(data, len, &off, &value))
                return rc_fail(p, AIXIN__V1__ERROR_CODE__ERROR_CODE_BAD_FRAME,
                            path, "payload is not a readable Request");
            continue;
        case 1: /* 64-bit */
            skip = 8;
            break;
        case 5: /* 32-bit */
            skip = 4;
            break;
        case 2: /* length-delimited */
            if (!wire_varint(data, len, &off, &skip))
                return rc_fail(p, AIXIN__V1__ERROR_CODE__ERROR_CODE_BAD_FRAME,
                            path, "payload is not a readable Request");
            break;
        default: /* groups: not in proto3, not in this schema */
            return rc_fail(p, AIXIN__V1__ERROR_CODE__ERROR_CODE_BAD_FRAME, path,
                        "payload is not a readable Request");
        }
        if (skip > len - off)
            return rc_fail(p, AIXIN__V1__ERROR_CODE__ERROR_CODE_BAD_FRAME, path,
                        "payload is not a readable Request");
        const uint8_t *value_data = data + off;
        size_t value_len = (size_t)skip;
        off += value_len;
        const ProtobufCFieldDescriptor *f =
            protobuf_c_message_descriptor_get_field(desc, (unsigned)(tag >> 3));
        if (f == NULL || wire_type != 2)
            continue; /* unknown fields and scalars carry no text */
        if (f->type != PROTOBUF_C_TYPE_STRING &&
            f->type != PROTOBUF_C_TYPE_MESSAGE)
            continue;
        char field[REQUEST_FIELD_SIZE];
        size_t index = (size_t)(f - desc->fields);
        const char *sep = path[0] != '\0' ? "." : "";
        if (f->label == PROTOBUF_C_LABEL_REPEATED &&
            index < sizeof(seen) / sizeof(seen[0]))
            snprintf(field, sizeof(field), "%s%s%s[%zu]", path, sep, f->name,
                     seen[index]++);
        else
            snprintf(field, sizeof(field), "%s%s%s", path, sep, f->name);
        if (f->type == PROTOBUF_C_TYPE_STRING) {
            if (!text_check_utf8((const char *)value_data, value_len))
                return rc_fail(p, CODE_INVALID, field,
                            "%s is not valid single-line UTF-8 text", field);
            continue;
        }
        if (depth + 1 >= WIRE_MAX_DEPTH)
            return rc_fail(p, AIXIN__V1__ERROR_CODE__ERROR_CODE_BAD_FRAME, path,
                        "payload is not a readable Request");
        /* The body's own name is left out of paths: depth 0 is the
         * Request, whose message fields are all body members. */
        if (!wire_walk(f->descriptor, value_data, value_len,
                       depth == 0 ? "" : field, depth + 1, p))
            return false;
    }
    return true;
}

bool request_check_wire_text(const uint8_t *data, size_t len,
                             request_problem_t *p)
{
    problem_clear(p);
    return wire_walk(&aixin__v1__request__descriptor, data, len, "", 0, p);
}

request_decode_result_t request_decode(pb_arena_t *arena, const uint8_t *data,
                                       size_t len, Aixin__V1__Request **out,
                                       request_problem_t *p)
{
    problem_clear(p);
    *out = NULL;
    Aixin__V1__Request *req =
        aixin__v1__request__unpack(pb_arena_allocator(arena), len, data);
    if (req == NULL) {
        if (pb_arena_exhausted(arena)) {
            rc_fail(p, AIXIN__V1__ERROR_CODE__ERROR_CODE_FRAME_TOO_LARGE, "",
                 "request needs more memory than the decode budget allows");
            return REQUEST_DECODE_TOO_LARGE;
        }
        rc_fail(p, AIXIN__V1__ERROR_CODE__ERROR_CODE_BAD_FRAME, "",
             "payload is not a readable Request");
        return REQUEST_DECODE_UNREADABLE;
    }
    if (!request_check_wire_text(data, len, p)) {
        if (p->code == AIXIN__V1__ERROR_CODE__ERROR_CODE_BAD_FRAME)
            return REQUEST_DECODE_UNREADABLE;
        *out = req;
        return REQUEST_DECODE_INVALID;
    }
    *out = req;
    return request_check(req, p) ? REQUEST_DECODE_OK : REQUEST_DECODE_INVALID;
}
