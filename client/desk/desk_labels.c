/* Translated names of the protocol's enums; see desk_labels.h. */
#include "desk_labels.h"

#include <stdio.h>
#include <string.h>

#include "i18n.h"
#include "names.h"

const char *desk_label_role(Aixin__V1__Role role)
{
    switch (role) {
    case AIXIN__V1__ROLE__ROLE_CITY_ADMIN: return _("city administrator");
    case AIXIN__V1__ROLE__ROLE_COUNTY_CLERK: return _("county clerk");
    case AIXIN__V1__ROLE__ROLE_TOWNSHIP_CLERK: return _("township clerk");
    case AIXIN__V1__ROLE__ROLE_INSURER_ADJUSTER: return _("insurer's adjuster");
    case AIXIN__V1__ROLE__ROLE_AUDITOR: return _("auditor");
    default: return "";
    }
}

const char *desk_role_name(Aixin__V1__Role role)
{
    const char *n = names_role(role);
    return n != NULL ? n : "";
}

const char *desk_label_household_kind(Aixin__V1__HouseholdKind kind)
{
    switch (kind) {
    case AIXIN__V1__HOUSEHOLD_KIND__HOUSEHOLD_KIND_ONLY_CHILD:
        return _("only-child household");
    case AIXIN__V1__HOUSEHOLD_KIND__HOUSEHOLD_KIND_TWO_DAUGHTERS:
        return _("two-daughter household");
    default:
        return "";
    }
}

const char *desk_label_sex(Aixin__V1__Sex sex)
{
    switch (sex) {
    case AIXIN__V1__SEX__SEX_MALE: return _("male");
    case AIXIN__V1__SEX__SEX_FEMALE: return _("female");
    default: return "";
    }
}

const char *desk_label_notice_kind(notice_kind_t kind)
{
    switch (kind) {
    case NOTICE_REJECTED: return _("Refused");
    case NOTICE_WARNING: return _("Note");
    case NOTICE_INFO: return _("Done");
    default: return _("Error");
    }
}

const char *desk_label_claim_state(Aixin__V1__ClaimState state)
{
    switch (state) {
    case AIXIN__V1__CLAIM_STATE__CLAIM_STATE_FILED: return _("filed");
    case AIXIN__V1__CLAIM_STATE__CLAIM_STATE_UNDER_REVIEW:
        return _("under review");
    case AIXIN__V1__CLAIM_STATE__CLAIM_STATE_ESCALATED: return _("escalated");
    case AIXIN__V1__CLAIM_STATE__CLAIM_STATE_APPROVED:
        return i18n_text(NC_("claim state", "approved"));
    case AIXIN__V1__CLAIM_STATE__CLAIM_STATE_REJECTED:
        return i18n_text(NC_("claim state", "rejected"));
    case AIXIN__V1__CLAIM_STATE__CLAIM_STATE_PAID: return _("paid");
    default: return "";
    }
}

const char *desk_label_claim_action(const char *action)
{
    static const struct {
        const char *name;
        const char *label;
    } actions[] = {
        {"file", NC_("claim action", "filed")},
        {"add_documents", NC_("claim action", "documents added")},
        {"review", NC_("claim action", "review started")},
        {"doubt", NC_("claim action", "doubt flagged")},
        {"escalate", NC_("claim action", "escalated")},
        {"approve", NC_("claim action", "approved")},
        {"reject", NC_("claim action", "rejected")},
        {"pay", NC_("claim action", "paid")},
        {"visit", NC_("claim action", "visited")},
        {"supplement", NC_("claim action", "supplementary payout")},
    };
    for (size_t i = 0; action != NULL && i < sizeof(actions) / sizeof(actions[0]);
         i++)
        if (strcmp(actions[i].name, action) == 0)
            return i18n_text(actions[i].label);
    return action != NULL ? action : "";
}

