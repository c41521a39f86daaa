/*
 * The answer each spooled request gets, for whoever sends the spool
 * (the desk's send button; `aixin sync` has the same table in
 * cli/cmd_spool.c).
 */
#ifndef AIXIN_CLIENT_SPOOL_ANSWER_H
#define AIXIN_CLIENT_SPOOL_ANSWER_H

#include "aixin/v1/envelope.pb-c.h"

/* NOT_SET for a request that never waits in the spool. */
Aixin__V1__Response__BodyCase
spool_answer_expected(Aixin__V1__Request__BodyCase body);

#endif
