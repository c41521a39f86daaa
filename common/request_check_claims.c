/* Checks of the claim requests (claims.proto). Rules that need the
 * database (states, caps, dates against the claim's own dates) are the
 * database's. */
#include <stdio.h>
#include <string.h>

#include "aixin/v1/claims.pb-c.h"
#include "request_check_rules.h"

#define CODE_INVALID AIXIN__V1__ERROR_CODE__ERROR_CODE_INVALID_ARGUMENT
#define CLAIM_FEN_MAX 100000000LL /* 1,000,000.00 yuan */
#define CLAIM_TEXT_MAX 500
#define DOCUMENTS_MAX 20
#define DOCUMENT_NAME_MAX 64
#define REFERENCE_MAX 64

static bool check_claim_id(request_problem_t *p, int64_t id)
{
    if (id <= 0)
        return rc_fail(p, CODE_INVALID, "claim_id", "claim_id must be positive");
    return true;
}

static bool check_amount(request_problem_t *p, const char *field, int64_t fen)
{
    if (fen < 1 || fen > CLAIM_FEN_MAX)
        return rc_fail(p, CODE_INVALID, field, "%s must be 1-%lld fen", field,
                       (long long)CLAIM_FEN_MAX);
    return true;
}

/* An optional paper date: empty means today. */
static bool check_optional_date(request_problem_t *p, const char *field,
                                const char *s)
{
    civil_date_t d;
    return rc_str(s)[0] == '\0' || rc_check_date(p, field, s, &d);
}

static bool check_optional_text(request_problem_t *p, const char *field,
                                const char *s)
{
    return rc_str(s)[0] == '\0' ||
           rc_check_text(p, field, s, 1, CLAIM_TEXT_MAX);
}

static bool check_documents(request_problem_t *p, size_t n, char **docs)
{
    if (n > DOCUMENTS_MAX)
        return rc_fail(p, CODE_INVALID, "documents",
                       "at most %d documents at a time", DOCUMENTS_MAX);
    for (size_t i = 0; i < n; i++) {
        char field[32];
        snprintf(field, sizeof(field), "documents[%u]", (unsigned)i);
        if (!rc_check_name(p, field, docs[i]))
            return false;
    }
    return true;
}

static bool check_file_claim(request_problem_t *p, const Aixin__V1__FileClaim *m)
{
    civil_date_t incident;
    if (!rc_check_id_number(p, "child_id_number", m->child_id_number, NULL) ||
        !rc_check_policy_year(p, "policy_year", m->policy_year))
        return false;
    if (m->event < AIXIN__V1__EVENT_TYPE__EVENT_TYPE_ILLNESS ||
        m->event > AIXIN__V1__EVENT_TYPE__EVENT_TYPE_GUARDIAN_DEATH)
        return rc_fail(p, CODE_INVALID, "event", "unknown event type");
    return rc_check_date(p, "incident_date", m->incident_date, &incident) &&
           check_amount(p, "amount_claimed_fen", m->amount_claimed_fen) &&
           check_documents(p, m->n_documents, m->documents) &&
           check_optional_text(p, "description", m->description) &&
           check_optional_date(p, "received_on", m->received_on);
}

