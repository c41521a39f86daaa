/* The early warnings on the desk: a section for the start page and the
 * page /alerts (desk_pages_alerts.c). */
#ifndef AIXIN_DESK_ALERTS_H
#define AIXIN_DESK_ALERTS_H

#include "desk_app.h"

/*
 * Ask the server what needs attention in the user's scope and set the
 * variable "alerts" of `v` to the section (alerts.html); an empty section
 * when the desk is offline or the server refuses (then `notices` says
 * why). False only when the page cannot be made (out of memory).
 */
bool desk_alerts_section(desk_t *d, desk_vars_t *v, desk_notices_t *notices);

#endif
