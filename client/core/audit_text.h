/*
 * The audit log's actions (deploy/sql: aixin.audit(...)) in words for a
 * person: "account.create" as "created an account", "refused.get_claim"
 * as a refusal of the operation named (operation_names.h).
 */
#ifndef AIXIN_CLIENT_AUDIT_TEXT_H
#define AIXIN_CLIENT_AUDIT_TEXT_H

#include <stddef.h>

#define AUDIT_TEXT_SIZE 160

/* The action in the user's language into out; an action without words
 * is copied as it is. */
void audit_action_text(const char *action, char out[AUDIT_TEXT_SIZE]);

#endif
