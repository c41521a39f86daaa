/*
 * The words the desk shows for the protocol's enums: roles, kinds of
 * household, sexes, error codes and message kinds, translated.
 */
#ifndef AIXIN_DESK_LABELS_H
#define AIXIN_DESK_LABELS_H

#include <stddef.h>

#include "aixin/v1/envelope.pb-c.h"
#include "notice.h"

const char *desk_label_role(Aixin__V1__Role role);
/* The protocol's name of the role ("township_clerk"), "" when unknown. */
const char *desk_role_name(Aixin__V1__Role role);
const char *desk_label_household_kind(Aixin__V1__HouseholdKind kind);
const char *desk_label_sex(Aixin__V1__Sex sex);
const char *desk_label_notice_kind(notice_kind_t kind);
const char *desk_label_claim_state(Aixin__V1__ClaimState state);
/* A claim history's action ("approve") in words; unknown ones as given. */
const char *desk_label_claim_action(const char *action);
const char *desk_label_event(Aixin__V1__EventType event);
const char *desk_label_service_class(Aixin__V1__ServiceClass c);
const char *desk_label_payment_method(Aixin__V1__PaymentMethod m);

/*
 * A server refusal as the core words it, "CODE: message (field: f)", for
 * a person: the code as words of their language, the field path dropped
 * (the page puts the message next to the input). Other text is copied.
 */
void desk_label_server_text(const char *text, char *out, size_t size);

#endif