bool request_check_claims(const Aixin__V1__Request *req, request_problem_t *p)
{
    switch (req->body_case) {
    case AIXIN__V1__REQUEST__BODY_FILE_CLAIM:
        return check_file_claim(p, req->file_claim);
    case AIXIN__V1__REQUEST__BODY_ADD_CLAIM_DOCUMENTS: {
        const Aixin__V1__AddClaimDocuments *m = req->add_claim_documents;
        if (m->n_documents == 0 && !m->documents_complete)
            return rc_fail(p, CODE_INVALID, "documents",
                           "name a document or mark the documents complete");
        return check_claim_id(p, m->claim_id) &&
               check_documents(p, m->n_documents, m->documents) &&
               check_optional_date(p, "received_on", m->received_on);
    }
    case AIXIN__V1__REQUEST__BODY_REVIEW_CLAIM:
        return check_claim_id(p, req->review_claim->claim_id) &&
               check_optional_text(p, "note", req->review_claim->note) &&
               check_optional_date(p, "decided_on", req->review_claim->decided_on);
    case AIXIN__V1__REQUEST__BODY_FLAG_CLAIM_DOUBT:
        return check_claim_id(p, req->flag_claim_doubt->claim_id) &&
               rc_check_text(p, "note", req->flag_claim_doubt->note, 1,
                             CLAIM_TEXT_MAX) &&
               check_optional_date(p, "decided_on",
                                   req->flag_claim_doubt->decided_on);
    case AIXIN__V1__REQUEST__BODY_ESCALATE_CLAIM:
        return check_claim_id(p, req->escalate_claim->claim_id) &&
               check_optional_text(p, "note", req->escalate_claim->note) &&
               check_optional_date(p, "decided_on", req->escalate_claim->decided_on);
    case AIXIN__V1__REQUEST__BODY_APPROVE_CLAIM: {
        const Aixin__V1__ApproveClaim *m = req->approve_claim;
        return check_claim_id(p, m->claim_id) &&
               check_amount(p, "approved_fen", m->approved_fen) &&
               check_optional_text(p, "note", m->note) &&
               check_optional_date(p, "decided_on", m->decided_on);
    }
    case AIXIN__V1__REQUEST__BODY_REJECT_CLAIM:
        return check_claim_id(p, req->reject_claim->claim_id) &&
               rc_check_text(p, "reason", req->reject_claim->reason, 1,
                             CLAIM_TEXT_MAX) &&
               check_optional_date(p, "decided_on", req->reject_claim->decided_on);
    case AIXIN__V1__REQUEST__BODY_PAY_CLAIM: {
        const Aixin__V1__PayClaim *m = req->pay_claim;
        if (m->method < AIXIN__V1__PAYMENT_METHOD__PAYMENT_METHOD_BANK_TRANSFER ||
            m->method > AIXIN__V1__PAYMENT_METHOD__PAYMENT_METHOD_CHEQUE)
            return rc_fail(p, CODE_INVALID, "method", "unknown payment method");
        return check_claim_id(p, m->claim_id) &&
               check_amount(p, "amount_fen", m->amount_fen) &&
               check_optional_date(p, "paid_on", m->paid_on);
    }
    case AIXIN__V1__REQUEST__BODY_RECORD_VISIT:
        return check_claim_id(p, req->record_visit->claim_id) &&
               check_optional_date(p, "visited_on", req->record_visit->visited_on) &&
               check_optional_text(p, "note", req->record_visit->note);
    case AIXIN__V1__REQUEST__BODY_ADD_SUPPLEMENTARY_PAYOUT: {
        const Aixin__V1__AddSupplementaryPayout *m = req->add_supplementary_payout;
        return check_claim_id(p, m->claim_id) &&
               check_amount(p, "amount_fen", m->amount_fen) &&
               check_optional_date(p, "paid_on", m->paid_on) &&
               rc_check_text(p, "reference", m->reference, 1, REFERENCE_MAX);
    }
    case AIXIN__V1__REQUEST__BODY_GET_CLAIM:
        return check_claim_id(p, req->get_claim->claim_id);
    case AIXIN__V1__REQUEST__BODY_CLAIM_HISTORY:
        return check_claim_id(p, req->claim_history->claim_id);
    case AIXIN__V1__REQUEST__BODY_LIST_DUE_CLAIMS:
        if (req->list_due_claims->within_days < 0 ||
            req->list_due_claims->within_days > 366)
            return rc_fail(p, CODE_INVALID, "within_days",
                           "within_days must be 0-366");
        return true;
    default:
        return rc_fail(p, CODE_INVALID, "body", "not a claim request");
    }
}
