/*
 * Routes a decoded request to its handler after the checks every request
 * gets: signed in (except Hello/Login/Authenticate), session not expired,
 * role allowed. The database checks role and scope again.
 */
#ifndef AIXIN_DISPATCH_H
#define AIXIN_DISPATCH_H

#include <stdbool.h>

#include "request.h"

/* Run the request's handler; it finishes the request now or later. */
void dispatch_request(request_t *req);

/* Short name of a request type for logs ("enroll"). */
const char *dispatch_request_name(Aixin__V1__Request__BodyCase body);

/* Requests that change who the connection is: run alone, in order. */
bool dispatch_is_barrier(Aixin__V1__Request__BodyCase body);

#endif
