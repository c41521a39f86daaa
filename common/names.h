/*
 * The text names of protocol enums, shared by the daemon (they are the
 * values stored in PostgreSQL) and the CLI (what users type and read).
 */
#ifndef AIXIN_NAMES_H
#define AIXIN_NAMES_H

#include <stdbool.h>

#include "aixin/v1/envelope.pb-c.h"

/* "city_admin", ...; NULL for UNSPECIFIED or out-of-range values. */
const char *names_role(Aixin__V1__Role role);
/* 0 (UNSPECIFIED) when unknown. */
Aixin__V1__Role names_role_parse(const char *s);

/* "only_child" / "two_daughters". */
const char *names_household_kind(Aixin__V1__HouseholdKind kind);
Aixin__V1__HouseholdKind names_household_kind_parse(const char *s);

/* "city" / "county" / "township". */
const char *names_division_level(Aixin__V1__DivisionLevel level);
Aixin__V1__DivisionLevel names_division_level_parse(const char *s);

/* "M" / "F". */
const char *names_sex(Aixin__V1__Sex sex);
Aixin__V1__Sex names_sex_parse(const char *s);

/* "illness", "accident_injury", "disability", "child_death",
 * "guardian_death". */
const char *names_event_type(Aixin__V1__EventType event);
Aixin__V1__EventType names_event_type_parse(const char *s);

/* "city" / "county" / "township": the paying level of government. */
const char *names_funding_level(Aixin__V1__FundingLevel level);
Aixin__V1__FundingLevel names_funding_level_parse(const char *s);

/* "filed", "under_review", "escalated", "approved", "rejected", "paid". */
const char *names_claim_state(Aixin__V1__ClaimState state);
Aixin__V1__ClaimState names_claim_state_parse(const char *s);

/* "same_day", "seven_day", "fifteen_day". */
const char *names_service_class(Aixin__V1__ServiceClass c);
Aixin__V1__ServiceClass names_service_class_parse(const char *s);

/* "bank_transfer", "cash", "cheque". */
const char *names_payment_method(Aixin__V1__PaymentMethod m);
Aixin__V1__PaymentMethod names_payment_method_parse(const char *s);

/* "INVALID_ARGUMENT", ...: the ErrorCode without its prefix. */
const char *names_error_code(Aixin__V1__ErrorCode code);

#endif
