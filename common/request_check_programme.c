/* Checks of the programme requests: years, insurers, county terms,
 * census, disbursements, ledger. */
#include <stdio.h>
#include <string.h>

#include "aixin/v1/programme.pb-c.h"
#include "request_check_rules.h"
#include "text_check.h"

#define CODE_INVALID AIXIN__V1__ERROR_CODE__ERROR_CODE_INVALID_ARGUMENT
/* Largest amount of money one field may carry: 100,000,000.00 yuan. */
#define MONEY_FEN_MAX 10000000000LL
#define NOTE_MAX_CHARS 200
#define REFERENCE_MAX_CHARS 64

static bool check_fen(request_problem_t *p, const char *field, int64_t fen,
                      int64_t min)
{
    if (fen < min || fen > MONEY_FEN_MAX)
        return rc_fail(p, CODE_INVALID, field, "%s must be %lld-%lld fen",
                       field, (long long)min, (long long)MONEY_FEN_MAX);
    return true;
}

static bool check_terms(request_problem_t *p,
                        const Aixin__V1__PolicyYearTerms *t)
{
    if (t == NULL)
        return rc_fail(p, CODE_INVALID, "terms", "terms are missing");
    civil_date_t ref;
    if (!rc_check_policy_year(p, "terms.year", t->year) ||
        !rc_check_date(p, "terms.reference_date", t->reference_date, &ref))
        return false;
    /* Ages are counted on this date; one far from the year is a typo. */
    if (ref.year < t->year - 1 || ref.year > t->year)
        return rc_fail(p, CODE_INVALID, "terms.reference_date",
                       "reference_date must fall in %d or %d", t->year - 1,
                       t->year);
    if (t->premium_fen < 1 || t->premium_fen > REQUEST_PREMIUM_FEN_MAX)
        return rc_fail(p, CODE_INVALID, "terms.premium_fen",
                       "premium_fen must be 1-%d fen", REQUEST_PREMIUM_FEN_MAX);
    if (!check_fen(p, "terms.city_subsidy_fen", t->city_subsidy_fen, 0) ||
        !check_fen(p, "terms.county_share_min_fen", t->county_share_min_fen, 0) ||
        !check_fen(p, "terms.county_share_max_fen", t->county_share_max_fen, 0))
        return false;
    if (t->county_share_min_fen > t->county_share_max_fen)
        return rc_fail(p, CODE_INVALID, "terms.county_share_max_fen",
                       "county share range is empty (min above max)");
    if (t->city_subsidy_fen + t->county_share_min_fen > t->premium_fen)
        return rc_fail(p, CODE_INVALID, "terms.county_share_min_fen",
                       "city subsidy plus the smallest county share exceed "
                       "the premium");
    bool seen[AIXIN__V1__EVENT_TYPE__EVENT_TYPE_GUARDIAN_DEATH + 1] = {false};
    for (size_t i = 0; i < t->n_benefits; i++) {
        const Aixin__V1__BenefitCap *b = t->benefits[i];
        char field[64];
        snprintf(field, sizeof(field), "terms.benefits[%u].event", (unsigned)i);
        if (b == NULL || b->event < AIXIN__V1__EVENT_TYPE__EVENT_TYPE_ILLNESS ||
            b->event > AIXIN__V1__EVENT_TYPE__EVENT_TYPE_GUARDIAN_DEATH)
            return rc_fail(p, CODE_INVALID, field, "unknown event type");
        if (seen[b->event])
            return rc_fail(p, CODE_INVALID, field,
                           "each event type may have one cap");
        seen[b->event] = true;
        snprintf(field, sizeof(field), "terms.benefits[%u].max_payout_fen",
                 (unsigned)i);
        if (!check_fen(p, field, b->max_payout_fen, 1))
            return false;
    }
    return true;
}

bool rc_check_insurer_code(request_problem_t *p, const char *field,
                          const char *s)
{
    s = rc_str(s);
    size_t len = strlen(s);
    bool ok = len >= 2 && len <= 32;
    for (size_t i = 0; ok && i < len; i++) {
        char c = s[i];
        ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' ||
             c == '-';
    }
    if (!ok)
        return rc_fail(p, CODE_INVALID, field,
                       "%s must be 2-32 characters of a-z, 0-9, '_', '-'",
                       field);
    return true;
}

