/*
 * Pending actions (pending.proto: four eyes on money) in the user's
 * language: what was asked and where it stands. Shared by `aixin claim
 * pending` and the desk's page of actions awaiting confirmation.
 */
#ifndef AIXIN_CLIENT_PENDING_TEXT_H
#define AIXIN_CLIENT_PENDING_TEXT_H

/* claim.approve, claim.supplement; an unknown kind is returned as is. */
const char *pending_kind_text(const char *kind);
/* pending, confirmed, declined; an unknown state is returned as is. */
const char *pending_state_text(const char *state);

#endif
