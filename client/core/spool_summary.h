/*
 * One line about a spooled request for `aixin spool` and `aixin sync`:
 * what it does and to whom, with ID numbers masked (360821********0029)
 * so that a listing on a screen or in a log shows no full ID number.
 */
#ifndef AIXIN_CLIENT_SPOOL_SUMMARY_H
#define AIXIN_CLIENT_SPOOL_SUMMARY_H

#include <stddef.h>

#include "aixin/v1/envelope.pb-c.h"

#define SPOOL_SUMMARY_SIZE 160

/* E.g. "child 360821********0029, year 2027". */
void spool_summary_describe(const Aixin__V1__Request *req,
                            char out[SPOOL_SUMMARY_SIZE]);

/* What the server made, from its answer: "household 12", "policy 7". */
void spool_summary_result(const Aixin__V1__Response *resp,
                          char out[SPOOL_SUMMARY_SIZE]);

#endif
