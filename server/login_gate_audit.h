/*
 * Writes the login gate's counts of refused attempts (login_gate.h) to the
 * audit log every LOGIN_GATE_AUDIT_PERIOD_MS, on one worker's loop, through
 * aixin.login_throttled_summaries(): one row per name and address.
 */
#ifndef AIXIN_LOGIN_GATE_AUDIT_H
#define AIXIN_LOGIN_GATE_AUDIT_H

#include "db_timer.h"
#include "worker.h"

#define LOGIN_GATE_AUDIT_PERIOD_MS 5000

typedef struct login_gate_audit login_gate_audit_t;

/* Before the worker starts. NULL when out of memory. */
login_gate_audit_t *login_gate_audit_start(worker_t *w);
/* After the worker was joined: writes nothing more (counts not yet
 * written are logged instead), frees. */
void login_gate_audit_stop(login_gate_audit_t *a);

#endif