const char *desk_label_event(Aixin__V1__EventType event)
{
    switch (event) {
    case AIXIN__V1__EVENT_TYPE__EVENT_TYPE_ILLNESS:
        return _("serious illness");
    case AIXIN__V1__EVENT_TYPE__EVENT_TYPE_ACCIDENT_INJURY:
        return _("accidental injury");
    case AIXIN__V1__EVENT_TYPE__EVENT_TYPE_DISABILITY: return _("disability");
    case AIXIN__V1__EVENT_TYPE__EVENT_TYPE_CHILD_DEATH:
        return _("death of the child");
    case AIXIN__V1__EVENT_TYPE__EVENT_TYPE_GUARDIAN_DEATH:
        return _("death of a guardian");
    default: return "";
    }
}

const char *desk_label_service_class(Aixin__V1__ServiceClass c)
{
    switch (c) {
    case AIXIN__V1__SERVICE_CLASS__SERVICE_CLASS_SAME_DAY:
        return _("same day");
    case AIXIN__V1__SERVICE_CLASS__SERVICE_CLASS_SEVEN_DAY:
        return _("7 days");
    case AIXIN__V1__SERVICE_CLASS__SERVICE_CLASS_FIFTEEN_DAY:
        return _("15 days (escalated)");
    default: return "";
    }
}

const char *desk_label_payment_method(Aixin__V1__PaymentMethod m)
{
    switch (m) {
    case AIXIN__V1__PAYMENT_METHOD__PAYMENT_METHOD_BANK_TRANSFER:
        return _("bank transfer");
    case AIXIN__V1__PAYMENT_METHOD__PAYMENT_METHOD_CASH: return _("cash");
    case AIXIN__V1__PAYMENT_METHOD__PAYMENT_METHOD_CHEQUE: return _("cheque");
    default: return "";
    }
}

/* What each refusal means, in the words of the page. */
static const struct {
    Aixin__V1__ErrorCode code;
    const char *words;
} code_words[] = {
    {AIXIN__V1__ERROR_CODE__ERROR_CODE_INVALID_ARGUMENT, N_("Input not valid")},
    {AIXIN__V1__ERROR_CODE__ERROR_CODE_UNAUTHENTICATED,
     N_("Wrong user name or password, or the session has ended")},
    {AIXIN__V1__ERROR_CODE__ERROR_CODE_PERMISSION_DENIED,
     N_("Not allowed for your account or division")},
    {AIXIN__V1__ERROR_CODE__ERROR_CODE_NOT_FOUND, N_("Not found")},
    {AIXIN__V1__ERROR_CODE__ERROR_CODE_ALREADY_EXISTS, N_("Already exists")},
    {AIXIN__V1__ERROR_CODE__ERROR_CODE_RULE_VIOLATION,
     N_("Against the programme's rules")},
    {AIXIN__V1__ERROR_CODE__ERROR_CODE_CONFLICT,
     N_("Someone changed it first: look at it again")},
    {AIXIN__V1__ERROR_CODE__ERROR_CODE_UNAVAILABLE,
     N_("The city's server is not available")},
    {AIXIN__V1__ERROR_CODE__ERROR_CODE_PASSWORD_CHANGE_REQUIRED,
     N_("Change your password first (the link beside your name)")},
};

void desk_label_server_text(const char *text, char *out, size_t size)
{
    snprintf(out, size, "%s", text);
    for (size_t i = 0; i < sizeof(code_words) / sizeof(code_words[0]); i++) {
        const char *name = names_error_code(code_words[i].code);
        size_t len = name != NULL ? strlen(name) : 0;
        if (len == 0 || strncmp(text, name, len) != 0 ||
            strncmp(text + len, ": ", 2) != 0)
            continue;
        const char *message = text + len + 2;
        const char *field = strstr(message, " (field: ");
        int keep = field != NULL ? (int)(field - message) : (int)strlen(message);
        snprintf(out, size, "%s: %.*s", _(code_words[i].words), keep,
                 message);
        return;
    }
}
