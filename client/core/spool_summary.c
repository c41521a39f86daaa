/* One-line descriptions of spooled requests; see spool_summary.h. */
#include "spool_summary.h"

#include <stdio.h>
#include <string.h>

#include "idcard.h"
#include "i18n.h"
#include "names.h"

static const char *str_or_empty(const char *s)
{
    return s != NULL ? s : "";
}

static void mask(const char *id, char out[IDCARD_MASK_SIZE])
{
    const char *s = str_or_empty(id);
    idcard_mask(s, strlen(s), out);
}

static const char *kind_name(Aixin__V1__HouseholdKind kind)
{
    const char *n = names_household_kind(kind);
    return n != NULL ? n : "?";
}

void spool_summary_describe(const Aixin__V1__Request *req,
                            char out[SPOOL_SUMMARY_SIZE])
{
    char m[IDCARD_MASK_SIZE];
    out[0] = '\0';
    switch (req->body_case) {
    case AIXIN__V1__REQUEST__BODY_REGISTER_HOUSEHOLD: {
        const Aixin__V1__RegisterHousehold *b = req->register_household;
        mask(b->n_guardians > 0 ? b->guardians[0]->id_number : NULL, m);
        snprintf(out, SPOOL_SUMMARY_SIZE,
                 _("township %s, %s, certificate %s, guardian %s%s"),
                 str_or_empty(b->township_code), kind_name(b->kind),
                 str_or_empty(b->certificate_no), m,
                 b->n_guardians > 1 ? _(" and 1 more") : "");
        break;
    }
    case AIXIN__V1__REQUEST__BODY_ADD_CHILD:
        mask(req->add_child->id_number, m);
        snprintf(out, SPOOL_SUMMARY_SIZE, _("household %lld, child %s"),
                 (long long)req->add_child->household_id, m);
        break;
    case AIXIN__V1__REQUEST__BODY_ENROLL:
        mask(req->enroll->child_id_number, m);
        snprintf(out, SPOOL_SUMMARY_SIZE, _("child %s, year %d"), m,
                 (int)req->enroll->policy_year);
        break;
    case AIXIN__V1__REQUEST__BODY_OPEN_POLICY_YEAR:
        if (req->open_policy_year->terms != NULL)
            snprintf(out, SPOOL_SUMMARY_SIZE, _("year %d"),
                     (int)req->open_policy_year->terms->year);
        break;
    case AIXIN__V1__REQUEST__BODY_UPDATE_POLICY_YEAR:
        if (req->update_policy_year->terms != NULL)
            snprintf(out, SPOOL_SUMMARY_SIZE, _("year %d"),
                     (int)req->update_policy_year->terms->year);
        break;
    case AIXIN__V1__REQUEST__BODY_REGISTER_INSURER:
        snprintf(out, SPOOL_SUMMARY_SIZE, _("insurer %s"),
                 str_or_empty(req->register_insurer->code));
        break;
    case AIXIN__V1__REQUEST__BODY_SET_COUNTY_TERMS:
        snprintf(out, SPOOL_SUMMARY_SIZE, _("county %s, year %d"),
                 str_or_empty(req->set_county_terms->county_code),
                 (int)req->set_county_terms->policy_year);
        break;
    case AIXIN__V1__REQUEST__BODY_SUBMIT_CENSUS:
        snprintf(out, SPOOL_SUMMARY_SIZE, _("township %s, year %d, %lld households"),
                 str_or_empty(req->submit_census->township_code),
                 (int)req->submit_census->policy_year,
                 (long long)req->submit_census->eligible_households);
        break;
    case AIXIN__V1__REQUEST__BODY_RECORD_DISBURSEMENT:
        snprintf(out, SPOOL_SUMMARY_SIZE, _("division %s, year %d, %lld fen"),
                 str_or_empty(req->record_disbursement->division_code),
                 (int)req->record_disbursement->policy_year,
                 (long long)req->record_disbursement->amount_fen);
        break;
    default:
        break;
    }
}

void spool_summary_result(const Aixin__V1__Response *resp,
                          char out[SPOOL_SUMMARY_SIZE])
{
    out[0] = '\0';
    switch (resp->body_case) {
    case AIXIN__V1__RESPONSE__BODY_HOUSEHOLD:
        snprintf(out, SPOOL_SUMMARY_SIZE, _("household %lld"),
                 (long long)resp->household->id);
        break;
    case AIXIN__V1__RESPONSE__BODY_CHILD:
        snprintf(out, SPOOL_SUMMARY_SIZE, _("child %lld"),
                 (long long)resp->child->id);
        break;
    case AIXIN__V1__RESPONSE__BODY_POLICY:
        snprintf(out, SPOOL_SUMMARY_SIZE, _("policy %lld"),
                 (long long)resp->policy->id);
        break;
    case AIXIN__V1__RESPONSE__BODY_INSURER:
        snprintf(out, SPOOL_SUMMARY_SIZE, _("insurer %lld"),
                 (long long)resp->insurer->id);
        break;
    case AIXIN__V1__RESPONSE__BODY_DISBURSEMENT:
        snprintf(out, SPOOL_SUMMARY_SIZE, _("disbursement %lld"),
                 (long long)resp->disbursement->id);
        break;
    case AIXIN__V1__RESPONSE__BODY_CENSUS_ENTRY:
        snprintf(out, SPOOL_SUMMARY_SIZE, _("census revision %d"),
                 (int)resp->census_entry->revision);
        break;
    default:
        break;
    }
}