static bool check_disbursement(request_problem_t *p,
                               const Aixin__V1__RecordDisbursement *m)
{
    bool six = m->level == AIXIN__V1__FUNDING_LEVEL__FUNDING_LEVEL_CITY ||
               m->level == AIXIN__V1__FUNDING_LEVEL__FUNDING_LEVEL_COUNTY;
    bool nine = m->level == AIXIN__V1__FUNDING_LEVEL__FUNDING_LEVEL_TOWNSHIP;
    civil_date_t paid;
    if (!six && !nine)
        return rc_fail(p, CODE_INVALID, "level",
                       "level must be city, county or township");
    if (!rc_check_division(p, "division_code", m->division_code, six, nine) ||
        !rc_check_policy_year(p, "policy_year", m->policy_year) ||
        !check_fen(p, "amount_fen", m->amount_fen, 1) ||
        !rc_check_date(p, "paid_on", m->paid_on, &paid) ||
        !rc_check_text(p, "reference", m->reference, 1, REFERENCE_MAX_CHARS))
        return false;
    return true;
}

bool request_check_programme(const Aixin__V1__Request *req,
                             request_problem_t *p)
{
    switch (req->body_case) {
    case AIXIN__V1__REQUEST__BODY_OPEN_POLICY_YEAR:
        return check_terms(p, req->open_policy_year->terms);
    case AIXIN__V1__REQUEST__BODY_UPDATE_POLICY_YEAR:
        return check_terms(p, req->update_policy_year->terms);
    case AIXIN__V1__REQUEST__BODY_GET_POLICY_YEAR:
        return rc_check_policy_year(p, "year", req->get_policy_year->year);
    case AIXIN__V1__REQUEST__BODY_REGISTER_INSURER:
        return rc_check_insurer_code(p, "code", req->register_insurer->code) &&
               rc_check_name(p, "name", req->register_insurer->name);
    case AIXIN__V1__REQUEST__BODY_LIST_INSURERS:
        return true;
    case AIXIN__V1__REQUEST__BODY_SET_COUNTY_TERMS: {
        const Aixin__V1__SetCountyTerms *m = req->set_county_terms;
        return rc_check_division(p, "county_code", m->county_code, true, false) &&
               rc_check_policy_year(p, "policy_year", m->policy_year) &&
               check_fen(p, "county_share_fen", m->county_share_fen, 0) &&
               rc_check_insurer_code(p, "insurer_code", m->insurer_code);
    }
    case AIXIN__V1__REQUEST__BODY_LIST_COUNTY_TERMS:
        return rc_check_policy_year(p, "policy_year",
                                    req->list_county_terms->policy_year);
    case AIXIN__V1__REQUEST__BODY_SUBMIT_CENSUS: {
        const Aixin__V1__SubmitCensus *m = req->submit_census;
        if (!rc_check_division(p, "township_code", m->township_code, false, true) ||
            !rc_check_policy_year(p, "policy_year", m->policy_year))
            return false;
        if (m->eligible_households < 0 || m->eligible_households > 100000000)
            return rc_fail(p, CODE_INVALID, "eligible_households",
                           "eligible_households must be 0-100000000");
        if (rc_str(m->note)[0] != '\0' &&
            !rc_check_text(p, "note", m->note, 1, NOTE_MAX_CHARS))
            return false;
        return true;
    }
    case AIXIN__V1__REQUEST__BODY_LIST_CENSUS: {
        const Aixin__V1__ListCensus *m = req->list_census;
        if (!rc_check_policy_year(p, "policy_year", m->policy_year))
            return false;
        return rc_str(m->division_code)[0] == '\0' ||
               rc_check_division(p, "division_code", m->division_code, true, true);
    }
    case AIXIN__V1__REQUEST__BODY_RECORD_DISBURSEMENT:
        return check_disbursement(p, req->record_disbursement);
    case AIXIN__V1__REQUEST__BODY_GET_LEDGER: {
        const Aixin__V1__GetLedger *m = req->get_ledger;
        if (m->policy_year != 0 &&
            !rc_check_policy_year(p, "policy_year", m->policy_year))
            return false;
        return rc_str(m->division_code)[0] == '\0' ||
               rc_check_division(p, "division_code", m->division_code, true, true);
    }
    default:
        return rc_fail(p, CODE_INVALID, "body", "not a programme request");
    }
}
