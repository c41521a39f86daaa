/*
 * The answer each spooled request gets, for whoever sends the spool
 * (`aixin sync` and the desk's send button).
 */
#ifndef AIXIN_CLIENT_SPOOL_ANSWER_H
#define AIXIN_CLIENT_SPOOL_ANSWER_H

#include "aixin/v1/envelope.pb-c.h"

/* NOT_SET for a request that never waits in the spool. */
Aixin__V1__Response__BodyCase
spool_answer_expected(Aixin__V1__Request__BodyCase body);

#endif
