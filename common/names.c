#include "names.h"

#include <stddef.h>
#include <string.h>

typedef struct name_entry {
    int value;
    const char *name;
} name_entry_t;

static const name_entry_t roles[] = {
    {AIXIN__V1__ROLE__ROLE_CITY_ADMIN, "city_admin"},
    {AIXIN__V1__ROLE__ROLE_COUNTY_CLERK, "county_clerk"},
    {AIXIN__V1__ROLE__ROLE_TOWNSHIP_CLERK, "township_clerk"},
    {AIXIN__V1__ROLE__ROLE_INSURER_ADJUSTER, "insurer_adjuster"},
    {AIXIN__V1__ROLE__ROLE_AUDITOR, "auditor"},
};

static const name_entry_t kinds[] = {
    {AIXIN__V1__HOUSEHOLD_KIND__HOUSEHOLD_KIND_ONLY_CHILD, "only_child"},
    {AIXIN__V1__HOUSEHOLD_KIND__HOUSEHOLD_KIND_TWO_DAUGHTERS, "two_daughters"},
};

static const name_entry_t levels[] = {
    {AIXIN__V1__DIVISION_LEVEL__DIVISION_LEVEL_CITY, "city"},
    {AIXIN__V1__DIVISION_LEVEL__DIVISION_LEVEL_COUNTY, "county"},
    {AIXIN__V1__DIVISION_LEVEL__DIVISION_LEVEL_TOWNSHIP, "township"},
};

static const name_entry_t sexes[] = {
    {AIXIN__V1__SEX__SEX_MALE, "M"},
    {AIXIN__V1__SEX__SEX_FEMALE, "F"},
};

static const name_entry_t events[] = {
    {AIXIN__V1__EVENT_TYPE__EVENT_TYPE_ILLNESS, "illness"},
    {AIXIN__V1__EVENT_TYPE__EVENT_TYPE_ACCIDENT_INJURY, "accident_injury"},
    {AIXIN__V1__EVENT_TYPE__EVENT_TYPE_DISABILITY, "disability"},
    {AIXIN__V1__EVENT_TYPE__EVENT_TYPE_CHILD_DEATH, "child_death"},
    {AIXIN__V1__EVENT_TYPE__EVENT_TYPE_GUARDIAN_DEATH, "guardian_death"},
};

static const name_entry_t funding_levels[] = {
    {AIXIN__V1__FUNDING_LEVEL__FUNDING_LEVEL_CITY, "city"},
    {AIXIN__V1__FUNDING_LEVEL__FUNDING_LEVEL_COUNTY, "county"},
    {AIXIN__V1__FUNDING_LEVEL__FUNDING_LEVEL_TOWNSHIP, "township"},
};

static const name_entry_t claim_states[] = {
    {AIXIN__V1__CLAIM_STATE__CLAIM_STATE_FILED, "filed"},
    {AIXIN__V1__CLAIM_STATE__CLAIM_STATE_UNDER_REVIEW, "under_review"},
    {AIXIN__V1__CLAIM_STATE__CLAIM_STATE_ESCALATED, "escalated"},
    {AIXIN__V1__CLAIM_STATE__CLAIM_STATE_APPROVED, "approved"},
    {AIXIN__V1__CLAIM_STATE__CLAIM_STATE_REJECTED, "rejected"},
    {AIXIN__V1__CLAIM_STATE__CLAIM_STATE_PAID, "paid"},
};

static const name_entry_t service_classes[] = {
    {AIXIN__V1__SERVICE_CLASS__SERVICE_CLASS_SAME_DAY, "same_day"},
    {AIXIN__V1__SERVICE_CLASS__SERVICE_CLASS_SEVEN_DAY, "seven_day"},
    {AIXIN__V1__SERVICE_CLASS__SERVICE_CLASS_FIFTEEN_DAY, "fifteen_day"},
};

static const name_entry_t payment_methods[] = {
    {AIXIN__V1__PAYMENT_METHOD__PAYMENT_METHOD_BANK_TRANSFER, "bank_transfer"},
    {AIXIN__V1__PAYMENT_METHOD__PAYMENT_METHOD_CASH, "cash"},
    {AIXIN__V1__PAYMENT_METHOD__PAYMENT_METHOD_CHEQUE, "cheque"},
};

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

static const char *lookup_name(const name_entry_t *t, size_t n, int value)
{
    for (size_t i = 0; i < n; i++)
        if (t[i].value == value)
            return t[i].name;
    return NULL;
}

static int lookup_value(const name_entry_t *t, size_t n, const char *s)
{
    if (s == NULL)
        return 0;
    for (size_t i = 0; i < n; i++)
        if (strcmp(t[i].name, s) == 0)
            return t[i].value;
    return 0;
}

const char *names_role(Aixin__V1__Role role)
{
    return lookup_name(roles, COUNT(roles), (int)role);
}

Aixin__V1__Role names_role_parse(const char *s)
{
    return (Aixin__V1__Role)lookup_value(roles, COUNT(roles), s);
}

const char *names_household_kind(Aixin__V1__HouseholdKind kind)
{
    return lookup_name(kinds, COUNT(kinds), (int)kind);
}

Aixin__V1__HouseholdKind names_household_kind_parse(const char *s)
{
    return (Aixin__V1__HouseholdKind)lookup_value(kinds, COUNT(kinds), s);
}

const char *names_division_level(Aixin__V1__DivisionLevel level)
{
    return lookup_name(levels, COUNT(levels), (int)level);
}

Aixin__V1__DivisionLevel names_division_level_parse(const char *s)
{
    return (Aixin__V1__DivisionLevel)lookup_value(levels, COUNT(levels), s);
}

const char *names_sex(Aixin__V1__Sex sex)
{
    return lookup_name(sexes, COUNT(sexes), (int)sex);
}

Aixin__V1__Sex names_sex_parse(const char *s)
{
    return (Aixin__V1__Sex)lookup_value(sexes, COUNT(sexes), s);
}

const char *names_event_type(Aixin__V1__EventType event)
{
    return lookup_name(events, COUNT(events), (int)event);
}

Aixin__V1__EventType names_event_type_parse(const char *s)
{
    return (Aixin__V1__EventType)lookup_value(events, COUNT(events), s);
}

const char *names_funding_level(Aixin__V1__FundingLevel level)
{
    return lookup_name(funding_levels, COUNT(funding_levels), (int)level);
}

Aixin__V1__FundingLevel names_funding_level_parse(const char *s)
{
    return (Aixin__V1__FundingLevel)lookup_value(funding_levels,
                                                 COUNT(funding_levels), s);
}

const char *names_claim_state(Aixin__V1__ClaimState state)
{
    return lookup_name(claim_states, COUNT(claim_states), (int)state);
}

Aixin__V1__ClaimState names_claim_state_parse(const char *s)
{
    return (Aixin__V1__ClaimState)lookup_value(claim_states,
                                               COUNT(claim_states), s);
}

const char *names_service_class(Aixin__V1__ServiceClass c)
{
    return lookup_name(service_classes, COUNT(service_classes), (int)c);
}

Aixin__V1__ServiceClass names_service_class_parse(const char *s)
{
    return (Aixin__V1__ServiceClass)lookup_value(service_classes,
                                                 COUNT(service_classes), s);
}

const char *names_payment_method(Aixin__V1__PaymentMethod m)
{
    return lookup_name(payment_methods, COUNT(payment_methods), (int)m);
}

Aixin__V1__PaymentMethod names_payment_method_parse(const char *s)
{
    return (Aixin__V1__PaymentMethod)lookup_value(payment_methods,
                                                  COUNT(payment_methods), s);
}

const char *names_error_code(Aixin__V1__ErrorCode code)
{
    const ProtobufCEnumValue *v =
        protobuf_c_enum_descriptor_get_value(&aixin__v1__error_code__descriptor,
                                             (int)code);
    if (v == NULL)
        return "UNKNOWN";
    /* Generated names are ERROR_CODE_X; users read X. */
    const char *prefix = "ERROR_CODE_";
    size_t plen = strlen(prefix);
    return strncmp(v->name, prefix, plen) == 0 ? v->name + plen : v->name;
}
